"""History store on a real SQLite file: writes, reads, envelopes, journal, CSV export."""

from __future__ import annotations

import csv

import numpy as np

from app.config import parse_config_text
from cli.commands import export_csv
from core.alarm_types import Alarm
from core.risk_types import Inherent, RiskState
from core.samples import Quality, SampleBatch
from core.times import iso_ms, parse_time
from storage.history import History
from storage.risk_journal import read_risk_events
from tests.conftest import wait_until

CFG = parse_config_text(
    """
schema: 1
devices: [{name: d, protocol: modbus-tcp}]
tags:
  - {name: A, device: d, address: "hr:0", unit: kPa}
  - {name: B, device: d, address: "hr:1"}
"""
)


def test_write_read_and_export(tmp_path, db_url):
    url = db_url
    h = History(url, CFG.tags, flush_s=0.05)
    h.start()
    t0 = 1_700_000_000.0
    for k in range(10):
        q = Quality.BAD if k == 5 else Quality.GOOD
        v = np.nan if k == 5 else float(k)
        h.submit(SampleBatch.build([0, 1], t0 + k + 0.001, [v, -v], q))
    h.journal([Alarm("A:H", "A", 0, "H", 3, True, False, t0 + 3, t0 + 3, 3.0, 2.0, "A H")])
    wait_until(lambda: h.written == 20)
    h.stop()
    h2 = History(url, CFG.tags)
    with h2.engine.connect() as c:
        if h2.is_sqlite:  # WAL mode and a clustered primary key
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            sql = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name='samples'").scalar()
            assert "WITHOUT ROWID" in sql.upper()
        assert c.exec_driver_sql("SELECT COUNT(*) FROM alarm_events").scalar() == 1
    got = h2.read(0, t0, t0 + 100)
    assert len(got) == 10 and np.isnan(got.value[5]) and got.quality[5] == Quality.BAD
    assert got.value[9] == 9.0
    h2.stop()
    out = tmp_path / "x.csv"
    assert export_csv(url, str(out), ["A"], iso_ms(int((t0 + 2) * 1000)), str(t0 + 6.5)) == 0
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["time", "tag", "value", "quality"]
    assert [r[1] for r in rows[1:]] == ["A"] * 5
    assert rows[1] == ["2023-11-14T22:13:22.001Z", "A", "2.0", "good"]
    assert rows[4][2:] == ["", "bad"]


def test_envelope_keeps_extremes(db_url):
    h = History(db_url, CFG.tags, flush_s=0.05)
    h.start()
    n = 20_000
    ts = 1_700_000_000.0 + np.arange(n)
    v = np.sin(np.arange(n) / 50.0)
    v[12345] = 9.0
    h.submit(SampleBatch.build(np.zeros(n, np.int32), ts, v, Quality.GOOD))
    wait_until(lambda: h.written == n)
    got = h.read(0, ts[0], ts[-1], max_points=1000)
    assert len(got) <= 1000 and got.value.max() == 9.0 and got.value.min() < -0.99
    assert np.all(np.diff(got.ts) >= 0)
    h.stop()


def test_the_writer_queue_keeps_the_order_of_its_messages(db_url):
    """Samples, alarm transitions, risk changes and a new tag list travel as one message each;
    samples queued after the new tag list use its indexes, those before it the old ones."""
    h = History(db_url, CFG.tags, flush_s=0.05)
    h.start()
    t0 = 1_700_000_000.0
    h.submit(SampleBatch.build([0, 1], t0, [1.0, 2.0], Quality.GOOD))
    h.journal([Alarm("A:H", "A", 0, "H", 3, True, False, t0, t0, 3.0, 2.0, "A H")])
    h.journal_risk([RiskState("BF", "furnace", Inherent(2, "engineer"), 3, 4, t0, ts=t0)])
    new_tags = parse_config_text(
        """
schema: 1
devices: [{name: d, protocol: modbus-tcp}]
tags:
  - {name: B, device: d, address: "hr:1"}
  - {name: C, device: d, address: "hr:2"}
"""
    ).tags
    h.retag(new_tags)
    h.submit(SampleBatch.build([0, 1], t0 + 1, [20.0, 30.0], Quality.GOOD))
    wait_until(lambda: h.written == 4)
    h.stop()
    h2 = History(db_url, new_tags)
    assert h2.read(0, t0 - 1, t0 + 2).value.tolist() == [2.0, 20.0]  # B kept its id and history
    assert h2.read(1, t0 - 1, t0 + 2).value.tolist() == [30.0]
    with h2.engine.connect() as c:
        assert c.exec_driver_sql("SELECT key FROM alarm_events").scalars().all() == ["A:H"]
    assert [(e.hazard, e.level) for e in read_risk_events(h2.engine, t0 - 1, t0 + 1)] == [("BF", 3)]
    h2.stop()


def test_parse_time():
    assert parse_time("2023-11-14T22:13:20Z") == 1_700_000_000.0
    assert parse_time("1h", now=10_000.0) == 6400.0
    assert parse_time("1700000000") == 1_700_000_000.0
