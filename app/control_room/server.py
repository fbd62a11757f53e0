"""The serve loop: one engine's live state published as a Sparkplug B edge node over MQTT.

The node is `spBv1.0/<group>/.../<node>` (group "Forewarn", node the plant's slug). Each
Forewarn device is a Sparkplug device holding its tags (Double metrics, the Quality property
when not good) and its status (`Status/State`, `Status/Record`). The node's own metrics are the
alarms and warnings standing (`Alarms/<key>/State|Priority|Message|Active|Acked|Record`), each
hazard source's risk (`Risk/<source>/Level|Inherent|Raised|Score|Record`; Score the inherent
evaluation's numeric score, LEC's D or LS's R, null without one), the last command result
(`Command/Result`) and which areas the connected stations cover (`Stations/Coverage`). The
`Record` metrics are Forewarn's own records as JSON (app/control_room/records.py), what a
station rebuilds its screens from; the others are for any Sparkplug host.

The engine's listener callbacks (acquisition thread) only queue (one wake-up of the loop for
all that is posted before it runs). One publisher task sends, per connection: the NBIRTH (with
the bdSeq of the connection's will, the NDEATH) and a DBIRTH per device, every metric with its
alias (the tags' from 2**14 up: three-byte varints, so a scan batch's metrics are all of one
length, written and read as one block), from a snapshot of the engine; then per scan batch one
DDATA with only the tags that changed, by alias, and one NDATA with the node metrics that
changed. An alarm key the births did not name (a new alarm) makes it send the births again, as
does `Node Control/Rebirth`. Commands (NCMD `Command/Request`) go to app/control_room/commands.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time

import numpy as np

from app.control_room import records
from app.control_room.commands import HELLO
from core.samples import SampleBatch
from transport import mqtt
from transport.sparkplug import (
    QUALITY_BAD,
    QUALITY_GOOD,
    QUALITY_UNCERTAIN,
    REBIRTH,
    AliasTable,
    DataType,
    MessageType,
    Metric,
    Sequence,
    Topic,
    bd_seq_metric,
    death_payload,
    decode,
    encode,
    encode_doubles,
)
from transport.wire import PayloadBuffer, varint_rows

log = logging.getLogger(__name__)
GROUP = "Forewarn"
COMMAND = "Command/Request"
RESULT = "Command/Result"
COVERAGE = "Stations/Coverage"
STATUS_STATE, STATUS_RECORD = "Status/State", "Status/Record"
ALARM_FIELDS = ("State", "Priority", "Message", "Active", "Acked", "Record")
RISK_FIELDS = ("Level", "Inherent", "Raised", "Score", "Record")
QUALITY_CODE = np.array([QUALITY_BAD, QUALITY_UNCERTAIN, QUALITY_GOOD], dtype=np.int64)  # by core Quality
COMMAND_TIMEOUT_S = 10.0
# every alias a three-byte varint (up to 2**21): a scan batch's metrics all of one length, written
# as one block (transport/wire.py) and read back as one by the stations
ALIAS_BASE = 1 << 14
MIN_REBIRTH_S = 1.0  # new alarm keys within this of the last births wait for the next ones


def _span(members: np.ndarray) -> tuple[int, int] | None:
    """(start, stop) of indices that are one run, else None."""
    if not len(members) or members[-1] - members[0] != len(members) - 1:
        return None
    return int(members[0]), int(members[-1]) + 1


def sparkplug_id(name: str) -> str:
    """A name as a topic level: no '/', '+' or '#'."""
    return re.sub(r"[/+#\s]", "_", name) or "_"


def alarm_metric(key: str, field: str) -> str:
    return f"Alarms/{key}/{field}"


def risk_metric(hazard: str, field: str) -> str:
    return f"Risk/{hazard}/{field}"


def alarm_metrics(a, alias) -> list[Metric]:
    v = (str(a.state), int(a.priority), str(a.message), bool(a.active), bool(a.acked), records.alarm_json(a))
    types = (
        DataType.STRING,
        DataType.INT32,
        DataType.STRING,
        DataType.BOOLEAN,
        DataType.BOOLEAN,
        DataType.STRING,
    )
    ts = int(a.ts * 1000)
    return [
        Metric(n, alias.of("/" + n), t, x, ts)
        for n, t, x in zip([alarm_metric(a.key, f) for f in ALARM_FIELDS], types, v, strict=True)
    ]


RISK_TYPES = (DataType.INT32, DataType.INT32, DataType.INT32, DataType.DOUBLE, DataType.STRING)


def risk_score(s) -> float | None:
    """The numeric score of the inherent evaluation: LEC's D or LS's R (None: set by the engineer
    or by direct determination without one)."""
    v = s.inherent.value
    return None if v is None else float(v)


def risk_metrics(s, alias) -> list[Metric]:
    v = (int(s.level), int(s.inherent.level), int(s.raised), risk_score(s), records.risk_json(s))
    ts = int(s.ts * 1000)
    return [
        Metric(n, alias.of("/" + n), t, x, ts)
        for n, t, x in zip([risk_metric(s.hazard, f) for f in RISK_FIELDS], RISK_TYPES, v, strict=True)
    ]


def risk_unknown(hazard: str, alias) -> list[Metric]:
    """A hazard source's risk metrics before its first evaluation: null."""
    names = [risk_metric(hazard, f) for f in RISK_FIELDS]
    return [Metric(n, alias.of("/" + n), t, None) for n, t in zip(names, RISK_TYPES, strict=True)]


