"""The items drawn on the plant map: a hazard-source area with its name plate, a detector marker
with its value."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPolygonItem,
)

from core.alarm_types import ROMAN
from core.messages import render
from widgets.map_placer import Placer, rect_edges
from widgets.map_style import (
    DATA_LOST,
    DIM_TEXT,
    HIGHLIGHT,
    LONG_NAME,
    MUTED,
    NORMAL_MARKER,
    NORMAL_OUTLINE,
    PLATE,
    PLATE_BORDER,
    PLATE_POINTS,
    PLATE_Z,
    RAISED_FILL_ALPHA,
    RISK_FILL_ALPHA,
    ROLE,
    TEXT,
    on_off_text,
    priority_color,
)
from widgets.palette import PRIORITY_TEXT


class NamePlate(QGraphicsItem):
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
        texts = list(reserve) + ["?", on_off_text(True), on_off_text(False)]
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
        return priority_color(self.priority) if self.priority else NORMAL_MARKER

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
            ring = QPen(priority_color(self.warning), 1.6, Qt.PenStyle.DashLine)
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

    def __init__(self, name: str, points, inherent_level: int, tags: list[int], title: str = ""):
        """`name` is the hazard source's key; `title` what its plate says (its name in the
        screens' language), the name itself by default."""
        super().__init__(QPolygonF([QPointF(float(x), float(y)) for x, y in points]))
        self.setData(ROLE, ("hazard", name))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)
        self.name, self.inherent_level, self.tags = name, inherent_level, tags
        self.title = title or name
        self.priority = -1
        self.unacked = False
        self.flash_on = True
        self.selected_ring = False
        self.risk_level = inherent_level if inherent_level in ROMAN else 4  # the dynamic level
        self.raised = False  # the dynamic level is above the inherent one
        self.unknown = False  # an interlock's state is unknown (data lost): its own outline
        self.state_text = ""  # its declared operating state, when not running ("under maintenance")
        self.muted = False  # that state counts no live evidence: hatched grey, not its risk colour
        self.level_text = f"  ·  {ROMAN.get(inherent_level, '')}" if inherent_level in ROMAN else ""
        self.full_text = f"{self.title}{self.level_text}"
        # not a child of the polygon: a sibling area added later would paint its fill over it
        self.label = NamePlate(self.full_text)
        self.label.setZValue(PLATE_Z)
        self.label.setData(ROLE, ("hazard", name))
        self.label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label.setPos(self.polygon().boundingRect().center())
        self.plate_form = 0  # the form of `plate_texts` the plate shows
        self.setToolTip(
            QCoreApplication.translate("plant_map", "{name}\ninherent level {level}").format(
                name=self.title, level=ROMAN.get(inherent_level, "?")
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

    def set_risk(
        self,
        level: int,
        inherent: int,
        explanation: str = "",
        unknown: bool = False,
        state: str = "",
        muted: bool = False,
    ) -> bool:
        """The hazard source's dynamic risk level (four-colour map) and why (an
        `core.messages.Message`, shown in the installed language); `unknown`: an interlock's
        state is unknown (data lost), outlined in its own colour, never red for it; `state`: its
        declared operating state (a Message; "" running), on the plate; `muted`: that state
        counts no live evidence, the area is hatched grey instead of its risk colour."""
        raised = level < inherent and not muted
        if explanation:
            self.setToolTip(render(explanation, QCoreApplication.translate))
        state = render(state, QCoreApplication.translate)
        if (level, raised, inherent, unknown, state, muted) == (
            self.risk_level,
            self.raised,
            self.inherent_level,
            self.unknown,
            self.state_text,
            self.muted,
        ):
            return False
        self.risk_level, self.raised, self.inherent_level = level, raised, inherent
        self.unknown, self.state_text, self.muted = unknown, state, muted
        self.level_text = f"  ·  {ROMAN.get(level, '')}" + (f"  ·  {state}" if state else "")
        self.full_text = f"{self.title}{self.level_text}"
        forms = self.plate_texts()
        self.label.set_text(*forms[min(self.plate_form, len(forms) - 1)])  # the form placed, new level
        self._apply()
        return True

    @property
    def urgent(self) -> bool:
        """An alarm on the area, its risk raised or red (a major hazard is red by direct
        determination: its name is never hidden), its interlock state unknown or a declared
        operating state: the plate shows."""
        return (
            self.priority > 0 or self.raised or self.risk_level == 1 or self.unknown or bool(self.state_text)
        )

    def plate_texts(self) -> list[tuple[str, int]]:
        """What the plate tries, in order: the name on one line, a font step smaller, then on
        two lines (split at the space nearest the middle); a long name last, elided."""
        name, level = self.title, self.level_text.strip()
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
        brush = QBrush(priority_color(level, RAISED_FILL_ALPHA if self.raised else RISK_FILL_ALPHA))
        if self.muted:  # under maintenance: hatched grey, never red from a relining
            brush = QBrush(MUTED, Qt.BrushStyle.BDiagPattern)
        if self.priority:
            if self.flash_on:
                pen = QPen(priority_color(self.priority), 3.0)
            else:
                pen = QPen(priority_color(self.priority, 70), 1.5)
            self.label.set_accent(priority_color(min(self.priority, level)))
        elif self.unknown:
            pen = QPen(DATA_LOST, 2.6, Qt.PenStyle.DashLine)
            self.label.set_accent(DATA_LOST)
        elif self.raised:
            pen = QPen(priority_color(level), 2.2)
            self.label.set_accent(priority_color(level))
        elif self.muted:
            pen = QPen(MUTED, 1.6, Qt.PenStyle.DashLine)
            self.label.set_accent(MUTED)
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

    def place_label(self, placer: Placer, px: float, soft: np.ndarray | None = None) -> bool:
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
            placer.taken = np.vstack([placer.taken, rect_edges(spot)])  # later labels keep off it
            self._show_plate(len(self.plate_texts()) - 1, c)
            return True
        self.label.setVisible(False)
        return False

    def _show_plate(self, form: int, centre: QPointF) -> None:
        self.plate_form = form
        self.label.set_text(*self.plate_texts()[form])
        self.label.setPos(centre)
        self.label.setVisible(True)
