"""What reaches the alarms from outside the samples: conditions that other detectors report
(communication, early warnings) and the operator's actions (acknowledge, shelve, suppress, out
of service), and the list of standing alarms.

`AlarmActions` is the part of `app.alarms.engine.AlarmEngine` that does these; the engine holds the
state it works on (`levels`, `external`, `ext_shelf`, ...) and the records (`_record`, `tick`).
Pure Python + numpy, no Qt.
"""

from __future__ import annotations

import time

import numpy as np

from core.alarm_types import COMM_PRIORITY, Alarm, Condition, State, alarm_text
from core.messages import QT_TRANSLATE_NOOP


class AlarmActions:
    """Conditions from other detectors and the operator's actions on the alarms of an `AlarmEngine`."""

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
        return self.set_condition(
            Condition(f"{device}:COMM", device, "COMM", failed, COMM_PRIORITY, ts, text)
        )

    def set_condition(self, c: Condition) -> Alarm | None:
        """Raise, re-level or clear an alarm reported by a detector (communication, early
        warnings); returns the transition, if any. A raised one is unacknowledged; a change of
        level while active is a transition too (it comes back unacknowledged when more severe),
        and so is a predicted time that moved by more than a quarter of the time left."""
        cur = self.external.get(c.key)
        shelved = self.ext_shelf.get(c.key, 0.0) > c.ts
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
            self.external[c.key] = cur._replace(
                value=c.value, message=c.message, eta=c.eta, eta_err_s=c.eta_err_s
            )
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
            if self.ext_shelf.get(c.key) == np.inf:  # one-shot shelve ends when it clears
                self.ext_shelf.pop(c.key, None)
                alarm = alarm._replace(shelved=False)
        else:
            return None
        self._store_external(alarm)
        return alarm

    def _store_external(self, alarm: Alarm) -> None:
        if alarm.state == State.NORMAL:
            self.external.pop(alarm.key, None)
        else:
            self.external[alarm.key] = alarm

    def external_alarm(self, key: str) -> Alarm | None:
        return self.external.get(key)

    # ------------------------------------------------------------ operator actions
    def _select(self, keys: list[str] | None):
        """(kind, level, tag index) of every tag alarm named in `keys` (None: all defined)."""
        wanted = None if keys is None else set(keys)
        for kind, lv in self.levels.items():
            for i in np.flatnonzero(np.isfinite(lv.limit)):
                if wanted is None or f"{self.names[i]}:{kind}" in wanted:
                    yield kind, lv, int(i)

    def acknowledge(
        self, keys: list[str] | None, ts: float, user: str = "", comment: str = ""
    ) -> list[Alarm]:
        """Acknowledge the given alarms (None: all); returns the transitions."""
        out = self.tick(ts)  # shelves due by now end first
        for kind, lv, i in self._select(keys):
            if lv.acked[i] or lv.oos[i] or lv.shelved_until[i] > ts:
                continue
            lv.acked[i], lv.acked_at[i], lv.latched[i] = True, ts, False
            out.append(self._record(kind, i, ts, user, comment))
        wanted = None if keys is None else set(keys)
        for key, cur in list(self.external.items()):
            if cur.acked or cur.shelved or (wanted is not None and key not in wanted):
                continue
            alarm = cur._replace(acked=True, ts=ts, user=user, comment=comment)
            self._store_external(alarm)
            out.append(alarm)
        return out

    def shelve(
        self, keys: list[str], ts: float, duration_s: float | None, user: str, reason: str
    ) -> list[Alarm]:
        """Shelve alarms for `duration_s` (None: one-shot, until the alarm next clears)."""
        if not reason.strip():
            raise ValueError("a shelve needs a reason")
        out = self.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.oos[i]:
                continue
            lv.shelved_until[i] = np.inf if duration_s is None else ts + duration_s
            self._timed = self._timed or duration_s is not None
            lv.shelve_reason[i] = (user, reason)
            out.append(self._record(kind, i, ts, user, reason))
        for key in keys:
            cur = self.external.get(key)
            if cur is None:
                continue
            self.ext_shelf[key] = np.inf if duration_s is None else ts + duration_s
            self._timed = self._timed or duration_s is not None
            alarm = cur._replace(shelved=True, ts=ts, user=user, comment=reason)
            self._store_external(alarm)
            out.append(alarm)
        return out

    def unshelve(self, keys: list[str], ts: float, user: str = "") -> list[Alarm]:
        out = self.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.shelved_until[i] > ts:
                lv.shelved_until[i] = 0.0
                lv.shelve_reason.pop(i, None)
                if lv.active[i]:
                    lv.acked[i] = False
                out.append(self._record(kind, i, ts, user, "unshelved"))
        for key in keys:
            if key in self.ext_shelf and key in self.external:
                out.append(self._unshelve_external(key, ts, user, "unshelved"))
        return out

    def _unshelve_external(self, key: str, ts: float, user: str, comment: str) -> Alarm:
        self.ext_shelf.pop(key, None)
        cur = self.external[key]
        alarm = cur._replace(
            shelved=False, acked=cur.acked and not cur.active, ts=ts, user=user, comment=comment
        )
        self._store_external(alarm)
        return alarm

    def set_out_of_service(
        self, keys: list[str], on: bool, ts: float, user: str, reason: str = ""
    ) -> list[Alarm]:
        """Take alarms out of service (maintenance) or put them back."""
        out = self.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.oos[i] == on:
                continue
            lv.oos[i] = on
            if not on and lv.active[i]:
                lv.acked[i] = False
            out.append(
                self._record(kind, i, ts, user, reason or ("out of service" if on else "back in service"))
            )
        return out

    def suppress(self, keys: list[str], on: bool, ts: float, user: str, reason: str = "") -> list[Alarm]:
        """Suppress alarms by hand (a supervisor: equipment stopped, a known fault being worked
        on) until lifted, or lift the suppression. Suppressed alarms are still evaluated and
        journaled but neither listed nor annunciated; an alarm still active when its suppression
        is lifted comes back unacknowledged. Suppressing needs a reason."""
        if on and not reason.strip():
            raise ValueError("a suppression needs a reason")
        out = self.tick(ts)
        for kind, lv, i in self._select(keys):
            if lv.msup[i] == on:
                continue
            lv.msup[i] = on
            if on:
                lv.suppress_reason[i] = (user, reason)
            else:
                lv.suppress_reason.pop(i, None)
                if lv.active[i]:
                    lv.acked[i] = False
            out.append(
                self._record(kind, i, ts, user, reason or ("suppressed" if on else "suppression lifted"))
            )
        return out

    def standing(self, now: float | None = None) -> list[Alarm]:
        """Every alarm that is active, unacknowledged, latched or taken off the list, as it stands."""
        now = time.time() if now is None else now
        out = []
        for kind, lv in self.levels.items():
            mask = np.isfinite(lv.limit) & (
                lv.active
                | ~lv.acked
                | lv.latched
                | lv.oos
                | lv.msup
                | (lv.shelved_until > 0)
                | self.suppressed
            )
            for i in np.flatnonzero(mask):
                # who took it off the list and why (a snapshot, not a journal row)
                user, why = lv.suppress_reason.get(int(i)) or lv.shelve_reason.get(int(i)) or ("", "")
                out.append(self._record(kind, int(i), now, user, why)._replace(ts=float(lv.since[i])))
        out.extend(a._replace(ts=a.since) for a in self.external.values())
        return out


def _eta_moved(old: float | None, new: float | None, now: float) -> bool:
    """A predicted time that moved enough to tell the operator again: a quarter of the time
    left, and at least a minute."""
    if old is None or new is None:
        return False
    return abs(new - old) > max(60.0, 0.25 * abs(old - now))
