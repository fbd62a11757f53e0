"""The records of hazard-source risk: the inherent grade, one piece of evidence (`TraceItem`) and
the dynamic state of a hazard source (`RiskState`) with its explanation; levels, their Roman
numerals and colours. `app.risk.engine` computes them; the journal, the views and reports read
them. Levels are 1 (I, red, major) to 4 (IV, blue, low); a smaller number is more severe."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.alarm_types import ROMAN
from core.formatting import hours_minutes, minutes, seconds
from core.messages import QT_TRANSLATE_NOOP, Message, word
from core.operating import Declaration

COLOUR = {
    1: word("risk", QT_TRANSLATE_NOOP("risk", "red")),
    2: word("risk", QT_TRANSLATE_NOOP("risk", "orange")),
    3: word("risk", QT_TRANSLATE_NOOP("risk", "yellow")),
    4: word("risk", QT_TRANSLATE_NOOP("risk", "blue")),
}
GRADE = {
    1: word("risk", QT_TRANSLATE_NOOP("risk", "major")),
    2: word("risk", QT_TRANSLATE_NOOP("risk", "large")),
    3: word("risk", QT_TRANSLATE_NOOP("risk", "general")),
    4: word("risk", QT_TRANSLATE_NOOP("risk", "low")),
}
ALARM, WARNING, BLIND_SPOT, HIDDEN, INTERLOCK, INTERLOCK_UNKNOWN, ESCALATION = (
    "alarm",
    "warning",
    "blind spot",
    "hidden alarm",
    "interlock bypassed",
    "interlock unknown",
    "escalation",
)
# management evidence (app.risk.management): people at work, findings not yet put right
PERMIT, HIDDEN_DANGER, INSPECTION_OVERDUE = "work permit", "hidden danger", "inspection overdue"
# the declared operating state: a line of the trace with its time, last; it raises nothing
OPERATING = "operating state"

_EVIDENCE = {  # the kinds of evidence as words of the explanation
    ALARM: word("risk", QT_TRANSLATE_NOOP("risk", "alarm")),
    WARNING: word("risk", QT_TRANSLATE_NOOP("risk", "warning")),
    BLIND_SPOT: word("risk", QT_TRANSLATE_NOOP("risk", "blind spot")),
    HIDDEN: word("risk", QT_TRANSLATE_NOOP("risk", "hidden alarm")),
    INTERLOCK: word("risk", QT_TRANSLATE_NOOP("risk", "interlock bypassed")),
    INTERLOCK_UNKNOWN: word("risk", QT_TRANSLATE_NOOP("risk", "interlock state unknown")),
    ESCALATION: word("risk", QT_TRANSLATE_NOOP("risk", "escalation")),
    PERMIT: word("risk", QT_TRANSLATE_NOOP("risk", "work permit")),
    HIDDEN_DANGER: word("risk", QT_TRANSLATE_NOOP("risk", "hidden danger")),
    INSPECTION_OVERDUE: word("risk", QT_TRANSLATE_NOOP("risk", "inspection overdue")),
    OPERATING: word("risk", QT_TRANSLATE_NOOP("risk", "operating state")),
}


def level_label(level: int) -> Message:
    """'II orange'."""
    return Message(
        "risk", QT_TRANSLATE_NOOP("risk", "{roman} {colour}"), roman=ROMAN[level], colour=COLOUR[level]
    )


def _m(template: str, **args) -> Message:
    return Message("risk", template, **args)


# how the inherent level was reached (`Inherent.method`)
DIRECT, LEC, LS, ENGINEER = "direct", "LEC", "LS", "engineer"
METHOD = {
    DIRECT: word("risk", QT_TRANSLATE_NOOP("risk", "direct determination")),
    LEC: word("risk", QT_TRANSLATE_NOOP("risk", "LEC evaluation")),
    LS: word("risk", QT_TRANSLATE_NOOP("risk", "LS matrix")),
    ENGINEER: word("risk", QT_TRANSLATE_NOOP("risk", "engineer's level")),
}


@dataclass(frozen=True, slots=True)
class Inherent:
    """The inherent risk of a hazard source and how it was reached.

    `method` is what gave the level: "direct" (a major hazard, S >= 1, or a declared condition:
    the plant's direct-determination level), else the evaluation: "LEC", "LS" or "engineer".
    The GB 18218 figures (`s`, `r`, `registration_grade`) describe the major hazard; the grade
    ranks it for registration and never sets the level."""

    level: int  # 1 (I, red, major) .. 4 (IV, blue, low)
    method: str  # DIRECT, LEC, LS or ENGINEER
    value: float | None = None  # the evaluation's D (LEC) or R (LS); None when set by the engineer
    s: float | None = None  # GB 18218: S = sum(q/Q); None without an identification
    major_hazard: bool | None = None  # GB 18218: S >= 1; None without an identification
    explanation: str = ""  # a Message: how the level was reached, with the inputs
    r: float | None = None  # GB 18218: R = alpha x sum(beta x q/Q)
    registration_grade: int | None = None  # GB 18218 grade 1..4 of a major hazard
    evaluated: int | None = None  # the level the evaluation alone gives (None: no evaluation)
    floor_applied: bool = False  # direct determination made the level more severe than that
    reason: str = ""  # a declared direct-determination condition

    @property
    def label(self) -> Message:
        return level_label(self.level)

    @property
    def method_text(self) -> Message:
        """'direct determination', 'LEC evaluation', ..."""
        return METHOD.get(self.method, word("risk", self.method))


@dataclass(frozen=True, slots=True)
class TraceItem:
    """One piece of evidence: which indicator pulls the level, to what, why and since when."""

    indicator: str  # tag name, rule name, device, or the hazard source (escalation)
    what: str  # "alarm", "warning", "blind spot", "hidden alarm", "interlock bypassed", "escalation"
    level: int
    detail: str  # a Message when built here; an alarm's message; plain text from the journal
    since: float  # UNIX s


@dataclass(frozen=True, slots=True)
class RiskState:
    """The dynamic risk of one hazard source at `ts`."""

    hazard: str
    kind: str
    inherent: Inherent
    level: int
    previous: int | None  # the level before the current one began; None: none known yet
    since: float  # when the current level began, UNIX s
    trace: tuple[TraceItem, ...] = ()  # most severe first
    ts: float = 0.0  # when this state was evaluated
    operating: Declaration | None = None  # its declared operating state (None: running)
    evidence_counted: bool = True  # False: the declared state does not count live evidence

    @property
    def muted(self) -> bool:
        """Drawn muted, not in its risk colour: a state that does not count live evidence."""
        return self.operating is not None and not self.evidence_counted

    @property
    def evidence(self) -> tuple[TraceItem, ...]:
        """The trace without its operating-state line: what raises or may raise the level."""
        return tuple(t for t in self.trace if t.what != OPERATING)

    @property
    def interlock_unknown(self) -> bool:
        """An interlock's state is unknown (data lost) and not yet taken as bypassed."""
        return any(t.what == INTERLOCK_UNKNOWN for t in self.trace)

    @property
    def raised(self) -> int:
        """How many steps above the inherent level (0: at or below it)."""
        return max(self.inherent.level - self.level, 0)

    @property
    def label(self) -> Message:
        return level_label(self.level)

    def explain(self, now: float | None = None) -> Message:
        """Several lines for the operator: the level, the inherent grade, and each indicator."""
        head = _m(
            QT_TRANSLATE_NOOP("risk", "{hazard} is {level} (inherent {inherent}: {explanation})"),
            hazard=self.hazard,
            level=self.label,
            inherent=self.inherent.label,
            explanation=self.inherent.explanation,
        )
        if self.previous is not None and self.previous != self.level:
            head = _m(
                QT_TRANSLATE_NOOP("risk", "{head}, {previous} before {time}"),
                head=head,
                previous=level_label(self.previous),
                time=_clock(self.since),
            )
        if not self.evidence:
            lines = [_m(QT_TRANSLATE_NOOP("risk", "{head}: no live evidence raises it."), head=head)]
        elif self.level < self.inherent.level:
            lines = [_m(QT_TRANSLATE_NOOP("risk", "{head} because:"), head=head)]
        else:
            lines = [_m(QT_TRANSLATE_NOOP("risk", "{head}; live evidence:"), head=head)]
        for t in self.trace:
            args = dict(
                indicator=t.indicator,
                what=_EVIDENCE.get(t.what, t.what),
                level=level_label(t.level),
                time=_clock(t.since),
                detail=t.detail,
            )
            if now is not None and now >= t.since:
                line = _m(
                    QT_TRANSLATE_NOOP(
                        "risk", "  - {indicator}: {what} → {level} since {time} ({held}): {detail}"
                    ),
                    held=held_duration(now - t.since),
                    **args,
                )
            else:
                line = _m(
                    QT_TRANSLATE_NOOP("risk", "  - {indicator}: {what} → {level} since {time}: {detail}"),
                    **args,
                )
            lines.append(line)
        return Message.join("\n", lines)


def _clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts))


def held_duration(s: float) -> Message:
    s = int(s)
    if s < 60:
        return seconds(s)
    if s < 3600:
        return minutes(s // 60)
    return hours_minutes(s // 3600, f"{s % 3600 // 60:02d}")
