"""The operating states of a plant's hazard sources as declared (running by default; reduced,
down, under maintenance) and what they do (core.schema.operating, `risk.operating_states` of the
plant file):

- the member alarms and early warnings a state suppresses by design (app.alarms.by_state), never
  those of the gas detectors named by unit (`keep_units`: people work there) nor interlocks;
- whether live evidence raises the source's dynamic risk (app.risk.engine reads `OperatingBook`);
- when a state with `relearn` ends, the anomaly and forecast baselines of its tags learn again.

A declaration may end by itself (`until`): it returns to running at the first pass after that
time. Declarations are kept with every risk journal row (storage.risk_journal) and restored from
it at start-up (`restore`). `change` and `expire` run on a pipeline under the engine's lock (the
acquisition loop: app/runtime/operator.py). Pure Python + numpy, no Qt.
"""

from __future__ import annotations

import logging

import numpy as np

from app.config import PlantConfig
from core.alarm_types import Alarm
from core.messages import QT_TRANSLATE_NOOP, Message
from core.operating import Declaration, OpState
from core.schema.operating import StateEffect

log = logging.getLogger(__name__)
SUPPRESSED_BY_STATE = "suppressed by design: {state} ({reason})"


def _m(template: str, **args) -> Message:
    return Message("operating", template, **args)


class OperatingBook:
    """The declared operating states of one plant's hazard sources and the masks they make."""

    def __init__(self, config: PlantConfig):
        self.model = config.risk.operating_states
        self.kinds = {h.name: h.kind for h in config.hazard_sources}
        index = config.tag_index()
        n = len(config.tags)
        keep_units = set(self.model.keep_units)
        self.kept = np.array([t.unit in keep_units for t in config.tags], dtype=bool)
        self.kept_names = {t.name for t in config.tags if t.unit in keep_units}
        self.tags_of: dict[str, list[int]] = {}  # every member tag (interlocks too): relearn
        self.sources_of: dict[int, list[str]] = {}  # member tag (not an interlock) -> its sources
        for h in config.hazard_sources:
            ils = set(h.interlocks)
            tags = [index[t] for t in dict.fromkeys([*h.tags, *h.interlocks]) if t in index]
            self.tags_of[h.name] = tags
            for t in h.tags:
                if t in index and t not in ils:
                    self.sources_of.setdefault(index[t], []).append(h.name)
        self.declared: dict[str, Declaration] = {}
        self.alarms_off = np.zeros(n, dtype=bool)
        self.warnings_off = np.zeros(n, dtype=bool)
        self.hazards_off: dict[str, tuple[str, str]] = {}  # sources whose tagless warnings are off
        self.why: dict[int, tuple[str, str]] = {}  # tag -> who declared and the records' comment

    # ------------------------------------------------------------ reading
    def effect(self, hazard: str) -> StateEffect:
        d = self.declared.get(hazard)
        return self.model.effect(OpState.RUNNING if d is None else d.state, self.kinds.get(hazard, "other"))

    def declaration(self, hazard: str) -> Declaration | None:
        return self.declared.get(hazard)

    def evidence_counted(self, hazard: str) -> bool:
        return self.effect(hazard).live_evidence

    def suppresses(self, a: Alarm) -> bool:
        """The alarm or warning is off the list because of an operating state."""
        if not a.suppressed:
            return False
        mask = self.warnings_off if a.is_warning else self.alarms_off
        if 0 <= a.tag < len(mask):
            return bool(mask[a.tag])
        return a.is_warning and a.hazard in self.hazards_off

    # ------------------------------------------------------------ changing
    def declare(
        self, hazard: str, state: OpState | str, user: str, reason: str, until: float | None, now: float
    ) -> Declaration:
        """Record a declaration (running ends the one in force); returns the one it replaces,
        or a running one. Refused: an unknown source, no reason, an end already past."""
        state = OpState(state)
        if hazard not in self.kinds:
            raise ValueError(f"no hazard source {hazard!r}")
        if not reason.strip():
            raise ValueError("an operating state needs a reason")
        if until is not None and until <= now:
            raise ValueError("the end of an operating state must be in the future")
        old = self.declared.get(hazard) or Declaration(hazard, OpState.RUNNING, "", now, "")
        if state == OpState.RUNNING:
            self.declared.pop(hazard, None)
        else:
            self.declared[hazard] = Declaration(hazard, state, user, now, reason.strip(), until)
        self.refresh()
        return old

    def due(self, now: float) -> list[Declaration]:
        """The declarations whose end has come, taken back to running; returns them."""
        ended = [d for d in self.declared.values() if d.until is not None and d.until <= now]
        for d in ended:
            del self.declared[d.hazard]
            log.info("%s returns to running: %s ended at its set time", d.hazard, d.state)
        if ended:
            self.refresh()
        return ended

    def adopt(self, old: OperatingBook) -> None:
        """Keep the declarations of hazard sources that still exist (a new configuration)."""
        self.declared = {h: d for h, d in old.declared.items() if h in self.kinds}
        self.refresh()

    def apply(self, alarms, now: float) -> list[Alarm]:
        """Hand the masks to an alarm engine (app.alarms.by_state); the records of what changed."""
        return alarms.by_state.apply(self.alarms_off, self.warnings_off, self.hazards_off, self.why, now)

    def refresh(self) -> None:
        """Work out the masks of the declarations in force."""
        self.alarms_off[:] = False
        self.warnings_off[:] = False
        self.why = {}
        self.hazards_off = {}
        for h, d in self.declared.items():
            if "warnings" in self.effect(h).suppress:
                self.hazards_off[h] = _why(d)
        for i, sources in self.sources_of.items():
            if self.kept[i]:
                continue
            effects = [self.effect(h).suppress for h in sources]
            self.alarms_off[i] = all("alarms" in s for s in effects)
            self.warnings_off[i] = all("warnings" in s for s in effects)
            if self.alarms_off[i] or self.warnings_off[i]:
                self.why[i] = _why(self.declared[sources[0]])


