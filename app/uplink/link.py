"""The regulator link: an engine listener that turns what the plant does into the platform's
messages and a thread that queues and delivers them.

What is reported (the profile's kinds, the plant's point catalogue):
- a real-time snapshot of every catalogued point each `realtime_s` of the engine's clock, with
  its status normal / alarm / fault / offline; a snapshot refused for one point is sent again
  without it, so the other points keep that minute;
- an alarm or early warning of a reported kind on a catalogued point, at once when it begins and
  when it ends; when it ends or is acknowledged a response (处置反馈) is due (`alarm_responses`),
  and `respond` queues the response;
- a hazard source's declared operating state (production state, maintenance) when it changes;
- the enterprise base data and the point catalogue at start when they changed.

Listener calls come from the acquisition thread and only store what they get (an intake
queue); the link's own thread writes the queue (storage/uplink_queue.py), builds the
snapshots and sends (app/uplink/sender.py). Its SYSTEM alarms, a refused message naming its
point and a link down longer than `link_down_alarm_min`, go through `Engine.update_alarms`.
"""

from __future__ import annotations

import hashlib
import logging
import math
import queue
import threading
import time
import uuid
from collections.abc import Callable

import numpy as np

from app.uplink.catalogue import Point, resolve
from app.uplink.health import LinkHealth, link_health
from app.uplink.profile import Profile
from app.uplink.sender import Sender
from app.uplink.transport import Envelope
from core.alarm_types import Alarm, Condition, Kind, alarm_text
from core.messages import QT_TRANSLATE_NOOP
from core.samples import DeviceState, DeviceStatus, Quality, SampleBatch
from core.worker import Worker
from storage.audit import Action
from storage.uplink_queue import Queued, UplinkQueue

log = logging.getLogger(__name__)
LINK_ALARM_KEY = "uplink:link:SYSTEM"
RESPONSE_ALARM_KEY = "uplink:responses:SYSTEM"
RESPONSE_ALARM_PRIORITY = 3
RESPONSE_CHECK_S = 10.0  # how often the reminder looks at the responses due
UPLINK_ALARM_PRIORITY = 2
STALE_PERIODS = 3  # a point without a valid value for this many periods is offline
MAX_CATCH_UP_SNAPSHOTS = 1440  # snapshots made at once after the clock jumped (a day of minutes)


def alarm_id(key: str, since: float) -> str:
    """The alarm's id on the platform: the same for its start, end and response."""
    return hashlib.sha1(f"{key}|{int(round(since * 1000))}".encode()).hexdigest()[:24]  # noqa: S324 - an id


def refused_key(code: str) -> str:
    return f"uplink:{code}:SYSTEM"


