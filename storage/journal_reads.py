"""Reads of the alarm journal (`alarm_events`): what the KPIs, the history view, the shift report
and the trend's markers take from it. Plain functions on an SQLAlchemy Engine, no Qt.

Journal semantics (see `core.alarm_types.Alarm`): every transition of an alarm writes one row;
rows come in journal order (time, then id). Times are UNIX seconds here, milliseconds in the table.

- `load_events`: the compact `JournalRow`s of a period for `app.reports.kpi.compute`, with the
  context it needs to know the state of every alarm at the start of the period;
- `load_journal`: every `JournalEntry` of a period, read in chunks with progress and cancelling;
- `period_ends`: the last row of every alarm before a period and at its end, and since when the
  alarms active at the end have been active (the shift handover);
- `journal_marks`: the newest rows in some states, for markers on a trend;
- `standing_alarms`: the latest row of every alarm not back to normal, and since when it has been
  active: what a restart or a standby taking over restores (app.alarms.restore).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.engine import Connection, Engine

from storage.schema import alarm_events as ev

CHUNK_ROWS = 2000
MAX_ROWS = 500_000  # the history view keeps at most this many rows of one query in memory


# ---------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class JournalRow:
    """One row of the alarm journal as the KPIs need it; ``ts`` in UNIX seconds."""

    ts: float
    key: str
    source: str
    kind: str
    priority: int
    state: str
    active: bool
    acked: bool
    user: str = ""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One row of the alarm journal as the supervisor reads it; ``ts`` in UNIX seconds."""

    id: int
    ts: float
    key: str
    source: str
    kind: str
    priority: int
    state: str
    active: bool
    acked: bool
    value: float | None
    limit: float | None
    message: str
    user: str
    comment: str

    @property
    def tag(self) -> str:
        """The tag (or device, for communication alarms) the alarm belongs to."""
        return self.key.rsplit(":", 1)[0] if ":" in self.key else self.key

    def to_kpi_row(self) -> JournalRow:
        return JournalRow(
            self.ts,
            self.key,
            self.source,
            self.kind,
            self.priority,
            self.state,
            self.active,
            self.acked,
            self.user,
        )


@dataclass(frozen=True, slots=True)
class JournalMark:
    """A journal row shown as a marker on a trend; ``ts`` in UNIX seconds."""

    ts: float
    source: str
    kind: str
    priority: int
    state: str
    message: str


@dataclass(frozen=True)
class PeriodEnds:
    """The state of the journal around a period ``[t0, t1]``."""

    before: list[JournalEntry]  # the last row of every alarm before t0, in journal order
    at_end: list[JournalEntry]  # the last row of every alarm at t1, in journal order
    active_since: dict[str, float]  # alarms active at t1: when their active episode began


@dataclass(frozen=True, slots=True)
class StandingEntry:
    """An alarm the journal leaves standing: its latest row, and when its latest active episode
    began (UNIX s; its row's time if the journal never had it active)."""

    last: JournalEntry
    since: float


class Cancelled(Exception):
    """A load stopped because the caller asked it to."""


# ---------------------------------------------------------------- reading rows
_STATE_COLUMNS = [
    ev.c.id,
    ev.c.ts,
    ev.c.key,
    ev.c.source,
    ev.c.kind,
    ev.c.priority,
    ev.c.state,
    ev.c.active,
    ev.c.acked,
]
_KPI_COLUMNS = [*_STATE_COLUMNS, ev.c.user_name]
_ENTRY_COLUMNS = [*_STATE_COLUMNS, ev.c.value, ev.c.limit_value, ev.c.message, ev.c.user_name, ev.c.comment]


def _finite(v) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def _entry(r) -> JournalEntry:
    return JournalEntry(
        id=int(r.id),
        ts=r.ts / 1000.0,
        key=r.key,
        source=r.source,
        kind=r.kind,
        priority=int(r.priority),
        state=r.state,
        active=bool(r.active),
        acked=bool(r.acked),
        value=_finite(r.value),
        limit=_finite(r.limit_value),
        message=r.message or "",
        user=r.user_name or "",
        comment=r.comment or "",
    )


