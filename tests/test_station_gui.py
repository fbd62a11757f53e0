"""The main window on a RemoteEngine (offscreen): the demo plant served by `main.py serve` (a real
process, with its simulator) through a real Mosquitto shows live values on a station, and the
banner, the status bar and the link alarm the moment the broker goes away."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from app.config import demo_config_path, load_config
from app.control_room.areas import AreaFilter
from app.control_room.station import LINK_KEY, RemoteEngine
from core.samples import Quality
from tests.broker import mosquitto  # noqa: F401  (fixture)
from tests.test_serve import start_serve, stop
from transport.mqtt import BrokerUrl

pytestmark = pytest.mark.slow


def test_station_window_shows_live_values_and_the_banner_on_loss(qtbot, tmp_path, mosquitto):  # noqa: F811
    from views.main_window import MainWindow
    from views.station import attach_station

    (tmp_path / "keys.yaml").write_text("gui: key-of-gui\n")
    proc = start_serve(mosquitto.url, tmp_path, "--station-keys", str(tmp_path / "keys.yaml"))
    cfg = load_config(demo_config_path())
    engine = RemoteEngine(cfg, BrokerUrl.parse(mosquitto.url), "plant1", station="gui", key=b"key-of-gui")
    win = MainWindow(engine, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    banner = attach_station(win, engine)
    win.show()
    try:
        assert banner.isVisible()  # nothing yet from the server
        engine.start()
        model = win.tag_browser.model
        qtbot.waitUntil(lambda: (model.quality == Quality.GOOD).mean() > 0.5, timeout=60_000)
        assert np.isfinite(model.value[model.quality == Quality.GOOD]).all()
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5_000)
        mosquitto.stop()
        qtbot.waitUntil(lambda: banner.isVisible(), timeout=1_500)
        assert "No connection to the server" in banner.text()
        qtbot.waitUntil(lambda: (model.quality == Quality.BAD).all(), timeout=1_500)
        qtbot.waitUntil(lambda: LINK_KEY in win.bridge.standing, timeout=1_500)
        assert "No connection to the server" in win.statusBar().currentMessage()
    finally:
        engine.stop()
        win.close()
        stop(proc)


def test_areas_own_alarms_first_and_uncovered_areas_go_to_everyone():
    from core.alarm_types import Alarm

    def alarm(tag: int):
        return Alarm(f"k{tag}", "s", tag, "HH", 2, True, False, 0.0, 0.0, 1.0, 0.5, "m")

    tag_areas = ["ironmaking", "steelmaking", ""]
    iron = AreaFilter(frozenset({"ironmaking"}), tag_areas)
    iron.update('{"iron":["ironmaking"],"steel":["steelmaking"]}')
    assert iron.mine(alarm(0)) and not iron.mine(alarm(1)) and iron.mine(alarm(2))
    iron.update('{"iron":["ironmaking"]}')  # nobody covers steelmaking now: it goes to everyone
    assert iron.mine(alarm(1))
    iron.update('{"iron":["ironmaking"],"boss":["*"]}')  # a supervisor covers every area
    assert not iron.mine(alarm(1))
    boss = AreaFilter(frozenset({"*"}), tag_areas)
    assert all(boss.mine(alarm(t)) for t in range(3))


def test_a_station_process_joins_the_server_and_leaves_cleanly(tmp_path, mosquitto):  # noqa: F811
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import wait_until
    from tests.test_serve import ROOT, Recorder
    from transport.sparkplug import decode

    (tmp_path / "keys.yaml").write_text("console1: key-of-console1\n")
    (tmp_path / "console1.key").write_text("key-of-console1\n")
    rec = Recorder(mosquitto.port)
    server = start_serve(mosquitto.url, tmp_path, "--station-keys", str(tmp_path / "keys.yaml"))
    # a station opens the server's database read-only: it never creates it
    wait_until(lambda: (tmp_path / "serve.db").exists(), timeout=60, what="the server's database")
    station = subprocess.Popen(
        [
            sys.executable, str(ROOT / "main.py"), "--server", mosquitto.url, "--node", "plant1",
            "--station", "console1", "--station-key", str(tmp_path / "console1.key"),
            "--areas", "ironmaking", "--db", f"sqlite:///{tmp_path / 'serve.db'}",
        ],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip

    def coverage() -> str:
        births = rec.of("NBIRTH")
        if not births:
            return ""
        names = {m.alias: m.name for m in decode(births[-1][1]).metrics}
        texts = [
            m.value
            for _t, p in rec.of("NDATA")
            for m in decode(p, names).metrics
            if m.name == "Stations/Coverage"
        ]
        return texts[-1] if texts else ""

    try:
        wait_until(lambda: '"console1":["ironmaking"]' in coverage(), timeout=90)
        station.send_signal(signal.SIGTERM)
        assert station.wait(30) == 0
    finally:
        if station.poll() is None:
            station.kill()
        station.communicate()
        stop(server)
        rec.close()


def test_a_station_on_a_plant_file_asks_who_logs_in(qtbot, tmp_path, monkeypatch, mosquitto):  # noqa: F811
    """On a plant of its own (not the demo) a station opens the login against the shared user
    table (read-only), the password checked by the server; a cancelled login ends the station."""
    import argparse

    from storage.schema import create_schema, make_engine
    from tests.helpers import plant_yaml
    from views.station import run_station

    path = tmp_path / "p.yaml"
    path.write_text(plant_yaml('- {name: X, device: d, address: "hr:0"}', name="Station plant"))
    server_db = make_engine(f"sqlite:///{tmp_path / 'h.db'}")  # the server's database, there first
    create_schema(server_db)
    server_db.dispose()
    asked: list[str] = []
    monkeypatch.setattr("views.login.ask_login", lambda store, plant: asked.append(plant))
    monkeypatch.setattr("views.station.LINK_WAIT_S", 0.2)  # no server here: the login is not waited on
    args = argparse.Namespace(
        config=str(path), db=f"sqlite:///{tmp_path / 'h.db'}", node=None, group="Forewarn",
        areas=None, user="operator", screenshot=None,
    )  # fmt: skip
    url = BrokerUrl.parse(mosquitto.url)
    assert run_station(args, url, None, "console1", b"key") == 0
    assert asked == ["Station plant"]


def test_settings_on_a_station_are_read_only_and_a_limit_goes_to_the_server(qtbot, tmp_path):
    from app.config import parse_config_text
    from tests.conftest import wait_until
    from tests.test_station import ControlRoom
    from views.main_window import MainWindow
    from views.station import attach_station

    room = ControlRoom(tmp_path)
    try:
        station = room.station("s1", user="op")
        wait_until(lambda: station.connected, timeout=60, what="the station's link")
        plant = tmp_path / "plant.yaml"
        before = plant.read_text()
        cfg = parse_config_text(before)
        win = MainWindow(station, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(win)
        attach_station(win, station)
        win.open_settings()
        dlg = win.settings_apply.station.dialog
        assert dlg.isVisible() and "lives on the server" in dlg.reason_label.text()
        assert dlg.apply_button.isHidden() and dlg.ok_button.isHidden()
        assert dlg.tags_page.table.editTriggers() == dlg.tags_page.table.EditTrigger.NoEditTriggers
        assert not dlg.apply() and plant.read_text() == before  # nothing written here

        limit = win.settings_apply.station.change_limit()
        limit.tag.setCurrentText("T1")
        limit.limit.setCurrentText("HH")
        limit.value.setText("80")
        limit.send()  # as op: an operator may not change a limit
        qtbot.waitUntil(lambda: "Refused" in limit.answer.text(), timeout=10_000)
        assert "may not" in limit.answer.text()
        station.user = "eng"  # the engineer's session on this station
        limit.send()
        qtbot.waitUntil(lambda: "Done" in limit.answer.text(), timeout=10_000)
        wait_until(
            lambda: any(e.action == "config_change" and e.user == "eng" for e in room.audit.entries()),
            what="the limit change audited on the server",
        )
        assert plant.read_text() == before  # the station wrote no file
        limit.close()
        dlg.close()
    finally:
        room.close()
