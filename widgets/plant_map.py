"""The plant map: the site drawing, hazard-source areas in the four-colour levels, detectors.

Scene coordinates are the SVG's viewBox coordinates, the same the configuration uses for
hazard-source polygons and detector positions. Hazard areas are the four-colour risk map: each
is tinted in the colour of its dynamic risk level, faintly at its inherent level and clearly once
live evidence raises it, with a violet dashed outline while an interlock's state is unknown; an
active alarm among its tags outlines it in the alarm's priority colour, and an unacknowledged one
flashes the outline (one timer for the whole map). Detector markers show the live value; bad quality is
drawn hollow with "?".

Labels (hazard names, detector values) keep a constant pixel size whatever the zoom, so they are
placed by a greedy collision avoidance in scene units of the current scale: hazard name plates
first (alarmed and raised areas before the others; just above, inside, then just below their
polygon), then detector values (right, left, above, below of the marker). A plate that finds no
room tries a font a step smaller, then two lines; only a long name is elided, and only then. A
detector value with no free spot is hidden at this zoom (its text stays in the tooltip, it comes
back when zoomed in); a plate is hidden only while its area is quiet: the plate of an alarmed or
raised area may cover detector dots (never another plate), and with no room even so it is shown
over its area's middle. Plates are drawn above every area, whatever the areas' fill. Placement is recomputed when the view scale changes or a hidden plate's area turns
urgent, never per value update; updates touch only the items whose text or colour changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtSvgWidgets import QGraphicsSvgItem
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsView,
)

from app.risk.engine import inherent_risk
from core.alarm_types import ROMAN
from core.messages import render
from core.samples import Quality
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT

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
RISK_FILL_ALPHA = 26  # a hazard area at its inherent level: a faint tint of its colour
RAISED_FILL_ALPHA = 70  # raised above it by live evidence
FLASH_MS = 500
PLATE_POINTS = (8.5, 7.5)  # a name plate's font, and the step smaller it tries before two lines
LONG_NAME = 24  # characters: only a name longer than this is ever elided on a plate
PLATE_Z = 12  # above every area's fill and the detector markers (10)


def _on_off(on: bool) -> str:
    """A boolean detector's state as shown on the map, in the installed language."""
    return (
        QCoreApplication.translate("plant_map", "ON")
        if on
        else QCoreApplication.translate("plant_map", "OFF")
    )


ROLE = 0  # QGraphicsItem.data key: ("tag", index) or ("hazard", name)
SIDES = ("right", "left", "above", "below")


def _priority_color(priority: int, alpha: int = 255) -> QColor:
    c = QColor(PRIORITY_COLORS.get(priority, "#a0a0a0"))
    c.setAlpha(alpha)
    return c


def compact_number(x: float, max_decimals: int | None = None) -> str:
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


def _decimals_of(scale: float) -> int | None:
    """Decimals a register's scale can resolve (0.1 -> 1), or None for no limit."""
    if not 0 < scale < 1:
        return None
    d = -math.log10(scale)
    return round(d) if abs(d - round(d)) < 1e-6 else None


def _widest_texts(span, unit: str, max_decimals: int | None) -> list[str]:
    """Texts as wide as any value in the range can be, to reserve a label slot once."""
    if span is None:
        values = [-888.8, 888.8]
    else:
        lo, hi = float(span[0]), float(span[1])
        values = [lo, hi] + [s * 10**k * 0.999 for k in range(1, 4) for s in (-1, 1)]
        values = [v for v in values if lo <= v <= hi]
    return [f"{compact_number(v, max_decimals)} {unit}".rstrip() for v in values]


