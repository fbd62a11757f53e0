"""Alarm history and shift-handover report data, read from the alarm journal (no Qt).

The shift supervisor reviews one period of the journal (`alarm_events`): every row of it, the
EEMUA 191 KPIs of the period (`app.reports.kpi`), and at handover the state of the plant's alarms at the
end of the shift. `views.alarm_history` and `views.shift_report` show and print that data, and
read it through this module (``from app.reports import report_data as rd``), which holds the
history view's query (`load_history`) and names the rest where it lives:

- `storage.journal_reads`: the journal's rows (`JournalEntry`) and `load_journal`, which reads the
  rows of a period in chunks, reports progress and stops early when asked (the GUI runs it in a
  worker and may cancel it, `Cancelled`);
- `app.reports.shifts`: shift periods (`shift_period`), from configurable local start times, by
  default 08:00 / 16:00 / 00:00;
- `app.reports.entries`: the history view's filter (`EntryFilter`), the texts of a row and the CSV;
- `app.reports.figures`: `kpi_figures` turns a `KpiReport` into the labelled figures shown both on
  screen and on paper;
- `app.reports.calibration`: detectors whose calibration is overdue or due within the week;
- `app.reports.shift_report`: `build_shift_report` gathers everything the handover report prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.reports import kpi
from app.reports.calibration import CALIBRATION_WEEK_DAYS, CalibrationDue, calibration_due
from app.reports.entries import (
    CSV_COLUMNS,
    PRIORITY_NAMES,
    STATE_NAMES,
    EntryFilter,
    entry_cells,
    fmt_datetime,
    time_format,
    write_csv,
)
from app.reports.figures import Figure, fmt_duration, kpi_figures
from app.reports.shift_report import (
    OFF_LIST_STATES,
    ShiftReport,
    activations,
    build_shift_report,
    shelved_until,
)
from app.reports.shifts import (
    DEFAULT_SHIFT_STARTS,
    parse_shift_starts,
    period_label,
    shift_period,
    shift_starts_around,
)
from storage.journal_reads import CHUNK_ROWS, MAX_ROWS, Cancelled, JournalEntry, load_events, load_journal


@dataclass
class JournalData:
    """The result of one history query: journal rows of ``[t0, t1]`` and their KPIs."""

    t0: float
    t1: float
    entries: list[JournalEntry]
    kpi: kpi.KpiReport
    truncated: bool = False  # more than MAX_ROWS rows: the oldest MAX_ROWS are kept


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
    report = kpi.compute(load_events(engine, t0, t1), t0, t1, operators=operators)
    return JournalData(t0, t1, entries, report, truncated)


__all__ = [
    "CALIBRATION_WEEK_DAYS",
    "CHUNK_ROWS",
    "CSV_COLUMNS",
    "DEFAULT_SHIFT_STARTS",
    "MAX_ROWS",
    "OFF_LIST_STATES",
    "PRIORITY_NAMES",
    "STATE_NAMES",
    "CalibrationDue",
    "Cancelled",
    "EntryFilter",
    "Figure",
    "JournalData",
    "JournalEntry",
    "ShiftReport",
    "activations",
    "build_shift_report",
    "calibration_due",
    "entry_cells",
    "fmt_datetime",
    "fmt_duration",
    "kpi_figures",
    "load_history",
    "load_journal",
    "parse_shift_starts",
    "period_label",
    "shelved_until",
    "shift_period",
    "shift_starts_around",
    "time_format",
    "write_csv",
]
