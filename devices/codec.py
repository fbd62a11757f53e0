"""Register codecs: Modbus 16-bit words <-> numbers, in both word orders.

`big` is ABCD (high word first), `little` is CDAB (low word first); bytes within a word are
always big-endian as Modbus defines. Decoding is vectorised over many tags of one type.
"""

from __future__ import annotations

import numpy as np

from core.schema.devices import REGISTER_WORDS

_NP_VIEW = {"int32": np.int32, "uint32": np.uint32, "float32": np.float32, "float64": np.float64}


_INT_LIMITS = {
    "int16": (-32768, 32767),
    "uint16": (0, 65535),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
}
_WIRE = {"int16": ">i2", "uint16": ">u2", "int32": ">i4", "uint32": ">u4", "float32": ">f4", "float64": ">f8"}


def encode_many(raw: np.ndarray, type_: str, word_order: str = "big") -> np.ndarray:
    """Raw values -> (k, words) uint16 registers as on the wire; integers rounded and clipped."""
    raw = np.asarray(raw, dtype=np.float64)
    if type_ == "bool":
        return (raw != 0).astype(np.uint16).reshape(-1, 1)
    if type_ in _INT_LIMITS:
        lo, hi = _INT_LIMITS[type_]
        raw = np.clip(np.rint(np.nan_to_num(raw)), lo, hi)
    words = raw.astype(_WIRE[type_]).view(">u2").reshape(-1, REGISTER_WORDS[type_]).astype(np.uint16)
    if word_order == "little" and words.shape[1] > 1:
        words = words[:, ::-1]
    return words


def encode(value: float, type_: str, word_order: str = "big") -> list[int]:
    """Encode one raw value into registers (high word first for `big`)."""
    return encode_many(np.array([value]), type_, word_order)[0].tolist()


def encode_write(raw: float, type_: str, word_order: str = "big") -> tuple[list[int], float]:
    """Registers for writing one raw value, and the raw value they hold (integers rounded).

    Unlike `encode`, nothing is clipped: a value the type cannot hold is refused with ValueError,
    since a device write must never silently send something other than what was asked."""
    raw = float(raw)
    if raw != raw or raw in (float("inf"), float("-inf")):
        raise ValueError(f"{raw} is not a finite number")
    if type_ == "bool":
        raw = 1.0 if raw != 0 else 0.0
    elif type_ in _INT_LIMITS:
        lo, hi = _INT_LIMITS[type_]
        raw = float(round(raw))
        if not lo <= raw <= hi:
            raise ValueError(f"{raw:g} does not fit {type_} ({lo} to {hi})")
    elif type_ == "float32" and abs(raw) > float(np.finfo(np.float32).max):
        raise ValueError(f"{raw:g} does not fit float32")
    words = encode(raw, type_, word_order)
    return words, decode_one(words, type_, word_order)


def decode_one(words: list[int], type_: str, word_order: str = "big") -> float:
    """Decode one value from its registers (used by probes and tests)."""
    regs = np.asarray(words, dtype=np.uint16)
    return float(decode(regs, np.array([0]), type_, word_order)[0])


def decode(regs: np.ndarray, offsets: np.ndarray, type_: str, word_order: str) -> np.ndarray:
    """Decode values of one type at `offsets` (register indexes into `regs`) to float64."""
    regs = np.asarray(regs, dtype=np.uint16)
    offsets = np.asarray(offsets, dtype=np.intp)
    n = REGISTER_WORDS[type_]
    if type_ == "uint16":
        return regs[offsets].astype(np.float64)
    if type_ == "int16":
        return regs[offsets].view(np.int16).astype(np.float64)
    if type_ == "bool":
        return (regs[offsets] != 0).astype(np.float64)
    idx = offsets[:, None] + np.arange(n)[None, :]
    words = regs[idx]  # (k, n), as on the wire
    if word_order == "little":
        words = words[:, ::-1]
    # assemble big-endian bytes then view as the type
    be = words.astype(">u2").tobytes()
    return np.frombuffer(be, dtype=np.dtype(_NP_VIEW[type_]).newbyteorder(">")).astype(np.float64)


def decode_bits(regs: np.ndarray, offsets: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Bit `bits[i]` of register `offsets[i]`, as 0.0/1.0."""
    regs = np.asarray(regs, dtype=np.uint16)
    return ((regs[np.asarray(offsets, np.intp)] >> np.asarray(bits, np.uint16)) & 1).astype(np.float64)
