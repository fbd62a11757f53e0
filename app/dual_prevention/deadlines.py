"""The deadlines of dual prevention, kept where the engine runs (beside the draft watch, on its
thread: app/dual_prevention/draft_watch.py), never in a window: work permits whose window has
closed are expired, hidden dangers past their rectification deadline recorded overdue, and
major hidden dangers newly registered (at any console) picked up. Each is stored and audited
once per plant, whatever the number of processes on one database (a server and a workstation,
two servers of a pair, PostgreSQL or SQLite): every change is claimed by a conditional update
(storage.dual_prevention.claim) and only the process whose claim took it records it. Each pass
also hands the engine what the consoles changed in the database (`sync`): a station issues a
permit or registers a hidden danger with no engine of its own to tell.

The hidden-danger events go to the notifier (app.notify.notifier.Notifier.dual_prevention) as
notices matched by the notification rules (`what: [dual_prevention]`), at the danger's level:
an overdue major one I, a major one II, an overdue general one III; the later steps of a rule
are dropped once the hidden danger is closed (`settle_dual_prevention`). No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.dual_prevention.hidden_dangers import HiddenDanger
from app.dual_prevention.register import Register
from app.dual_prevention.service import PermitDesk
from app.notify.rules import DUAL_PREVENTION
from core.alarm_types import Alarm
from storage.audit import SYSTEM_USER

SYNC_MARGIN_S = 120.0


@dataclass(frozen=True, slots=True)
class Due:
    """What one pass found and recorded."""

    expired: list
    overdue: list
    majors: list


def notice(d: HiddenDanger, event: str, now: float) -> Alarm:
    """A hidden-danger event ("overdue", "major") as the notifier's rules take it: an alarm of
    the kind `DUAL_PREVENTION` that is never in the alarm list, at the danger's level now."""
    return Alarm(
        f"{d.code}:{event}",
        d.code,
        -1,
        DUAL_PREVENTION,
        d.level(now),
        True,
        False,
        now,
        now,
        0.0,  # no value: a webhook's JSON gets a number all the same
        None,
        d.trace_item(now).detail,
        hazard=d.hazard,
    )


class Deadlines:
    """One plant's deadline pass (see the module docstring); `register` and `desk` on the plant's
    database, `notifier` an app.notify.notifier.Notifier (None: nothing told)."""

    def __init__(self, register: Register, desk: PermitDesk, notifier=None, user: str = SYSTEM_USER):
        self.register, self.desk, self.notifier, self.user = register, desk, notifier, user
        self.synced: float | None = None  # the time of the last pass

    def sync(self, now: float) -> None:
        """What other consoles changed in the database reaches the engine: the permits issued or
        changed since the last pass (a station has no engine to hand them to; a margin of
        `SYNC_MARGIN_S` for the consoles' clocks, handing one twice changes nothing) and the open
        hidden dangers and inspections not done. The engine restored the permits at its start."""
        if self.synced is not None and self.desk.send is not None:
            for p in self.desk.changed_since(self.synced - SYNC_MARGIN_S):
                self.desk.send(p)
        self.synced = now
        self.register.publish()

    def run(self) -> Due:
        now = self.register.clock()
        self.sync(now)
        expired = self.desk.expire_due(self.user)
        overdue = self.register.overdue_escalation(self.user)
        majors = self.register.unannounced_majors()
        events = [notice(d, "overdue", now) for d in overdue] + [notice(d, "major", now) for d in majors]
        if self.notifier is not None:
            if events:
                self.notifier.dual_prevention(events)
            self.notifier.settle_dual_prevention({d.code for d in self.register.open()})
        return Due(expired, overdue, majors)
