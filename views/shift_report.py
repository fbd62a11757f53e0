"""The shift-handover report as a PDF, and the printed list of journal rows.

Both are HTML laid out by a `QTextDocument` and printed with a `QPdfWriter` (A4, page numbers,
"Noto Sans CJK SC" so Chinese tag texts print). Everything here is reentrant: the dialog runs it
in a `QThreadPool` worker (reading the journal, then writing the PDF), the `report` command runs
it on the main thread of a `QGuiApplication`. Charts are painted with `QPainter` into images the
document embeds: no widget is needed.

`ShiftReportDialog` is the supervisor's front end: pick the shift (current, previous or a free
range) and a file, and the report is written in the background.
"""

from __future__ import annotations

import html
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QMarginsF,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSettings,
    QSizeF,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)
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

from app import report_data as rd
from app.kpi import SLOT_S, KpiReport
from app.messages import render

PDF_FONT = "Noto Sans CJK SC"  # Chinese text; Latin text and digits use the first families found
# Latin first: a PDF viewer's search and copy need the digits of a Latin font's text layer
PDF_FAMILIES = ("Nimbus Sans", "DejaVu Sans", PDF_FONT)
PRIORITY_BG = {1: "#d62728", 2: "#ff7f0e", 3: "#f2c200", 4: "#2f7ed8"}
PRIORITY_FG = {1: "#ffffff", 2: "#1a1a1a", 3: "#1a1a1a", 4: "#ffffff"}
WARN = "#c25400"  # over-target figures on white paper
MAX_PRINTED_ROWS = 5000  # activations printed in a shift report (more: cut, with a note)
MAX_JOURNAL_ROWS = 20000  # rows of a printed history list (about 400 pages)


def translate(context: str, text: str) -> str:
    """Qt's translator; thread-safe, so the report is translated in its worker too."""
    return QCoreApplication.translate(context, text)


def shown(text: object) -> str:
    """A text from the core (an `app.messages.Message`: KPI values and notes, durations) in the
    installed language; other text as it is."""
    return render(text, translate)


# Table headings of the printed reports, English as written below; printed translated.
HEADERS = (
    QT_TRANSLATE_NOOP("shift_report", "#"),
    QT_TRANSLATE_NOOP("shift_report", "Active since"),
    QT_TRANSLATE_NOOP("shift_report", "Activations"),
    QT_TRANSLATE_NOOP("shift_report", "Alarm"),
    QT_TRANSLATE_NOOP("shift_report", "Alarms"),
    QT_TRANSLATE_NOOP("shift_report", "By"),
    QT_TRANSLATE_NOOP("shift_report", "Comment"),
    QT_TRANSLATE_NOOP("shift_report", "Count"),
    QT_TRANSLATE_NOOP("shift_report", "Duration"),
    QT_TRANSLATE_NOOP("shift_report", "EEMUA target"),
    QT_TRANSLATE_NOOP("shift_report", "End"),
    QT_TRANSLATE_NOOP("shift_report", "For"),
    QT_TRANSLATE_NOOP("shift_report", "Kind"),
    QT_TRANSLATE_NOOP("shift_report", "Last change"),
    QT_TRANSLATE_NOOP("shift_report", "Limit"),
    QT_TRANSLATE_NOOP("shift_report", "Message"),
    QT_TRANSLATE_NOOP("shift_report", "New state"),
    QT_TRANSLATE_NOOP("shift_report", "Note"),
    QT_TRANSLATE_NOOP("shift_report", "Pri"),
    QT_TRANSLATE_NOOP("shift_report", "Reason"),
    QT_TRANSLATE_NOOP("shift_report", "Share"),
    QT_TRANSLATE_NOOP("shift_report", "Since"),
    QT_TRANSLATE_NOOP("shift_report", "Start"),
    QT_TRANSLATE_NOOP("shift_report", "State"),
    QT_TRANSLATE_NOOP("shift_report", "Tag"),
    QT_TRANSLATE_NOOP("shift_report", "Time"),
    QT_TRANSLATE_NOOP("shift_report", "User"),
    QT_TRANSLATE_NOOP("shift_report", "Value"),
)


def header_text(text: str) -> str:
    """A table heading in the installed language."""
    return translate("shift_report", text)


