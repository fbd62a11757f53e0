"""The permit desk: issue, suspend, resume, end and expire work permits, each step stored
(storage.dual_prevention), audited (storage.audit, action "permit") and handed to the running
engine (`send`: app.runtime.operator.OperatorRequests.put_permit) so the map, the risk and the
gas alarms follow at once. A refused permit is audited with its reasons too. No Qt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from app.config import PlantConfig
from app.dual_prevention import permits as pm
from app.dual_prevention.permits import GasReading, Permit, PermitKind, PermitRefused, PermitStatus
from core.messages import QT_TRANSLATE_NOOP, Message
from storage import dual_prevention as db
from storage.audit import SYSTEM_USER, Action

log = logging.getLogger(__name__)

# status changes a person may make: (from, to)
_MOVES = {
    (PermitStatus.ACTIVE, PermitStatus.SUSPENDED),
    (PermitStatus.SUSPENDED, PermitStatus.ACTIVE),
    (PermitStatus.ACTIVE, PermitStatus.ENDED),
    (PermitStatus.SUSPENDED, PermitStatus.ENDED),
}


class PermitDesk:
    """Work permits of one plant database (see the module docstring). `audit`: a
    storage.audit.AuditLog or None; `send(permit)`: hands a changed permit to the engine."""

    def __init__(
        self,
        engine,
        config: PlantConfig,
        audit=None,
        send: Callable[[Permit], object] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.engine, self.config, self.audit, self.send, self.clock = engine, config, audit, send, clock

    def _record(self, user: str, permit: Permit | None, what: str, **detail) -> None:
        if self.audit is None:
            return
        target = permit.code if permit is not None and permit.id else detail.get("hazard", "")
        if permit is not None:
            detail = {"kind": str(permit.kind), "hazard": permit.hazard, "people": permit.people, **detail}
        self.audit.append(user, Action.PERMIT, target, {"step": what, **detail})

    def issue(
        self,
        user: str,
        kind: PermitKind | str,
        hazard: str,
        start: float,
        end: float,
        people: int,
        gas: list[GasReading],
        description: str = "",
    ) -> Permit:
        """Store and hand on a new permit; PermitRefused (audited) when it may not be issued."""
        now = self.clock()
        reasons = pm.check(self.config, kind, hazard, start, end, people, gas, now)
        if reasons:
            self._record(
                user,
                None,
                "refused",
                hazard=hazard,
                kind=str(kind),
                people=people,
                reasons=[str(r) for r in reasons],
                gas=[g.as_dict() for g in gas],
            )
            raise PermitRefused(reasons)
        permit = Permit(
            0, PermitKind(kind), hazard, start, end, people, user, description, tuple(gas), changed=now
        )
        permit = replace(permit, id=db.insert(self.engine, "permits", pm.to_row(permit)))
        self._record(
            user,
            permit,
            "issued",
            start=start,
            end=end,
            gas=[g.as_dict() for g in gas],
            description=description,
        )
        self._send(permit)
        return permit

    def move(self, user: str, permit_id: int, status: PermitStatus | str, reason: str = "") -> Permit:
        """Suspend, resume or end a permit."""
        permit = self.get(permit_id)
        status = PermitStatus(status)
        if permit is None or (permit.status, status) not in _MOVES:
            raise PermitRefused(
                [
                    Message(
                        "permits",
                        QT_TRANSLATE_NOOP("permits", "PTW-{id} cannot be {status} now"),
                        id=permit_id,
                        status=pm.STATUS_TEXT[status],
                    )
                ]
            )
        changed = self._change(user, permit, status, reason)
        if changed is None:
            raise PermitRefused(
                [
                    Message(
                        "permits",
                        QT_TRANSLATE_NOOP("permits", "PTW-{id} was changed meanwhile: look again"),
                        id=permit_id,
                    )
                ]
            )
        return changed

    def _change(self, user: str, permit: Permit, status: PermitStatus, reason: str) -> Permit | None:
        """The permit moved to `status`, stored, audited and handed on; None when it is no longer
        what it was here (another process, or another station, changed it first)."""
        now = self.clock()
        changed = replace(permit, status=status, changed=now)
        values = {"status": str(status), "changed": now}
        if not db.claim(self.engine, "permits", permit.id, values, status=str(permit.status)):
            return None
        self._record(user, changed, str(status), reason=reason, previous=str(permit.status))
        self._send(changed)
        return changed

    def expire_due(self, user: str = SYSTEM_USER) -> list[Permit]:
        """Open permits whose window has closed: expired, each audited once, whatever the number
        of processes doing it at the same time on one database."""
        now = self.clock()
        due = [self._change(user, p, PermitStatus.EXPIRED, "") for p in self.open() if p.end <= now]
        return [p for p in due if p is not None]

    def _send(self, permit: Permit) -> None:
        if self.send is not None:
            self.send(permit)

    # ------------------------------------------------------------ reading
    def get(self, permit_id: int) -> Permit | None:
        r = db.row(self.engine, "permits", permit_id)
        return None if r is None else pm.from_row(r)

    def changed_since(self, since: float) -> list[Permit]:
        """The permits issued or changed at or after `since` (UNIX s), at any console."""
        return [pm.from_row(r) for r in db.changed_since(self.engine, "permits", "changed", since)]

    def open(self) -> list[Permit]:
        return [pm.from_row(r) for r in db.rows(self.engine, "permits", status=[str(s) for s in pm.OPEN])]

    def all(self) -> list[Permit]:
        return [pm.from_row(r) for r in db.rows(self.engine, "permits")]
