"""The tables of the shift report as data: a heading, columns and cells, in the installed language.

One source for both renderings: `views.shift_report` paints them on paper (`PdfDocument.table`:
headers repeated, a heading kept with its first rows, columns as wide as their widest word) and
`views.report_html` writes them as HTML. Every heading and note is marked here with
QT_TRANSLATE_NOOP outside any f-string, so lupdate collects it. Reentrant (a worker prints).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt

from app.reports import report_data as rd
from core.alarm_types import State
from views.report_pdf import PRIORITY_BG, PRIORITY_FG, WARN, Cell, Column
from views.report_texts import journal_state, kind_text, shown, translate

RIGHT = Qt.AlignmentFlag.AlignRight
CENTRE = Qt.AlignmentFlag.AlignHCenter
MAX_PRINTED_ROWS = 5000  # activations printed in a shift report (more: cut, with a note)

HEADINGS = {
    "performance": QT_TRANSLATE_NOOP("shift_report", "Alarm system performance (EEMUA 191)"),
    "floods": QT_TRANSLATE_NOOP("shift_report", "Alarm floods"),
    "bad_actors": QT_TRANSLATE_NOOP("shift_report", "Top bad actors"),
    "standing": QT_TRANSLATE_NOOP("shift_report", "Alarms standing at the end of the shift"),
    "unacked": QT_TRANSLATE_NOOP("shift_report", "Unacknowledged at the end of the shift"),
    "off_list": QT_TRANSLATE_NOOP("shift_report", "Shelved, suppressed and out of service"),
    "calibration": QT_TRANSLATE_NOOP("shift_report", "Calibration overdue and due this week"),
    "activations": QT_TRANSLATE_NOOP("shift_report", "Activations during the shift ({n})"),
}
NOTES = {
    "in_flood": QT_TRANSLATE_NOOP("shift_report", "{percent} % of the shift in flood."),
    "chattering": QT_TRANSLATE_NOOP("shift_report", "chattering: {n} in 1 min"),
    "changes": QT_TRANSLATE_NOOP("shift_report", "Changes during the shift:"),
    "none_at_end": QT_TRANSLATE_NOOP("shift_report", "none at the end of the shift"),
    "cut": QT_TRANSLATE_NOOP("shift_report", "The first {shown} of {n} activations are listed."),
    "overdue": QT_TRANSLATE_NOOP("shift_report", "overdue by {n} d"),
    "due": QT_TRANSLATE_NOOP("shift_report", "due in {n} d"),
    "one_shot": QT_TRANSLATE_NOOP("shift_report", "until it clears"),
    "no_expiry": QT_TRANSLATE_NOOP("shift_report", "no expiry"),
    "unknown": QT_TRANSLATE_NOOP("shift_report", "not recorded"),
}


def heading(key: str, **values: object) -> str:
    text = translate("shift_report", HEADINGS[key])
    return text.format(**values) if values else text


def note(key: str, **values: object) -> str:
    text = translate("shift_report", NOTES[key])
    return text.format(**values) if values else text


@dataclass
class Section:
    """One table of the report: `heading` (translated), `lead` (a line between heading and
    table), `empty` (printed instead of a table without rows), `after` (a note under it)."""

    heading: str
    columns: list[Column]
    rows: list[list[Cell]]
    empty: str = ""
    lead: str = ""
    after: str = ""
    level: int = 2  # 2: a heading of its own; 3: a part of the section before it
    extra: list[Section] = field(default_factory=list)


def short_time(ts: float) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(ts))


def priority_cell(p: int) -> Cell:
    return Cell(rd.PRIORITY_NAMES.get(p, str(p)), PRIORITY_BG.get(p, "#a0a0a0"), PRIORITY_FG.get(p), True)


def alarm_columns(tag: float = 22, kind: float = 8) -> list[Column]:
    """The priority, tag and kind columns of an alarm table (`entry_cells` of the same names)."""
    return [Column("Pri", 5, CENTRE), Column("Tag", tag), Column("Kind", kind)]


def entry_cells(
    e: rd.JournalEntry, cols: Sequence[str], when: Callable[[float], str] | None = None
) -> list[Cell]:
    """Cells of one journal row in the named `rd.CSV_COLUMNS`; the priority cell carries the level
    colour, the kind is a word for early warnings (translated), the state is translated."""
    c = dict(zip(rd.CSV_COLUMNS, rd.entry_cells(e), strict=True))
    c["state"] = journal_state(e.state)
    c["kind"] = kind_text(e.kind)
    if when is not None:
        c["time"] = when(e.ts)
    return [priority_cell(e.priority) if n == "priority" else Cell(c[n]) for n in cols]


def until_text(e: rd.JournalEntry, until: dict[str, float | None]) -> str:
    """When an alarm off the list comes back by itself: a shelve's expiry, "until it clears" for a
    one-shot shelve; suppression and out of service have no expiry."""
    if e.state != State.SHELVED:
        return note("no_expiry")
    if e.key not in until:
        return note("unknown")
    t = until[e.key]
    if t is None or not math.isfinite(t):
        return note("one_shot")
    return short_time(t)


def floods(rep: rd.ShiftReport) -> Section:
    r = rep.kpi
    cols = [
        Column("Start", 30),
        Column("End", 30),
        Column("Duration", 20, RIGHT),
        Column("Alarms", 20, RIGHT),
    ]
    rows = [
        [
            Cell(rd.fmt_datetime(s)),
            Cell(rd.fmt_datetime(e)),
            Cell(shown(rd.fmt_duration(e - s))),
            Cell(str(n)),
        ]
        for s, e, n in r.floods
    ]
    after = note("in_flood", percent=f"{r.percent_time_in_flood:.1f}") if r.floods else ""
    return Section(heading("floods"), cols, rows, after=after)


def bad_actors(rep: rd.ShiftReport) -> Section:
    r = rep.kpi
    cols = [
        Column("#", 6, RIGHT),
        Column("Alarm", 44),
        Column("Activations", 14, RIGHT),
        Column("Share", 12, RIGHT),
        Column("Note", 24),
    ]
    chatter = dict(r.chattering)
    rows = [
        [
            Cell(str(i)),
            Cell(key),
            Cell(str(n)),
            Cell(f"{100 * share:.1f} %"),
            Cell(note("chattering", n=chatter[key]) if key in chatter else ""),
        ]
        for i, (key, n, share) in enumerate(r.bad_actors, 1)
    ]
    return Section(heading("bad_actors"), cols, rows)


def standing(rep: rd.ShiftReport) -> Section:
    cols = [*alarm_columns(), Column("Active since", 13), Column("For", 12, RIGHT)]
    cols += [Column("State", 12), Column("Message", 28)]
    rows = []
    for e, since in rep.standing_at_end:
        cells = entry_cells(e, ("priority", "tag", "kind"))
        cells += [Cell(short_time(since)), Cell(shown(rd.fmt_duration(rep.t1 - since)))]
        rows.append(cells + entry_cells(e, ("state", "message")))
    return Section(heading("standing"), cols, rows)


def unacked(rep: rd.ShiftReport) -> Section:
    cols = [*alarm_columns(), Column("State", 12), Column("Last change", 13), Column("Message", 40)]
    names = ("priority", "tag", "kind", "state", "time", "message")
    return Section(heading("unacked"), cols, [entry_cells(e, names, short_time) for e in rep.unacked_at_end])


def off_list(rep: rd.ShiftReport) -> Section:
    """Alarms off the operator's list at the end of the shift: since when, until when, who and why;
    then the changes during the shift."""
    cols = [*alarm_columns(20, 7), Column("State", 11), Column("Since", 11), Column("Until", 11)]
    cols += [Column("By", 10), Column("Reason", 25)]
    rows = []
    for e in rep.off_list_at_end:
        cells = entry_cells(e, ("priority", "tag", "kind", "state", "time"), short_time)
        rows.append([*cells, Cell(until_text(e, rep.off_list_until)), *entry_cells(e, ("user", "comment"))])
    section = Section(heading("off_list"), cols, rows, empty=note("none_at_end"))
    if rep.off_list_changes:
        change_cols = [Column("Time", 13), *alarm_columns(), Column("New state", 13)]
        change_cols += [Column("By", 12), Column("Reason", 27)]
        names = ("time", "priority", "tag", "kind", "state", "user", "comment")
        change_rows = [entry_cells(e, names, short_time) for e in rep.off_list_changes]
        section.extra.append(Section("", change_cols, change_rows, lead=note("changes"), level=3))
    return section


def calibration(rep: rd.ShiftReport) -> Section:
    """Detectors whose calibration or bump test is overdue (blind spots) or due within the week."""
    cols = [
        Column("Tag", 18),
        Column("Description", 32),
        Column("Hazard source", 20),
        Column("Due", 13),
        Column("Status", 17),
    ]
    rows = []
    for c in rep.calibration:
        if c.overdue:
            status = Cell(note("overdue", n=-c.days_left), fg=WARN, bold=True)
        else:
            status = Cell(note("due", n=c.days_left))
        rows.append(
            [Cell(c.tag), Cell(c.description), Cell(", ".join(c.hazards)), Cell(c.due.isoformat()), status]
        )
    return Section(heading("calibration"), cols, rows)


def activations(rep: rd.ShiftReport) -> Section:
    cols = [Column("Time", 11), *alarm_columns(), Column("Value", 9, RIGHT), Column("Limit", 9, RIGHT)]
    cols.append(Column("Message", 36))
    when = rd.time_format(rep.t0, rep.t1)
    names = ("time", "priority", "tag", "kind", "value", "limit", "message")
    rows = [entry_cells(e, names, when) for e in rep.activations[:MAX_PRINTED_ROWS]]
    n = len(rep.activations)
    after = note("cut", shown=len(rows), n=n) if n > len(rows) else ""
    return Section(heading("activations", n=n), cols, rows, after=after)


def shift_report_sections(rep: rd.ShiftReport) -> list[Section]:
    """The report's tables after its figures and charts, in print order (activations last)."""
    out = [floods(rep), bad_actors(rep), standing(rep), unacked(rep), off_list(rep), calibration(rep)]
    if rep.uplink is not None:  # the regulator link's section (views/report_uplink.py)
        from views.report_uplink import uplink_section

        out.append(uplink_section(rep.uplink))
    return out
