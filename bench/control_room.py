"""Control-room benchmark: the server's Sparkplug publishing against a bare MQTT client, and what
four stations see, all over a real Mosquitto on 127.0.0.1 (started here, in a temporary dir).

  throughput : 1,000 scan batches of 1,000 changed tags through ControlRoomServer (change
               detection, Sparkplug encoding by alias, publish) vs bare aiomqtt publishing the
               very same bytes (the payloads ours sent, on topics of the same length, QoS 0
               both), each timed until one subscriber has every message; REPEATS pairs,
               interleaved (which goes first alternates); ratio = bare time / ours time of each
               pair, the median of the pairs reported with its spread (1.0 = no overhead;
               target >= 0.5);
  latency    : 20,000 tags/s (20 devices of 1,000 tags, each a batch a second) through
               Engine.process and the server to 4 RemoteEngines; device-to-station latency
               (sample time to the station's listener) p50/p99 (target p99 <= 1.5 s);
  ack        : an acknowledgement sent by one station under that load, until every other
               station shows it acknowledged; p99 (target <= 500 ms).
Prints one JSON object. Stations run in this process (threads), so the figures include their
share of one interpreter: separate station processes see less.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.accounts.users import Role  # noqa: E402
from app.config.io import validate_config_data  # noqa: E402
from app.control_room.commands import CommandProcessor, Verifier  # noqa: E402
from app.control_room.server import ControlRoomServer  # noqa: E402
from app.control_room.station import RemoteEngine  # noqa: E402
from app.runtime.engine import Engine  # noqa: E402
from core.samples import Quality, SampleBatch  # noqa: E402
from tests.broker import Mosquitto, free_port  # noqa: E402
from tests.servers import LoopThread  # noqa: E402
from transport import mqtt  # noqa: E402

DEVICES, PER_DEVICE = 20, 1000
N = DEVICES * PER_DEVICE
LOAD_S = 15.0
ACKS = 40
REPEATS = 9  # throughput pairs (ours, bare)
TP_BATCHES = 1000  # scan batches a throughput run publishes (a second or so of work, not a blink)
QOS = 0  # a scan batch's DDATA, as the server sends it
STATIONS = 4
KEYS = {f"s{i}": f"bench-key-{i}".encode() for i in range(STATIONS)}


def plant():
    devices = [{"name": f"plc{d:02d}", "protocol": "modbus-tcp", "port": free_port()} for d in range(DEVICES)]
    tags = [
        {"name": f"D{d:02d}.T{i:04d}", "device": f"plc{d:02d}", "address": f"hr:{i}", "alarms": {"HH": 900.0}}
        for d in range(DEVICES)
        for i in range(PER_DEVICE)
    ]
    cfg, errors = validate_config_data(
        {"schema": 1, "plant": {"name": "Bench works"}, "devices": devices, "tags": tags}
    )
    assert cfg is not None, errors
    return cfg


def batch(device: int, rng, high: slice | None = None) -> SampleBatch:
    idx = np.arange(device * PER_DEVICE, (device + 1) * PER_DEVICE, dtype=np.int32)
    value = rng.uniform(0, 100, PER_DEVICE)
    if high is not None:
        value[high] = 950.0
    return SampleBatch(
        idx, np.full(PER_DEVICE, time.time()), value, np.full(PER_DEVICE, Quality.GOOD, dtype=np.uint8)
    )


def percentile(xs, q) -> float:
    return float(np.percentile(np.asarray(xs), q)) if xs else float("nan")


class Arrivals:
    """A subscriber (paho, its own thread) counting the messages of a topic filter: a publisher's
    time is until the broker has handed on everything it sent, not until its socket took it."""

    def __init__(self, port: int, topic: str):
        import paho.mqtt.client as paho

        self.count, self.want, self.done = 0, 0, threading.Event()
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-count-{id(self):x}")
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *_a: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(topic)
        self.client.loop_start()
        subscribed.wait(10)

    def expect(self, n: int) -> None:
        self.count, self.want = 0, n
        self.done.clear()

    def _on_message(self, *_a) -> None:
        self.count += 1
        if self.count >= self.want:
            self.done.set()

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def on_node(topic: str, node: str) -> str:
    """A Sparkplug topic with another node (spBv1.0/group/type/NODE/device)."""
    parts = topic.split("/")
    parts[3] = node
    return "/".join(parts)


async def bare_publish(url, payloads, arrivals: Arrivals) -> float:
    """The same topics' length and the same payloads as ours, with a bare client (QoS 0)."""
    async with mqtt.client(url, f"bench-bare-{time.monotonic_ns()}") as c:
        arrivals.expect(len(payloads))
        t0 = time.perf_counter()
        for topic, p in payloads:
            await c.publish(topic, p, qos=QOS)
        if not await asyncio.to_thread(arrivals.done.wait, 60):
            raise RuntimeError(f"bare: {arrivals.count} of {len(payloads)} messages arrived")
        return time.perf_counter() - t0


