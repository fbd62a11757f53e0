"""What reaches the alarms from outside the samples: conditions that other detectors report
(communication, early warnings) and the operator's actions (acknowledge, shelve, suppress, out
of service), and the list of standing alarms.

`AlarmActions` is a component of `app.alarms.engine.AlarmEngine` (`alarm_engine.actions`; the
engine delegates `set_condition`, `set_comm` and `standing` to it). It works on the engine's
public state (`levels`, `names`, `external`, `ext_shelf`, `timed_shelves`, `off_list`, `suppressed`) and
asks the engine for records and time-driven transitions (`record`, `tick`).
Pure Python + numpy, no Qt.
"""

from __future__ import annotations

import time

import numpy as np

from core.alarm_types import COMM_PRIORITY, Alarm, Condition, Kind, State, alarm_text
from core.messages import QT_TRANSLATE_NOOP


class AlarmActions:
    """Conditions from other detectors and the operator's actions on the alarms of an `AlarmEngine`."""

    def __init__(self, alarms):
        self.alarms = alarms  # the AlarmEngine whose state this changes

    # ------------------------------------------------------------ communication and warnings
    def set_comm(self, device: str, failed: bool, ts: float, error: str = "") -> Alarm | None:
        """Raise or clear a device's communication alarm; returns the transition, if any."""
        if not failed:
            text = alarm_text(QT_TRANSLATE_NOOP("alarms", "Communication restored: {device}"), device=device)
        elif error:
            text = alarm_text(
                QT_TRANSLATE_NOOP("alarms", "Communication lost: {device} ({error})"),
                device=device,
                error=error,
            )
        else:
            text = alarm_text(QT_TRANSLATE_NOOP("alarms", "Communication lost: {device}"), device=device)
        return self.alarms.set_condition(
            Condition(f"{device}:COMM", device, Kind.COMM, failed, COMM_PRIORITY, ts, text)
        )

    def set_condition(self, c: Condition) -> Alarm | None:
        """Raise, re-level or clear an alarm reported by a detector (communication, early
        warnings); returns the transition, if any. A raised one is unacknowledged; a change of
        level while active is a transition too (it comes back unacknowledged when more severe),
        and so is a predicted time that moved by more than a quarter of the time left."""
        external, ext_shelf = self.alarms.external, self.alarms.ext_shelf
        cur = external.get(c.key)
        shelved = ext_shelf.get(c.key, 0.0) > c.ts
        if c.active and (cur is None or not cur.active):
            alarm = Alarm(
                c.key,
                c.source,
                c.tag,
                c.kind,
                c.priority,
                True,
                False,
                c.ts,
                c.ts,
                c.value,
                c.limit,
                c.message,
                shelved=shelved,
                suppressed=self.alarms.by_state.warning_off(c),
                first_out=False,
                hazard=c.hazard,
                eta=c.eta,
                eta_err_s=c.eta_err_s,
            )
        elif (
            c.active and cur is not None and (c.priority != cur.priority or _eta_moved(cur.eta, c.eta, c.ts))
        ):
            worse = c.priority < cur.priority
            alarm = cur._replace(
                priority=c.priority,
                ts=c.ts,
                value=c.value,
                limit=c.limit,
                message=c.message,
                acked=cur.acked and not worse,
                eta=c.eta,
                eta_err_s=c.eta_err_s,
                user="",
                comment="",
            )
        elif c.active and cur is not None:  # still active: refresh what it says, not a transition
            external[c.key] = cur._replace(value=c.value, message=c.message, eta=c.eta, eta_err_s=c.eta_err_s)
            return None
        elif not c.active and cur is not None and cur.active:
            alarm = cur._replace(
                active=False,
                ts=c.ts,
                value=c.value,
                message=c.message,
                eta=None,
                eta_err_s=None,
                user="",
                comment="",
            )
            if ext_shelf.get(c.key) == np.inf:  # one-shot shelve ends when it clears
                ext_shelf.pop(c.key, None)
                alarm = alarm._replace(shelved=False)
        else:
            return None
        self.store_external(alarm)
        return alarm

    def store_external(self, alarm: Alarm) -> None:
        if alarm.state == State.NORMAL:
            self.alarms.external.pop(alarm.key, None)
        else:
            self.alarms.external[alarm.key] = alarm

    # ------------------------------------------------------------ operator actions
    def _select(self, keys: list[str] | None):
        """(kind, level, tag index) of every tag alarm named in `keys` (None: all defined)."""
        wanted = None if keys is None else set(keys)
        names = self.alarms.names
        for kind, lv in self.alarms.levels.items():
            for i in np.flatnonzero(np.isfinite(lv.limit)):
                if wanted is None or f"{names[i]}:{kind}" in wanted:
                    yield kind, lv, int(i)

    def acknowledge(
        self, keys: list[str] | None, ts: float, user: str = "", comment: str = ""
    ) -> list[Alarm]:
        """Acknowledge the given alarms (None: all); returns the transitions."""
        out = self.alarms.tick(ts)  # shelves due by now end first
        for kind, lv, i in self._select(keys):
            if lv.acked[i] or lv.oos[i] or lv.shelved_until[i] > ts:
                continue
            lv.acked[i], lv.acked_at[i], lv.latched[i] = True, ts, False
            out.append(self.alarms.record(kind, i, ts, user, comment))
        wanted = None if keys is None else set(keys)
        for key, cur in list(self.alarms.external.items()):
            if cur.acked or cur.shelved or (wanted is not None and key not in wanted):
                continue
            alarm = cur._replace(acked=True, ts=ts, user=user, comment=comment)
            self.store_external(alarm)
            out.append(alarm)
        return out

    def shelve(
        self, keys: list[str], ts: float, duration_s: float | None, user: str, reason: str
    ) -> list[Alarm]:
        """Shelve alarms for `duration_s` (None: one-shot, until the alarm next clears)."""
        if not reason.strip():
            raise ValueError("a shelve needs a reason")
        out = self.alarms.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.oos[i]:
                continue
            lv.shelved_until[i] = np.inf if duration_s is None else ts + duration_s
            self.alarms.off_list = True
            self.alarms.timed_shelves = self.alarms.timed_shelves or duration_s is not None
            lv.shelve_reason[i] = (user, reason)
            out.append(self.alarms.record(kind, i, ts, user, reason))
        for key in keys:
            cur = self.alarms.external.get(key)
            if cur is None:
                continue
            self.alarms.ext_shelf[key] = np.inf if duration_s is None else ts + duration_s
            self.alarms.timed_shelves = self.alarms.timed_shelves or duration_s is not None
            alarm = cur._replace(shelved=True, ts=ts, user=user, comment=reason)
            self.store_external(alarm)
            out.append(alarm)
        return out

    def unshelve(self, keys: list[str], ts: float, user: str = "") -> list[Alarm]:
        out = self.alarms.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.shelved_until[i] > ts:
                lv.shelved_until[i] = 0.0
                lv.shelve_reason.pop(i, None)
                if lv.active[i]:
                    lv.acked[i] = False
                out.append(self.alarms.record(kind, i, ts, user, "unshelved"))
        for key in keys:
            if key in self.alarms.ext_shelf and key in self.alarms.external:
                out.append(self.unshelve_external(key, ts, user, "unshelved"))
        return out

    def unshelve_external(self, key: str, ts: float, user: str, comment: str) -> Alarm:
        """A communication alarm or warning back from its shelve (asked for, or expired)."""
        self.alarms.ext_shelf.pop(key, None)
        cur = self.alarms.external[key]
        alarm = cur._replace(
            shelved=False, acked=cur.acked and not cur.active, ts=ts, user=user, comment=comment
        )
        self.store_external(alarm)
        return alarm

    def set_out_of_service(
        self, keys: list[str], on: bool, ts: float, user: str, reason: str = ""
    ) -> list[Alarm]:
        """Take alarms out of service (maintenance) or put them back."""
        out = self.alarms.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.oos[i] == on:
                continue
            lv.oos[i] = on
            self.alarms.off_list = self.alarms.off_list or on
            if not on and lv.active[i]:
                lv.acked[i] = False
            out.append(
                self.alarms.record(
                    kind, i, ts, user, reason or ("out of service" if on else "back in service")
                )
            )
        return out

    def suppress(self, keys: list[str], on: bool, ts: float, user: str, reason: str = "") -> list[Alarm]:
        """Suppress alarms by hand (a supervisor: equipment stopped, a known fault being worked
        on) until lifted, or lift the suppression. Suppressed alarms are still evaluated and
        journaled but neither listed nor annunciated; an alarm still active when its suppression
        is lifted comes back unacknowledged. Suppressing needs a reason."""
        if on and not reason.strip():
            raise ValueError("a suppression needs a reason")
        out = self.alarms.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.msup[i] == on:
                continue
            lv.msup[i] = on
            self.alarms.off_list = self.alarms.off_list or on
            if on:
                lv.suppress_reason[i] = (user, reason)
            else:
                lv.suppress_reason.pop(i, None)
                if lv.active[i]:
                    lv.acked[i] = False
            out.append(
                self.alarms.record(
                    kind, i, ts, user, reason or ("suppressed" if on else "suppression lifted")
                )
            )
        return out

    def standing(self, now: float | None = None) -> list[Alarm]:
        """Every alarm that is active, unacknowledged, latched or taken off the list, as it stands."""
        now = time.time() if now is None else now
        suppressed, by_state = self.alarms.suppressed, self.alarms.by_state.alarms_off
        out = []
        for kind, lv in self.alarms.levels.items():
            mask = np.isfinite(lv.limit) & (
                lv.active
                | ~lv.acked
                | lv.latched
                | lv.oos
                | lv.msup
                | (lv.shelved_until > 0)
                | suppressed
                | by_state
            )
            for i in np.flatnonzero(mask):
                # who took it off the list and why (a snapshot, not a journal row)
                user, why = (
                    lv.suppress_reason.get(int(i))
                    or self.alarms.by_state.reason(int(i))
                    or lv.shelve_reason.get(int(i))
                    or ("", "")
                )
                out.append(self.alarms.record(kind, int(i), now, user, why)._replace(ts=float(lv.since[i])))
        out.extend(a._replace(ts=a.since) for a in self.alarms.external.values())
        return out


def _eta_moved(old: float | None, new: float | None, now: float) -> bool:
    """A predicted time that moved enough to tell the operator again: a quarter of the time
    left, and at least a minute."""
    if old is None or new is None:
        return False
    return abs(new - old) > max(60.0, 0.25 * abs(old - now))
