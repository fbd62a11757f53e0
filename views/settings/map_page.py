"""Map page: the plant drawing with the draft's detectors and hazard areas. Drag a detector to
move it (its tag's map position follows), place a tag that has no position yet, or redraw a
hazard source's area by clicking its corners. Coordinates are map units, as in the YAML."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QGraphicsPathItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from widgets.plant_map import PlantMap

DRAW_PEN = QColor("#ffffff")


def _round(v: float) -> float:
    return round(v, 1)


class EditableMap(PlantMap):
    """PlantMap whose detectors can be dragged and where a polygon can be clicked out."""

    markerMoved = Signal(str, float, float)  # tag name, x, y
    pointAdded = Signal(float, float)
    clickedAt = Signal(float, float)

    def __init__(self, config, parent=None):
        super().__init__(config, parent)
        self.drawing = False
        self.placing: str | None = None
        self.points: list[QPointF] = []
        for m in self.markers.values():
            m.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
            m.setCursor(Qt.CursorShape.OpenHandCursor)
            m.set_state("", False, 0)
            m.set_side(None)
        self._start = {m.name: QPointF(m.pos()) for m in self.markers.values()}
        self.path = QGraphicsPathItem()
        pen = QPen(DRAW_PEN, 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.path.setPen(pen)
        self.path.setZValue(30)
        self.scene().addItem(self.path)

    def layout_labels(self) -> None:
        super().layout_labels()
        for m in getattr(self, "markers", {}).values():
            m.set_side(None)  # no live values here: the dot alone, its name in the tooltip

    def start_drawing(self) -> None:
        self.drawing, self.points = True, []
        self.setDragMode(PlantMap.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self._redraw()

    def stop_drawing(self) -> list[tuple[float, float]]:
        pts = [(_round(p.x()), _round(p.y())) for p in self.points]
        self.drawing, self.points = False, []
        self.setDragMode(PlantMap.DragMode.ScrollHandDrag)
        self.viewport().unsetCursor()
        self._redraw()
        return pts

    def start_placing(self, name: str) -> None:
        self.placing = name
        self.setDragMode(PlantMap.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)

    def add_point(self, p: QPointF) -> None:
        self.points.append(QPointF(p))
        self._redraw()
        self.pointAdded.emit(p.x(), p.y())

    def _redraw(self) -> None:
        path = QPainterPath()
        if self.points:
            path.addPolygon(QPolygonF(self.points))
        self.path.setPath(path)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and (self.drawing or self.placing):
            p = self.mapToScene(event.position().toPoint())
            if self.drawing:
                self.add_point(p)
            else:
                self.clickedAt.emit(p.x(), p.y())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if self.drawing:
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        for m in self.markers.values():
            if m.pos() != self._start.get(m.name):
                self._start[m.name] = QPointF(m.pos())
                self.markerMoved.emit(m.name, _round(m.pos().x()), _round(m.pos().y()))

    def move_marker(self, name: str, x: float, y: float) -> bool:
        """Move a detector as a drag would (tests and keyboard use)."""
        for m in self.markers.values():
            if m.name == name:
                m.setPos(x, y)
                self._start[name] = QPointF(m.pos())
                self.markerMoved.emit(name, _round(x), _round(y))
                return True
        return False

    def set_area(self, name: str, points) -> None:
        h = self.hazards.get(name)
        if h is not None:
            h.setPolygon(QPolygonF([QPointF(x, y) for x, y in points]))


class MapPage(QWidget):
    """Hosts an EditableMap rebuilt from the draft whenever it changed and the page is shown."""

    def __init__(self, draft, parent=None):
        super().__init__(parent)
        self.draft = draft
        self.map: EditableMap | None = None
        self._built_for = -1
        self.hazard = QComboBox()
        self.hazard.setMinimumWidth(200)
        self.redraw_button = QPushButton(self.tr("Redraw area"))
        self.redraw_button.setToolTip(
            self.tr("Click the area's corners on the map, then Finish (Esc cancels)")
        )
        self.redraw_button.clicked.connect(self.start_redraw)
        self.finish_button = QPushButton(self.tr("Finish"))
        self.finish_button.clicked.connect(self.finish_redraw)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.place = QComboBox()
        self.place.setMinimumWidth(200)
        self.place_button = QPushButton(self.tr("Place on map"))
        self.place_button.setToolTip(self.tr("Then click where the detector is mounted"))
        self.place_button.clicked.connect(self.start_place)
        self.hint = QLabel(self.tr("Drag a detector to move it."))
        self.hint.setObjectName("pageHint")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Hazard source:")))
        bar.addWidget(self.hazard)
        bar.addWidget(self.redraw_button)
        bar.addWidget(self.finish_button)
        bar.addWidget(self.cancel_button)
        bar.addSpacing(20)
        bar.addWidget(QLabel(self.tr("Tag without position:")))
        bar.addWidget(self.place)
        bar.addWidget(self.place_button)
        bar.addStretch(1)
        self.lay = QVBoxLayout(self)
        self.lay.addLayout(bar)
        self.lay.addWidget(self.hint)
        self._idle()

    def _idle(self) -> None:
        self.finish_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.redraw_button.setEnabled(True)
        self.place_button.setEnabled(True)

    def rebuild(self, force: bool = False) -> None:
        gen = self.draft.generation()
        if self.map is not None and gen == self._built_for and not force:
            return
        self._built_for = gen
        if self.map is not None:
            self.lay.removeWidget(self.map)
            self.map.deleteLater()
        self.map = EditableMap(self.draft.config_for_map(), self)
        self.map.markerMoved.connect(self._moved)
        self.map.pointAdded.connect(
            lambda *_: self.hint.setText(
                self.tr("{n} points; Finish when done.").format(n=len(self.map.points))
            )
        )
        self.map.clickedAt.connect(self._placed)
        self.lay.addWidget(self.map, 1)
        self.hazard.clear()
        self.hazard.addItems([h.get("name", "") for h in self.draft.hazards])
        self.place.clear()
        self.place.addItems([r.cells["name"] for r in self.draft.tags.rows if not r.cells.get("map_x")])
        self._idle()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.rebuild()

    def _moved(self, name: str, x: float, y: float) -> None:
        r = self.draft.tags.row_of(name)
        if r is not None:
            self.draft.tags.set_cells([r], {"map_x": f"{x:g}", "map_y": f"{y:g}"})
            self._built_for = self.draft.generation()
            self.hint.setText(self.tr("{tag} moved to ({x}, {y})").format(tag=name, x=f"{x:g}", y=f"{y:g}"))

    def start_place(self) -> None:
        if self.map is None or not self.place.currentText():
            return
        self.map.start_placing(self.place.currentText())
        self.cancel_button.setEnabled(True)
        self.hint.setText(self.tr("Click where {tag} is mounted.").format(tag=self.place.currentText()))

    def _placed(self, x: float, y: float) -> None:
        name = self.map.placing if self.map else None
        if not name:
            return
        self.map.placing = None
        r = self.draft.tags.row_of(name)
        if r is not None:
            self.draft.tags.set_cells([r], {"map_x": f"{_round(x):g}", "map_y": f"{_round(y):g}"})
        self.rebuild(force=True)
        self.hint.setText(
            self.tr("{tag} placed at ({x}, {y})").format(tag=name, x=f"{_round(x):g}", y=f"{_round(y):g}")
        )

    def start_redraw(self) -> None:
        if self.map is None or not self.hazard.currentText():
            return
        self.map.start_drawing()
        self.redraw_button.setEnabled(False)
        self.place_button.setEnabled(False)
        self.finish_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.hint.setText(
            self.tr("Click the corners of {hazard}; Finish when done.").format(
                hazard=self.hazard.currentText()
            )
        )

    def finish_redraw(self) -> bool:
        if self.map is None or not self.map.drawing:
            return False
        if len(self.map.points) < 3:
            self.hint.setText(self.tr("An area needs at least 3 points."))
            return False
        pts = self.map.stop_drawing()
        name = self.hazard.currentText()
        for h in self.draft.hazards:
            if h.get("name") == name:
                h["area"] = [list(p) for p in pts]
        self.map.set_area(name, pts)
        self.draft.touch()
        self._built_for = self.draft.generation()
        self._idle()
        self.hint.setText(self.tr("{hazard}: new area of {n} points").format(hazard=name, n=len(pts)))
        return True

    def cancel(self) -> None:
        if self.map is not None:
            self.map.stop_drawing()
            self.map.placing = None
        self._idle()
        self.hint.setText(self.tr("Drag a detector to move it."))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.map is not None and self.map.drawing:
            self.finish_redraw()
            event.accept()
            return
        super().keyPressEvent(event)
