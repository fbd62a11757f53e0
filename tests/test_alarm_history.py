"""Alarm history view, shift report and their data over a real SQLite journal: rows load in a
worker (never on the GUI thread), filters, CSV and PDF export, KPI figures equal `app.reports.kpi`, and
the headless `report` command writes a readable PDF."""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import sys
import threading
import unicodedata
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.reports import kpi  # noqa: E402
from app.reports import report_data as rd  # noqa: E402
from core.alarm_types import Alarm  # noqa: E402
from core.samples import SampleBatch  # noqa: E402
from storage.journal_reads import load_events  # noqa: E402
from tests import helpers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
H = 3600.0

# (key, priority, limit, message) of the synthetic plant's alarms
ALARMS = [
    ("BF1.TOP.PRESS:H", 2, 230.0, "高炉炉顶压力高 BF1 top pressure high"),
    ("BF1.HEARTH.T07:HH", 1, 780.0, "炉缸温度高高 hearth temperature very high"),
    ("BOF2.LANCE.DFLOW:H", 1, 8.0, "氧枪冷却水流量差大 lance cooling-water flow difference"),
    ("GH1.CO.03:H", 2, 160.0, "煤气柜区域CO浓度高 CO high near gas holder"),
    ("GH1.CO.04:H", 2, 160.0, "煤气柜区域CO浓度高 CO high near gas holder"),
    ("GH1.CO.05:L", 3, 24.0, "煤气柜区域CO浓度 CO low alarm"),
    ("GH1.LEVEL:L", 3, 15.0, "煤气柜柜位低 gas holder level low"),
    ("GAS.MAIN.P:L", 3, 4.5, "煤气总管压力低 gas main pressure low"),
    ("DC3.HOPPER.T:H", 3, 120.0, "除尘器灰斗温度高 dust hopper temperature high"),
    ("DC3.DP:H", 4, 1800.0, "除尘器压差高 dust collector differential pressure"),
    ("O2.AMB.05:H", 3, 23.5, "氧含量高 oxygen enrichment"),
    ("CAST.MOULD.FLOW:L", 2, 90.0, "结晶器冷却水流量低 mould cooling-water flow low"),
    ("CW.PUMP2.RUN:STATE", 4, None, "冷却水泵2停 cooling-water pump 2 stopped"),
    ("plc2:COMM", 2, None, "通讯中断 communication lost"),
]
INFO = {k: (p, lim, msg) for k, p, lim, msg in ALARMS}
USERS = ("王伟", "li.na", "zhang.m")


def alarm(
    key: str, ts: float, active: bool, acked: bool, since: float, value: float = float("nan"), **kw
) -> Alarm:
    p, lim, msg = INFO.get(key, (3, None, key))
    return helpers.alarm(
        key,
        priority=p,
        active=active,
        acked=acked,
        ts=ts,
        since=since,
        value=value,
        limit=lim,
        message=msg,
        **kw,
    )


def cycle(key: str, ts: float, rng: random.Random, *, ack_s: float | None = None, rtn_s: float | None = None):
    """Activation, acknowledgement and return to normal (in either order) of one alarm."""
    p, lim, _ = INFO[key]
    v = (lim or 1.0) * (1.05 if key.endswith(("H", "HH")) else 0.95)
    ack_s = rng.uniform(15, 240) if ack_s is None else ack_s
    rtn_s = rng.uniform(30, 900) if rtn_s is None else rtn_s
    user = rng.choice(USERS)
    out = [alarm(key, ts, True, False, ts, v)]
    if ack_s < rtn_s:
        out.append(alarm(key, ts + ack_s, True, True, ts, v, user=user))
        out.append(alarm(key, ts + rtn_s, False, True, ts, v))
    else:
        out.append(alarm(key, ts + rtn_s, False, False, ts, v))
        out.append(alarm(key, ts + ack_s, False, True, ts, v, user=user))
    return out


