"""Replay: run the alarm, warning and risk engines over recorded samples, faster than real
time, without devices (the same `Pipeline` as the live engine).

Input is the `export` format (`time,tag,value[,quality]`); output has one row per event:
`time,tag,kind,type,priority,state,value,limit,message`, where kind is `alarm` (type HH, H, L,
LL, ROC, DEV, DISCRETE, BAD_QUALITY, COMM, STALE), `warning` (type FORECAST, ANOMALY or RULE,
priority = warning level I-IV as 1-4, the message holds the predicted time or the evidence) or
`risk` (the hazard source in the tag column, type RISK, priority = its dynamic level, state its
colour, value the level, limit the inherent level, the trace in the message). Used to tune limits
and to check what a limit set would have raised on real data ("what if": two configs, one input).
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.alarms.kernel_loader import KERNELS
from app.config import PlantConfig
from app.evaluation.pipeline import Pipeline
from app.evaluation.scan_hold import ScanHold
from app.warning.compiled import WARNING_KERNELS
from core import csv_safe
from core.alarm_types import ROMAN, Alarm, State
from core.formatting import csv_number
from core.samples import Quality, SampleBatch
from core.times import iso_ms, parse_time

TYPES = {
    "HH": "HH",
    "H": "H",
    "L": "L",
    "LL": "LL",
    "STATE": "DISCRETE",
    "ROC": "ROC",
    "DEV": "DEV",
    "STALE": "STALE",
    "BAD": "BAD_QUALITY",
    "COMM": "COMM",
    "FORECAST": "FORECAST",
    "ANOMALY": "ANOMALY",
    "RULE": "RULE",
}
COLOURS = {1: "RED", 2: "ORANGE", 3: "YELLOW", 4: "BLUE"}
QUALITY_NAMES = {"good": Quality.GOOD, "uncertain": Quality.UNCERTAIN, "bad": Quality.BAD}
OUT_COLUMNS = ["time", "tag", "kind", "type", "priority", "state", "value", "limit", "message"]
BATCH_ROWS = 5000


class ReplayError(ValueError):
    """Input that cannot be replayed; the message names the file and line."""


@dataclass
class ReplayResult:
    samples: int = 0
    events: list[Alarm] = field(default_factory=list)
    risk: list = field(default_factory=list)
    unknown_tags: Counter = field(default_factory=Counter)

    @property
    def activations(self) -> Counter:
        """Raised alarms (not warnings) per alarm key."""
        return Counter(
            a.key
            for a in self.events
            if a.active and not a.acked and a.state == State.UNACK and not a.is_warning
        )

    @property
    def warnings(self) -> Counter:
        return Counter(a.key for a in self.events if a.is_warning and a.active and a.state == State.UNACK)


def read_samples(
    path: Path, tag_index: dict[str, int], unknown: Counter, where: list[int] | None = None
) -> Iterator[SampleBatch]:
    """Batches of samples in file order; rows of tags not in the plant are counted and skipped.
    `where[0]`, when given, follows the bytes of the file read so far."""
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise ReplayError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with f:
        reader = csv.reader(_text_lines(f, path))
        header = _next_row(reader, path)
        if header is None:
            return
        cols = [h.strip().lower() for h in header]
        missing = [c for c in ("time", "tag", "value") if c not in cols]
        if missing:
            raise ReplayError(
                f"{path}:1: missing column(s) {', '.join(missing)} (need time,tag,value[,quality])"
            )
        it, ic, iv = cols.index("time"), cols.index("tag"), cols.index("value")
        iq = cols.index("quality") if "quality" in cols else None
        tags: list[int] = []
        ts: list[float] = []
        vals: list[float] = []
        qs: list[int] = []
        while (row := _next_row(reader, path)) is not None:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            try:
                name = csv_safe.unescape_cell(row[ic].strip())  # as `export` wrote it
                t = parse_time(row[it])
                raw = row[iv].strip()
                v = float(raw) if raw else math.nan
                q = (
                    QUALITY_NAMES[row[iq].strip().lower()]
                    if iq is not None and row[iq].strip()
                    else Quality.GOOD
                )
            except (IndexError, ValueError, KeyError) as exc:
                raise ReplayError(f"{path}:{line}: cannot read row {row!r}: {exc}") from None
            index = tag_index.get(name)
            if index is None:
                unknown[name] += 1
                continue
            tags.append(index)
            ts.append(t)
            vals.append(v)
            qs.append(int(q) if math.isfinite(v) else int(Quality.BAD))
            if len(tags) >= BATCH_ROWS:
                if where is not None:
                    where[0] = f.tell()
                yield SampleBatch.build(tags, ts, vals, qs)
                tags, ts, vals, qs = [], [], [], []
        if where is not None:
            where[0] = f.tell()
        if tags:
            yield SampleBatch.build(tags, ts, vals, qs)


def _text_lines(f, path: Path) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a byte that is not UTF-8 is located."""
    for n, raw in enumerate(f, start=1):
        try:
            yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ReplayError(f"{path}:{n}: not UTF-8 text (byte {exc.start + 1} of the line)") from None