class _Placer:
    """Greedy placement: a candidate rectangle that is free and inside the limits wins.

    Without `soft` rectangles the first free candidate wins; with them, the free candidate that
    covers the fewest soft rectangles (the spots detector values would like), the first on a tie.
    """

    def __init__(self, obstacles: Iterable[QRectF], limits: QRectF, pad: float):
        self.taken = np.array([_edges(r) for r in obstacles], dtype=float).reshape(-1, 4)
        self.fixed = len(self.taken)  # the first rectangles: obstacles (detector dots), not labels
        self.limits = _edges(limits)
        self.pad = pad

    def take(
        self,
        candidates: Sequence[QRectF],
        soft: np.ndarray | None = None,
        *,
        over_obstacles: bool = False,
        anywhere: bool = False,
    ) -> int | None:
        """The index of the candidate taken, or None. `over_obstacles`: it may cover the
        obstacles (dots), never a label; `anywhere`: also outside the limits."""
        if not candidates:
            return None
        c = np.array([_edges(r) for r in candidates], dtype=float)
        x0, y0, x1, y1 = self.limits
        ok = np.ones(len(c), dtype=bool)
        if not anywhere:
            ok &= (c[:, 0] >= x0) & (c[:, 1] >= y0) & (c[:, 2] <= x1) & (c[:, 3] <= y1)
        taken = self.taken[self.fixed :] if over_obstacles else self.taken
        if len(taken):
            p = self.pad
            ok &= ~_overlaps(c + np.array([-p, -p, p, p]), taken).any(axis=1)
        free = np.flatnonzero(ok)
        if not len(free):
            return None
        i = int(free[0])
        if soft is not None and len(soft):
            cost = _overlaps(c[free], soft).sum(axis=1)
            i = int(free[int(np.argmin(cost))])
        self.taken = np.vstack([self.taken, c[i]])
        return i


def _edges(r: QRectF) -> tuple[float, float, float, float]:
    return r.left(), r.top(), r.right(), r.bottom()


def _overlaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) booleans: rectangles given as rows of x0, y0, x1, y1 overlap."""
    return (
        (a[:, None, 0] < b[None, :, 2])
        & (b[None, :, 0] < a[:, None, 2])
        & (a[:, None, 1] < b[None, :, 3])
        & (b[None, :, 1] < a[:, None, 3])
    )


class _Label(QGraphicsItem):
    """A hazard name plate at a fixed pixel size (ignores zoom), on a dark plate for legibility:
    as wide as its text, in the normal font or a step smaller (`step` 1), on one or two lines."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.fonts = []
        for points in PLATE_POINTS:
            f = QFont()
            f.setPointSizeF(points)
            f.setBold(True)
            self.fonts.append(f)
        self.metrics = [QFontMetricsF(f) for f in self.fonts]
        self.font, self.fm = self.fonts[0], self.metrics[0]
        self.text = ""
        self.step = 0
        self.accent: QColor | None = None
        self._rect = QRectF()
        self.set_text(text)

    def size_for(self, text: str, step: int = 0) -> tuple[float, float]:
        fm = self.metrics[step]
        lines = text.split("\n")
        return max(fm.horizontalAdvance(t) for t in lines) + 10, fm.height() * len(lines) + 4

    def set_text(self, text: str, step: int | None = None) -> None:
        step = self.step if step is None else step
        if text == self.text and step == self.step:
            return
        self.prepareGeometryChange()
        self.text, self.step = text, step
        self.font, self.fm = self.fonts[step], self.metrics[step]
        w, h = self.size_for(text, step)
        self._rect = QRectF(-w / 2, -h / 2, w, h)

    def label_rect(self) -> QRectF:
        return QRectF(self._rect)

    def set_accent(self, color: QColor | None) -> None:
        if color != self.accent:
            self.accent = color
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setPen(QPen(self.accent or PLATE_BORDER, 1.5 if self.accent else 1))
        painter.setBrush(PLATE)
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setFont(self.font)
        painter.setPen(TEXT)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