def busy_shift(t0: float, hours: float = 8.0, seed: int = 7) -> list[Alarm]:
    """A busy shift from ``t0``: background alarms, a CO flood, a chattering hopper temperature, a
    pump standing since the day before, a shelved and an out-of-service alarm, three alarms left
    unacknowledged at the end."""
    rng = random.Random(seed)
    t1 = t0 + hours * H
    ev: list[Alarm] = []
    # standing since yesterday, acknowledged long ago
    ev += [alarm("CW.PUMP2.RUN:STATE", t0 - 30 * H, True, False, t0 - 30 * H, 0.0)]
    ev += [alarm("CW.PUMP2.RUN:STATE", t0 - 29.5 * H, True, True, t0 - 30 * H, 0.0, user="li.na")]
    background = [k for k, *_ in ALARMS if k not in ("CW.PUMP2.RUN:STATE", "GAS.MAIN.P:L", "O2.AMB.05:H")]
    weights = [1 if INFO[k][0] == 1 else 3 if INFO[k][0] == 2 else 6 for k in background]
    t = t0 + 300
    busy_until = {}
    while t < t1 - 1800:
        key = rng.choices(background, weights)[0]
        if busy_until.get(key, 0) < t:
            ev += cycle(key, t, rng)
            busy_until[key] = t + 1000
        t += rng.expovariate(7 / H)
    # a CO flood 2.5 h into the shift: 36 activations in 12 minutes
    f0 = t0 + 2.5 * H
    co = ["GH1.CO.03:H", "GH1.CO.04:H", "GH1.CO.05:L", "GH1.LEVEL:L", "O2.AMB.05:H", "BF1.TOP.PRESS:H"]
    for i in range(36):
        ev += cycle(
            co[i % len(co)], f0 + i * 20 + rng.uniform(0, 5), rng, ack_s=rng.uniform(60, 400), rtn_s=12
        )
    # chattering: six activations in 50 s
    c0 = t0 + 5 * H
    for i in range(6):
        ev += cycle("DC3.HOPPER.T:H", c0 + i * 9, rng, ack_s=4, rtn_s=6)
    # shelved by the supervisor, and a detector out of service for maintenance
    ev.append(alarm("GAS.MAIN.P:L", t0 + 1 * H, True, False, t0 + 1 * H, 4.2))
    ev.append(
        alarm(
            "GAS.MAIN.P:L",
            t0 + 1.1 * H,
            True,
            True,
            t0 + 1 * H,
            4.2,
            user="王伟",
            comment="阀门检修 valve work",
            shelved=True,
        )
    )
    ev.append(
        alarm(
            "O2.AMB.05:H",
            t0 + 6 * H,
            False,
            True,
            t0 + 6 * H,
            user="zhang.m",
            comment="探头标定 calibration",
            out_of_service=True,
        )
    )
    # still unacknowledged when the shift ends
    for k, dt in (("BF1.HEARTH.T07:HH", 800), ("CAST.MOULD.FLOW:L", 500), ("plc2:COMM", 200)):
        ev.append(alarm(k, t1 - dt, True, False, t1 - dt, 800.0 if k.startswith("BF1") else float("nan")))
    ev.sort(key=lambda a: a.ts)
    return ev


def make_history(path: Path, events: list[Alarm]):
    from storage.history import History

    h = History(f"sqlite:///{path}", [])
    h.write_now(SampleBatch.empty(), events=events)
    return h


def day_start(offset_days: int = 0) -> float:
    d = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return d.timestamp() - offset_days * 86400


@pytest.fixture
def shift():
    """Yesterday's 08:00-16:00 shift (local time), busy."""
    t0 = day_start(1) + 8 * H
    return t0, t0 + 8 * H


@pytest.fixture
def history(tmp_path, shift):
    h = make_history(tmp_path / "history.db", busy_shift(shift[0]))
    yield h
    h.engine.dispose()


