"""The operator's actions on the alarms (acknowledge with a comment, shelve, unshelve, out of
service, suppress by hand) and a supervisor's declaration of a hazard source's operating state
(app/risk/operating_states.py), handed to the acquisition loop and answered with futures.

A detector pass holds the engine's lock while it evaluates a batch; an action asked for by the
GUI must not wait for it. Each action is queued to the acquisition loop (Engine.call_in_loop),
runs there between two passes, stamped with the engine's clock when it runs, and its
transitions are journaled and published like any other (Engine.update_alarms). The future
carries the transitions, or the exception (a shelve without a reason). Without a running loop
(a replay, an engine that was never started) the action runs inline and the future is done.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable

from app.dual_prevention import permits
from app.risk import operating_states
from core.alarm_types import Alarm

log = logging.getLogger(__name__)


class OperatorRequests:
    """The operator's actions of an `app.runtime.engine.Engine` (see the module docstring)."""

    def __init__(self, engine):
        self.engine = engine

    def acknowledge(
        self, keys: list[str] | None, user: str = "", comment: str = ""
    ) -> concurrent.futures.Future:
        """Acknowledge the given alarms (None: all), with the user's comment."""
        return self._request(lambda actions, now: actions.acknowledge(keys, now, user, comment))

    def shelve(
        self, keys: list[str], duration_s: float | None, user: str, reason: str
    ) -> concurrent.futures.Future:
        """Shelve for `duration_s` seconds, or until the alarm next clears (None)."""
        return self._request(lambda actions, now: actions.shelve(keys, now, duration_s, user, reason))

    def unshelve(self, keys: list[str], user: str = "") -> concurrent.futures.Future:
        return self._request(lambda actions, now: actions.unshelve(keys, now, user))

    def set_out_of_service(
        self, keys: list[str], on: bool, user: str, reason: str = ""
    ) -> concurrent.futures.Future:
        return self._request(lambda actions, now: actions.set_out_of_service(keys, on, now, user, reason))

    def suppress(self, keys: list[str], on: bool, user: str, reason: str = "") -> concurrent.futures.Future:
        """Suppress alarms by hand until lifted (on=False lifts it)."""
        return self._request(lambda actions, now: actions.suppress(keys, on, now, user, reason))

    def declare_state(
        self, hazard: str, state: str, user: str, reason: str, until: float | None = None
    ) -> concurrent.futures.Future:
        """Declare a hazard source running, reduced, down or under maintenance (until `until`,
        UNIX s on the engine's clock, or until declared otherwise); a future of the Outcome
        (alarm transitions, risk changes), or of the refusal (no reason, unknown source)."""
        engine = self.engine

        def change(pipeline):
            now = engine.clock.now()
            return operating_states.change(pipeline, hazard, state, user, reason, until, now)

        return engine.call_in_loop(engine.update_pipeline, change)

    def put_permit(self, permit) -> concurrent.futures.Future:
        """A work permit issued or changed (app.dual_prevention.service.PermitDesk): into the
        pipeline's permit book, the risk at once; a future of the Outcome."""
        engine = self.engine
        return engine.call_in_loop(
            engine.update_pipeline, lambda pipeline: permits.put(pipeline, permit, engine.clock.now())
        )

    def set_dangers(self, dangers, inspections) -> concurrent.futures.Future:
        """The open hidden dangers and the inspections not done (app.dual_prevention.register
        .Register): into the pipeline's DangerBook, the risk at once; a future of the Outcome."""
        engine = self.engine

        return engine.call_in_loop(
            engine.update_pipeline,
            lambda pipeline: _replace_dangers(pipeline, dangers, inspections, engine.clock.now()),
        )

    def restore_permits(self) -> int:
        """Put back the open work permits (at start-up); a table that cannot be read leaves none."""
        engine = self.engine
        if engine.history is None:
            return 0
        from storage.dual_prevention import rows

        try:
            found = [
                permits.from_row(r)
                for r in rows(engine.history.engine, "permits", status=["active", "suspended"])
            ]
        except Exception:
            log.exception("the open work permits could not be read back")
            return 0
        for p in found:
            engine.update_pipeline(lambda pipeline, p=p: permits.put(pipeline, p, engine.clock.now()))
        from app.dual_prevention.register import Register

        try:
            register = Register(engine.history.engine)
            dangers, tasks = register.open(), register.pending_inspections()
        except Exception:
            log.exception("the open hidden dangers could not be read back")
            return len(found)
        engine.update_pipeline(
            lambda pipeline: _replace_dangers(pipeline, dangers, tasks, engine.clock.now())
        )
        return len(found)

    def restore_states(self, journaled: Callable[[Alarm], bool] | None = None) -> int:
        """Put back the operating states in force at the last stop, from the risk journal (on the
        acquisition thread at start-up); a journal that cannot be read leaves every source running.
        `journaled(record)`: whether the alarm journal already holds a record as it stands (the
        alarms restored from it), so a restart does not journal it again."""
        engine = self.engine
        if engine.history is None:
            return 0
        from storage.risk_journal import declarations_in_force

        try:
            found = declarations_in_force(engine.history.engine)
        except Exception:  # running everywhere, as without a journal; said in the log
            log.exception("the operating states could not be read back from the risk journal")
            return 0
        now = engine.clock.now()

        def restore(pipeline):
            outcome = operating_states.restore(pipeline, found, now)
            if journaled is not None:
                outcome.alarms[:] = [a for a in outcome.alarms if not journaled(a)]
            return outcome

        engine.update_pipeline(restore)
        return len(found)

    def _request(self, action: Callable) -> concurrent.futures.Future:
        engine = self.engine
        return engine.call_in_loop(
            engine.update_alarms, lambda alarms: action(alarms.actions, engine.clock.now())
        )


def _replace_dangers(pipeline, dangers, tasks, now: float):
    pipeline.dangers.replace(dangers, tasks)
    return permits.settle_risk(pipeline, now)
