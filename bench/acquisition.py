"""Acquisition benchmark: raw pymodbus block reads vs Forewarn's driver + engine pipeline.

Both run in one process against the same pymodbus server (its own thread) on 127.0.0.1:
  raw   : AsyncModbusTcpClient.read_holding_registers over the same blocks, registers only;
  ours  : ModbusDriver.read_block (reply checks, vectorised decode of float32 in both word
          orders) + Engine.process (scaling, quality, alarms on every tag).
Prints one JSON object: tags/s for each and the ratio ours/raw (1.0 = no overhead).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pymodbus.client import AsyncModbusTcpClient  # noqa: E402

from app.config import parse_config_text  # noqa: E402
from app.runtime.engine import Engine  # noqa: E402
from devices.modbus import ModbusDriver  # noqa: E402
from tests.servers import ModbusServer  # noqa: E402

N_TAGS = 500  # float32: 1,000 registers, 8 blocks of <= 125
ROUNDS = 60


def config(port: int):
    tags = "\n".join(
        f'  - {{name: T{i:04d}, device: plc, address: "hr:{2 * i}", type: float32, '
        f"word_order: {'big' if i % 2 else 'little'}, scale: 0.5, range: [0, 1000], alarms: {{H: 900, HH: 950}}}}"
        for i in range(N_TAGS)
    )
    return parse_config_text(
        f"schema: 1\ndevices:\n  - {{name: plc, protocol: modbus-tcp, port: {port}, timeout_ms: 2000}}\ntags:\n{tags}\n"
    )


async def raw_rounds(port: int, blocks) -> float:
    c = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0, reconnect_delay=0)
    await c.connect()
    t0 = time.perf_counter()
    for _ in range(ROUNDS):
        for b in blocks:
            rr = await c.read_holding_registers(b.start, count=b.count, device_id=1)
            assert not rr.isError() and len(rr.registers) == b.count
    dt = time.perf_counter() - t0
    c.close()
    return dt


async def our_rounds(cfg, engine) -> float:
    members = list(enumerate(cfg.tags))
    drv = ModbusDriver(cfg.devices[0], members, engine.process, lambda s: None)
    await drv.connect()
    from core.samples import Quality, SampleBatch

    t0 = time.perf_counter()
    for _ in range(ROUNDS):
        ts = time.time()
        for b in drv.blocks:
            vals = await drv.read_block(b)
            engine.process(SampleBatch.build(b.tags, ts, vals, Quality.GOOD))
    dt = time.perf_counter() - t0
    await drv.close()
    return dt


def main() -> None:
    with ModbusServer(size=1200) as srv:
        cfg = config(srv.port)
        engine = Engine(cfg)  # not started: the pipeline is driven directly
        blocks = ModbusDriver(cfg.devices[0], list(enumerate(cfg.tags)), None, None).blocks
        # warm-up, then alternate to share any drift between the two
        asyncio.run(raw_rounds(srv.port, blocks))
        raw = ours = 0.0
        for _ in range(3):
            raw += asyncio.run(raw_rounds(srv.port, blocks))
            ours += asyncio.run(our_rounds(cfg, engine))
    samples = 3 * ROUNDS * N_TAGS
    out = {
        "tags": N_TAGS,
        "requests_per_round": len(blocks),
        "raw_tags_per_s": round(samples / raw),
        "ours_tags_per_s": round(samples / ours),
        "ratio_vs_raw": round(raw / ours, 3),
        "raw_requests_per_s": round(3 * ROUNDS * len(blocks) / raw),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