# ---------------------------------------------------------------- data (no Qt)
def test_shift_periods_follow_local_start_times():
    base = day_start(0)
    now = base + 10 * H + 5
    assert rd.shift_period("current", now) == (base + 8 * H, now)
    assert rd.shift_period("previous", now) == (base, base + 8 * H)
    assert rd.shift_period("previous", base + 3 * H) == (base - 8 * H, base)  # yesterday 16:00-24:00
    assert rd.shift_period("current", now, starts="06:00,18:00") == (base + 6 * H, now)
    assert rd.parse_shift_starts("16:00, 00:00,08:00") == (0, 480, 960)
    with pytest.raises(ValueError):
        rd.parse_shift_starts("25:00")


def test_filter_matches_priority_kind_state_and_words():
    e = rd.JournalEntry(
        1,
        0.0,
        "GH1.CO.03:H",
        "GH1.CO.03",
        "H",
        2,
        "UNACK",
        True,
        False,
        170.0,
        160.0,
        "煤气柜区域CO浓度高",
        "",
        "",
    )
    assert rd.EntryFilter().matches(e)
    assert rd.EntryFilter(priorities=frozenset({2})).matches(e)
    assert not rd.EntryFilter(priorities=frozenset({1})).matches(e)
    assert not rd.EntryFilter(kinds=frozenset({"HH"})).matches(e)
    assert rd.EntryFilter(states=frozenset({"UNACK"})).matches(e)
    assert rd.EntryFilter(text="gh1 煤气柜").matches(e)
    assert not rd.EntryFilter(text="gh1 bf1").matches(e)


def test_shift_report_data(history, shift):
    t0, t1 = shift
    rep = rd.build_shift_report(history.engine, "Test Works", t0, t1)
    r = kpi.compute(load_events(history.engine, t0, t1), t0, t1)
    assert rep.kpi == r
    assert len(rep.activations) == r.activations
    assert {e.key for e in rep.unacked_at_end} >= {"BF1.HEARTH.T07:HH", "CAST.MOULD.FLOW:L", "plc2:COMM"}
    assert len(rep.unacked_at_end) == r.unacked_at_end
    standing = {e.key: since for e, since in rep.standing_at_end}
    assert standing["CW.PUMP2.RUN:STATE"] == pytest.approx(t0 - 30 * H)
    assert {e.key: e.state for e in rep.off_list_at_end} == {"GAS.MAIN.P:L": "SHELVED", "O2.AMB.05:H": "OOS"}
    assert [e.comment for e in rep.off_list_changes] == ["阀门检修 valve work", "探头标定 calibration"]
    assert r.floods and r.chattering[0][0] == "DC3.HOPPER.T:H"


# ---------------------------------------------------------------- the view
@pytest.fixture
def view(qtbot, history, shift, tmp_path):
    from PySide6.QtCore import QSettings

    from views.alarm_history import AlarmHistoryView

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    threads = []

    def loader(t0, t1, **kw):
        threads.append(threading.current_thread())
        return rd.load_history(history.engine, t0, t1, **kw)

    v = AlarmHistoryView(history.engine, "Test Works", settings=settings, loader=loader)
    v.load_threads = threads
    qtbot.addWidget(v)
    yield v
    v.close()
    v.pool.waitForDone(5000)


def load(qtbot, v, t0, t1):
    with qtbot.waitSignal(v.loaded, timeout=10000):
        v.load_range(t0, t1)


def test_view_loads_in_a_worker_and_filters(qtbot, view, history, shift):
    t0, t1 = shift
    load(qtbot, view, t0, t1)
    entries, _ = rd.load_journal(history.engine, t0, t1)
    assert view.model.rowCount() == len(entries) > 100
    assert view.load_threads and all(t is not threading.main_thread() for t in view.load_threads)

    view.set_priorities({1})
    want = [e for e in entries if e.priority == 1]
    assert view.proxy.rowCount() == len(want)
    assert all(e.priority == 1 for e in view.shown_entries())

    view.set_priorities(set())
    view.search.setText("煤气柜 gh1.co.03")
    qtbot.waitUntil(lambda: view.proxy.rowCount() == len([e for e in entries if e.key == "GH1.CO.03:H"]))
    assert view.count_label.text().startswith(f"{view.proxy.rowCount()} of {len(entries)}")