def _why(d: Declaration) -> tuple[str, str]:
    return d.user, SUPPRESSED_BY_STATE.format(state=d.state, reason=d.reason)


# ---------------------------------------------------------------- on a pipeline
def change(pipeline, hazard: str, state, user: str, reason: str, until: float | None, now: float):
    """Declare an operating state on a pipeline (app.evaluation.pipeline.Pipeline): the alarms and
    warnings it suppresses or gives back, baselines relearned when a state ends, the risk at once.
    Returns the pipeline's Outcome (alarm transitions, risk changes)."""
    book = pipeline.opstates
    old = book.declare(hazard, state, user, reason, until, now)
    ended = [old] if old.state not in (OpState.RUNNING, OpState(state)) else []
    return settle(pipeline, ended, now)


def expire(pipeline, now: float, risk: bool = False):
    """Declarations whose end has come return to running: the Outcome (its risk changes with
    `risk`; in a detector pass the pass's risk update follows), or None when none ended."""
    ended = pipeline.opstates.due(now)
    return settle(pipeline, ended, now, risk=risk) if ended else None


def settle(pipeline, ended: list[Declaration], now: float, risk: bool = True):
    """Apply the book's masks to the alarms, relearn what ended states ask for, update the risk
    (`risk`)."""
    from app.evaluation.pipeline import Outcome

    book, alarms = pipeline.opstates, pipeline.alarms
    out = Outcome()
    for d in ended:
        if pipeline.warnings is None or not book.model.effect(d.state, book.kinds[d.hazard]).relearn:
            continue
        why = _m(
            QT_TRANSLATE_NOOP("operating", "{hazard} no longer {state}"), hazard=d.hazard, state=d.state_text
        )
        for c in pipeline.warnings.relearn(book.tags_of[d.hazard], now, why):
            a = alarms.set_condition(c)
            if a is not None:
                out.alarms.append(a)
    out.alarms += book.apply(alarms, now)  # after the ended warnings: they do not come back
    if risk and pipeline.risk is not None:
        standing = pipeline.permits.escalate(alarms.standing(now), now)  # people at work: gas alarms at I
        out.risk += pipeline.risk.update(now, standing, pipeline.quality, pipeline.latest, pipeline.reason)
    return out


def restore(pipeline, declarations: list[Declaration], now: float):
    """Put back the declarations in force at the last stop (storage.risk_journal); one whose end
    passed meanwhile returns to running at the first pass. Returns the pipeline's Outcome (the
    records of alarms taken off the list; the risk follows at the first pass)."""
    from app.evaluation.pipeline import Outcome

    book = pipeline.opstates
    for d in declarations:
        if d.hazard in book.kinds and d.state != OpState.RUNNING:
            book.declared[d.hazard] = d
            log.info("%s restored %s (%s, by %s)", d.hazard, d.state, d.reason, d.user)
    book.refresh()
    return Outcome(book.apply(pipeline.alarms, now))
