"""What the trend draws over the curves: forecast cones, the crosshair, limit bands, alarm marks.

With one axis, the alarm limits of the only (or the highlighted) pen are drawn as translucent
bands; alarm journal entries of the trended tags appear as markers along the time axis; the
crosshair reads every pen's value at the cursor into the legend. `TrendOverlays` is a component
of `widgets.trend.TrendPlot` (`plot.overlays`): it owns what it draws and uses the plot's public
view box, plot item, legend, pens, events, highlighted pen and axes.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.formatting import format_number
from widgets.palette import PRIORITY_COLORS
from widgets.trend_axes import cached
from widgets.trend_data import TrendEvent, value_at
from widgets.trend_pens import Pen

CLEARED_EVENT = "#8a8d91"
BAND_ALPHA = 34


class TrendOverlays:
    """Forecast cones, crosshair, limit lines and bands, and alarm markers of a `widgets.trend.TrendPlot`."""

    def __init__(self, plot):
        self.plot = plot
        self.limit_lines: list[pg.InfiniteLine] = []
        self.bands: list[pg.LinearRegionItem] = []
        self.cursor_x: float | None = None  # where the crosshair is (None: hidden)
        # alarm markers on a view box of their own (0..1 high), linked in time
        self.events_view = plot.axes.overlay_view()
        self.events_view.setYRange(0.0, 1.0, padding=0)
        self.events_view.enableAutoRange(axis="y", enable=False)
        plot.axes.linked.append(self.events_view)
        self.event_marks = pg.ScatterPlotItem(size=9, symbol="t1", pxMode=True)
        self.events_view.addItem(self.event_marks)
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#8a8f96", width=1))
        self.cursor_label = pg.TextItem("", color="#d8dadd", fill=pg.mkBrush(38, 40, 43, 215), anchor=(0, 0))
        for it in (self.cursor_line, self.cursor_label):
            it.setZValue(15)
            it.hide()
            plot.item.addItem(it, ignoreBounds=True)

    # ------------------------------------------------------------ forecast cones
    def set_forecast(self, tag: int, cone) -> None:
        """Draw a pen's forecast ahead of its live curve (t, lower, middle, upper), or remove it."""
        pen = self.plot.pens.get(tag)
        if pen is None:
            return
        for it in pen.cone_items:
            if pen.view is not None:
                pen.view.removeItem(it)
        pen.cone_items = []
        pen.cone = cone
        if cone is None or pen.view is None:
            return
        t, lo, mid, hi = (np.asarray(a, dtype=float) for a in cone)
        if pen.span is not None:  # a straight line leaves the instrument's range: the cone does not
            lo, mid, hi = (np.clip(x, *pen.span) for x in (lo, mid, hi))
        if self.plot.axes.normalised and pen.span is not None:
            a, b = pen.span
            lo, mid, hi = ((x - a) * (100.0 / (b - a)) for x in (lo, mid, hi))
        color = pg.mkColor(pen.color)
        edge = pg.mkPen(color, width=1, style=Qt.PenStyle.DotLine)
        lower = pg.PlotCurveItem(t, lo, pen=edge)
        upper = pg.PlotCurveItem(t, hi, pen=edge)
        fill_color = pg.mkColor(pen.color)
        fill_color.setAlpha(45)
        fill = pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(fill_color))
        middle = pg.PlotCurveItem(t, mid, pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine))
        for it in (fill, lower, upper, middle):
            cached(it)  # dashed edges and a translucent fill, the same until the cone or the view changes
            pen.view.addItem(it)
        pen.cone_items = [fill, lower, upper, middle]

    def forecast_tags(self) -> list[int]:
        return [t for t, p in self.plot.pens.items() if p.cone is not None]

    # ------------------------------------------------------------ crosshair
    def show_cursor(self, x: float | None) -> None:
        """Put the crosshair at time `x` and read every pen's value there into the legend."""
        plot = self.plot
        self.cursor_x = x
        if x is None:
            self.cursor_line.hide()
            self.cursor_label.hide()
            for pen in plot.pens.values():
                plot.set_legend(pen)
            return
        self.cursor_line.setPos(x)
        text = datetime.fromtimestamp(x).strftime("%Y-%m-%d %H:%M:%S")
        near = self._event_near(x)
        if near is not None:
            text += f"\n{near.text}"
        self.cursor_label.setText(text)
        self._place_cursor_label(x)
        self.cursor_line.show()
        self.cursor_label.show()
        for pen in plot.pens.values():
            plot.set_legend(pen, value_at(pen.shown, x))

    def _place_cursor_label(self, x: float) -> None:
        """Top of the plot, on the roomier side of the line, and below the legend if they meet."""
        vb, label, legend = self.plot.vb, self.cursor_label, self.plot.legend
        (vx0, vx1), (_y0, y1) = vb.viewRange()
        pw, ph = vb.viewPixelSize()
        right_side = x > vx0 + 0.5 * (vx1 - vx0)
        label.setAnchor((1, 0) if right_side else (0, 0))
        width = label.boundingRect().width()
        x_px = (x - vx0) / pw if pw else 0.0
        left, right = (x_px - width, x_px) if right_side else (x_px, x_px + width)
        box = legend.mapRectToItem(vb, legend.boundingRect())
        drop = 0.0
        if legend.isVisible() and left < box.right() + 4 and right > box.left() - 4:
            drop = (box.bottom() + 4) * ph
        label.setPos(x, y1 - drop)

    def _event_near(self, x: float) -> TrendEvent | None:
        marks = self.visible_events()
        if not marks:
            return None
        px = self.plot.vb.viewPixelSize()[0] * 6
        best = min(marks, key=lambda e: abs(e.ts - x))
        return best if abs(best.ts - x) <= px else None

    def mouse_moved(self, args) -> None:
        pos = args[0]
        vb = self.plot.vb
        if self.plot.pens and vb.sceneBoundingRect().contains(pos):
            self.show_cursor(vb.mapSceneToView(pos).x())
        elif self.cursor_x is not None:
            self.show_cursor(None)

    # ------------------------------------------------------------ limits and alarm markers
    def _limit_pen(self) -> Pen | None:
        """The pen whose limits are drawn: the only pen, or the highlighted one on a single axis."""
        plot = self.plot
        if len(plot.pens) == 1:
            return next(iter(plot.pens.values()))
        if plot.highlighted is not None and len(plot.axes.units()) == 1 and not plot.axes.normalised:
            return plot.pens[plot.highlighted]
        return None

    def draw_limits(self) -> None:
        item = self.plot.item
        for it in self.limit_lines + self.bands:
            item.removeItem(it)
        self.limit_lines.clear()
        self.bands.clear()
        pen = self._limit_pen()
        if pen is None or not pen.limits:
            return
        lim = {k: v for k, (v, _p) in pen.limits.items()}
        prio = {k: p for k, (_v, p) in pen.limits.items()}
        for name, (value, priority) in pen.limits.items():
            color = PRIORITY_COLORS.get(priority, "#a0a0a0")
            line = pg.InfiniteLine(
                pos=value,
                angle=0,
                pen=pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine),
                label=f"{name} {format_number(value)}",
                labelOpts={"color": color, "position": 0.02, "anchors": [(0, 1), (0, 1)]},
            )
            line.setZValue(-5)
            item.addItem(line, ignoreBounds=True)
            self.limit_lines.append(line)
        values = sorted(lim.values())
        reach = max(abs(values[-1] - values[0]), abs(values[-1]), 1.0) * 10.0
        top = pen.span[1] if pen.span is not None else values[-1] + reach
        bottom = pen.span[0] if pen.span is not None else values[0] - reach
        bands = []
        if "H" in lim:
            bands.append((lim["H"], lim.get("HH", max(top, lim["H"])), prio["H"]))
        if "HH" in lim:
            bands.append((lim["HH"], max(top, lim["HH"] + reach), prio["HH"]))
        if "L" in lim:
            bands.append((lim.get("LL", min(bottom, lim["L"])), lim["L"], prio["L"]))
        if "LL" in lim:
            bands.append((min(bottom, lim["LL"] - reach), lim["LL"], prio["LL"]))
        for lo, hi, priority in bands:
            if not hi > lo:
                continue
            color = pg.mkColor(PRIORITY_COLORS.get(priority, "#a0a0a0"))
            color.setAlpha(BAND_ALPHA)
            band = pg.LinearRegionItem(
                values=(lo, hi),
                orientation="horizontal",
                movable=False,
                brush=pg.mkBrush(color),
                pen=pg.mkPen(None),
            )
            band.setZValue(-20)
            item.addItem(band, ignoreBounds=True)
            self.bands.append(band)

    def visible_events(self) -> list[TrendEvent]:
        """The plot's alarm journal entries of the trended tags."""
        names = {p.name for p in self.plot.pens.values()}
        return [e for e in self.plot.events if e.source in names]

    def show_events(self) -> None:
        marks = self.visible_events()
        if not marks:
            self.event_marks.setData([], [])
            return
        brushes = [
            pg.mkBrush(PRIORITY_COLORS.get(e.priority, CLEARED_EVENT) if e.active else CLEARED_EVENT)
            for e in marks
        ]
        self.event_marks.setData(
            x=np.array([e.ts for e in marks]),
            y=np.full(len(marks), 0.03),
            brush=brushes,
            pen=pg.mkPen("#1e1f22", width=1),
        )
