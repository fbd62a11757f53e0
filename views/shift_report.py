"""The shift-handover report as a PDF, the printed list of journal rows, and the dialog for both.

Both are written by `views.report_pdf.PdfDocument` (A4, page numbers, CJK fonts) from the HTML of
`views.report_html` and the charts of `views.report_charts`. Everything here is reentrant: the
dialog runs it in a `QThreadPool` worker (reading the journal, then writing the PDF), the `report`
command runs it on the main thread of a `QGuiApplication`.

`ShiftReportDialog` is the supervisor's front end: pick the shift (current, previous or a free
range) and a file, and the report is written in the background.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QDateTime, QObject, QRunnable, QSettings, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app.reports import report_data as rd
from views.report_charts import rate_chart, split_chart
from views.report_html import CSS, esc, report_head_html, report_title, signatures_html
from views.report_pdf import Column, PdfDocument, ensure_gui_app
from views.report_sections import Section, activations, entry_cells, shift_report_sections
from views.report_texts import journal_state, shown, translate  # noqa: F401 (journal_state: re-exported)

MAX_JOURNAL_ROWS = 5000  # rows of a printed history list (about 100 pages, about a second to paint)


PRIORITY_ALIGN = Qt.AlignmentFlag.AlignHCenter
RIGHT = Qt.AlignmentFlag.AlignRight


def print_section(pdf: PdfDocument, section: Section) -> None:
    """Paint one report table (and its parts), its heading kept with its first rows."""
    points = 11.0 if section.level == 2 else 9.0
    pdf.table(
        section.columns,
        section.rows,
        heading=section.heading,
        empty=section.empty,
        lead=section.lead,
        heading_points=points,
    )
    if section.after:
        pdf.note(section.after)
    for part in section.extra:
        print_section(pdf, part)


def write_shift_report(rep: rd.ShiftReport, path: str | Path) -> None:
    """Print the handover report to a PDF file: the figures and charts, then every table painted
    (headings kept with their rows), the activations, and the signature lines. A period without
    any alarm activity prints one line saying so, and the signatures, on one page."""
    title = report_title(rep)
    footer = " · ".join(t for t in (rep.plant.strip(), shown(rep.title)) if t)
    pdf = PdfDocument(path, title, footer=footer)
    pdf.images = {"chart:rate": rate_chart(rep.kpi), "chart:split": split_chart(rep.kpi)}
    pdf.html(report_head_html(rep))
    if not rep.nothing_to_report:
        for section in [*shift_report_sections(rep), activations(rep)]:
            print_section(pdf, section)
    elif rep.uplink is not None:  # what the regulator received, alarms or not
        from views.report_uplink import uplink_section

        print_section(pdf, uplink_section(rep.uplink))
    pdf.html(signatures_html())
    pdf.finish()


JOURNAL_COLUMNS = (
    Column("Time", 13),
    Column("Pri", 4, PRIORITY_ALIGN),
    Column("Tag", 14),
    Column("Kind", 5),
    Column("State", 8),
    Column("Value", 6, RIGHT),
    Column("Limit", 6, RIGHT),
    Column("Message", 25),
    Column("User", 7),
    Column("Comment", 12),
)


def write_journal_pdf(entries: Sequence[rd.JournalEntry], path: str | Path, title: str, subtitle: str) -> int:
    """Print journal rows (the history view's shown rows) on A4 landscape; returns rows printed."""
    shown = entries[:MAX_JOURNAL_ROWS]
    pdf = PdfDocument(path, title, landscape=True, footer=f"{title} · {subtitle}")
    pdf.html(
        f'<html><head><style>{CSS}</style></head><body><h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p></body></html>'
    )
    names = ("time", "priority", "tag", "kind", "state", "value", "limit", "message", "user", "comment")
    empty = translate("shift_report", "no rows")
    pdf.table(JOURNAL_COLUMNS, [entry_cells(e, names) for e in shown], empty=empty)
    if len(entries) > len(shown):
        note = translate(
            "shift_report", "The first {shown} of {n} rows are printed; export CSV for all."
        ).format(shown=len(shown), n=len(entries))
        pdf.html(
            f'<html><head><style>{CSS}</style></head><body><p class="note">{esc(note)}</p></body></html>'
        )
    pdf.finish()
    return len(shown)


# ---------------------------------------------------------------- headless entry point
def render_report_pdf(rep: rd.ShiftReport, path: str | Path) -> None:
    """For the `report` command: print ``rep`` with a (headless) QGuiApplication, in the HMI's
    language when it makes that application (the saved choice, else $FOREWARN_LANG, else the
    system locale), as the dialog prints it."""
    from PySide6.QtGui import QGuiApplication

    from views.i18n import install_language

    fresh = QGuiApplication.instance() is None
    app = ensure_gui_app()
    if fresh:
        app.setOrganizationName("Forewarn")
        app.setApplicationName("Forewarn")
        install_language(app)
    write_shift_report(rep, path)


# ---------------------------------------------------------------- the dialog
class _ReportSignals(QObject):
    built = Signal(str, object)  # path, the ShiftReport read from the journal
    done = Signal(str, object)  # path, None or Exception


class ReportJob(QRunnable):
    """Reads the journal and works out the report off the GUI thread (the slow part); the GUI
    thread then paints the PDF. Qt's text layout and fonts are shared by the whole process, and
    painting documents in a worker while the GUI paints its windows can deadlock the two."""

    def __init__(self, build: Callable[[], rd.ShiftReport], path: str, signals: _ReportSignals):
        super().__init__()
        self.build, self.path, self.signals = build, path, signals

    def run(self) -> None:
        try:
            rep = self.build()
        except Exception as exc:  # reported in the dialog
            self._emit(self.signals.done, exc)
            return
        self._emit(self.signals.built, rep)

    def _emit(self, signal, value) -> None:
        try:
            signal.emit(self.path, value)
        except RuntimeError:  # the dialog was closed meanwhile
            pass


class ShiftReportDialog(QDialog):
    """Pick a shift and a file; the journal is read in a worker, the PDF painted on the GUI thread."""

    finished_report = Signal(str, object)  # path, None or Exception

    def __init__(
        self,
        db_engine,
        plant: str,
        parent=None,
        *,
        settings: QSettings | None = None,
        pool=None,
        config=None,
        period=None,
    ):
        """`period`: (t0, t1) to report, e.g. the range on the supervisor's screen; else the
        current shift (the one being handed over). `config`: the running plant (its detectors'
        calibration dates)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shift report"))
        self.db_engine, self.plant = db_engine, plant
        self.config = config  # the plant: detectors due for calibration (none without it)
        self.settings = settings if settings is not None else QSettings("Forewarn", "Forewarn")
        self.pool = pool or QThreadPool.globalInstance()
        self.signals = _ReportSignals(self)
        self.signals.done.connect(self._done)
        self.signals.built.connect(self._print)
        self.starts = str(self.settings.value("shifts/starts", ",".join(rd.DEFAULT_SHIFT_STARTS)))

        self.shift = QComboBox(self)
        self.shift.addItems([self.tr("Current shift"), self.tr("Previous shift"), self.tr("Custom range")])
        self.shift.setCurrentIndex(0)
        self.t0_edit = QDateTimeEdit(self)
        self.t1_edit = QDateTimeEdit(self)
        for e in (self.t0_edit, self.t1_edit):
            e.setDisplayFormat("yyyy-MM-dd HH:mm")
            e.setCalendarPopup(True)
        self.operators = QSpinBox(self)
        self.operators.setRange(1, 20)
        self.operators.setValue(int(self.settings.value("shifts/operators", 1)))
        self.path_edit = QLineEdit(self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Shift"), self.shift)
        form.addRow(self.tr("From"), self.t0_edit)
        form.addRow(self.tr("To"), self.t1_edit)
        form.addRow(self.tr("Operator positions"), self.operators)
        form.addRow(self.tr("PDF file"), path_row)
        self.busy = QProgressBar(self)
        self.busy.setObjectName("trendBusy")
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(3)
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.create_button = QPushButton(self.tr("Create PDF"), self)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.busy)
        lay.addLayout(buttons)
        self.shift.currentIndexChanged.connect(self._preset)
        self._preset()
        if period is not None:
            self._show_period(*period)
        self.resize(520, self.sizeHint().height())

    def _preset(self) -> None:
        i = self.shift.currentIndex()
        custom = i == 2
        self.t0_edit.setEnabled(custom)
        self.t1_edit.setEnabled(custom)
        if custom:
            return
        t0, t1 = rd.shift_period("current" if i == 0 else "previous", starts=self.starts)
        self.t0_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(t0)))
        self.t1_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(math.ceil(t1))))
        if not self.path_edit.text() or self.path_edit.text().endswith(".pdf"):
            stamp = time.strftime("%Y%m%d-%H%M", time.localtime(t0))
            folder = Path(str(self.settings.value("shifts/report_dir", Path.home())))
            self.path_edit.setText(str(folder / f"shift-report-{stamp}.pdf"))

    def _show_period(self, t0: float, t1: float) -> None:
        """Report this range: the current or previous shift when it is one, else a custom range."""
        for i, which in ((0, "current"), (1, "previous")):
            a, b = rd.shift_period(which, starts=self.starts)
            if abs(a - t0) < 60 and abs(b - t1) < 60:
                self.shift.setCurrentIndex(i)
                return
        self.shift.setCurrentIndex(2)
        self.t0_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(t0)))
        self.t1_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(math.ceil(t1))))

    def period(self) -> tuple[float, float]:
        i = self.shift.currentIndex()
        if i == 2:
            return self.t0_edit.dateTime().toSecsSinceEpoch(), self.t1_edit.dateTime().toSecsSinceEpoch()
        return rd.shift_period("current" if i == 0 else "previous", starts=self.starts)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save shift report"), self.path_edit.text(), self.tr("PDF (*.pdf)")
        )
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def create(self, path: str | None = None) -> bool:
        """Start writing the report; False if there is no database or the range is empty."""
        path = path or self.path_edit.text().strip()
        if self.db_engine is None:
            self.status.setText(self.tr("No history database: nothing to report."))
            return False
        t0, t1 = self.period()
        if not path or t1 <= t0:
            self.status.setText(self.tr("Choose a file and a period that ends after it starts."))
            return False
        self.settings.setValue("shifts/report_dir", str(Path(path).parent))
        self.settings.setValue("shifts/operators", self.operators.value())
        ops, engine, plant, config = self.operators.value(), self.db_engine, self.plant, self.config

        def build() -> rd.ShiftReport:
            return rd.build_shift_report(engine, plant, t0, t1, operators=ops, config=config)

        self.create_button.setEnabled(False)
        self.busy.show()
        self.status.setText(self.tr("Writing report…"))
        self.pool.start(ReportJob(build, path, self.signals))
        return True

    def _print(self, path: str, rep) -> None:
        """Paint the report read by the worker into its PDF (on the GUI thread)."""
        try:
            write_shift_report(rep, path)
            error = None
        except Exception as exc:  # reported in the dialog
            error = exc
        self._done(path, error)

    def _done(self, path: str, error) -> None:
        self.busy.hide()
        self.create_button.setEnabled(True)
        if error is None:
            self.status.setText(self.tr("Written: {path}").format(path=path))
        else:
            self.status.setText(self.tr("Report failed: {error}").format(error=error))
            if self.isVisible():
                QMessageBox.warning(
                    self,
                    self.tr("Shift report"),
                    self.tr("The report could not be written:\n{error}").format(error=error),
                )
        self.finished_report.emit(path, error)