def _next_row(reader, path: Path) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:  # a NUL byte, a stray carriage return in a field
        raise ReplayError(f"{path}:{reader.line_num}: cannot read the CSV: {exc}") from None


def load_compiled() -> None:
    """Load the compiled alarm pass (`app.alarms.kernel_loader`) and the detectors' compiled loops
    (`app.warning.compiled`) before a replay, which uses them whatever the plant's size: it is a
    batch job, and the second or two of loading is paid once per process. Without numba the
    numpy code runs, with the same results."""
    for loader in (KERNELS, WARNING_KERNELS):
        loader.request()  # both at once
    for loader in (KERNELS, WARNING_KERNELS):
        loader.load()


def replay(
    config: PlantConfig,
    input_path: Path,
    *,
    warnings: bool = True,
    hold: bool = True,
    progress: Callable[[float, int, float], None] | None = None,
    permits: Iterable = (),
    dangers: Iterable = (),
) -> ReplayResult:
    """Feed every sample, in time order, through a fresh pipeline (alarms; with `warnings`,
    early warnings, rules and risk too). With `hold`, stored-on-change history is expanded back
    to the scans the live engine evaluated (see ScanHold). `progress(share of the file read,
    samples so far, time of the newest sample)` is called after every batch. `permits` and
    `dangers` (app.dual_prevention: the work permits and open hidden dangers of the period, from
    the plant's database) count in the risk and the gas alarms as they did live."""
    load_compiled()
    pipeline = Pipeline(config, warnings=warnings, compiled=True)
    for p in permits:
        pipeline.permits.put(p)
    pipeline.dangers.replace(list(dangers), [])
    scans = ScanHold(config) if hold else None
    result = ReplayResult()
    where = [0]
    try:
        size = max(1, input_path.stat().st_size)
    except OSError:
        size = 1
    for batch in read_samples(input_path, config.tag_index(), result.unknown_tags, where):
        batch = scans.fill(batch) if scans is not None else batch.take(np.argsort(batch.ts, kind="stable"))
        result.samples += len(batch)
        out = pipeline.evaluate(batch)
        result.events.extend(out.alarms)
        result.risk.extend(out.risk)
        if progress is not None and len(batch):
            progress(min(1.0, where[0] / size), result.samples, float(batch.ts[-1]))
    result.events.sort(key=lambda a: a.ts)
    return result


def event_rows(events: list[Alarm], risk: list = ()) -> list[list]:
    """Output rows of alarm and warning transitions and risk changes, in time order."""
    rows = []
    for a in events:
        rows.append(
            [
                a.ts,
                a.source,
                "warning" if a.is_warning else "alarm",
                TYPES.get(a.kind, a.kind),
                a.priority,
                a.state,
                csv_number(a.value),
                csv_number(a.limit),
                a.message,
            ]
        )
    for s in risk:
        trace = "; ".join(f"{t.indicator}: {t.what} -> {ROMAN[t.level]}" for t in s.trace)
        rows.append(
            [
                s.ts,
                s.hazard,
                "risk",
                "RISK",
                s.level,
                COLOURS[s.level],
                s.level,
                s.inherent.level,
                trace or f"inherent level {ROMAN[s.inherent.level]}",
            ]
        )
    rows.sort(key=lambda r: r[0])
    for r in rows:
        r[0] = iso_ms(int(round(r[0] * 1000)))
    return rows


def write_events(events: list[Alarm], out_path: Path, risk: list = ()) -> None:
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv_safe.writer(f)
        w.writerow(OUT_COLUMNS)
        w.writerows(event_rows(events, risk))


def compare(a: ReplayResult, b: ReplayResult, top: int = 10) -> str:
    """A 'what if' summary: activations per alarm under two limit sets."""
    ca, cb = a.activations, b.activations
    lines = [f"activations: A {sum(ca.values())}, B {sum(cb.values())}"]
    keys = sorted(set(ca) | set(cb), key=lambda k: -abs(ca[k] - cb[k]))
    for k in keys[:top]:
        if ca[k] != cb[k]:
            lines.append(f"  {k}: A {ca[k]}, B {cb[k]}")
    return "\n".join(lines)
