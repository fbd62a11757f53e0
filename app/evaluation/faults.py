"""Faulted rules, expressions and detectors: what could not be evaluated, since when and why.

Evaluation never stops on one failing part. A rule, a tag expression (`suppress_when`, a
forecast's `when`, an anomaly `mode`) or a whole detector (forecast, anomaly, risk, the alarm
evaluation itself) that raises is marked faulted here, with its error text and the time it
first failed; the rest of the batch is evaluated and stored. Each fault is a SYSTEM alarm of
its own (`rule:NAME:FAULT`, `TAG:suppress_when:FAULT`, `detector:NAME:FAULT`), logged once when
it starts (not on every batch); the first clean evaluation afterwards returns it to normal.

`FaultRegistry` is pure Python and holds no lock: the pipeline that owns it runs on one
thread, and `Engine.faults()` copies it under the engine's lock for other threads. Every start
and end of a fault is queued as a `Condition` until the alarm engine takes it (`drain`), so a
detector that fails after reporting a faulted expression loses no alarm.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.alarm_types import Condition, Kind, alarm_text
from core.messages import QT_TRANSLATE_NOOP, Message

log = logging.getLogger(__name__)

FAULT_PRIORITY = 2  # II: seen on the operator's list and in the banner, like a history failure


RULE = "rule"
EXPRESSION = "expression"
DETECTOR = "detector"

# what a failing tag expression does meanwhile, by field
_EXPRESSION_FALLBACK = {
    "suppress_when": QT_TRANSLATE_NOOP(
        "alarms", "{tag}: suppress_when faulted: {error}; alarms not suppressed"
    ),
    "forecast.when": QT_TRANSLATE_NOOP(
        "alarms", "{tag}: forecast condition faulted: {error}; forecast always on"
    ),
    "anomaly.mode": QT_TRANSLATE_NOOP("alarms", "{tag}: anomaly mode faulted: {error}; normal mode assumed"),
}


@dataclass(frozen=True)
class Fault:
    """One faulted part: `kind` (rule, expression or detector), its `name` (rule name, tag name
    or detector name), `field` (the tag's expression field; empty otherwise), the error text of
    the first failure, when it started and how many evaluations have failed since."""

    key: str
    kind: str
    name: str
    field: str
    error: str
    since: float
    failures: int = 1


def rule_key(name: str) -> str:
    return f"rule:{name}:FAULT"


def expression_key(tag: str, field: str) -> str:
    return f"{tag}:{field}:FAULT"


def detector_key(name: str) -> str:
    return f"detector:{name}:FAULT"


def error_text(exc: BaseException) -> str:
    """`ZeroDivisionError: float division by zero`, on one line."""
    text = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class FaultRegistry:
    """The faulted parts of one pipeline, by alarm key; each change is a `Condition` (kind
    SYSTEM) for the alarm engine."""

    def __init__(self) -> None:
        self.faults: dict[str, Fault] = {}
        self._queue: list[Condition] = []

    # ------------------------------------------------------------ reporting
    def rule_failed(self, name: str, exc: BaseException, now: float) -> None:
        self._failed(Fault(rule_key(name), RULE, name, "", error_text(exc), now), exc)

    def expression_failed(self, tag: str, field: str, exc: BaseException, now: float) -> None:
        self._failed(Fault(expression_key(tag, field), EXPRESSION, tag, field, error_text(exc), now), exc)

    def detector_failed(self, name: str, exc: BaseException, now: float) -> None:
        self._failed(Fault(detector_key(name), DETECTOR, name, "", error_text(exc), now), exc)

    def rule_ok(self, name: str, now: float) -> None:
        if self.faults:  # the usual case, none: nothing to build
            self._ok(rule_key(name), now)

    def expression_ok(self, tag: str, field: str, now: float) -> None:
        if self.faults:
            self._ok(expression_key(tag, field), now)

    def detector_ok(self, name: str, now: float) -> None:
        if self.faults:
            self._ok(detector_key(name), now)

    def _failed(self, fault: Fault, exc: BaseException) -> None:
        cur = self.faults.get(fault.key)
        if cur is not None:  # still failing: counted, not logged again
            self.faults[fault.key] = Fault(
                cur.key, cur.kind, cur.name, cur.field, cur.error, cur.since, cur.failures + 1
            )
            return
        self.faults[fault.key] = fault
        log.error(
            "%s faulted, not evaluated until it evaluates cleanly: %s", fault.key, fault.error, exc_info=exc
        )
        self._queue.append(self._condition(fault, True, fault.since))

    def _ok(self, key: str, now: float) -> None:
        fault = self.faults.pop(key, None)
        if fault is None:
            return
        log.info("%s evaluates again after %d failed evaluations", key, fault.failures)
        self._queue.append(self._condition(fault, False, now))

    def end(self, keys, now: float) -> None:
        """Forget faults whose part is gone (a configuration change); their alarms end."""
        for key in keys:
            fault = self.faults.pop(key, None)
            if fault is not None:
                self._queue.append(self._condition(fault, False, now))

    @property
    def pending(self) -> bool:
        """Starts or ends wait for the alarm engine."""
        return bool(self._queue)

    def drain(self) -> list[Condition]:
        """The starts and ends not yet handed to the alarm engine (and forget them)."""
        out, self._queue = self._queue, []
        return out

    # ------------------------------------------------------------ queries
    def snapshot(self) -> dict[str, Fault]:
        """A copy, by key."""
        return dict(self.faults)

    def of_rule(self, name: str) -> Fault | None:
        return self.faults.get(rule_key(name))

    def adopt(self, old: FaultRegistry, keep) -> list[Fault]:
        """Carry over the faults of `old` for which `keep(fault)` holds (their part is unchanged,
        so it will fault again or clear); returns the others, whose alarms end."""
        gone = []
        for key, f in old.faults.items():
            if keep(f):
                self.faults[key] = f
            else:
                gone.append(f)
        return gone

    # ------------------------------------------------------------ alarm texts
    def _condition(self, f: Fault, active: bool, ts: float) -> Condition:
        return Condition(f.key, _source(f), Kind.SYSTEM, active, FAULT_PRIORITY, ts, message(f, active))


def _source(f: Fault) -> str:
    return f.name if f.kind != DETECTOR else f"detector:{f.name}"


def message(f: Fault, active: bool = True) -> Message:
    """The alarm text of a fault (raised) or of its end."""
    if f.kind == RULE:
        if active:
            return alarm_text(
                QT_TRANSLATE_NOOP("alarms", "Rule {name} faulted: {error}; not evaluated"),
                name=f.name,
                error=f.error,
            )
        return alarm_text(QT_TRANSLATE_NOOP("alarms", "Rule {name} evaluates again"), name=f.name)
    if f.kind == EXPRESSION:
        if active:
            template = _EXPRESSION_FALLBACK.get(f.field)
            if template is None:
                return alarm_text(
                    QT_TRANSLATE_NOOP("alarms", "{tag}: {field} faulted: {error}"),
                    tag=f.name,
                    field=f.field,
                    error=f.error,
                )
            return alarm_text(template, tag=f.name, error=f.error)
        return alarm_text(
            QT_TRANSLATE_NOOP("alarms", "{tag}: {field} evaluates again"), tag=f.name, field=f.field
        )
    if active:
        return alarm_text(
            QT_TRANSLATE_NOOP("alarms", "Detector {name} faulted: {error}; not evaluated"),
            name=f.name,
            error=f.error,
        )
    return alarm_text(QT_TRANSLATE_NOOP("alarms", "Detector {name} evaluates again"), name=f.name)
