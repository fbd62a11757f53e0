"""Alarm history and shift-handover report data, read from the alarm journal (no Qt).

The shift supervisor reviews one period of the journal (`alarm_events`): every row of it, the
EEMUA 191 KPIs of the period (`app.reports.kpi`), and at handover the state of the plant's alarms at the
end of the shift. This module assembles that data; `views.alarm_history` and `views.shift_report`
show and print it.

- Shift periods (`shift_period`) follow configurable local start times, by default
  08:00 / 16:00 / 00:00.
- `load_journal` reads the rows of a period in chunks; it reports progress and stops early when
  asked (the GUI runs it in a worker and may cancel it).
- `EntryFilter` is the history view's filter (priority, kind, state, free text), kept here so that
  the view, the CSV export and the tests agree on what a filter shows.
- `build_shift_report` gathers everything the handover report prints; `kpi_figures` turns a
  `KpiReport` into the labelled figures shown both on screen and on paper.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from app.reports import kpi
from core import csv_safe
from core.alarm_types import State
from core.formatting import (
    csv_number,
    days,
    days_hours,
    hours,
    hours_minutes,
    minutes,
    minutes_seconds,
    seconds,
)
from core.formatting import format_number as fmt_number
from core.messages import QT_TRANSLATE_NOOP, Message, word

DEFAULT_SHIFT_STARTS = ("08:00", "16:00", "00:00")
PRIORITY_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
# States that take an alarm off the operator's list (ISA-18.2): recorded, not annunciated.
OFF_LIST_STATES = ("SHELVED", "SUPPRESSED", "OOS")
STATE_NAMES = {
    "UNACK": "Unacked",
    "ACKED": "Acked",
    "RTN_UNACK": "RTN unacked",
    "NORMAL": "Normal",
    "LATCHED": "Latched",
    "SHELVED": "Shelved",
    "SUPPRESSED": "Suppressed",
    "OOS": "Out of service",
}
CSV_COLUMNS = (
    "time",
    "priority",
    "tag",
    "kind",
    "state",
    "value",
    "limit",
    "message",
    "user",
    "comment",
    "key",
    "source",
)
CHUNK_ROWS = 2000
MAX_ROWS = 500_000  # the view keeps at most this many rows of one query in memory


# ---------------------------------------------------------------- journal rows
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

    def to_kpi_row(self) -> kpi.JournalRow:
        return kpi.JournalRow(
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


@dataclass
class JournalData:
    """The result of one history query: journal rows of ``[t0, t1]`` and their KPIs."""

    t0: float
    t1: float
    entries: list[JournalEntry]
    kpi: kpi.KpiReport
    truncated: bool = False  # more than MAX_ROWS rows: the oldest MAX_ROWS are kept


class Cancelled(Exception):
    """A load stopped because the caller asked it to."""


def _columns():
    from storage.schema import alarm_events as ev

    return ev, [
        ev.c.id,
        ev.c.ts,
        ev.c.key,
        ev.c.source,
        ev.c.kind,
        ev.c.priority,
        ev.c.state,
        ev.c.active,
        ev.c.acked,
        ev.c.value,
        ev.c.limit_value,
        ev.c.message,
        ev.c.user_name,
        ev.c.comment,
    ]


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
        value=None if r.value is None or not math.isfinite(r.value) else float(r.value),
        limit=None if r.limit_value is None or not math.isfinite(r.limit_value) else float(r.limit_value),
        message=r.message or "",
        user=r.user_name or "",
        comment=r.comment or "",
    )


def load_journal(
    engine,
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
    from sqlalchemy import func, select

    ev, cols = _columns()
    t0_ms, t1_ms = math.floor(t0 * 1000), math.ceil(t1 * 1000)
    where = (ev.c.ts >= t0_ms, ev.c.ts <= t1_ms)
    out: list[JournalEntry] = []
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(ev).where(*where)).scalar_one())
        total = min(total, max_rows)
        if progress:
            progress(0, total)
        q = select(*cols).where(*where).order_by(ev.c.ts, ev.c.id).limit(max_rows + 1)
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


def load_history(
    engine,
    t0: float,
    t1: float,
    *,
    operators: int = 1,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int = MAX_ROWS,
) -> JournalData:
    """Everything the history view shows for ``[t0, t1]``: the rows and the KPIs of the period."""
    entries, truncated = load_journal(
        engine, t0, t1, cancelled=cancelled, progress=progress, max_rows=max_rows
    )
    if cancelled is not None and cancelled():
        raise Cancelled()
    report = kpi.compute(kpi.load_events(engine, t0, t1), t0, t1, operators=operators)
    return JournalData(t0, t1, entries, report, truncated)


# ---------------------------------------------------------------- filtering
@dataclass(frozen=True)
class EntryFilter:
    """What the history view shows: empty sets mean "all"; ``text`` matches tag, message, user
    or comment, case-insensitively, every whitespace-separated word."""

    priorities: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    text: str = ""

    def matches(self, e: JournalEntry) -> bool:
        if self.priorities and e.priority not in self.priorities:
            return False
        if self.kinds and e.kind not in self.kinds:
            return False
        if self.states and e.state not in self.states:
            return False
        if self.text.strip():
            hay = f"{e.key}\n{e.source}\n{e.message}\n{e.user}\n{e.comment}".casefold()
            return all(w in hay for w in self.text.casefold().split())
        return True

    def apply(self, entries: Iterable[JournalEntry]) -> list[JournalEntry]:
        return [e for e in entries if self.matches(e)]


# ---------------------------------------------------------------- formatting
def fmt_datetime(ts: float, seconds: bool = True) -> str:
    """Local date and time, the way the control room reads its clocks."""
    return time.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M", time.localtime(ts))


def time_format(t0: float, t1: float) -> Callable[[float], str]:
    """Times within a period: "HH:MM:SS" when it lies within one day, with the date otherwise."""
    one_day = datetime.fromtimestamp(t0).date() == datetime.fromtimestamp(max(t1 - 1, t0)).date()
    fmt = "%H:%M:%S" if one_day else "%m-%d %H:%M:%S"
    return lambda ts: time.strftime(fmt, time.localtime(ts))


def fmt_duration(s: float | None) -> str:
    """``None`` -> "–"; 42 -> "42 s"; 125 -> "2 min 5 s"; 7500 -> "2 h 5 min"; days likewise
    (a Message: English, translated on screen)."""
    if s is None or not math.isfinite(s):
        return "–"
    s = max(0.0, float(s))
    if s < 60:
        return seconds(f"{s:.0f}")
    m, sec = divmod(round(s), 60)
    if m < 60:
        return minutes_seconds(m, sec) if sec else minutes(m)
    h, m = divmod(m, 60)
    if h < 24:
        return hours_minutes(h, m) if m else hours(h)
    d, h = divmod(h, 24)
    return days_hours(d, h) if h else days(d)


def entry_cells(e: JournalEntry) -> list[str]:
    """The texts of one row, in `CSV_COLUMNS` order (the table, the CSV and the PDFs agree)."""
    return [
        fmt_datetime(e.ts),
        PRIORITY_NAMES.get(e.priority, str(e.priority)),
        e.tag,
        e.kind,
        STATE_NAMES.get(e.state, e.state),
        fmt_number(e.value),
        fmt_number(e.limit),
        e.message,
        e.user,
        e.comment,
        e.key,
        e.source,
    ]


def write_csv(entries: Iterable[JournalEntry], path: str | Path) -> int:
    """Journal rows as UTF-8 CSV with a BOM (spreadsheets then read Chinese text); returns rows."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv_safe.writer(f)  # a comment "=..." typed by an operator stays text
        w.writerow(CSV_COLUMNS)
        for e in entries:
            cells = entry_cells(e)
            cells[0] += f".{round(e.ts * 1000) % 1000:03d}"  # the journal keeps milliseconds
            cells[5] = csv_number(e.value)  # as read (35.8), every digit that is not noise
            cells[6] = csv_number(e.limit)
            w.writerow(cells)
            n += 1
    return n