# The journal's state names (app.report_data.STATE_NAMES) and KPI labels (app.report_data.kpi_figures)
# as printed on screen and in the PDFs, in the installed language.
JOURNAL_STATES = {
    "UNACK": QT_TRANSLATE_NOOP("alarm_history", "Unacked"),
    "ACKED": QT_TRANSLATE_NOOP("alarm_history", "Acked"),
    "RTN_UNACK": QT_TRANSLATE_NOOP("alarm_history", "RTN unacked"),
    "NORMAL": QT_TRANSLATE_NOOP("alarm_history", "Normal"),
    "LATCHED": QT_TRANSLATE_NOOP("alarm_history", "Latched"),
    "SHELVED": QT_TRANSLATE_NOOP("alarm_history", "Shelved"),
    "SUPPRESSED": QT_TRANSLATE_NOOP("alarm_history", "Suppressed"),
    "OOS": QT_TRANSLATE_NOOP("alarm_history", "Out of service"),
}
KPI_LABELS = {
    "activations": QT_TRANSLATE_NOOP("kpi", "Activations"),
    "per_hour": QT_TRANSLATE_NOOP("kpi", "Average rate"),
    "per_10min_max": QT_TRANSLATE_NOOP("kpi", "Peak 10 min"),
    "floods": QT_TRANSLATE_NOOP("kpi", "Floods"),
    "chattering": QT_TRANSLATE_NOOP("kpi", "Chattering"),
    "standing": QT_TRANSLATE_NOOP("kpi", "Standing > 24 h"),
    "ack_mean": QT_TRANSLATE_NOOP("kpi", "Ack time mean"),
    "ack_p90": QT_TRANSLATE_NOOP("kpi", "Ack time p90"),
    "unacked_at_end": QT_TRANSLATE_NOOP("kpi", "Unacked at end"),
    "priority_split": QT_TRANSLATE_NOOP("kpi", "Priority I / II / III+IV"),
    "top_actor": QT_TRANSLATE_NOOP("kpi", "Top bad actor share"),
    "assessment": QT_TRANSLATE_NOOP("kpi", "EEMUA 191 assessment"),
}
KPI_NOTES = (  # the notes without numbers in them
    QT_TRANSLATE_NOOP("kpi", "flood above 10"),
    QT_TRANSLATE_NOOP("kpi", "≥ 3 in 1 min"),
    QT_TRANSLATE_NOOP("kpi", "target 5 / 15 / 80 %"),
)


def journal_state(state: str) -> str:
    """A journal state ('SHELVED') as the supervisor reads it, in the installed language."""
    if state in JOURNAL_STATES:
        return QCoreApplication.translate("alarm_history", JOURNAL_STATES[state])
    return rd.STATE_NAMES.get(state, state)


def kpi_label(key: str, english: str) -> str:
    """A KPI figure's label in the installed language (`english` when it has no translation)."""
    return QCoreApplication.translate("kpi", KPI_LABELS[key]) if key in KPI_LABELS else english


def kpi_note(note: str) -> str:
    """A KPI figure's note (an `app.messages.Message`, or one of `KPI_NOTES`) in the installed language."""
    return QCoreApplication.translate("kpi", note) if note in KPI_NOTES else shown(note)


CSS = """
body { font-family: @FONT@; font-size: 8.5pt; color: #1e1f22; }
h1 { font-size: 16pt; font-weight: 600; margin: 0; }
h2 { font-size: 11pt; font-weight: 600; margin-top: 14px; margin-bottom: 4px; color: #2f3135; }
.sub { color: #55595f; font-size: 9pt; }
.none { color: #6f7378; font-style: italic; }
.note { color: #6f7378; font-size: 7.5pt; }
table.grid { border-collapse: collapse; }
table.grid th { background-color: #e4e6e9; color: #2f3135; font-weight: 600; text-align: left;
                border-bottom: 1px solid #9a9ea4; }
table.grid td { border-bottom: 1px solid #dcdee1; }
td.num { text-align: right; }
td.warn { color: @WARN@; font-weight: 600; }
.fig-label { color: #55595f; font-size: 7.5pt; }
.fig-value { font-size: 12pt; font-weight: 600; }
.fig-warn { font-size: 12pt; font-weight: 600; color: @WARN@; }
""".replace("@FONT@", ", ".join(f"'{f}'" for f in PDF_FAMILIES)).replace("@WARN@", WARN)


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


# ---------------------------------------------------------------- PDF writer
def pdf_font(pixel_size: int = 0) -> QFont:
    font = QFont()
    font.setFamilies(list(PDF_FAMILIES))
    if pixel_size:
        font.setPixelSize(pixel_size)
    return font