def _kpi_row(r) -> JournalRow:
    active, acked, user = bool(r.active), bool(r.acked), r.user_name or ""
    return JournalRow(r.ts / 1000.0, r.key, r.source, r.kind, int(r.priority), r.state, active, acked, user)


def _ms_range(t0: float, t1: float) -> tuple[int, int]:
    """``[t0, t1]`` in UNIX s as the widest range of whole milliseconds."""
    return math.floor(t0 * 1000), math.ceil(t1 * 1000)


def _latest(cols, *where):
    """Every row matching ``where`` numbered per alarm from the newest (rn = 1: the last one)."""
    rn = func.row_number().over(partition_by=ev.c.key, order_by=(ev.c.ts.desc(), ev.c.id.desc()))
    return select(*cols, rn.label("rn")).where(*where).subquery()


# ---------------------------------------------------------------- the KPIs' rows
def load_events(engine: Engine, t0: float, t1: float) -> list[JournalRow]:
    """Journal rows of ``[t0, t1]`` (UNIX s) plus the context `app.reports.kpi.compute` needs at ``t0``.

    For every alarm whose last row before ``t0`` is active or unacknowledged, that row and the
    activation that started it (its latest ``active and not acked`` row) are prepended, so
    standing alarms keep their activation time and later acknowledgements their ack time.
    Rows come in journal order (time, then id).
    """
    t0_ms, t1_ms = _ms_range(t0, t1)
    cols = _KPI_COLUMNS
    last = _latest(cols, ev.c.ts < t0_ms)
    still_open = or_(last.c.active == true(), last.c.acked != true())
    open_last = select(*[last.c[c.name] for c in cols]).where(last.c.rn == 1, still_open)
    started = _latest(cols, ev.c.ts < t0_ms, and_(ev.c.active == true(), ev.c.acked != true()))
    open_keys = select(last.c.key).where(last.c.rn == 1, still_open)
    activation = select(*[started.c[c.name] for c in cols]).where(
        started.c.rn == 1, started.c.key.in_(open_keys)
    )
    in_range = select(*cols).where(ev.c.ts >= t0_ms, ev.c.ts <= t1_ms).order_by(ev.c.ts, ev.c.id)
    with engine.connect() as conn:
        context = {r.id: r for q in (open_last, activation) for r in conn.execute(q)}
        rows = list(conn.execute(in_range))
    ordered = sorted(context.values(), key=lambda r: (r.ts, r.id)) + rows
    return [_kpi_row(r) for r in ordered]


# ---------------------------------------------------------------- every row of a period
def load_journal(
    engine: Engine,
    t0: float,
    t1: float,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int = MAX_ROWS,
) -> tuple[list[JournalEntry], bool]:
    """Journal rows of ``[t0, t1]`` (UNIX s) in journal order, and whether ``max_rows`` cut them.

    Reads in chunks of `CHUNK_ROWS`; between chunks calls ``progress(done, total)`` and raises
    `Cancelled` as soon as ``cancelled()`` is true.
    """
    t0_ms, t1_ms = _ms_range(t0, t1)
    where = (ev.c.ts >= t0_ms, ev.c.ts <= t1_ms)
    out: list[JournalEntry] = []
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(ev).where(*where)).scalar_one())
        total = min(total, max_rows)
        if progress:
            progress(0, total)
        q = select(*_ENTRY_COLUMNS).where(*where).order_by(ev.c.ts, ev.c.id).limit(max_rows + 1)
        result = conn.execution_options(stream_results=True).execute(q)
        while True:
            if cancelled is not None and cancelled():
                result.close()
                raise Cancelled()
            chunk = result.fetchmany(CHUNK_ROWS)
            if not chunk:
                break
            out.extend(_entry(r) for r in chunk)
            if progress:
                progress(min(len(out), total), total)
    truncated = len(out) > max_rows
    return out[:max_rows], truncated


