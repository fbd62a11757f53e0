"""Alarms and early warnings suppressed by design while a hazard source is in an operating state
that asks for it (core.schema.operating: maintenance suppresses alarms and warnings, down the
warnings): evaluated and journaled, neither listed nor annunciated, shown with who declared the
state and why; one still active when the state ends comes back unacknowledged.

`StateSuppression` is a component of `app.alarms.engine.AlarmEngine` (`alarm_engine.by_state`).
It owns the per-tag masks the engine's records read (`alarms_off`, `warnings_off`) and works on
the engine's public state (`levels`, `external`, `record`). Pure Python + numpy, no Qt.
"""

from __future__ import annotations

import numpy as np

from core.alarm_types import Alarm, Condition

Why = tuple[str, str]  # (who declared the state, the comment the records carry)


class StateSuppression:
    """Which tag alarms and warnings an operating state suppresses (see the module docstring)."""

    def __init__(self, alarms, n: int):
        self.alarms = alarms
        self.alarms_off = np.zeros(n, dtype=bool)  # tag alarms suppressed by a state
        self.warnings_off = np.zeros(n, dtype=bool)  # early warnings of the tag suppressed
        self.hazards_off: dict[str, Why] = {}  # warnings naming the hazard source (rules), by source
        self.why: dict[int, Why] = {}  # tag -> who and why, for the records of its suppressed alarms

    def warning_off(self, c: Condition) -> bool:
        """A warning raised now is suppressed by design (its tag's or its hazard source's state)."""
        if 0 <= c.tag < len(self.warnings_off):
            return bool(self.warnings_off[c.tag])
        return c.hazard in self.hazards_off

    def reason(self, i: int) -> Why | None:
        return self.why.get(i) if self.alarms_off[i] else None

    def apply(
        self,
        alarms_off: np.ndarray,
        warnings_off: np.ndarray,
        hazards_off: dict[str, Why],
        why: dict[int, Why],
        ts: float,
    ) -> list[Alarm]:
        """Take the new masks; returns the records of the alarms and warnings that left the list
        or came back (an active one back unacknowledged, a cleared one back acknowledged)."""
        e = self.alarms
        out: list[Alarm] = []
        changed = np.flatnonzero(alarms_off != self.alarms_off)
        self.alarms_off[:] = alarms_off
        self.why = dict(why)
        if alarms_off.any():
            e.off_list = True
        for i in changed.tolist():
            on = bool(alarms_off[i])
            user, comment = why.get(i, ("", "")) if on else ("", "")
            for kind, lv in e.levels.items():
                if not np.isfinite(lv.limit[i]):
                    continue
                if not on:
                    lv.acked[i] = not lv.active[i]
                if lv.active[i] or not lv.acked[i] or on:
                    out.append(
                        e.record(kind, i, ts, user, comment or "suppressed by design: operating state ended")
                    )
        self.warnings_off[:] = warnings_off
        self.hazards_off = dict(hazards_off)
        for a in list(e.external.values()):
            if not a.is_warning:
                continue
            tag_ok = 0 <= a.tag < len(warnings_off)
            off = bool(warnings_off[a.tag]) if tag_ok else a.hazard in hazards_off
            if off == a.suppressed:
                continue
            user, comment = (why.get(a.tag) if tag_ok else hazards_off.get(a.hazard)) or ("", "")
            new = a._replace(
                suppressed=off,
                ts=ts,
                acked=a.acked if off else not a.active,
                user=user if off else "",
                comment=comment if off else "suppressed by design: operating state ended",
            )
            e.actions.store_external(new)
            out.append(new)
        return out
