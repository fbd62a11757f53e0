"""Monitoring opens work: what the live system sees that a person has to deal with becomes a
draft hidden danger, linked to its evidence, for a supervisor to confirm or dismiss with a reason
(app.dual_prevention.register):

- a bypassed interlock (a trace line "interlock bypassed");
- a detector out of service (a member alarm taken out of service) or past its calibration or
  bump-test date (a blind spot "calibration overdue");
- a chronic bad actor: an alarm among the EEMUA 191 top ten in each of the last three shifts
  (`SHIFT_S` each; app.reports.kpi on the alarm journal).

The evidence key ("interlock bypassed:BF1.IL.BLEEDER") names the draft's cause; a draft is not
opened again while one with the same key is open, nor within `QUIET_S` of its dismissal, nor
twice by two processes on one database (the draft's unique key, storage.dual_prevention
`insert_draft`). `DraftWatch` (app/dual_prevention/draft_watch.py) runs this beside the engine.
No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.dual_prevention.hidden_dangers import DangerStatus
from app.reports.kpi import compute
from core.risk_types import BLIND_SPOT, HIDDEN, INTERLOCK

SHIFT_S = 8 * 3600.0
QUIET_S = SHIFT_S  # a dismissed draft is not opened again for this long


@dataclass(frozen=True, slots=True)
class Finding:
    hazard: str
    title: str
    evidence: str  # the key: "<what>:<indicator>"


def findings_from_risk(states) -> list[Finding]:
    """Bypassed interlocks, detectors out of service or past calibration, from RiskStates."""
    out = []
    for s in states:
        for t in s.trace:
            if t.what == INTERLOCK:
                title = f"interlock {t.indicator} bypassed: {t.detail}"
            elif t.what == HIDDEN and str(t.detail).startswith("out of service"):
                title = f"detector {t.indicator} out of service"
            elif t.what == BLIND_SPOT and "calibration overdue" in str(t.detail):
                title = str(t.detail)
            else:
                continue
            out.append(Finding(s.hazard, title, f"{t.what}:{t.indicator}"))
    return out


def chronic_bad_actors(load_events, config, now: float, shifts: int = 3) -> list[Finding]:
    """Alarms in the top ten of each of the last `shifts` shifts; `load_events(t0, t1)` reads the
    journal (storage.journal_reads.load_events bound to the database)."""
    keys = None
    for k in range(shifts):
        t1 = now - k * SHIFT_S
        top = {key for key, _n, _share in compute(load_events(t1 - SHIFT_S, t1), t1 - SHIFT_S, t1).bad_actors}
        keys = top if keys is None else keys & top
    hazards_of: dict[str, list[str]] = {}
    for h in config.hazard_sources:
        for t in h.tags:
            hazards_of.setdefault(t, []).append(h.name)
    out = []
    for key in sorted(keys or ()):
        tag = key.rsplit(":", 1)[0]
        for hazard in hazards_of.get(tag, []):
            title = f"chronic bad actor: {key} in the top ten alarms of the last {shifts} shifts"
            out.append(Finding(hazard, title, f"bad actor:{key}"))
    return out


def open_drafts(register, findings: list[Finding], user: str = "forewarn") -> list:
    """Open a draft hidden danger for each finding not already in the register (see the module
    docstring); returns the new drafts."""
    now = register.clock()
    known: set[tuple[str, str]] = set()
    past: dict[tuple[str, str], int] = {}  # the closed ones: the generation of the next draft
    for d in register.all():
        done = d.status == DangerStatus.ACCEPTED or (
            d.status == DangerStatus.DISMISSED and (d.closed is None or now - d.closed >= QUIET_S)
        )
        if done:
            past[d.hazard, d.evidence] = past.get((d.hazard, d.evidence), 0) + 1
        else:
            known.add((d.hazard, d.evidence))
    new = []
    for f in findings:
        if (f.hazard, f.evidence) in known:
            continue
        known.add((f.hazard, f.evidence))
        # the same key in every process that sees the same register: the database keeps one
        key = f"{f.hazard}|{f.evidence}|{past.get((f.hazard, f.evidence), 0)}"
        d = register.open_draft(user, f.hazard, f.title, f.evidence, key)
        if d is not None:  # None: another process opened it a moment ago
            new.append(d)
    return new
