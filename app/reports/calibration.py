"""Detectors whose calibration or bump test is overdue or due within the week (no Qt): printed
on the shift report and shown beside the hazard sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
