"""A station's database: a PostgreSQL role that reads the history, journals, audit trail and users
and writes nothing (`main.py db create-station-role`), a SQLite file opened read-only, and the
login a station makes through the server instead of writing the user table and the audit."""

from __future__ import annotations

import time
import uuid
from argparse import Namespace

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core.samples import Quality, SampleBatch
from tests.conftest import wait_until
from tests.helpers import plant_yaml

WRITES = [
    "INSERT INTO samples (tag_id, ts, value, quality) VALUES (1, 1, 1.0, 2)",
    "UPDATE samples SET value = 0",
    "DELETE FROM samples",
    "INSERT INTO alarm_events (ts, alarm_key, tag, kind, priority, state, message, value, limit_value)"
    " VALUES (1, 'k', 'T1', 'HH', 1, 'x', 'm', 1.0, 1.0)",
    "UPDATE alarm_events SET state = 'x'",
    "DELETE FROM alarm_events",
    "INSERT INTO users (name, role, password_hash, created) VALUES ('mallory', 'administrator', 'x', 0)",
    "UPDATE users SET role = 'administrator'",
    "DELETE FROM users",
    "DELETE FROM audit_log",
]


def _plant(tmp_path):
    from app.config import parse_config_text

    return parse_config_text(plant_yaml(["{name: T1, device: d, address: 'hr:0'}"], name="Test works"))


def _server_history(url: str, cfg) -> None:
    """What a server leaves in its database: a few samples of T1."""
    from storage.history import History

    h = History(url, cfg.tags)
    now = time.time()
    h.write_now(
        SampleBatch(
            np.zeros(3, dtype=np.int32),
            now - np.array([3.0, 2.0, 1.0]),
            np.array([1.0, 2.0, 3.0]),
            np.full(3, Quality.GOOD, dtype=np.uint8),
        )
    )
    h.engine.dispose()


def _refused(engine, statement: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    except DBAPIError:
        return True
    return False


def test_a_station_role_reads_and_cannot_write(pg_url, tmp_path, capsys):
    from cli.station_role import create_station_role_command
    from storage.history import History
    from storage.station_role import drop_station_role

    cfg = _plant(tmp_path)
    _server_history(pg_url, cfg)
    name = f"fw_station_{uuid.uuid4().hex[:8]}"
    (tmp_path / "pw").write_text("station-secret\n")
    args = Namespace(name=name, admin_url=pg_url, password_file=str(tmp_path / "pw"), print=False)
    assert create_station_role_command(args) == 0
    try:
        station_url = (
            make_url(pg_url)
            .set(username=name, password="station-secret")
            .render_as_string(hide_password=False)
        )
        history = History(station_url, cfg.tags, read_only=True)  # no schema upgrade, no tag added
        got = history.read(0, time.time() - 60, time.time() + 1)
        assert list(got.value) == [1.0, 2.0, 3.0]
        with history.engine.connect() as conn:  # the journal, the audit trail and the users: read
            for table in ("alarm_events", "risk_events", "audit_log", "users", "rollup_1m"):
                conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        for statement in WRITES:
            assert _refused(history.engine, statement), statement
        assert _refused(history.engine, "SELECT count(*) FROM notify_log")  # only what a station reads
        history.engine.dispose()
    finally:
        drop_station_role(pg_url, name)


def test_the_role_sql_is_printed_for_an_administrator(capsys):
    from cli.station_role import create_station_role_command

    args = Namespace(name="station_a", admin_url=None, password_file=None, print=True)
    assert create_station_role_command(args) == 0
    out = capsys.readouterr().out
    assert "GRANT SELECT ON public.tags" in out and "INSERT" not in out and "UPDATE" not in out
    bad = Namespace(name="Robert'); DROP", admin_url=None, password_file=None, print=True)
    assert create_station_role_command(bad) == 2


def test_a_station_opens_a_sqlite_file_read_only(tmp_path):
    from storage.history import History

    cfg = _plant(tmp_path)
    url = f"sqlite:///{tmp_path / 'server.db'}"
    _server_history(url, cfg)
    history = History(url, cfg.tags, read_only=True)
    assert "mode=ro" in str(history.engine.url)
    assert list(history.read(0, time.time() - 60, time.time() + 1).value) == [1.0, 2.0, 3.0]
    for statement in WRITES[:3]:
        assert _refused(history.engine, statement), statement
    history.engine.dispose()
    plain = create_engine(url)
    with plain.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM samples")).scalar_one() == 3
    plain.dispose()


@pytest.mark.slow
def test_a_station_logs_in_through_the_server_which_counts_and_audits(tmp_path):
    from app.accounts.users import LOGIN_REFUSED, Role
    from app.control_room.station_login import RemoteAccounts
    from tests.test_station import ControlRoom

    room = ControlRoom(tmp_path)
    try:
        s1 = room.station("s1", user="")
        wait_until(lambda: s1.connected, timeout=60, what="the station's link")
        reader = create_engine(f"sqlite:///file:{tmp_path / 'server.db'}?mode=ro&uri=true")
        accounts = RemoteAccounts(s1, reader)
        assert accounts.count() == 2 and accounts.get("eng").role == Role.ENGINEER
        ok = accounts.authenticate("eng", "password-eng")
        assert ok.ok and ok.user.role == Role.ENGINEER
        wrong = accounts.authenticate("op", "not the password")
        assert not wrong.ok and wrong.reason == LOGIN_REFUSED
        assert accounts.get("op").failed_count == 1  # counted by the server, read here
        entries = room.audit.entries()
        assert any(e.action == "login" and e.user == "eng" for e in entries)
        assert any(e.action == "login_failed" and e.user == "op" for e in entries)
        assert not any("not the password" in str(e.detail) for e in entries)
        reader.dispose()
    finally:
        room.close()


@pytest.mark.slow
def test_a_station_on_the_role_url_sees_live_values_history_and_logs_in(pg_url, tmp_path):
    from app.accounts.users import Role
    from app.control_room.station_login import RemoteAccounts
    from storage.history import History
    from storage.station_role import create_station_role, drop_station_role
    from tests.test_station import ControlRoom

    name = f"fw_station_{uuid.uuid4().hex[:8]}"
    room = ControlRoom(tmp_path, db=pg_url)
    create_station_role(pg_url, name, "station-secret")
    try:
        role_url = make_url(pg_url).set(username=name, password="station-secret")
        s1 = room.station("s1", user="")
        wait_until(lambda: s1.connected and s1.active_alarms(), timeout=60, what="the server's live state")
        history = History(role_url.render_as_string(hide_password=False), s1.config.tags, read_only=True)
        s1.history = history
        accounts = RemoteAccounts(s1, history.engine)
        result = accounts.authenticate("eng", "password-eng")
        assert result.ok and result.user.role == Role.ENGINEER
        wait_until(lambda: history.standing_alarms(), timeout=30, what="the journal read by the station")
        assert history.read(0, time.time() - 600, time.time() + 1) is not None  # trends: read, no error
        for statement in WRITES:
            assert _refused(history.engine, statement), statement
        history.engine.dispose()
    finally:
        room.close()
        room.audit.engine.dispose()
        drop_station_role(pg_url, name)
