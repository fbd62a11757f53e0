"""Sparkplug B topics, sequence numbers, aliases and payloads (transport/sparkplug.py), checked
against a published decoder that is not ours (pysparkplug)."""

from __future__ import annotations

import math

import numpy as np
import pysparkplug as ps
import pytest

from transport import sparkplug as sp
from transport.wire import PayloadBuffer


def test_topics_round_trip_and_bad_ones_are_refused():
    t = sp.Topic("Forewarn", sp.MessageType.DDATA, "plant1", "bf_modbus")
    assert str(t) == "spBv1.0/Forewarn/DDATA/plant1/bf_modbus"
    assert sp.Topic.parse(str(t)) == t
    assert sp.Topic.parse("spBv1.0/Forewarn/NBIRTH/plant1").device is None
    assert sp.state_topic("scada") == "spBv1.0/STATE/scada"
    assert sp.Topic.parse("spBv1.0/STATE/scada").type == sp.MessageType.STATE
    assert str(ps.Topic.from_str(str(t))) == str(t)  # pysparkplug reads it the same
    for bad in ("spBv1.0/G/NDATA/n/d", "spBv1.0/G/DDATA/n", "spAv1.0/G/NDATA/n", "spBv1.0/G/XDATA/n"):
        with pytest.raises(sp.SparkplugError):
            sp.Topic.parse(bad)


def test_sequence_wraps_at_256_and_a_birth_restarts_it():
    s = sp.Sequence()
    assert s.birth() == 0
    assert [s.next() for _ in range(256)][-2:] == [255, 0]
    assert s.birth() == 0 and s.next() == 1


def test_aliases_are_stable_and_unique():
    a = sp.AliasTable()
    assert a.of("x") == 1 and a.of("y") == 2 and a.of("x") == 1
    assert a.names() == {1: "x", 2: "y"}


def test_birth_and_data_decode_with_pysparkplug():
    birth = sp.encode(
        [
            sp.bd_seq_metric(7),
            sp.Metric("GH1.CO.01", 1, sp.DataType.DOUBLE, 12.5, 1000),
            sp.Metric("Status/State", 2, sp.DataType.STRING, "CONNECTED"),
            sp.Metric("Alarms/x/Active", 3, sp.DataType.BOOLEAN, True),
            sp.Metric("Alarms/x/Priority", 4, sp.DataType.INT32, 2),
        ],
        seq=0,
        birth=True,
    )
    b = ps.DBirth.decode(birth)
    got = {m.name: m for m in b.metrics}
    assert got["GH1.CO.01"].value == 12.5 and got["GH1.CO.01"].alias == 1
    assert got["GH1.CO.01"].datatype == ps.DataType.DOUBLE
    assert got["bdSeq"].value == 7 and got["Status/State"].value == "CONNECTED"
    assert got["Alarms/x/Active"].value is True and got["Alarms/x/Priority"].value == 2
    data = sp.encode_doubles(
        np.array([1]), np.array([13.0]), np.array([2000]), np.array([sp.QUALITY_GOOD]), seq=1
    )
    d = ps.DData.decode(data, birth=b)
    assert d.seq == 1 and d.metrics[0].name == "GH1.CO.01" and d.metrics[0].value == 13.0


def test_quality_and_null_survive_our_round_trip():
    data = sp.encode_doubles(
        np.array([1, 2, 3]),
        np.array([1.0, math.nan, 3.0]),
        np.array([10, 20, 30]),
        np.array([sp.QUALITY_GOOD, sp.QUALITY_BAD, sp.QUALITY_UNCERTAIN]),
        seq=5,
    )
    p = sp.decode(data, names={1: "a", 2: "b", 3: "c"})
    assert p.seq == 5
    assert [(m.name, m.value, m.timestamp, m.quality) for m in p.metrics] == [
        ("a", 1.0, 10, None),
        ("b", None, 20, sp.QUALITY_BAD),
        ("c", 3.0, 30, sp.QUALITY_UNCERTAIN),
    ]


def test_death_carries_the_births_bd_seq_and_garbage_is_refused():
    d = ps.NDeath.decode(sp.death_payload(300))
    assert d.bd_seq_metric.value == 300 % 256
    with pytest.raises(sp.SparkplugError):
        sp.decode(b"\xff\xff\xff")