class DetectorMarker(QGraphicsItem):
    """A detector: a dot and its live value with unit, at a fixed pixel size.

    The value sits in a slot on one side of the dot (or is hidden when there is no room); the
    slot is as wide as the widest value the tag's range can show, so values never outgrow it.
    """

    R = 6.0
    GAP = 3.0

    def __init__(
        self, tag: int, name: str, unit: str, is_bool: bool, reserve: Sequence[str] = (), tip: str = ""
    ):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setData(ROLE, ("tag", tag))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(10)
        self.tag, self.name, self.unit, self.is_bool = tag, name, unit, is_bool
        self.tip = tip or name
        self.font = QFont()
        self.font.setPointSizeF(8.0)
        self.fm = QFontMetricsF(self.font)
        self.mark_font = QFont(self.font)
        self.mark_font.setBold(True)
        self.mark_font.setPointSizeF(7.0)
        self.text = "?"
        self.bad = True
        self.priority = 0
        self.warning = 0  # level of an early warning on this detector (0: none)
        texts = list(reserve) + ["?", _on_off(True), _on_off(False)]
        self.slot_w = max(self.fm.horizontalAdvance(t) for t in texts) + 8
        self.slot_h = self.fm.height() + 2
        self.side: str | None = "right"
        self._rect = QRectF()
        self._measure()
        self._update_tooltip()

    # ---- geometry (item coordinates are pixels: the item ignores the view's zoom)
    def slot_rect(self, side: str) -> QRectF:
        w, h, r, g = self.slot_w, self.slot_h, self.R, self.GAP
        if side == "right":
            return QRectF(r + g, -h / 2, w, h)
        if side == "left":
            return QRectF(-r - g - w, -h / 2, w, h)
        if side == "above":
            return QRectF(-w / 2, -r - g - h, w, h)
        return QRectF(-w / 2, r + g, w, h)

    def label_rect(self) -> QRectF | None:
        """Where the value plate is drawn (item pixels), or None when hidden."""
        if self.side is None:
            return None
        slot = self.slot_rect(self.side)
        w = min(self.fm.horizontalAdvance(self.text) + 8, slot.width())
        if self.side == "right":
            return QRectF(slot.left(), slot.top(), w, slot.height())
        if self.side == "left":
            return QRectF(slot.right() - w, slot.top(), w, slot.height())
        return QRectF(slot.center().x() - w / 2, slot.top(), w, slot.height())

    def dot_rect(self) -> QRectF:
        return QRectF(-self.R, -self.R, 2 * self.R, 2 * self.R)

    def _measure(self) -> None:
        self.prepareGeometryChange()
        rect = self.dot_rect().adjusted(-6, -6, 6, 6)  # room for the warning ring
        if self.side is not None:
            rect = rect.united(self.slot_rect(self.side))
        self._rect = rect.adjusted(-1.5, -1.5, 1.5, 1.5)

    def set_side(self, side: str | None) -> None:
        """Put the value on a side of the dot, or hide it (None)."""
        if side != self.side:
            self.side = side
            self._measure()
            self._update_tooltip()
            self.update()

    # ---- state
    def set_state(self, text: str, bad: bool, priority: int) -> bool:
        """Change what is shown; returns whether anything changed (and repaints only then)."""
        if text == self.text and bad == self.bad and priority == self.priority:
            return False
        if text != self.text:
            self.text = text
            self._update_tooltip()
        self.bad, self.priority = bad, priority
        self.update()
        return True

    def set_warning(self, level: int) -> bool:
        """Show an early warning (a dashed ring in its level colour) or none (0)."""
        if level == self.warning:
            return False
        self.warning = level
        self._update_tooltip()
        self.update()
        return True

    def _update_tooltip(self) -> None:
        hidden = (
            ""
            if self.side is not None
            else "  " + QCoreApplication.translate("plant_map", "(zoom in to show the value)")
        )
        warn = ""
        if self.warning:
            warn = "\n" + QCoreApplication.translate("plant_map", "early warning, level {level}").format(
                level=ROMAN.get(self.warning, "?")
            )
        self.setToolTip(f"{self.tip}\n{self.text}{hidden}{warn}")

    @property
    def color(self) -> QColor:
        return _priority_color(self.priority) if self.priority else NORMAL_MARKER

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addEllipse(self.dot_rect().adjusted(-2, -2, 2, 2))
        label = self.label_rect()
        if label is not None:
            p.addRect(label)
        return p

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = self.color
        dot = self.dot_rect()
        if self.warning:  # a warning is not an alarm: a dashed ring, the dot keeps its state
            ring = QPen(_priority_color(self.warning), 1.6, Qt.PenStyle.DashLine)
            painter.setPen(ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(dot.adjusted(-4, -4, 4, 4))
        if self.bad:
            # hollow: no trustworthy value, whatever the alarm state
            painter.setPen(QPen(color if self.priority else DIM_TEXT, 1.5))
            painter.setBrush(QColor(30, 32, 35, 200))
            painter.drawEllipse(dot)
            painter.setFont(self.mark_font)
            painter.drawText(dot, Qt.AlignmentFlag.AlignCenter, "?")
        else:
            painter.setPen(QPen(QColor("#1e1f21"), 1))
            painter.setBrush(color)
            painter.drawEllipse(dot)
        label = self.label_rect()
        if label is None:
            return
        painter.setPen(Qt.PenStyle.NoPen)
        if self.priority and not self.bad:
            painter.setBrush(color)
            text_color = QColor(PRIORITY_TEXT.get(self.priority, "#1a1a1a"))
        else:
            painter.setBrush(QColor(30, 32, 35, 200))
            text_color = DIM_TEXT if self.bad else TEXT
        painter.drawRoundedRect(label, 2, 2)
        painter.setPen(text_color)
        painter.setFont(self.font)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self.text)


