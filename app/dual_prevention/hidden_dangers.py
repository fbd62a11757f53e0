"""Hidden dangers (隐患排查治理) from finding to acceptance, and what open ones do to the risk.

A hidden danger belongs to a hazard source; it is general or major, a major one naming the item
of the metallurgy major-accident-hazard criteria it meets (`criteria()`, the list shipped in
resources/major_hazard_criteria_metallurgy.yaml, MEM Order No. 10 (2023)). Its life:

    draft (opened by monitoring: a bypass, a detector out of service) -> registered | dismissed
    registered -> assigned (the five 落实: measures, responsible person, funds, deadline,
                 emergency plan) -> rectified -> accepted (the acceptance sign-off, closed)
    rectified -> assigned (acceptance refused: back to work)

Past its deadline and not accepted it is **overdue**. In the dynamic risk (app/risk/management.py),
an open (registered, assigned or rectified) hidden danger is one trace line since it was found:
a major one pulls its source to II orange (I red once overdue); a general one is IV (shown in
the trace, raising nothing) and III yellow once overdue. An inspection of a control measure past
its due time and not done is a line at III yellow since it fell due. Drafts count nothing until
confirmed. `DangerBook` holds what the risk engine reads; `Register` (service.py style) stores,
audits and hands changes on. Pure Python, no Qt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from core.messages import QT_TRANSLATE_NOOP, Message, word
from core.risk_types import HIDDEN_DANGER, INSPECTION_OVERDUE, TraceItem

CRITERIA_FILE = Path(__file__).resolve().parents[2] / "resources" / "major_hazard_criteria_metallurgy.yaml"
MAJOR_LEVEL, MAJOR_OVERDUE_LEVEL = 2, 1
GENERAL_LEVEL, GENERAL_OVERDUE_LEVEL = 4, 3
INSPECTION_OVERDUE_LEVEL = 3


def _m(template: str, **args) -> Message:
    return Message("hidden_dangers", template, **args)


class Grade(StrEnum):
    GENERAL = "general"
    MAJOR = "major"


class DangerStatus(StrEnum):
    DRAFT = "draft"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    RECTIFIED = "rectified"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


GRADE_TEXT = {
    Grade.GENERAL: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "general")),
    Grade.MAJOR: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "major")),
}
STATUS_TEXT = {
    DangerStatus.DRAFT: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "draft")),
    DangerStatus.REGISTERED: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "registered")),
    DangerStatus.ASSIGNED: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "being rectified")),
    DangerStatus.RECTIFIED: word(
        "hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "awaiting acceptance")
    ),
    DangerStatus.ACCEPTED: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "accepted")),
    DangerStatus.DISMISSED: word("hidden_dangers", QT_TRANSLATE_NOOP("hidden_dangers", "dismissed")),
}
OPEN = (DangerStatus.REGISTERED, DangerStatus.ASSIGNED, DangerStatus.RECTIFIED)
# the steps a person may take: (from, to)
MOVES = {
    (DangerStatus.DRAFT, DangerStatus.REGISTERED),
    (DangerStatus.DRAFT, DangerStatus.DISMISSED),
    (DangerStatus.REGISTERED, DangerStatus.ASSIGNED),
    (DangerStatus.ASSIGNED, DangerStatus.ASSIGNED),  # the plan changed
    (DangerStatus.ASSIGNED, DangerStatus.RECTIFIED),
    (DangerStatus.RECTIFIED, DangerStatus.ACCEPTED),
    (DangerStatus.RECTIFIED, DangerStatus.ASSIGNED),  # acceptance refused
}


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str  # "4.4": article 4, item 4
    zh: str
    en: str
    check: bool = False  # the wording is to be compared with the published order


@cache
def criteria() -> tuple[Criterion, ...]:
    """The metallurgy major-accident-hazard criteria shipped with the product."""
    data = yaml.safe_load(CRITERIA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Criterion(str(d["id"]), d["zh"], d["en"], bool(d.get("check", False))) for d in data["items"]
    )


def criteria_source() -> str:
    return str(yaml.safe_load(CRITERIA_FILE.read_text(encoding="utf-8"))["source"])


@dataclass(frozen=True, slots=True)
class HiddenDanger:
    """One hidden danger and where its rectification stands."""

    id: int
    hazard: str
    title: str
    grade: Grade
    status: DangerStatus
    found: float  # UNIX s
    found_by: str
    criterion: str = ""  # Criterion.id of a major one
    responsible: str = ""
    deadline: float | None = None  # UNIX s
    measures: str = ""
    funds: float | None = None  # yuan
    emergency_plan: str = ""
    accepted_by: str = ""
    closed: float | None = None
    note: str = ""
    evidence: str = ""  # what opened it: "inspection 12", "GH1.CO.03 out of service"

    @property
    def code(self) -> str:
        return f"HD-{self.id}"

    @property
    def open(self) -> bool:
        return self.status in OPEN

    def overdue(self, now: float) -> bool:
        return self.open and self.deadline is not None and now > self.deadline

    def level(self, now: float) -> int:
        if self.grade == Grade.MAJOR:
            return MAJOR_OVERDUE_LEVEL if self.overdue(now) else MAJOR_LEVEL
        return GENERAL_OVERDUE_LEVEL if self.overdue(now) else GENERAL_LEVEL

    def trace_item(self, now: float) -> TraceItem:
        if self.overdue(now):
            detail = _m(
                QT_TRANSLATE_NOOP(
                    "hidden_dangers", "{grade} hidden danger: {title}; overdue since {deadline}"
                ),
                grade=GRADE_TEXT[self.grade],
                title=self.title,
                deadline=_day(self.deadline),
            )
        else:
            detail = _m(
                QT_TRANSLATE_NOOP("hidden_dangers", "{grade} hidden danger: {title} ({status})"),
                grade=GRADE_TEXT[self.grade],
                title=self.title,
                status=STATUS_TEXT[self.status],
            )
        return TraceItem(self.code, HIDDEN_DANGER, self.level(now), detail, self.found)

    def to_row(self) -> dict:
        d = {k: getattr(self, k) for k in self.__slots__ if k != "id"}
        d["grade"], d["status"] = str(self.grade), str(self.status)
        return d

    @classmethod
    def from_row(cls, r: dict) -> HiddenDanger:
        names = set(cls.__slots__)
        d = {k: v for k, v in r.items() if k in names}
        d["grade"], d["status"] = Grade(d["grade"]), DangerStatus(d["status"])
        return cls(**d)


@dataclass(frozen=True, slots=True)
class OverdueInspection:
    """An inspection task not done, with its due time (app.dual_prevention.inspections); it
    counts in the risk once past due."""

    id: int
    hazard: str
    measure: str
    due: float

    def trace_item(self) -> TraceItem:
        detail = _m(
            QT_TRANSLATE_NOOP("hidden_dangers", "inspection of “{measure}” due {due} not done"),
            measure=self.measure,
            due=_day(self.due, "%Y-%m-%d %H:%M"),
        )
        return TraceItem(f"IN-{self.id}", INSPECTION_OVERDUE, INSPECTION_OVERDUE_LEVEL, detail, self.due)


class DangerBook:
    """The open hidden dangers and the inspections not yet done, per hazard source: the risk
    engine's management evidence (app/risk/management.py)."""

    def __init__(self):
        self.dangers: dict[int, HiddenDanger] = {}
        self.inspections: dict[int, OverdueInspection] = {}

    def replace(self, dangers: list[HiddenDanger], inspections: list[OverdueInspection]) -> None:
        """What the register holds now: the open hidden dangers, the tasks not done."""
        self.dangers = {d.id: d for d in dangers if d.open}
        self.inspections = {t.id: t for t in inspections}

    def evidence(self, now: float) -> dict[str, list[TraceItem]]:
        out: dict[str, list[TraceItem]] = {}
        for d in self.dangers.values():
            out.setdefault(d.hazard, []).append(d.trace_item(now))
        for t in self.inspections.values():
            if t.due < now:
                out.setdefault(t.hazard, []).append(t.trace_item())
        return out


def moved(d: HiddenDanger, status: DangerStatus, now: float, **fields) -> HiddenDanger:
    """The hidden danger after a step (ValueError: a step it may not take now)."""
    if (d.status, status) not in MOVES:
        raise ValueError(f"{d.code} cannot go from {d.status} to {status}")
    if status == DangerStatus.ASSIGNED:
        missing = [
            k for k in ("responsible", "measures") if not str(fields.get(k, getattr(d, k)) or "").strip()
        ]
        if fields.get("deadline", d.deadline) is None:
            missing.append("deadline")
        if missing:
            raise ValueError(f"{d.code}: rectification needs {', '.join(missing)}")
    if status in (DangerStatus.ACCEPTED, DangerStatus.DISMISSED):
        fields.setdefault("closed", now)
    return replace(d, status=status, **fields)


def _day(ts: float | None, fmt: str = "%Y-%m-%d") -> str:
    return "" if ts is None else time.strftime(fmt, time.localtime(ts))
