"""How numbers and time spans are written for people, the same on screen, in exports and in reports.

Durations are `core.messages.Message`s: English text everywhere, translated by the GUI."""

from __future__ import annotations

import math
import struct

from core.messages import QT_TRANSLATE_NOOP, Message


def format_number(x: float | None) -> str:
    """Engineering values: whole numbers from 1000, one decimal from 100, else two (or 3 sig. digits when tiny)."""
    if x is None or not math.isfinite(x):
        return ""
    ax = abs(x)
    if ax >= 1000:
        return f"{x:.0f}"
    if ax >= 100:
        return f"{x:.1f}"
    return f"{x:.3g}" if ax < 0.01 and ax != 0 else f"{x:.2f}"


def compact_number(x: float) -> str:
    """A value inside a sentence (an alarm, warning, rule or risk message): three significant
    digits, whole numbers from 100; `?` when it is not a number."""
    if not math.isfinite(x):
        return "?"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def compact_beside(x: float, limit: float) -> str:
    """`compact_number(x)` beside a limit it crossed: with as many more digits as it takes not to
    read as the limit ("160.2 ppm > 160 ppm", never "160 ppm > 160 ppm"); as `compact_number`
    when the two already read apart or are equal."""
    text = compact_number(x)
    if x == limit or not math.isfinite(limit) or text != compact_number(limit):
        return text
    for digits in range(1, 7):
        text = f"{x:.{digits}f}" if abs(x) >= 100 else f"{x:.{digits + 3}g}"
        if float(text) != limit:
            return text
    return text


def near_limit(limit: float) -> float:
    """How close to `limit` a value must be for `compact_number` to read it as the limit (a
    little more: the callers then ask `compact_beside`)."""
    return 0.01 * abs(limit) if math.isfinite(limit) else 0.0


def _as_float32(x: float) -> float | None:
    """``x`` when it is exactly a 32-bit float (a float32 register or OPC UA Float), else None."""
    try:
        f32 = struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return None
    return x if f32 == x else None


def _same_float32(a: float, b: float) -> bool:
    try:
        return struct.pack("<f", a) == struct.pack("<f", b)
    except OverflowError:
        return False


def csv_number(x: float | int | None) -> str:
    """A number for a CSV cell, as the operator reads it: 35.8, never 35.800000000000004.

    The shortest decimal that reads back as the same value: as the same 32-bit float for a
    value that is one (a float32 register: 35.79999923706055 -> 35.8), else as the same value
    rounded to 15 significant digits (the noise of scaling arithmetic lives in the 16th and 17th:
    358 * 0.1 -> 35.8). Integers stay integers (7), whole floats keep their point (290.0); None, NaN
    and infinities are an empty cell."""
    if x is None or isinstance(x, bool):
        return "" if x is None else str(int(x))
    if isinstance(x, int):
        return str(x)
    try:
        x = float(x)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(x):
        return ""
    if x == 0:
        return "0.0"
    if _as_float32(x) is not None:
        same = _same_float32
    else:
        x = float(f"{x:.15g}")

        def same(a: float, b: float) -> bool:
            return a == b

    for digits in range(1, 18):
        shortest = float(f"{x:.{digits}g}")
        if same(shortest, x):
            break
    else:
        shortest = x
    return repr(shortest)  # "35.8", "290.0"; the exponent form from 1e16 ("1e+20", "1e-07")


def seconds(n: object) -> Message:
    """'45 s'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{n} s"), n=n)


def minutes(n: object) -> Message:
    """'6 min'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{n} min"), n=n)


def hours_minutes(h: object, m: object) -> Message:
    """'1 h 20 min'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{h} h {m} min"), h=h, m=m)


def hours(h: object) -> Message:
    """'2 h'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{h} h"), h=h)


def minutes_seconds(m: object, s: object) -> Message:
    """'2 min 5 s'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{m} min {s} s"), m=m, s=s)


def days_hours(d: object, h: object) -> Message:
    """'3 d 4 h'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{d} d {h} h"), d=d, h=h)


def days(d: object) -> Message:
    """'3 d'."""
    return Message("duration", QT_TRANSLATE_NOOP("duration", "{d} d"), d=d)


def format_duration(seconds_: float) -> Message | str:
    """A time span as people say it: '45 s', '6 min', '1 h 20 min'."""
    if seconds_ is None or not math.isfinite(seconds_):
        return "?"
    s = max(0.0, seconds_)
    if s < 90:
        return seconds(f"{s:.0f}")
    if s < 3600:
        return minutes(f"{s / 60:.0f}")
    h, m = divmod(round(s / 60), 60)
    return hours_minutes(h, m) if m else hours(h)