def ensure_gui_app() -> QGuiApplication:
    """The application object a QPdfWriter needs; headless (offscreen) when none exists yet."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["forewarn-report"])
    return app


@dataclass(frozen=True)
class Column:
    title: str
    weight: float  # share of the page width
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


@dataclass(frozen=True)
class Cell:
    text: str
    bg: str | None = None
    fg: str | None = None
    bold: bool = False


class PdfDocument:
    """An A4 PDF written page by page: flowing HTML blocks (`QTextDocument`, for headings, figures,
    charts and short tables) and long tables painted row by row with `QPainter` (a QTextDocument
    table of thousands of rows takes minutes to lay out; painting takes a second). Every page gets
    a footer with the title and the page number."""

    def __init__(self, path: str | Path, title: str, *, landscape: bool = False, footer: str = ""):
        self.path, self.title = Path(path), title
        self.footer = footer or title
        self.writer = QPdfWriter(str(path))
        self.writer.setTitle(title)
        self.writer.setCreator("Forewarn")
        self.writer.setResolution(300)
        orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        self.writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                orientation,
                QMarginsF(14, 12, 14, 10),
                QPageLayout.Unit.Millimeter,
            )
        )
        self.painter = QPainter(self.writer)
        area = self.writer.pageLayout().paintRectPixels(self.writer.resolution())
        self.width = float(area.width())
        self.footer_h = self.pt(14)
        self.height = float(area.height()) - self.footer_h  # usable height above the footer
        self.y = 0.0  # cursor on the current page
        self.page = 1
        self.images: dict[str, QImage] = {}

    def pt(self, points: float) -> float:
        """Points -> device pixels."""
        return points * self.writer.resolution() / 72.0

    def font(self, points: float = 8.0, bold: bool = False) -> QFont:
        f = pdf_font()
        f.setPointSizeF(points)
        f.setBold(bold)
        return f

    # ------------------------------------------------------------ pages
    def _footer(self) -> None:
        p = self.painter
        p.save()
        p.setFont(self.font(7))
        p.setPen(QColor("#6f7378"))
        r = QRectF(0, self.height + self.pt(4), self.width, self.footer_h - self.pt(4))
        p.drawLine(QPointF(0, r.top()), QPointF(self.width, r.top()))
        p.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, self.footer)
        page = translate("shift_report", "page {n}").format(n=self.page)
        p.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, page)
        p.restore()

    def new_page(self) -> None:
        self._footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0

    def finish(self) -> None:
        self._footer()
        self.painter.end()
        del self.writer  # closes the file
        if not self.path.exists() or self.path.stat().st_size == 0:
            raise OSError(f"could not write {self.path}")

    # ------------------------------------------------------------ flowing HTML
    def html(self, html_text: str) -> None:
        """Lay out ``html_text`` from the cursor; it continues on new pages as needed (QTextDocument
        keeps lines and table rows whole across page breaks)."""
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)
        font = self.font(8.5)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        for name, image in self.images.items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        doc.setHtml(html_text)
        doc.setTextWidth(self.width)
        if doc.size().height() <= self.height - self.y:  # fits on this page
            self._draw(doc, QRectF(0, 0, self.width, doc.size().height()), self.y)
            self.y += doc.size().height()
            return
        if self.y > 0:
            self.new_page()
        doc.setPageSize(QSizeF(self.width, self.height))
        pages = doc.pageCount()
        for i in range(pages):
            if i:
                self.new_page()
            self._draw(doc, QRectF(0, i * self.height, self.width, self.height), 0.0)
        last = doc.documentLayout().blockBoundingRect(doc.lastBlock()).bottom()
        self.y = max(0.0, last - (pages - 1) * self.height)

    def _draw(self, doc: QTextDocument, clip: QRectF, at_y: float) -> None:
        p = self.painter
        p.save()
        p.translate(0, at_y - clip.top())
        doc.drawContents(p, clip)
        p.restore()

    # ------------------------------------------------------------ painted tables
    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell]],
        *,
        heading: str = "",
        empty: str = "",
    ) -> None:
        """Paint a table from the cursor, its header repeated on every page; wrapped cells."""
        p = self.painter
        body, head = self.font(7.5), self.font(7.5, bold=True)
        pad = self.pt(2.5)
        total = sum(c.weight for c in columns)
        widths = [self.width * c.weight / total for c in columns]
        xs = [sum(widths[:i]) for i in range(len(widths))]
        p.setFont(body)
        fm = p.fontMetrics()
        line_h = float(fm.height())
        head_h = line_h + 2 * pad
        heading_h = self.pt(22) if heading else 0.0
        wrap = int(Qt.TextFlag.TextWordWrap)

        def row_height(cells: Sequence[Cell]) -> float:
            h = line_h
            for cell, w in zip(cells, widths, strict=True):
                inner = w - 2 * pad
                if cell.text and fm.horizontalAdvance(cell.text) > inner:
                    r = fm.boundingRect(QRectF(0, 0, inner, 1e6).toRect(), wrap, cell.text)
                    h = max(h, float(r.height()))
            return h + 2 * pad

        def header() -> None:
            p.fillRect(QRectF(0, self.y, self.width, head_h), QColor("#e4e6e9"))
            p.setFont(head)
            p.setPen(QColor("#2f3135"))
            for c, x, w in zip(columns, xs, widths, strict=True):
                p.drawText(
                    QRectF(x + pad, self.y + pad, w - 2 * pad, line_h),
                    int(c.align | Qt.AlignmentFlag.AlignVCenter),
                    header_text(c.title),
                )
            p.setPen(QPen(QColor("#9a9ea4"), self.pt(0.5)))
            p.drawLine(QPointF(0, self.y + head_h), QPointF(self.width, self.y + head_h))
            self.y += head_h
            p.setFont(body)

        first_h = row_height(rows[0]) if rows else line_h
        if self.y + heading_h + head_h + first_h > self.height:
            self.new_page()
        if heading:
            p.setFont(self.font(11, bold=True))
            p.setPen(QColor("#2f3135"))
            p.drawText(
                QRectF(0, self.y + self.pt(6), self.width, heading_h - self.pt(6)),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                heading,
            )
            self.y += heading_h
            p.setFont(body)
        if not rows:
            p.setFont(self.font(8.5))
            p.setPen(QColor("#6f7378"))
            empty = empty or translate("shift_report", "none")
            p.drawText(QRectF(0, self.y, self.width, line_h * 1.6), int(Qt.AlignmentFlag.AlignVCenter), empty)
            self.y += line_h * 2
            return
        header()
        rule = QPen(QColor("#dcdee1"), self.pt(0.4))
        for cells in rows:
            h = row_height(cells)
            if self.y + h > self.height:
                self.new_page()
                header()
            for cell, c, x, w in zip(cells, columns, xs, widths, strict=True):
                if cell.bg:
                    p.fillRect(QRectF(x, self.y, w, h), QColor(cell.bg))
                p.setPen(QColor(cell.fg or "#1e1f22"))
                if cell.bold:
                    p.setFont(self.font(7.5, bold=True))
                p.drawText(
                    QRectF(x + pad, self.y + pad, w - 2 * pad, h - 2 * pad),
                    wrap | int(c.align | Qt.AlignmentFlag.AlignTop),
                    cell.text,
                )
                if cell.bold:
                    p.setFont(body)
            p.setPen(rule)
            p.drawLine(QPointF(0, self.y + h), QPointF(self.width, self.y + h))
            self.y += h
        self.y += self.pt(4)


# ---------------------------------------------------------------- HTML pieces
def _priority_cell(p: int) -> str:
    bg, fg = PRIORITY_BG.get(p, "#a0a0a0"), PRIORITY_FG.get(p, "#000000")
    return f'<td align="center" bgcolor="{bg}" style="color:{fg}; font-weight:600;">{rd.PRIORITY_NAMES.get(p, p)}</td>'


def _table(headers: Sequence[str], rows: Sequence[str], widths: Sequence[int] | None = None) -> str:
    ths = "".join(
        f'<th width="{w}%">{esc(header_text(h))}</th>' if widths else f"<th>{esc(header_text(h))}</th>"
        for h, w in zip(headers, widths or [0] * len(headers), strict=True)
    )
    return (
        '<table class="grid" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _none(text: str = "") -> str:
    return f'<p class="none">{esc(text or translate("shift_report", "none"))}</p>'


def _entry_row(e: rd.JournalEntry, cols: Sequence[str], when: Callable[[float], str] | None = None) -> str:
    c = dict(zip(rd.CSV_COLUMNS, rd.entry_cells(e), strict=True))
    c["state"] = journal_state(e.state)
    if when is not None:
        c["time"] = when(e.ts)
    cells = []
    for name in cols:
        if name == "priority":
            cells.append(_priority_cell(e.priority))
        elif name in ("value", "limit"):
            cells.append(f'<td class="num">{esc(c[name])}</td>')
        else:
            cells.append(f"<td>{esc(c[name])}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def figures_html(figures: Sequence[rd.Figure], per_row: int = 4) -> str:
    cells = []
    for f in figures:
        cls = "fig-warn" if f.status == "warn" else "fig-value"
        note = f'<br><span class="note">{esc(kpi_note(f.note))}</span>' if f.note else ""
        cells.append(
            f'<td width="{100 // per_row}%" valign="top"><span class="fig-label">{esc(kpi_label(f.key, f.label))}</span><br>'
            f'<span class="{cls}">{esc(shown(f.text))}</span>{note}</td>'
        )
    rows = ["<tr>" + "".join(cells[i : i + per_row]) + "</tr>" for i in range(0, len(cells), per_row)]
    return f'<table width="100%" cellspacing="0" cellpadding="5">{"".join(rows)}</table>'


# ---------------------------------------------------------------- charts (QPainter on QImage)
# Charts are painted at twice the size they print (CHART_SCALE), so they stay sharp on paper.
CHART_SCALE = 2
FONT_PX = 11 * CHART_SCALE
INK, MUTED, GRID = QColor("#333333"), QColor("#55595f"), QColor("#e2e4e7")
RIGHT_V = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT_V = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def _canvas(width: int, height: int) -> tuple[QImage, QPainter]:
    img = QImage(width * CHART_SCALE, height * CHART_SCALE, QImage.Format.Format_RGB32)
    img.fill(QColor("#ffffff"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(pdf_font(FONT_PX))
    return img, p


def _y_axis(p: QPainter, plot: QRectF, ymax: float, step: float, fmt: Callable[[float], str]) -> None:
    v = 0.0
    while v <= ymax + 1e-9:
        y = plot.bottom() - v / ymax * plot.height()
        p.setPen(QPen(GRID, CHART_SCALE))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(MUTED)
        p.drawText(QRectF(0, y - FONT_PX, plot.left() - 8 * CHART_SCALE, 2 * FONT_PX), RIGHT_V, fmt(v))
        v += step


def _legend(p: QPainter, x: float, y: float, items: Sequence[tuple[Callable[[QRectF], None], str]]) -> None:
    """Legend entries from ``x`` to the right: a swatch painter and its text each."""
    fm = p.fontMetrics()
    for paint, text in items:
        swatch = QRectF(x, y - FONT_PX * 0.4, FONT_PX * 1.6, FONT_PX * 0.8)
        paint(swatch)
        p.setPen(INK)
        p.drawText(
            QRectF(swatch.right() + 6, y - FONT_PX, fm.horizontalAdvance(text) + 4, 2 * FONT_PX), LEFT_V, text
        )
        x = swatch.right() + 6 + fm.horizontalAdvance(text) + 18 * CHART_SCALE


def rate_chart(r: KpiReport, width: int = 680, height: int = 190) -> QImage:
    """Alarms per 10 minutes as bars, the 1-per-10-min target as a dashed line, floods shaded."""
    img, p = _canvas(width, height)
    k = CHART_SCALE
    plot = QRectF(34 * k, 24 * k, (width - 34 - 22) * k, (height - 24 - 22) * k)
    series = [int(v) for v in r.per_10min_series]
    target = float(r.operators)  # 1 per 10 min per operator position
    flood_level = 10 * r.operators
    step = _nice_step(max([target * 2, *series, 1]) / 4)
    ymax = math.ceil(max([target * 2, *series, 1]) / step) * step
    span = max(r.span_s, 1.0)

    def x_of(t: float) -> float:
        return plot.left() + (t - r.t0) / span * plot.width()

    def y_of(v: float) -> float:
        return plot.bottom() - v / ymax * plot.height()

    flood_fill = QColor(255, 127, 14, 50)
    for s, e, _n in r.floods:
        p.fillRect(QRectF(x_of(s), plot.top(), max(x_of(e) - x_of(s), 2.0), plot.height()), flood_fill)
    _y_axis(p, plot, ymax, step, lambda v: f"{v:g}")
    bar, over = QColor("#5d6b7e"), QColor("#c25400")
    for i, n in enumerate(series):
        if n > 0:
            x0, x1 = x_of(r.t0 + i * SLOT_S), x_of(min(r.t0 + (i + 1) * SLOT_S, r.t1))
            gap = min(1.5 * k, (x1 - x0) * 0.15)
            p.fillRect(
                QRectF(x0 + gap, y_of(n), max(x1 - x0 - 2 * gap, 1.0), plot.bottom() - y_of(n)),
                over if n > flood_level else bar,
            )
    target_pen = QPen(QColor("#d62728"), 1.2 * k, Qt.PenStyle.DashLine)
    p.setPen(target_pen)
    p.drawLine(QPointF(plot.left(), y_of(target)), QPointF(plot.right(), y_of(target)))
    p.setPen(QPen(INK, k))
    p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
    # time axis: a tick every 1, 2, 3, 6, 12 or 24 h on local whole hours
    hours = span / 3600
    every = next((h for h in (1, 2, 3, 6, 12, 24) if hours / h <= 12), 24 * math.ceil(hours / 288))
    lt = time.localtime(r.t0)
    t = r.t0 - (lt.tm_min * 60 + lt.tm_sec) + (3600 if lt.tm_min or lt.tm_sec else 0)
    while t <= r.t1 + 1:
        if time.localtime(t).tm_hour % every == 0 or every == 1:
            x = x_of(t)
            p.setPen(QPen(MUTED, k))
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4 * k))
            label = time.strftime("%H:%M" if span <= 86400 else "%m-%d %H:%M", time.localtime(t))
            p.drawText(
                QRectF(x - 60 * k, plot.bottom() + 5 * k, 120 * k, 2 * FONT_PX),
                Qt.AlignmentFlag.AlignHCenter,
                label,
            )
        t += 3600
    p.setPen(INK)
    bold = pdf_font(FONT_PX)
    bold.setBold(True)
    p.setFont(bold)
    p.drawText(
        QRectF(plot.left(), 0, plot.width() / 2, 20 * k),
        LEFT_V,
        translate("shift_report", "Alarms per 10 minutes"),
    )
    p.setFont(pdf_font(FONT_PX))

    def target_swatch(rect: QRectF) -> None:
        p.setPen(target_pen)
        p.drawLine(QPointF(rect.left(), rect.center().y()), QPointF(rect.right(), rect.center().y()))

    if r.operators > 1:
        target_text = translate("shift_report", "target 1 / 10 min per operator")
    else:
        target_text = translate("shift_report", "target 1 / 10 min")
    _legend(
        p,
        plot.left() + plot.width() * 0.42,
        10 * k,
        (
            (lambda rect: p.fillRect(rect, bar), translate("shift_report", "alarms")),
            (target_swatch, target_text),
            (
                lambda rect: p.fillRect(rect, QColor(255, 127, 14, 90)),
                translate("shift_report", "flood: > 10 in 10 min"),
            ),
        ),
    )
    p.end()
    return img


def split_chart(r: KpiReport, width: int = 330, height: int = 170) -> QImage:
    """Priority split on the EEMUA scale (I / II / III+IV) against the 5 / 15 / 80 % target."""
    img, p = _canvas(width, height)
    k = CHART_SCALE
    plot = QRectF(40 * k, 24 * k, (width - 40 - 8) * k, (height - 24 - 22) * k)
    _y_axis(p, plot, 100.0, 25.0, lambda v: f"{v:.0f} %")
    split, target = r.priority_split_eemua, r.priority_target
    groups = (
        (1, translate("shift_report", "I high"), PRIORITY_BG[1]),
        (2, translate("shift_report", "II medium"), PRIORITY_BG[2]),
        (3, translate("shift_report", "III+IV low"), PRIORITY_BG[3]),
    )
    gw = plot.width() / 3
    tgt = QColor("#c9ccd0")
    for i, (level, label, color) in enumerate(groups):
        x = plot.left() + i * gw
        bw = gw * 0.3
        for j, (share, fill) in enumerate(((split[level], QColor(color)), (target[level], tgt))):
            h = share * plot.height()
            bx = x + gw * 0.18 + j * (bw + 3 * k)
            p.fillRect(QRectF(bx, plot.bottom() - h, bw, h), fill)
            p.setPen(INK if j == 0 else MUTED)
            p.drawText(
                QRectF(bx - 10 * k, plot.bottom() - h - 2 * FONT_PX, bw + 20 * k, 2 * FONT_PX),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                f"{100 * share:.0f}",
            )
        p.setPen(INK)
        p.drawText(QRectF(x, plot.bottom() + 4 * k, gw, 2 * FONT_PX), Qt.AlignmentFlag.AlignHCenter, label)
    p.setPen(QPen(INK, k))
    p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
    bold = pdf_font(FONT_PX)
    bold.setBold(True)
    p.setFont(bold)
    p.setPen(INK)
    p.drawText(
        QRectF(plot.left(), 0, plot.width() * 0.5, 20 * k),
        LEFT_V,
        translate("shift_report", "Priority split, %"),
    )
    p.setFont(pdf_font(FONT_PX))
    _legend(
        p,
        plot.left() + plot.width() * 0.5,
        10 * k,
        (
            (lambda rect: p.fillRect(rect, QColor("#5d6b7e")), translate("shift_report", "actual")),
            (lambda rect: p.fillRect(rect, tgt), translate("shift_report", "target")),
        ),
    )
    p.end()
    return img


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return max(1.0, m * mag)
    return 10 * mag


# ---------------------------------------------------------------- the shift report
def shift_report_html(rep: rd.ShiftReport) -> str:
    """The handover report as HTML (images ``chart:rate`` and ``chart:split`` are embedded)."""
    r = rep.kpi
    out = [f"<html><head><style>{CSS}</style></head><body>"]
    title = translate("shift_report", "Alarm shift report — {plant}").format(plant=rep.plant)
    out.append(f"<h1>{esc(title)}</h1>")
    period = rd.period_label(rep.t0, rep.t1)
    shift_title = shown(rep.title)
    sub = shift_title if period in shift_title else f"{shift_title} · {period}"
    if r.operators > 1:
        positions = translate("shift_report", "{n} operator positions").format(n=r.operators)
    else:
        positions = translate("shift_report", "1 operator position")
    printed = translate("shift_report", "printed {time}").format(time=rd.fmt_datetime(rep.generated, False))
    out.append(f'<p class="sub">{esc(sub)} &nbsp;·&nbsp; {esc(positions)} &nbsp;·&nbsp; {esc(printed)}</p>')
    out.append(f"<h2>{esc(translate('shift_report', 'Alarm system performance (EEMUA 191)'))}</h2>")
    out.append(figures_html(rep.figures))
    out.append('<p><img src="chart:rate" width="680" height="190"></p>')
    out.append(
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        '<td width="50%" valign="top"><img src="chart:split" width="330" height="170"></td>'
        f'<td width="50%" valign="top">{_priority_table(r)}</td></tr></table>'
    )

    out.append(f"<h2>{esc(translate('shift_report', 'Alarm floods'))}</h2>")
    if r.floods:
        rows = [
            f"<tr><td>{esc(rd.fmt_datetime(s))}</td><td>{esc(rd.fmt_datetime(e))}</td>"
            f'<td class="num">{esc(shown(rd.fmt_duration(e - s)))}</td><td class="num">{n}</td></tr>'
            for s, e, n in r.floods
        ]
        out.append(_table(("Start", "End", "Duration", "Alarms"), rows, (30, 30, 20, 20)))
        in_flood = translate("shift_report", "{percent} % of the shift in flood.").format(
            percent=f"{r.percent_time_in_flood:.1f}"
        )
        out.append(f'<p class="note">{esc(in_flood)}</p>')
    else:
        out.append(_none())

    out.append(f"<h2>{esc(translate('shift_report', 'Top bad actors'))}</h2>")
    if r.bad_actors:
        chatter = dict(r.chattering)
        chattering = translate("shift_report", "chattering: {n} in 1 min")
        rows = [
            f'<tr><td class="num">{i}</td><td>{esc(key)}</td><td class="num">{n}</td>'
            f'<td class="num">{100 * share:.1f} %</td><td>{esc(chattering.format(n=chatter[key])) if key in chatter else ""}</td></tr>'
            for i, (key, n, share) in enumerate(r.bad_actors, 1)
        ]
        out.append(_table(("#", "Alarm", "Activations", "Share", "Note"), rows, (6, 44, 14, 12, 24)))
    else:
        out.append(_none())

    out.append(f"<h2>{esc(translate('shift_report', 'Alarms standing at the end of the shift'))}</h2>")
    if rep.standing_at_end:
        rows = [
            f"<tr>{_priority_cell(e.priority)}<td>{esc(e.tag)}</td><td>{esc(e.kind)}</td>"
            f"<td>{esc(_short_time(since))}</td><td class='num'>{esc(shown(rd.fmt_duration(rep.t1 - since)))}</td>"
            f"<td>{esc(journal_state(e.state))}</td><td>{esc(e.message)}</td></tr>"
            for e, since in rep.standing_at_end
        ]
        out.append(
            _table(
                ("Pri", "Tag", "Kind", "Active since", "For", "State", "Message"),
                rows,
                (5, 22, 8, 13, 12, 12, 28),
            )
        )
    else:
        out.append(_none())

    out.append(f"<h2>{esc(translate('shift_report', 'Unacknowledged at the end of the shift'))}</h2>")
    if rep.unacked_at_end:
        rows = [
            _entry_row(e, ("priority", "tag", "kind", "state", "time", "message"), _short_time)
            for e in rep.unacked_at_end
        ]
        out.append(
            _table(("Pri", "Tag", "Kind", "State", "Last change", "Message"), rows, (5, 22, 8, 12, 13, 40))
        )
    else:
        out.append(_none())

    out.append(f"<h2>{esc(translate('shift_report', 'Shelved, suppressed and out of service'))}</h2>")
    out.append(_off_list_html(rep))

    out.append("</body></html>")
    return "".join(out)


def signatures_html() -> str:
    """The handover signature lines, in the installed language."""
    given = esc(translate("shift_report", "Handed over by:"))
    taken = esc(translate("shift_report", "Taken over by:"))
    return (
        f"<html><head><style>{CSS}</style></head><body><br>"
        '<table width="100%" cellspacing="0" cellpadding="6"><tr>'
        f'<td width="50%">{given} ______________________</td>'
        f'<td width="50%">{taken} ______________________</td></tr></table></body></html>'
    )


PRIORITY_ALIGN = Qt.AlignmentFlag.AlignHCenter
RIGHT = Qt.AlignmentFlag.AlignRight


def entry_cells_pdf(
    e: rd.JournalEntry, cols: Sequence[str], when: Callable[[float], str] | None = None
) -> list[Cell]:
    """Painted-table cells of one journal row; the priority cell carries the level colour."""
    c = dict(zip(rd.CSV_COLUMNS, rd.entry_cells(e), strict=True))
    c["state"] = journal_state(e.state)
    if when is not None:
        c["time"] = when(e.ts)
    return [
        Cell(c[n], PRIORITY_BG.get(e.priority), PRIORITY_FG.get(e.priority), True)
        if n == "priority"
        else Cell(c[n])
        for n in cols
    ]


def activation_table(rep: rd.ShiftReport) -> tuple[list[Column], list[list[Cell]]]:
    cols = [
        Column("Time", 11),
        Column("Pri", 5, PRIORITY_ALIGN),
        Column("Tag", 22),
        Column("Kind", 8),
        Column("Value", 9, RIGHT),
        Column("Limit", 9, RIGHT),
        Column("Message", 36),
    ]
    when = rd.time_format(rep.t0, rep.t1)
    names = ("time", "priority", "tag", "kind", "value", "limit", "message")
    return cols, [entry_cells_pdf(e, names, when) for e in rep.activations[:MAX_PRINTED_ROWS]]


def _short_time(ts: float) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(ts))


def _priority_table(r: KpiReport) -> str:
    """Activations per priority level with their share and the EEMUA 191 target."""
    counts = {p: round(share * r.activations) for p, share in r.priority_split.items()}
    target = {1: "5 %", 2: "15 %", 3: "80 % (III + IV)"}
    rows = [
        f"<tr>{_priority_cell(p)}<td class='num'>{counts.get(p, 0)}</td>"
        f"<td class='num'>{100 * r.priority_split.get(p, 0.0):.1f} %</td><td>{target.get(p, '')}</td></tr>"
        for p in (1, 2, 3, 4)
    ]
    return _table(("Pri", "Count", "Share", "EEMUA target"), rows, (12, 20, 22, 46))


def _off_list_html(rep: rd.ShiftReport) -> str:
    """Alarms off the operator's list at the end of the shift, and who took them off and why."""
    parts = []
    if rep.off_list_at_end:
        rows = [
            _entry_row(e, ("priority", "tag", "kind", "state", "time", "user", "comment"), _short_time)
            for e in rep.off_list_at_end
        ]
        parts.append(
            _table(("Pri", "Tag", "Kind", "State", "Since", "By", "Reason"), rows, (5, 22, 8, 13, 13, 12, 27))
        )
    else:
        parts.append(_none(translate("shift_report", "none at the end of the shift")))
    if rep.off_list_changes:
        rows = [
            _entry_row(e, ("time", "priority", "tag", "kind", "state", "user", "comment"), _short_time)
            for e in rep.off_list_changes
        ]
        parts.append(f'<p class="note">{esc(translate("shift_report", "Changes during the shift:"))}</p>')
        parts.append(
            _table(
                ("Time", "Pri", "Tag", "Kind", "New state", "By", "Reason"), rows, (13, 5, 22, 8, 13, 12, 27)
            )
        )
    return "".join(parts)


