"""Texts of the printed reports in the installed language: headings, journal states, KPI labels.

Shared by the screen (`views.alarm_history`) and the paper (`views.report_html`, `views.report_pdf`).
Contexts are fixed strings ("shift_report", "alarm_history", "kpi"), not this module's name, so the
translations stay where they are in the .ts file. Reentrant: reports are translated in a worker too.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.reports import report_data as rd
from core.messages import render
from widgets.alarm_model import kind_label


def translate(context: str, text: str) -> str:
    """Qt's translator; thread-safe, so the report is translated in its worker too."""
    return QCoreApplication.translate(context, text)


def shown(text: object) -> str:
    """A text from the core (an `core.messages.Message`: KPI values and notes, durations) in the
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
    QT_TRANSLATE_NOOP("shift_report", "Description"),
    QT_TRANSLATE_NOOP("shift_report", "Hazard source"),
    QT_TRANSLATE_NOOP("shift_report", "Due"),
    QT_TRANSLATE_NOOP("shift_report", "Status"),
    QT_TRANSLATE_NOOP("shift_report", "Start"),
    QT_TRANSLATE_NOOP("shift_report", "State"),
    QT_TRANSLATE_NOOP("shift_report", "Tag"),
    QT_TRANSLATE_NOOP("shift_report", "Time"),
    QT_TRANSLATE_NOOP("shift_report", "Until"),
    QT_TRANSLATE_NOOP("shift_report", "User"),
    QT_TRANSLATE_NOOP("shift_report", "Value"),
)


def header_text(text: str) -> str:
    """A table heading in the installed language."""
    return translate("shift_report", text)


# The journal's state names (app.reports.report_data.STATE_NAMES) and KPI labels (app.reports.report_data.kpi_figures)
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


def kind_text(kind: str) -> str:
    """An alarm kind as printed: early-warning kinds as words in the installed language (FORECAST
    -> "forecast", 预测), limit codes (HH, ROC) as they are. The alarm list's one home for it."""
    return kind_label(kind)


def kpi_label(key: str, english: str) -> str:
    """A KPI figure's label in the installed language (`english` when it has no translation)."""
    return QCoreApplication.translate("kpi", KPI_LABELS[key]) if key in KPI_LABELS else english


def kpi_note(note: str) -> str:
    """A KPI figure's note (an `core.messages.Message`, or one of `KPI_NOTES`) in the installed language."""
    return QCoreApplication.translate("kpi", note) if note in KPI_NOTES else shown(note)
