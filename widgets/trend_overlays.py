"""What the trend draws over the curves: forecast cones, the crosshair, limit bands, alarm marks.

With one axis, the alarm limits of the only (or the highlighted) pen are drawn as translucent
bands; alarm journal entries of the trended tags appear as markers along the time axis; the
crosshair reads every pen's value at the cursor into the legend. `OverlaysMixin` holds this part
of `widgets.trend.TrendPlot`, whose attributes it uses.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.formatting import format_number
from widgets.palette import PRIORITY_COLORS
from widgets.trend_data import TrendEvent, value_at
from widgets.trend_pens import Pen

CLEARED_EVENT = "#8a8d91"
BAND_ALPHA = 34


class OverlaysMixin:
    """Forecast cones, crosshair, limit lines and bands, and alarm markers of `widgets.trend.TrendPlot`."""

    # ------------------------------------------------------------ forecast cones
    def set_forecast(self, tag: int, cone) -> None:
        """Draw a pen's forecast ahead of its live curve (t, lower, middle, upper), or remove it."""
        pen = self.pens.get(tag)
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
        if self._normalised and pen.span is not None:
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
            pen.view.addItem(it)
        pen.cone_items = [fill, lower, upper, middle]

    def forecast_tags(self) -> list[int]:
        return [t for t, p in self.pens.items() if p.cone is not None]

    # ------------------------------------------------------------ crosshair
    def show_cursor(self, x: float | None) -> None:
        """Put the crosshair at time `x` and read every pen's value there into the legend."""
        self._cursor_x = x
        if x is None:
            self._cursor_line.hide()
            self._cursor_label.hide()
            for pen in self.pens.values():
                self._set_legend(pen)
            return
        self._cursor_line.setPos(x)
        text = datetime.fromtimestamp(x).strftime("%Y-%m-%d %H:%M:%S")
        near = self._event_near(x)
        if near is not None:
            text += f"\n{near.text}"
        self._cursor_label.setText(text)
        self._place_cursor_label(x)
        self._cursor_line.show()
        self._cursor_label.show()
        for pen in self.pens.values():
            self._set_legend(pen, value_at(pen.shown, x))

    def _place_cursor_label(self, x: float) -> None:
        """Top of the plot, on the roomier side of the line, and below the legend if they meet."""
        (vx0, vx1), (_y0, y1) = self.vb.viewRange()
        pw, ph = self.vb.viewPixelSize()
        right_side = x > vx0 + 0.5 * (vx1 - vx0)
        self._cursor_label.setAnchor((1, 0) if right_side else (0, 0))
        width = self._cursor_label.boundingRect().width()
        x_px = (x - vx0) / pw if pw else 0.0
        left, right = (x_px - width, x_px) if right_side else (x_px, x_px + width)
        legend = self.legend.mapRectToItem(self.vb, self.legend.boundingRect())
        drop = 0.0
        if self.legend.isVisible() and left < legend.right() + 4 and right > legend.left() - 4:
            drop = (legend.bottom() + 4) * ph
        self._cursor_label.setPos(x, y1 - drop)

    def _event_near(self, x: float) -> TrendEvent | None:
        marks = self._visible_events()
        if not marks:
            return None
        px = self.vb.viewPixelSize()[0] * 6
        best = min(marks, key=lambda e: abs(e.ts - x))
        return best if abs(best.ts - x) <= px else None

    def _mouse_moved(self, args) -> None:
        pos = args[0]
        if self.pens and self.vb.sceneBoundingRect().contains(pos):
            self.show_cursor(self.vb.mapSceneToView(pos).x())
        elif self._cursor_x is not None:
            self.show_cursor(None)

    # ------------------------------------------------------------ limits and alarm markers
    def _limit_pen(self) -> Pen | None:
        """The pen whose limits are drawn: the only pen, or the highlighted one on a single axis."""
        if len(self.pens) == 1:
            return next(iter(self.pens.values()))
        if self._highlight is not None and len(self.units()) == 1 and not self._normalised:
            return self.pens[self._highlight]
        return None

    def _draw_limits(self) -> None:
        for it in self._limit_lines + self._bands:
            self.item.removeItem(it)
        self._limit_lines.clear()
        self._bands.clear()
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
            self.item.addItem(line, ignoreBounds=True)
            self._limit_lines.append(line)
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
            self.item.addItem(band, ignoreBounds=True)
            self._bands.append(band)

    def _visible_events(self) -> list[TrendEvent]:
        names = {p.name for p in self.pens.values()}
        return [e for e in self.events if e.source in names]

    def _show_events(self) -> None:
        marks = self._visible_events()
        if not marks:
            self._event_marks.setData([], [])
            return
        brushes = [
            pg.mkBrush(PRIORITY_COLORS.get(e.priority, CLEARED_EVENT) if e.active else CLEARED_EVENT)
            for e in marks
        ]
        self._event_marks.setData(
            x=np.array([e.ts for e in marks]),
            y=np.full(len(marks), 0.03),
            brush=brushes,
            pen=pg.mkPen("#1e1f22", width=1),
        )
