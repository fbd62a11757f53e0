"""Standing alarms read back from the journal when an alarm engine starts: a restart, or a standby
server taking over, carries on from the alarm states the journal last recorded instead of
starting with every alarm normal. Without it, every standing alarm would be raised (and
journaled) again, and one that returned to normal while no server watched would never clear.

From the latest journal row of each alarm not back to normal (storage.journal_reads.
standing_alarms): active, acknowledged, latched, shelved, suppressed by hand, out of service, since
when it has been active and when it was acknowledged. Then the first pass journals only real
changes: a value back to normal clears its alarm once, at the time it is seen.

What the journal does not hold is taken conservatively: a shelve's end is not journaled, so a
restored shelve lasts until the alarm next clears (one-shot); a suppression by design (a tag
expression, an operating state, a device out of reach) is not restored but found again by the
engine itself. Alarms of detectors that report changes only (communication, sensor
diagnostics, early warnings, Forewarn's own) are restored as they stood; those still active that
no detector reports again within `RECONFIRM_S` are cleared, so none stands forever for a cause
that ended while no server watched.

`RestoredAlarms` is a component of `app.alarms.engine.AlarmEngine` (`alarm_engine.restored`).
Pure Python + numpy, no Qt.
"""

from __future__ import annotations

import math

import numpy as np

from core.alarm_types import KINDS, LEVEL_KINDS, Alarm, Condition, State

RECONFIRM_S = 60.0  # a restored detector alarm not reported again for this long after the start is cleared
BY_DESIGN = "suppressed by design"  # the comment of a suppression the engine finds again by itself
NOT_CONFIRMED = "not confirmed after a restart"


class RestoredAlarms:
    """Puts the journal's standing alarms back into one `AlarmEngine`; clears the restored detector
    alarms no detector confirms."""

    def __init__(self, alarms):
        self.alarms = alarms  # the AlarmEngine whose state this sets
        self.unconfirmed: dict[str, float] = {}  # restored detector alarms still active -> due
        self.rows: dict[str, tuple] = {}  # key -> (state, active, acked) as journaled, until `settle`

    def restore(self, standing, now: float) -> int:
        """Take over `standing` (storage.journal_reads.StandingEntry: the latest row and since
        when) before the first pass, and before the operating states are restored (then
        `settle`); alarms no longer configured are left out, and suppressions by design (their
        comment says so: a tag expression, an operating state, a device out of reach) are left
        for the engine to find again. Returns how many were restored."""
        e = self.alarms
        index = {n: i for i, n in enumerate(e.names)}
        rows: list[int] = []
        n = 0
        for entry in standing:
            row, since = entry.last, entry.since
            self.rows[row.key] = (row.state, row.active, row.acked)
            i = index.get(row.source, -1)
            if row.kind in KINDS:
                if i < 0 or not math.isfinite(e.levels[row.kind].limit[i]):
                    continue
                self._tag_alarm(row, i, since)
                if row.kind in LEVEL_KINDS:
                    rows.append(i)
            else:
                self._detector_alarm(row, i, since, now)
            n += 1
        if rows:
            e.block.refresh(np.unique(np.asarray(rows, dtype=np.intp)))
        e.follow_external()
        return n

    def _tag_alarm(self, row, i: int, since: float) -> None:
        e = self.alarms
        lv = e.levels[row.kind]
        lv.active[i], lv.acked[i] = row.active, row.acked
        lv.latched[i] = row.state == State.LATCHED
        lv.since[i] = since
        if row.acked:
            lv.acked_at[i] = row.ts
        if row.value is not None:
            lv.value[i] = row.value
        who = (row.user, row.comment)
        if row.state == State.OOS:
            lv.oos[i] = True
        elif row.state == State.SHELVED:
            lv.shelved_until[i] = np.inf  # its end is not journaled: until it next clears
            lv.shelve_reason[i] = who
        elif row.state == State.SUPPRESSED and not row.comment.startswith(BY_DESIGN):
            lv.msup[i] = True
            lv.suppress_reason[i] = who
        else:
            return
        e.off_list = True

    def _detector_alarm(self, row, i: int, since: float, now: float) -> None:
        e = self.alarms
        state = row.state
        alarm = Alarm(
            row.key,
            row.source,
            i,
            row.kind,
            row.priority,
            row.active,
            row.acked,
            row.ts,
            since,
            math.nan if row.value is None else row.value,
            row.limit,
            row.message,
            row.user,
            row.comment,
            shelved=state == State.SHELVED,
            suppressed=state == State.SUPPRESSED,
            out_of_service=state == State.OOS,
            latched=state == State.LATCHED,
            hazard=e.hazard_of.get(i, "") if i >= 0 else "",
        )
        e.external[row.key] = alarm
        if alarm.shelved:
            e.ext_shelf[row.key] = np.inf
        if alarm.active:
            self.unconfirmed[row.key] = now + RECONFIRM_S

    def journaled(self, a: Alarm) -> bool:
        """Whether the journal's latest row of this alarm already says what `a` says (the
        operating states restored after the alarms record them again)."""
        return self.rows.get(a.key) == (a.state, a.active, a.acked)

    def settle(self) -> list[Alarm]:
        """The start is over: forget the journal's rows. No transition (returns none)."""
        self.rows = {}
        return []

    def due(self, ts: float) -> list[Alarm]:
        """Clear the restored detector alarms that no detector reported again by their time."""
        out = []
        for key, until in list(self.unconfirmed.items()):
            if until > ts:
                continue
            self.unconfirmed.pop(key, None)
            a = self.alarms.external.get(key)
            if a is None or not a.active:
                continue
            ended = Condition(key, a.source, a.kind, False, a.priority, ts, a.message, a.tag)
            t = self.alarms.set_condition(ended)
            if t is not None:
                out.append(t._replace(comment=NOT_CONFIRMED))
        return out
