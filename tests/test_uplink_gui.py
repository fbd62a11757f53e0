"""The regulator link on screen: the response dialog (journaled, audited, uploaded), the list of
responses due, the "Regulator link" view and the shift report's section."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from app.reports.shift_report import build_shift_report
from storage.audit import Action
from tests.helpers import alarm
from tests.uplink_fixtures import T0, deliver, rig_fixtures
from views.alarm_response import AlarmResponseDialog, ResponsesDialog
from views.report_sections import shift_report_sections
from views.shift_report import write_shift_report
from views.uplink_view import UplinkView

clock, rig = rig_fixtures(tls=False, audit=True)


def _ended_alarm(rig, clock):
    rig.link.step()  # the link starts at T0: snapshots from T0 + 60 on
    co = alarm("GAS.CO.01:H", tag=1, ts=T0 + 5, value=30.0, limit=24.0, message="GAS.CO.01 high")
    rig.link.on_alarm(co)
    rig.link.on_alarm(co._replace(active=False, ts=T0 + 50))
    for _ in range(3):
        clock.t += 60
        rig.samples(clock.t)
        rig.link.step()
    deliver(rig)
    return co


def test_the_response_dialog_records_audits_and_uploads(qtbot, rig, clock):
    co = _ended_alarm(rig, clock)
    due = rig.link.store.response_for(co.key, co.since)
    dlg = AlarmResponseDialog(rig.link, due, "op1")
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # cause and measure are required
    dlg.cause.setPlainText("flange leak at valve V12")
    assert not ok.isEnabled()
    dlg.measure.setPlainText("flange bolts tightened, gas test 0 ppm")
    assert ok.isEnabled() and dlg.person.text() == "op1"
    ok.click()
    assert dlg.result_response is not None
    got = rig.link.store.response_for(co.key, co.since)
    assert (got.cause, got.measure, got.user) == (
        "flange leak at valve V12",
        "flange bolts tightened, gas test 0 ppm",
        "op1",
    )
    assert [e.target for e in rig.link.audit.entries() if e.action == Action.ALARM_RESPONSE] == [co.key]
    deliver(rig)
    (resp,) = [r for _, r in rig.platform.of_kind("response")]
    assert resp["yy"] == "flange leak at valve V12" and resp["czr"] == "op1"


def test_the_responses_list_shows_what_is_overdue(qtbot, rig, clock):
    _ended_alarm(rig, clock)
    clock.t = T0 + 50 + 3600 + 60
    dlg = ResponsesDialog(rig.link.store, "sup1", link=rig.link)
    qtbot.addWidget(dlg)
    assert dlg.model.rowCount() == 1
    assert dlg.model.index(0, 4).data() == "overdue"
    assert "1 overdue" in dlg.summary.text()
    rig.link.respond("GAS.CO.01:H", T0 + 5, "c1", "m1", "sup1")
    dlg.refresh()
    assert dlg.model.rowCount() == 0
    history = ResponsesDialog(rig.link.store, "", period=(T0, T0 + 3600), now=clock)  # the alarm history's
    qtbot.addWidget(history)
    assert history.model.rowCount() == 1 and history.model.index(0, 5).data() == "c1"
    assert history.model.index(0, 4).data().startswith("given")


def test_the_link_view_and_the_shift_report_show_what_the_regulator_received(qtbot, rig, clock, tmp_path):
    _ended_alarm(rig, clock)
    view = UplinkView(rig.db, rig.cfg, rig.link, now=clock)
    qtbot.addWidget(view)
    assert "delivering" in view.state.text()
    assert view.shift_page.model.rowCount() == 3
    assert "Online rate" in view.shift_page.summary.text()  # from the shift's start, before the link ran
    assert [view.shift_page.model.index(r, 3).data() for r in range(3)] == [3, 3, 3]
    rep = build_shift_report(rig.db, "Link Works", T0 + 1, clock.t + 1, now=clock.t, config=rig.cfg)
    assert rep.uplink is not None and len(rep.uplink.responses) == 1
    section = shift_report_sections(rep)[-1]
    assert section.heading == "Regulator link" and len(section.rows) == 3
    assert "Online rate 100.0 %" in section.lead
    assert section.extra[0].rows[0][0].text == "GAS.CO.01 high"
    pdf = tmp_path / "shift.pdf"
    write_shift_report(rep, pdf)
    assert pdf.stat().st_size > 1000


def test_the_settings_page_edits_and_imports_the_catalogue(qtbot, tmp_path):
    from app.config import load_config
    from tests.uplink_fixtures import uplink_yaml
    from views.settings.dialog import SettingsDialog

    path = tmp_path / "plant.yaml"
    path.write_text(uplink_yaml("https://127.0.0.1:1/api", None), encoding="utf-8")
    cfg = load_config(path)
    dlg = SettingsDialog(cfg, path)
    qtbot.addWidget(dlg)
    page = dlg.show_page("Regulator points")
    assert page is dlg.uplink_page and page.model.rowCount() == 3
    assert "3 points reported" in page.status.text()
    page.model.setData(page.model.index(0, 2), "heat")  # indicator
    assert "'heat' is not an indicator type" in page.status.text()
    bad = tmp_path / "bad.csv"
    bad.write_text("tag,code,indicator,range_low\r\nGAS.CO.01,X1,flow,abc\r\n", encoding="utf-8")
    assert not page.import_csv(str(bad))
    assert page.last_import_errors[0].startswith("row 2, range_low:") and page.model.rowCount() == 3
    good = tmp_path / "good.csv"
    good.write_text(
        "tag,code,indicator,equipment\r\nGAS.CO.02,530100GA0009,gas_concentration,pipe 2\r\n",
        encoding="utf-8",
    )
    assert page.import_csv(str(good)) and page.model.rowCount() == 1
    assert dlg.apply(), dlg.last_errors
    again = load_config(path)
    assert [(p.tag, p.code, p.equipment) for p in again.uplink.points] == [
        ("GAS.CO.02", "530100GA0009", "pipe 2")
    ]
    assert (
        again.uplink.credentials == cfg.uplink.credentials
        and again.uplink.enterprise == cfg.uplink.enterprise
    )
