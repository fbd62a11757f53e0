"""The risk inventory (风险分级管控清单): per hazard source, its risk points and activities, each
evaluated by LEC (D = L x E x C, the LEC scales of core.schema) or LS (R = L x S, 1..5 each),
graded with the plant's cut-offs (`risk.lec_cutoffs`, `risk.ls_cutoffs`, as the inherent risk),
with its control measures in five kinds (engineering, management, training, PPE, emergency) and
the level responsible for it by its colour: red company, orange plant, yellow workshop, blue
team (`RESPONSIBLE`).

Every change is a new version of the point (its `version` counts up) and an audit row
(action "risk_inventory") with what it was and what it became, so the inventory of any day is
read back from the trail. CSV import and export (UTF-8 with BOM, or GB 18030 for older
spreadsheets), cells guarded by core.csv_safe; an import applies the good rows and names each bad
one by its line and why. A point is keyed by (hazard source, point, activity). No Qt.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from app.config import LecRisk, LsRisk, PlantConfig
from app.config.tag_rows import decode_csv_bytes
from app.risk.inherent import grade
from core import csv_safe
from core.messages import QT_TRANSLATE_NOOP, word
from storage import dual_prevention as db
from storage.audit import Action

MEASURE_KINDS = ("engineering", "management", "training", "ppe", "emergency")
MEASURE_TEXT = {
    "engineering": word("inventory", QT_TRANSLATE_NOOP("inventory", "engineering")),
    "management": word("inventory", QT_TRANSLATE_NOOP("inventory", "management")),
    "training": word("inventory", QT_TRANSLATE_NOOP("inventory", "training")),
    "ppe": word("inventory", QT_TRANSLATE_NOOP("inventory", "PPE")),
    "emergency": word("inventory", QT_TRANSLATE_NOOP("inventory", "emergency")),
}
RESPONSIBLE = {
    1: word("inventory", QT_TRANSLATE_NOOP("inventory", "company")),
    2: word("inventory", QT_TRANSLATE_NOOP("inventory", "plant")),
    3: word("inventory", QT_TRANSLATE_NOOP("inventory", "workshop")),
    4: word("inventory", QT_TRANSLATE_NOOP("inventory", "team")),
}
COLUMNS = ("hazard", "point", "activity", "method", "L", "E", "C", "S", *MEASURE_KINDS)
EXPORT_COLUMNS = (*COLUMNS, "score", "level", "responsible", "version")


@dataclass(frozen=True, slots=True)
class RiskPoint:
    """One risk point or activity of a hazard source, its evaluation and its control measures."""

    id: int
    hazard: str
    point: str
    activity: str
    method: str  # "LEC" | "LS"
    inputs: dict  # {"L":, "E":, "C":} or {"L":, "S":}
    score: float
    level: int
    measures: dict = field(default_factory=dict)  # kind -> text
    version: int = 1
    updated: float = 0.0
    updated_by: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.hazard, self.point, self.activity)

    @property
    def responsible(self) -> str:
        return RESPONSIBLE[self.level]

    def to_row(self) -> dict:
        d = {k: getattr(self, k) for k in self.__slots__ if k != "id"}
        d["inputs"] = json.dumps(self.inputs)
        d["measures"] = json.dumps(self.measures, ensure_ascii=False)
        return d

    @classmethod
    def from_row(cls, r: dict) -> RiskPoint:
        d = {k: r[k] for k in cls.__slots__}
        d["inputs"], d["measures"] = json.loads(d["inputs"] or "{}"), json.loads(d["measures"] or "{}")
        return cls(**d)

    def snapshot(self) -> dict:
        """What the audit trail keeps of a version."""
        return {
            "method": self.method,
            "inputs": self.inputs,
            "score": self.score,
            "level": self.level,
            "measures": self.measures,
            "version": self.version,
        }


def evaluate(config: PlantConfig, method: str, inputs: dict) -> tuple[float, int, dict]:
    """(score, level, the inputs as numbers); ValueError naming what is wrong."""
    method = method.strip().upper()
    try:
        if method == "LEC":
            r = LecRisk(method="LEC", L=inputs.get("L"), E=inputs.get("E"), C=inputs.get("C"))
            d = r.L * r.E * r.C
            return d, grade(d, config.risk.lec_cutoffs), {"L": r.L, "E": r.E, "C": r.C}
        if method == "LS":
            r = LsRisk(method="LS", L=inputs.get("L"), S=inputs.get("S"))
            v = float(r.L * r.S)
            return v, grade(v, config.risk.ls_cutoffs), {"L": r.L, "S": r.S}
    except ValidationError as exc:
        raise ValueError("; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())) from None
    raise ValueError(f"method {method!r}: LEC or LS")


class Inventory:
    """The risk inventory of one plant database (see the module docstring)."""

    def __init__(self, engine, config: PlantConfig, audit=None, clock: Callable[[], float] = time.time):
        self.engine, self.config, self.audit, self.clock = engine, config, audit, clock

    def points(self, hazard: str | None = None) -> list[RiskPoint]:
        rows = (
            db.rows(self.engine, "risk_points", hazard=hazard)
            if hazard
            else db.rows(self.engine, "risk_points")
        )
        return [RiskPoint.from_row(r) for r in rows]

    def get(self, point_id: int) -> RiskPoint | None:
        r = db.row(self.engine, "risk_points", point_id)
        return None if r is None else RiskPoint.from_row(r)

    def save(
        self, user: str, hazard: str, point: str, activity: str, method: str, inputs: dict, measures: dict
    ) -> RiskPoint:
        """Add a point or make a new version of the one with the same key; ValueError when the
        hazard source is unknown or the evaluation is off its scales."""
        if hazard not in {h.name for h in self.config.hazard_sources}:
            raise ValueError(f"no hazard source {hazard!r}")
        if not point.strip():
            raise ValueError("a risk point needs a name")
        score, level, inputs = evaluate(self.config, method, inputs)
        measures = {k: str(measures.get(k, "") or "").strip() for k in MEASURE_KINDS}
        now = self.clock()
        key = (hazard, point.strip(), activity.strip())
        old = next((p for p in self.points(hazard) if p.key == key), None)
        new = RiskPoint(0, *key, method.strip().upper(), inputs, score, level, measures, 1, now, user)
        if old is None:
            new = replace(new, id=db.insert(self.engine, "risk_points", new.to_row()))
            self._record(user, new, "added", None)
        else:
            if old.snapshot() | {"version": 0} == new.snapshot() | {"version": 0}:
                return old  # nothing changed: no new version
            new = replace(new, id=old.id, version=old.version + 1)
            db.update(self.engine, "risk_points", old.id, new.to_row())
            self._record(user, new, "changed", old)
        return new

    def remove(self, user: str, point_id: int) -> None:
        p = self.get(point_id)
        if p is None:
            return
        db.delete(self.engine, "risk_points", point_id)
        self._record(user, p, "removed", p)

    def _record(self, user: str, p: RiskPoint, step: str, old: RiskPoint | None) -> None:
        if self.audit is not None:
            detail = {"step": step, "now": p.snapshot() if step != "removed" else None}
            if old is not None:
                detail["before"] = old.snapshot()
            self.audit.append(user, Action.RISK_INVENTORY, " / ".join(x for x in p.key if x), detail)

    # ------------------------------------------------------------ CSV
    def import_csv(self, user: str, raw: bytes) -> tuple[int, list[tuple[int, str]]]:
        """Apply the good rows of a CSV (UTF-8 or GB 18030); (rows applied, [(line, error)])."""
        text = decode_csv_bytes(raw)
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("hazard", "point", "method") if c not in (reader.fieldnames or [])]
        if missing:
            return 0, [(1, f"missing columns: {', '.join(missing)}")]
        done, errors = 0, []
        for n, row in enumerate(reader, start=2):
            cells = {k: csv_safe.unescape_cell((v or "").strip()) for k, v in row.items() if k}
            try:
                inputs = {k: float(cells[k]) for k in ("L", "E", "C", "S") if cells.get(k)}
                self.save(
                    user,
                    cells.get("hazard", ""),
                    cells.get("point", ""),
                    cells.get("activity", ""),
                    cells.get("method", ""),
                    inputs,
                    {k: cells.get(k, "") for k in MEASURE_KINDS},
                )
            except ValueError as exc:
                errors.append((n, str(exc)))
                continue
            done += 1
        return done, errors

    def export_csv(self, path: str | Path | None = None, encoding: str = "utf-8-sig") -> str:
        """The inventory as CSV text; written to `path` in `encoding` (utf-8-sig or gb18030)."""
        buf = io.StringIO()
        w = csv_safe.writer(buf, lineterminator="\r\n")
        w.writerow(EXPORT_COLUMNS)
        for p in self.points():
            inputs = [p.inputs.get(k, "") for k in ("L", "E", "C", "S")]
            measures = [p.measures.get(k, "") for k in MEASURE_KINDS]
            w.writerow(
                [
                    p.hazard,
                    p.point,
                    p.activity,
                    p.method,
                    *inputs,
                    *measures,
                    p.score,
                    p.level,
                    p.responsible,
                    p.version,
                ]
            )
        text = buf.getvalue()
        if path is not None:
            Path(path).write_bytes(text.encode(encoding))
        return text
