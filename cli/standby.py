"""`headless --standby`: one of an active/standby pair of servers on a shared PostgreSQL.

Each process waits for the plant's leadership (storage.leadership) with its history opened and
its engine made (`ready: ...` on stdout); the leader starts the engine (devices polled, alarms
restored from the journal and evaluated, the journal written behind the leader's fence); a
process that loses the lease stops its engine at once and waits again
(app.redundancy.active_standby). Each change of role is a line on stdout (`role: standby|active|
lost ...`), and `headless: ...` once the engine runs, as plain headless.

`serve --standby` runs the same loop with a `publisher` (cli/serve_standby.py): what the engine
needs of it (`engine_options(history)`), its publishing started with the engine and stopped
before it (`start(engine, history)`, `stop()`), each role (`role(state)`) and `close()` at the end.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy.engine import make_url

from app.config import PlantConfig
from app.redundancy.active_standby import ActiveStandby, RoleState
from app.runtime.services import Services
from cli.commands import demo_engine, describe, on_signals, open_journal, plant_clock, summary
from core.times import iso_ms
from storage.leadership import Leadership


def run_standby(
    cfg: PlantConfig, db_url: str, duration: float | None, out, *, sim=None, publisher=None
) -> int:
    """Run under leadership until `duration` (wall seconds) or a signal; 0 at the end."""
    lead = Leadership(db_url, cfg.plant.name)
    clock = plant_clock(sim)
    shown = make_url(db_url).render_as_string(hide_password=True)
    ready: list = []  # (history, engine) made while standby: a takeover only starts them
    running: list = []  # (engine, history, started, services) while active

    def prepare() -> None:
        if not ready:
            hist = open_journal(cfg, db_url)
            hist.fence = lead.fence  # only the leader journals
            extra = {} if publisher is None else publisher.engine_options(hist)
            ready.append((hist, demo_engine(cfg, hist, sim, clock, **extra)))
            print(f"ready: {describe(cfg)} -> {shown}", file=out, flush=True)

    def start() -> None:
        prepare()
        hist, engine = ready.pop()
        engine.start()  # the standing alarms restored from the journal before the first pass
        services = Services(cfg, engine, hist)  # notifications, draft watch, regulator link
        running.append((engine, hist, time.monotonic(), services))
        print(f"headless: {describe(cfg)} -> {shown} (active)", file=out, flush=True)
        if publisher is not None:
            publisher.start(engine, hist)

    def stop() -> None:
        while running:
            engine, hist, t0, services = running.pop()
            if publisher is not None:
                publisher.stop()
            services.detach()
            engine.stop()
            summary(engine, hist, time.monotonic() - t0, out)

    def show(state: RoleState) -> None:
        why = f" ({state.detail})" if state.detail else ""
        print(f"role: {state.role} at {iso_ms(int(state.since * 1000))}{why}", file=out, flush=True)
        if publisher is not None:
            publisher.role(state)

    pair = ActiveStandby(lead, start, stop, on_change=show, prepare=prepare)
    stopping = threading.Event()
    on_signals(stopping)
    timer = None
    if duration is not None:
        timer = threading.Timer(duration, stopping.set)
        timer.daemon = True
        timer.start()
    try:
        pair.run(stopping)
    finally:
        if timer is not None:
            timer.cancel()
        for hist, _ in ready:
            hist.stop()
        if publisher is not None:
            publisher.close()
    return 0
