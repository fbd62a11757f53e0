"""The weekly dual-prevention report as PDF (A4 landscape) for the safety meeting: the week's
figures (hidden dangers found, accepted, open by grade, overdue; permits by kind; inspections
done and missed), the overdue list, and the register of hidden dangers open or changed in the
week with their five 落实 and acceptance. Written with views.report_pdf.PdfDocument."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.dual_prevention.hidden_dangers import GRADE_TEXT, STATUS_TEXT
from app.dual_prevention.permits import KIND_TEXT
from app.dual_prevention.weekly import WeekSummary
from views import i18n
from views.report_html import esc
from views.report_pdf import Cell, Column, PdfDocument, ensure_gui_app

COLUMNS = (
    Column(QT_TRANSLATE_NOOP("shift_report", "Code"), 0.6),
    Column(QT_TRANSLATE_NOOP("shift_report", "Hazard source"), 1.2),
    Column(QT_TRANSLATE_NOOP("shift_report", "Hidden danger"), 2.6),
    Column(QT_TRANSLATE_NOOP("shift_report", "Grade"), 0.8),
    Column(QT_TRANSLATE_NOOP("shift_report", "Status"), 1.0),
    Column(QT_TRANSLATE_NOOP("shift_report", "Responsible"), 0.9),
    Column(QT_TRANSLATE_NOOP("shift_report", "Deadline"), 0.9),
    Column(QT_TRANSLATE_NOOP("shift_report", "Measures"), 2.2),
    Column(QT_TRANSLATE_NOOP("shift_report", "Funds"), 0.7),
    Column(QT_TRANSLATE_NOOP("shift_report", "Accepted by"), 0.9),
)


def _day(ts: float | None) -> str:
    return "" if ts is None else time.strftime("%Y-%m-%d", time.localtime(ts))


def write_weekly_pdf(path: str | Path, week: WeekSummary, plant: str) -> Path:
    """Write the report; its path."""
    ensure_gui_app()
    title = QCoreApplication.translate("dual_prevention_report", "Dual prevention: weekly report")
    doc = PdfDocument(path, title, landscape=True, footer=f"{plant} · {title}")
    period = f"{_day(week.start)} – {_day(week.end - 1)}"
    figures = [
        (QCoreApplication.translate("dual_prevention_report", "Hidden dangers found"), week.found),
        (QCoreApplication.translate("dual_prevention_report", "Accepted"), week.accepted),
        (QCoreApplication.translate("dual_prevention_report", "Open major"), week.open_major),
        (QCoreApplication.translate("dual_prevention_report", "Open general"), week.open_general),
        (QCoreApplication.translate("dual_prevention_report", "Overdue"), len(week.overdue)),
        (QCoreApplication.translate("dual_prevention_report", "Permits issued"), sum(week.permits.values())),
        (QCoreApplication.translate("dual_prevention_report", "People under permits"), week.permit_people),
        (QCoreApplication.translate("dual_prevention_report", "Inspections done"), week.inspections_done),
        (QCoreApplication.translate("dual_prevention_report", "Inspections missed"), week.inspections_missed),
    ]
    cells = "".join(f"<td><b>{n}</b><br/>{esc(label)}</td>" for label, n in figures)
    kinds = ", ".join(f"{i18n.text(KIND_TEXT[k])} {n}" for k, n in week.permits.items()) or "—"
    by_kind = QCoreApplication.translate("dual_prevention_report", "Permits by kind")
    doc.html(
        f"<h2>{esc(plant)} · {esc(title)}</h2><p>{esc(period)}</p>"
        f"<table cellpadding='6' border='1' cellspacing='0'><tr>{cells}</tr></table>"
        f"<p>{esc(by_kind)}: {esc(kinds)}</p>"
    )
    if week.overdue:
        doc.html(
            f"<h3>{esc(figures[4][0])}</h3><ul>"
            + "".join(
                f"<li>{esc(d.code)} {esc(d.hazard)}: {esc(d.title)} ({esc(d.responsible)}, {_day(d.deadline)})</li>"
                for d in week.overdue
            )
            + "</ul>"
        )
    rows = [
        [
            Cell(d.code),
            Cell(d.hazard),
            Cell(d.title + (f" [{d.criterion}]" if d.criterion else "")),
            Cell(i18n.text(GRADE_TEXT[d.grade]), bold=d.grade == "major"),
            Cell(i18n.text(STATUS_TEXT[d.status])),
            Cell(d.responsible),
            Cell(_day(d.deadline), bold=d.overdue(week.end)),
            Cell(d.measures),
            Cell("" if d.funds is None else f"{d.funds:,.0f}"),
            Cell(d.accepted_by),
        ]
        for d in week.dangers
    ]
    doc.table(
        COLUMNS,
        rows,
        heading=QCoreApplication.translate("dual_prevention_report", "Hidden dangers"),
        empty=QCoreApplication.translate("dual_prevention_report", "No hidden dangers this week"),
    )
    doc.note(
        QCoreApplication.translate(
            "dual_prevention_report",
            "Signed: safety manager ________    chair of the safety meeting ________",
        )
    )
    doc.finish()
    return Path(path)
