"""The plant map: the site drawing, hazard-source areas in the four-colour levels, detectors.

Scene coordinates are the SVG's viewBox coordinates, the same the configuration uses for
hazard-source polygons and detector positions. Hazard areas are grey when normal and take the
colour of the highest active alarm priority among their tags. Detector markers show the live
value; bad quality is drawn hollow and hatched with "?". Updates touch only the items whose
text or colour changed.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
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

from app.model import Quality
from widgets.alarm_table import PRIORITY_COLORS, ROMAN, format_number

BACKGROUND = QColor("#2b2d30")
NORMAL_OUTLINE = QColor("#8d9299")
NORMAL_FILL = QColor(150, 155, 162, 28)
NORMAL_MARKER = QColor("#a9adb3")
TEXT = QColor("#dfe1e4")
DIM_TEXT = QColor("#8a8d91")
HIGHLIGHT = QColor("#ffffff")
ROLE = 0  # QGraphicsItem.data key: ("tag", index) or ("hazard", name)


def _priority_color(priority: int, alpha: int = 255) -> QColor:
    c = QColor(PRIORITY_COLORS.get(priority, "#a0a0a0"))
    c.setAlpha(alpha)
    return c


class _Label(QGraphicsItem):
    """A name plate at a fixed pixel size (ignores zoom), on a dark plate for legibility."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.font = QFont()
        self.font.setPointSizeF(9.0)
        self.font.setBold(True)
        self.text = text
        self.accent: QColor | None = None
        self._rect = self._measure()

    def _measure(self) -> QRectF:
        fm = QFontMetricsF(self.font)
        w = fm.horizontalAdvance(self.text) + 10
        h = fm.height() + 4
        return QRectF(-w / 2, -h / 2, w, h)

    def set_accent(self, color: QColor | None) -> None:
        if color != self.accent:
            self.accent = color
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setPen(QPen(self.accent or QColor("#55595f"), 1))
        painter.setBrush(QColor(30, 32, 35, 215))
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setFont(self.font)
        painter.setPen(TEXT)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


class DetectorMarker(QGraphicsItem):
    """A detector: a dot and its live value with unit, at a fixed pixel size."""

    R = 6.0

    def __init__(self, tag: int, name: str, unit: str, is_bool: bool):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setData(ROLE, ("tag", tag))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(10)
        self.tag, self.name, self.unit, self.is_bool = tag, name, unit, is_bool
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self.fm = QFontMetricsF(self.font)
        self.text = "?"
        self.bad = True
        self.priority = 0
        self._rect = QRectF()
        self._measure()
        self.setToolTip(name)

    def _measure(self) -> None:
        w = self.fm.horizontalAdvance(self.text) + 8
        h = self.fm.height() + 2
        self.prepareGeometryChange()
        self._rect = QRectF(
            -self.R - 1, -max(self.R, h / 2) - 1, 2 * self.R + 6 + w, 2 * max(self.R, h / 2) + 2
        )

    def set_state(self, text: str, bad: bool, priority: int) -> bool:
        """Change what is shown; returns whether anything changed (and repaints only then)."""
        if text == self.text and bad == self.bad and priority == self.priority:
            return False
        if text != self.text:
            self.text = text
            self._measure()
        self.bad, self.priority = bad, priority
        self.update()
        return True

    @property
    def color(self) -> QColor:
        return _priority_color(self.priority) if self.priority else NORMAL_MARKER

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addRect(self._rect)
        return p

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = self.color
        circle = QRectF(-self.R, -self.R, 2 * self.R, 2 * self.R)
        if self.bad:
            painter.setPen(QPen(DIM_TEXT if not self.priority else color, 1.5))
            painter.setBrush(QBrush(DIM_TEXT, Qt.BrushStyle.BDiagPattern))
        else:
            painter.setPen(QPen(QColor("#1e1f21"), 1))
            painter.setBrush(color)
        painter.drawEllipse(circle)
        text_rect = QRectF(
            self.R + 4, -self.fm.height() / 2 - 1, self._rect.right() - self.R - 4, self.fm.height() + 2
        )
        if self.priority and not self.bad:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(text_rect, 2, 2)
            painter.setPen(QColor("#ffffff" if self.priority in (1, 4) else "#1a1a1a"))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(30, 32, 35, 190))
            painter.drawRoundedRect(text_rect, 2, 2)
            painter.setPen(DIM_TEXT if self.bad else TEXT)
        painter.setFont(self.font)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, self.text)


