"""The shift report's charts, painted with `QPainter` into images the PDF embeds (no widget needed).

`rate_chart`: alarms per 10 minutes against the 1-per-10-min target, floods shaded.
`split_chart`: the priority split on the EEMUA scale against 5 / 15 / 80 %.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from app.reports.kpi import SLOT_S, KpiReport
from views.report_pdf import PRIORITY_BG, pdf_font
from views.report_texts import translate

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
