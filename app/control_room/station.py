"""A station's engine: the server's live state, read from its Sparkplug B node over MQTT.

`RemoteEngine` answers what the HMI asks of `app.runtime.engine.Engine` (listeners, latest
values, standing alarms, risk, device states, operator actions answered by futures) with no
device connection of its own. Its thread runs an asyncio loop subscribed to the server's node:
the births set the whole state (an alarm the births no longer name has ended), the data
messages change it and go to the listeners as the engine's callbacks would. An operator action
is a signed command (app/control_room/commands.py) carrying the user; its future is answered
when the server publishes the command's result, and the alarm changes it made come, like
everyone else's, in the node's data.

When the broker is lost, or the server's NDEATH arrives (one whose bdSeq is the last NBIRTH's:
the late death of a server whose standby has already taken over ends nothing), the station says
so at once: every device shows its link lost, every value is marked bad (never shown stale as live), and a
SYSTEM alarm of priority I is raised here (acknowledged here); the link listeners are told.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import time

import numpy as np

from app.control_room import commands, records
from app.control_room.areas import ALL, HEARTBEAT_S, AreaFilter
from app.control_room.server import (
    ALARM_FIELDS,
    COMMAND,
    COVERAGE,
    GROUP,
    RESULT,
    STATUS_RECORD,
    sparkplug_id,
)
from core.alarm_types import Alarm, Kind, State, alarm_text
from core.clock import WALL
from core.messages import QT_TRANSLATE_NOOP
from core.samples import DeviceState, DeviceStatus, Quality, SampleBatch
from transport import mqtt
from transport.sparkplug import (
    BD_SEQ,
    QUALITY_GOOD,
    QUALITY_UNCERTAIN,
    REBIRTH,
    DataType,
    MessageType,
    Metric,
    Topic,
    decode,
    encode,
)
from transport.wire import read_doubles

log = logging.getLogger(__name__)
LINK_KEY = "SYSTEM:server-link"
LINK_LOST = QT_TRANSLATE_NOOP("alarms", "No connection to the server: values are not live")
NO_LINK = QT_TRANSLATE_NOOP("status", "no connection to the server")  # a device's, while the link is down


class CommandFailed(RuntimeError):
    """The server refused or could not do a station's command; the message says why."""


def _quality(codes: list) -> np.ndarray:
    q = np.full(len(codes), Quality.GOOD, dtype=np.uint8)
    for i, c in enumerate(codes):
        if c is not None and c != QUALITY_GOOD:
            q[i] = Quality.UNCERTAIN if c == QUALITY_UNCERTAIN else Quality.BAD
    return q


