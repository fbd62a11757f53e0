"""Trend data without Qt: merging history with the live ring, hold-last-value look-up, CSV rows,
alarm event marks and saved trend sets.

The trend widget keeps two sources per pen: the live ring (newest samples, written by index) and
the last history query of the visible range. `compose` joins them so that live samples win
wherever the ring has data and history fills everything before it; the join has no gap and no
overlap. History is stored on change (at most a minute apart with the value unchanged in
between), so every look-up here holds the last value; only NaN (bad quality) is a gap.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.csv_safe import csv_line
from core.formatting import csv_number
from core.samples import Quality

HOLD_LIMIT_S = 120.0  # a read-out holds the last sample this long past the newest one
SET_SCHEMA = 1
CSV_HEADER = "time,tag,value,quality"


@dataclass(frozen=True, slots=True)
class TrendEvent:
    """One alarm journal entry, as a marker on the time axis."""

    ts: float  # UNIX s
    source: str  # tag name (or device name for communication alarms)
    priority: int
    active: bool
    text: str


@dataclass(frozen=True, slots=True)
class Series:
    """Aligned columns of one pen, oldest first: time (UNIX s), value (NaN = gap), quality."""

    ts: np.ndarray
    value: np.ndarray
    quality: np.ndarray

    @classmethod
    def empty(cls) -> Series:
        return cls(np.empty(0), np.empty(0), np.empty(0, np.uint8))

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    def between(self, t0: float, t1: float) -> Series:
        i0 = int(np.searchsorted(self.ts, t0, side="left"))
        i1 = int(np.searchsorted(self.ts, t1, side="right"))
        return Series(self.ts[i0:i1], self.value[i0:i1], self.quality[i0:i1])


def compose(history: Series, history_end: float, live: Series) -> Series:
    """History before the first live sample, then the live samples.

    When the history query ended before the live data begins (a view in the past, the live
    ring further on), a NaN at `history_end` marks the stretch nobody has read yet, so the last
    historical value is not held across it."""
    if len(history) == 0:
        return live
    if len(live) == 0:
        return history
    first = live.ts[0]
    k = int(np.searchsorted(history.ts, first, side="left"))
    parts_t, parts_v, parts_q = [history.ts[:k]], [history.value[:k]], [history.quality[:k]]
    if history_end < first and (k == 0 or history.ts[k - 1] < history_end):
        parts_t.append(np.array([history_end]))
        parts_v.append(np.array([np.nan]))
        parts_q.append(np.array([Quality.BAD], np.uint8))
    parts_t.append(live.ts)
    parts_v.append(live.value)
    parts_q.append(live.quality)
    return Series(np.concatenate(parts_t), np.concatenate(parts_v), np.concatenate(parts_q))


def held(ts: np.ndarray, value: np.ndarray, min_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of a curve holding each value until the next sample: a corner at (next
    sample's time, this value) wherever two samples are more than `min_gap` apart; closer ones
    are joined straight, as on screen the two differ by less than `min_gap` (the trend passes two
    pixels). A dense live window is then drawn with about one vertex a sample instead of two
    (pyqtgraph's step mode draws every sample as two segments, most of them under a pixel). A
    NaN stays a gap: the value before it holds up to it."""
    if len(ts) < 2:
        return ts, value
    wide = np.flatnonzero(np.diff(ts) > min_gap)
    if not len(wide):
        return ts, value
    at = wide + 1
    return np.insert(ts, at, ts[at]), np.insert(value, at, value[wide])


def value_at(series: Series, x: float, hold_limit: float = HOLD_LIMIT_S) -> float:
    """The value shown at time `x`: the last sample at or before it (NaN in a gap, before the
    first sample, or well after the last one)."""
    n = len(series)
    if n == 0:
        return math.nan
    i = int(np.searchsorted(series.ts, x, side="right")) - 1
    if i < 0 or (i == n - 1 and x - series.ts[i] > hold_limit):
        return math.nan
    return float(series.value[i])