def test_kpi_panel_equals_kpi_compute(qtbot, view, history, shift):
    t0, t1 = shift
    load(qtbot, view, t0, t1)
    r = kpi.compute(load_events(history.engine, t0, t1), t0, t1)
    assert view.kpi_panel.report == r
    shown = view.kpi_panel.figure_texts()
    assert shown == {f.key: f.text for f in rd.kpi_figures(r)}
    assert shown["activations"] == str(r.activations)
    assert shown["floods"] == str(len(r.floods))
    assert view.kpi_panel.rate_bars.opts["height"].tolist() == r.per_10min_series.tolist()
    assert len(view.kpi_panel.flood_regions) == len(r.floods)
    assert [k for k, *_ in view.kpi_panel.bad_actor_rows] == [k for k, *_ in r.bad_actors]


def test_export_shown_rows_to_csv_and_pdf(qtbot, view, history, shift, tmp_path):
    t0, t1 = shift
    load(qtbot, view, t0, t1)
    view.set_priorities({1, 2})
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("H"))
    expected = [
        e for e in rd.load_journal(history.engine, t0, t1)[0] if e.priority in (1, 2) and e.kind == "H"
    ]
    assert expected

    out = tmp_path / "shown.csv"
    with qtbot.waitSignal(view.exported, timeout=10000) as sig:
        view.export_csv(str(out))
    assert sig.args[1] == len(expected)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["key"] for r in rows] == [e.key for e in expected]
    assert {r["priority"] for r in rows} <= {"I", "II"}
    assert rows[0]["message"] == expected[0].message

    pdf = tmp_path / "shown.pdf"
    with qtbot.waitSignal(view.exported, timeout=20000) as sig:
        view.export_pdf(str(pdf))
    assert not isinstance(sig.args[1], Exception), sig.args[1]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_cancel_drops_the_running_load(qtbot, history, shift, tmp_path):
    from PySide6.QtCore import QSettings

    from views.alarm_history import AlarmHistoryView

    gate, started = threading.Event(), threading.Event()

    def slow(t0, t1, **kw):
        started.set()
        gate.wait(10)
        return rd.load_history(history.engine, t0, t1, **kw)

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    v = AlarmHistoryView(history.engine, "Test Works", settings=settings, loader=slow)
    qtbot.addWidget(v)
    v.load_range(*shift)
    qtbot.waitUntil(started.is_set)
    assert v.cancel_button.isEnabled()
    v.cancel()
    gate.set()
    v.pool.waitForDone(10000)
    assert not v.loading and v.busy.isHidden()
    assert v.model.rowCount() == 0 and "cancelled" in v.status_label.text().lower()


def test_shift_report_dialog_writes_pdf(qtbot, history, shift, tmp_path):
    from PySide6.QtCore import QSettings

    from views.shift_report import ShiftReportDialog

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dlg = ShiftReportDialog(history.engine, "Test Works", settings=settings)
    qtbot.addWidget(dlg)
    dlg.shift.setCurrentIndex(2)
    dlg.t0_edit.setDateTime(dlg.t0_edit.dateTime().fromSecsSinceEpoch(int(shift[0])))
    dlg.t1_edit.setDateTime(dlg.t1_edit.dateTime().fromSecsSinceEpoch(int(shift[1])))
    out = tmp_path / "dialog.pdf"
    with qtbot.waitSignal(dlg.finished_report, timeout=30000) as sig:
        assert dlg.create(str(out))
    assert sig.args[1] is None
    assert out.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- the report command
