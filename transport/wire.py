"""Protobuf wire format of a Sparkplug B data payload of Double metrics by alias, written with
numpy for a whole scan batch at once.

A DDATA of a thousand tags built metric by metric through the protobuf runtime costs a few
microseconds a metric in Python; here every metric's bytes are laid out as columns (a varint
column per field, the 8 bytes of the double, the null flag, the Quality property) and the
unused bytes masked out, in the field order the runtime writes. The result is the same bytes
the runtime serialises for the same message (tests/test_sparkplug_codec.py checks it), read
back by any Sparkplug decoder with Tahu's definition.
"""

from __future__ import annotations

import numpy as np

# Payload.Metric field keys: alias (2, varint), timestamp (3, varint), is_null (7, varint),
# properties (9, length-delimited), double_value (13, fixed64); Payload: timestamp (1), metrics (2), seq (3)
ALIAS, TIMESTAMP, IS_NULL, PROPERTIES, DOUBLE = 0x10, 0x18, 0x38, 0x4A, 0x69
METRIC, PAYLOAD_TIMESTAMP, PAYLOAD_SEQ = 0x12, 0x08, 0x18
# PropertySet {keys: ["Quality"], values: [PropertyValue {type: 3 (Int32), int_value: q}]}, q < 128
QUALITY_SET = bytes([0x0A, 7]) + b"Quality" + bytes([0x12, 4, 0x08, 3, 0x18])


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def varint_columns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bytes [n, width] uint8, used [n, width] bool) of unsigned varints, one a row."""
    x = x.astype(np.uint64)
    width = max(1, int(np.max(_varint_len(x))) if len(x) else 1)
    shifts = np.arange(width, dtype=np.uint64) * np.uint64(7)
    rest = x[:, None] >> shifts[None, :]
    used = np.zeros(rest.shape, dtype=bool)
    used[:, 0] = True
    used[:, 1:] = rest[:, 1:] != 0
    more = np.zeros(rest.shape, dtype=bool)
    more[:, :-1] = used[:, 1:]
    b = (rest & np.uint64(0x7F)).astype(np.uint8) | (more.astype(np.uint8) << 7)
    return b, used


def _varint_len(x: np.ndarray) -> np.ndarray:
    n = np.ones(len(x), dtype=np.int64)
    y = x >> np.uint64(7)
    while y.any():
        n += y != 0
        y = y >> np.uint64(7)
    return n


def double_metrics(
    aliases: np.ndarray,
    values: np.ndarray,
    ts_ms: np.ndarray,
    quality: np.ndarray,
    good: int,
) -> bytes:
    """The `metrics` field of a payload: one Double metric per row, by alias, with its
    timestamp; a value that is not finite as null, a quality other than `good` as the property.
    (`data_payload` writes the usual scan batch, all finite and good, as one block.)"""
    n = len(aliases)
    if n == 0:
        return b""
    finite = np.isfinite(values)
    bad = quality != good
    a_bytes, a_used = varint_columns(aliases)
    t_bytes, t_used = varint_columns(ts_ms)
    doubles = np.where(finite, values, 0.0).astype("<f8").view(np.uint8).reshape(n, 8)
    prop = np.empty((n, 2 + len(QUALITY_SET) + 1), dtype=np.uint8)
    prop[:, 0] = PROPERTIES
    prop[:, 1] = len(QUALITY_SET) + 1
    prop[:, 2:-1] = np.frombuffer(QUALITY_SET, dtype=np.uint8)
    prop[:, -1] = quality.astype(np.uint8)
    columns = [
        (np.full((n, 1), ALIAS, np.uint8), np.ones((n, 1), bool)),
        (a_bytes, a_used),
        (np.full((n, 1), TIMESTAMP, np.uint8), np.ones((n, 1), bool)),
        (t_bytes, t_used),
        (np.tile(np.array([IS_NULL, 1], np.uint8), (n, 1)), np.repeat(~finite[:, None], 2, axis=1)),
        (prop, np.repeat(bad[:, None], prop.shape[1], axis=1)),
        (np.full((n, 1), DOUBLE, np.uint8), finite[:, None]),
        (doubles, np.repeat(finite[:, None], 8, axis=1)),
    ]
    body = np.concatenate([c for c, _ in columns], axis=1)
    used = np.concatenate([u for _, u in columns], axis=1)
    length = used.sum(axis=1)  # at most 36 bytes: a one-byte length
    head = np.empty((n, 2), dtype=np.uint8)
    head[:, 0] = METRIC
    head[:, 1] = length
    rows = np.concatenate([head, body], axis=1)
    mask = np.concatenate([np.ones((n, 2), bool), used], axis=1)
    return rows[mask].tobytes()


def _uniform_width(x: np.ndarray) -> int | None:
    lo, hi = len(varint(int(x.min()))), len(varint(int(x.max())))
    return hi if lo == hi else None


class PayloadBuffer:
    """Reused memory a data payload is written into, one bytearray per payload layout (a
    device's scan batches are all of one length): no allocation, no concatenation per batch.
    A payload written with a `layout` key (the caller's promise: the same aliases in the same
    order every time under that key) keeps its aliases and field keys from the last time, so
    only the times, the values, the header and the seq are written again. The payload returned
    is overwritten by the next one of its layout: hand it on at once (paho copies a payload into
    its packet when `publish` is called)."""

    KEEP = 64  # layouts kept; past that the oldest goes

    def __init__(self) -> None:
        self._kept: dict[tuple, tuple[bytearray, np.ndarray]] = {}

    def take(self, key: tuple, size: int) -> tuple[bytearray, np.ndarray, bool]:
        """(the bytearray of `size` bytes, a uint8 array over the same memory, whether it is new)."""
        kept = self._kept.get(key)
        if kept is not None:
            return (*kept, False)
        if len(self._kept) >= self.KEEP:
            del self._kept[next(iter(self._kept))]
        buf = bytearray(size)
        kept = self._kept[key] = (buf, np.frombuffer(buf, dtype=np.uint8))
        return (*kept, True)


def _uniform_payload(
    aliases: np.ndarray,
    values: np.ndarray,
    ts_ms: np.ndarray,
    alias_rows: np.ndarray | None,
    head: bytes,
    tail: bytes,
    into: PayloadBuffer | None,
    layout=None,
) -> bytes | bytearray | None:
    """The usual scan batch (every value finite and good, aliases and times of one varint width
    each): `head`, every metric the same length written as one block, `tail`; None otherwise."""
    wa = _uniform_width(aliases) if alias_rows is None else alias_rows.shape[1]
    wt = _uniform_width(ts_ms)
    if wa is None or wt is None:
        return None
    n = len(aliases)
    body = 1 + wa + 1 + wt + 1 + 8
    block = n * (2 + body)
    size = len(head) + block + len(tail)
    if into is None:
        buf, out, new = None, np.empty(size, dtype=np.uint8), True
    else:
        key = (size, len(head), wa, wt, layout)
        buf, out, new = into.take(key, size)
        new = new or layout is None
    out[: len(head)] = np.frombuffer(head, dtype=np.uint8)
    out[size - len(tail) :] = np.frombuffer(tail, dtype=np.uint8)
    rows = out[len(head) : len(head) + block].reshape(n, 2 + body)
    at = 3 + wa
    if new:  # the field keys and the aliases: as they were under this layout
        rows[:, 0], rows[:, 1], rows[:, 2] = METRIC, body, ALIAS
        rows[:, 3:at] = varint_rows(aliases, wa) if alias_rows is None else alias_rows
        rows[:, at] = TIMESTAMP
        rows[:, at + 1 + wt] = DOUBLE
    rows[:, at + 1 : at + 1 + wt] = varint_rows(ts_ms, wt)
    rows[:, -8:] = values.astype("<f8", copy=False).view(np.uint8).reshape(n, 8)
    return buf if buf is not None else out.tobytes()


def varint_rows(x: np.ndarray, width: int) -> np.ndarray:
    """Varints of exactly `width` bytes each (the caller checked every value has that width)."""
    if x[0] == x[-1] and (x == x[0]).all():  # one scan, one time stamp: the same bytes in every row
        return np.frombuffer(varint(int(x[0])), dtype=np.uint8)
    x = x.astype(np.int64)
    b = np.empty((len(x), width), dtype=np.uint8)
    for k in range(width):
        b[:, k] = (x >> (7 * k)) & 0x7F
    b[:, :-1] |= 0x80
    return b


def data_payload(
    aliases: np.ndarray,
    values: np.ndarray,
    ts_ms: np.ndarray,
    quality: np.ndarray,
    good: int,
    *,
    timestamp_ms: int,
    seq: int,
    alias_rows: np.ndarray | None = None,
    into: PayloadBuffer | None = None,
    layout=None,
) -> bytes | bytearray:
    """A whole Payload {timestamp, metrics, seq} in the runtime's field order. The usual scan
    batch (every value finite and good) is written as one block, into `into` when given (a
    bytearray overwritten by the next payload of its layout; `layout`: see PayloadBuffer).
    `alias_rows`: the aliases' varints when the caller keeps them (`varint_rows`, every alias
    of one width)."""
    head = bytes([PAYLOAD_TIMESTAMP]) + varint(timestamp_ms)
    tail = bytes([PAYLOAD_SEQ]) + varint(seq)
    if len(aliases) and not (quality != good).any() and np.isfinite(values).all():
        fast = _uniform_payload(aliases, values, ts_ms, alias_rows, head, tail, into, layout)
        if fast is not None:
            return fast
    return head + double_metrics(aliases, values, ts_ms, quality, good) + tail


def read_doubles(data: bytes) -> tuple[int, np.ndarray, np.ndarray, np.ndarray] | None:
    """(seq, aliases, timestamps ms, values) of a data payload laid out as `double_metrics`
    writes the usual scan batch (every metric Double, good, by alias, of one length); None for
    any other payload (the caller reads it with the protobuf runtime)."""
    if len(data) < 4 or data[0] != PAYLOAD_TIMESTAMP:
        return None
    p = 1
    while p < len(data) and data[p] & 0x80:
        p += 1
    p += 1
    if p + 2 > len(data) or data[p] != METRIC:
        return None
    size = data[p + 1] + 2
    for tail in (2, 3):  # the seq field: its key and a varint of one or two bytes
        end = len(data) - tail
        if end > p and data[end] == PAYLOAD_SEQ and (end - p) % size == 0:
            break
    else:
        return None
    seq = int(_varints(np.frombuffer(data[end + 1 :], dtype=np.uint8)[None, :])[0])
    rows = np.frombuffer(data, dtype=np.uint8, count=end - p, offset=p).reshape(-1, size)
    first = rows[0]
    if first[2] != ALIAS:
        return None
    wa = _width(first, 3)
    at = 3 + wa
    if at >= size or first[at] != TIMESTAMP:
        return None
    wt = _width(first, at + 1)
    dt = at + 1 + wt
    if dt + 9 != size or first[dt] != DOUBLE:
        return None
    expected = np.empty(size, dtype=np.uint8)
    expected[:] = first
    fixed = [0, 1, 2, at, dt, *range(3, at - 1), *range(at + 1, dt - 1)]  # keys, and continuation bits
    if not (
        rows[:, fixed] & _flags(size, fixed, at, dt) == expected[fixed] & _flags(size, fixed, at, dt)
    ).all():
        return None
    if (rows[:, at - 1] & 0x80).any() or (rows[:, dt - 1] & 0x80).any():
        return None
    aliases = _varints(rows[:, 3:at])
    ts = _varints(rows[:, at + 1 : dt])
    values = rows[:, dt + 1 :].copy().view("<f8").reshape(-1)
    return seq, aliases, ts, values


def _width(row: np.ndarray, start: int) -> int:
    w = 1
    while start + w - 1 < len(row) and row[start + w - 1] & 0x80:
        w += 1
    return w


def _flags(size: int, fixed: list[int], at: int, dt: int) -> np.ndarray:
    """What to compare in the fixed columns: a key byte whole, a varint byte only its continuation bit."""
    keys = {0, 1, 2, at, dt}
    return np.array([0xFF if c in keys else 0x80 for c in fixed], dtype=np.uint8)


def _varints(cols: np.ndarray) -> np.ndarray:
    shifts = np.arange(cols.shape[1], dtype=np.uint64) * np.uint64(7)
    return ((cols & 0x7F).astype(np.uint64) << shifts[None, :]).sum(axis=1).astype(np.int64)
