"""The trend's Y axes: one per unit, up to `max_axes`, each on a view box linked in time.

Pens of one unit share a Y axis; more units than axes are shown in % of their range.
`AxesMixin` holds this part of `widgets.trend.TrendPlot`, whose attributes it uses. Its texts keep
the "TrendPlot" translation context.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication

from widgets.trend_pens import Pen

AXIS_TEXT = "#b8bcc2"
AXIS_LINE = "#5a5e64"


class AxesMixin:
    """Unit axes and their view boxes of `widgets.trend.TrendPlot`."""

    # ------------------------------------------------------------ axes
    def _overlay_view(self) -> pg.ViewBox:
        vb = pg.ViewBox(enableMouse=False, enableMenu=False)
        vb.setZValue(self.vb.zValue() - 10)
        self.item.scene().addItem(vb)
        vb.setXLink(self.vb)
        vb.enableAutoRange(axis="x", enable=False)
        vb.setGeometry(self.vb.sceneBoundingRect())
        return vb

    def _sync_views(self, *_args) -> None:
        rect = self.vb.sceneBoundingRect()
        for vb in [v for v, _ in self._unit_views] + [self._events_view]:
            vb.setGeometry(rect)
            vb.linkedViewChanged(self.vb, vb.XAxis)

    def _style_axis(self, axis: pg.AxisItem, text: str) -> None:
        axis.setTextPen(text)
        axis.setPen(AXIS_LINE)

    def _place(self, pen: Pen, vb: pg.ViewBox | None) -> None:
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

    def units(self) -> list[str]:
        """The units of the pens, in the order their axes appear."""
        out: list[str] = []
        for p in self.pens.values():
            if p.unit not in out:
                out.append(p.unit)
        return out

    def _layout_changed(self) -> None:
        units = self.units()
        spans = all(p.span is not None for p in self.pens.values())
        normalised = len(units) > self.max_axes and spans
        if normalised != self._normalised:
            self._normalised = normalised
        n_axes = 1 if normalised or len(units) <= 1 else min(len(units), self.max_axes)
        while len(self._unit_views) < n_axes - 1:
            self._add_unit_view()
        while len(self._unit_views) > n_axes - 1:
            self._drop_unit_view()
        views = [self.vb] + [v for v, _ in self._unit_views]
        axes = [self.item.getAxis("left")] + [a for _, a in self._unit_views]
        for p in self.pens.values():
            i = 0 if n_axes == 1 else min(units.index(p.unit), n_axes - 1)
            self._place(p, views[i])
        if n_axes > 1:
            for i, axis in enumerate(axes):
                first = next(p for p in self.pens.values() if min(units.index(p.unit), n_axes - 1) == i)
                # TrendPlot's context, as its own tr() had: lupdate files a mixin's tr() under the mixin
                label = (
                    units[i]
                    if i < n_axes - 1 or len(units) == n_axes
                    else QCoreApplication.translate("TrendPlot", "mixed units")
                )
                self._style_axis(axis, first.color)
                axis.setLabel(label, color=first.color)
        for p in self.pens.values():
            p.dirty = True
        self._sync_views()
        self._draw_limits()
        self._update_title()

    def _add_unit_view(self) -> None:
        vb = self._overlay_view()
        vb.setAutoVisible(y=True)
        vb.enableAutoRange(axis="y", enable=True)
        axis = pg.AxisItem("right")
        axis.linkToView(vb)
        axis.setZValue(-100000)
        self.item.layout.addItem(axis, 2, 3 + len(self._unit_views))
        self._unit_views.append((vb, axis))

    def _drop_unit_view(self) -> None:
        vb, axis = self._unit_views.pop()
        for p in self.pens.values():
            if p.view is vb:
                self._place(p, self.vb)
        self.item.layout.removeItem(axis)
        axis.setParentItem(None)
        if axis.scene() is not None:
            axis.scene().removeItem(axis)
        self.item.scene().removeItem(vb)
