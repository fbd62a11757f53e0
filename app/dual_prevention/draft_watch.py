"""Monitoring beside the engine: where the engine runs (headless, the server, a single workstation)
what the live system sees opens draft hidden dangers (app/dual_prevention/monitoring.py), and
the deadlines are kept (app/dual_prevention/deadlines.py: permits expired, hidden dangers
overdue, majors told through the notifications), once per plant whatever the number of
consoles; a station, which holds no engine, only shows them.

    watch = attach(engine, notifier=notifier)   # None without a history database
    ...
    watch.detach()                # before engine.stop()

A ticker on the engine's alarm clock takes the hazard sources' risk every `EVERY_S` (the
engine's clock) and hands it to a thread of its own, which reads the journal for chronic bad
actors every `BAD_ACTORS_S`, opens the drafts in the plant's database and runs the deadline
pass: the acquisition loop never waits on the database. Everything is audited under the
process's name ("forewarn"): the engine's audit trail, or, for an engine that has none
(headless, a standby pair), one on the history's database. No Qt.
"""

from __future__ import annotations

import concurrent.futures
import logging

from app.dual_prevention import monitoring
from app.dual_prevention.deadlines import Deadlines
from app.dual_prevention.register import Register
from app.dual_prevention.service import PermitDesk
from storage.audit import AuditLog
from storage.journal_reads import load_events

log = logging.getLogger(__name__)
EVERY_S = 30.0
BAD_ACTORS_S = 3600.0


class DraftWatch:
    """Opens the drafts of one engine's plant (see the module docstring)."""

    def __init__(
        self,
        engine,
        *,
        audit=None,
        notifier=None,
        every_s: float = EVERY_S,
        bad_actors_s: float = BAD_ACTORS_S,
    ):
        self.engine = engine
        self.db = engine.history.engine
        if audit is None:
            audit = engine.audit if engine.audit is not None else AuditLog(self.db)
        self.audit = audit
        operator, clock = engine.operator, engine.clock.now
        self.register = Register(self.db, audit, lambda d, t: operator.set_dangers(d, t), clock=clock)
        desk = PermitDesk(self.db, engine.config, audit, operator.put_permit, clock=clock)
        self.deadlines = Deadlines(self.register, desk, notifier)
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
        self._busy = self._pool.submit(self.step, states, now)

    def step(self, states, now: float) -> None:
        """The watch's thread: the drafts, then the deadlines."""
        self.run(states, now)
        try:
            self.deadlines.run()
        except Exception:  # a database gone for a moment: the next pass tries again
            log.exception("expired permits or overdue hidden dangers could not be recorded")

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


def attach(engine, audit=None, notifier=None) -> DraftWatch | None:
    """A draft watch on `engine`; None when it keeps no history (nowhere to open drafts).
    `audit`: the trail (default the engine's, else one on its history's database); `notifier`:
    the app.notify.notifier.Notifier the hidden-danger events go to (None: none told)."""
    if getattr(getattr(engine, "history", None), "engine", None) is None:
        return None
    return DraftWatch(engine, audit=audit, notifier=notifier)
