"""The one value type that crosses every boundary: (tag, time, value, quality).

Batches travel as numpy columns (`SampleBatch`), never as one Python object per sample.
Time is UNIX seconds as float64 (UTC); tags are integer indexes into the plant's tag list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Quality(IntEnum):
    """OPC UA style quality, reduced to its three classes."""

    BAD = 0
    UNCERTAIN = 1
    GOOD = 2

    @property
    def label(self) -> str:
        return self.name.lower()


QUALITY_LABELS = {q.value: q.label for q in Quality}


class QualityReason(IntEnum):
    """Why a tag's latest value is not good, as the acquisition quality stage found it
    (app/integrity.py); kept per tag, beside the quality, for the risk model and the GUI."""

    NONE = 0  # good, or no sample yet
    DEVICE = 1  # the device or driver reported it bad (no reply, short or failed read)
    NOT_A_NUMBER = 2  # the value is not a finite number
    OUT_OF_RANGE = 3  # outside the instrument's range, short of the fault band: uncertain
    SENSOR_FAULT = 4  # in the NAMUR NE 43 fault band (< 3.6 mA or > 21 mA): bad
    FROZEN = 5  # unchanged for longer than the sensor ever stays still: bad


@dataclass(frozen=True, slots=True)
class SampleBatch:
    """Samples as aligned numpy columns: tag index, timestamp, value, quality."""

    tag: np.ndarray  # int32
    ts: np.ndarray  # float64, UNIX seconds
    value: np.ndarray  # float64, engineering units after scaling
    quality: np.ndarray  # uint8, Quality values

    @classmethod
    def build(cls, tag, ts, value, quality) -> SampleBatch:
        tag = np.asarray(tag, dtype=np.int32)
        n = tag.shape[0]
        ts_a = np.asarray(ts, dtype=np.float64)
        if ts_a.ndim == 0:
            ts_a = np.full(n, float(ts_a))
        q = np.asarray(quality, dtype=np.uint8)
        if q.ndim == 0:
            q = np.full(n, int(q), dtype=np.uint8)
        return cls(tag, ts_a, np.asarray(value, dtype=np.float64), q)

    @classmethod
    def empty(cls) -> SampleBatch:
        return cls.build(np.empty(0, np.int32), np.empty(0), np.empty(0), np.empty(0, np.uint8))

    @classmethod
    def concat(cls, batches: list[SampleBatch]) -> SampleBatch:
        if not batches:
            return cls.empty()
        if len(batches) == 1:
            return batches[0]
        return cls(
            np.concatenate([b.tag for b in batches]),
            np.concatenate([b.ts for b in batches]),
            np.concatenate([b.value for b in batches]),
            np.concatenate([b.quality for b in batches]),
        )

    def __len__(self) -> int:
        return int(self.tag.shape[0])

    def take(self, mask_or_index) -> SampleBatch:
        return SampleBatch(
            self.tag[mask_or_index],
            self.ts[mask_or_index],
            self.value[mask_or_index],
            self.quality[mask_or_index],
        )

    def run_masks(self):
        """Masks that split the batch into parts in which each tag appears at most once, in
        per-tag order. Vectorised state machines (alarms, deadbands) advance part by part."""
        yield from rank_masks(self.tag)

    def unique_runs(self):
        for mask in self.run_masks():
            yield self if mask.all() else self.take(mask)

    def replace(self, **kw) -> SampleBatch:
        fields = {"tag": self.tag, "ts": self.ts, "value": self.value, "quality": self.quality}
        fields.update(kw)
        return SampleBatch(**fields)


def rank_masks(keys: np.ndarray):
    """Masks selecting the 1st, 2nd, ... occurrence of each key (non-negative ints), in order."""
    if len(keys) == 0 or np.bincount(keys).max() <= 1:  # the usual case, and cheap to prove
        yield np.ones(len(keys), dtype=bool)
        return
    order = np.argsort(keys, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(keys[order])) + 1]
    rank_sorted = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    rank = np.empty_like(rank_sorted)
    rank[order] = rank_sorted
    for r in range(int(rank.max()) + 1):
        yield rank == r


class DeviceState(IntEnum):
    """Communication state of one device, as the status bar shows it."""

    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2
    DISABLED = 3


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A change of a device's communication state."""

    device: str
    state: DeviceState
    ts: float
    error: str = ""
    round_trip_ms: float | None = None
    # a device that answers but not as it should (exception replies, short replies, a password
    # sent in plain text): a short mark for its badge ("EXC 02") and what it means
    warning: str = ""
    warning_text: str = ""
