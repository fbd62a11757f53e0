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

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QPainter,
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
    QGraphicsScene,
    QGraphicsView,
)

from app.risk.engine import inherent_risk
from core.samples import Quality
from widgets.map_items import DetectorMarker, HazardArea
from widgets.map_permits import PermitBadges
from widgets.map_placer import Placer, rect_edges
from widgets.map_style import (
    BACKGROUND,
    FLASH_MS,
    HIGHLIGHT,
    ROLE,
    SIDES,
    decimals_of,
    label_number,
    on_off_text,
    widest_texts,
)
from widgets.plant_words import WORDS


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
        self.decimals = [decimals_of(float(t.scale or 1.0)) for t in config.tags]

        self._load_svg(config.map_path())
        self.hazards: dict[str, HazardArea] = {}
        self._hazards_of_tag: dict[int, list[HazardArea]] = {}
        for hs in config.hazard_sources:
            if not hs.area:
                continue
            tags = [index[n] for n in hs.tags if n in index]
            item = HazardArea(
                hs.name, hs.area, inherent_risk(hs, config.risk).level, tags, WORDS.name(hs.name)
            )
            self.scene().addItem(item)
            self.scene().addItem(item.label)
            self.hazards[hs.name] = item
            for t in tags:
                self._hazards_of_tag.setdefault(t, []).append(item)
        self.markers: dict[int, DetectorMarker] = {}
        for i, t in enumerate(config.tags):
            if t.map is None:
                continue
            reserve = [] if self.is_bool[i] else widest_texts(t.range, t.unit, self.decimals[i])
            tip = f"{t.name} — {WORDS.description(t.description)}" if t.description else t.name
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
        self.permits = PermitBadges(self)  # people at work under a permit, per area
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
        soft = np.array([rect_edges(r) for rects in slots.values() for r in rects], dtype=float).reshape(
            -1, 4
        )
        placer = Placer(dots, self._bounds.adjusted(-10, -10, 10, 10), px)
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
            return on_off_text(value >= 0.5)
        return f"{label_number(value, self.decimals[tag])} {self.units[tag]}".rstrip()

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
            state = r.operating.state_text if getattr(r, "operating", None) is not None else ""
            if h.set_risk(
                r.level, r.inherent.level, r.explain(), r.interlock_unknown, state, getattr(r, "muted", False)
            ):
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
