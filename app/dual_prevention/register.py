"""The hidden-danger register: register, confirm or dismiss a draft, assign the rectification
(the five 落实), mark rectified, accept or refuse acceptance; every step stored
(storage.dual_prevention), audited (storage.audit, action "hidden_danger") and the open ones
handed to the running engine (`send(dangers, inspections)`: app.runtime.operator.OperatorRequests
.set_dangers) so the risk follows at once. `overdue()` lists what is past its deadline; the
weekly report reads `all()`. No Qt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace

from app.dual_prevention.hidden_dangers import (
    OPEN,
    DangerStatus,
    Grade,
    HiddenDanger,
    OverdueInspection,
    criteria,
    moved,
)
from storage import dual_prevention as db
from storage.audit import SYSTEM_USER, Action, action_rows


class Register:
    """Hidden dangers of one plant database (see the module docstring)."""

    def __init__(
        self, engine, audit=None, send: Callable | None = None, clock: Callable[[], float] = time.time
    ):
        self.engine, self.audit, self.send, self.clock = engine, audit, send, clock

    def _record(self, user: str, d: HiddenDanger, step: str, **detail) -> None:
        if self.audit is not None:
            detail = {"step": step, "hazard": d.hazard, "grade": str(d.grade), "title": d.title, **detail}
            self.audit.append(user, Action.HIDDEN_DANGER, d.code, detail)

    def register(
        self,
        user: str,
        hazard: str,
        title: str,
        grade: Grade | str,
        criterion: str = "",
        evidence: str = "",
        draft: bool = False,
    ) -> HiddenDanger:
        """A new hidden danger (a draft: opened by monitoring, for a supervisor to confirm)."""
        grade = Grade(grade)
        if not title.strip():
            raise ValueError("a hidden danger needs a description")
        if grade == Grade.MAJOR and criterion not in {c.id for c in criteria()}:
            raise ValueError("a major hidden danger names the item of the criteria it meets")
        status = DangerStatus.DRAFT if draft else DangerStatus.REGISTERED
        d = HiddenDanger(
            0, hazard, title.strip(), grade, status, self.clock(), user, criterion, evidence=evidence
        )
        d = replace(d, id=db.insert(self.engine, "hidden_dangers", d.to_row()))
        self._record(user, d, str(status), criterion=criterion, evidence=evidence)
        self.publish()
        return d

    def open_draft(self, user: str, hazard: str, title: str, evidence: str, key: str) -> HiddenDanger | None:
        """A draft opened by monitoring under its unique `key`, or None when another process on
        the same database has just opened the same one (storage.dual_prevention.insert_draft)."""
        d = HiddenDanger(
            0, hazard, title, Grade.GENERAL, DangerStatus.DRAFT, self.clock(), user, "", evidence=evidence
        )
        id_ = db.insert_draft(self.engine, {**d.to_row(), "draft_key": key})
        if id_ is None:
            return None
        d = replace(d, id=id_)
        self._record(user, d, str(DangerStatus.DRAFT), criterion="", evidence=evidence)
        self.publish()
        return d

    def step(
        self, user: str, danger_id: int, status: DangerStatus | str, note: str = "", **fields
    ) -> HiddenDanger:
        """Take one step of the life cycle (ValueError: one it may not take)."""
        d = self.get(danger_id)
        if d is None:
            raise ValueError(f"no hidden danger HD-{danger_id}")
        status = DangerStatus(status)
        if status == DangerStatus.DISMISSED and not note.strip():
            raise ValueError("a dismissal needs a reason")
        if status == DangerStatus.ACCEPTED:
            fields["accepted_by"] = user
        new = moved(d, status, self.clock(), note=note, **fields)
        db.update(self.engine, "hidden_dangers", d.id, new.to_row())
        self._record(user, new, str(status), note=note, previous=str(d.status), **_plain(fields))
        self.publish()
        return new

    def overdue_escalation(self, user: str = SYSTEM_USER) -> list[HiddenDanger]:
        """Open hidden dangers past their deadline not yet recorded as overdue: recorded now
        (`overdue_at`, claimed so that two processes on one database record each once), audited
        and returned; the risk counts them as overdue by itself. One audited as overdue before
        the record existed is recorded, not audited or returned again."""
        now = self.clock()
        rows = db.rows(self.engine, "hidden_dangers", status=[str(s) for s in OPEN], overdue_at=None)
        late = [d for d in map(HiddenDanger.from_row, rows) if d.overdue(now)]
        if not late:
            return []
        rows = action_rows(self.engine, Action.HIDDEN_DANGER, round(now * 1000) + 1)
        done = {target for _ts, target, detail in rows if json.loads(detail).get("step") == "overdue"}
        out = []
        for d in late:
            claimed = db.claim(self.engine, "hidden_dangers", d.id, {"overdue_at": now}, overdue_at=None)
            if claimed and d.code not in done:
                self._record(user, d, "overdue", deadline=d.deadline, responsible=d.responsible)
                out.append(d)
        return out

    def unannounced_majors(self) -> list[HiddenDanger]:
        """Major hidden dangers registered (not drafts) and not yet told through the
        notifications: claimed now (`announced`), each returned once across processes."""
        now = self.clock()
        rows = db.rows(self.engine, "hidden_dangers", grade=str(Grade.MAJOR), announced=None)
        return [
            d
            for d in map(HiddenDanger.from_row, rows)
            if d.open and db.claim(self.engine, "hidden_dangers", d.id, {"announced": now}, announced=None)
        ]

    def publish(self) -> None:
        if self.send is not None:
            self.send(self.open(), self.pending_inspections())

    # ------------------------------------------------------------ reading
    def get(self, danger_id: int) -> HiddenDanger | None:
        r = db.row(self.engine, "hidden_dangers", danger_id)
        return None if r is None else HiddenDanger.from_row(r)

    def all(self) -> list[HiddenDanger]:
        return [HiddenDanger.from_row(r) for r in db.rows(self.engine, "hidden_dangers")]

    def open(self) -> list[HiddenDanger]:
        return [d for d in self.all() if d.open]

    def drafts(self) -> list[HiddenDanger]:
        return [d for d in self.all() if d.status == DangerStatus.DRAFT]

    def pending_inspections(self) -> list[OverdueInspection]:
        return [
            OverdueInspection(r["id"], r["hazard"], r["measure"], r["due"])
            for r in db.rows(self.engine, "inspections")
            if r["done"] is None
        ]


def _plain(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if isinstance(v, (str, int, float)) or v is None}