# ---------------------------------------------------------------- shifts
def parse_shift_starts(text: str | Sequence[str] | None) -> tuple[int, ...]:
    """Shift start times ("08:00,16:00,00:00" or a list) -> sorted minutes after midnight."""
    if text is None or (isinstance(text, str) and not text.strip()):
        text = DEFAULT_SHIFT_STARTS
    items = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    out = set()
    for item in items:
        item = item.strip()
        if not item:
            continue
        hh, _, mm = item.partition(":")
        try:
            h, m = int(hh), int(mm or 0)
        except ValueError:
            raise ValueError(f"cannot read shift start {item!r}: use HH:MM") from None
        if not (0 <= h < 24 and 0 <= m < 60):
            raise ValueError(f"shift start {item!r} is not a time of day")
        out.add(h * 60 + m)
    if not out:
        raise ValueError("no shift start given")
    return tuple(sorted(out))


def _local(d: date, minute: int) -> float:
    return datetime(d.year, d.month, d.day, minute // 60, minute % 60).timestamp()  # local time


def shift_starts_around(now: float, starts: Sequence[int]) -> list[float]:
    """Local shift start instants from two days before to one day after ``now``, ascending."""
    today = datetime.fromtimestamp(now).date()
    return sorted(_local(today + timedelta(days=k), m) for k in (-2, -1, 0, 1) for m in starts)


def shift_period(
    which: str = "current",
    now: float | None = None,
    starts: str | Sequence[str] | Sequence[int] | None = None,
) -> tuple[float, float]:
    """``(t0, t1)`` of the current shift (from its start until ``now``) or the previous one."""
    now = time.time() if now is None else float(now)
    minutes = starts if starts and all(isinstance(s, int) for s in starts) else parse_shift_starts(starts)
    inst = shift_starts_around(now, minutes)
    i = max(k for k, t in enumerate(inst) if t <= now)
    if which == "current":
        return inst[i], now
    if which == "previous":
        return inst[i - 1], inst[i]
    raise ValueError(f"unknown shift {which!r}: use current or previous")


def period_label(t0: float, t1: float) -> str:
    """ "2024-06-01 08:00 – 16:00" for a period within one day (a shift ending at midnight ends at
    "24:00"), full dates otherwise."""
    a, b = datetime.fromtimestamp(t0), datetime.fromtimestamp(t1)
    start = a.strftime("%Y-%m-%d %H:%M")
    if b.date() == a.date():
        return f"{start} – {b:%H:%M}"
    if b.date() == a.date() + timedelta(days=1) and (b.hour, b.minute, b.second) == (0, 0, 0):
        return f"{start} – 24:00"
    return f"{start} – {b:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- KPI figures
@dataclass(frozen=True)
class Figure:
    """One labelled KPI figure; ``status`` is "ok", "warn" (above target) or "" (no target).
    ``text`` and ``note`` may be `core.messages.Message`s (translated on screen)."""

    key: str
    label: str
    text: str
    status: str = ""
    note: str = ""


def kpi_figures(r: kpi.KpiReport) -> list[Figure]:
    """The KPI figures of a report, as the history view and the shift report print them."""
    per_op = r.operators > 1
    worst_share = max((share for _k, _n, share in r.bad_actors), default=0.0)
    split = r.priority_split_eemua
    split_text = " / ".join(f"{100 * split[k]:.0f}" for k in (1, 2, 3)) + " %"
    split_ok = r.activations == 0 or split[1] <= r.priority_target[1] * 2
    return [
        Figure("activations", "Activations", f"{r.activations}"),
        Figure(
            "per_hour",
            "Average rate",
            f"{r.per_hour_avg:.1f} /h",
            "warn" if r.per_hour_avg > r.target_per_hour else "ok",
            Message(
                "kpi", QT_TRANSLATE_NOOP("kpi", "target ≤ {n} /h per operator"), n=f"{r.target_per_hour:g}"
            )
            if per_op
            else Message("kpi", QT_TRANSLATE_NOOP("kpi", "target ≤ {n} /h"), n=f"{r.target_per_hour:g}"),
        ),
        Figure(
            "per_10min_max",
            "Peak 10 min",
            f"{r.per_10min_max:g}",
            "warn" if r.per_10min_max > 10 else "ok",
            word("kpi", QT_TRANSLATE_NOOP("kpi", "flood above 10")),
        ),
        Figure(
            "floods",
            "Floods",
            f"{len(r.floods)}",
            "warn" if r.floods else "ok",
            Message(
                "kpi",
                QT_TRANSLATE_NOOP("kpi", "{percent} % of the time"),
                percent=f"{r.percent_time_in_flood:.1f}",
            ),
        ),
        Figure(
            "chattering",
            "Chattering",
            f"{len(r.chattering)}",
            "warn" if r.chattering else "ok",
            word("kpi", QT_TRANSLATE_NOOP("kpi", "≥ 3 in 1 min")),
        ),
        Figure("standing", "Standing > 24 h", f"{len(r.standing)}", "warn" if r.standing else "ok"),
        Figure("ack_mean", "Ack time mean", fmt_duration(r.ack_mean_s)),
        Figure("ack_p90", "Ack time p90", fmt_duration(r.ack_p90_s)),
        Figure(
            "unacked_at_end", "Unacked at end", f"{r.unacked_at_end}", "warn" if r.unacked_at_end else "ok"
        ),
        Figure(
            "priority_split",
            "Priority I / II / III+IV",
            split_text,
            "ok" if split_ok else "warn",
            word("kpi", QT_TRANSLATE_NOOP("kpi", "target 5 / 15 / 80 %")),
        ),
        Figure(
            "top_actor",
            "Top bad actor share",
            f"{100 * worst_share:.0f} %",
            "warn" if worst_share > 0.2 and r.activations >= 20 else "",
        ),
        Figure(
            "assessment",
            "EEMUA 191 assessment",
            r.assessment,
            "ok" if r.per_10min_avg <= 2.0 else "warn",
            Message(
                "kpi", QT_TRANSLATE_NOOP("kpi", "{n} per 10 min per operator"), n=f"{r.per_10min_avg:.2f}"
            )
            if per_op
            else Message("kpi", QT_TRANSLATE_NOOP("kpi", "{n} per 10 min"), n=f"{r.per_10min_avg:.2f}"),
        ),
    ]


# ---------------------------------------------------------------- shift report
@dataclass
class ShiftReport:
    """What the handover report prints for one shift ``[t0, t1]``."""

    plant: str
    t0: float
    t1: float
    title: str
    generated: float
    kpi: kpi.KpiReport
    figures: list[Figure]
    activations: list[JournalEntry]  # activations inside the shift, in time order
    standing_at_end: list[tuple[JournalEntry, float]]  # (last row, active since) still active at t1
    unacked_at_end: list[JournalEntry]  # last row of alarms not acknowledged at t1
    off_list_at_end: list[JournalEntry] = field(default_factory=list)  # shelved / suppressed / OOS at t1
    off_list_changes: list[JournalEntry] = field(default_factory=list)  # shelve, suppress, OOS and back
    rows_in_shift: int = 0
    calibration: list[CalibrationDue] = field(default_factory=list)  # overdue and due this week, at t1
    audit_head: tuple[int, str] | None = None  # (id, hash) of the audit trail's newest row when made
    # alarm key -> when its shelve at t1 expires (None: one-shot, until it clears), from the audit trail
    off_list_until: dict[str, float | None] = field(default_factory=dict)

    @property
    def nothing_to_report(self) -> bool:
        """No journal row in the period and nothing standing, unacknowledged, off the list or due."""
        return not (
            self.rows_in_shift
            or self.standing_at_end
            or self.unacked_at_end
            or self.off_list_at_end
            or self.calibration
        )


@dataclass(frozen=True, slots=True)
class CalibrationDue:
    """A detector whose calibration or bump test is overdue or due within the week."""

    tag: str
    description: str
    hazards: tuple[str, ...]  # the hazard sources it watches
    due: date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


CALIBRATION_WEEK_DAYS = 7


def calibration_due(config, today: date, days: int = CALIBRATION_WEEK_DAYS) -> list[CalibrationDue]:
    """Tags of `config` whose calibration is overdue (due before `today`) or due within `days`
    days from today, most overdue first."""
    hazards: dict[str, tuple[str, ...]] = {}
    for h in config.hazard_sources:
        for name in h.tags:
            hazards[name] = hazards.get(name, ()) + (h.name,)
    out = [
        CalibrationDue(
            t.name,
            t.description,
            hazards.get(t.name, ()),
            t.calibration_due,
            (t.calibration_due - today).days,
        )
        for t in config.tags
        if t.calibration_due is not None and (t.calibration_due - today).days < days
    ]
    return sorted(out, key=lambda c: (c.due, c.tag))


def _last_rows(conn, t_ms: int, inclusive: bool) -> list[JournalEntry]:
    """The last journal row of every alarm at ``t_ms`` (ties broken by id)."""
    from sqlalchemy import func, select

    ev, cols = _columns()
    rn = func.row_number().over(partition_by=ev.c.key, order_by=(ev.c.ts.desc(), ev.c.id.desc()))
    cond = ev.c.ts <= t_ms if inclusive else ev.c.ts < t_ms
    sub = select(*cols, rn.label("rn")).where(cond).subquery()
    q = select(*[sub.c[c.name] for c in cols]).where(sub.c.rn == 1).order_by(sub.c.ts, sub.c.id)
    return [_entry(r) for r in conn.execute(q)]


def _active_since(conn, key: str, t_ms: int) -> float:
    """When the episode of ``key`` still active at ``t_ms`` started (first row after its last
    inactive row)."""
    from sqlalchemy import false, func, select

    ev, _ = _columns()
    last_off = conn.execute(
        select(func.max(ev.c.ts)).where(ev.c.key == key, ev.c.ts <= t_ms, ev.c.active == false())
    ).scalar_one()
    q = select(func.min(ev.c.ts)).where(ev.c.key == key, ev.c.ts <= t_ms)
    if last_off is not None:
        q = q.where(ev.c.ts > last_off)
    first = conn.execute(q).scalar_one()
    return (first if first is not None else t_ms) / 1000.0


def activations(entries: Sequence[JournalEntry], context: Sequence[JournalEntry] = ()) -> list[JournalEntry]:
    """The rows of ``entries`` that activate an alarm (same rule as `app.reports.kpi`): active and not
    acknowledged while the alarm's previous row (from ``context``, the last rows before the
    period, or earlier in ``entries``) was not active."""
    was_active = {e.key: e.active for e in context}
    out = []
    for e in entries:
        if e.active and not e.acked and not was_active.get(e.key, False):
            out.append(e)
        was_active[e.key] = e.active
    return out


def _off_list_changes(entries: Sequence[JournalEntry], context: Sequence[JournalEntry]) -> list[JournalEntry]:
    prev = {e.key: e.state for e in context}
    out = []
    for e in entries:
        before = prev.get(e.key, "NORMAL")
        if (e.state in OFF_LIST_STATES or before in OFF_LIST_STATES) and e.state != before:
            out.append(e)
        prev[e.key] = e.state
    return out


def build_shift_report(
    engine,
    plant: str,
    t0: float,
    t1: float,
    *,
    operators: int = 1,
    title: str = "",
    now: float | None = None,
    config=None,
) -> ShiftReport:
    """Read the journal and assemble the handover report of ``[t0, t1]``; with the plant's
    `config`, the detectors whose calibration is overdue or due in the week after ``t1``."""
    entries, _ = load_journal(engine, t0, t1)
    report = kpi.compute(kpi.load_events(engine, t0, t1), t0, t1, operators=operators)
    t0_ms, t1_ms = math.floor(t0 * 1000), math.ceil(t1 * 1000)
    with engine.connect() as conn:
        before = _last_rows(conn, t0_ms, inclusive=False)
        at_end = _last_rows(conn, t1_ms, inclusive=True)
        standing = [
            (e, _active_since(conn, e.key, t1_ms))
            for e in at_end
            if e.active and e.state not in OFF_LIST_STATES
        ]
    standing.sort(key=lambda x: (x[0].priority, x[1]))
    unacked = sorted((e for e in at_end if not e.acked), key=lambda e: (e.priority, e.ts))
    off_list = sorted((e for e in at_end if e.state in OFF_LIST_STATES), key=lambda e: (e.priority, e.ts))
    return ShiftReport(
        plant=plant,
        t0=t0,
        t1=t1,
        title=title
        or Message("report", QT_TRANSLATE_NOOP("report", "Shift {period}"), period=period_label(t0, t1)),
        generated=time.time() if now is None else now,
        kpi=report,
        figures=kpi_figures(report),
        activations=activations(entries, before),
        standing_at_end=standing,
        unacked_at_end=unacked,
        off_list_at_end=off_list,
        off_list_changes=_off_list_changes(entries, before),
        rows_in_shift=len(entries),
        calibration=[] if config is None else calibration_due(config, datetime.fromtimestamp(t1).date()),
        audit_head=audit_head(engine),
        off_list_until=shelved_until(engine, [e.key for e in off_list if e.state == State.SHELVED], t1),
    )


def shelved_until(engine, keys: Sequence[str], t1: float) -> dict[str, float | None]:
    """When the shelves of `keys` in force at ``t1`` expire (None: one-shot, until the alarm
    clears), from the audit trail's last shelve of each at or before ``t1`` (the journal keeps the
    state, the audit trail the duration). Keys without an audited shelve are left out."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from storage.schema import audit_log

    wanted, out = set(keys), {}
    if not wanted:
        return out
    q = (
        select(audit_log.c.ts, audit_log.c.target, audit_log.c.detail)
        .where(audit_log.c.action == "shelve", audit_log.c.ts <= math.ceil(t1 * 1000))
        .order_by(audit_log.c.id)
    )
    try:
        with engine.connect() as conn:
            rows = conn.execute(q).all()
    except SQLAlchemyError:
        return out
    for ts, target, detail in rows:
        try:
            d = json.loads(detail)
        except ValueError:
            continue
        if not isinstance(d, dict) or "duration_s" not in d:
            continue
        duration = d["duration_s"]
        for key in str(target).split(","):
            if key in wanted:
                out[key] = None if duration is None else ts / 1000.0 + float(duration)
    return out


def audit_head(engine) -> tuple[int, str] | None:
    """The audit trail's newest row (id, hash), printed so a paper copy anchors the trail; None
    when it is empty or the database has no audit trail."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.audit import head

    try:
        return head(engine)
    except SQLAlchemyError:
        return None
