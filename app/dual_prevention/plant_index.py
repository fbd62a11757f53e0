"""The plant risk index: one number, 0 (every hazard source at IV blue, nothing raised) to 100
(every source red), shown beside the four colours of the Plant risk view, with what made it.

    index = max(100 x sum(w[level_k]) / N, floor)
    w = {I: 1.0, II: 0.5, III: 0.2, IV: 0.0}
    floor = 75 with any source at I red, 50 with any at II orange, else 0

N is the number of hazard sources and level_k each one's dynamic level (management evidence
included: permits, hidden dangers, overdue inspections). Each source's contribution is
100 x w / N; the floor is listed as its own line when it decides the index, so one red source
in a large plant is never lost in the average. The weights and floors are the plant file's
`risk: dual_prevention: index_weight, index_floor` (core.schema.dual_prevention). Pure Python,
no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.messages import QT_TRANSLATE_NOOP, Message
from core.risk_types import level_label
from core.schema.dual_prevention import DualPreventionSettings

DEFAULTS = DualPreventionSettings()


@dataclass(frozen=True, slots=True)
class PlantIndex:
    value: float  # 0..100
    contributions: tuple[tuple[str, float], ...]  # (hazard source, points), largest first
    floor: float = 0.0  # the floor that decided it (0: the average did)
    floor_level: int = 0  # the level whose floor that is

    def explain(self) -> Message:
        lines = [
            Message(
                "plant_index",
                QT_TRANSLATE_NOOP("plant_index", "Plant risk index {value}"),
                value=f"{self.value:.0f}",
            )
        ]
        for name, points in self.contributions:
            if points > 0:
                lines.append(
                    Message(
                        "plant_index",
                        QT_TRANSLATE_NOOP("plant_index", "  {name}: +{points}"),
                        name=name,
                        points=f"{points:.1f}",
                    )
                )
        if self.floor:
            lines.append(
                Message(
                    "plant_index",
                    QT_TRANSLATE_NOOP("plant_index", "  at least {floor} while a source is {level}"),
                    floor=f"{self.floor:.0f}",
                    level=level_label(self.floor_level),
                )
            )
        return Message.join("\n", lines)


def plant_index(states, settings: DualPreventionSettings = DEFAULTS) -> PlantIndex:
    """The index of the RiskStates of every hazard source (see the module docstring), weighed
    by the plant's `settings` (config.risk.dual_prevention)."""
    states = list(states)
    if not states:
        return PlantIndex(0.0, ())
    n, weight = len(states), settings.index_weight
    parts = sorted(((s.hazard, 100.0 * weight[s.level] / n) for s in states), key=lambda p: (-p[1], p[0]))
    average = sum(p for _, p in parts)
    floor, floor_level = max(
        ((settings.index_floor.get(s.level, 0.0), -s.level) for s in states), default=(0.0, 0)
    )
    if floor <= average:
        return PlantIndex(round(average, 1), tuple(parts))
    return PlantIndex(round(floor, 1), tuple(parts), floor, -floor_level)
