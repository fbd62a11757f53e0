"""What each declared operating state of a hazard source does (core.operating.OpState), in the
plant file under `risk: {operating_states: ...}`, per kind of hazard source if need be.

    risk:
      operating_states:
        maintenance: {suppress: [alarms, warnings], live_evidence: false}
        down: {suppress: [warnings]}
        keep_units: [ppm, "%LEL"]        # gas detectors keep watching in every state
        by_kind:
          gas_area: {maintenance: {suppress: [warnings]}}

`suppress`: the source's member alarms and/or early warnings are suppressed by design (evaluated
and journaled, not listed or sounded; back unacknowledged if still active when the state ends).
`live_evidence: false`: its dynamic risk is not raised by live evidence (the map shows it muted),
except a bypassed or unknown interlock and the kept gas detectors. `relearn`: the anomaly and
forecast baselines of its tags are learned again when the state ends (another process mode).
Members whose unit is in `keep_units` (people work there: CO, combustible gas) are never
suppressed and always count.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.operating import OpState
from core.schema.base import HazardKind, Strict

Suppressible = Literal["alarms", "warnings"]


class StateEffect(Strict):
    """What one operating state does to a hazard source."""

    suppress: list[Suppressible] = []
    live_evidence: bool = True
    relearn: bool = False


MAINTENANCE = StateEffect(suppress=["alarms", "warnings"], live_evidence=False, relearn=True)
DOWN = StateEffect(suppress=["warnings"], relearn=True)
REDUCED = StateEffect()
RUNNING = StateEffect()


class KindEffects(Strict):
    """The effects of one kind of hazard source (a state not given: the plant's)."""

    reduced: StateEffect | None = None
    down: StateEffect | None = None
    maintenance: StateEffect | None = None


class OperatingStates(Strict):
    """The effects of the operating states, plant-wide and per kind of hazard source."""

    reduced: StateEffect = REDUCED
    down: StateEffect = DOWN
    maintenance: StateEffect = MAINTENANCE
    keep_units: list[str] = Field(default_factory=lambda: ["ppm", "%LEL"])
    by_kind: dict[HazardKind, KindEffects] = {}

    def effect(self, state: OpState, kind: str) -> StateEffect:
        """What `state` does to a hazard source of `kind`."""
        if state == OpState.RUNNING:
            return RUNNING
        own = self.by_kind.get(kind)
        got = getattr(own, state.value) if own is not None else None
        return got if got is not None else getattr(self, state.value)
