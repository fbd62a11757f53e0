"""Shift periods: the control room's shift start times and the periods they cut (no Qt).

Shifts follow configurable local start times, by default 08:00 / 16:00 / 00:00; `shift_period`
gives the current or the previous shift, `period_label` the way a period is titled.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta

DEFAULT_SHIFT_STARTS = ("08:00", "16:00", "00:00")


def parse_shift_starts(text: str | Sequence[str] | None) -> tuple[int, ...]:
    """Shift start times ("08:00,16:00,00:00" or a list) -> sorted minutes after midnight."""
    if text is None or (isinstance(text, str) and not text.strip()):
        text = DEFAULT_SHIFT_STARTS
    items = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    out = set()
    for item in items:
        item = item.strip()
        if not item:
            continue
        hh, _, mm = item.partition(":")
        try:
            h, m = int(hh), int(mm or 0)
        except ValueError:
            raise ValueError(f"cannot read shift start {item!r}: use HH:MM") from None
        if not (0 <= h < 24 and 0 <= m < 60):
            raise ValueError(f"shift start {item!r} is not a time of day")
        out.add(h * 60 + m)
    if not out:
        raise ValueError("no shift start given")
    return tuple(sorted(out))


def _local(d: date, minute: int) -> float:
    return datetime(d.year, d.month, d.day, minute // 60, minute % 60).timestamp()  # local time


def shift_starts_around(now: float, starts: Sequence[int]) -> list[float]:
    """Local shift start instants from two days before to one day after ``now``, ascending."""
    today = datetime.fromtimestamp(now).date()
    return sorted(_local(today + timedelta(days=k), m) for k in (-2, -1, 0, 1) for m in starts)


def shift_period(
    which: str = "current",
    now: float | None = None,
    starts: str | Sequence[str] | Sequence[int] | None = None,
) -> tuple[float, float]:
    """``(t0, t1)`` of the current shift (from its start until ``now``) or the previous one."""
    now = time.time() if now is None else float(now)
    minutes = starts if starts and all(isinstance(s, int) for s in starts) else parse_shift_starts(starts)
    inst = shift_starts_around(now, minutes)
    i = max(k for k, t in enumerate(inst) if t <= now)
    if which == "current":
        return inst[i], now
    if which == "previous":
        return inst[i - 1], inst[i]
    raise ValueError(f"unknown shift {which!r}: use current or previous")


def period_label(t0: float, t1: float) -> str:
    """ "2024-06-01 08:00 – 16:00" for a period within one day (a shift ending at midnight ends at
    "24:00"), full dates otherwise."""
    a, b = datetime.fromtimestamp(t0), datetime.fromtimestamp(t1)
    start = a.strftime("%Y-%m-%d %H:%M")
    if b.date() == a.date():
        return f"{start} – {b:%H:%M}"
    if b.date() == a.date() + timedelta(days=1) and (b.hour, b.minute, b.second) == (0, 0, 0):
        return f"{start} – 24:00"
    return f"{start} – {b:%Y-%m-%d %H:%M}"
