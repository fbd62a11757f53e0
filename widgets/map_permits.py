"""Work permits on the plant map: where people are working right now. Each hazard area with an
active permit gets a badge at its top-right corner: a person drawn beside the number of people,
the permits in the tooltip; a gas area, a confined space or hot work is drawn with an amber
border (people in a toxic or explosive place). The badge keeps its pixel size at every zoom and
sits above the name plates. `PermitBadges.show(permits, now)` replaces what is shown (a few
items; called when a permit changes and on a slow timer, never per sample)."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from app.dual_prevention.permits import CROWD_KINDS
from widgets.map_style import PLATE, PLATE_Z, ROLE, TEXT

BADGE_Z = PLATE_Z + 2
GAS_BORDER = QColor("#f0b000")  # people in a toxic or explosive place
BORDER = QColor("#9ea2a8")
ICON_W = 12.0  # the person drawn left of the count


class PermitBadge(QGraphicsItem):
    """People at work in one hazard area (see the module docstring)."""

    def __init__(self, hazard: str):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(BADGE_Z)
        self.setData(ROLE, ("hazard", hazard))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hazard = hazard
        self.font = QFont()
        self.font.setPointSizeF(9.0)
        self.font.setBold(True)
        self.text = ""
        self.gas = False
        self._rect = QRectF()

    def set_people(self, people: int, gas: bool, tip: str) -> None:
        self.prepareGeometryChange()
        self.text = str(people)
        self.gas = gas
        w = QFontMetricsF(self.font).horizontalAdvance(self.text) + ICON_W + 12
        self._rect = QRectF(-w, 0, w, 20)
        self.setToolTip(tip)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(GAS_BORDER if self.gas else BORDER, 2))
        painter.setBrush(QBrush(PLATE))
        painter.drawRoundedRect(self._rect, 4, 4)
        # a person: head and shoulders, drawn (no font has to carry a glyph for it)
        x, top = self._rect.left() + 5, self._rect.top()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(TEXT))
        painter.drawEllipse(QRectF(x + 3, top + 3.5, 6, 6))
        painter.drawRoundedRect(QRectF(x, top + 10.5, ICON_W, 6.5), 3, 3)
        painter.setPen(TEXT)
        painter.setFont(self.font)
        text_rect = self._rect.adjusted(ICON_W + 7, 0, -4, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, self.text)


class PermitBadges:
    """The permit badges of a PlantMap (`plant_map.hazards`: name -> HazardArea)."""

    def __init__(self, plant_map):
        self.map = plant_map
        self.badges: dict[str, PermitBadge] = {}

    def show(self, permits, now: float) -> None:
        """Show the active permits (app.dual_prevention.permits.Permit) at `now`."""
        by_area: dict[str, list] = {}
        for p in permits:
            if p.active_at(now) and p.hazard in self.map.hazards:
                by_area.setdefault(p.hazard, []).append(p)
        for name in list(self.badges):
            if name not in by_area:
                self.map.scene().removeItem(self.badges.pop(name))
        for name, ps in by_area.items():
            badge = self.badges.get(name)
            if badge is None:
                badge = self.badges[name] = PermitBadge(name)
                self.map.scene().addItem(badge)
                box = self.map.hazards[name].polygon().boundingRect()
                badge.setPos(box.right(), box.top())
            lines = [
                QCoreApplication.translate("plant_map", "{code}: {people} people, until {until}").format(
                    code=p.code, people=p.people, until=_clock(p.end)
                )
                for p in ps
            ]
            people = sum(p.people for p in ps)
            head = QCoreApplication.translate("plant_map", "Work permits in {area}").format(area=name)
            badge.set_people(people, any(p.kind in CROWD_KINDS for p in ps), "\n".join([head, *lines]))

    def people(self) -> dict[str, str]:
        """What each badge says (tests, the screenshot check)."""
        return {name: b.text for name, b in self.badges.items()}


def _clock(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))
