"""How numbers and time spans are written for people, the same on screen, in exports and in reports.

Durations are `app.messages.Message`s: English text everywhere, translated by the GUI."""

from __future__ import annotations

import math

from app.messages import QT_TRANSLATE_NOOP, Message


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