def write_shift_report(rep: rd.ShiftReport, path: str | Path) -> None:
    """Print the handover report to a PDF file."""
    title = translate("shift_report", "Alarm shift report — {plant}").format(plant=rep.plant)
    pdf = PdfDocument(path, title, footer=f"{rep.plant} · {shown(rep.title)}")
    pdf.images = {"chart:rate": rate_chart(rep.kpi), "chart:split": split_chart(rep.kpi)}
    pdf.html(shift_report_html(rep))
    cols, rows = activation_table(rep)
    n = len(rep.activations)
    pdf.table(cols, rows, heading=translate("shift_report", "Activations during the shift ({n})").format(n=n))
    if n > len(rows):
        note = translate("shift_report", "The first {shown} of {n} activations are listed.").format(
            shown=len(rows), n=n
        )
        pdf.html(
            f'<html><head><style>{CSS}</style></head><body><p class="note">{esc(note)}</p></body></html>'
        )
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
    pdf.table(JOURNAL_COLUMNS, [entry_cells_pdf(e, names) for e in shown], empty=empty)
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
    """For the `report` command: print ``rep`` with a (headless) QGuiApplication."""
    ensure_gui_app()
    write_shift_report(rep, path)


# ---------------------------------------------------------------- the dialog
class _ReportSignals(QObject):
    done = Signal(str, object)  # path, None or Exception


