"""What many tests build alike: a listener that records what the engine publishes, an alarm record,
a clock a test sets by hand, an engine stand-in for the GUI, small plant configurations, and the
alarm engine's level pass, numpy or compiled."""

from __future__ import annotations

import concurrent.futures
import textwrap
import threading
from collections.abc import Iterable

import numpy as np

from app.config import PlantConfig, parse_config_text
from core.alarm_types import Alarm
from core.samples import DeviceState, DeviceStatus, Quality, SampleBatch

# ---------------------------------------------------------------- listener


class Recorder:
    """Collects what the engine tells its listeners (it calls them from its acquisition thread):
    sample batches (unless `samples` is false, for long runs), alarm transitions, device status
    and risk states. Read under `lock`, or through `snapshot()`, while the engine runs."""

    def __init__(self, *, samples: bool = True):
        self.lock = threading.Lock()
        self.keep_samples = samples
        self.batches: list = []
        self.alarms: list[Alarm] = []
        self.status: list[DeviceStatus] = []
        self.risks: list = []

    def on_samples(self, b):
        if self.keep_samples:
            with self.lock:
                self.batches.append(b)

    def on_alarm(self, a):
        with self.lock:
            self.alarms.append(a)

    def on_device(self, s):
        with self.lock:
            self.status.append(s)

    def on_risk(self, states):
        with self.lock:
            self.risks.append(states)

    def snapshot(self) -> list[Alarm]:
        """The alarm transitions so far."""
        with self.lock:
            return list(self.alarms)


# ---------------------------------------------------------------- records and time


def alarm(
    key: str = "P:H",
    tag: int = 0,
    priority: int = 2,
    *,
    active: bool = True,
    acked: bool = False,
    ts: float = 100.0,
    since: float | None = None,
    value: float = 1.0,
    limit: float | None = 0.5,
    message: str | None = None,
    kind: str | None = None,
    **kw,
) -> Alarm:
    """An alarm record of `key` ("SOURCE:KIND"); `since` is `ts` and the message "SOURCE KIND"
    unless given; any other `Alarm` field by keyword."""
    source, _, k = key.rpartition(":")
    return Alarm(
        key=key,
        source=source,
        tag=tag,
        kind=kind or k,
        priority=priority,
        active=active,
        acked=acked,
        ts=ts,
        since=ts if since is None else since,
        value=value,
        limit=limit,
        message=f"{source} {k}" if message is None else message,
        **kw,
    )


class Clock:
    """A clock that stands still until the test sets `t`."""

    def __init__(self, t: float = 1_800_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


# ---------------------------------------------------------------- engine stand-in


class FakeEngine:
    """Just enough of the engine for the bridge, the main window and the write dialog.

    `latest()` is every tag BAD with no value, or `values` GOOD when given; `write` answers its
    future with a success, a device failure (`answer="fail"`) or not at all (`answer=None`)."""

    def __init__(self, config, standing=(), *, values=None, answer=None):
        self.config = config
        self.history = None
        self.listeners = []
        self.acks = []
        self.standing = list(standing)
        self.values = values
        self.answer = answer
        self.requests: list = []

    def add_listener(self, listener):
        self.listeners.append(listener)

    def remove_listener(self, listener):
        self.listeners.remove(listener)

    def acknowledge(self, keys, user="", comment=""):
        self.acks.append(keys)

    def active_alarms(self):
        return list(self.standing)

    def device_status(self):
        return {d.name: DeviceStatus(d.name, DeviceState.CONNECTING, 0.0) for d in self.config.devices}

    def latest(self):
        n = len(self.config.tags)
        if self.values is None:
            return SampleBatch.build(np.arange(n), 0.0, np.full(n, np.nan), Quality.BAD)
        return SampleBatch.build(np.arange(n), 0.0, self.values, Quality.GOOD)

    def write(self, name, value, user):
        from app.runtime.engine import WriteResult

        self.requests.append((name, value, user))
        fut = concurrent.futures.Future()
        if self.answer == "fail":
            fut.set_result(
                WriteResult(name, False, value, 11.0, message="exception 4 (server device failure)")
            )
        elif self.answer is not None:
            fut.set_result(WriteResult(name, True, value, 11.0, written=value, audited=True))
        self.future = fut
        return fut


# ---------------------------------------------------------------- plants

# ---------------------------------------------------------------- the level pass, numpy or compiled

LEVEL_PASSES = ("numpy", "compiled")  # parametrize a test over the two


def level_pass(which: str):
    """What an alarm engine under test runs its level pass with (`AlarmEngine(compiled=...)`):
    numpy alone, or the compiled kernels, loaded here (a failure to load fails the test)."""
    if which == "numpy":
        return None
    from app.alarms.kernel_loader import KERNELS

    assert KERNELS.load() is not None, f"compiled alarm pass not loaded: {KERNELS.error!r}"
    return KERNELS


MODBUS = "{name: d, protocol: modbus-tcp}"  # the one device of most small plants


def _items(block: str | Iterable[str]) -> str:
    """YAML list items, indented under their key: a block of "- {...}" lines, one "{...}", or a
    sequence of "{...}"."""
    if isinstance(block, str):
        text = textwrap.dedent(block).strip("\n")
        lines = [f"- {text}"] if text.startswith("{") else text.splitlines()
    else:
        lines = [f"- {item}" for item in block]
    return "".join(f"  {line}\n" for line in lines)


def plant_yaml(
    tags: str | Iterable[str] = (),
    *,
    devices: str | Iterable[str] = MODBUS,
    name: str | None = None,
    extra: str = "",
) -> str:
    """The text of a plant configuration: the schema, the plant's name if given, the devices (one
    Modbus device `d` unless given), the tags and then the `extra` top-level sections.

    `tags` and `devices` are YAML flow mappings: a block of "- {...}" lines (a mapping may go on
    over indented lines), one "{...}", or a sequence of "{...}"."""
    out = "schema: 1\n" + (f"plant: {{name: {name}}}\n" if name else "")
    out += "devices:\n" + _items(devices)
    tag_items = _items(tags)
    if tag_items:
        out += "tags:\n" + tag_items
    return out + textwrap.dedent(extra).lstrip("\n")


def plant(tags: str | Iterable[str] = (), **kw) -> PlantConfig:
    """The parsed configuration of `plant_yaml(tags, **kw)`."""
    return parse_config_text(plant_yaml(tags, **kw))
