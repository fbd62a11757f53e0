"""Two `main.py serve --standby` servers on one PostgreSQL and one Mosquitto, the demo plant's
simulator in its own process with an incident, three stations (two RemoteEngines here and one
offscreen `main.py --server` process): `kill -9` of the active server makes the standby publish
within 10 s; the stations show its live values without a restart; no alarm transition is lost
or journaled twice (tests/faults/failover_rig.py); one server polls the devices at a time; an
acknowledgement after the takeover is applied by the new active and reaches every station."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.config import load_config
from app.control_room.station import RemoteEngine
from core.samples import Quality
from tests.broker import mosquitto  # noqa: F401  (fixture)
from tests.conftest import wait_until
from tests.faults.failover_rig import ALARMS, EXPECTED, ROOT, FailoverRig, serve_command, stations_live
from tests.test_serve import Recorder
from transport.mqtt import BrokerUrl
from transport.sparkplug import decode

pytestmark = [pytest.mark.slow, pytest.mark.faults]
NODE = "plant1"
KEYS = {"s1": "key-of-s1", "s2": "key-of-s2", "console1": "key-of-console1"}
TAKEOVER_S = 10.0


def add_operator(db_url: str, data) -> None:
    from app.accounts import users as users_mod
    from app.accounts.users import UserStore
    from storage.audit import AuditLog
    from storage.schema import create_schema, make_engine

    engine = make_engine(db_url)
    create_schema(engine)
    saved = users_mod.SCRYPT_N
    users_mod.SCRYPT_N = 2**12  # quick hashes: the test is about the takeover, not passwords
    try:
        UserStore(engine, AuditLog(engine, data_dir=data)).add("op", "operator", "password-op")
    finally:
        users_mod.SCRYPT_N = saved
        engine.dispose()


def coverage_since(rec: Recorder, births_before: int) -> str:
    """The last coverage published by the node since its `births_before`-th NBIRTH."""
    births = rec.of("NBIRTH")[births_before:]
    if not births:
        return ""
    names = {m.alias: m.name for m in decode(births[-1][1]).metrics}
    texts = [m.value for m in decode(births[-1][1]).metrics if m.name == "Stations/Coverage"]
    start = rec.messages.index(births[-1])
    with rec.lock:
        later = [(t, p) for t, p in rec.messages[start:] if t.split("/")[2] == "NDATA"]
    texts += [m.value for _t, p in later for m in decode(p, names).metrics if m.name == "Stations/Coverage"]
    return texts[-1] if texts else ""


def test_kill9_of_the_active_serve_hands_every_station_to_the_standby(
    pg_url,
    tmp_path,
    mosquitto,  # noqa: F811
    record_property,
):
    add_operator(pg_url, tmp_path / "admin")
    (tmp_path / "keys.yaml").write_text("".join(f"{k}: {v}\n" for k, v in KEYS.items()))
    (tmp_path / "console1.key").write_text(KEYS["console1"] + "\n")
    command = serve_command(mosquitto.url, NODE, "--station-keys", str(tmp_path / "keys.yaml"))
    rec = Recorder(mosquitto.port)
    status = Recorder(mosquitto.port, topic="forewarn/#")
    stations: list[RemoteEngine] = []
    lost_link: list[str] = []  # the stations told the server was lost (its will NDEATH)
    console = None
    try:
        with FailoverRig(tmp_path, pg_url, command=command) as rig:
            first = rig.spawn("active")
            first.wait_line("serve:")
            second = rig.spawn("standby")
            assert rig.polling(first) and not rig.polling(second)
            cfg = load_config(rig.plant)
            url = BrokerUrl.parse(mosquitto.url)
            for name in ("s1", "s2"):
                s = RemoteEngine(cfg, url, NODE, station=name, key=KEYS[name].encode(), user="op")
                s.link_listeners.append(lambda up, name=name: None if up else lost_link.append(name))
                s.start()
                stations.append(s)
            console = subprocess.Popen(
                [
                    sys.executable, str(ROOT / "main.py"), "--server", mosquitto.url, "--node", NODE,
                    "--station", "console1", "--station-key", str(tmp_path / "console1.key"),
                    "--areas", "ironmaking", "--db", pg_url,
                ],
                cwd=ROOT,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "FOREWARN_DATA_DIR": str(tmp_path / "st")},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            wait_until(
                lambda: all(s.connected and (s.latest().quality == Quality.GOOD).any() for s in stations),
                timeout=60,
            )
            wait_until(lambda: "console1" in coverage_since(rec, 0), timeout=60)
            births_before = len(rec.of("NBIRTH"))
            lost_link.clear()
            seen: list[float] = []  # kill -> every station shows live values of the new active
            run = rig.takeover(first, second, stations_live(stations, seen, TAKEOVER_S))
            assert sorted(set(lost_link)) == ["s1", "s2"]  # "server lost" shown, then followed
            # the stations followed without a restart; the console's heartbeat reaches the new active
            wait_until(lambda: "console1" in coverage_since(rec, births_before), timeout=15)
            assert console.poll() is None
            key = ALARMS["BF1.BLEEDER.OPEN"][0]
            wait_until(lambda: all(key in {a.key for a in s.active_alarms()} for s in stations), 10)
            result = stations[1].acknowledge([key], "op", "after the takeover").result(10)
            assert result["ok"] and result["station"] == "s2"

            def acked(s: RemoteEngine) -> bool:  # returned to normal before: acknowledged, it ends
                return key not in {a.key for a in s.active_alarms()}

            wait_until(lambda: all(acked(s) for s in stations), timeout=2.0)
            roles = {t.rsplit("/", 1)[1]: json.loads(p)["role"] for t, p in status.messages if p}
            assert sorted(roles.values()) == ["active", "down"], roles
    finally:
        for s in stations:
            s.stop()
        if console is not None:
            console.terminate()
            console.wait(20)
        rec.close()
        status.close()
    record_property("failover", {**vars(run), "live_s": seen})
    print(f"\ncontrol-room failover: {vars(run)} {seen}")
    assert seen and seen[0] <= TAKEOVER_S, seen
    assert run.lost == 0 and run.doubled == 0, run
    assert all(states == EXPECTED for states in run.journal.values()), run
    assert run.overlaps == 0, run