class Uplink:
    """See the module docstring. `engine`: where its SYSTEM alarms go (None: kept in `alarms`)."""

    def __init__(
        self,
        cfg,
        profile: Profile,
        points: list,
        store: UplinkQueue,
        transport,
        envelope: Envelope,
        *,
        clock: Callable[[], float] = time.time,
        engine=None,
        audit=None,
        retry_s: float = 1.0,
        retry_cap_s: float = 60.0,
    ):
        self.cfg = cfg
        self.settings = cfg.uplink
        self.profile = profile
        self.store = store
        self.clock = clock
        self.engine = engine
        self.audit = audit
        self.envelope = envelope
        self.points: list[Point] = resolve(cfg, points)
        self.by_index = {p.index: p for p in self.points if p.index >= 0}
        self.by_code = {p.code: p for p in self.points}
        self.period = profile.realtime_s
        self.reported_kinds = frozenset(profile.alarm_kinds)
        rate = self.settings.catchup_per_s or profile.catchup_per_s
        self.sender = Sender(
            store, transport, envelope, catchup_per_s=rate, clock=clock, retry_s=retry_s,
            retry_cap_s=retry_cap_s, on_refused=self._refused, on_delivered=self._delivered,
        )  # fmt: skip
        n = len(cfg.tags)
        self._lock = threading.Lock()
        self._value = np.full(n, np.nan)
        self._good = np.zeros(n, dtype=bool)
        self._ts = np.zeros(n)
        self._alarming: dict[int, set[str]] = {}  # tag -> active alarm keys
        self._devices: dict[str, DeviceState] = {}
        self._device_of = [t.device for t in cfg.tags]
        self._intake: queue.SimpleQueue = queue.SimpleQueue()
        self._started: dict[str, float] = {}  # reported alarm key -> since (thread-only)
        self._refused_codes: set[str] = set()
        self._declared: dict[str, object] = {}
        self.next_snapshot: float | None = None
        self.last_ok = clock()
        self.link_alarm = False
        self.reminder: tuple[int, int] = (0, 0)  # (overdue, due soon) the reminder alarm last said
        self._reminder_at = 0.0
        self.alarms: list[Alarm | Condition] = []  # without an engine
        self._worker = Worker("uplink")

    # ------------------------------------------------------------ listener (acquisition thread)
    def on_samples(self, batch: SampleBatch) -> None:
        if not len(batch):
            return
        tag, value, quality, ts = batch.tag, batch.value, batch.quality, batch.ts
        if tag.max() >= len(self._value):  # a configuration applied before this link was replaced
            keep = tag < len(self._value)
            tag, value, quality, ts = tag[keep], value[keep], quality[keep], ts[keep]
        with self._lock:
            self._value[tag] = value
            self._good[tag] = quality == Quality.GOOD
            self._ts[tag] = ts

    def on_alarm(self, alarm: Alarm) -> None:
        if alarm.kind in self.reported_kinds and alarm.tag in self.by_index:
            with self._lock:
                keys = self._alarming.setdefault(alarm.tag, set())
                (keys.add if alarm.active else keys.discard)(alarm.key)
            self._intake.put(("alarm", alarm))

    def on_device(self, status: DeviceStatus) -> None:
        with self._lock:
            self._devices[status.device] = status.state

    def on_risk(self, states: list) -> None:
        for s in states:
            declared = s.operating.as_dict() if s.operating is not None else None
            if self._declared.get(s.hazard, None) != declared and (declared or s.hazard in self._declared):
                self._declared[s.hazard] = declared
                self._intake.put(("declaration", (s.hazard, s.operating, s.ts)))

    # ------------------------------------------------------------ the link's thread
    def start(self) -> None:
        self.queue_static()
        self._worker.start(self._run)

    def stop(self, timeout: float = 10.0) -> None:
        self._worker.stop(timeout)
        self.drain()  # what the listener stored is queued, sent next time
        self.sender.transport.close()

    def _run(self) -> None:
        while not self._worker.stopping:
            try:
                wait = self.step()
            except Exception:  # the link must outlive a bug in one round
                log.exception("the regulator link's round failed")
                wait = 1.0
            if wait > 0:
                self._worker.wait(min(wait, 0.5))

    def step(self) -> float:
        """One round: queue what came in and what is due, send; seconds until the next round."""
        self.drain()
        now = self.clock()
        self.snapshot_due(now)
        wait = self.sender.step()
        now = self.clock()
        self.check_link(now)
        if time.monotonic() >= self._reminder_at:
            self._reminder_at = time.monotonic() + RESPONSE_CHECK_S
            self.remind(now)
        return wait

    def drain(self) -> None:
        while True:
            try:
                what, item = self._intake.get_nowait()
            except queue.Empty:
                return
            if what == "alarm":
                self._queue_alarm(item)
            elif what == "declaration":
                self._queue_declaration(*item)

    # ------------------------------------------------------------ records
    def _queue(self, kind: str, data_ts: float, body, points=()) -> int:
        queued = self.store.enqueue(uuid.uuid4().hex, kind, data_ts, body, points, self.clock())
        self._worker.wake()
        return queued

    def queue_static(self) -> None:
        """The enterprise base data and the point catalogue, when they differ from those last queued."""
        now = self.clock()
        base = self.settings.enterprise.model_dump()
        if self.store.last_body("base") != base:
            self._queue("base", now, base)
        catalogue = [p.record() for p in self.points]
        if self.store.last_body("points") != catalogue:
            self._queue("points", now, catalogue)

    def snapshot_due(self, now: float) -> int:
        """Queue the real-time snapshots whose time has come; how many."""
        if self.next_snapshot is None:
            self.next_snapshot = math.floor(now / self.period) * self.period + self.period
        made = 0
        while now >= self.next_snapshot and made < MAX_CATCH_UP_SNAPSHOTS:
            self.queue_snapshot(self.next_snapshot)
            self.next_snapshot += self.period
            made += 1
        if now >= self.next_snapshot:  # the clock jumped further: start again from now
            self.next_snapshot = math.floor(now / self.period) * self.period + self.period
        return made

    def queue_snapshot(self, at: float) -> int:
        codes = self.profile.status
        values, valid = [], []
        with self._lock:
            for p in self.points:
                i = p.index
                if i < 0:
                    continue
                value = float(self._value[i])
                fresh = self._ts[i] > at - STALE_PERIODS * self.period
                if self._devices.get(self._device_of[i]) == DeviceState.DISCONNECTED or not fresh:
                    status, value = "offline", None
                elif not self._good[i] or not math.isfinite(value):
                    status, value = "fault", None
                else:
                    status = "alarm" if self._alarming.get(i) else "normal"
                    valid.append(p.code)
                values.append({"code": p.code, "value": value, "status": codes[status]})
        body = {"enterprise_code": self.settings.enterprise.code, "collect_time": _ms(at), "points": values}
        return self._queue("realtime", at, body, valid)

    def _queue_alarm(self, a: Alarm) -> None:
        point = self.by_index[a.tag]
        started = self._started.get(a.key)
        if a.active and started != a.since:
            self._started[a.key] = a.since
            self._queue("alarm", a.ts, self._alarm_body(a, point, "start"), [point.code])
        elif not a.active and started == a.since:
            del self._started[a.key]
            self._queue("alarm", a.ts, self._alarm_body(a, point, "end"), [point.code])
        if not a.active or a.acked:
            due = a.ts + self.settings.response_due_min * 60
            self.store.response_due(
                a.key, a.since, a.source, str(a.kind), point.code, str(a.message), a.ts, due
            )

    def _alarm_body(self, a: Alarm, point: Point, event: str) -> dict:
        return {
            "enterprise_code": self.settings.enterprise.code, "alarm_id": alarm_id(a.key, a.since),
            "point_code": point.code, "kind": str(a.kind), "level": a.priority, "event": event,
            "value": a.value if math.isfinite(a.value) else None, "limit": a.limit, "time": _ms(a.ts),
            "message": str(a.message),
        }  # fmt: skip

    def _queue_declaration(self, hazard: str, declared, ts: float) -> None:
        body = {
            "enterprise_code": self.settings.enterprise.code, "hazard": hazard,
            "state": "running" if declared is None else str(declared.state),
            "since": _ms(ts if declared is None else declared.since),
            "until": None if declared is None or declared.until is None else _ms(declared.until),
            "reason": "" if declared is None else declared.reason, "person": "" if declared is None else declared.user,
        }  # fmt: skip
        self._queue("declaration", ts, body)

    def respond(self, alarm_key: str, since: float, cause: str, measure: str, user: str):
        """Record an operator's response to a reported alarm, audit it and queue it for the
        platform; the stored response, or None when the alarm needs none."""
        now = self.clock()
        got = self.store.respond(alarm_key, since, cause, measure, user, now)
        if got is None:
            return None
        if self.audit is not None:
            self.audit.append(
                user, Action.ALARM_RESPONSE, alarm_key, {"since": since, "cause": cause, "measure": measure}
            )
        body = {
            "enterprise_code": self.settings.enterprise.code, "alarm_id": alarm_id(alarm_key, since),
            "point_code": got.point_code, "cause": cause, "measure": measure, "person": user, "time": _ms(now),
        }  # fmt: skip
        self._queue("response", now, body, [got.point_code] if got.point_code else [])
        return got

    def health(self, t0: float, t1: float) -> LinkHealth:
        """The link's figures for [t0, t1) (app/uplink/health.py)."""
        p = self.profile
        return link_health(self.store, self.points, self.period, p.online_latency_s, t0, t1, self.clock())

    def open_responses(self, now: float | None = None) -> tuple[list, list]:
        """(overdue, due within `reminder_min`) responses not yet given, the most urgent first."""
        now = self.clock() if now is None else now
        waiting = self.store.responses(open_only=True)
        soon = now + self.settings.reminder_min * 60
        return [r for r in waiting if r.due <= now], [r for r in waiting if now < r.due <= soon]

    def remind(self, now: float) -> None:
        """The reminder: a SYSTEM alarm while responses are overdue or due soon, naming the first."""
        overdue, soon = self.open_responses(now)
        counts = (len(overdue), len(soon))
        if counts == self.reminder:
            return
        self.reminder = counts
        first = (overdue or soon or [None])[0]
        if first is None:
            text = alarm_text(QT_TRANSLATE_NOOP("alarms", "Every alarm response is recorded"))
        else:
            text = alarm_text(
                QT_TRANSLATE_NOOP("alarms", "Alarm responses: {overdue} overdue, {soon} due soon (first: {alarm})"),
                overdue=len(overdue), soon=len(soon), alarm=first.message or first.alarm_key,
            )  # fmt: skip
        self._raise(
            Condition(
                RESPONSE_ALARM_KEY,
                "uplink",
                Kind.SYSTEM,
                first is not None,
                RESPONSE_ALARM_PRIORITY,
                now,
                text,
            )
        )

    # ------------------------------------------------------------ the link's SYSTEM alarms
    def _raise(self, condition: Condition) -> None:
        if self.engine is None:
            self.alarms.append(condition)
            return
        self.engine.update_alarms(
            lambda alarms: [a for a in [alarms.set_condition(condition)] if a is not None]
        )

    def _refused(self, m: Queued, text: str, point: str) -> None:
        codes = [point] if point in self.by_code else list(m.points) or [""]
        if m.kind == "realtime" and point in self.by_code:
            self._resend_without(m, point)
        for code in codes:
            p = self.by_code.get(code)
            name = p.tag if p is not None else code or m.kind
            self._refused_codes.add(code)
            self._raise(
                Condition(
                    refused_key(code or m.kind), name, Kind.SYSTEM, True, UPLINK_ALARM_PRIORITY, self.clock(),
                    alarm_text(
                        QT_TRANSLATE_NOOP("alarms", "Regulator platform refused {point} ({kind}): {answer}"),
                        point=name, kind=m.kind, answer=text,
                    ),
                    tag=p.index if p is not None else -1,
                )
            )  # fmt: skip

    def _resend_without(self, m: Queued, point: str) -> None:
        """A snapshot refused for one point: the others' values of that minute queued again
        without it (a refusal of another point strips that one in turn)."""
        values = [v for v in m.body.get("points", []) if v.get("code") != point]
        if values:
            self._queue(
                "realtime", m.data_ts, {**m.body, "points": values}, [c for c in m.points if c != point]
            )

    def _delivered(self, m: Queued) -> None:
        self.last_ok = self.clock()
        for code in set(m.points) & self._refused_codes:
            self._refused_codes.discard(code)
            p = self.by_code[code]
            self._raise(
                Condition(
                    refused_key(code), p.tag, Kind.SYSTEM, False, UPLINK_ALARM_PRIORITY, self.clock(),
                    alarm_text(QT_TRANSLATE_NOOP("alarms", "Regulator platform accepts {point} again"), point=p.tag),
                    tag=p.index,
                )
            )  # fmt: skip

    def check_link(self, now: float) -> None:
        """Raise the link-down alarm after `link_down_alarm_min` without a delivery while messages
        wait; clear it once one is delivered."""
        limit = self.settings.link_down_alarm_min * 60
        down = not self.sender.up and now - self.last_ok > limit
        if down == self.link_alarm:
            return
        self.link_alarm = down
        if down:
            text = alarm_text(
                QT_TRANSLATE_NOOP("alarms", "Regulator link down for {minutes} min: {error}"),
                minutes=f"{(now - self.last_ok) / 60:.0f}", error=self.sender.last_error,
            )  # fmt: skip
        else:
            text = alarm_text(QT_TRANSLATE_NOOP("alarms", "Regulator link delivering again"))
        self._raise(Condition(LINK_ALARM_KEY, "uplink", Kind.SYSTEM, down, UPLINK_ALARM_PRIORITY, now, text))


def _ms(t: float) -> int:
    return int(round(t * 1000))