# ---------------------------------------------------------------- the state around a period
def _last_rows(conn: Connection, where) -> list[JournalEntry]:
    """The last journal row of every alarm among the rows matching ``where`` (ties broken by id)."""
    sub = _latest(_ENTRY_COLUMNS, where)
    q = select(*[sub.c[c.name] for c in _ENTRY_COLUMNS]).where(sub.c.rn == 1).order_by(sub.c.ts, sub.c.id)
    return [_entry(r) for r in conn.execute(q)]


def _active_since(conn: Connection, key: str, t_ms: int) -> float:
    """When the episode of ``key`` still active at ``t_ms`` started (first row after its last
    inactive row)."""
    last_off = conn.execute(
        select(func.max(ev.c.ts)).where(ev.c.key == key, ev.c.ts <= t_ms, ev.c.active == false())
    ).scalar_one()
    q = select(func.min(ev.c.ts)).where(ev.c.key == key, ev.c.ts <= t_ms)
    if last_off is not None:
        q = q.where(ev.c.ts > last_off)
    first = conn.execute(q).scalar_one()
    return (first if first is not None else t_ms) / 1000.0


def period_ends(engine: Engine, t0: float, t1: float) -> PeriodEnds:
    """The last row of every alarm before ``t0`` and at ``t1`` (UNIX s), and for the alarms active
    at ``t1`` when their active episode began; read in one connection."""
    t0_ms, t1_ms = _ms_range(t0, t1)
    with engine.connect() as conn:
        before = _last_rows(conn, ev.c.ts < t0_ms)
        at_end = _last_rows(conn, ev.c.ts <= t1_ms)
        since = {e.key: _active_since(conn, e.key, t1_ms) for e in at_end if e.active}
    return PeriodEnds(before, at_end, since)


# ---------------------------------------------------------------- trend markers
def journal_marks(
    engine: Engine, t0: float, t1: float, states: Collection[str], limit: int
) -> list[JournalMark]:
    """The newest ``limit`` rows of ``[t0, t1]`` (UNIX s, whole milliseconds, truncated) whose state
    is one of ``states``, oldest first."""
    q = (
        select(ev.c.ts, ev.c.source, ev.c.kind, ev.c.priority, ev.c.state, ev.c.message)
        .where(ev.c.ts >= int(t0 * 1000), ev.c.ts <= int(t1 * 1000), ev.c.state.in_(list(states)))
        .order_by(ev.c.ts.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [
        JournalMark(ts / 1000.0, source, kind, int(priority), state, message)
        for ts, source, kind, priority, state, message in reversed(rows)
    ]


# ---------------------------------------------------------------- what a restart restores
def standing_alarms(engine: Engine) -> list[StandingEntry]:
    """The latest row of every alarm whose latest row is not NORMAL, in journal order, each with
    the time its latest active episode began (its latest active row right after an inactive one,
    or its first)."""
    with engine.connect() as conn:
        last = [e for e in _last_rows(conn, true()) if e.state != "NORMAL"]
        if not last:
            return []
        keys = [e.key for e in last]
        prev = func.lag(ev.c.active).over(partition_by=ev.c.key, order_by=(ev.c.ts, ev.c.id))
        sub = select(ev.c.key, ev.c.ts, ev.c.active, prev.label("prev")).where(ev.c.key.in_(keys)).subquery()
        starts = select(sub.c.key, func.max(sub.c.ts)).where(
            sub.c.active == true(), or_(sub.c.prev.is_(None), sub.c.prev == false())
        )
        since = dict(conn.execute(starts.group_by(sub.c.key)).all())
    return [StandingEntry(e, since[e.key] / 1000.0 if e.key in since else e.ts) for e in last]
