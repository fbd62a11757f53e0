"""Many rows in few statements (storage/bulk_insert.py): what lands is what executemany would
have written, in a handful of SQLite steps instead of one per row, under SQLite's parameter
limit; and the history writer's commit uses it."""

from __future__ import annotations

import sqlite3

import numpy as np
from sqlalchemy import create_engine, event, text

from app.config import parse_config_text
from core.samples import Quality, SampleBatch
from storage.bulk_insert import MAX_PARAMETERS, ROWS_PER_STATEMENT, BulkInsert
from storage.history import History
from storage.rollups import COLUMNS, upsert


def traced(engine) -> list[str]:
    """The statements SQLite starts on `engine`'s connections (one per step of executemany)."""
    seen: list[str] = []

    @event.listens_for(engine, "connect")
    def _trace(dbapi_conn, _record):
        dbapi_conn.set_trace_callback(seen.append)

    engine.dispose()  # connections made before the listener get one too
    return seen


def test_rows_go_in_few_statements_and_land_as_executemany_would(tmp_path):
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 400, 1000)  # keys come again: the later row replaces the earlier
    rows = [(int(k), i, None if i % 97 == 0 else float(i) / 3) for i, k in enumerate(keys)]
    ddl = "CREATE TABLE t (k INTEGER PRIMARY KEY, i INTEGER, v REAL)"
    ours = create_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    seen = traced(ours)
    bulk = BulkInsert("INSERT OR REPLACE INTO t (k, i, v)", 3, dialect="sqlite")
    with ours.begin() as c:
        c.exec_driver_sql(ddl)
        seen.clear()
        statements = bulk.execute(c, rows)
    # 1000 = 3 x 256 + 128 + 64 + 32 + 8: seven statements, each one step
    assert statements == 7 and len([s for s in seen if s.startswith("INSERT")]) == 7
    assert len(bulk._sql) == 5  # sizes 256, 128, 64, 32, 8: a remainder is cut in halving sizes
    raw = sqlite3.connect(tmp_path / "raw.db")
    raw.execute(ddl)
    raw.executemany("INSERT OR REPLACE INTO t (k, i, v) VALUES (?, ?, ?)", rows)
    with ours.connect() as c:
        got = c.exec_driver_sql("SELECT k, i, v FROM t ORDER BY k").all()
    assert [tuple(r) for r in got] == raw.execute("SELECT k, i, v FROM t ORDER BY k").fetchall()
    assert len(got) == len(set(keys.tolist()))
    ours.dispose()


def test_rows_given_as_columns_land_as_the_same_rows(tmp_path):
    """execute_columns (the history writer's samples) interleaves columns into the statements'
    parameters: the same rows land, in the same statements, as execute of their tuples."""
    rng = np.random.default_rng(5)
    columns = [
        rng.integers(0, 300, 700).tolist(),
        list(range(700)),
        [None if i % 13 == 0 else i / 7 for i in range(700)],
    ]
    ddl = "CREATE TABLE t (k INTEGER PRIMARY KEY, i INTEGER, v REAL)"
    got = {}
    for name in ("rows", "columns"):
        engine = create_engine(f"sqlite:///{tmp_path / f'{name}.db'}")
        bulk = BulkInsert("INSERT OR REPLACE INTO t (k, i, v)", 3, dialect="sqlite")
        with engine.begin() as c:
            c.exec_driver_sql(ddl)
            if name == "rows":
                statements = bulk.execute(c, list(zip(*columns, strict=True)))
            else:
                statements = bulk.execute_columns(c, columns)
            assert statements == 7  # 700 = 2 x 256 + 128 + 32 + 16 + 8 + 4
        with engine.connect() as c:
            got[name] = c.exec_driver_sql("SELECT k, i, v FROM t ORDER BY k").all()
        engine.dispose()
    assert got["rows"] == got["columns"] and len(got["rows"]) == len(set(columns[0]))
    assert BulkInsert("INSERT INTO t (k)", 1, dialect="sqlite").execute_columns(None, [[]]) == 0


