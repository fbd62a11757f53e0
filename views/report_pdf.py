"""The PDF writer of the printed reports: A4 pages, fonts with CJK glyphs, page footers.

`PdfDocument` lays out flowing HTML with a `QTextDocument` and paints long tables row by row
with `QPainter`, printed by a `QPdfWriter`. "Noto Sans CJK SC" is in the font families so Chinese
tag texts print. Reentrant: the shift report dialog writes in a `QThreadPool` worker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from views.report_texts import header_text, translate
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT

PDF_FONT = "Noto Sans CJK SC"  # Chinese text; Latin text and digits use the first families found
# Latin first: a PDF viewer's search and copy need the digits of a Latin font's text layer
PDF_FAMILIES = ("Nimbus Sans", "DejaVu Sans", PDF_FONT)
PRIORITY_BG, PRIORITY_FG = PRIORITY_COLORS, PRIORITY_TEXT
WARN = "#c25400"  # over-target figures on white paper
KEEP_ROWS = 2  # a table's heading starts a page with at least its header and this many rows
MAX_FIT_SHARE = 0.4  # a column grows to its widest word up to this share of the page; longer words elide


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


def fit_widths(total: float, weights: Sequence[float], least: Sequence[float]) -> list[float]:
    """Column widths that share `total` by weight, no column narrower than its `least` (its widest
    word): such columns get their least and the others share what is left, by weight. When the
    least widths do not fit together, every column gets its share of `total` by least width."""
    n = len(weights)
    if sum(least) >= total:
        s = sum(least) or 1.0
        return [total * w / s for w in least]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        room = total - sum(fixed.values())
        wsum = sum(weights[i] for i in free) or 1.0
        widths = {i: room * weights[i] / wsum for i in free}
        short = [i for i in free if widths[i] < least[i]]
        if not short:
            return [fixed.get(i, widths.get(i, 0.0)) for i in range(n)]
        for i in short:
            fixed[i] = least[i]


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WORD = re.compile(f"[^\\s{_CJK}]+")  # a line never breaks inside; CJK text breaks between characters


def widest_word(fm: QFontMetricsF, text: str) -> float:
    """The width of the longest piece of `text` a line cannot break (a word, a CJK character)."""
    widest = max((fm.horizontalAdvance(w) for w in _WORD.findall(text)), default=0.0)
    if re.search(f"[{_CJK}]", text):
        widest = max(widest, fm.horizontalAdvance("中"))
    return widest


def fit_text(fm: QFontMetricsF, text: str, width: float) -> str:
    """`text` with every word too wide for `width` elided ("BAD_QUAL…"): nothing is cut off unseen."""
    if widest_word(fm, text) <= width:
        return text
    mode = Qt.TextElideMode.ElideRight

    def fit(m: re.Match) -> str:
        w = m.group(0)
        return w if fm.horizontalAdvance(w) <= width else fm.elidedText(w, mode, width)

    return _WORD.sub(fit, text)


@dataclass(frozen=True)
class Column:
    """A column of a painted table: its heading (English, printed translated) and width. The
    weight shares the page; a column is never narrower than its widest word (`fit_widths`)."""

    title: str
    weight: float  # share of the page width
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


@dataclass(frozen=True)
class Cell:
    """A cell of a painted table: its text and, for the priority cell, the level colours."""

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

    # ------------------------------------------------------------ notes
    def note(self, text: str, *, points: float = 7.5, colour: str = "#6f7378") -> None:
        """A short grey paragraph (wrapped) from the cursor."""
        p = self.painter
        p.setFont(self.font(points))
        fm = QFontMetricsF(p.font(), self.writer)
        flags = int(Qt.TextFlag.TextWordWrap)
        h = fm.boundingRect(QRectF(0, 0, self.width, 1e6), flags, text).height() + self.pt(3)
        if self.y + h > self.height:
            self.new_page()
        p.setPen(QColor(colour))
        p.drawText(QRectF(0, self.y, self.width, h), flags | int(Qt.AlignmentFlag.AlignTop), text)
        self.y += h

    def space_left(self) -> float:
        return self.height - self.y

    # ------------------------------------------------------------ painted tables
    def column_widths(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> list[float]:
        """Device-pixel widths of a painted table's columns: shares of the page by weight, each
        at least as wide as its widest word (heading included) in the table's fonts."""
        pad = self.pt(2.5)
        fm = QFontMetricsF(self.font(7.5), self.writer)
        fm_bold = QFontMetricsF(self.font(7.5, bold=True), self.writer)
        least = []
        for i, c in enumerate(columns):
            w = widest_word(fm_bold, header_text(c.title))
            for cells in rows:
                cell = cells[i]
                w = max(w, widest_word(fm_bold if cell.bold else fm, cell.text))
            least.append(min(w + 2 * pad + 1, self.width * MAX_FIT_SHARE))
        return fit_widths(self.width, [c.weight for c in columns], least)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell]],
        *,
        heading: str = "",
        empty: str = "",
        lead: str = "",
        heading_points: float = 11.0,
    ) -> None:
        """Paint a table from the cursor, its header repeated on every page; wrapped cells.

        Columns are as wide as their widest word (the header's too), a word wider than a whole
        column is elided, never clipped. The heading (and the `lead` line under it) never ends
        a page alone: it starts a page with the header and `KEEP_ROWS` rows, or all of them."""
        p = self.painter
        body, head, bold = self.font(7.5), self.font(7.5, bold=True), self.font(7.5, bold=True)
        pad = self.pt(2.5)
        fm = QFontMetricsF(body, self.writer)
        fm_bold = QFontMetricsF(bold, self.writer)
        titles = [header_text(c.title) for c in columns]
        widths = self.column_widths(columns, rows)
        xs = [sum(widths[:i]) for i in range(len(widths))]
        line_h = float(fm.height())
        head_h = line_h + 2 * pad
        heading_h = self.pt(heading_points * 2) if heading else 0.0
        lead_h = line_h * 1.8 if lead else 0.0
        wrap = int(Qt.TextFlag.TextWordWrap)

        def texts(cells: Sequence[Cell]) -> list[str]:
            return [
                fit_text(fm_bold if cell.bold else fm, cell.text, w - 2 * pad)
                for cell, w in zip(cells, widths, strict=True)
            ]

        def row_height(cells: Sequence[Cell], shown: Sequence[str]) -> float:
            h = line_h
            for cell, text, w in zip(cells, shown, widths, strict=True):
                inner = w - 2 * pad
                metrics = fm_bold if cell.bold else fm
                if text and metrics.horizontalAdvance(text) > inner:
                    r = metrics.boundingRect(QRectF(0, 0, inner, 1e6), wrap, text)
                    h = max(h, float(r.height()))
            return h + 2 * pad

        def header() -> None:
            p.fillRect(QRectF(0, self.y, self.width, head_h), QColor("#e4e6e9"))
            p.setFont(head)
            p.setPen(QColor("#2f3135"))
            for c, t, x, w in zip(columns, titles, xs, widths, strict=True):
                p.drawText(
                    QRectF(x + pad, self.y + pad, w - 2 * pad, line_h),
                    int(c.align | Qt.AlignmentFlag.AlignVCenter),
                    fit_text(fm_bold, t, w - 2 * pad),
                )
            p.setPen(QPen(QColor("#9a9ea4"), self.pt(0.5)))
            p.drawLine(QPointF(0, self.y + head_h), QPointF(self.width, self.y + head_h))
            self.y += head_h
            p.setFont(body)

        shown_rows = [texts(cells) for cells in rows]
        heights = [row_height(cells, shown) for cells, shown in zip(rows, shown_rows, strict=True)]
        kept = sum(heights[:KEEP_ROWS]) + head_h if rows else line_h * 2
        if self.y > 0 and self.y + heading_h + lead_h + kept > self.height:
            self.new_page()
        if heading:
            p.setFont(self.font(heading_points, bold=True))
            p.setPen(QColor("#2f3135"))
            p.drawText(
                QRectF(
                    0,
                    self.y + self.pt(heading_points * 0.55),
                    self.width,
                    heading_h - self.pt(heading_points * 0.55),
                ),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                heading,
            )
            self.y += heading_h
        if lead:
            p.setFont(self.font(7.5))
            p.setPen(QColor("#6f7378"))
            p.drawText(QRectF(0, self.y, self.width, lead_h), int(Qt.AlignmentFlag.AlignVCenter), lead)
            self.y += lead_h
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
        for cells, shown, h in zip(rows, shown_rows, heights, strict=True):
            if self.y + h > self.height:
                self.new_page()
                header()
            for cell, text, c, x, w in zip(cells, shown, columns, xs, widths, strict=True):
                if cell.bg:
                    p.fillRect(QRectF(x, self.y, w, h), QColor(cell.bg))
                p.setPen(QColor(cell.fg or "#1e1f22"))
                if cell.bold:
                    p.setFont(bold)
                p.drawText(
                    QRectF(x + pad, self.y + pad, w - 2 * pad, h - 2 * pad),
                    wrap | int(c.align | Qt.AlignmentFlag.AlignTop),
                    text,
                )
                if cell.bold:
                    p.setFont(body)
            p.setPen(rule)
            p.drawLine(QPointF(0, self.y + h), QPointF(self.width, self.y + h))
            self.y += h
        self.y += self.pt(4)
