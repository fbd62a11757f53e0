"""How numbers are written for people, the same on screen, in exports and in reports."""

from __future__ import annotations

import math


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


def format_duration(seconds: float) -> str:
    """A time span as people say it: '45 s', '6 min', '1 h 20 min'."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    s = max(0.0, seconds)
    if s < 90:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min"
    h, m = divmod(round(s / 60), 60)
    return f"{h} h {m} min" if m else f"{h} h"