@pytest.mark.slow
def test_report_command_writes_pdf(history, shift, tmp_path):
    t0, t1 = shift
    cfg = tmp_path / "plant.yaml"
    cfg.write_text("schema: 1\nplant: {name: 鞍山 Test Works}\n", encoding="utf-8")
    out = tmp_path / "report.pdf"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    r = subprocess.run(
        [
            sys.executable,
            "main.py",
            "report",
            "--db",
            history.url,
            "--config",
            str(cfg),
            "--since",
            str(t0),
            "--until",
            str(t1),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    rep = rd.build_shift_report(history.engine, "鞍山 Test Works", t0, t1)
    assert rep.plant == "鞍山 Test Works" and len(rep.activations) > 50
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        # the PDF text layer maps some CJK glyphs to their Kangxi radical twins (山 -> ⼭): NFKC folds them
        text = unicodedata.normalize("NFKC", text)
        assert "鞍山 Test Works" in text
        assert "Shelved, suppressed and out of service" in text
        assert "检修 valve work" in text and "探头标定" in text


@pytest.mark.slow
def test_report_command_previous_shift_and_bad_time(history, tmp_path):
    out = tmp_path / "prev.pdf"
    r = subprocess.run(
        [sys.executable, "main.py", "report", "--db", history.url, "--shift", "previous", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    r = subprocess.run(
        [sys.executable, "main.py", "report", "--db", history.url, "--since", "yesterday", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "cannot read time" in r.stderr


# ---------------------------------------------------------------- main window
def test_main_window_opens_history_and_shift_report(qtbot, history, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.config import parse_config_text
    from tests.helpers import FakeEngine
    from tests.test_widgets import PLANT
    from views.main_window import MainWindow
    from views.shift_report import ShiftReportDialog

    cfg = parse_config_text(PLANT)
    engine = FakeEngine(cfg)
    engine.history = history
    win = MainWindow(engine, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert [s.toString() for s in win.history_action.shortcuts()] == ["Ctrl+H"]
    with qtbot.waitSignal(win.history_action.triggered):
        win.history_action.trigger()
    view = win.history_view
    assert view.isVisible() and view.windowTitle() == "Alarm history — Test Works"
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)  # the current shift loads on opening
    win.history_action.trigger()
    assert win.history_view is view  # one window, raised again

    win.shift_report_action.trigger()
    dialogs = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ShiftReportDialog) and w.isVisible()
    ]
    assert len(dialogs) == 1 and dialogs[0].db_engine is history.engine
    dialogs[0].close()
    view.close()
    view.pool.waitForDone(5000)
    win.close()


def test_history_view_filters_early_warnings_fits_user_and_comment_and_reports_what_is_on_screen(
    qtbot, view, history, shift, tmp_path
):
    from views.journal_model import COL_COMMENT
    from views.shift_report import ShiftReportDialog

    t0, t1 = shift
    load(qtbot, view, t0, t1)
    i = view.kind_combo.findData("@warnings")
    assert i >= 0 and view.kind_combo.findData("FORECAST") > i and view.kind_combo.findData("RULE") > i
    view.kind_combo.setCurrentIndex(i)
    assert view.proxy.filter.kinds == frozenset({"FORECAST", "ANOMALY", "RULE"})
    assert all(e.kind in ("FORECAST", "ANOMALY", "RULE") for e in view.shown_entries())
    # user and comment are in sight without scrolling
    view.resize(1300, 700)
    view.show()
    qtbot.waitExposed(view)
    header = view.table.horizontalHeader()
    assert (
        header.sectionViewportPosition(COL_COMMENT) + header.sectionSize(COL_COMMENT)
        <= view.table.viewport().width()
    )
    # the shift report opens on the range on screen, and its file dialog starts in a real folder
    view.open_shift_report()
    dlg = next(w for w in view.findChildren(ShiftReportDialog))
    a, b = dlg.period()
    assert abs(a - t0) <= 60 and abs(b - t1) <= 60
    assert Path(dlg.path_edit.text()).parent != Path("/")
    dlg.close()