def iso_ms(ts: np.ndarray) -> np.ndarray:
    """UNIX seconds to ISO 8601 UTC strings with milliseconds, e.g. 2024-05-01T06:00:00.000Z."""
    ms = np.round(np.asarray(ts, dtype=np.float64) * 1000.0).astype(np.int64)
    return np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms", timezone="UTC")


def csv_lines(series: dict[str, Series]) -> Iterable[str]:
    """CSV lines (header first) of several pens, ordered by time then tag name."""
    yield CSV_HEADER
    names = sorted(series)
    if not names:
        return
    ts = np.concatenate([series[n].ts for n in names])
    value = np.concatenate([series[n].value for n in names])
    quality = np.concatenate([series[n].quality for n in names])
    which = np.concatenate([np.full(len(series[n]), i, np.int32) for i, n in enumerate(names)])
    order = np.lexsort((which, ts))
    times = iso_ms(ts[order])
    for t, w, v, q in zip(times, which[order], value[order], quality[order], strict=True):
        yield csv_line([t, names[w], csv_number(v), int(q)])


def write_csv(path: str | Path, series: dict[str, Series]) -> int:
    """Write `csv_lines` to `path`; returns the number of data rows."""
    rows = -1
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for line in csv_lines(series):
            fh.write(line + "\n")
            rows += 1
    return rows


# ---------------------------------------------------------------- trend sets


@dataclass(frozen=True, slots=True)
class TrendSet:
    """A named, saved trend: which tags, which time range, whether it follows live data."""

    name: str
    pens: tuple[str, ...]
    preset: str | None = None  # a preset label ("8 h"), or None for a fixed range
    range: tuple[float, float] | None = None  # UNIX s, for a fixed range
    following: bool = True

    def to_json(self) -> str:
        doc = {
            "schema": SET_SCHEMA,
            "name": self.name,
            "pens": list(self.pens),
            "preset": self.preset,
            "range": None if self.range is None else [_iso(self.range[0]), _iso(self.range[1])],
            "following": self.following,
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, fallback_name: str = "") -> TrendSet:
        """Parse a saved set; unknown keys and unreadable fields are dropped, not fatal."""
        doc = json.loads(text)
        if not isinstance(doc, dict):
            raise ValueError("a trend set is a JSON object")
        pens = doc.get("pens")
        pens = tuple(str(p) for p in pens) if isinstance(pens, list) else ()
        preset = doc.get("preset")
        preset = preset if isinstance(preset, str) else None
        rng = None
        raw = doc.get("range")
        if isinstance(raw, list) and len(raw) == 2:
            try:
                rng = (_parse_time(raw[0]), _parse_time(raw[1]))
            except (TypeError, ValueError):
                rng = None
            if rng is not None and not rng[0] < rng[1]:
                rng = None
        name = doc.get("name")
        return cls(
            name=name if isinstance(name, str) and name else fallback_name,
            pens=pens,
            preset=preset,
            range=rng,
            following=bool(doc.get("following", preset is not None)),
        )


def set_file_name(name: str) -> str:
    """A safe file name for a set name (letters, digits, space, '-', '_', '.')."""
    safe = re.sub(r"[^\w\- .]", "_", name.strip()).strip(". ")
    if not safe:
        raise ValueError("a trend set needs a name")
    return safe + ".json"


def list_sets(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted((p.stem for p in directory.glob("*.json")), key=str.casefold)


def save_set(directory: Path, trend_set: TrendSet) -> Path:
    """Write atomically (temporary file, then rename): a crash never leaves half a set."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / set_file_name(trend_set.name)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(trend_set.to_json(), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_set(directory: Path, name: str) -> TrendSet:
    path = directory / set_file_name(name)
    return TrendSet.from_json(path.read_text(encoding="utf-8"), fallback_name=name)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(v) -> float:
    if isinstance(v, int | float):
        return float(v)
    text = str(v).replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def pens_known(names: Sequence[str], index: dict[str, int]) -> tuple[list[int], list[str]]:
    """Split saved pen names into tag indexes that exist and names that no longer do."""
    known = [index[n] for n in names if n in index]
    missing = [n for n in names if n not in index]
    return known, missing