class RemoteEngine:
    """The HMI's engine on a station (see the module docstring)."""

    def __init__(
        self,
        config,
        url: mqtt.BrokerUrl,
        node: str,
        *,
        station: str,
        key: bytes,
        user: str = "",
        group: str = GROUP,
        credentials: mqtt.Credentials | None = None,
        history=None,
        areas: frozenset[str] = frozenset({ALL}),
    ):
        self.config = config
        self.clock = WALL
        self.history = history  # read-only: trends, the journal (storage.history.History) or None
        self.audit = None  # the server audits
        self.url, self.credentials = url, credentials
        self.group, self.node = group, sparkplug_id(node)
        self.station, self.key, self.user = station, key, user
        self.n = len(config.tags)
        self.tag_at = config.tag_index()
        self.areas = AreaFilter(areas, [t.area for t in config.tags])
        self.operator = self  # declare_state, as Engine.operator has it
        self._lock = threading.RLock()
        self._value = np.full(self.n, np.nan)
        self._quality = np.zeros(self.n, dtype=np.uint8)
        self._ts = np.zeros(self.n)
        self._alarms: dict[str, Alarm] = {}
        self._risk: dict[str, object] = {}
        self._devices = {
            d.name: DeviceStatus(d.name, DeviceState.CONNECTING, time.time()) for d in config.devices
        }
        self._device_of = {sparkplug_id(d.name): d.name for d in config.devices}
        self._names: dict[str | None, dict[int, str]] = {}  # device (None: node) -> alias -> name
        self._tag_of_alias = np.full(0, -1, dtype=np.int64)  # a tag metric's alias -> tag index
        self._listeners: list = []
        self.link_listeners: list = []  # callables(bool): the server's state reachable or not
        self.connected = False
        self.bd_seq: int | None = None  # the bdSeq of the node's last NBIRTH: the NDEATH that ends it
        self._pending: dict[str, concurrent.futures.Future] = {}
        self._client = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task | None = None
        self._started = threading.Event()
        self.messages_in = 0
        self.samples_in = 0

    # ------------------------------------------------------------ lifecycle
    def add_listener(self, listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def topic(self, kind: MessageType, device: str | None = None) -> str:
        return str(Topic(self.group, kind, self.node, device))

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="station", daemon=True)
        self._thread.start()
        self._started.wait(10)

    def stop(self, timeout: float = 5.0) -> None:
        loop, thread = self._loop, self._thread
        if thread is None:
            return
        if loop is not None and self._task is not None:
            loop.call_soon_threadsafe(self._task.cancel)
        thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._task = loop.create_task(
            mqtt.keep_connected(self._connect, self._session, on_lost=lambda _e: self._link(False))
        )
        self._started.set()
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._loop = None

    def _connect(self):
        return mqtt.client(self.url, f"forewarn-station-{self.station}", self.credentials)

    async def _session(self, client) -> None:
        for kind in (MessageType.NBIRTH, MessageType.NDATA, MessageType.NDEATH):
            await client.subscribe(self.topic(kind), qos=0)
        for kind in (MessageType.DBIRTH, MessageType.DDATA, MessageType.DDEATH):
            await client.subscribe(self.topic(kind, "+"), qos=0)
        self._client = client
        beat = asyncio.create_task(self._heartbeat(client))
        try:
            rebirth = [Metric(REBIRTH, None, DataType.BOOLEAN, True)]
            await client.publish(self.topic(MessageType.NCMD), encode(rebirth), qos=1)
            async for message in client.messages:
                self.messages_in += 1
                try:
                    self._on_message(str(message.topic), message.payload)
                except Exception:  # one bad message must not end the subscription
                    log.exception("a message from the server could not be read (%s)", message.topic)
        finally:
            self._client = None
            beat.cancel()

    async def _heartbeat(self, client) -> None:
        while True:
            body = commands.new_command(
                self.station, self.user, commands.HELLO, {"areas": sorted(self.areas.areas)}
            )
            await self._publish_envelope(client, commands.sign(body, self.key))
            await asyncio.sleep(HEARTBEAT_S)

    async def _publish_envelope(self, client, text: str) -> None:
        metric = Metric(COMMAND, None, DataType.STRING, text)
        await client.publish(self.topic(MessageType.NCMD), encode([metric]), qos=1)

    # ------------------------------------------------------------ what the server publishes
    def _on_message(self, topic: str, payload: bytes) -> None:
        t = Topic.parse(topic)
        if t.type == MessageType.NDEATH:
            if self.bd_seq is None or _bd_seq(decode(payload).metrics) in (None, self.bd_seq):
                self._link(False)  # else a late death of a server whose successor has been born
            return
        device = None if t.type in (MessageType.NBIRTH, MessageType.NDATA) else t.device
        if t.type == MessageType.DDATA:
            fast = read_doubles(payload)  # the usual scan batch, read with numpy
            if fast is not None:
                self._samples(*fast[1:])
                return
        if t.type in (MessageType.NBIRTH, MessageType.DBIRTH):
            p = decode(payload)
            self._names[device] = {m.alias: m.name for m in p.metrics if m.alias is not None}
            if device is None:
                self.bd_seq = _bd_seq(p.metrics)
            if device is not None:
                self._learn_aliases(p.metrics)
        else:
            p = decode(payload, self._names.get(device, {}))
        if device is None:
            self._node_metrics(p.metrics, birth=t.type == MessageType.NBIRTH)
        elif t.type != MessageType.DDEATH:
            self._device_metrics(self._device_of.get(device), p.metrics)

    def _node_metrics(self, metrics: list, birth: bool) -> None:
        alarms, risk = [], []
        for m in metrics:
            name = m.name or ""
            if name.startswith("Alarms/") and name.endswith("/" + ALARM_FIELDS[-1]) and m.value:
                alarms.append(records.alarm_from_json(m.value))
            elif name.startswith("Risk/") and name.endswith("/Record") and m.value:
                risk.append(records.risk_from_json(m.value))
            elif name == RESULT and m.value and not birth:
                self._result(json.loads(m.value))
            elif name == COVERAGE:
                self.areas.update(m.value or "")
        with self._lock:
            if birth:  # the births name every standing alarm: the others have ended
                keys = {a.key for a in alarms}
                alarms += [_ended(a) for k, a in self._alarms.items() if k not in keys and k != LINK_KEY]
            for a in alarms:
                self._alarms[a.key] = a
            for r in risk:
                self._risk[r.hazard] = r
        for listener in self._listeners:
            for a in alarms:
                listener.on_alarm(a)
            if risk and hasattr(listener, "on_risk"):
                listener.on_risk(risk)
        if birth:
            self._link(True)

    def _learn_aliases(self, metrics: list) -> None:
        """A DBIRTH's tag aliases, for reading its data by alias with numpy."""
        pairs = [
            (m.alias, self.tag_at[m.name]) for m in metrics if m.alias is not None and m.name in self.tag_at
        ]
        if not pairs:
            return
        top = max(a for a, _ in pairs)
        if top >= len(self._tag_of_alias):
            grown = np.full(top + 1, -1, dtype=np.int64)
            grown[: len(self._tag_of_alias)] = self._tag_of_alias
            self._tag_of_alias = grown
        for a, i in pairs:
            self._tag_of_alias[a] = i

    def _samples(self, aliases: np.ndarray, ts_ms: np.ndarray, values: np.ndarray) -> None:
        """Good values of tags by alias (DDATA read with numpy)."""
        known = aliases < len(self._tag_of_alias)
        idx = np.where(known, self._tag_of_alias[np.where(known, aliases, 0)], -1)
        keep = idx >= 0
        n = int(keep.sum())
        if not n:
            return
        quality = np.full(n, Quality.GOOD, dtype=np.uint8)
        self._emit(SampleBatch(idx[keep].astype(np.int32), ts_ms[keep] / 1000.0, values[keep], quality))

    def _emit(self, batch: SampleBatch) -> None:
        with self._lock:
            self._value[batch.tag], self._quality[batch.tag], self._ts[batch.tag] = (
                batch.value,
                batch.quality,
                batch.ts,
            )
        self.samples_in += len(batch)
        for listener in self._listeners:
            listener.on_samples(batch)

    def _device_metrics(self, device: str | None, metrics: list) -> None:
        if device is None:
            return
        idx, ts, val, qual, status = [], [], [], [], None
        for m in metrics:
            i = self.tag_at.get(m.name)
            if i is not None:
                idx.append(i)
                ts.append((m.timestamp or 0) / 1000.0)
                val.append(np.nan if m.value is None else float(m.value))
                qual.append(m.quality)
            elif m.name == STATUS_RECORD and m.value:
                status = records.status_from_json(m.value)
        if idx:
            self._emit(
                SampleBatch(np.array(idx, dtype=np.int32), np.array(ts), np.array(val), _quality(qual))
            )
        if status is not None:
            with self._lock:
                self._devices[device] = status
            for listener in self._listeners:
                listener.on_device(status)

    def _result(self, result: dict) -> None:
        future = self._pending.pop(str(result.get("nonce", "")), None)
        if future is None or future.done():
            return
        if result.get("ok"):
            future.set_result(result)
        else:
            future.set_exception(CommandFailed(result.get("error") or "refused"))

    def _link(self, up: bool) -> None:
        """The server's state reachable (its births came) or not (broker lost, NDEATH)."""
        if up == self.connected:
            return
        self.connected = up
        now = time.time()
        with self._lock:
            link = self._alarms.get(LINK_KEY)
            if up:
                alarm = None if link is None else _ended(link)._replace(ts=now)
                self._alarms.pop(LINK_KEY, None)
                statuses = []
            else:
                msg = alarm_text(LINK_LOST)
                alarm = Alarm(
                    LINK_KEY, "server", -1, Kind.SYSTEM, 1, True, False, now, now, np.nan, None, msg
                )
                self._alarms[LINK_KEY] = alarm
                self._quality[:] = Quality.BAD
                statuses = [DeviceStatus(d, DeviceState.DISCONNECTED, now, NO_LINK) for d in self._devices]
                self._devices.update({s.device: s for s in statuses})
                bad = SampleBatch(
                    np.arange(self.n, dtype=np.int32),
                    np.full(self.n, now),
                    self._value.copy(),
                    self._quality.copy(),
                )
        for listener in self._listeners:
            if not up:
                listener.on_samples(bad)
            for s in statuses:
                listener.on_device(s)
            if alarm is not None:
                listener.on_alarm(alarm)
        for f in list(self.link_listeners):
            f(up)
        if not up:
            for nonce, future in list(self._pending.items()):
                self._pending.pop(nonce, None)
                if not future.done():
                    future.set_exception(CommandFailed("no connection to the server"))

    # ------------------------------------------------------------ queries (any thread)
    def latest(self) -> SampleBatch:
        with self._lock:
            return SampleBatch(
                np.arange(self.n, dtype=np.int32), self._ts.copy(), self._value.copy(), self._quality.copy()
            )

    def active_alarms(self) -> list[Alarm]:
        with self._lock:
            return [a for a in self._alarms.values() if a.state != State.NORMAL]

    def risk_states(self) -> list:
        with self._lock:
            return sorted(self._risk.values(), key=lambda r: (r.level, r.hazard))

    def device_status(self) -> dict[str, DeviceStatus]:
        with self._lock:
            return dict(self._devices)

    # ------------------------------------------------------------ commands (any thread)
    def command(self, action: str, args: dict, user: str = "") -> concurrent.futures.Future:
        """Send a signed command as `user`; a future of the server's result (CommandFailed when
        it refused it or the link is lost)."""
        cmd = commands.new_command(self.station, user or self.user, action, args)
        return self.send_envelope(commands.sign(cmd, self.key), cmd.nonce)

    def send_envelope(self, text: str, nonce: str) -> concurrent.futures.Future:
        """Send an envelope as it is (`command` signs one); a future of its result by `nonce`."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        loop, client = self._loop, self._client
        if loop is None or client is None or not self.connected:
            future.set_exception(CommandFailed("no connection to the server"))
            return future
        self._pending[nonce] = future
        asyncio.run_coroutine_threadsafe(self._publish_envelope(client, text), loop)
        return future

    def acknowledge(
        self, keys: list[str] | None, user: str = "", comment: str = ""
    ) -> concurrent.futures.Future:
        if keys is None or LINK_KEY in keys:
            self._ack_link()
        rest = None if keys is None else [k for k in keys if k != LINK_KEY]
        if rest == []:
            done: concurrent.futures.Future = concurrent.futures.Future()
            done.set_result({"ok": True})
            return done
        return self.command("acknowledge", {"keys": rest, "comment": comment}, user)

    def _ack_link(self) -> None:
        with self._lock:
            link = self._alarms.get(LINK_KEY)
            if link is None or link.acked:
                return
            link = self._alarms[LINK_KEY] = link._replace(acked=True, ts=time.time())
        for listener in self._listeners:
            listener.on_alarm(link)

    def shelve(self, keys, duration_s, user: str, reason: str) -> concurrent.futures.Future:
        return self.command("shelve", {"keys": keys, "duration_s": duration_s, "reason": reason}, user)

    def unshelve(self, keys, user: str = "") -> concurrent.futures.Future:
        return self.command("unshelve", {"keys": keys}, user)

    def suppress(self, keys, on: bool, user: str, reason: str = "") -> concurrent.futures.Future:
        return self.command("suppress", {"keys": keys, "on": on, "reason": reason}, user)

    def set_out_of_service(self, keys, on: bool, user: str, reason: str = "") -> concurrent.futures.Future:
        return self.command("out_of_service", {"keys": keys, "on": on, "reason": reason}, user)

    def declare_state(
        self, hazard: str, state: str, user: str, reason: str, until=None
    ) -> concurrent.futures.Future:
        args = {"hazard": hazard, "state": str(state), "reason": reason, "until": until}
        return self.command("declare_state", args, user)

    def write(self, tag_name: str, value: float, user, timeout=None) -> concurrent.futures.Future:
        """A device write through the server; a future of its WriteResult, as Engine.write."""
        from app.runtime.device_writes import WriteResult

        name = getattr(user, "name", "") or str(user or "")
        sent = self.command("write", {"tag": tag_name, "value": float(value)}, name)
        answer: concurrent.futures.Future = concurrent.futures.Future()

        def landed(f: concurrent.futures.Future) -> None:
            exc = f.exception()
            if exc is not None:
                answer.set_exception(exc)
                return
            fields = f.result().get("answer") or {}
            answer.set_result(WriteResult(**{k: records.text_in(v) for k, v in fields.items()}))

        sent.add_done_callback(landed)
        return answer

    def set_limit(
        self, tag: str, limit: str, value: float | None, user: str = ""
    ) -> concurrent.futures.Future:
        return self.command("set_limit", {"tag": tag, "limit": limit, "value": value}, user)


def _bd_seq(metrics: list) -> int | None:
    return next((int(m.value) for m in metrics if m.name == BD_SEQ and m.value is not None), None)


def _ended(a: Alarm) -> Alarm:
    """An alarm as it ends: not active, acknowledged, nothing holding it."""
    return a._replace(
        active=False, acked=True, latched=False, shelved=False, suppressed=False, out_of_service=False
    )
