"""The shift report as HTML: figures, tables and the signature lines, styled for A4 paper.

`shift_report_html` is the flowing part of the report (a `QTextDocument` lays it out; the charts
are embedded as ``chart:rate`` and ``chart:split``); the long list of activations is painted
as a table by `views.report_pdf.PdfDocument`.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Sequence

from app import report_data as rd
from app.kpi import KpiReport
from views.report_pdf import PDF_FAMILIES, PRIORITY_BG, PRIORITY_FG, WARN
from views.report_texts import header_text, journal_state, kpi_label, kpi_note, shown, translate

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


# ---------------------------------------------------------------- the shift report
def audit_head_line(rep: rd.ShiftReport) -> str:
    """`Audit trail head: #1234 ab12cd…`: a paper copy of the head shows later whether rows were
    cut off the trail's end."""
    if rep.audit_head is None:
        return translate("shift_report", "Audit trail head: none (empty)")
    id_, digest = rep.audit_head
    return translate("shift_report", "Audit trail head: #{id} {hash}…").format(id=id_, hash=digest[:16])


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
    out.append(f'<p class="sub">{esc(audit_head_line(rep))}</p>')
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

    calibration = translate("shift_report", "Calibration overdue and due this week")
    out.append(f"<h2>{esc(calibration)}</h2>")
    out.append(_calibration_html(rep))

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


def _calibration_html(rep: rd.ShiftReport) -> str:
    """Detectors whose calibration or bump test is overdue (blind spots) or due within the week."""
    if not rep.calibration:
        return _none()
    rows = []
    for c in rep.calibration:
        if c.overdue:
            status = translate("shift_report", "overdue by {n} d").format(n=-c.days_left)
            cell = f"<td class='warn'>{esc(status)}</td>"
        else:
            due = translate("shift_report", "due in {n} d").format(n=c.days_left)
            cell = f"<td>{esc(due)}</td>"
        rows.append(
            f"<tr><td>{esc(c.tag)}</td><td>{esc(c.description)}</td><td>{esc(', '.join(c.hazards))}</td>"
            f"<td>{esc(c.due.isoformat())}</td>{cell}</tr>"
        )
    return _table(("Tag", "Description", "Hazard source", "Due", "Status"), rows, (18, 32, 20, 13, 17))


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
