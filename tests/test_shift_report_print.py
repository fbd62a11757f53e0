"""The printed shift report a supervisor can hand over: no clipped text (columns as wide as their
widest word), no heading alone at a page end, a title that never says just "Plant", one line when
there is nothing to say, an Until column for shelved alarms, and Chinese headings and kind words
(预测, 异常, 规则) on paper, in the alarm list and in the history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.reports import report_data as rd
from core.alarm_types import Alarm
from tests.test_alarm_history import H, busy_shift, day_start, make_history
from views import i18n

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "forewarn_zh_CN.ts"


@pytest.fixture
def chinese(qapp):
    assert i18n.install_language(qapp, "zh_CN")
    yield qapp
    assert i18n.install_language(qapp, "en")


@pytest.fixture
def shift():
    t0 = day_start(1) + 8 * H
    return t0, t0 + 8 * H


def pdf_pages(path: Path) -> list[str]:
    """The text of every page of a PDF (QtPdf)."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    pages = [doc.getAllText(i).text() for i in range(doc.pageCount())]
    doc.close()
    return pages


def run_report(
    db_url: str, out: Path, *args: str, data_dir: Path, lang: str = "en"
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["FOREWARN_DATA_DIR"] = str(data_dir)
    env["FOREWARN_LANG"] = lang
    return subprocess.run(
        [sys.executable, "main.py", "report", "--db", db_url, *args, "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


# ---------------------------------------------------------------- title and an empty report
@pytest.mark.slow
def test_report_without_config_is_titled_forewarn_shift_report(tmp_path, shift, data_dir, qapp):
    h = make_history(tmp_path / "h.db", busy_shift(shift[0]))
    h.engine.dispose()
    out = tmp_path / "r.pdf"
    t0, t1 = shift
    r = run_report(h.url, out, "--since", str(t0), "--until", str(t1), data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    pages = pdf_pages(out)
    assert pages[0].lstrip().startswith("Forewarn shift report")
    assert not re.search(r"\bPlant\b", "\n".join(pages))


@pytest.mark.slow
def test_a_period_with_nothing_to_say_prints_one_line_on_one_page(tmp_path, data_dir, qapp):
    from storage.history import History

    h = History(f"sqlite:///{tmp_path / 'empty.db'}", [])
    url = h.url
    h.stop()
    out = tmp_path / "empty.pdf"
    r = run_report(url, out, "--shift", "previous", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    pages = pdf_pages(out)
    assert len(pages) == 1, "a report with nothing to say is one page, not a page of signatures"
    text = pages[0]
    assert "Nothing to report: the journal holds no alarm activity for this period." in text
    assert "Handed over by:" in text and "Forewarn shift report" in text
    assert "Alarm floods" not in text and "Activations during the shift" not in text
    r = run_report(url, out, "--shift", "previous", data_dir=data_dir, lang="zh_CN")
    assert r.returncode == 0, r.stderr
    # the PDF text layer maps some CJK glyphs to their Kangxi radical twins: NFKC folds them
    text = unicodedata.normalize("NFKC", pdf_pages(out)[0])
    assert "Forewarn 交接班报表" in text and "无可报告内容" in text and "上一班" in text


# ---------------------------------------------------------------- layout on paper
def test_columns_are_as_wide_as_their_widest_word(tmp_path, qapp):
    from PySide6.QtGui import QFontMetricsF

    from views.report_pdf import Cell, Column, PdfDocument, widest_word
    from views.report_sections import RIGHT

    pdf = PdfDocument(tmp_path / "t.pdf", "t")
    cols = [Column("Time", 11), Column("Kind", 3), Column("Value", 4, RIGHT), Column("Message", 60)]
    rows = [
        [Cell("08:00:00"), Cell(k), Cell("35.8"), Cell("x " * 40)] for k in ("FORECAST", "BAD_QUALITY", "HH")
    ]
    widths = pdf.column_widths(cols, rows)
    fm = QFontMetricsF(pdf.font(7.5), pdf.writer)
    pad = pdf.pt(2.5)
    for k in ("FORECAST", "BAD_QUALITY"):
        assert widths[1] >= widest_word(fm, k) + 2 * pad, f"{k} would be clipped"
    assert sum(widths) == pytest.approx(pdf.width)
    assert widths[3] > widths[0] > widths[1] * 0.5  # the others share what is left by weight
    pdf.table(cols, rows, heading="Kinds")
    pdf.finish()
    assert "BAD_QUALITY" in pdf_pages(tmp_path / "t.pdf")[0]


def test_fit_widths_keeps_weights_and_least_widths():
    from views.report_pdf import fit_widths

    assert fit_widths(100, [1, 1], [0, 0]) == [50, 50]
    assert fit_widths(100, [1, 9], [30, 0]) == [30, 70]
    assert fit_widths(100, [1, 1, 2], [40, 0, 0]) == pytest.approx([40, 20, 40])
    assert fit_widths(100, [1, 1], [80, 80]) == [50, 50]  # too wide together: shared by need


def test_a_word_wider_than_the_page_share_is_elided_not_clipped(qapp):
    from PySide6.QtGui import QFont, QFontMetricsF

    from views.report_pdf import fit_text

    fm = QFontMetricsF(QFont())
    text = fit_text(fm, "a VERY_LONG_UNBREAKABLE_IDENTIFIER b", fm.horizontalAdvance("VERY_LONG"))
    assert text.startswith("a VERY") and "…" in text and text.endswith(" b")
    assert (
        fit_text(fm, "报警 炉缸温度高高 hearth", fm.horizontalAdvance("hearth")) == "报警 炉缸温度高高 hearth"
    )


def test_a_heading_starts_a_page_with_its_header_and_two_rows(tmp_path, qapp):
    from views.report_pdf import Cell, Column, PdfDocument

    path = tmp_path / "keep.pdf"
    pdf = PdfDocument(path, "keep")
    cols = [Column("Tag", 1), Column("Message", 3)]
    rows = [[Cell(f"T{i}"), Cell(f"row {i}")] for i in range(6)]
    row_h = pdf.pt(7.5) * 1.2 + 2 * pdf.pt(2.5)
    # room for the heading, the header and one row only
    pdf.y = pdf.height - (pdf.pt(22) + 2 * row_h + 0.5 * row_h)
    pdf.table(cols, rows, heading="Kept heading")
    pdf.finish()
    pages = pdf_pages(path)
    assert len(pages) == 2
    assert "Kept heading" not in pages[0] and "Kept heading" in pages[1]
    assert "T0" in pages[1] and "T1" in pages[1]


def test_no_section_heading_ends_a_page_of_the_busy_report(tmp_path, shift, qapp):
    from views.report_sections import HEADINGS
    from views.shift_report import write_shift_report

    h = make_history(tmp_path / "h.db", busy_shift(shift[0]))
    try:
        rep = rd.build_shift_report(h.engine, "Test Works", *shift)
    finally:
        h.engine.dispose()
    out = tmp_path / "busy.pdf"
    write_shift_report(rep, out)
    headings = {v.split(" (")[0] for v in HEADINGS.values()}
    for n, page in enumerate(pdf_pages(out), 1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.startswith("Test Works ·") and not ln.startswith("page ")]
        for i, line in enumerate(body):
            if any(line.startswith(hd) for hd in headings) and not line.startswith("Alarm system"):
                after = body[i + 1 : i + 4]
                assert len(after) >= 3, f"page {n}: {line!r} is left alone at the page end"


# ---------------------------------------------------------------- the Until column
def test_the_off_list_table_says_until_when(tmp_path, shift, data_dir, qapp):
    from storage.audit import Action, AuditLog
    from views.report_sections import off_list

    t0, t1 = shift

    def shelved(key: str, ts: float, **kw) -> Alarm:
        return Alarm(key, key.split(":")[0], 0, key.split(":")[1], 3, True, True, ts, ts, 4.2, 5.0, "m", **kw)

    events = [
        shelved("GAS.MAIN.P:L", t0 + H, user="王伟", comment="阀门检修", shelved=True),
        shelved("GH1.LEVEL:L", t0 + 2 * H, user="li.na", comment="one-shot", shelved=True),
        shelved("DC3.DP:H", t0 + 3 * H, user="li.na", comment="no audit", shelved=True),
        shelved("O2.AMB.05:H", t0 + 4 * H, user="zhang.m", comment="探头标定", out_of_service=True),
    ]
    h = make_history(tmp_path / "h.db", events)
    try:
        clock = iter([t0 + H + 1, t0 + 2 * H + 1])
        audit = AuditLog(h.engine, clock=lambda: next(clock), data_dir=data_dir)
        audit.append(
            "王伟", Action.SHELVE, "GAS.MAIN.P:L,OTHER:H", {"duration_s": 4 * 3600, "reason": "阀门检修"}
        )
        audit.append("li.na", Action.SHELVE, "GH1.LEVEL:L", {"duration_s": None, "reason": "one-shot"})
        rep = rd.build_shift_report(h.engine, "Test Works", t0, t1)
    finally:
        h.engine.dispose()
    assert rep.off_list_until == {"GAS.MAIN.P:L": pytest.approx(t0 + 5 * H + 1), "GH1.LEVEL:L": None}
    section = off_list(rep)
    titles = [c.title for c in section.columns]
    assert titles[titles.index("Since") + 1] == "Until"
    until = {row[1].text: row[titles.index("Until")].text for row in section.rows}
    from views.report_sections import short_time

    assert until == {
        "GAS.MAIN.P": short_time(t0 + 5 * H + 1),
        "GH1.LEVEL": "until it clears",
        "DC3.DP": "not recorded",
        "O2.AMB.05": "no expiry",
    }


# ---------------------------------------------------------------- Chinese
def test_report_headings_and_kinds_are_chinese(chinese, tmp_path, shift):
    from views.report_html import shift_report_html
    from views.report_sections import HEADINGS, NOTES, entry_cells, heading
    from views.report_texts import kind_text

    assert (kind_text("FORECAST"), kind_text("ANOMALY"), kind_text("RULE")) == ("预测", "异常", "规则")
    assert kind_text("HH") == "HH"
    for key in HEADINGS:
        text = heading(key, n=3)
        assert re.search(r"[\u4e00-\u9fff]", text), f"{HEADINGS[key]!r} is not translated"
    h = make_history(tmp_path / "h.db", busy_shift(shift[0]))
    try:
        rep = rd.build_shift_report(h.engine, "示范钢厂", *shift)
    finally:
        h.engine.dispose()
    html = shift_report_html(rep)
    for english in (*HEADINGS.values(), NOTES["changes"]):
        assert english.split(" (")[0] not in html, english
    e = rd.JournalEntry(
        1, 1.0, "CO:FORECAST", "CO", "FORECAST", 2, "UNACK", True, False, 30.0, 24.0, "m", "", ""
    )
    assert [c.text for c in entry_cells(e, ("kind", "state"))] == ["预测", "未确认"]


def test_lupdate_collects_every_report_text():
    """The f-string trap: texts written inside f-strings never reached the .ts. Every heading and
    note of the report is in it now, translated."""
    from views.report_html import NO_PLANT_TITLE, NOTHING, PERFORMANCE
    from views.report_sections import HEADINGS, NOTES

    translated = {}
    for ctx in ET.parse(TS).getroot().iter("context"):
        if ctx.findtext("name") == "shift_report":
            for m in ctx.iter("message"):
                tr = m.find("translation")
                translated[m.findtext("source")] = tr.get("type") != "unfinished" and bool(tr.text)
    for text in (*HEADINGS.values(), *NOTES.values(), NO_PLANT_TITLE, NOTHING, PERFORMANCE, "Until"):
        assert translated.get(text), f"{text!r} is not in the .ts or not translated"


def test_history_and_alarm_list_kind_columns_are_chinese(chinese):
    from views.journal_model import COL_KIND, JournalModel
    from widgets.alarm_model import COL_KIND as LIST_KIND
    from widgets.alarm_model import AlarmTableModel

    e = rd.JournalEntry(
        1, 1.0, "CO:FORECAST", "CO", "FORECAST", 2, "UNACK", True, False, 30.0, 24.0, "m", "", ""
    )
    r = rd.JournalEntry(2, 2.0, "R1:RULE", "R1", "RULE", 2, "UNACK", True, False, None, None, "m", "", "")
    m = JournalModel()
    m.set_entries([e, r])
    kinds = [m.data(m.index(i, COL_KIND), Qt.ItemDataRole.DisplayRole) for i in range(2)]
    assert kinds == ["预测", "规则"]
    alarms = AlarmTableModel()
    a = Alarm("CO:ANOMALY", "CO", 0, "ANOMALY", 2, True, False, 1.0, 1.0, 30.0, None, "m")
    alarms.update_alarms([a])
    text = alarms.data(alarms.index(0, LIST_KIND), Qt.ItemDataRole.DisplayRole)
    assert text.endswith("异常")


# ---------------------------------------------------------------- from the main window


def test_the_shift_report_from_the_main_window_reports_the_current_shift(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from app.config import demo_config_path, load_config
    from tests.helpers import FakeEngine
    from views.main_window import MainWindow
    from views.shift_report import ShiftReportDialog

    cfg = load_config(demo_config_path())
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue("shifts/starts", "07:30,19:30")  # the site's two shifts, not the default three
    win = MainWindow(FakeEngine(cfg), cfg, settings)
    qtbot.addWidget(win)
    win.shift_report_action.trigger()
    dlg = win.findChild(ShiftReportDialog)
    assert dlg is not None and dlg.isVisible()
    qtbot.addWidget(dlg)
    t0, t1 = rd.shift_period("current", starts="07:30,19:30")
    assert dlg.shift.currentIndex() == 0 and dlg.shift.currentText() == "Current shift"
    assert not dlg.t0_edit.isEnabled() and not dlg.t1_edit.isEnabled()
    assert dlg.t0_edit.dateTime().toSecsSinceEpoch() == int(t0)
    assert abs(dlg.t1_edit.dateTime().toSecsSinceEpoch() - t1) <= 120  # now, to the minute shown
    a, b = dlg.period()
    assert a == t0 and b >= t1
    assert dlg.config is cfg
    dlg.close()
