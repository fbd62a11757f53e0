"""The plant map's colours, sizes and value texts: one place for how the map looks."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import (
    QColor,
)

from widgets.palette import PRIORITY_COLORS

BACKGROUND = QColor("#2b2d30")
NORMAL_OUTLINE = QColor("#8d9299")
NORMAL_MARKER = QColor("#a9adb3")
PLATE = QColor(30, 32, 35, 215)
PLATE_BORDER = QColor("#55595f")
TEXT = QColor("#dfe1e4")
DIM_TEXT = QColor("#8a8d91")
HIGHLIGHT = QColor("#ffffff")
# data lost: a hazard source whose interlock state is unknown (not yet taken as bypassed); violet,
# apart from the four risk colours, as ISA-101 displays mark a value that cannot be trusted
DATA_LOST = QColor("#b38cf0")
MUTED = QColor("#6f747b")  # a source whose declared state counts no live evidence (maintenance): hatched
RISK_FILL_ALPHA = 26  # a hazard area at its inherent level: a faint tint of its colour
RAISED_FILL_ALPHA = 70  # raised above it by live evidence
FLASH_MS = 500
PLATE_POINTS = (8.5, 7.5)  # a name plate's font, and the step smaller it tries before two lines
LONG_NAME = 24  # characters: only a name longer than this is ever elided on a plate
PLATE_Z = 12  # above every area's fill and the detector markers (10)


def on_off_text(on: bool) -> str:
    """A boolean detector's state as shown on the map, in the installed language."""
    return (
        QCoreApplication.translate("plant_map", "ON")
        if on
        else QCoreApplication.translate("plant_map", "OFF")
    )


ROLE = 0  # QGraphicsItem.data key: ("tag", index) or ("hazard", name)
SIDES = ("right", "left", "above", "below")


def priority_color(priority: int, alpha: int = 255) -> QColor:
    c = QColor(PRIORITY_COLORS.get(priority, "#a0a0a0"))
    c.setAlpha(alpha)
    return c


def label_number(x: float, max_decimals: int | None = None) -> str:
    """A value for a map label: one decimal from 1 up, none from 1000, two below 1."""
    ax = abs(x)
    if ax >= 1000:
        decimals = 0
    elif ax >= 1 or ax == 0:
        decimals = 1
    elif ax >= 0.01:
        decimals = 2
    else:
        return f"{x:.2g}"
    if max_decimals is not None:
        decimals = min(decimals, max_decimals)
    text = f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def decimals_of(scale: float) -> int | None:
    """Decimals a register's scale can resolve (0.1 -> 1), or None for no limit."""
    if not 0 < scale < 1:
        return None
    d = -math.log10(scale)
    return round(d) if abs(d - round(d)) < 1e-6 else None


def widest_texts(span, unit: str, max_decimals: int | None) -> list[str]:
    """Texts as wide as any value in the range can be, to reserve a label slot once."""
    if span is None:
        values = [-888.8, 888.8]
    else:
        lo, hi = float(span[0]), float(span[1])
        values = [lo, hi] + [s * 10**k * 0.999 for k in range(1, 4) for s in (-1, 1)]
        values = [v for v in values if lo <= v <= hi]
    return [f"{label_number(v, max_decimals)} {unit}".rstrip() for v in values]
