"""Risk journal: every change of a hazard source's dynamic risk level or trace (`risk_events`).

One row per `RiskState` that `RiskEngine.update` reported: when, the level, the level before
it, the inherent level, and the trace as JSON, so the question "why was the blast furnace
orange at 03:12 last night" is answered from the journal alone. Each row also carries the
source's declared operating state (maintenance, down, ...), so the states in force at the last
stop are read back at start-up (`declarations_in_force`). Plain functions on an
SQLAlchemy Engine (or an open Connection, to share the history writer's transaction).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from core.operating import Declaration
from core.risk_types import RiskState, TraceItem
from storage.schema import risk_events


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """One row of the risk journal."""

    id: int
    ts: float  # UNIX s
    hazard: str
    level: int
    previous: int | None
    inherent: int
    trace: tuple[TraceItem, ...]
    operating: Declaration | None = None


def trace_json(trace: Iterable[TraceItem]) -> str:
    return json.dumps(
        [
            {"indicator": t.indicator, "what": t.what, "level": t.level, "detail": t.detail, "since": t.since}
            for t in trace
        ],
        ensure_ascii=False,
    )


def trace_from_json(text: str) -> tuple[TraceItem, ...]:
    return tuple(
        TraceItem(d["indicator"], d["what"], int(d["level"]), d.get("detail", ""), float(d["since"]))
        for d in json.loads(text or "[]")
    )


def _row(s: RiskState) -> dict:
    return {
        "ts": round(s.ts * 1000),
        "hazard": s.hazard,
        "level": s.level,
        "previous": s.previous,
        "inherent": s.inherent.level,
        "trace": trace_json(s.trace),
        "operating": None if s.operating is None else json.dumps(s.operating.as_dict(), ensure_ascii=False),
    }


def write_risk_events(engine_or_conn: Engine | Connection, states: Iterable[RiskState]) -> int:
    """Append one row per state; returns how many were written. With a Connection the rows join
    its transaction; with an Engine they are committed here."""
    rows = [_row(s) for s in states]
    if not rows:
        return 0
    if isinstance(engine_or_conn, Connection):
        engine_or_conn.execute(risk_events.insert(), rows)
    else:
        with engine_or_conn.begin() as conn:
            conn.execute(risk_events.insert(), rows)
    return len(rows)


def read_risk_events(engine: Engine, start: float, end: float, hazard: str | None = None) -> list[RiskEvent]:
    """Rows of ``[start, end]`` (UNIX s), of one hazard source or all, in journal order."""
    ev = risk_events
    q = select(ev).where(ev.c.ts >= math.floor(start * 1000), ev.c.ts <= math.ceil(end * 1000))
    if hazard is not None:
        q = q.where(ev.c.hazard == hazard)
    q = q.order_by(ev.c.ts, ev.c.id)
    with engine.connect() as conn:
        return [
            RiskEvent(
                r.id,
                r.ts / 1000.0,
                r.hazard,
                r.level,
                r.previous,
                r.inherent,
                trace_from_json(r.trace),
                _declaration(r.operating),
            )
            for r in conn.execute(q)
        ]


def _declaration(text: str | None) -> Declaration | None:
    return None if not text else Declaration.from_dict(json.loads(text))


def declarations_in_force(engine: Engine) -> list[Declaration]:
    """The operating state each hazard source was in at its newest journal row (running ones left
    out): what a restart puts back."""
    ev = risk_events
    newest = select(func.max(ev.c.id)).group_by(ev.c.hazard).scalar_subquery()
    q = select(ev.c.operating).where(ev.c.id.in_(newest), ev.c.operating.is_not(None))
    with engine.connect() as conn:
        return [d for d in (_declaration(r.operating) for r in conn.execute(q)) if d is not None]
