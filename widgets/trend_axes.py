"""The trend's Y axes: one per unit, up to `max_axes`, each on a view box linked in time.

Pens of one unit share a Y axis; more units than axes are shown in % of their range.
`TrendAxes` is a component of `widgets.trend.TrendPlot` (`plot.axes`): it owns the extra unit
axes and their view boxes, and uses the plot's public view box, plot item, pens and `max_axes`.
Its texts keep the "TrendPlot" translation context.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGraphicsItem

from widgets.trend_pens import Pen

AXIS_TEXT = "#b8bcc2"
AXIS_LINE = "#5a5e64"


def style_axis(axis: pg.AxisItem, text: str) -> None:
    axis.setTextPen(text)
    axis.setPen(AXIS_LINE)


def cached(item: QGraphicsItem) -> None:
    """Paint `item` from a pixmap kept until it changes (the same pixels, drawn once).

    An axis draws its grid over the whole plot with translucent lines, which the raster engine
    blends a pixel at a time: replaying that every frame cost more than all the curves."""
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def place(pen: Pen, vb: pg.ViewBox | None) -> None:
    """Put a pen's curve in a view box (None: take it out)."""
    # straight into the view boxes: PlotItem.removeItem would also drop the legend entry
    if pen.view is vb:
        return
    if pen.view is not None:
        # emptied first: a curve with data re-entering the scene looks for its view box
        # before it has a parent (and finds the widget); the next redraw refills it
        pen.curve.clear()
        pen.dirty = True
        pen.view.removeItem(pen.curve)
    pen.view = vb
    if vb is not None:
        vb.addItem(pen.curve)


class TrendAxes:
    """Unit axes and their view boxes of a `widgets.trend.TrendPlot` (see the module docstring)."""

    def __init__(self, plot):
        self.plot = plot
        self.unit_views: list[tuple[pg.ViewBox, pg.AxisItem]] = []  # the axes after the first
        self.normalised = False  # more units than axes: every pen in % of its range
        self.linked: list[pg.ViewBox] = []  # other view boxes that follow the main one (overlays)

    def overlay_view(self) -> pg.ViewBox:
        """A view box linked in time to the plot's, drawn under it (it gets no mouse event)."""
        main = self.plot.vb
        vb = pg.ViewBox(enableMouse=False, enableMenu=False)
        vb.setZValue(main.zValue() - 10)
        self.plot.item.scene().addItem(vb)
        vb.setXLink(main)
        vb.enableAutoRange(axis="x", enable=False)
        vb.setGeometry(main.sceneBoundingRect())
        return vb

    def sync_views(self, *_args) -> None:
        main = self.plot.vb
        rect = main.sceneBoundingRect()
        for vb in [v for v, _ in self.unit_views] + self.linked:
            vb.setGeometry(rect)
            vb.linkedViewChanged(main, vb.XAxis)

    def value_views(self) -> list[pg.ViewBox]:
        """The view boxes the pens are drawn in (the main one first)."""
        return [self.plot.vb] + [v for v, _ in self.unit_views]

    def units(self) -> list[str]:
        """The units of the pens, in the order their axes appear."""
        out: list[str] = []
        for p in self.plot.pens.values():
            if p.unit not in out:
                out.append(p.unit)
        return out

    def layout_changed(self) -> None:
        """Pens were added or removed: one axis per unit (or % of range), each pen on its axis."""
        plot = self.plot
        pens = plot.pens
        units = self.units()
        spans = all(p.span is not None for p in pens.values())
        normalised = len(units) > plot.max_axes and spans
        self.normalised = normalised
        n_axes = 1 if normalised or len(units) <= 1 else min(len(units), plot.max_axes)
        while len(self.unit_views) < n_axes - 1:
            self._add_unit_view()
        while len(self.unit_views) > n_axes - 1:
            self._drop_unit_view()
        views = self.value_views()
        axes = [plot.item.getAxis("left")] + [a for _, a in self.unit_views]
        for p in pens.values():
            i = 0 if n_axes == 1 else min(units.index(p.unit), n_axes - 1)
            place(p, views[i])
        if n_axes > 1:
            for i, axis in enumerate(axes):
                first = next(p for p in pens.values() if min(units.index(p.unit), n_axes - 1) == i)
                label = (
                    units[i]
                    if i < n_axes - 1 or len(units) == n_axes
                    else QCoreApplication.translate("TrendPlot", "mixed units")
                )
                style_axis(axis, first.color)
                axis.setLabel(label, color=first.color)
        for p in pens.values():
            p.dirty = True
        self.sync_views()
        plot.overlays.draw_limits()
        plot.update_title()

    def _add_unit_view(self) -> None:
        vb = self.overlay_view()
        vb.setAutoVisible(y=True)
        vb.enableAutoRange(axis="y", enable=True)
        axis = pg.AxisItem("right")
        axis.linkToView(vb)
        axis.setZValue(-100000)
        cached(axis)
        self.plot.item.layout.addItem(axis, 2, 3 + len(self.unit_views))
        self.unit_views.append((vb, axis))

    def _drop_unit_view(self) -> None:
        vb, axis = self.unit_views.pop()
        for p in self.plot.pens.values():
            if p.view is vb:
                place(p, self.plot.vb)
        item = self.plot.item
        item.layout.removeItem(axis)
        axis.setParentItem(None)
        if axis.scene() is not None:
            axis.scene().removeItem(axis)
        item.scene().removeItem(vb)
