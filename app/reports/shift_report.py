"""The shift-handover report's data (no Qt): `build_shift_report` reads the journal of one shift
and gathers what `views.shift_report` prints: the KPIs, the activations, the alarms standing,
unacknowledged or off the operator's list at the end, what went off the list and back, the
calibrations due, and the audit trail's newest row.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.reports import kpi
from app.reports.calibration import CalibrationDue, calibration_due
from app.reports.figures import Figure, kpi_figures
from app.reports.shifts import period_label
from app.uplink.report import uplink_summary
from core.alarm_types import State
from core.messages import QT_TRANSLATE_NOOP, Message
from storage.audit import Action, action_rows, head_if_readable
from storage.journal_reads import JournalEntry, load_events, load_journal, period_ends

# States that take an alarm off the operator's list (ISA-18.2): recorded, not annunciated.
OFF_LIST_STATES = (State.SHELVED, State.SUPPRESSED, State.OOS)


@dataclass
class ShiftReport:
    """What the handover report prints for one shift ``[t0, t1]``."""

    plant: str
    t0: float
    t1: float
    title: str
    generated: float
    kpi: kpi.KpiReport
    figures: list[Figure]
    activations: list[JournalEntry]  # activations inside the shift, in time order
    standing_at_end: list[tuple[JournalEntry, float]]  # (last row, active since) still active at t1
    unacked_at_end: list[JournalEntry]  # last row of alarms not acknowledged at t1
    off_list_at_end: list[JournalEntry] = field(default_factory=list)  # shelved / suppressed / OOS at t1
    off_list_changes: list[JournalEntry] = field(default_factory=list)  # shelve, suppress, OOS and back
    rows_in_shift: int = 0
    calibration: list[CalibrationDue] = field(default_factory=list)  # overdue and due this week, at t1
    audit_head: tuple[int, str] | None = None  # (id, hash) of the audit trail's newest row when made
    # alarm key -> when its shelve at t1 expires (None: one-shot, until it clears), from the audit trail
    off_list_until: dict[str, float | None] = field(default_factory=dict)
    uplink: object | None = None  # app.uplink.report.UplinkSummary: what the regulator received

    @property
    def nothing_to_report(self) -> bool:
        """No journal row in the period and nothing standing, unacknowledged, off the list or due."""
        return not (
            self.rows_in_shift
            or self.standing_at_end
            or self.unacked_at_end
            or self.off_list_at_end
            or self.calibration
        )


def activations(entries: Sequence[JournalEntry], context: Sequence[JournalEntry] = ()) -> list[JournalEntry]:
    """The rows of ``entries`` that activate an alarm (same rule as `app.reports.kpi`): active and not
    acknowledged while the alarm's previous row (from ``context``, the last rows before the
    period, or earlier in ``entries``) was not active."""
    was_active = {e.key: e.active for e in context}
    out = []
    for e in entries:
        if e.active and not e.acked and not was_active.get(e.key, False):
            out.append(e)
        was_active[e.key] = e.active
    return out


def _off_list_changes(entries: Sequence[JournalEntry], context: Sequence[JournalEntry]) -> list[JournalEntry]:
    prev = {e.key: e.state for e in context}
    out = []
    for e in entries:
        before = prev.get(e.key, "NORMAL")
        if (e.state in OFF_LIST_STATES or before in OFF_LIST_STATES) and e.state != before:
            out.append(e)
        prev[e.key] = e.state
    return out


def build_shift_report(
    engine,
    plant: str,
    t0: float,
    t1: float,
    *,
    operators: int = 1,
    title: str = "",
    now: float | None = None,
    config=None,
) -> ShiftReport:
    """Read the journal and assemble the handover report of ``[t0, t1]``; with the plant's
    `config`, the detectors whose calibration is overdue or due in the week after ``t1``."""
    entries, _ = load_journal(engine, t0, t1)
    report = kpi.compute(load_events(engine, t0, t1), t0, t1, operators=operators)
    ends = period_ends(engine, t0, t1)
    before, at_end = ends.before, ends.at_end
    standing = [(e, ends.active_since[e.key]) for e in at_end if e.active and e.state not in OFF_LIST_STATES]
    standing.sort(key=lambda x: (x[0].priority, x[1]))
    unacked = sorted((e for e in at_end if not e.acked), key=lambda e: (e.priority, e.ts))
    off_list = sorted((e for e in at_end if e.state in OFF_LIST_STATES), key=lambda e: (e.priority, e.ts))
    return ShiftReport(
        plant=plant,
        t0=t0,
        t1=t1,
        title=title
        or Message("report", QT_TRANSLATE_NOOP("report", "Shift {period}"), period=period_label(t0, t1)),
        generated=time.time() if now is None else now,
        kpi=report,
        figures=kpi_figures(report),
        activations=activations(entries, before),
        standing_at_end=standing,
        unacked_at_end=unacked,
        off_list_at_end=off_list,
        off_list_changes=_off_list_changes(entries, before),
        rows_in_shift=len(entries),
        calibration=[] if config is None else calibration_due(config, datetime.fromtimestamp(t1).date()),
        audit_head=head_if_readable(engine),
        off_list_until=shelved_until(engine, [e.key for e in off_list if e.state == State.SHELVED], t1),
        uplink=None if config is None else uplink_summary(engine, config, t0, t1, now),
    )


def shelved_until(engine, keys: Sequence[str], t1: float) -> dict[str, float | None]:
    """When the shelves of `keys` in force at ``t1`` expire (None: one-shot, until the alarm
    clears), from the audit trail's last shelve of each at or before ``t1`` (the journal keeps the
    state, the audit trail the duration). Keys without an audited shelve are left out."""
    wanted, out = set(keys), {}
    if not wanted:
        return out
    for ts, target, detail in action_rows(engine, Action.SHELVE, math.ceil(t1 * 1000)):
        try:
            d = json.loads(detail)
        except ValueError:
            continue
        if not isinstance(d, dict) or "duration_s" not in d:
            continue
        duration = d["duration_s"]
        for key in str(target).split(","):
            if key in wanted:
                out[key] = None if duration is None else ts / 1000.0 + float(duration)
    return out