class HazardArea(QGraphicsPolygonItem):
    """A hazard source's polygon with its name plate."""

    def __init__(self, name: str, points, inherent_level: int, tags: list[int]):
        super().__init__(QPolygonF([QPointF(float(x), float(y)) for x, y in points]))
        self.setData(ROLE, ("hazard", name))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)
        self.name, self.inherent_level, self.tags = name, inherent_level, tags
        self.priority = -1
        self.selected_ring = False
        self.label = _Label(f"{name}  ·  {ROMAN.get(inherent_level, '')}", self)
        r = self.polygon().boundingRect()
        self.label.setPos(r.center().x(), r.top())
        self.setToolTip(f"{name}\ninherent level {ROMAN.get(inherent_level, '?')}")
        self.set_priority(0)

    def set_priority(self, priority: int) -> bool:
        if priority == self.priority:
            return False
        self.priority = priority
        self._apply()
        return True

    def set_selected_ring(self, on: bool) -> None:
        if on != self.selected_ring:
            self.selected_ring = on
            self._apply()

    def _apply(self) -> None:
        if self.priority:
            pen = QPen(_priority_color(self.priority), 2.5)
            brush = QBrush(_priority_color(self.priority, 60))
            self.label.set_accent(_priority_color(self.priority))
        else:
            pen = QPen(NORMAL_OUTLINE, 1.2)
            brush = QBrush(NORMAL_FILL)
            self.label.set_accent(None)
        if self.selected_ring:
            pen = QPen(HIGHLIGHT, 2.5, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(brush)


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
        self.is_bool = [bool(getattr(t, "is_bool", False)) for t in config.tags]

        self._load_svg(config.map_path())
        self.hazards: dict[str, HazardArea] = {}
        for hs in config.hazard_sources:
            if not hs.area:
                continue
            item = HazardArea(hs.name, hs.area, hs.inherent_level, [index[n] for n in hs.tags if n in index])
            self.scene().addItem(item)
            self.hazards[hs.name] = item
        self.markers: dict[int, DetectorMarker] = {}
        for i, t in enumerate(config.tags):
            if t.map is None:
                continue
            m = DetectorMarker(i, t.name, t.unit, self.is_bool[i])
            m.setPos(float(t.map[0]), float(t.map[1]))
            self.scene().addItem(m)
            self.markers[i] = m
        self._marker_tags = np.fromiter(self.markers.keys(), dtype=np.int64, count=len(self.markers))
        self._last_value = np.full(len(self._marker_tags), np.nan)
        self._last_quality = np.full(len(self._marker_tags), 255, dtype=np.int16)
        self._tag_priority: dict[int, int] = {}
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

    def _refresh_marker(self, tag: int, value: float, quality: int) -> None:
        m = self.markers[tag]
        bad = quality == Quality.BAD or not math.isfinite(value)
        if bad:
            text = "?"
        elif self.is_bool[tag]:
            text = "ON" if value >= 0.5 else "OFF"
        else:
            text = f"{format_number(value)} {self.units[tag]}".rstrip()
        m.set_state(text, bad, self._tag_priority.get(tag, 0))

    def update_alarms(self, active: dict) -> None:
        """Standing alarms (key -> Alarm); colours areas and markers by the highest active priority."""
        best: dict[int, int] = {}
        for a in active.values():
            if a.active and a.tag >= 0:
                p = best.get(a.tag)
                if p is None or a.priority < p:
                    best[a.tag] = a.priority
        old, self._tag_priority = self._tag_priority, best
        for tag in set(old) | set(best):
            m = self.markers.get(tag)
            if m is not None and old.get(tag) != best.get(tag):
                m.set_state(m.text, m.bad, best.get(tag, 0))
        for h in self.hazards.values():
            prios = [best[t] for t in h.tags if t in best]
            h.set_priority(min(prios) if prios else 0)

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
        self.fitInView(self._bounds.adjusted(-10, -10, 10, 10), Qt.AspectRatioMode.KeepAspectRatio)

    # ------------------------------------------------------------ Qt events
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fitInView(self._bounds.adjusted(-10, -10, 10, 10), Qt.AspectRatioMode.KeepAspectRatio)

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
