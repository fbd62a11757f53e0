"""Shared fixtures: a fresh data directory per test, offscreen Qt, and no leftover threads."""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # tests never open real windows
os.environ.setdefault("FOREWARN_LANG", "en")  # tests read English texts unless they switch

import pytest  # noqa: E402

HERE = Path(__file__).resolve().parent
DIRECTORY_MARKS = {"interop": pytest.mark.interop, "faults": pytest.mark.faults}  # every test in tests/<dir>


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests of tests/interop and tests/faults, so `-m "not interop and not faults"` leaves
    them out."""
    for item in items:
        try:
            first = item.path.resolve().relative_to(HERE).parts[0]
        except ValueError:
            continue
        if first in DIRECTORY_MARKS:
            item.add_marker(DIRECTORY_MARKS[first])


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(d))
    return d


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets a data directory of its own (audit key, anchors, registry), so nothing
    reaches the user's; `data_dir` replaces it when a test needs to know where it is."""
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path_factory.mktemp("fwdata")))


@pytest.fixture(autouse=True)
def _gui_thread_collection(request):
    """Tests with a QApplication collect cyclic garbage on the GUI thread only, as the app does
    (views/collector.py): a worker's collection destroying a Qt object can deadlock with the GUI
    thread. After the test its garbage is collected here and the automatic collector is back."""
    if "qapp" not in request.fixturenames:
        yield
        return
    from views.collector import collect_anywhere, collect_on_gui_thread

    app = request.getfixturevalue("qapp")
    collect_on_gui_thread(app)
    yield
    gc.collect()
    collect_anywhere(app)


@pytest.fixture(autouse=True)
def no_leftover_threads():
    before = {t.ident for t in threading.enumerate()}
    yield
    leftover = [
        t
        for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and t.name in ("acquisition", "history-writer")
    ]
    for t in leftover:
        t.join(5)
    assert not [t for t in leftover if t.is_alive()], f"threads left running: {leftover}"


def wait_until(cond, timeout: float = 10.0, interval: float = 0.02, what: str = "condition"):
    """Poll `cond` until it is true; fail with the timeout (and `what` was awaited) otherwise."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        threading.Event().wait(interval)
    raise AssertionError(f"{what} not met within {timeout} s")


PG_URL_ENV = "FOREWARN_TEST_PG_URL"  # an account that may CREATE DATABASE and ROLE; .ci/run sets it


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty history database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def pg_url():
    """A fresh, empty database on the PostgreSQL server (skipped without one)."""
    with fresh_pg_database() as url:
        yield url


@contextmanager
def fresh_pg_database():
    """A new database on the server of FOREWARN_TEST_PG_URL, dropped at the end (connections
    still open included); the test is skipped when the variable is not set."""
    admin_url = os.environ.get(PG_URL_ENV)
    if not admin_url:
        pytest.skip(f"{PG_URL_ENV} is not set (.ci/run starts PostgreSQL and sets it)")
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"fw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def audit(tmp_path):
    """An audit trail in a fresh SQLite file (the engine refuses device writes without one)."""
    from storage.audit import AuditLog
    from storage.schema import create_schema, make_engine

    db = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    create_schema(db)
    yield AuditLog(db)
    db.dispose()
