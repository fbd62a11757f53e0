"""The shift report's "Regulator link" section: what the regulator received in the shift (online
rate and completeness per point, backlog, refused messages) and the responses to the reported
alarms, from app.uplink.report.UplinkSummary. Column titles are printed translated in the
"shift_report" context (marked below for lupdate)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt

from views.report_pdf import WARN, Cell, Column
from views.report_sections import Section, short_time
from views.report_texts import translate

RIGHT = Qt.AlignmentFlag.AlignRight
TEXTS = {
    "heading": QT_TRANSLATE_NOOP("shift_report", "Regulator link"),
    "lead": QT_TRANSLATE_NOOP(
        "shift_report",
        "Online rate {online}, completeness {complete}; last delivery {last}; backlog {backlog} messages{age}; "
        "{refused} refused.",
    ),
    "age": QT_TRANSLATE_NOOP("shift_report", ", the oldest {minutes} min old"),
    "never": QT_TRANSLATE_NOOP("shift_report", "never"),
    "responses": QT_TRANSLATE_NOOP(
        "shift_report", "Alarm responses ({given} of {n} given, {overdue} overdue)"
    ),
    "refused": QT_TRANSLATE_NOOP("shift_report", "Refused by the platform"),
    "open": QT_TRANSLATE_NOOP("shift_report", "not given"),
}
COLUMNS = (
    QT_TRANSLATE_NOOP("shift_report", "Point"),
    QT_TRANSLATE_NOOP("shift_report", "Online"),
    QT_TRANSLATE_NOOP("shift_report", "Complete"),
    QT_TRANSLATE_NOOP("shift_report", "Alarm"),
    QT_TRANSLATE_NOOP("shift_report", "Ended"),
    QT_TRANSLATE_NOOP("shift_report", "Cause"),
    QT_TRANSLATE_NOOP("shift_report", "Measure"),
    QT_TRANSLATE_NOOP("shift_report", "By"),
    QT_TRANSLATE_NOOP("shift_report", "Answer"),
)
LOW_RATE = 0.95  # a point under this online rate or completeness is printed in the warning colour


def _t(key: str, **values) -> str:
    text = translate("shift_report", TEXTS[key])
    return text.format(**values) if values else text


def percent(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def _rate_cell(x: float | None) -> Cell:
    return Cell(
        percent(x), fg=WARN if x is not None and x < LOW_RATE else None, bold=x is not None and x < LOW_RATE
    )


def uplink_section(summary) -> Section:
    """The section of one period's `UplinkSummary`."""
    h = summary.health
    age = _t("age", minutes=f"{h.backlog_age_s / 60:.0f}") if h.backlog_age_s is not None else ""
    lead = _t(
        "lead",
        online=percent(h.online_rate),
        complete=percent(h.completeness),
        last=short_time(h.last_delivery) if h.last_delivery is not None else _t("never"),
        backlog=h.backlog,
        age=age,
        refused=len(h.refused),
    )
    cols = [
        Column("Point", 22),
        Column("Tag", 22),
        Column("Online", 10, RIGHT),
        Column("Complete", 10, RIGHT),
    ]
    rows = [
        [Cell(p.code), Cell(p.tag), _rate_cell(p.online_rate), _rate_cell(p.completeness)] for p in h.points
    ]
    section = Section(_t("heading"), cols, rows, lead=lead)
    resp_cols = [
        Column("Alarm", 28), Column("Ended", 11), Column("Due", 11), Column("Cause", 20),
        Column("Measure", 20), Column("By", 10),
    ]  # fmt: skip
    resp_rows = []
    for r in summary.responses:
        late = r.responded is None or r.responded > r.due
        resp_rows.append(
            [
                Cell(r.message or r.alarm_key), Cell(short_time(r.ended)),
                Cell(short_time(r.due), fg=WARN if late else None, bold=late),
                Cell(r.cause or _t("open")), Cell(r.measure), Cell(r.user),
            ]
        )  # fmt: skip
    n = len(summary.responses)
    heading = _t("responses", given=summary.responses_given, n=n, overdue=len(summary.overdue))
    section.extra.append(Section(heading, resp_cols, resp_rows, level=3))
    if h.refused:
        ref_cols = [Column("Time", 11), Column("Kind", 10), Column("Point", 22), Column("Answer", 40)]
        ref_rows = [[Cell(short_time(t)), Cell(k), Cell(p), Cell(a)] for t, k, p, a in h.refused]
        section.extra.append(Section(_t("refused"), ref_cols, ref_rows, level=3))
    return section
