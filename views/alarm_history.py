"""Alarm history for the shift supervisor: the journal of a period, filtered, with its KPIs.

A period is picked from presets (current shift, previous shift, last 24 h, last 7 days; shift
start times from the settings key ``shifts/starts``, default 08:00 / 16:00 / 00:00) or as a free
range. The journal rows and the EEMUA 191 KPIs of the period are read in a `QThreadPool` worker
(`JournalLoad`) with a progress bar; a newer request or Cancel makes the running read stop at its
next chunk. Rows sit in `JournalModel` behind `JournalProxy` (priority, kind, state and free-text
filter, see `app.report_data.EntryFilter`). `KpiPanel` shows the figures and three charts: alarms
per 10 minutes against the 1-per-10-min target with floods shaded, the priority split against
5 / 15 / 80 %, and the top-10 bad actors. The shown rows export to CSV and PDF in a worker too.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QModelIndex,
    QObject,
    QRunnable,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import report_data as rd
from app.kpi import SLOT_S, KpiReport
from views.shift_report import journal_state, kpi_label, kpi_note, shown
from widgets.alarm_table import PRIORITY_COLORS, PRIORITY_TEXT, ROMAN
from widgets.tables import busy_bar
from widgets.trend_workers import RequestCounter

COLUMNS = (  # the table's headers (the CSV keeps rd.CSV_COLUMNS: machine-readable)
    QT_TRANSLATE_NOOP("alarm_history", "Time"),
    QT_TRANSLATE_NOOP("alarm_history", "Pri"),
    QT_TRANSLATE_NOOP("alarm_history", "Tag"),
    QT_TRANSLATE_NOOP("alarm_history", "Kind"),
    QT_TRANSLATE_NOOP("alarm_history", "State"),
    QT_TRANSLATE_NOOP("alarm_history", "Value"),
    QT_TRANSLATE_NOOP("alarm_history", "Limit"),
    QT_TRANSLATE_NOOP("alarm_history", "Message"),
    QT_TRANSLATE_NOOP("alarm_history", "User"),
    QT_TRANSLATE_NOOP("alarm_history", "Comment"),
)
COL_TIME, COL_PRI, COL_TAG, COL_KIND, COL_STATE, COL_VALUE, COL_LIMIT, COL_MSG, COL_USER, COL_COMMENT = range(
    10
)
PRESETS = (
    QT_TRANSLATE_NOOP("alarm_history", "Current shift"),
    QT_TRANSLATE_NOOP("alarm_history", "Previous shift"),
    QT_TRANSLATE_NOOP("alarm_history", "Last 24 hours"),
    QT_TRANSLATE_NOOP("alarm_history", "Last 7 days"),
    QT_TRANSLATE_NOOP("alarm_history", "Custom range"),
)


PRESET_CURRENT, PRESET_PREVIOUS, PRESET_24H, PRESET_7D, PRESET_CUSTOM = range(len(PRESETS))
KINDS = ("HH", "H", "L", "LL", "STATE", "ROC", "DEV", "STALE", "BAD", "COMM")
GREY_TEXT = QColor("#8a8d91")
SEARCH_DELAY_MS = 200
PLOT_BG = "#26282b"
AXIS_PEN = "#7a7d82"
TARGET_PEN = "#c9ccd0"
FLOOD_BRUSH = (255, 127, 14, 60)
WARN_TEXT = "#ff9f4a"

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


def _priority_button_qss(p: int) -> str:
    return (
        f"QToolButton {{ min-width: 30px; font-weight: bold; color: #8a8d91; }}"
        f"QToolButton:checked {{ background: {PRIORITY_COLORS[p]}; color: {PRIORITY_TEXT[p]};"
        f" border-color: {PRIORITY_COLORS[p]}; }}"
    )


# ---------------------------------------------------------------- model and filter
class JournalModel(QAbstractTableModel):
    """Journal rows of one query; a new query resets the model, a sort reorders it in Python."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[rd.JournalEntry] = []

    def set_entries(self, entries: list[rd.JournalEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("alarm_history", COLUMNS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TIME:
                return rd.fmt_datetime(e.ts)
            if col == COL_STATE:
                return journal_state(e.state)
            return rd.entry_cells(e)[col]
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_PRI:
            return QColor(PRIORITY_COLORS.get(e.priority, "#808080"))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_PRI:
                return QColor(PRIORITY_TEXT.get(e.priority, "#ffffff"))
            if not e.active or e.state in rd.OFF_LIST_STATES:
                return GREY_TEXT  # cleared or off the operator's list: recorded, not urgent
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_VALUE, COL_LIMIT):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == COL_PRI:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and col == COL_PRI:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_MSG, COL_COMMENT, COL_TAG):
            return f"{e.key}\n{e.message}" + (f"\n{e.user}: {e.comment}" if e.comment else "")
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python (one key per row), not by a comparison per pair of rows in Qt."""
        keys: dict[int, Callable[[rd.JournalEntry], object]] = {
            COL_TIME: lambda e: (e.ts, e.id),
            COL_PRI: lambda e: (e.priority, e.ts, e.id),
            COL_TAG: lambda e: (e.tag.casefold(), e.ts, e.id),
            COL_KIND: lambda e: (e.kind, e.ts, e.id),
            COL_STATE: lambda e: (e.state, e.ts, e.id),
            COL_VALUE: lambda e: (-math.inf if e.value is None else e.value, e.ts, e.id),
            COL_LIMIT: lambda e: (-math.inf if e.limit is None else e.limit, e.ts, e.id),
            COL_MSG: lambda e: (e.message.casefold(), e.ts, e.id),
            COL_USER: lambda e: (e.user.casefold(), e.ts, e.id),
            COL_COMMENT: lambda e: (e.comment.casefold(), e.ts, e.id),
        }
        key = keys.get(column)
        if key is None:
            return
        self.beginResetModel()
        self.entries.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()


class JournalProxy(QSortFilterProxyModel):
    """Applies an `EntryFilter`; sorting is delegated to the source model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.filter = rd.EntryFilter()

    def set_filter(self, f: rd.EntryFilter) -> None:
        if f != self.filter:
            self.beginFilterChange()
            self.filter = f
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:
        f = self.filter
        if not (f.priorities or f.kinds or f.states or f.text.strip()):
            return True
        return f.matches(self.sourceModel().entries[row])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def entries(self) -> list[rd.JournalEntry]:
        """The shown rows, in the shown order."""
        src = self.sourceModel().entries
        return [src[self.mapToSource(self.index(r, 0)).row()] for r in range(self.rowCount())]


# ---------------------------------------------------------------- workers
Loader = Callable[..., rd.JournalData]


class HistorySignals(QObject):
    progress = Signal(int, int, int)  # request, rows read, total
    loaded = Signal(int, object)  # request, JournalData or Exception
    exported = Signal(str, object)  # path, rows written or Exception


class JournalLoad(QRunnable):
    """Reads the journal and the KPIs of one period; stops when a newer request replaces it."""

    def __init__(
        self,
        request: int,
        counter: RequestCounter,
        loader: Loader,
        t0: float,
        t1: float,
        operators: int,
        signals,
    ):
        super().__init__()
        self.request, self.counter, self.loader = request, counter, loader
        self.t0, self.t1, self.operators, self.signals = t0, t1, operators, signals

    def _cancelled(self) -> bool:
        return self.counter.value != self.request

    def _progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(self.request, done, total)

    def run(self) -> None:
        try:
            try:
                result = self.loader(
                    self.t0,
                    self.t1,
                    operators=self.operators,
                    cancelled=self._cancelled,
                    progress=self._progress,
                )
            except rd.Cancelled as exc:
                result = exc
            except Exception as exc:  # shown in the view's status line
                result = exc
            self.signals.loaded.emit(self.request, result)
        except RuntimeError:  # the view was closed while loading
            pass


class ExportJob(QRunnable):
    """Writes the shown rows to a file (CSV or PDF) off the GUI thread."""

    def __init__(self, write: Callable[[], int], path: str, signals: HistorySignals):
        super().__init__()
        self.write, self.path, self.signals = write, path, signals

    def run(self) -> None:
        try:
            result = self.write()
        except Exception as exc:  # reported in the view
            result = exc
        try:
            self.signals.exported.emit(self.path, result)
        except RuntimeError:
            pass


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
    """EEMUA 191 figures and charts of the loaded period (`app.report_data.kpi_figures`)."""

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
        left.setWidth(130)
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
        ticks = [(n - 1 - i, _short(k) + (" ⟳" if k in chatter else "")) for i, (k, *_r) in enumerate(rows)]
        self.actor_plot.getAxis("left").setTicks([ticks, []])
        most = max((c for _k, c, _s in rows), default=1)
        self.actor_plot.setXRange(0, most * 1.05, padding=0)
        self.actor_plot.setYRange(-0.9, max(n, 1) - 0.2, padding=0)
        self.actor_plot.setToolTip(
            "\n".join(f"{k}: {c} ({100 * s:.0f} %)" for k, c, s in rows)
            + "\n\n"
            + self.tr("Click a bar to filter the table.")
            if rows
            else ""
        )

    def _actor_click(self, event) -> None:
        if not self.bad_actor_rows:
            return
        vb = self.actor_plot.getPlotItem().vb
        pos = vb.mapSceneToView(event.scenePos())
        i = len(self.bad_actor_rows) - 1 - round(pos.y())
        if 0 <= i < len(self.bad_actor_rows):
            self.actorClicked.emit(self.bad_actor_rows[i][0])


def _short(key: str, n: int = 20) -> str:
    return key if len(key) <= n else key[: n - 1] + "…"


def _empty_report() -> KpiReport:
    from app.kpi import compute

    return compute([], 0.0, SLOT_S)


_EMPTY = _empty_report()


# ---------------------------------------------------------------- the view
class AlarmHistoryView(QDialog):
    """The shift supervisor's alarm history window (non-modal)."""

    loaded = Signal(object)  # JournalData of the newest request
    exported = Signal(str, object)  # path, rows written or Exception

    def __init__(
        self,
        db_engine,
        plant: str = "",
        parent=None,
        *,
        settings: QSettings | None = None,
        loader: Loader | None = None,
        pool: QThreadPool | None = None,
    ):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(
            self.tr("Alarm history — {plant}").format(plant=plant) if plant else self.tr("Alarm history")
        )
        self.setObjectName("alarmHistory")
        self.db_engine, self.plant = db_engine, plant
        self.settings = settings if settings is not None else QSettings("Forewarn", "Forewarn")
        if loader is None and db_engine is not None:
            loader = functools.partial(rd.load_history, db_engine)
        self.loader = loader
        self.pool = pool or QThreadPool.globalInstance()
        self.counter = RequestCounter()
        self.signals = HistorySignals(self)
        self.signals.progress.connect(self._on_progress)
        self.signals.loaded.connect(self._on_loaded)
        self.signals.exported.connect(self._on_exported)
        self.data: rd.JournalData | None = None
        self._started = 0.0
        self._autoloaded = False
        self._exports = 0
        self.loading = False

        self.model = JournalModel(self)
        self.proxy = JournalProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._apply_preset()

    # ------------------------------------------------------------ construction
    def _build(self) -> None:
        # range
        self.preset = QComboBox(self)
        self.preset.addItems([QCoreApplication.translate("alarm_history", p) for p in PRESETS])
        self.preset.setCurrentIndex(int(self.settings.value("history/preset", PRESET_CURRENT)))
        self.t0_edit, self.t1_edit = QDateTimeEdit(self), QDateTimeEdit(self)
        for e in (self.t0_edit, self.t1_edit):
            e.setDisplayFormat("yyyy-MM-dd HH:mm")
            e.setCalendarPopup(True)
            e.dateTimeChanged.connect(self._edited)
        self.load_button = QPushButton(self.tr("Load"), self)
        self.load_button.setToolTip(self.tr("Read the journal of the period (F5)"))
        self.load_button.setShortcut("F5")
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("alarmCount")
        row1 = QHBoxLayout()
        row1.addWidget(QLabel(self.tr("Period"), self))
        row1.addWidget(self.preset)
        row1.addWidget(self.t0_edit)
        row1.addWidget(QLabel("–", self))
        row1.addWidget(self.t1_edit)
        row1.addWidget(self.load_button)
        row1.addWidget(self.cancel_button)
        row1.addWidget(self.status_label, 1)
        self.report_button = QPushButton(self.tr("Shift report…"), self)
        self.report_button.setToolTip(self.tr("Print the shift handover report as PDF"))
        row1.addWidget(self.report_button)

        # filters
        self.priority_buttons: dict[int, QToolButton] = {}
        row2 = QHBoxLayout()
        row2.addWidget(QLabel(self.tr("Priority"), self))
        for p in (1, 2, 3, 4):
            b = QToolButton(self)
            b.setText(ROMAN[p])
            b.setCheckable(True)
            b.setChecked(True)
            b.setStyleSheet(_priority_button_qss(p))
            b.setToolTip(self.tr("Show priority {p} alarms").format(p=ROMAN[p]))
            b.toggled.connect(self._filters_changed)
            self.priority_buttons[p] = b
            row2.addWidget(b)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(self.tr("All kinds"), None)
        for k in KINDS:
            self.kind_combo.addItem(k, k)
        self.state_combo = QComboBox(self)
        self.state_combo.addItem(self.tr("All states"), None)
        for code in rd.STATE_NAMES:
            self.state_combo.addItem(journal_state(code), code)
        for c in (self.kind_combo, self.state_combo):
            c.currentIndexChanged.connect(self._filters_changed)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search tag, message, user, comment…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filters_changed)
        self.search.textChanged.connect(self._search_timer.start)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("alarmCount")
        self.csv_button = QPushButton(self.tr("Export CSV…"), self)
        self.pdf_button = QPushButton(self.tr("Export PDF…"), self)
        for w in (self.kind_combo, self.state_combo, self.search):
            row2.addWidget(w)
        row2.addWidget(self.count_label, 1)
        row2.addWidget(self.csv_button)
        row2.addWidget(self.pdf_button)

        self.busy = busy_bar(self)

        # table
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COL_TIME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, w in (
            (COL_TIME, 160),
            (COL_PRI, 36),
            (COL_TAG, 140),
            (COL_KIND, 50),
            (COL_STATE, 100),
            (COL_VALUE, 60),
            (COL_LIMIT, 60),
            (COL_MSG, 270),
            (COL_USER, 72),
        ):
            self.table.setColumnWidth(col, w)

        self.kpi_panel = KpiPanel(self)
        scroll = QScrollArea(self)
        scroll.setWidget(self.kpi_panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(460)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1000, 540])

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(4)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.busy)
        lay.addWidget(self.splitter, 1)

        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.load_button.clicked.connect(self.load)
        self.cancel_button.clicked.connect(self.cancel)
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.report_button.clicked.connect(self.open_shift_report)
        self.kpi_panel.actorClicked.connect(self.search.setText)
        self._set_exports_enabled(False)
        if self.loader is None:
            self.load_button.setEnabled(False)
            self.report_button.setEnabled(False)
            self.status_label.setText(self.tr("No history database: the journal is not recorded."))
        self.resize(1400, 820)

    # ------------------------------------------------------------ periods
    def shift_starts(self) -> str:
        return str(self.settings.value("shifts/starts", ",".join(rd.DEFAULT_SHIFT_STARTS)))

    def operators(self) -> int:
        try:
            return max(1, int(self.settings.value("shifts/operators", 1)))
        except (TypeError, ValueError):
            return 1

    def preset_period(self, index: int, now: float | None = None) -> tuple[float, float] | None:
        now = time.time() if now is None else now
        if index == PRESET_CURRENT:
            return rd.shift_period("current", now, self.shift_starts())
        if index == PRESET_PREVIOUS:
            return rd.shift_period("previous", now, self.shift_starts())
        if index == PRESET_24H:
            return now - 86400.0, now
        if index == PRESET_7D:
            return now - 7 * 86400.0, now
        return None

    def _set_edits(self, t0: float, t1: float) -> None:
        for edit, t in ((self.t0_edit, t0), (self.t1_edit, t1)):
            edit.blockSignals(True)
            edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(t)))
            edit.blockSignals(False)

    def _apply_preset(self) -> tuple[float, float] | None:
        period = self.preset_period(self.preset.currentIndex())
        if period is not None:
            self._set_edits(period[0], math.ceil(period[1] / 60) * 60)
        return period

    def _preset_changed(self, index: int) -> None:
        self.settings.setValue("history/preset", index)
        if index != PRESET_CUSTOM:
            self.load()

    def _edited(self) -> None:
        if self.preset.currentIndex() != PRESET_CUSTOM:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(PRESET_CUSTOM)
            self.preset.blockSignals(False)

    # ------------------------------------------------------------ loading
    def showEvent(self, event) -> None:
        super().showEvent(event)
        # first show, or shown again on a preset: the period moves with the clock
        if self.loader is not None and (not self._autoloaded or self.preset.currentIndex() != PRESET_CUSTOM):
            self._autoloaded = True
            self.load()

    def load(self) -> None:
        """Load the chosen preset (recomputed now) or the free range."""
        period = self._apply_preset()
        if period is None:
            period = (self.t0_edit.dateTime().toSecsSinceEpoch(), self.t1_edit.dateTime().toSecsSinceEpoch())
        self.load_range(*period)

    def load_range(self, t0: float, t1: float) -> int:
        """Start reading ``[t0, t1]`` in a worker; any running read is dropped. Returns the request."""
        if self.loader is None:
            return 0
        if t1 <= t0:
            self.status_label.setText(self.tr("The period must end after it starts."))
            return 0
        request = self.counter.next()
        self._started = time.perf_counter()
        self.loading = True
        self.busy.setRange(0, 0)
        self.busy.show()
        self.cancel_button.setEnabled(True)
        self.status_label.setText(self.tr("Loading…"))
        self.pool.start(
            JournalLoad(
                request, self.counter, self.loader, float(t0), float(t1), self.operators(), self.signals
            )
        )
        return request

    def cancel(self) -> None:
        """Drop the running read (the worker stops at its next chunk)."""
        if self.loading:
            self.counter.next()
            self._idle()
            self.status_label.setText(self.tr("Cancelled."))

    def _idle(self) -> None:
        self.loading = False
        self.busy.hide()
        self.cancel_button.setEnabled(False)

    def _on_progress(self, request: int, done: int, total: int) -> None:
        if request != self.counter.value:
            return
        if total > 0:
            self.busy.setRange(0, total)
            self.busy.setValue(done)
            self.status_label.setText(
                self.tr("Loading… {done} / {total} rows").format(done=f"{done:,}", total=f"{total:,}")
            )

    def _on_loaded(self, request: int, result) -> None:
        if request != self.counter.value:
            return  # replaced or cancelled
        self._idle()
        if isinstance(result, rd.Cancelled):
            self.status_label.setText(self.tr("Cancelled."))
            return
        if isinstance(result, Exception):
            self.status_label.setText(self.tr("Could not read the journal: {error}").format(error=result))
            return
        self.data = result
        self.model.set_entries(result.entries)
        self.table.horizontalHeader().setSortIndicator(COL_TIME, Qt.SortOrder.AscendingOrder)
        priorities = {e.key: e.priority for e in result.entries}
        self.kpi_panel.set_report(result.kpi, priorities)
        dt = time.perf_counter() - self._started
        text = self.tr("{period} · read in {seconds} s").format(
            period=rd.period_label(result.t0, result.t1), seconds=f"{dt:.1f}"
        )
        if result.truncated:
            text += self.tr(" (first {n} rows only)").format(n=f"{len(result.entries):,}")
        self.status_label.setText(text)
        self._update_count()
        self._set_exports_enabled(True)
        self.loaded.emit(result)

    # ------------------------------------------------------------ filters
    def current_filter(self) -> rd.EntryFilter:
        checked = {p for p, b in self.priority_buttons.items() if b.isChecked()}
        kind, state = self.kind_combo.currentData(), self.state_combo.currentData()
        return rd.EntryFilter(
            priorities=frozenset() if len(checked) == 4 else frozenset(checked),
            kinds=frozenset({kind}) if kind else frozenset(),
            states=frozenset({state}) if state else frozenset(),
            text=self.search.text(),
        )

    def set_priorities(self, levels: set[int]) -> None:
        """Show only these priority levels (an empty set shows all)."""
        for p, b in self.priority_buttons.items():
            b.blockSignals(True)
            b.setChecked(not levels or p in levels)
            b.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self) -> None:
        f = self.current_filter()
        if f.priorities == frozenset() and not any(b.isChecked() for b in self.priority_buttons.values()):
            f = rd.EntryFilter(frozenset({0}), f.kinds, f.states, f.text)  # every level switched off
        self.proxy.set_filter(f)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown != total:
            self.count_label.setText(
                self.tr("{shown} of {total} rows").format(shown=f"{shown:,}", total=f"{total:,}")
            )
        else:
            self.count_label.setText(self.tr("{total} rows").format(total=f"{total:,}"))

    def shown_entries(self) -> list[rd.JournalEntry]:
        return self.proxy.entries()

    # ------------------------------------------------------------ export
    def _set_exports_enabled(self, on: bool) -> None:
        self.csv_button.setEnabled(on)
        self.pdf_button.setEnabled(on)

    def _ask_path(self, title: str, suffix: str, pattern: str) -> str:
        folder = str(self.settings.value("history/export_dir", ""))
        stamp = time.strftime("%Y%m%d-%H%M", time.localtime(self.data.t0 if self.data else time.time()))
        path, _ = QFileDialog.getSaveFileName(self, title, f"{folder}/alarm-history-{stamp}{suffix}", pattern)
        if path and not path.lower().endswith(suffix):
            path += suffix
        if path:
            self.settings.setValue("history/export_dir", path.rsplit("/", 1)[0])
        return path

    def _describe(self) -> str:
        f = self.proxy.filter
        parts = [rd.period_label(self.data.t0, self.data.t1)] if self.data else []
        if f.priorities:
            priorities = ", ".join(ROMAN.get(p, "?") for p in sorted(f.priorities))
            parts.append(self.tr("priority {list}").format(list=priorities))
        if f.kinds:
            parts.append(self.tr("kind {list}").format(list=", ".join(sorted(f.kinds))))
        if f.states:
            states = ", ".join(journal_state(s) for s in sorted(f.states))
            parts.append(self.tr("state {list}").format(list=states))
        if f.text.strip():
            parts.append(self.tr("search “{text}”").format(text=f.text.strip()))
        parts.append(self.tr("{total} rows").format(total=f"{self.proxy.rowCount():,}"))
        return " · ".join(parts)

    def export_csv(self, path: str | None = None) -> bool:
        """Write the shown rows (filter and order as on screen) to CSV in a worker."""
        path = path or self._ask_path(self.tr("Export alarm history"), ".csv", self.tr("CSV (*.csv)"))
        if not path:
            return False
        entries = self.shown_entries()
        self._start_export(lambda: rd.write_csv(entries, path), path)
        return True

    def export_pdf(self, path: str | None = None) -> bool:
        """Print the shown rows to a PDF (A4 landscape) in a worker."""
        from views.shift_report import write_journal_pdf

        path = path or self._ask_path(self.tr("Export alarm history"), ".pdf", self.tr("PDF (*.pdf)"))
        if not path:
            return False
        entries, subtitle = self.shown_entries(), self._describe()
        title = (
            self.tr("Alarm history — {plant}").format(plant=self.plant)
            if self.plant
            else self.tr("Alarm history")
        )
        self._start_export(lambda: write_journal_pdf(entries, path, title, subtitle), path)
        return True

    def _start_export(self, write: Callable[[], int], path: str) -> None:
        self._exports += 1
        self.status_label.setText(self.tr("Writing {path}…").format(path=path))
        self.pool.start(ExportJob(write, path, self.signals))

    def _on_exported(self, path: str, result) -> None:
        self._exports -= 1
        if isinstance(result, Exception):
            self.status_label.setText(self.tr("Export failed: {error}").format(error=result))
            if self.isVisible():
                QMessageBox.warning(
                    self,
                    self.tr("Export"),
                    self.tr("{path} could not be written:\n{error}").format(path=path, error=result),
                )
        else:
            self.status_label.setText(
                self.tr("{n} rows written to {path}").format(n=f"{result:,}", path=path)
            )
        self.exported.emit(path, result)

    # ------------------------------------------------------------ shift report
    def open_shift_report(self) -> None:
        from views.shift_report import ShiftReportDialog

        dlg = ShiftReportDialog(self.db_engine, self.plant, self, settings=self.settings, pool=self.pool)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()

    def closeEvent(self, event) -> None:
        self.counter.next()  # a running read stops at its next chunk
        super().closeEvent(event)


def open_alarm_history(parent, history, plant: str, settings: QSettings | None = None) -> AlarmHistoryView:
    """The history window for a main window: ``history`` is a `storage.history.History` or None."""
    return AlarmHistoryView(getattr(history, "engine", None), plant, parent, settings=settings)