async def throughput(engine, url, batches, arrivals: Arrivals, node: str) -> tuple[float, list]:
    """Our path: the batches queued to a server's publisher as the engine's listener queues them."""
    server = ControlRoomServer(engine, url, node)
    sent: list[tuple[str, bytes]] = []
    send = server._send  # noqa: SLF001 - the bench records what our path sends

    async def recording(client, topic, payload, qos=0):
        if qos != QOS and "/DDATA/" in topic:
            raise RuntimeError(f"the server sent a scan batch with QoS {qos}, the bench compares {QOS}")
        sent.append((topic, bytes(payload)))  # a scan batch's payload is reused memory: a copy
        await send(client, topic, payload, qos)

    server._send = recording  # noqa: SLF001
    task = asyncio.create_task(server.run())
    deadline = time.monotonic() + 30
    while server.births < 1:  # a server that died or never got its births out says so
        if task.done() or time.monotonic() > deadline:
            task.cancel()
            raise RuntimeError(f"the server sent no births: {task.exception() if task.done() else 'timeout'}")
        await asyncio.sleep(0.05)
    sent.clear()
    arrivals.expect(len(batches))
    t0 = time.perf_counter()
    for b in batches:
        server.queue.put_nowait(("samples", b))
    arrived = await asyncio.to_thread(arrivals.done.wait, 60)
    elapsed = time.perf_counter() - t0
    if not arrived:
        task.cancel()
        raise RuntimeError(f"ours: {arrivals.count} of {len(batches)} messages arrived")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return elapsed, [(t, p) for t, p in sent if "/DDATA/" in t][: len(batches)]


class Seen:
    """A station listener: sample latencies and when each acknowledgement arrived."""

    def __init__(self):
        self.latency: list[float] = []
        self.acked: dict[str, float] = {}

    def on_samples(self, b):
        self.latency.append(time.time() - float(b.ts.min()))

    def on_alarm(self, a):
        if a.acked and a.key not in self.acked:
            self.acked[a.key] = time.monotonic()

    def on_device(self, s):
        pass

    def on_risk(self, states):
        pass


def start_node(server: ControlRoomServer) -> tuple[LoopThread, asyncio.Task]:
    """The server running on a loop thread of its own, once its births are sent (the node is live)."""
    lt = LoopThread()

    async def begin():
        return asyncio.create_task(server.run())

    task = lt.call(begin())
    deadline = time.monotonic() + 20
    while server.births < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    return lt, task


def stop_node(lt: LoopThread, task: asyncio.Task) -> None:
    async def end():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    lt.call(end())
    lt.close()


def feed(engine: Engine, rng, stop: threading.Event) -> None:
    """20,000 tags/s into the engine until `stop`: each device's batch once a second, the first
    of each with three tags over HH (alarms for the stations)."""
    k = 0
    next_t = time.monotonic()
    while not stop.is_set():
        engine.process(batch(k % DEVICES, rng, slice(0, 3) if k < DEVICES else None))
        k += 1
        next_t += 1.0 / DEVICES
        time.sleep(max(0.0, next_t - time.monotonic()))


