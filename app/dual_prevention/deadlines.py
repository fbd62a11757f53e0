"""The deadlines of dual prevention, kept where the engine runs (beside the draft watch, on its
thread: app/dual_prevention/draft_watch.py), never in a window: work permits whose window has
closed are expired, hidden dangers past their rectification deadline recorded overdue, and
major hidden dangers newly registered (at any console) picked up. Each is stored and audited
once per plant, whatever the number of processes on one database (a server and a workstation,
two servers of a pair, PostgreSQL or SQLite): every change is claimed by a conditional update
(storage.dual_prevention.claim) and only the process whose claim took it records it.

The hidden-danger events go to the notifier (app.notify.notifier.Notifier.dual_prevention) as
notices matched by the notification rules (`what: [dual_prevention]`), at the danger's level:
an overdue major one I, a major one II, an overdue general one III; the later steps of a rule
are dropped once the hidden danger is closed (`settle_dual_prevention`). No Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.dual_prevention.hidden_dangers import HiddenDanger
from app.dual_prevention.register import Register
from app.dual_prevention.service import PermitDesk
from app.notify.rules import DUAL_PREVENTION
from core.alarm_types import Alarm
from storage.audit import SYSTEM_USER

log = logging.getLogger(__name__)


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

    def run(self) -> Due:
        now = self.register.clock()
        expired = self.desk.expire_due(self.user)
        overdue = self.register.overdue_escalation(self.user)
        majors = self.register.unannounced_majors()
        if overdue:  # the risk counts them overdue by itself; the engine is told the register changed
            self.register.publish()
        events = [notice(d, "overdue", now) for d in overdue] + [notice(d, "major", now) for d in majors]
        if self.notifier is not None:
            if events:
                self.notifier.dual_prevention(events)
            self.notifier.settle_dual_prevention({d.code for d in self.register.open()})
        return Due(expired, overdue, majors)
