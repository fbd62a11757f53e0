"""The week's dual-prevention figures for the weekly safety meeting: hidden dangers found and
accepted in the week, the open ones by grade, the overdue ones, the permits issued by kind, the
inspections done and missed. Read from the register and the permit desk; the PDF is written by
views/dual_prevention_report.py. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.dual_prevention.hidden_dangers import Grade, HiddenDanger
from app.dual_prevention.permits import Permit, PermitKind
from storage import dual_prevention as db

WEEK_S = 7 * 86400.0


@dataclass(frozen=True)
class WeekSummary:
    start: float  # UNIX s
    end: float
    found: int
    accepted: int
    open_major: int
    open_general: int
    overdue: tuple[HiddenDanger, ...]
    dangers: tuple[HiddenDanger, ...]  # open now, or found or closed in the week
    permits: dict[PermitKind, int]  # issued in the week, by kind
    permit_people: int  # people under the permits issued in the week
    inspections_done: int
    inspections_missed: int  # due in the week, not done


def week_summary(register, desk_permits: list[Permit], end: float, start: float | None = None) -> WeekSummary:
    """The figures of [start, end) (the 7 days before `end` by default)."""
    start = end - WEEK_S if start is None else start
    everything = register.all()

    def within(t: float | None) -> bool:
        return t is not None and start <= t < end

    shown = tuple(d for d in everything if d.open or within(d.found) or within(d.closed))
    issued = [p for p in desk_permits if within(p.start)]
    tasks = [r for r in db.rows(register.engine, "inspections") if within(r["due"])]
    return WeekSummary(
        start,
        end,
        found=sum(1 for d in everything if within(d.found)),
        accepted=sum(1 for d in everything if within(d.closed) and d.accepted_by),
        open_major=sum(1 for d in everything if d.open and d.grade == Grade.MAJOR),
        open_general=sum(1 for d in everything if d.open and d.grade == Grade.GENERAL),
        overdue=tuple(d for d in everything if d.overdue(end)),
        dangers=shown,
        permits={
            k: sum(1 for p in issued if p.kind == k) for k in PermitKind if any(p.kind == k for p in issued)
        },
        permit_people=sum(p.people for p in issued),
        inspections_done=sum(1 for r in tasks if r["done"] is not None),
        inspections_missed=sum(1 for r in tasks if r["done"] is None and r["due"] < end),
    )
