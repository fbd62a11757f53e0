"""Real, public, labelled measurements as the pipeline sees them: time-ordered `SampleBatch`es
(or the `time,tag,value,quality` CSV of `main.py replay`), the labelled failures, the training
stretch the limits were set from and the labelled-normal stretches false warnings are counted on.

The files in `data/` are the published ones, gzipped (README.md there names the sources, their
licences and checksums). Nothing is fetched at run time.

Data sets (`load(name)`):
  nab_machine   NAB `machine_temperature_system_failure`: one temperature of a large industrial
                machine, 5-minute samples over 79 days, four labelled failure windows (a planned
                shutdown, a hard-to-see precursor and the catastrophic failure it led to, and a
                later failure); slow, over hours and days.
  skab_valve    SKAB `valve1` + `valve2`: a water-circulation test bed, 1 s samples of 8 sensors,
                20 experiments in one afternoon each closing a valve at the pump's inlet or
                outlet; sudden process faults.
  skab_other    SKAB `anomaly-free` + `other/5`..`other/14` (the same day): rotor imbalance
                (sharp, linear, step, impulse, exponential), slow and sudden water addition,
                cavitation, hot water at the inlet; a mix of slow and sudden faults.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from app.config import PlantConfig, load_config
from core.samples import Quality, SampleBatch

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
NAMES = ("nab_machine", "skab_valve", "skab_other")
SKAB_TAGS = {  # SKAB column -> tag
    "Accelerometer1RMS": "PUMP.VIB1",
    "Accelerometer2RMS": "PUMP.VIB2",
    "Current": "MOTOR.CURRENT",
    "Pressure": "LOOP.PRESSURE",
    "Temperature": "MOTOR.TEMP",
    "Thermocouple": "LOOP.TEMP",
    "Voltage": "MOTOR.VOLTAGE",
    "Volume Flow RateRMS": "LOOP.FLOW",
}
SKAB_GROUPS = {
    "skab_valve": [f"valve1/{k}" for k in range(16)] + [f"valve2/{k}" for k in range(4)],
    "skab_other": ["anomaly-free/anomaly-free"] + [f"other/{k}" for k in range(5, 15)],
}
SKAB_TRAIN_FILES = {  # the training stretch: the labelled-normal rows of these files
    "skab_valve": ("valve1/0", "valve1/1", "valve1/2", "valve1/3"),
    "skab_other": ("anomaly-free/anomaly-free",),
}
KIND = {
    "skab_valve": "sudden: valve closed at the pump inlet or outlet",
    "skab_other": "mixed: rotor imbalance, water level, cavitation, hot water",
}
SKAB_KINDS = {
    "valve1": "valve closed at the pump inlet",
    "valve2": "valve closed at the pump outlet",
    "other/5": "rotor imbalance, sharp",
    "other/6": "rotor imbalance, linear",
    "other/7": "rotor imbalance, step",
    "other/8": "rotor imbalance, impulse",
    "other/9": "rotor imbalance, exponential",
    "other/10": "water added slowly",
    "other/11": "water added suddenly",
    "other/12": "tank drained until cavitation",
    "other/13": "two-phase flow at the pump inlet (cavitation)",
    "other/14": "hot water at the inlet",
}


@dataclass(frozen=True)
class Failure:
    """One labelled failure: its window, the tags it concerns and what it was."""

    name: str
    start: float  # labelled start (UNIX s)
    end: float
    tags: tuple[str, ...]
    what: str
    label: float | None = None  # NAB: the labelled failure instant inside the window


@dataclass
class DataSet:
    """One data set: a wide table of samples (rows in time order, one column a tag), its labels."""

    name: str
    source: str
    kind: str
    config: PlantConfig
    tags: list[str]
    ts: np.ndarray  # [rows] UNIX s, rising
    values: np.ndarray  # [rows, tags]
    failures: list[Failure]
    train: list[tuple[float, float]]  # the training stretch(es): limits and the PCA come from here
    lookback_s: float  # how long before a failure's limit alarm a warning counts as warning of it
    settle_s: float  # after a failure's end, time not counted as normal (the process recovering)
    incident_s: tuple[float, float] = (60.0, 240.0)  # how long injected incidents take to a limit
    unscored: list[Failure] = field(default_factory=list)  # labelled, not scored, never normal
    notes: list[str] = field(default_factory=list)

    @property
    def period_s(self) -> float:
        return float(np.median(np.diff(self.ts)))

    def mask(self, spans: list[tuple[float, float]]) -> np.ndarray:
        """Rows whose time lies in one of `spans` ([start, end))."""
        m = np.zeros(len(self.ts), dtype=bool)
        for a, b in spans:
            m |= (self.ts >= a) & (self.ts < b)
        return m

    def abnormal_spans(self) -> list[tuple[float, float]]:
        """Failure windows widened by the look-back before them and the settling after them."""
        return [(f.start - self.lookback_s, f.end + self.settle_s) for f in self.failures + self.unscored]

    def normal(self) -> np.ndarray:
        return ~self.mask(self.abnormal_spans())

    def slice(self, start: float, end: float) -> DataSet:
        """The rows in [start, end) and the failures that start there."""
        keep = (self.ts >= start) & (self.ts < end)
        out = DataSet(**{**self.__dict__})
        out.ts, out.values = self.ts[keep], self.values[keep]
        out.failures = [f for f in self.failures if start <= f.start < end]
        return out

    def batches(self, rows: int = 600, values: np.ndarray | None = None) -> Iterator[SampleBatch]:
        """Time-ordered batches of `rows` table rows each (every tag of a row at the row's time);
        NaN values go out as BAD quality, as a dropped reading would."""
        vals = self.values if values is None else values
        k = len(self.tags)
        index = self.config.tag_index()
        cols = np.array([index[t] for t in self.tags], dtype=np.int32)
        for a in range(0, len(self.ts), rows):
            ts = np.repeat(self.ts[a : a + rows], k)
            v = vals[a : a + rows].ravel()
            q = np.where(np.isfinite(v), int(Quality.GOOD), int(Quality.BAD)).astype(np.uint8)
            yield SampleBatch(np.tile(cols, len(ts) // k), ts, v, q)

    def write_csv(self, path: Path) -> int:
        """The samples in the `export` format `main.py replay` reads; returns the rows written."""
        n = 0
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["time", "tag", "value", "quality"])
            for t, row in zip(self.ts.tolist(), self.values.tolist(), strict=True):
                stamp = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
                for tag, v in zip(self.tags, row, strict=True):
                    good = v == v
                    w.writerow([stamp, tag, repr(v) if good else "", "good" if good else "bad"])
                    n += 1
        return n


def utc(text: str) -> float:
    """'2013-12-10 06:25:00[.000000]' (UTC) -> UNIX seconds."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def plant(name: str) -> PlantConfig:
    return load_config(HERE / f"{name}.yaml")


def load(name: str) -> DataSet:
    if name == "nab_machine":
        return load_nab()
    if name in SKAB_GROUPS:
        return load_skab(name)
    raise KeyError(f"unknown data set {name!r} (known: {', '.join(NAMES)})")


# ---------------------------------------------------------------- NAB


def load_nab() -> DataSet:
    with gzip.open(DATA / "nab_machine_temperature.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    ts = np.array([utc(r[0]) for r in rows])
    values = np.array([[float(r[1])] for r in rows])
    # an hour of the file (2014-01-07 02:00-02:55) is logged twice, the clock having gone back:
    # rows not later than every row before them are dropped (the first logging is kept)
    keep = ts > np.maximum.accumulate(np.r_[-np.inf, ts[:-1]])
    ts, values = ts[keep], values[keep]
    labels = json.loads((DATA / "nab_machine_temperature_labels.json").read_text(encoding="utf-8"))
    what = (
        "planned shutdown",
        "precursor of the catastrophic failure",
        "catastrophic failure",
        "failure",
    )
    failures = [
        Failure(f"failure {k + 1}", utc(a), utc(b), ("MACHINE.TEMP",), what[k], utc(lab))
        for k, ((a, b), lab) in enumerate(zip(labels["windows"], labels["labels"], strict=True))
    ]
    return DataSet(
        "nab_machine",
        "Numenta Anomaly Benchmark, realKnownCause/machine_temperature_system_failure.csv (MIT)",
        "slow: machine temperature, shutdown and failure over hours to days",
        plant("nab_machine"),
        ["MACHINE.TEMP"],
        ts,
        values,
        failures,
        # the first week, before the first labelled window
        [(float(ts[0]), failures[0].start)],
        lookback_s=24 * 3600.0,
        settle_s=12 * 3600.0,
        incident_s=(3 * 3600.0, 24 * 3600.0),
        notes=[f"{int((~keep).sum())} rows logged a second time after the clock went back, dropped"],
    )


# ---------------------------------------------------------------- SKAB


def read_skab() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """file name -> (times, values [rows, 8] in SKAB_TAGS order, anomaly flags), as published."""
    with gzip.open(DATA / "skab.csv.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    cols = [header.index(c) for c in SKAB_TAGS]
    ia = header.index("anomaly")
    parts: dict[str, list] = {}
    for r in reader:
        parts.setdefault(r[0], []).append(r)
    out = {}
    for name, rows in parts.items():
        ts = np.array([utc(r[1]) for r in rows])
        vals = np.array([[float(r[c]) for c in cols] for r in rows])
        out[name] = (ts, vals, np.array([float(r[ia]) > 0 for r in rows]))
    return out


def load_skab(name: str) -> DataSet:
    files = read_skab()
    tags = list(SKAB_TAGS.values())
    ts_parts, val_parts, failures, train, notes = [], [], [], [], []
    prev_end = -np.inf
    for fname in SKAB_GROUPS[name]:
        ts, vals, anom = files[fname]
        # some experiments of a day were logged with clocks overlapping the previous one: the
        # later file is moved to start one second after the earlier one ends (order kept)
        shift = max(0.0, prev_end + 1.0 - float(ts[0]))
        if shift:
            notes.append(f"{fname} moved {shift:.0f} s later (its clock overlapped the previous file)")
            ts = ts + shift
        prev_end = float(ts[-1])
        ts_parts.append(ts)
        val_parts.append(vals)
        if fname in SKAB_TRAIN_FILES[name]:
            edges = np.flatnonzero(np.diff(np.r_[False, ~anom, False]))
            spans = zip(edges[::2], edges[1::2], strict=True)
            train += [(float(ts[a]), float(ts[b - 1]) + 1.0) for a, b in spans]
        if anom.any():
            k = np.flatnonzero(anom)
            what = SKAB_KINDS.get(fname, SKAB_KINDS.get(fname.split("/")[0], fname))
            failures.append(Failure(fname, float(ts[k[0]]), float(ts[k[-1]]) + 1.0, tuple(tags), what))
    ts = np.concatenate(ts_parts)
    values = np.concatenate(val_parts)
    order = np.argsort(ts, kind="stable")
    train_end = max(b for _, b in train)
    # failures inside the training stretch taught the limits and the PCA nothing, but neither
    # method can be scored fairly on the hour it was set up from: they are left out of the score
    scored = [f for f in failures if f.start >= train_end]
    unscored = [f for f in failures if f.start < train_end]
    if unscored:
        notes.append(f"{len(unscored)} failure(s) inside the training stretch not scored")
    folders = ", ".join(sorted({f.split("/")[0] for f in SKAB_GROUPS[name]}))
    return DataSet(
        name,
        f"Skoltech Anomaly Benchmark (SKAB) v0.9, data/{folders} (GPL-3.0)",
        KIND[name],
        plant(name),
        tags,
        ts[order],
        values[order],
        scored,
        train,
        lookback_s=120.0,
        settle_s=60.0,
        unscored=unscored,
        notes=notes,
    )