class ReportJob(QRunnable):
    """Reads the journal and writes the report PDF, off the GUI thread."""

    def __init__(self, build: Callable[[], rd.ShiftReport], path: str, signals: _ReportSignals):
        super().__init__()
        self.build, self.path, self.signals = build, path, signals

    def run(self) -> None:
        try:
            write_shift_report(self.build(), self.path)
            result = None
        except Exception as exc:  # reported in the dialog
            result = exc
        try:
            self.signals.done.emit(self.path, result)
        except RuntimeError:  # the dialog was closed meanwhile
            pass


class ShiftReportDialog(QDialog):
    """Pick a shift and a file; the handover report is written in a worker."""

    finished_report = Signal(str, object)  # path, None or Exception

    def __init__(self, db_engine, plant: str, parent=None, *, settings: QSettings | None = None, pool=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shift report"))
        self.db_engine, self.plant = db_engine, plant
        self.settings = settings if settings is not None else QSettings("Forewarn", "Forewarn")
        self.pool = pool or QThreadPool.globalInstance()
        self.signals = _ReportSignals(self)
        self.signals.done.connect(self._done)
        self.starts = str(self.settings.value("shifts/starts", ",".join(rd.DEFAULT_SHIFT_STARTS)))

        self.shift = QComboBox(self)
        self.shift.addItems([self.tr("Current shift"), self.tr("Previous shift"), self.tr("Custom range")])
        self.shift.setCurrentIndex(1)
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
        ops, engine, plant = self.operators.value(), self.db_engine, self.plant

        def build() -> rd.ShiftReport:
            return rd.build_shift_report(engine, plant, t0, t1, operators=ops)

        self.create_button.setEnabled(False)
        self.busy.show()
        self.status.setText(self.tr("Writing report…"))
        self.pool.start(ReportJob(build, path, self.signals))
        return True

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
