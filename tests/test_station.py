"""Stations on a server: `main.py serve` as a real process on a real Mosquitto, three
RemoteEngines reading its node and sending signed commands.

The plant has one Modbus device at a port nobody listens on, so its communication alarm stands
unacknowledged from the start: the alarm an acknowledgement is tried on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.control_room import commands
from app.control_room.station import LINK_KEY, CommandFailed, RemoteEngine
from core.alarm_types import Kind
from core.samples import DeviceState, Quality
from tests.broker import Mosquitto, free_port, make_tls
from tests.conftest import wait_until
from tests.helpers import plant_yaml
from transport import mqtt
from transport.mqtt import BrokerUrl, Credentials

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"s1": "key-of-station-one", "s2": "key-of-station-two", "s3": "key-of-station-three"}
NODE = "plant1"

pytestmark = pytest.mark.slow
# the server reads and writes its node; a station reads it and writes only commands to it
ACL = """user serve
topic readwrite spBv1.0/#

user monitor
topic read spBv1.0/#
""" + "".join(
    f"""
user {s}
topic read spBv1.0/Forewarn/+/{NODE}/#
topic write spBv1.0/Forewarn/NCMD/{NODE}
"""
    for s in KEYS
)


class ControlRoom:
    """Mosquitto, `main.py serve` on a small plant with users op (operator) and eng (engineer),
    and stations s1..s3."""

    def __init__(self, tmp: Path, *, tls: bool = False, db: str | None = None, serve_args: tuple = ()):
        from app.accounts import users as users_mod
        from app.accounts.users import UserStore
        from storage.audit import AuditLog
        from storage.schema import create_schema, make_engine

        self.tmp = tmp
        self.data = tmp / "server-data"
        self.data.mkdir()
        self.tls = make_tls(tmp) if tls else None
        users = (
            {"serve": "pw-serve", "monitor": "pw-monitor", **{k: f"pw-{k}" for k in KEYS}} if tls else None
        )
        self.broker = Mosquitto(tmp, tls=self.tls, users=users, acl=ACL if tls else None).start()
        yaml = plant_yaml(
            ["{name: T1, device: d, address: 'hr:0', area: ironmaking, alarms: {HH: 90}}"],
            devices=f"{{name: d, protocol: modbus-tcp, host: 127.0.0.1, port: {free_port()}}}",
            name="Test works",
        )
        (tmp / "plant.yaml").write_text(yaml)
        (tmp / "keys.yaml").write_text("".join(f"{k}: {v}\n" for k, v in KEYS.items()))
        self.db = db or f"sqlite:///{tmp / 'server.db'}"
        engine = make_engine(self.db)
        create_schema(engine)
        self.audit = AuditLog(engine, data_dir=self.data)
        saved = users_mod.SCRYPT_N
        users_mod.SCRYPT_N = 2**12  # quick hashes: the test is about roles, not passwords
        try:
            store = UserStore(engine, self.audit)
            store.add("op", "operator", "password-op")
            store.add("eng", "engineer", "password-eng")
        finally:
            users_mod.SCRYPT_N = saved
        cmd = [
            sys.executable, str(ROOT / "main.py"), "serve", "--config", str(tmp / "plant.yaml"),
            "--db", self.db, "--broker", self.broker.url, "--node", NODE,
            "--station-keys", str(tmp / "keys.yaml"),
            *serve_args,
        ]  # fmt: skip
        if tls:
            (tmp / "serve.pw").write_text("pw-serve\n")
            cmd += [
                "--mqtt-user",
                "serve",
                "--mqtt-password-file",
                str(tmp / "serve.pw"),
                "--ca",
                str(self.tls.ca),
            ]
        env = {**os.environ, "FOREWARN_DATA_DIR": str(self.data)}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stations: list[RemoteEngine] = []

    def station(self, name: str, user: str = "op") -> RemoteEngine:
        from app.config import parse_config_text

        cfg = parse_config_text((self.tmp / "plant.yaml").read_text())
        s = RemoteEngine(
            cfg,
            BrokerUrl.parse(self.broker.url),
            NODE,
            station=name,
            key=KEYS[name].encode(),
            user=user,
            credentials=self.credentials(name),
        )
        s.start()
        self.stations.append(s)
        return s

    def credentials(self, user: str, password: str | None = None) -> Credentials | None:
        if self.tls is None:
            return None
        return Credentials(user, password or f"pw-{user}", str(self.tls.ca))

    def close(self) -> None:
        for s in self.stations:
            s.stop()
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
        self.broker.stop()


@pytest.fixture
def room(tmp_path):
    r = ControlRoom(tmp_path)
    yield r
    r.close()


def comm_alarm(station: RemoteEngine):
    return next((a for a in station.active_alarms() if a.kind == Kind.COMM), None)


@pytest.fixture
def room_on_db(tmp_path, db_url):
    """The control room with its history on a fresh SQLite file or PostgreSQL database."""
    r = ControlRoom(tmp_path, db=db_url)
    yield r
    r.close()
    r.audit.engine.dispose()


def test_an_acknowledgement_on_one_station_shows_on_the_others_within_a_second(room_on_db):
    room = room_on_db
    stations = [room.station(n) for n in ("s1", "s2", "s3")]
    wait_until(lambda: all(s.connected and comm_alarm(s) is not None for s in stations), timeout=60)
    assert all(not comm_alarm(s).acked for s in stations)
    assert stations[0].device_status()["d"].state != DeviceState.CONNECTED
    key = comm_alarm(stations[0]).key
    t0 = time.monotonic()
    result = stations[0].acknowledge([key], "op", "seen").result(5)
    assert result["ok"] and result["station"] == "s1"
    wait_until(lambda: all(comm_alarm(s).acked for s in stations), timeout=1.0)
    assert time.monotonic() - t0 < 1.0
    assert comm_alarm(stations[2]).user == "op"
    acks = [e for e in room.audit.entries() if e.action == "acknowledge"]
    assert acks and acks[-1].user == "op" and acks[-1].detail["station"] == "s1"


def test_forged_and_replayed_commands_are_refused_and_audited(room):
    s1 = room.station("s1")
    wait_until(lambda: s1.connected and comm_alarm(s1) is not None, timeout=60)
    key = comm_alarm(s1).key
    forged = commands.new_command("s1", "op", "acknowledge", {"keys": [key]})
    with pytest.raises(CommandFailed, match="bad MAC"):
        s1.send_envelope(commands.sign(forged, b"not the key of s1"), forged.nonce).result(5)
    body = json.loads(commands.sign(forged, KEYS["s1"].encode()))
    body["user"] = "eng"  # altered on the way: the MAC no longer matches
    with pytest.raises(CommandFailed, match="bad MAC"):
        s1.send_envelope(json.dumps(body), forged.nonce).result(5)
    good = commands.new_command("s1", "op", "acknowledge", {"keys": [key]})
    text = commands.sign(good, KEYS["s1"].encode())
    assert s1.send_envelope(text, good.nonce).result(5)["ok"]
    with pytest.raises(CommandFailed, match="replayed"):
        s1.send_envelope(text, good.nonce).result(5)
    old = commands.new_command("s1", "op", "acknowledge", {"keys": [key]}, now=time.time() - 3600)
    with pytest.raises(CommandFailed, match="time window"):
        s1.send_envelope(commands.sign(old, KEYS["s1"].encode()), old.nonce).result(5)
    refused = [e for e in room.audit.entries() if e.action == "command_refused"]
    reasons = " ".join(e.detail["reason"] for e in refused)
    assert "bad MAC" in reasons and "replayed" in reasons and "time window" in reasons
    assert all(e.detail["station"] == "s1" for e in refused)


def test_only_the_engineer_role_changes_a_limit(room):
    op, eng = room.station("s1", user="op"), room.station("s2", user="eng")
    wait_until(lambda: op.connected and eng.connected, timeout=60)
    with pytest.raises(CommandFailed, match="may not set_limit"):
        op.set_limit("T1", "HH", 50.0).result(5)
    with pytest.raises(CommandFailed, match="unknown or disabled user"):
        op.set_limit("T1", "HH", 50.0, user="nobody").result(5)
    assert eng.set_limit("T1", "HH", 80.0).result(10)["ok"]
    written = op.write("T1", 5.0, "op").result(10)  # the plant file does not mark T1 writable
    assert written.refused and not written.ok and "not writable" in written.message
    changes = [e for e in room.audit.entries() if e.action == "config_change"]
    assert changes and changes[-1].user == "eng" and changes[-1].detail["value"] == 80.0
    refused = [e for e in room.audit.entries() if e.action == "command_refused"]
    assert any(e.user == "op" and e.detail["action"] == "set_limit" for e in refused)


def test_a_station_that_loses_the_broker_says_so_within_a_second(room):
    s1 = room.station("s1")
    lost = []
    s1.link_listeners.append(lambda up: lost.append((up, time.monotonic())))
    wait_until(lambda: s1.connected and (s1.latest().quality == Quality.BAD).all(), timeout=60)
    t0 = time.monotonic()
    room.broker.stop()
    wait_until(lambda: not s1.connected, timeout=1.0)
    assert lost and lost[-1][0] is False and lost[-1][1] - t0 < 1.0
    link = next(a for a in s1.active_alarms() if a.key == LINK_KEY)
    assert link.priority == 1 and link.active and not link.acked
    assert all(st.state == DeviceState.DISCONNECTED for st in s1.device_status().values())
    assert (s1.latest().quality == Quality.BAD).all()  # nothing shown as live
    with pytest.raises(CommandFailed, match="no connection"):
        s1.acknowledge(None).result(1)
    room.broker.start()  # the same port: the station and the server come back by themselves
    wait_until(lambda: s1.connected, timeout=20)
    assert all(a.key != LINK_KEY for a in s1.active_alarms())


def test_over_tls_with_credentials_and_an_acl_a_station_may_only_send_commands(room_tls):
    import asyncio

    import paho.mqtt.client as paho

    from tests.test_serve import Recorder

    url = BrokerUrl.parse(room_tls.broker.url)
    for creds in (None, room_tls.credentials("s1", "wrong password")):  # anonymous, wrong password
        with pytest.raises(mqtt.MqttError):
            asyncio.run(mqtt.probe(url, "intruder", creds))
    s1 = room_tls.station("s1")
    wait_until(lambda: s1.connected and comm_alarm(s1) is not None, timeout=60)
    assert s1.acknowledge([comm_alarm(s1).key], "op").result(5)["ok"]
    monitor = Recorder(room_tls.broker.port, username="monitor", password="pw-monitor", ca=room_tls.tls.ca)
    rogue = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="rogue-s1")
    rogue.username_pw_set("s1", "pw-s1")
    rogue.tls_set(ca_certs=str(room_tls.tls.ca))
    rogue.connect("127.0.0.1", room_tls.broker.port)
    rogue.loop_start()
    try:
        wait_until(lambda: monitor.of("DDATA") or monitor.of("NDATA"), timeout=20)
        rogue.publish(f"spBv1.0/Forewarn/NDATA/{NODE}", b"forged data", qos=1).wait_for_publish(5)
        n = len(monitor.of("NBIRTH"))
        from transport.sparkplug import REBIRTH, DataType, Metric, encode

        ask = encode([Metric(REBIRTH, None, DataType.BOOLEAN, True)])
        rogue.publish(f"spBv1.0/Forewarn/NCMD/{NODE}", ask, qos=1).wait_for_publish(5)  # allowed
        wait_until(lambda: len(monitor.of("NBIRTH")) > n, timeout=10)
        assert all(p != b"forged data" for _t, p in monitor.of("NDATA"))
    finally:
        rogue.loop_stop()
        rogue.disconnect()
        monitor.close()


@pytest.fixture
def room_tls(tmp_path):
    r = ControlRoom(tmp_path, tls=True)
    yield r
    r.close()


def test_the_server_publishes_which_areas_the_connected_stations_cover(room):
    iron = room.station("s1")
    iron.areas.areas = frozenset({"ironmaking"})
    wait_until(lambda: iron.connected and "ironmaking" in iron.areas.covered, timeout=60)
    boss = room.station("s2")
    wait_until(lambda: iron.areas.all_covered and boss.areas.all_covered, timeout=20)
    boss.stop()  # its heartbeats stop: the server forgets it, ironmaking alone is covered again
    wait_until(lambda: not iron.areas.all_covered, timeout=20)


def test_a_station_says_so_when_the_server_dies_and_the_broker_stays(room):
    s1 = room.station("s1")
    wait_until(lambda: s1.connected, timeout=60)
    t0 = time.monotonic()
    room.proc.kill()  # no goodbye: the broker publishes the server's will, its NDEATH
    wait_until(lambda: not s1.connected, timeout=2.0)
    assert time.monotonic() - t0 < 2.0
    assert any(a.key == LINK_KEY for a in s1.active_alarms())
    assert (s1.latest().quality == Quality.BAD).all()


def test_a_broker_that_asks_for_client_certificates_takes_ours(tmp_path):
    import asyncio

    tls = make_tls(tmp_path)
    broker = Mosquitto(tmp_path, tls=tls, require_certificate=True).start()
    try:
        url = BrokerUrl.parse(broker.url)
        with pytest.raises((mqtt.MqttError, OSError)):
            asyncio.run(mqtt.probe(url, "no-cert", Credentials(ca_file=str(tls.ca))))
        with_cert = Credentials(
            ca_file=str(tls.ca), cert_file=str(tls.client_cert), key_file=str(tls.client_key)
        )
        asyncio.run(mqtt.probe(url, "with-cert", with_cert))
    finally:
        broker.stop()


def test_a_late_death_of_a_server_already_succeeded_ends_nothing(tmp_path):
    """The NDEATH of the dead active may reach a station after its standby's NBIRTH: only the
    death of the birth the station holds (the same bdSeq) is the server lost."""
    import paho.mqtt.client as paho

    from app.config import parse_config_text
    from transport.sparkplug import MessageType, Topic, bd_seq_metric, death_payload, encode

    broker = Mosquitto(tmp_path).start()
    yaml = plant_yaml(["{name: T1, device: d, address: 'hr:0'}"], devices="{name: d, protocol: modbus-tcp}")
    s1 = RemoteEngine(parse_config_text(yaml), BrokerUrl.parse(broker.url), NODE, station="s1", key=b"k")
    pub = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="old-and-new-server")
    pub.connect("127.0.0.1", broker.port)
    pub.loop_start()
    try:
        s1.start()
        topic = {k: str(Topic("Forewarn", k, NODE)) for k in (MessageType.NBIRTH, MessageType.NDEATH)}
        birth = encode([bd_seq_metric(6)], seq=0, birth=True)

        def born() -> bool:  # published until the station, once subscribed, has it
            pub.publish(topic[MessageType.NBIRTH], birth, qos=1)
            return s1.connected and s1.bd_seq == 6

        wait_until(born, timeout=10, interval=0.2)
        n = s1.messages_in
        pub.publish(topic[MessageType.NDEATH], death_payload(5), qos=1)  # the predecessor's
        pub.publish(topic[MessageType.NBIRTH], birth, qos=1)
        wait_until(lambda: s1.messages_in >= n + 2, timeout=5)
        assert s1.connected
        pub.publish(topic[MessageType.NDEATH], death_payload(6), qos=1)  # its own
        wait_until(lambda: not s1.connected, timeout=5)
    finally:
        s1.stop()
        pub.loop_stop()
        pub.disconnect()
        broker.stop()


def test_a_flood_of_forged_commands_is_audited_once_and_summarised(tmp_path):
    room = ControlRoom(tmp_path, serve_args=("--refusal-window", "120"))
    try:
        s1 = room.station("s1")
        wait_until(lambda: s1.connected, timeout=60, what="the station's link")
        futures = []
        for _ in range(1000):
            forged = commands.new_command("s1", "eng", "set_limit", {"tag": "T1", "limit": "HH", "value": 1})
            futures.append(s1.send_envelope(commands.sign(forged, b"not the key of s1"), forged.nonce))
        wait_until(lambda: all(f.done() for f in futures), timeout=120, what="1,000 refusals answered")
        assert all(isinstance(f.exception(), CommandFailed) for f in futures)
        refused = [e for e in room.audit.entries() if e.action == "command_refused"]
        assert len(refused) == 1 and "bad MAC" in refused[0].detail["reason"]  # the rest counted
    finally:
        room.close()  # the server's way out writes the open window's summary
    summaries = [e for e in room.audit.entries() if e.action == "command_refused" and "summary" in e.detail]
    assert len(summaries) == 1
    assert summaries[0].detail["more"] == 999 and summaries[0].detail["station"] == "s1"
    assert summaries[0].detail["summary"] == "999 more refused in 120 s"
    assert len([e for e in room.audit.entries() if e.action == "command_refused"]) == 2