def main() -> None:
    cfg = plant()
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        broker = Mosquitto(Path(tmp)).start()
        url = mqtt.BrokerUrl.parse(broker.url)
        engine = Engine(cfg, None, warnings=False)
        processor = CommandProcessor(engine, Verifier(KEYS), lambda _u: Role.OPERATOR)
        server = ControlRoomServer(engine, url, "bench", processor=processor)
        # ---- throughput: the server's publish path vs bare aiomqtt with the same bytes, each in
        # the main thread's loop as `serve` runs it, timed until one subscriber has every message;
        # pairs interleaved, which goes first alternating (the machine is shared)
        batches = [batch(k % DEVICES, rng) for k in range(TP_BATCHES)]
        arrivals = Arrivals(broker.port, "spBv1.0/Forewarn/DDATA/#")
        ours_runs, bare_runs = [], []
        payloads: list = []
        for r in range(REPEATS):
            ours_node, bare_node = f"o{r:03d}", f"b{r:03d}"  # topics of one length

            def ours(ours_node=ours_node):
                elapsed, sent = asyncio.run(throughput(engine, url, batches, arrivals, ours_node))
                payloads[:] = sent
                ours_runs.append(elapsed)

            def bare(bare_node=bare_node):
                same = [(on_node(t, bare_node), p) for t, p in payloads]
                bare_runs.append(asyncio.run(bare_publish(url, same, arrivals)))

            if r % 2 == 0 or not payloads:
                ours()
                bare()
            else:  # the bare client first: it sends what ours sent last time
                bare()
                ours()
        arrivals.close()
        ratios = [b / o for o, b in zip(ours_runs, bare_runs, strict=True)]
        ours_s, bare_s = float(np.median(ours_runs)), float(np.median(bare_runs))
        metrics = len(batches) * PER_DEVICE

        # ---- the node the stations read, on a loop of its own (this thread feeds and acknowledges)
        lt, task = start_node(server)

        # ---- latency and acknowledgements under 20,000 tags/s with 4 stations
        stations, seen = [], []
        for name, key in KEYS.items():
            s = RemoteEngine(cfg, url, "bench", station=name, key=key, user="op")
            watch = Seen()
            s.add_listener(watch)
            s.start()
            stations.append(s)
            seen.append(watch)
        deadline = time.monotonic() + 30
        while not all(s.connected for s in stations) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop = threading.Event()
        feeder = threading.Thread(target=feed, args=(engine, rng, stop), daemon=True)
        feeder.start()
        time.sleep(3.0)  # the alarms raised and known to the stations
        for w in seen:
            w.latency.clear()
        ack_ms = []
        keys = [a.key for a in engine.active_alarms() if not a.acked][:ACKS]
        t_end = time.monotonic() + LOAD_S
        for key in keys:
            t0 = time.monotonic()
            try:
                stations[0].acknowledge([key], "op").result(5)
            except Exception as exc:  # counted as missing
                print(f"ack failed: {exc}", file=sys.stderr)
                continue
            wait = time.monotonic() + 5
            while not all(key in w.acked for w in seen[1:]) and time.monotonic() < wait:
                time.sleep(0.002)
            if all(key in w.acked for w in seen[1:]):
                ack_ms.append(1000 * (max(w.acked[key] for w in seen[1:]) - t0))
            time.sleep(0.2)
        time.sleep(max(0.0, t_end - time.monotonic()))
        stop.set()
        feeder.join(5)
        latency = [x for w in seen for x in w.latency]
        result = {
            "bench": "control_room",
            "throughput": {
                "metrics": metrics,
                "qos": QOS,
                "pairs": REPEATS,
                "ours_metrics_per_s": round(metrics / ours_s),
                "bare_metrics_per_s": round(metrics / bare_s),
                "ratio_ours_over_bare": round(float(np.median(ratios)), 3),
                "ratio_min_max": [round(min(ratios), 3), round(max(ratios), 3)],
                "ratios": [round(x, 3) for x in ratios],
                "runs_s": {
                    "ours": [round(x, 3) for x in ours_runs],
                    "bare": [round(x, 3) for x in bare_runs],
                },
                "bytes_per_metric": round(sum(len(p) for _t, p in payloads) / metrics, 1),
            },
            "latency_s": {
                "tags_per_s": N,
                "stations": STATIONS,
                "batches_seen": len(latency),
                "p50": round(percentile(latency, 50), 3),
                "p99": round(percentile(latency, 99), 3),
            },
            "ack_seen_ms": {
                "acks": len(ack_ms),
                "p50": round(percentile(ack_ms, 50), 1),
                "p99": round(percentile(ack_ms, 99), 1),
            },
            "samples_in_per_station": [s.samples_in for s in stations],
        }
        for s in stations:
            s.stop()
        stop_node(lt, task)
        broker.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