def test_an_upsert_of_one_bucket_twice_in_a_batch_merges_both(tmp_path):
    """The rollup upsert of a bucket given twice in one batch (a bucket closed, then a late
    sample's delta) adds both, as executemany did, on a table holding a part already."""
    table = (
        "CREATE TABLE rollup_1m (tag_id INTEGER, bucket INTEGER, vmin REAL, vmax REAL, vsum REAL, n INTEGER, "
        "nbad INTEGER, first REAL, first_ts INTEGER, last REAL, last_ts INTEGER, PRIMARY KEY (tag_id, bucket))"
    )
    first = [(1, 0, 5.0, 9.0, 14.0, 2, 0, 5.0, 10, 9.0, 20)]
    batch = [
        (1, 0, 2.0, 4.0, 6.0, 2, 1, 2.0, 5, 4.0, 25),
        (2, 0, None, None, 0.0, 0, 3, None, None, None, None),
        (1, 0, 7.0, 12.0, 19.0, 2, 0, 12.0, 1, 7.0, 30),
    ]
    got = []
    for name, bulk in (("ours", upsert("rollup_1m", "sqlite")), ("each", None)):
        engine = create_engine(f"sqlite:///{tmp_path / name}.db")
        single = upsert("rollup_1m", "sqlite").single
        with engine.begin() as c:
            c.exec_driver_sql(table)
            c.exec_driver_sql(single, first[0])
            if bulk is None:
                c.exec_driver_sql(single, batch)  # executemany, row by row
            else:
                assert bulk.execute(c, batch) == 2  # 2 rows + 1
        with engine.connect() as c:
            got.append([tuple(r) for r in c.exec_driver_sql(f"SELECT {', '.join(COLUMNS)} FROM rollup_1m")])
        engine.dispose()
    assert got[0] == got[1]
    assert got[0][0] == (1, 0, 2.0, 12.0, 39.0, 6, 1, 12.0, 1, 7.0, 30)


def test_wide_rows_stay_under_sqlites_parameter_limit(tmp_path):
    width = 300
    bulk = BulkInsert(f"INSERT INTO w ({', '.join(f'c{i}' for i in range(width))})", width, dialect="sqlite")
    assert bulk.rows_per_statement * width <= MAX_PARAMETERS
    assert bulk.rows_per_statement < ROWS_PER_STATEMENT
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as c:
        c.exec_driver_sql(f"CREATE TABLE w ({', '.join(f'c{i}' for i in range(width))})")
        bulk.execute(c, [tuple(range(r, r + width)) for r in range(333)])
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT COUNT(*), SUM(c0), SUM(c299) FROM w").one() == (
            333,
            sum(range(333)),
            sum(range(299, 632)),
        )
    engine.dispose()


def test_the_history_writer_steps_sqlite_per_few_hundred_rows_not_per_row(tmp_path):
    """Every sqlite step lets the GIL go and takes it back: the writer's commit of 5,000 samples
    and their rollups is a few dozen steps (it was one per row and per rollup bucket)."""
    cfg = parse_config_text(
        "schema: 1\ndevices: [{name: d, protocol: modbus-tcp}]\ntags:\n"
        + "".join(
            f'  - {{name: T{i}, device: d, address: "hr:{i}", history: {{deadband: 0}}}}\n' for i in range(50)
        )
    )
    h = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    seen = traced(h.engine)
    n = 5000
    ts = 1_700_000_000.0 + np.repeat(np.arange(n // 50, dtype=float), 50)
    batch = SampleBatch.build(
        np.tile(np.arange(50, dtype=np.int32), n // 50), ts, np.arange(n, dtype=float), Quality.GOOD
    )
    h.write_now(batch)
    inserts = [s for s in seen if s.startswith("INSERT")]
    assert h.count() == n
    assert len(inserts) < 60, len(inserts)
    with h.engine.connect() as c:
        assert c.execute(text("SELECT SUM(n) FROM rollup_1m")).scalar_one() == n
    h.engine.dispose()