class HazardArea(QGraphicsPolygonItem):
    """A hazard source's polygon with its name plate."""

    def __init__(self, name: str, points, inherent_level: int, tags: list[int]):
        super().__init__(QPolygonF([QPointF(float(x), float(y)) for x, y in points]))
        self.setData(ROLE, ("hazard", name))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)
        self.name, self.inherent_level, self.tags = name, inherent_level, tags
        self.priority = -1
        self.unacked = False
        self.flash_on = True
        self.selected_ring = False
        self.risk_level = inherent_level if inherent_level in ROMAN else 4  # the dynamic level
        self.raised = False  # the dynamic level is above the inherent one
        self.unknown = False  # an interlock's state is unknown (data lost): its own outline
        self.level_text = f"  ·  {ROMAN.get(inherent_level, '')}" if inherent_level in ROMAN else ""
        self.full_text = f"{name}{self.level_text}"
        # not a child of the polygon: a sibling area added later would paint its fill over it
        self.label = _Label(self.full_text)
        self.label.setZValue(PLATE_Z)
        self.label.setData(ROLE, ("hazard", name))
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label.setPos(self.polygon().boundingRect().center())
        self.plate_form = 0  # the form of `plate_texts` the plate shows
        self.setToolTip(
            QCoreApplication.translate("plant_map", "{name}\ninherent level {level}").format(
                name=name, level=ROMAN.get(inherent_level, "?")
            )
        )
        self.set_priority(0)

    # ---- alarm state
    def set_priority(self, priority: int) -> bool:
        return self.set_alarm_state(priority, self.unacked)

    def set_alarm_state(self, priority: int, unacked: bool) -> bool:
        """Highest active priority (0 = none) and whether any of it is unacknowledged."""
        unacked = bool(unacked and priority)
        if priority == self.priority and unacked == self.unacked:
            return False
        self.priority, self.unacked = priority, unacked
        if not unacked:
            self.flash_on = True
        self._apply()
        return True

    def set_risk(self, level: int, inherent: int, explanation: str = "", unknown: bool = False) -> bool:
        """The hazard source's dynamic risk level (four-colour map) and why (an
        `core.messages.Message`, shown in the installed language); `unknown`: an interlock's
        state is unknown (data lost), outlined in its own colour, never red for it."""
        raised = level < inherent
        if explanation:
            self.setToolTip(render(explanation, QCoreApplication.translate))
        if (level, raised, inherent, unknown) == (
            self.risk_level,
            self.raised,
            self.inherent_level,
            self.unknown,
        ):
            return False
        self.risk_level, self.raised, self.inherent_level = level, raised, inherent
        self.unknown = unknown
        self.level_text = f"  ·  {ROMAN.get(level, '')}"
        self.full_text = f"{self.name}{self.level_text}"
        forms = self.plate_texts()
        self.label.set_text(*forms[min(self.plate_form, len(forms) - 1)])  # the form placed, new level
        self._apply()
        return True

    @property
    def urgent(self) -> bool:
        """An alarm on the area, its risk raised, or its interlock state unknown: the plate shows."""
        return self.priority > 0 or self.raised or self.unknown

    def plate_texts(self) -> list[tuple[str, int]]:
        """What the plate tries, in order: the name on one line, a font step smaller, then on
        two lines (split at the space nearest the middle); a long name last, elided."""
        name, level = self.name, self.level_text.strip()
        out = [(self.full_text, 0), (self.full_text, 1)]
        spaces = [i for i, ch in enumerate(name) if ch == " "]
        if spaces:
            i = min(spaces, key=lambda k: abs(k - len(name) / 2))
            out.append((f"{name[:i]}\n{name[i + 1 :]}{self.level_text}", 1))
        elif level:
            out.append((f"{name}\n{level}", 1))
        if len(name) > LONG_NAME:
            fm = self.label.metrics[1]
            room = fm.horizontalAdvance(name[:LONG_NAME])
            short = fm.elidedText(name, Qt.TextElideMode.ElideRight, room)
            out.append((f"{short}{self.level_text}", 1))
        return out

    def set_flash_phase(self, on: bool) -> None:
        if self.unacked and on != self.flash_on:
            self.flash_on = on
            self._apply()

    def set_selected_ring(self, on: bool) -> None:
        if on != self.selected_ring:
            self.selected_ring = on
            self._apply()

    def _apply(self) -> None:
        # the four-colour risk map: every area tinted in its dynamic level, faintly while at its
        # inherent level, clearly once live evidence raises it; alarms outline (and flash)
        level = self.risk_level
        brush = QBrush(_priority_color(level, RAISED_FILL_ALPHA if self.raised else RISK_FILL_ALPHA))
        if self.priority:
            if self.flash_on:
                pen = QPen(_priority_color(self.priority), 3.0)
            else:
                pen = QPen(_priority_color(self.priority, 70), 1.5)
            self.label.set_accent(_priority_color(min(self.priority, level)))
        elif self.unknown:
            pen = QPen(DATA_LOST, 2.6, Qt.PenStyle.DashLine)
            self.label.set_accent(DATA_LOST)
        elif self.raised:
            pen = QPen(_priority_color(level), 2.2)
            self.label.set_accent(_priority_color(level))
        else:
            pen = QPen(NORMAL_OUTLINE, 1.2)
            self.label.set_accent(None)
        if self.selected_ring:
            pen = QPen(HIGHLIGHT, 2.5, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(brush)

    # ---- label placement
    def _candidates(self, w: float, h: float, g: float) -> list[list[QRectF]]:
        """Label rectangles to try (scene units), in groups: just above, inside, just below."""
        poly = self.polygon()
        r = poly.boundingRect()
        cx, cy = r.center().x(), r.center().y()
        # rows above and below: centred first, then shifted sideways while still over the polygon
        span = r.width() + w - 2 * g
        steps = max(1, min(24, int(span / (10 * g))))
        offsets = sorted((span * (k / steps - 0.5) for k in range(steps + 1)), key=abs)
        xs = [cx - w / 2] + [cx - w / 2 + d for d in offsets if d]
        fill = Qt.FillRule.OddEvenFill

        def touches(c: QRectF) -> bool:  # next to the polygon itself, not just its bounding box
            return QPolygonF(c.adjusted(0, -2 * g, 0, 2 * g)).intersects(poly)

        def within(c: QRectF) -> bool:
            corners = (c.topLeft(), c.topRight(), c.bottomLeft(), c.bottomRight())
            return all(poly.containsPoint(p, fill) for p in corners)

        above = [c for c in (QRectF(x, r.top() - g - h, w, h) for x in xs) if touches(c)]
        inside = [
            QRectF(cx - w / 2, r.top() + g, w, h),
            QRectF(r.left() + g, r.top() + g, w, h),
            QRectF(r.right() - g - w, r.top() + g, w, h),
            QRectF(cx - w / 2, cy - h / 2, w, h),
            QRectF(cx - w / 2, r.bottom() - g - h, w, h),
        ]
        below = [c for c in (QRectF(x, r.bottom() + g, w, h) for x in xs) if touches(c)]
        return [above, [c for c in inside if within(c)], below]

    def place_label(self, placer: _Placer, px: float, soft: np.ndarray | None = None) -> bool:
        """Put the name plate at the first free spot, in the first form of `plate_texts` that
        fits somewhere. A quiet area's plate with no room is hidden at this zoom; an urgent area's
        plate may cover detector dots, and if even that fails it is shown over its area's middle."""
        passes = [{}]
        if self.urgent:
            passes.append({"over_obstacles": True})
        for kw in passes:
            for form, (text, step) in enumerate(self.plate_texts()):
                w, h = self.label.size_for(text, step)
                for group in self._candidates(w * px, h * px, 3 * px):
                    i = placer.take(group, soft, **kw)
                    if i is not None:
                        self._show_plate(form, group[i].center())
                        return True
        if self.urgent:
            text, step = self.plate_texts()[-1]
            w, h = self.label.size_for(text, step)
            c = self.polygon().boundingRect().center()
            spot = QRectF(c.x() - w * px / 2, c.y() - h * px / 2, w * px, h * px)
            placer.taken = np.vstack([placer.taken, _edges(spot)])  # later labels keep off it
            self._show_plate(len(self.plate_texts()) - 1, c)
            return True
        self.label.setVisible(False)
        return False

    def _show_plate(self, form: int, centre: QPointF) -> None:
        self.plate_form = form
        self.label.set_text(*self.plate_texts()[form])
        self.label.setPos(centre)
        self.label.setVisible(True)


class PlantMap(QGraphicsView):
    """The site drawing with hazard areas and live detector values."""

    hazardClicked = Signal(str)
    tagClicked = Signal(int)

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self.setObjectName("plantMap")
        self.config = config
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(BACKGROUND)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.auto_fit = True
        self.svg_item: QGraphicsSvgItem | None = None
        self._renderer: QSvgRenderer | None = None
        index = config.tag_index()
        self.units = [t.unit for t in config.tags]
        self.is_bool = [t.is_bool for t in config.tags]
        self.decimals = [_decimals_of(float(t.scale or 1.0)) for t in config.tags]

        self._load_svg(config.map_path())
        self.hazards: dict[str, HazardArea] = {}
        self._hazards_of_tag: dict[int, list[HazardArea]] = {}
        for hs in config.hazard_sources:
            if not hs.area:
                continue
            tags = [index[n] for n in hs.tags if n in index]
            item = HazardArea(hs.name, hs.area, inherent_risk(hs, config.risk).level, tags)
            self.scene().addItem(item)
            self.scene().addItem(item.label)
            self.hazards[hs.name] = item
            for t in tags:
                self._hazards_of_tag.setdefault(t, []).append(item)
        self.markers: dict[int, DetectorMarker] = {}
        for i, t in enumerate(config.tags):
            if t.map is None:
                continue
            reserve = [] if self.is_bool[i] else _widest_texts(t.range, t.unit, self.decimals[i])
            tip = f"{t.name} — {t.description}" if t.description else t.name
            m = DetectorMarker(i, t.name, t.unit, self.is_bool[i], reserve, tip)
            m.setPos(float(t.map[0]), float(t.map[1]))
            self.scene().addItem(m)
            self.markers[i] = m
        self._marker_tags = np.fromiter(self.markers.keys(), dtype=np.int64, count=len(self.markers))
        self._last_value = np.full(len(self._marker_tags), np.nan)
        self._last_quality = np.full(len(self._marker_tags), 255, dtype=np.int16)
        self._tag_priority: dict[int, int] = {}
        self._tag_unacked: set[int] = set()
        self._ring = QGraphicsEllipseItem(-14, -14, 28, 28)
        self._ring.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        ring_pen = QPen(HIGHLIGHT, 2, Qt.PenStyle.DashLine)
        self._ring.setPen(ring_pen)
        self._ring.setZValue(20)
        self._ring.setVisible(False)
        self.scene().addItem(self._ring)
        self._selected_hazard: str | None = None
        self._bounds = self._content_bounds()
        self.scene().setSceneRect(self._bounds.adjusted(-40, -40, 40, 40))
        # one flash timer for every unacknowledged area; it runs only while one is flashing
        self._flash_on = True
        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        self._layout_scale = 0.0
        self.layout_labels()

    # ------------------------------------------------------------ building
    def _load_svg(self, path) -> None:
        if path is None or not path.exists():
            return
        renderer = QSvgRenderer(str(path), self)
        if not renderer.isValid():
            return
        item = QGraphicsSvgItem()
        item.setSharedRenderer(renderer)
        item.setZValue(0)
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        vb = renderer.viewBoxF()
        size = renderer.defaultSize()
        if not vb.isEmpty() and size.width() > 0 and size.height() > 0:
            # map the drawing onto viewBox coordinates, which the configuration uses
            sx, sy = vb.width() / size.width(), vb.height() / size.height()
            item.setTransform(QTransform.fromScale(sx, sy))
            item.setPos(vb.x(), vb.y())
        self.scene().addItem(item)
        self.svg_item, self._renderer = item, renderer

    def _content_bounds(self) -> QRectF:
        rect = QRectF()
        if self.svg_item is not None:
            rect = self.svg_item.sceneBoundingRect()
        for h in self.hazards.values():
            rect = rect.united(h.sceneBoundingRect())
        for m in self.markers.values():
            rect = rect.united(QRectF(m.pos() - QPointF(1, 1), m.pos() + QPointF(1, 1)))
        return rect if not rect.isEmpty() else QRectF(0, 0, 1000, 600)

    # ------------------------------------------------------------ label placement
    def layout_labels(self) -> None:
        """Place every label for the current scale (hazards first, then alarmed detectors)."""
        s = self.transform().m11() or 1.0
        self._layout_scale = s
        px = 1.0 / s  # one screen pixel in scene units
        dots = []
        for m in self.markers.values():
            d = m.dot_rect()
            p = m.pos()
            dots.append(QRectF(p.x() + d.x() * px, p.y() + d.y() * px, d.width() * px, d.height() * px))
        slots = {}
        for m in self.markers.values():
            p = m.pos()
            slots[m.tag] = [
                QRectF(p.x() + r.x() * px, p.y() + r.y() * px, r.width() * px, r.height() * px)
                for r in (m.slot_rect(side) for side in SIDES)
            ]
        # hazard labels go where they take the fewest spots detector values could use
        soft = np.array([_edges(r) for rects in slots.values() for r in rects], dtype=float).reshape(-1, 4)
        placer = _Placer(dots, self._bounds.adjusted(-10, -10, 10, 10), px)
        for h in sorted(self.hazards.values(), key=lambda h: (not h.urgent, _area(h.polygon()))):
            h.place_label(placer, px, soft)
        for m in sorted(self.markers.values(), key=lambda m: (m.priority or 9, m.tag)):
            i = placer.take(slots[m.tag])
            m.set_side(SIDES[i] if i is not None else None)

    def _layout_if_rescaled(self) -> None:
        s = self.transform().m11()
        if abs(s - self._layout_scale) > 1e-9 * max(1.0, abs(s)):
            self.layout_labels()

    def label_rects(self) -> list[tuple[str, QRectF]]:
        """Scene rectangles of the labels shown now, as drawn (for checks and tests)."""
        vt = self.viewportTransform()
        to_scene, _ok = vt.inverted()
        out = []
        for h in self.hazards.values():
            if h.label.isVisible():
                dev = h.label.deviceTransform(vt).mapRect(h.label.label_rect())
                out.append((h.name, to_scene.mapRect(dev)))
        for m in self.markers.values():
            r = m.label_rect()
            if r is not None and m.isVisible():
                dev = m.deviceTransform(vt).mapRect(r)
                out.append((m.name, to_scene.mapRect(dev)))
        return out

    # ------------------------------------------------------------ live updates
    def update_values(self, value: np.ndarray, quality: np.ndarray) -> None:
        """Latest value and quality per tag (whole arrays); touches only changed markers."""
        if not len(self._marker_tags):
            return
        v = value[self._marker_tags]
        q = quality[self._marker_tags].astype(np.int16)
        same = ((v == self._last_value) | (np.isnan(v) & np.isnan(self._last_value))) & (
            q == self._last_quality
        )
        changed = np.flatnonzero(~same)
        if not len(changed):
            return
        self._last_value[changed] = v[changed]
        self._last_quality[changed] = q[changed]
        for j in changed:
            tag = int(self._marker_tags[j])
            self._refresh_marker(tag, float(v[j]), int(q[j]))

    def format_value(self, tag: int, value: float) -> str:
        if self.is_bool[tag]:
            return _on_off(value >= 0.5)
        return f"{compact_number(value, self.decimals[tag])} {self.units[tag]}".rstrip()

    def _refresh_marker(self, tag: int, value: float, quality: int) -> None:
        m = self.markers[tag]
        bad = quality == Quality.BAD or not math.isfinite(value)
        text = "?" if bad else self.format_value(tag, value)
        m.set_state(text, bad, self._tag_priority.get(tag, 0))

    def update_alarms(self, active: dict) -> None:
        """Standing alarms (key -> Alarm); colours areas and markers by the highest active priority."""
        best: dict[int, int] = {}
        unacked: set[int] = set()
        warned: dict[int, int] = {}
        for a in active.values():
            if a.is_warning:
                if a.active and a.tag >= 0 and not a.hidden:
                    warned[a.tag] = min(warned.get(a.tag, 5), a.priority)
                continue
            if a.active and a.tag >= 0 and not a.hidden:
                p = best.get(a.tag)
                if p is None or a.priority < p:
                    best[a.tag] = a.priority
                if not a.acked:
                    unacked.add(a.tag)
        old, self._tag_priority = self._tag_priority, best
        old_unacked, self._tag_unacked = self._tag_unacked, unacked
        changed = {t for t in set(old) | set(best) if old.get(t) != best.get(t)} | (old_unacked ^ unacked)
        relayout = False
        for tag in changed:
            m = self.markers.get(tag)
            if m is not None and m.set_state(m.text, m.bad, best.get(tag, 0)):
                relayout |= m.side is None and m.priority > 0
        for h in {h for t in changed for h in self._hazards_of_tag.get(t, ())}:
            prios = [best[t] for t in h.tags if t in best]
            h.set_alarm_state(min(prios) if prios else 0, any(t in unacked for t in h.tags))
            relayout |= h.urgent and not h.label.isVisible()  # an alarmed area's plate never hides
        for tag, m in self.markers.items():
            m.set_warning(warned.get(tag, 0))
        if relayout:
            self.layout_labels()  # an alarmed value without room: alarmed values are placed first
        flashing = any(h.unacked for h in self.hazards.values())
        if flashing and not self._flash.isActive():
            self._flash_on = True
            self._flash.start()
        elif not flashing and self._flash.isActive():
            self._flash.stop()

    def update_risk(self, states) -> None:
        """Hazard-source risk changes (RiskState): the four-colour level and its trace as tooltip."""
        relayout = False
        for r in states:
            h = self.hazards.get(r.hazard)
            if h is None:
                continue
            before = h.label.label_rect().width()
            if h.set_risk(r.level, r.inherent.level, r.explain(), r.interlock_unknown):
                hidden = h.urgent and not h.label.isVisible()
                relayout |= hidden or h.label.label_rect().width() > before + 0.5  # wider: may overlap
        if relayout:
            self.layout_labels()

    def _toggle_flash(self) -> None:
        self._flash_on = not self._flash_on
        for h in self.hazards.values():
            if h.unacked:
                h.set_flash_phase(self._flash_on)

    # ------------------------------------------------------------ navigation
    def focus_tag(self, tag: int) -> None:
        """Show where a tag is: a ring on its detector, or its hazard area outlined."""
        m = self.markers.get(tag)
        hazard = next((h for h in self.hazards.values() if tag in h.tags), None)
        self.select_hazard(hazard.name if hazard is not None else None)
        if m is not None:
            self._ring.setPos(m.pos())
            self._ring.setVisible(True)
            self.ensureVisible(QRectF(m.pos() - QPointF(20, 20), m.pos() + QPointF(20, 20)))
        else:
            self._ring.setVisible(False)
            if hazard is not None:
                self.ensureVisible(hazard.sceneBoundingRect())

    def select_hazard(self, name: str | None) -> None:
        if self._selected_hazard and self._selected_hazard in self.hazards:
            self.hazards[self._selected_hazard].set_selected_ring(False)
        self._selected_hazard = name
        if name in self.hazards:
            self.hazards[name].set_selected_ring(True)

    def clear_focus(self) -> None:
        self._ring.setVisible(False)
        self.select_hazard(None)

    def fit(self) -> None:
        self.auto_fit = True
        self._fit()

    def _fit(self) -> None:
        self.fitInView(self._bounds.adjusted(-10, -10, 10, 10), Qt.AspectRatioMode.KeepAspectRatio)
        self._layout_if_rescaled()

    # ------------------------------------------------------------ Qt events
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self._fit()

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if not steps:
            return
        factor = 1.15**steps
        current = self.transform().m11()
        fit_scale = min(self.viewport().width() / max(1.0, self._bounds.width()), 1.0)
        if current * factor < fit_scale * 0.5 or current * factor > 40:
            return
        self.auto_fit = False
        self.scale(factor, factor)
        self._layout_if_rescaled()
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        if self.itemAt(event.position().toPoint()) is None or event.button() == Qt.MouseButton.MiddleButton:
            self.fit()
        super().mouseDoubleClickEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self._hit(event.position().toPoint())
            if hit is not None:
                kind, what = hit
                if kind == "tag":
                    self.tagClicked.emit(int(what))
                else:
                    self.hazardClicked.emit(str(what))
        super().mousePressEvent(event)

    def _hit(self, pos):
        for item in self.items(pos):
            while item is not None:
                d = item.data(ROLE)
                if d:
                    return d
                item = item.parentItem()
        return None


def _area(poly: QPolygonF) -> float:
    """Polygon area (shoelace), to place the labels of small areas first."""
    n = poly.count()
    s = 0.0
    for i in range(n):
        a, b = poly.at(i), poly.at((i + 1) % n)
        s += a.x() * b.y() - b.x() * a.y()
    return abs(s) / 2.0
