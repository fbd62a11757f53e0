"""Journal entries as the supervisor reads them (no Qt): the history view's filter, the texts of
a row, and the CSV export.

`EntryFilter` is the history view's filter (priority, kind, state, free text), kept here so that
the view, the CSV export and the tests agree on what a filter shows; `entry_cells` gives the texts
of one row in `CSV_COLUMNS` order, so the table, the CSV and the PDFs agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import csv_safe
from core.alarm_types import ROMAN
from core.formatting import csv_number
from core.formatting import format_number as fmt_number
from storage.journal_reads import JournalEntry

PRIORITY_NAMES = ROMAN  # priorities I-IV
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
