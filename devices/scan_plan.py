"""Modbus scan planning: merge tag addresses into as few read requests as possible.

Tags of one table are sorted by offset and merged into blocks of at most `max_block`
registers (2,000 bits for coils and discrete inputs), bridging gaps of up to `max_gap`
registers when one longer read is cheaper than two requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.schema.devices import REGISTER_WORDS, ModbusAddress, parse_modbus_address

MAX_BITS = 2000


@dataclass
class ScanBlock:
    """One read request and how to decode its reply into tag values."""

    table: str  # hr, ir, co, di
    start: int
    count: int
    tags: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # tag indexes
    # decode groups: (type, word_order, positions in `tags`, register offsets in block, bits or None)
    groups: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray | None]] = field(default_factory=list)


@dataclass(frozen=True)
class TagSpec:
    index: int
    address: ModbusAddress
    type: str
    word_order: str


def plan(specs: list[TagSpec], max_block: int = 125, max_gap: int = 16) -> list[ScanBlock]:
    """Group tag specs into ScanBlocks."""
    blocks: list[ScanBlock] = []
    by_table: dict[str, list[TagSpec]] = {}
    for s in specs:
        by_table.setdefault(s.address.table, []).append(s)
    for table in ("hr", "ir", "co", "di"):
        items = sorted(by_table.get(table, []), key=lambda s: s.address.offset)
        if not items:
            continue
        bit_table = table in ("co", "di")
        limit = MAX_BITS if bit_table else max_block
        gap = max_gap * 16 if bit_table else max_gap
        current: list[TagSpec] = []
        start = end = 0
        for s in items:
            width = 1 if bit_table else REGISTER_WORDS[s.type if s.address.bit is None else "uint16"]
            a0, a1 = s.address.offset, s.address.offset + width
            if current and a0 - end <= gap and max(end, a1) - start <= limit:
                current.append(s)
                end = max(end, a1)
                continue
            if current:
                blocks.append(_block(table, start, end, current))
            current, start, end = [s], a0, a1
        blocks.append(_block(table, start, end, current))
    return blocks


def _block(table: str, start: int, end: int, specs: list[TagSpec]) -> ScanBlock:
    tags = np.array([s.index for s in specs], dtype=np.int32)
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for pos, s in enumerate(specs):
        key = (s.type, s.word_order, s.address.bit is not None)
        groups.setdefault(key, []).append(pos)
    out = []
    for (type_, order, is_bit), positions in groups.items():
        pos = np.array(positions, dtype=np.intp)
        offs = np.array([specs[p].address.offset - start for p in positions], dtype=np.intp)
        bits = np.array([specs[p].address.bit for p in positions], dtype=np.uint16) if is_bit else None
        out.append((type_, order, pos, offs, bits))
    return ScanBlock(table, start, end - start, tags, out)


def specs_for(tags: list[tuple[int, object]], device) -> list[TagSpec]:
    """TagSpecs for (index, Tag) pairs of one Modbus device, applying type defaults."""
    out = []
    for index, tag in tags:
        addr = parse_modbus_address(tag.address)
        out.append(TagSpec(index, addr, tag.type or addr.default_type, tag.word_order or device.word_order))
    return out
