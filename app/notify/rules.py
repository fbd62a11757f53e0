"""Which alarms and early warnings reach whom, and when: the notification rules of the plant
file matched against alarm transitions, and the escalation timers.

A rule matches a transition by priority (an early warning's level), the area of its tag, its
hazard source, and what it is (alarm, early warning, SYSTEM alarm, dual-prevention event).
A dual-prevention event (a hidden danger overdue, a major one registered: app/dual_prevention/
deadlines.py) comes as an alarm of the kind `DUAL_PREVENTION` that is never in the alarm list
(`on_event`); its later steps go unless the hidden danger is closed first (`settle`). When a matching alarm is
raised (active and unacknowledged, not shelved, suppressed or out of service), the rule's steps
with `after_min: 0` give notices at once; the others wait on a timer counted from the alarm's
start on the engine's clock (`tick(now)`, driven by the engine's alarm clock). An acknowledgement,
a return to normal, or a shelve/suppression cancels what is still pending for the alarm: an
escalation is for an alarm that stands unanswered.

Thread-safe: transitions come from the acquisition thread (and the dispatcher's, for its own
SYSTEM alarms), ticks from the acquisition loop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from core.alarm_types import Alarm, Kind
from core.schema.notify import Notifications, NotifyRule
from core.schema.plant import PlantConfig

DUAL_PREVENTION = "DUAL_PREVENTION"  # the Alarm.kind of a dual-prevention event


@dataclass(frozen=True, slots=True)
class Notice:
    """One message due to one recipient about one alarm."""

    rule: str
    step: int
    recipient: str
    alarm: Alarm
    unacked_s: float  # how long it had stood unacknowledged (0: on raise)
    at: float  # when it became due (engine clock)
    through_quiet: bool  # goes through quiet hours

    @property
    def key(self) -> str:
        return self.alarm.key


def what(alarm: Alarm) -> str:
    if alarm.kind == DUAL_PREVENTION:
        return "dual_prevention"
    if alarm.kind == Kind.SYSTEM:
        return "system"
    return "warnings" if alarm.is_warning else "alarms"


def goes_through_quiet(rule: NotifyRule, alarm: Alarm) -> bool:
    """Priority I (level I) passes quiet hours unless the rule says otherwise."""
    if rule.through_quiet is not None:
        return rule.through_quiet
    return alarm.priority == 1


class RuleBook:
    """The plant's notification rules and the escalations pending on them."""

    def __init__(self, cfg: PlantConfig):
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str, int], tuple[float, Alarm]] = {}  # (key, rule, step) -> due
        self._raised: dict[str, float] = {}  # alarm key -> the start of the raise notified
        self.configure(cfg)

    def configure(self, cfg: PlantConfig) -> None:
        """Take a new configuration; escalations of rules that remain carry on."""
        n: Notifications = cfg.notifications
        areas = {i: t.area for i, t in enumerate(cfg.tags) if t.area}
        by_hazard: dict[str, set[str]] = {}
        index = cfg.tag_index()
        for h in cfg.hazard_sources:
            by_hazard[h.name] = {cfg.tags[index[t]].area for t in h.tags if t in index} - {""}
        with self._lock:
            self.rules = {r.name: r for r in n.rules} if n.enabled else {}
            self._areas, self._hazard_areas = areas, by_hazard
            self._pending = {k: v for k, v in self._pending.items() if k[1] in self.rules}

    def matches(self, rule: NotifyRule, alarm: Alarm) -> bool:
        m = rule.match
        if what(alarm) not in m.what:
            return False
        if m.priorities and alarm.priority not in m.priorities:
            return False
        if m.hazards and alarm.hazard not in m.hazards:
            return False
        if m.areas:
            area = self._areas.get(alarm.tag)
            got = {area} if area else self._hazard_areas.get(alarm.hazard, set())
            if got.isdisjoint(m.areas):
                return False
        return True

    def on_alarm(self, alarm: Alarm) -> list[Notice]:
        """The notices due at once for this transition; escalations scheduled or cancelled."""
        if not self.rules:
            return []
        standing = alarm.active and not alarm.acked and not alarm.hidden
        with self._lock:
            if not standing:
                self._cancel(alarm.key)
                if not alarm.active or alarm.hidden:
                    self._raised.pop(alarm.key, None)
                return []
            if self._raised.get(alarm.key) == alarm.since:
                return []  # the same raise, told already (a value update, a first-out mark)
            self._cancel(alarm.key)
            self._raised[alarm.key] = alarm.since
            out: list[Notice] = []
            for rule in self.rules.values():
                if not self.matches(rule, alarm):
                    continue
                through = goes_through_quiet(rule, alarm)
                for k, step in enumerate(rule.steps):
                    if step.after_min <= 0:
                        out += [Notice(rule.name, k, who, alarm, 0.0, alarm.ts, through) for who in step.to]
                    else:
                        self._pending[(alarm.key, rule.name, k)] = (alarm.since + step.after_min * 60, alarm)
            return out

    def on_event(self, event: Alarm) -> list[Notice]:
        """The notices due at once for a dual-prevention event (each key told once)."""
        return self.on_alarm(event)

    def settle(self, open_sources: set[str]) -> None:
        """Dual-prevention events whose hidden danger is no longer open: their later steps go."""
        with self._lock:
            for k, (_t, a) in list(self._pending.items()):
                if a.kind == DUAL_PREVENTION and a.source not in open_sources:
                    del self._pending[k]

    def tick(self, now: float) -> list[Notice]:
        """The escalations due by `now` (engine clock), each given once."""
        out: list[Notice] = []
        with self._lock:
            due = [(k, v) for k, v in self._pending.items() if v[0] <= now]
            for k, (_t, alarm) in sorted(due, key=lambda kv: kv[1][0]):
                del self._pending[k]
                rule = self.rules.get(k[1])
                if rule is None:
                    continue
                through = goes_through_quiet(rule, alarm)
                unacked = now - alarm.since
                out += [
                    Notice(rule.name, k[2], who, alarm, unacked, now, through) for who in rule.steps[k[2]].to
                ]
        return out

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def _cancel(self, key: str) -> None:
        for k in [k for k in self._pending if k[0] == key]:
            del self._pending[k]
