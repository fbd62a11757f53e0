"""Monitoring beside the engine: where the engine runs (headless, the server, a single workstation)
what the live system sees opens draft hidden dangers (app/dual_prevention/monitoring.py), once
per plant whatever the number of consoles; a station, which holds no engine, only shows them.

    watch = attach(engine)        # None without a history database
    ...
    watch.detach()                # before engine.stop()

A ticker on the engine's alarm clock takes the hazard sources' risk every `EVERY_S` (the
engine's clock) and hands it to a thread of its own, which reads the journal for chronic bad
actors every `BAD_ACTORS_S` and opens the drafts in the plant's database: the acquisition loop
never waits on the database. No Qt.
"""

from __future__ import annotations

import concurrent.futures
import logging

from app.dual_prevention import monitoring
from app.dual_prevention.register import Register
from storage.journal_reads import load_events

log = logging.getLogger(__name__)
EVERY_S = 30.0
BAD_ACTORS_S = 3600.0


class DraftWatch:
    """Opens the drafts of one engine's plant (see the module docstring)."""

    def __init__(self, engine, *, every_s: float = EVERY_S, bad_actors_s: float = BAD_ACTORS_S):
        self.engine = engine
        self.db = engine.history.engine
        operator = engine.operator
        self.register = Register(
            self.db, engine.audit, lambda d, t: operator.set_dangers(d, t), clock=engine.clock.now
        )
        self.every_s, self.bad_actors_s = every_s, bad_actors_s
        self._last: float | None = None
        self._bad_actors_at: float | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="draft-watch")
        self._busy: concurrent.futures.Future | None = None
        engine.add_ticker(self.tick)

    def tick(self, now: float) -> None:
        """The engine's alarm clock: every `every_s`, the risk as it stands to the watch's thread
        (skipped while the previous pass is still at work)."""
        if self._last is not None and now - self._last < self.every_s:
            return
        if self._busy is not None and not self._busy.done():
            return
        self._last = now
        states = self.engine.risk_states()
        self._busy = self._pool.submit(self.run, states, now)

    def run(self, states, now: float) -> list:
        """One pass: the drafts opened (findings from `states`, and the chronic bad actors when due)."""
        try:
            findings = monitoring.findings_from_risk(states)
            if self._bad_actors_at is None or now - self._bad_actors_at >= self.bad_actors_s:
                self._bad_actors_at = now
                findings += monitoring.chronic_bad_actors(
                    lambda t0, t1: load_events(self.db, t0, t1), self.engine.config, now
                )
            return monitoring.open_drafts(self.register, findings)
        except Exception:  # a database gone for a moment: the next pass tries again
            log.exception("drafts from monitoring could not be opened")
            return []

    def detach(self) -> None:
        self.engine.remove_ticker(self.tick)
        self._pool.shutdown(wait=True)


def attach(engine) -> DraftWatch | None:
    """A draft watch on `engine`; None when it keeps no history (nowhere to open drafts)."""
    if getattr(getattr(engine, "history", None), "engine", None) is None:
        return None
    return DraftWatch(engine)
