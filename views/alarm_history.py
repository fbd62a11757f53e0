"""Alarm history for the shift supervisor: the journal of a period, filtered, with its KPIs.

A period is picked from presets (current shift, previous shift, last 24 h, last 7 days; shift
start times from the settings key ``shifts/starts``, default 08:00 / 16:00 / 00:00) or as a free
range. The journal rows and the EEMUA 191 KPIs of the period are read in a `QThreadPool` worker
(`JournalLoad`) with a progress bar; a newer request or Cancel makes the running read stop at its
next chunk. Rows sit in `JournalModel` behind `JournalProxy` (priority, kind, state and free-text
filter, see `app.reports.report_data.EntryFilter`), both in `views.journal_model`. `KpiPanel`
(`views.kpi_panel`) shows the figures and three charts: alarms per 10 minutes against the
1-per-10-min target with floods shaded, the priority split against 5 / 15 / 80 %, and the top-10
bad actors. The shown rows export to CSV and PDF in a worker too.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QSettings,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
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
)

from app.reports import report_data as rd
from core.alarm_types import ROMAN
from views.journal_model import (
    COL_COMMENT,
    COL_KIND,
    COL_LIMIT,
    COL_MSG,
    COL_PRI,
    COL_STATE,
    COL_TAG,
    COL_TIME,
    COL_USER,
    COL_VALUE,
    ExportJob,
    HistorySignals,
    JournalLoad,
    JournalModel,
    JournalProxy,
    Loader,
)
from views.kpi_panel import KpiPanel
from views.report_texts import journal_state
from widgets.alarm_model import kind_label
from widgets.layouts import vbox
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.screen_fit import resize_for_screen
from widgets.tables import busy_bar
from widgets.trend_workers import RequestCounter

PRESETS = (
    QT_TRANSLATE_NOOP("alarm_history", "Current shift"),
    QT_TRANSLATE_NOOP("alarm_history", "Previous shift"),
    QT_TRANSLATE_NOOP("alarm_history", "Last 24 hours"),
    QT_TRANSLATE_NOOP("alarm_history", "Last 7 days"),
    QT_TRANSLATE_NOOP("alarm_history", "Custom range"),
)


PRESET_CURRENT, PRESET_PREVIOUS, PRESET_24H, PRESET_7D, PRESET_CUSTOM = range(len(PRESETS))
KINDS = ("HH", "H", "L", "LL", "STATE", "ROC", "DEV", "STALE", "BAD", "COMM", "SYSTEM")
EARLY_WARNING_KINDS = ("FORECAST", "ANOMALY", "RULE")
WARNINGS_ITEM = "@warnings"  # the kind filter's entry for every early-warning kind at once
SEARCH_DELAY_MS = 200


def _priority_button_qss(p: int) -> str:
    return (
        f"QToolButton {{ min-width: 30px; font-weight: bold; color: #8a8d91; }}"
        f"QToolButton:checked {{ background: {PRIORITY_COLORS[p]}; color: {PRIORITY_TEXT[p]};"
        f" border-color: {PRIORITY_COLORS[p]}; }}"
    )


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
        self.clock = time.time  # "now" of the presets: the engine's clock (an accelerated demo's plant clock)
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
        self.responses_button = QPushButton(self.tr("Responses…"), self)  # to reported alarms (处置反馈)
        self.responses_button.clicked.connect(self.open_responses)
        row1.addWidget(self.responses_button)

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
        self.kind_combo.addItem(self.tr("Early warnings (forecast, anomaly, rule)"), WARNINGS_ITEM)
        for k in EARLY_WARNING_KINDS:
            self.kind_combo.addItem("  " + kind_label(k), k)
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
            (COL_TIME, 128),
            (COL_PRI, 36),
            (COL_TAG, 140),
            (COL_KIND, 74),
            (COL_STATE, 90),
            (COL_VALUE, 60),
            (COL_LIMIT, 60),
            (COL_MSG, 200),
            (COL_USER, 72),
            (COL_COMMENT, 130),
        ):
            self.table.setColumnWidth(col, w)
        # the message takes what is left, so user and comment are in sight without scrolling
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_MSG, QHeaderView.ResizeMode.Stretch)

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

        vbox(row1, row2, self.busy, (self.splitter, 1), margins=8, spacing=4, parent=self)

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
        resize_for_screen(self, 1400, 820)

    # ------------------------------------------------------------ periods
    def shift_starts(self) -> str:
        return str(self.settings.value("shifts/starts", ",".join(rd.DEFAULT_SHIFT_STARTS)))

    def operators(self) -> int:
        try:
            return max(1, int(self.settings.value("shifts/operators", 1)))
        except (TypeError, ValueError):
            return 1

    def preset_period(self, index: int, now: float | None = None) -> tuple[float, float] | None:
        now = self.clock() if now is None else now
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
            kinds=frozenset(EARLY_WARNING_KINDS if kind == WARNINGS_ITEM else {kind})
            if kind
            else frozenset(),
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
        folder = Path(str(self.settings.value("history/export_dir", "") or Path.home()))
        stamp = time.strftime("%Y%m%d-%H%M", time.localtime(self.data.t0 if self.data else time.time()))
        suggested = folder / f"alarm-history-{stamp}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, title, str(suggested), pattern)
        if path and not path.lower().endswith(suffix):
            path += suffix
        if path:
            self.settings.setValue("history/export_dir", str(Path(path).parent))
        return path

    def _describe(self) -> str:
        f = self.proxy.filter
        parts = [rd.period_label(self.data.t0, self.data.t1)] if self.data else []
        if f.priorities:
            priorities = ", ".join(ROMAN.get(p, "?") for p in sorted(f.priorities))
            parts.append(self.tr("priority {list}").format(list=priorities))
        if f.kinds:
            parts.append(
                self.tr("kind {list}").format(list=", ".join(kind_label(k) for k in sorted(f.kinds)))
            )
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
        """Print the shown rows to a PDF (A4 landscape)."""
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
        # painted on the GUI thread (Qt's text layout and fonts are shared by the process: a
        # document painted in a worker while the GUI paints can deadlock); the rows are in memory
        self._exports += 1
        self.status_label.setText(self.tr("Writing {path}…").format(path=path))

        def paint() -> None:
            try:
                result = write_journal_pdf(entries, path, title, subtitle)
            except Exception as exc:  # reported in the view
                result = exc
            self.signals.exported.emit(path, result)

        QTimer.singleShot(0, paint)  # the status line shows first
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

        period = (self.data.t0, self.data.t1) if self.data else None  # what is on screen
        dlg = ShiftReportDialog(
            self.db_engine, self.plant, self, settings=self.settings, pool=self.pool, period=period
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()

    def open_responses(self):
        """The responses to the reported alarms that ended in the period on screen."""
        from views.alarm_response import open_period_responses

        if self.db_engine is None or self.data is None:
            return None
        return open_period_responses(self, self.db_engine, self.data.t0, self.data.t1)

    def closeEvent(self, event) -> None:
        self.counter.next()  # a running read stops at its next chunk
        super().closeEvent(event)


def open_alarm_history(
    parent, history, plant: str, settings: QSettings | None = None, *, now=time.time
) -> AlarmHistoryView:
    """The history window for a main window: ``history`` is a `storage.history.History` or None;
    ``now``: the engine's clock, so the presets ("last 24 h") reach an accelerated demo's plant time."""
    view = AlarmHistoryView(getattr(history, "engine", None), plant, parent, settings=settings)
    view.clock = now
    return view
