"""Modbus scan planning: contiguous and near registers merge; limits split blocks."""

from __future__ import annotations

from app.config import parse_modbus_address
from devices.scan_plan import TagSpec, plan


def spec(i, addr, type_="uint16", order="big"):
    return TagSpec(i, parse_modbus_address(addr), type_, order)


def test_merges_contiguous_and_bridges_small_gaps():
    blocks = plan(
        [spec(0, "hr:0", "float32"), spec(1, "hr:2"), spec(2, "hr:10"), spec(3, "hr:100")], max_gap=16
    )
    assert [(b.table, b.start, b.count) for b in blocks] == [("hr", 0, 11), ("hr", 100, 1)]


def test_block_limit_and_tables_and_bits():
    specs = [spec(i, f"hr:{i * 2}", "float32") for i in range(100)] + [
        spec(200, "co:5", "bool"),
        spec(201, "co:9", "bool"),
    ]
    specs.append(spec(300, "hr:4.3", "bool"))
    blocks = plan(specs, max_block=125)
    hr = [b for b in blocks if b.table == "hr"]
    assert all(b.count <= 125 for b in hr) and sum(len(b.tags) for b in hr) == 101
    co = [b for b in blocks if b.table == "co"]
    assert [(b.start, b.count) for b in co] == [(5, 5)]


def test_float64_width_is_respected():
    blocks = plan([spec(0, "hr:0", "float64"), spec(1, "hr:130", "uint16")], max_block=125, max_gap=200)
    assert [(b.start, b.count) for b in blocks] == [(0, 4), (130, 1)]