class ControlRoomServer:
    """Publishes an engine as a Sparkplug B edge node; see the module docstring."""

    def __init__(
        self,
        engine,
        url: mqtt.BrokerUrl,
        node: str,
        *,
        group: str = GROUP,
        credentials: mqtt.Credentials | None = None,
        processor=None,
        coverage=None,
        client_id: str | None = None,
        bd_seq: int = 0,
    ):
        """`client_id`: the broker client id (default `forewarn-serve-<node>`; each server of a
        pair needs its own); `bd_seq`: the bdSeq of the first connection (a server taking over
        starts past its predecessor's, so a late NDEATH of the dead one ends nothing of its)."""
        self.engine = engine
        self.url, self.credentials = url, credentials
        self.group, self.node = group, sparkplug_id(node)
        self.processor = processor  # app.control_room.commands.CommandProcessor, or None: no commands
        self.coverage = coverage  # app.control_room.areas.Coverage, or None
        self.alias = AliasTable(first=ALIAS_BASE)
        self.seq = Sequence()
        self.bd_seq = (bd_seq - 1) % 256
        self.client_id = client_id or f"forewarn-serve-{self.node}"
        self.queue: asyncio.Queue | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connected = asyncio.Event()
        self.births = 0
        self.messages_out = 0
        self.bytes_out = 0
        self.last_result = ""
        self._last_birth = 0.0
        self._commands: set[asyncio.Task] = set()
        self._inbox: list = []  # posted by the acquisition thread, not yet in the queue
        self._inbox_lock = threading.Lock()
        self._wake_due = False
        self._layout(engine.config)

    # ------------------------------------------------------------ topics and layout
    def topic(self, kind: MessageType, device: str | None = None) -> str:
        return str(Topic(self.group, kind, self.node, device))

    def _layout(self, config) -> None:
        self.config = config
        self.device_ids = [sparkplug_id(d.name) for d in config.devices]
        self.data_topics = [self.topic(MessageType.DDATA, d) for d in self.device_ids]  # made once
        index = {d.name: i for i, d in enumerate(config.devices)}
        self.tag_device = np.array([index.get(t.device, 0) for t in config.tags], dtype=np.intp)
        self.tag_alias = np.array(
            [
                self.alias.of(f"{self.device_ids[i]}/{t.name}")
                for i, t in zip(self.tag_device, config.tags, strict=True)
            ],
            dtype=np.int64,
        )
        three = len(self.tag_alias) and self.tag_alias.min() >= ALIAS_BASE and self.tag_alias.max() < 1 << 21
        # the tags' varints, once: a row per tag (varint_rows gives one row for equal values, as
        # the one alias of a one-tag plant is)
        self.alias_rows = varint_rows(self.tag_alias, 3).reshape(-1, 3) if three else None
        n = len(config.tags)
        self.value, self.qcode, self.ts_ms = (
            np.full(n, np.nan),
            np.full(n, -1, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
        )
        # a device whose tags are one run of the tag list: (start, stop), else None; a scan batch of
        # exactly those tags in order is read and written by slices, its payload by layout
        self.device_span = [_span(np.flatnonzero(self.tag_device == i)) for i in range(len(config.devices))]
        self.in_order = np.arange(n, dtype=np.int64)
        self._payload = PayloadBuffer()  # its layouts' aliases are this configuration's
        self.alarm_keys: set[str] = set()
        self.hazards: set[str] = set()

    # ------------------------------------------------------------ listener (acquisition thread)
    def _post(self, item) -> None:
        """Hand an item to the publisher: one wake-up of its loop for whatever the acquisition
        thread posts before the loop gets to it, not one per item."""
        loop, queue = self.loop, self.queue
        if loop is None or queue is None or not self.connected.is_set():
            return  # the next births take a snapshot of the engine
        with self._inbox_lock:
            self._inbox.append(item)
            if self._wake_due:
                return
            self._wake_due = True
        try:
            loop.call_soon_threadsafe(self._deliver, queue)
        except RuntimeError:  # the loop closed: the server stops
            pass

    def _deliver(self, queue: asyncio.Queue) -> None:
        with self._inbox_lock:
            items = list(self._inbox)
            self._inbox.clear()
            self._wake_due = False
        for item in items:
            queue.put_nowait(item)

    def on_samples(self, batch: SampleBatch) -> None:
        if len(batch):
            self._post(("samples", batch))

    def on_alarm(self, alarm) -> None:
        self._post(("alarm", alarm))

    def on_device(self, status) -> None:
        self._post(("device", status))

    def on_risk(self, states) -> None:
        self._post(("risk", list(states)))

    def housekeeping(self, final: bool = False) -> None:
        """Now and then (the serve loop's tick): stations silent too long leave the coverage, the
        refusal windows that have passed are summarised in the audit (all of them when `final`)."""
        if self.coverage is not None:
            self.coverage.expire()
        if self.processor is not None:
            self.processor.flush_refusals(everything=final)

    def post_coverage(self) -> None:
        """The stations' areas changed (app/control_room/areas.py): publish them."""
        self._post(("coverage", None))

    # ------------------------------------------------------------ the connection
    def _client(self):
        self.bd_seq = (self.bd_seq + 1) % 256
        will = mqtt.Will(self.topic(MessageType.NDEATH), death_payload(self.bd_seq), qos=1)
        return mqtt.client(self.url, self.client_id, self.credentials, will)

    async def run(self) -> None:
        """Publish until cancelled, reconnecting with backoff."""
        self.loop = asyncio.get_running_loop()
        self.queue = asyncio.Queue()
        self.engine.add_listener(self)
        try:
            await mqtt.keep_connected(self._client, self._session, on_lost=lambda _e: self.connected.clear())
        finally:
            self.engine.remove_listener(self)
            self.connected.clear()

    async def _session(self, client) -> None:
        if self.processor is not None:
            await client.subscribe(self.topic(MessageType.NCMD), qos=1)
        self.connected.set()
        listen = asyncio.create_task(self._listen(client), name="serve-commands")
        try:
            await self._births(client)
            await self._publish_loop(client, listen)
        except asyncio.CancelledError:  # a clean stop says so itself: the will is for a death
            with contextlib.suppress(Exception):
                death = death_payload(self.bd_seq)
                await asyncio.wait_for(client.publish(self.topic(MessageType.NDEATH), death, qos=1), 1.0)
            raise
        finally:
            self.connected.clear()
            listen.cancel()
            await asyncio.gather(listen, return_exceptions=True)

    async def _send(self, client, topic: str, payload: bytes, qos: int = 0) -> None:
        await client.publish(topic, payload, qos=qos)
        self.messages_out += 1
        self.bytes_out += len(payload)

    # ------------------------------------------------------------ births
    async def _births(self, client) -> None:
        """NBIRTH and every DBIRTH from a snapshot of the engine (what was queued before it is
        covered by it and dropped)."""
        while not self.queue.empty():
            self.queue.get_nowait()
        e = self.engine
        if e.config is not self.config:
            self._layout(e.config)
        snap = e.latest()
        self.value[snap.tag] = snap.value
        self.qcode[snap.tag] = QUALITY_CODE[snap.quality]
        self.ts_ms[snap.tag] = (snap.ts * 1000).astype(np.int64)
        alarms = e.active_alarms()
        risk = e.risk_states()
        self.alarm_keys = {a.key for a in alarms}
        self.hazards = {h.name for h in self.config.hazard_sources}
        node = [
            bd_seq_metric(self.bd_seq),
            Metric(REBIRTH, self.alias.of("/" + REBIRTH), DataType.BOOLEAN, False),
        ]
        for a in alarms:
            node += alarm_metrics(a, self.alias)
        for s in risk:
            node += risk_metrics(s, self.alias)
        for h in sorted(self.hazards - {s.hazard for s in risk}):
            node += risk_unknown(h, self.alias)
        node.append(Metric(RESULT, self.alias.of("/" + RESULT), DataType.STRING, self.last_result))
        node.append(Metric(COVERAGE, self.alias.of("/" + COVERAGE), DataType.STRING, self._coverage_text()))
        await self._send(
            client, self.topic(MessageType.NBIRTH), encode(node, seq=self.seq.birth(), birth=True)
        )
        status = e.device_status()
        for i, d in enumerate(self.config.devices):
            members = np.flatnonzero(self.tag_device == i)
            metrics = [
                Metric(
                    self.config.tags[j].name,
                    int(self.tag_alias[j]),
                    DataType.DOUBLE,
                    float(self.value[j]),
                    int(self.ts_ms[j]) or None,
                    int(self.qcode[j]) if self.qcode[j] >= 0 else QUALITY_BAD,
                )
                for j in members
            ]
            metrics += self._status_metrics(self.device_ids[i], status.get(d.name))
            payload = encode(metrics, seq=self.seq.next(), birth=True)
            await self._send(client, self.topic(MessageType.DBIRTH, self.device_ids[i]), payload)
        self.births += 1
        self._last_birth = time.monotonic()

    def _status_metrics(self, device: str, status) -> list[Metric]:
        state = "" if status is None else status.state.name
        record = "" if status is None else records.status_json(status)
        ts = None if status is None else int(status.ts * 1000)
        return [
            Metric(STATUS_STATE, self.alias.of(f"{device}/{STATUS_STATE}"), DataType.STRING, state, ts),
            Metric(STATUS_RECORD, self.alias.of(f"{device}/{STATUS_RECORD}"), DataType.STRING, record, ts),
        ]

    def _coverage_text(self) -> str:
        return "" if self.coverage is None else self.coverage.as_json()

    # ------------------------------------------------------------ data
    async def _publish_loop(self, client, listen: asyncio.Task) -> None:
        queue = self.queue
        rebirth_due = False
        me = asyncio.current_task()
        while True:
            if me is not None and me.cancelling():
                # a stop that a publish swallowed: aiomqtt waits for a publish the socket could
                # not take at once with asyncio.wait_for, which before Python 3.12 can lose a
                # cancellation arriving as the publish completes; the server would never stop
                raise asyncio.CancelledError
            if listen.done():
                listen.result()  # the connection dropped: raise its error
                return
            items = []
            if queue.empty():  # wait for work, the connection's end or a rebirth due
                get = asyncio.ensure_future(queue.get())
                timeout = MIN_REBIRTH_S if rebirth_due else None
                try:
                    done, _ = await asyncio.wait(
                        {get, listen}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    if not get.done():
                        get.cancel()
                items = [get.result()] if get in done else []
            while not queue.empty():
                items.append(queue.get_nowait())
            node: list[Metric] = []
            for kind, obj in items:
                if kind == "samples":
                    await self._publish_samples(client, obj)
                elif kind == "alarm":
                    if obj.key in self.alarm_keys:
                        node += alarm_metrics(obj, self.alias)
                    else:
                        rebirth_due = True
                elif kind == "risk":
                    for s in obj:
                        if s.hazard in self.hazards:
                            node += risk_metrics(s, self.alias)
                        else:
                            rebirth_due = True
                elif kind == "device":
                    await self._publish_status(client, obj)
                elif kind == "result":
                    self.last_result = obj
                    node.append(Metric(RESULT, self.alias.of("/" + RESULT), DataType.STRING, obj))
                elif kind == "coverage":
                    node.append(
                        Metric(
                            COVERAGE, self.alias.of("/" + COVERAGE), DataType.STRING, self._coverage_text()
                        )
                    )
                elif kind == "rebirth":
                    rebirth_due, self._last_birth = True, 0.0
            if self.engine.config is not self.config:
                rebirth_due, self._last_birth = True, 0.0
            if node:
                await self._send(client, self.topic(MessageType.NDATA), encode(node, seq=self.seq.next()))
            if rebirth_due and time.monotonic() - self._last_birth >= MIN_REBIRTH_S:
                rebirth_due = False
                await self._births(client)

    def _whole_device(self, tag: np.ndarray) -> tuple[int, slice] | None:
        """(device, its slice of the tag list) when `tag` is exactly one device's tags in order."""
        d = int(self.tag_device[tag[0]])
        span = self.device_span[d]
        if span is None or len(tag) != span[1] - span[0] or tag[0] != span[0]:
            return None
        sl = slice(*span)
        return (d, sl) if (tag == self.in_order[sl]).all() else None

    async def _publish_samples(self, client, batch: SampleBatch) -> None:
        if batch.tag.size and int(batch.tag.max()) >= len(self.value):
            return  # a batch of a newer configuration: the births that follow carry it
        tag, v = batch.tag, np.ascontiguousarray(batch.value, dtype=np.float64)
        q = QUALITY_CODE[batch.quality]
        whole = self._whole_device(tag) if len(tag) else None
        at = tag if whole is None else whole[1]  # a slice reads and writes without a gather
        # by bits: a NaN as before is no change, and two compares instead of five
        changed = (q != self.qcode[at]) | (v.view(np.int64) != self.value[at].view(np.int64))
        ts = batch.ts
        if not changed.all():
            if not changed.any():
                return
            whole, at = None, tag[changed]
            tag, v, q, ts = at, v[changed], q[changed], ts[changed]
        ts = (ts * 1000).astype(np.int64)
        self.value[at], self.qcode[at], self.ts_ms[at] = v, q, ts
        if whole is not None:  # every tag of one device, in order: its payload's layout is kept
            d, sl = whole
            rows = None if self.alias_rows is None else self.alias_rows[sl]
            payload = encode_doubles(
                self.tag_alias[sl],
                v,
                ts,
                q,
                seq=self.seq.next(),
                alias_rows=rows,
                into=self._payload,
                layout=d,
            )
            await self._send(client, self.data_topics[d], payload)
            return
        dev = self.tag_device[tag]
        one = dev[0] == dev[-1] and (dev == dev[0]).all()  # a driver's batch: one device
        for d in dev[:1] if one else np.unique(dev):
            sel = slice(None) if one else dev == d
            t = tag[sel]
            rows = None if self.alias_rows is None else self.alias_rows[t]
            payload = encode_doubles(
                self.tag_alias[t],
                v[sel],
                ts[sel],
                q[sel],
                seq=self.seq.next(),
                alias_rows=rows,
                into=self._payload,
            )
            await self._send(client, self.data_topics[d], payload)

    async def _publish_status(self, client, status) -> None:
        try:
            i = [d.name for d in self.config.devices].index(status.device)
        except ValueError:
            return
        device = self.device_ids[i]
        payload = encode(self._status_metrics(device, status), seq=self.seq.next())
        await self._send(client, self.topic(MessageType.DDATA, device), payload)

    # ------------------------------------------------------------ commands
    async def _listen(self, client) -> None:
        async for message in client.messages:
            try:
                payload = decode(message.payload)
            except ValueError as exc:
                log.warning("a command that is not Sparkplug B was ignored: %s", exc)
                continue
            for m in payload.metrics:
                if m.name == REBIRTH and m.value:
                    self.queue.put_nowait(("rebirth", None))
                elif m.name == COMMAND and isinstance(m.value, str) and self.processor is not None:
                    task = asyncio.create_task(self._command(m.value))
                    self._commands.add(task)  # held until done: the loop keeps only weak references
                    task.add_done_callback(self._commands.discard)

    async def _command(self, text: str) -> None:
        result, future = self.processor.handle(text)
        if future is not None:
            try:
                await asyncio.wait_for(asyncio.wrap_future(future), COMMAND_TIMEOUT_S)
                result = self.processor.finished(result, future, text)
            except Exception as exc:  # the engine's refusal, or no answer in time: the station is told
                result = {**result, "ok": False, "error": str(exc) or type(exc).__name__}
        if result.get("action") == HELLO and result.get("ok"):
            return  # a heartbeat: the coverage it changes is published, not its answer
        self.queue.put_nowait(("result", records.dumps(result)))
