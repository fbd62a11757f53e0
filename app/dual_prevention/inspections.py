"""Hidden-danger investigation (隐患排查): inspection tasks generated from the control measures of
the risk inventory, at the frequency the risk point's level requires (the plant file's
`risk: dual_prevention: inspection_hours`, core.schema.dual_prevention: by default red every
shift, orange daily, yellow weekly, blue monthly), and the
round a patrol completes at a workstation or imports as CSV from a handheld: each task is
either closed (ok) or a finding registered as a hidden danger, linked both ways.

A task not done by its due time is overdue: a line of its hazard source's risk trace
(app.dual_prevention.hidden_dangers.DangerBook, through the register's `publish`). Every step
is audited (action "inspection"). No Qt.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.config.tag_rows import decode_csv_bytes
from app.dual_prevention.inventory import MEASURE_KINDS, Inventory
from app.dual_prevention.register import Register
from storage import dual_prevention as db
from storage.audit import Action


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    risk_point: int
    hazard: str
    measure: str
    due: float
    done: float | None = None
    done_by: str = ""
    result: str = ""  # "ok" | "finding"
    note: str = ""
    hidden_danger: int | None = None

    @classmethod
    def from_row(cls, r: dict) -> Task:
        return cls(**{k: r[k] for k in cls.__slots__})


class Inspections:
    """Inspection tasks of one plant database (see the module docstring)."""

    def __init__(
        self, inventory: Inventory, register: Register, audit=None, clock: Callable[[], float] = time.time
    ):
        self.inventory, self.register, self.audit, self.clock = inventory, register, audit, clock
        self.engine = inventory.engine

    def tasks(self) -> list[Task]:
        return [Task.from_row(r) for r in db.rows(self.engine, "inspections")]

    def generate(self, user: str = "forewarn") -> list[Task]:
        """A task for every control measure that has none open: due one period after the last
        one's due time, or now for a measure never inspected. Returns the new tasks."""
        now = self.clock()
        tasks = self.tasks()
        period_s = self.inventory.config.risk.dual_prevention.inspection_period_s
        new = []
        for p in self.inventory.points():
            for kind in MEASURE_KINDS:
                text = p.measures.get(kind, "")
                if not text:
                    continue
                measure = f"{p.point}: {text}"
                mine = [t for t in tasks if t.risk_point == p.id and t.measure == measure]
                if any(t.done is None for t in mine):
                    continue
                due = max((t.due for t in mine), default=None)
                due = now if due is None else max(due + period_s(p.level), now)
                values = {"risk_point": p.id, "hazard": p.hazard, "measure": measure, "due": due}
                new.append(Task(db.insert(self.engine, "inspections", values), p.id, p.hazard, measure, due))
        if new and self.audit is not None:
            self.audit.append(
                user, Action.INSPECTION, "", {"step": "generated", "tasks": [t.id for t in new]}
            )
        if new:
            self.register.publish()
        return new

    def round(self, hazard: str | None = None, within_s: float = 24 * 3600.0) -> list[Task]:
        """The checklist: tasks not done that fall due within `within_s` (overdue ones first)."""
        until = self.clock() + within_s
        out = [
            t
            for t in self.tasks()
            if t.done is None and t.due <= until and (hazard is None or t.hazard == hazard)
        ]
        return sorted(out, key=lambda t: (t.due, t.id))

    def complete(
        self, user: str, task_id: int, ok: bool, note: str = "", grade: str = "general", criterion: str = ""
    ) -> Task:
        """Close a task as ok, or register its finding as a hidden danger (ValueError: unknown or
        already done, a finding without a description)."""
        r = db.row(self.engine, "inspections", task_id)
        if r is None or r["done"] is not None:
            raise ValueError(f"inspection {task_id} is not open")
        task = Task.from_row(r)
        danger = None
        if not ok:
            if not note.strip():
                raise ValueError("a finding needs a description")
            danger = self.register.register(
                user, task.hazard, note, grade, criterion, evidence=f"IN-{task.id} {task.measure}"
            )
        values = {
            "done": self.clock(),
            "done_by": user,
            "result": "ok" if ok else "finding",
            "note": note,
            "hidden_danger": None if danger is None else danger.id,
        }
        db.update(self.engine, "inspections", task.id, values)
        if self.audit is not None:
            detail = {"step": values["result"], "measure": task.measure, "note": note}
            if danger is not None:
                detail["hidden_danger"] = danger.code
            self.audit.append(user, Action.INSPECTION, f"IN-{task.id}", detail)
        self.register.publish()
        return Task.from_row(db.row(self.engine, "inspections", task.id))

    def import_csv(self, user: str, raw: bytes) -> tuple[int, list[tuple[int, str]]]:
        """A handheld's round: columns task, result (ok | finding), note, grade, criterion;
        UTF-8 or GB 18030. (rows applied, [(line, error)])."""
        reader = csv.DictReader(io.StringIO(decode_csv_bytes(raw)))
        if "task" not in (reader.fieldnames or []) or "result" not in (reader.fieldnames or []):
            return 0, [(1, "missing columns: task, result")]
        done, errors = 0, []
        for n, row in enumerate(reader, start=2):
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            try:
                task_id = int(cells["task"].removeprefix("IN-"))
                result = cells["result"].lower()
                if result not in ("ok", "finding"):
                    raise ValueError(f"result {result!r}: ok or finding")
                self.complete(
                    user,
                    task_id,
                    result == "ok",
                    cells.get("note", ""),
                    cells.get("grade") or "general",
                    cells.get("criterion", ""),
                )
            except (ValueError, KeyError) as exc:
                errors.append((n, str(exc)))
                continue
            done += 1
        return done, errors
