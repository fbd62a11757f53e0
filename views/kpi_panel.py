"""The EEMUA 191 KPI panel of the alarm history: figure cards and three pyqtgraph charts.

Alarms per 10 minutes against the 1-per-10-min target with floods shaded, the priority split
against 5 / 15 / 80 %, and the top-10 bad actors (a click on a bar filters the history table).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.reports import report_data as rd
from app.reports.kpi import SLOT_S, KpiReport
from views.report_texts import kpi_label, kpi_note, shown
from widgets.palette import PRIORITY_COLORS

PLOT_BG = "#26282b"
AXIS_PEN = "#7a7d82"
TARGET_PEN = "#c9ccd0"
FLOOD_BRUSH = (255, 127, 14, 60)
WARN_TEXT = "#ff9f4a"
ACTOR_AXIS_W = 130  # px of the bad-actor names

# Local to this view until the theme grows KPI cards: same palette as resources/theme.qss.
PANEL_QSS = f"""
#kpiPanel {{ background: #2a2c2f; }}
#kpiTitle {{ color: #c9ccd0; font-weight: bold; background: transparent; }}
#kpiPeriod {{ color: #8a8d91; background: transparent; }}
#kpiCard {{ background: #26282b; border: 1px solid #3a3d42; border-radius: 2px; }}
#kpiCard QLabel {{ background: transparent; border: none; }}
#kpiLabel {{ color: #9ea2a8; font-size: 8pt; }}
#kpiValue {{ color: #e2e4e6; font-size: 13pt; font-weight: bold; }}
#kpiValue[status="warn"] {{ color: {WARN_TEXT}; }}
#kpiNote {{ color: #7a7d82; font-size: 8pt; }}
#chartTitle {{ color: #aeb2b8; font-size: 9pt; background: transparent; padding-top: 4px; }}
"""


# ---------------------------------------------------------------- KPI panel
class _Card(QFrame):
    def __init__(self, label: str, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiCard")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(7, 4, 7, 4)
        lay.setSpacing(0)
        self.label = QLabel(label, self)
        self.label.setObjectName("kpiLabel")
        self.value = QLabel("–", self)
        self.value.setObjectName("kpiValue")
        self.value.setProperty("status", "")
        self.note = QLabel("", self)
        self.note.setObjectName("kpiNote")
        for w in (self.label, self.value, self.note):
            lay.addWidget(w)

    def set_figure(self, f: rd.Figure) -> None:
        value = shown(f.text)
        self.value.setText(value)
        note = kpi_note(f.note)
        self.note.setText(note)
        self.setToolTip(f"{kpi_label(f.key, f.label)}: {value}" + (f" ({note})" if note else ""))
        if self.value.property("status") != f.status:
            self.value.setProperty("status", f.status)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)


class KpiPanel(QWidget):
    """EEMUA 191 figures and charts of the loaded period (`app.reports.report_data.kpi_figures`)."""

    actorClicked = Signal(str)  # alarm key of a clicked bad-actor bar

    CARD_KEYS = (
        "activations",
        "per_hour",
        "per_10min_max",
        "floods",
        "chattering",
        "standing",
        "ack_mean",
        "ack_p90",
        "unacked_at_end",
        "assessment",
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiPanel")
        self.setStyleSheet(PANEL_QSS)
        self.report: KpiReport | None = None
        self.figures: dict[str, rd.Figure] = {}
        self.flood_regions: list[pg.LinearRegionItem] = []
        self.bad_actor_rows: list[tuple[str, int, float]] = []
        pg.setConfigOptions(antialias=True)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        title = QLabel(self.tr("Alarm KPIs · EEMUA 191"), self)
        title.setObjectName("kpiTitle")
        self.period = QLabel("", self)
        self.period.setObjectName("kpiPeriod")
        lay.addWidget(title)
        lay.addWidget(self.period)

        grid = QGridLayout()
        grid.setSpacing(4)
        self.cards: dict[str, _Card] = {}
        labels = {f.key: kpi_label(f.key, f.label) for f in rd.kpi_figures(_EMPTY)}
        for i, key in enumerate(self.CARD_KEYS):
            card = _Card(labels[key], self)
            self.cards[key] = card
            if key == "assessment":
                grid.addWidget(card, i // 4, i % 4, 1, 3)
            else:
                grid.addWidget(card, i // 4, i % 4)
        for col in range(4):
            grid.setColumnStretch(col, 1)
        lay.addLayout(grid)

        self.rate_plot = self._plot(self.tr("Alarms per 10 minutes"), 150, date_axis=True)
        self.rate_bars = pg.BarGraphItem(x=[], height=[], width=SLOT_S * 0.85, brush="#7a8696", pen=None)
        self.rate_plot.addItem(self.rate_bars)
        self.flood_bars = pg.BarGraphItem(x=[], height=[], width=SLOT_S * 0.85, brush="#ff7f0e", pen=None)
        self.rate_plot.addItem(self.flood_bars)
        self.target_line = pg.InfiniteLine(
            pos=1.0,
            angle=0,
            movable=False,
            pen=pg.mkPen(TARGET_PEN, width=1, style=Qt.PenStyle.DashLine),
            label=self.tr("target 1 / 10 min"),
            labelOpts={"position": 0.02, "color": TARGET_PEN, "anchors": [(0, 1), (0, 1)]},
        )
        self.rate_plot.addItem(self.target_line)

        self.split_plot = self._plot(
            self.tr("Priority split, %: actual (colour) vs EEMUA target (grey)"), 125
        )
        self.split_bars = pg.BarGraphItem(x=[], height=[], width=0.34, brushes=[], pen=None)
        self.target_bars = pg.BarGraphItem(x=[], height=[], width=0.34, brush="#55595f", pen=None)
        self.split_plot.addItem(self.split_bars)
        self.split_plot.addItem(self.target_bars)
        self.split_labels: list[pg.TextItem] = []
        ax = self.split_plot.getAxis("bottom")
        ax.setTicks([[(0, self.tr("I (high)")), (1, self.tr("II (medium)")), (2, self.tr("III + IV (low)"))]])
        self.split_plot.setXRange(-0.6, 2.6, padding=0)
        self.split_plot.setYRange(0, 112, padding=0)
        self.split_plot.getAxis("left").setTicks([[(v, f"{v}") for v in (0, 25, 50, 75, 100)], []])

        self.actor_plot = self._plot(self.tr("Top 10 bad actors: activations (⟳ chattering)"), 215)
        self.actor_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brushes=[], pen=None)
        self.actor_plot.addItem(self.actor_bars)
        left = self.actor_plot.getAxis("left")
        left.setWidth(ACTOR_AXIS_W)
        small = QFont()
        small.setPointSizeF(8)
        left.setStyle(tickFont=small, hideOverlappingLabels=False)
        self.actor_plot.scene().sigMouseClicked.connect(self._actor_click)
        lay.addStretch(1)

    def _plot(self, title: str, height: int, date_axis: bool = False) -> pg.PlotWidget:
        label = QLabel(title, self)
        label.setObjectName("chartTitle")
        self.layout().addWidget(label)
        axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if date_axis else {}
        w = pg.PlotWidget(parent=self, background=PLOT_BG, axisItems=axes)
        w.setMinimumHeight(height)
        w.setMaximumHeight(height + 60)
        w.setMenuEnabled(False)
        w.hideButtons()
        w.setMouseEnabled(x=False, y=False)
        w.showGrid(x=False, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = w.getAxis(name)
            axis.setPen(pg.mkPen(AXIS_PEN))
            axis.setTextPen(pg.mkPen("#aeb2b8"))
        self.layout().addWidget(w)
        return w

    def set_report(self, r: KpiReport, priorities: dict[str, int] | None = None) -> None:
        """Show a report; ``priorities`` (alarm key -> priority) colours the bad-actor bars."""
        self.report = r
        self.figures = {f.key: f for f in rd.kpi_figures(r)}
        self.period.setText(
            self.tr("{period} · {n} operator position(s)").format(
                period=rd.period_label(r.t0, r.t1), n=r.operators
            )
        )
        for key, card in self.cards.items():
            card.set_figure(self.figures[key])
        self._rate(r)
        self._split(r)
        self._actors(r, priorities or {})

    def figure_texts(self) -> dict[str, str]:
        return {k: f.text for k, f in self.figures.items()}

    def _rate(self, r: KpiReport) -> None:
        series = np.asarray(r.per_10min_series, dtype=float)
        x = r.t0 + (np.arange(series.size) + 0.5) * SLOT_S
        flood = series > 10 * r.operators
        self.rate_bars.setOpts(x=x, height=series, width=SLOT_S * 0.85)
        self.flood_bars.setOpts(x=x[flood], height=series[flood], width=SLOT_S * 0.85)
        for item in self.flood_regions:
            self.rate_plot.removeItem(item)
        self.flood_regions = []
        for s, e, _n in r.floods:
            region = pg.LinearRegionItem(
                (s, e), movable=False, brush=pg.mkBrush(*FLOOD_BRUSH), pen=pg.mkPen(None)
            )
            region.setZValue(-10)
            region.setToolTip(
                self.tr("Flood {start} – {end}: {n} alarms").format(
                    start=rd.fmt_datetime(s, False), end=rd.fmt_datetime(e, False), n=_n
                )
            )
            self.rate_plot.addItem(region)
            self.flood_regions.append(region)
        self.target_line.setPos(float(r.operators))
        top = max(float(series.max()) if series.size else 0.0, 2.0 * r.operators)
        self.rate_plot.setXRange(r.t0, max(r.t1, r.t0 + SLOT_S), padding=0.01)
        self.rate_plot.setYRange(0, top * 1.1, padding=0)

    def _split(self, r: KpiReport) -> None:
        s, t = r.priority_split_eemua, r.priority_target
        colors = [PRIORITY_COLORS[1], PRIORITY_COLORS[2], PRIORITY_COLORS[3]]
        self.split_bars.setOpts(
            x=[k - 0.19 for k in range(3)], height=[100 * s[k] for k in (1, 2, 3)], brushes=colors
        )
        self.target_bars.setOpts(x=[k + 0.19 for k in range(3)], height=[100 * t[k] for k in (1, 2, 3)])
        for item in self.split_labels:
            self.split_plot.removeItem(item)
        self.split_labels = []
        for i, k in enumerate((1, 2, 3)):
            for dx, v, color in ((-0.19, s[k], "#e2e4e6"), (0.19, t[k], "#9ea2a8")):
                text = pg.TextItem(f"{100 * v:.0f}", color=color, anchor=(0.5, 1.0))
                text.setPos(i + dx, 100 * v + 1)
                self.split_plot.addItem(text)
                self.split_labels.append(text)

    def _actors(self, r: KpiReport, priorities: dict[str, int]) -> None:
        rows = list(r.bad_actors)
        self.bad_actor_rows = rows
        n = len(rows)
        y = [n - 1 - i for i in range(n)]
        brushes = [PRIORITY_COLORS.get(priorities.get(k, 0), "#7a8696") for k, *_ in rows]
        self.actor_bars.setOpts(x0=[0] * n, y=y, width=[c for _k, c, _s in rows], height=0.7, brushes=brushes)
        chatter = {k for k, _ in r.chattering}
        ticks = [
            (n - 1 - i, self._actor_label(k, " ⟳" if k in chatter else "")) for i, (k, *_r) in enumerate(rows)
        ]
        self.actor_plot.getAxis("left").setTicks([ticks, []])
        most = max((c for _k, c, _s in rows), default=1)
        self.actor_plot.setXRange(0, most * 1.05, padding=0)
        # activations are whole numbers: ticks at whole steps (1, 2, 5, 10, ... apart)
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if most / s <= 8)
        self.actor_plot.getAxis("bottom").setTickSpacing(major=step, minor=step)
        self.actor_plot.setYRange(-0.9, max(n, 1) - 0.2, padding=0)
        self.actor_plot.setToolTip(
            "\n".join(f"{k}: {c} ({100 * s:.0f} %)" for k, c, s in rows)
            + "\n\n"
            + self.tr("Click a bar to filter the table.")
            if rows
            else ""
        )

    def _actor_label(self, key: str, mark: str) -> str:
        """The key, elided to the width of the axis (the axis drops a label wider than itself,
        leaving its bar unnamed), then the chattering mark."""
        axis = self.actor_plot.getAxis("left")
        fm = QFontMetricsF(axis.style["tickFont"])
        room = ACTOR_AXIS_W - axis.style["tickTextOffset"][0] - max(0, axis.style["tickLength"]) - 6
        return fm.elidedText(key, Qt.TextElideMode.ElideRight, room - fm.horizontalAdvance(mark)) + mark

    def _actor_click(self, event) -> None:
        if not self.bad_actor_rows:
            return
        vb = self.actor_plot.getPlotItem().vb
        pos = vb.mapSceneToView(event.scenePos())
        i = len(self.bad_actor_rows) - 1 - round(pos.y())
        if 0 <= i < len(self.bad_actor_rows):
            self.actorClicked.emit(self.bad_actor_rows[i][0])


def _empty_report() -> KpiReport:
    from app.reports.kpi import compute

    return compute([], 0.0, SLOT_S)


_EMPTY = _empty_report()
