"""`main.py serve` as a real process (demo plant, its simulator, SQLite history) publishing to a
real Mosquitto, read by a Sparkplug B decoder that is not ours (pysparkplug)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import paho.mqtt.client as paho
import pysparkplug as ps
import pytest

from tests.broker import Mosquitto, free_port, mosquitto  # noqa: F401  (fixture)
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parent.parent


class Recorder:
    """A plain paho subscriber keeping every (topic, payload) of spBv1.0/#."""

    def __init__(self, port: int, topic: str = "spBv1.0/#", **auth):
        self.messages: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"rec-{id(self):x}")
        if auth:
            self.client.username_pw_set(auth["username"], auth["password"])
        if "ca" in auth:
            self.client.tls_set(ca_certs=str(auth["ca"]))
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, *_a: c.subscribe(topic, qos=1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_message(self, _c, _u, msg) -> None:
        with self.lock:
            self.messages.append((msg.topic, bytes(msg.payload)))

    def of(self, kind: str) -> list[tuple[str, bytes]]:
        with self.lock:
            return [(t, p) for t, p in self.messages if t.split("/")[2] == kind]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def start_serve(url: str, tmp_path: Path, *extra: str) -> subprocess.Popen:
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    cmd = [
        sys.executable,
        str(ROOT / "main.py"),
        "serve",
        "--broker",
        url,
        "--db",
        db,
        "--node",
        "plant1",
        *extra,
    ]
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )


def stop(proc: subprocess.Popen) -> tuple[str, str]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out.decode(errors="replace"), err.decode(errors="replace")


@pytest.mark.slow
def test_births_and_data_read_by_pysparkplug_and_death_on_kill(mosquitto, tmp_path):  # noqa: F811
    rec = Recorder(mosquitto.port)
    proc = start_serve(mosquitto.url, tmp_path)
    try:
        wait_until(lambda: rec.of("NBIRTH") and len(rec.of("DDATA")) >= 10, timeout=60)
        topic, raw = rec.of("NBIRTH")[0]
        assert topic == "spBv1.0/Forewarn/NBIRTH/plant1"
        nbirth = ps.NBirth.decode(raw)
        names = {m.name for m in nbirth.metrics}
        assert "bdSeq" in names and "Node Control/Rebirth" in names and "Command/Result" in names
        assert any(n.startswith("Risk/") and n.endswith("/Level") for n in names)
        scores = [m for m in nbirth.metrics if m.name.startswith("Risk/") and m.name.endswith("/Score")]
        assert scores and all(m.datatype == ps.DataType.DOUBLE for m in scores)  # one per hazard source
        assert nbirth.seq == 0
        births = {t.split("/")[-1]: ps.DBirth.decode(p) for t, p in rec.of("DBIRTH")}
        assert len(births) >= 2
        for b in births.values():
            assert all(m.alias is not None for m in b.metrics)
            assert any(m.datatype == ps.DataType.DOUBLE for m in b.metrics)
        several = 0
        for t, p in rec.of("DDATA")[:10]:
            device = t.split("/")[-1]
            data = ps.DData.decode(p, birth=births[device])
            assert all(m.name in {x.name for x in births[device].metrics} for m in data.metrics)
            assert all(m.alias is not None for m in data.metrics)  # by alias
            several += len(data.metrics) > 1
        assert several, "one message per scan batch, not one per tag"
        seqs = [ps.DData.decode(p, birth=births[t.split("/")[-1]]).seq for t, p in rec.of("DDATA")[:10]]
        assert all((b - a) % 256 >= 1 for a, b in zip(seqs, seqs[1:], strict=False))
        bd_seq = next(m.value for m in nbirth.metrics if m.name == "bdSeq")
        proc.kill()  # no clean disconnect: the broker sends the will
        proc.wait(10)
        wait_until(lambda: rec.of("NDEATH"), timeout=10)
        death = ps.NDeath.decode(rec.of("NDEATH")[0][1])
        assert death.bd_seq_metric.value == bd_seq
    finally:
        stop(proc)
        rec.close()


@pytest.mark.slow
def test_rebirth_on_request(mosquitto, tmp_path):  # noqa: F811
    from transport.sparkplug import REBIRTH, DataType, Metric, encode

    rec = Recorder(mosquitto.port)
    proc = start_serve(mosquitto.url, tmp_path)
    try:
        wait_until(lambda: rec.of("NBIRTH"), timeout=60)
        n = len(rec.of("NBIRTH"))
        payload = encode([Metric(REBIRTH, None, DataType.BOOLEAN, True)])
        rec.client.publish("spBv1.0/Forewarn/NCMD/plant1", payload, qos=1)
        wait_until(lambda: len(rec.of("NBIRTH")) > n, timeout=10)
    finally:
        out, err = stop(proc)
        rec.close()
    assert "messages" in out, err


def test_bad_broker_url_and_unreachable_broker_exit_2(capsys):
    import main

    assert main.main(["serve", "--broker", "http://x"]) == 2
    assert "bad broker URL" in capsys.readouterr().err
    assert main.main(["serve", "--broker", f"mqtt://127.0.0.1:{free_port()}"]) == 2
    assert "cannot connect to the MQTT broker" in capsys.readouterr().err
    assert main.main(["--server", "mqtt://", "--station-key", __file__]) == 2
    assert "bad broker URL" in capsys.readouterr().err


def test_station_keys_and_broker_passwords_come_from_the_secret_store_or_files(data_dir, tmp_path):
    import argparse

    from app.config.secrets import SecretStore
    from cli import control_room

    store = SecretStore.default()
    store.set("control-room/station.s1", "key-one")
    store.set("control-room/mqtt.serve", "broker-pw")
    assert control_room.station_keys(None) == {"s1": b"key-one"}
    (tmp_path / "keys.yaml").write_text("s2: key-two\n")
    assert control_room.station_keys(str(tmp_path / "keys.yaml")) == {"s2": b"key-two"}
    args = argparse.Namespace(
        mqtt_user="serve", mqtt_password_file=None, ca=None, cert=None, key=None, station_key=None
    )
    assert control_room.credentials(args).password == "broker-pw"
    assert control_room.station_key(args, "s1") == b"key-one"
    assert control_room.station_key(args, "nobody") is None
    (tmp_path / "pw").write_text("from-file\n")
    args.mqtt_password_file = str(tmp_path / "pw")
    assert control_room.credentials(args).password == "from-file"


def test_serve_standby_needs_postgresql(tmp_path, capsys):
    import main

    assert main.main(["serve", "--standby", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_a_hazard_sources_score_is_its_inherent_evaluations_number():
    from app.control_room.server import RISK_FIELDS, risk_metrics
    from core.risk_types import Inherent, RiskState
    from transport.sparkplug import AliasTable, DataType

    def state(value):
        return RiskState("Gas holder 1", "gas_holder", Inherent(2, "LEC", value), 2, None, 0.0, ts=1.0)

    table = AliasTable()
    metrics = {m.name.rsplit("/", 1)[-1]: m for m in risk_metrics(state(180.0), table)}
    assert set(metrics) == set(RISK_FIELDS)
    assert metrics["Score"].value == 180.0 and metrics["Score"].datatype == DataType.DOUBLE
    unscored = {m.name.rsplit("/", 1)[-1]: m for m in risk_metrics(state(None), table)}
    assert unscored["Score"].value is None  # set by the engineer: no number, sent as null