@pytest.mark.parametrize("spread", [1, 37, 5000])
def test_the_numpy_data_payload_is_the_protobuf_runtimes_bytes(spread):
    rng = np.random.default_rng(spread)
    n = 300
    aliases = 1 + np.arange(n) * spread
    values = rng.uniform(-1e6, 1e6, n)
    ts = 1_796_000_000_000 + rng.integers(0, 10**6, n)
    quality = np.full(n, sp.QUALITY_GOOD)
    for case in ("good", "mixed"):
        if case == "mixed":
            values[::7] = math.nan
            quality[::5] = sp.QUALITY_BAD
            quality[::11] = sp.QUALITY_UNCERTAIN
            ts[3] = 5  # a varint of another width
        metrics = [
            sp.Metric(None, int(a), sp.DataType.DOUBLE, float(v), int(t), int(q))
            for a, v, t, q in zip(aliases, values, ts, quality, strict=True)
        ]
        runtime = sp.encode(metrics, timestamp_ms=1_796_000_000_123, seq=42)
        ours = sp.encode_doubles(aliases, values, ts, quality, seq=42, timestamp_ms=1_796_000_000_123)
        assert ours == runtime, case


def test_aliases_varints_kept_by_the_caller_give_the_same_bytes():
    from transport.wire import read_doubles, varint_rows

    table = sp.AliasTable(first=1 << 14)
    aliases = np.array([table.of(f"d/T{i}") for i in range(1000)], dtype=np.int64)
    rows = varint_rows(aliases, 3)  # every alias from 2**14 up is a three-byte varint
    pick = np.arange(0, 1000, 3)
    values, ts = np.linspace(0, 1, len(pick)), np.full(len(pick), 1_796_000_000_000)
    good = np.full(len(pick), sp.QUALITY_GOOD)
    plain = sp.encode_doubles(aliases[pick], values, ts, good, seq=7, timestamp_ms=1)
    kept = sp.encode_doubles(aliases[pick], values, ts, good, seq=7, timestamp_ms=1, alias_rows=rows[pick])
    assert kept == plain
    seq, got_aliases, _ts, got_values = read_doubles(kept)  # one row length: read as one block
    assert seq == 7 and (got_aliases == aliases[pick]).all() and (got_values == values).all()


def test_a_scan_batch_written_into_reused_memory_is_the_same_payload():
    from transport.wire import read_doubles

    into = PayloadBuffer()
    aliases = (1 << 14) + np.arange(500, dtype=np.int64)
    ts = np.full(500, 1_796_000_000_000)
    good = np.full(500, sp.QUALITY_GOOD)
    first_values, second_values = np.linspace(0, 1, 500), np.linspace(5, 6, 500)
    first = sp.encode_doubles(aliases, first_values, ts, good, seq=9, timestamp_ms=1, into=into)
    assert first == sp.encode_doubles(aliases, first_values, ts, good, seq=9, timestamp_ms=1)
    copy = bytes(first)
    second = sp.encode_doubles(aliases, second_values, ts, good, seq=10, timestamp_ms=1, into=into)
    assert second is first  # one length, one buffer: the next payload overwrites it
    assert read_doubles(copy)[0] == 9 and (read_doubles(copy)[3] == first_values).all()
    assert read_doubles(second)[0] == 10 and (read_doubles(second)[3] == second_values).all()
    mixed = good.copy()
    mixed[0] = sp.QUALITY_BAD  # not the usual batch: bytes of its own, the buffer untouched
    other = sp.encode_doubles(aliases, first_values, ts, mixed, seq=11, timestamp_ms=1, into=into)
    assert isinstance(other, bytes) and read_doubles(second)[0] == 10


def test_a_kept_layout_rewrites_only_times_values_and_seq():
    into = PayloadBuffer()
    aliases = (1 << 14) + np.arange(200, dtype=np.int64)
    good = np.full(200, sp.QUALITY_GOOD)
    for k, (t, seq) in enumerate([(1_796_000_000_000, 1), (1_796_000_000_977, 200), (1_796_000_001_500, 3)]):
        values = np.linspace(k, k + 1, 200)
        ts = np.full(200, t)
        ours = sp.encode_doubles(aliases, values, ts, good, seq=seq, timestamp_ms=t, into=into, layout="d0")
        plain = sp.encode_doubles(aliases, values, ts, good, seq=seq, timestamp_ms=t)
        assert bytes(ours) == plain, k
    other = sp.encode_doubles(aliases[::-1], values, ts, good, seq=3, timestamp_ms=t, into=into)  # no layout
    assert bytes(other) == sp.encode_doubles(aliases[::-1], values, ts, good, seq=3, timestamp_ms=t)
