"""The shift report as HTML: title, figures, charts, tables and the signature lines, for A4 paper.

`report_head_html` is the flowing part the PDF prints first (a `QTextDocument` lays it out; the
charts are embedded as ``chart:rate`` and ``chart:split``); the tables after it are the
`views.report_sections` the PDF paints itself. `shift_report_html` is all of it as one document.
Texts are marked with QT_TRANSLATE_NOOP outside f-strings: lupdate does not look inside those.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt

from app.reports import report_data as rd
from app.reports.kpi import KpiReport
from views.report_pdf import PDF_FAMILIES, PRIORITY_BG, PRIORITY_FG, WARN, Cell, Column
from views.report_sections import Section, activations, shift_report_sections
from views.report_texts import header_text, kpi_label, kpi_note, shown, translate

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


def _table(headers: Sequence[str], rows: Sequence[str], widths: Sequence[float] | None = None) -> str:
    ths = "".join(
        f'<th width="{w:g}%">{esc(header_text(h))}</th>' if widths else f"<th>{esc(header_text(h))}</th>"
        for h, w in zip(headers, widths or [0] * len(headers), strict=True)
    )
    return (
        '<table class="grid" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _none(text: str = "") -> str:
    return f'<p class="none">{esc(text or translate("shift_report", "none"))}</p>'


def _cell_html(cell: Cell, column: Column) -> str:
    attrs = ""
    if column.align & Qt.AlignmentFlag.AlignRight:
        attrs += ' align="right"'
    elif column.align & Qt.AlignmentFlag.AlignHCenter:
        attrs += ' align="center"'
    if cell.bg:
        attrs += f' bgcolor="{cell.bg}"'
    style = (f"color:{cell.fg};" if cell.fg else "") + ("font-weight:600;" if cell.bold else "")
    if style:
        attrs += f' style="{style}"'
    return f"<td{attrs}>{esc(cell.text)}</td>"


def section_html(section: Section) -> str:
    """A report table (`views.report_sections.Section`) as HTML: heading, lead, table or "none", note."""
    out = [f"<h2>{esc(section.heading)}</h2>"] if section.heading else []
    if section.lead:
        out.append(f'<p class="note">{esc(section.lead)}</p>')
    if section.rows:
        total = sum(c.weight for c in section.columns) or 1.0
        rows = [
            "<tr>"
            + "".join(_cell_html(c, col) for c, col in zip(cells, section.columns, strict=True))
            + "</tr>"
            for cells in section.rows
        ]
        titles = [c.title for c in section.columns]
        out.append(_table(titles, rows, [100 * c.weight / total for c in section.columns]))
    else:
        out.append(_none(section.empty))
    if section.after:
        out.append(f'<p class="note">{esc(section.after)}</p>')
    out.extend(section_html(x) for x in section.extra)
    return "".join(out)


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
NO_PLANT_TITLE = QT_TRANSLATE_NOOP("shift_report", "Forewarn shift report")
PLANT_TITLE = QT_TRANSLATE_NOOP("shift_report", "Alarm shift report — {plant}")
NOTHING = QT_TRANSLATE_NOOP(
    "shift_report", "Nothing to report: the journal holds no alarm activity for this period."
)
PERFORMANCE = QT_TRANSLATE_NOOP("shift_report", "Alarm system performance (EEMUA 191)")


def report_title(rep: rd.ShiftReport) -> str:
    """ "Alarm shift report — <plant>", or "Forewarn shift report" when the plant is not known."""
    if not rep.plant.strip():
        return translate("shift_report", NO_PLANT_TITLE)
    return translate("shift_report", PLANT_TITLE).format(plant=rep.plant)


def audit_head_line(rep: rd.ShiftReport) -> str:
    """`Audit trail head: #1234 ab12cd…`: a paper copy of the head shows later whether rows were
    cut off the trail's end."""
    if rep.audit_head is None:
        return translate("shift_report", "Audit trail head: none (empty)")
    id_, digest = rep.audit_head
    return translate("shift_report", "Audit trail head: #{id} {hash}…").format(id=id_, hash=digest[:16])


def report_head_html(rep: rd.ShiftReport) -> str:
    """The report's first part: title, period, audit trail head, then the KPI figures and charts
    (images ``chart:rate`` and ``chart:split``), or the one line that there is nothing to report."""
    r = rep.kpi
    out = [f"<html><head><style>{CSS}</style></head><body>"]
    out.append(f"<h1>{esc(report_title(rep))}</h1>")
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
    if rep.nothing_to_report:
        out.append(f"<p><b>{esc(translate('shift_report', NOTHING))}</b></p>")
        out.append("</body></html>")
        return "".join(out)
    out.append(f"<h2>{esc(translate('shift_report', PERFORMANCE))}</h2>")
    out.append(figures_html(rep.figures))
    out.append('<p><img src="chart:rate" width="680" height="190"></p>')
    out.append(
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        '<td width="50%" valign="top"><img src="chart:split" width="330" height="170"></td>'
        f'<td width="50%" valign="top">{_priority_table(r)}</td></tr></table>'
    )
    out.append("</body></html>")
    return "".join(out)


def shift_report_html(rep: rd.ShiftReport) -> str:
    """The whole handover report as one HTML document (the PDF paints the same tables itself)."""
    head = report_head_html(rep).removesuffix("</body></html>")
    if rep.nothing_to_report:
        return head + "</body></html>"
    body = "".join(section_html(s) for s in [*shift_report_sections(rep), activations(rep)])
    return head + body + "</body></html>"


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
