"""The history's SYSTEM alarm: raised while the history cannot write (database locked, disk
full, server gone) or has dropped samples in the last minute because its buffer was full,
cleared once writes succeed again. Journaled (kept until the database is back) and published
like any other transition.

`HistoryWatch` is owned by app.runtime.engine.Engine (`engine.history_watch`); the acquisition
loop runs its `run()`; it changes the alarms through `Engine.update_alarms`.
"""

from __future__ import annotations

import asyncio
import logging

from core.alarm_types import Alarm, Condition, Kind, alarm_text
from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)
HISTORY_ALARM_KEY = "history:SYSTEM"
HISTORY_ALARM_PRIORITY = 2
HISTORY_CHECK_S = 1.0  # how often the acquisition loop looks at the history writer
HISTORY_DROP_HOLD_S = 60.0  # the SYSTEM alarm stays this long after the last dropped sample


class HistoryWatch:
    """Watches an engine's history writer (see the module docstring)."""

    def __init__(self, engine):
        self.engine = engine
        self.dropped = 0  # drops already reported by the alarm
        self.drop_at = 0.0  # when the last of them was seen

    async def run(self) -> None:
        while True:
            await asyncio.sleep(HISTORY_CHECK_S)
            try:
                self.check()
            except Exception:  # the watch must outlive a bug in reporting
                log.exception("checking the history failed")

    def check(self, now: float | None = None) -> Alarm | None:
        """Raise, keep or clear the alarm as the history stands; returns its transition, if any."""
        engine = self.engine
        h = engine.history
        if h is None:
            return None
        now = engine.clock.now() if now is None else now
        dropped = h.dropped
        if dropped > self.dropped:
            self.dropped, self.drop_at = dropped, now
        failing = h.state != "ok"
        dropping = self.drop_at > 0 and now - self.drop_at < HISTORY_DROP_HOLD_S
        if failing and dropped:
            text = alarm_text(
                QT_TRANSLATE_NOOP(
                    "alarms", "History cannot write: {error}; buffer full, {n} samples dropped"
                ),
                error=h.last_error or h.state,
                n=dropped,
            )
        elif failing:
            text = alarm_text(
                QT_TRANSLATE_NOOP("alarms", "History cannot write: {error}"), error=h.last_error or h.state
            )
        elif dropping:
            text = alarm_text(
                QT_TRANSLATE_NOOP("alarms", "History buffer full: {n} samples dropped"), n=dropped
            )
        else:
            text = alarm_text(QT_TRANSLATE_NOOP("alarms", "History writing again"))
        condition = Condition(
            HISTORY_ALARM_KEY, "history", Kind.SYSTEM, failing or dropping, HISTORY_ALARM_PRIORITY, now, text
        )
        out = engine.update_alarms(
            lambda alarms: [a for a in [alarms.set_condition(condition)] if a is not None]
        )
        if not out:
            return None
        log.log(logging.WARNING if out[0].active else logging.INFO, "%s", text)
        return out[0]
