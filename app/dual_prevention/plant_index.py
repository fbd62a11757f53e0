"""The plant risk index: one number, 0 (every hazard source at IV blue, nothing raised) to 100
(every source red), shown beside the four colours of the Plant risk view, with what made it.

    index = max(100 x sum(w[level_k]) / N, floor)
    w = {I: 1.0, II: 0.5, III: 0.2, IV: 0.0}
    floor = 75 with any source at I red, 50 with any at II orange, else 0

N is the number of hazard sources and level_k each one's dynamic level (management evidence
included: permits, hidden dangers, overdue inspections). Each source's contribution is
100 x w / N; the floor is listed as its own line when it decides the index, so one red source
in a large plant is never lost in the average. Pure Python, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.messages import QT_TRANSLATE_NOOP, Message
from core.risk_types import level_label

WEIGHT = {1: 1.0, 2: 0.5, 3: 0.2, 4: 0.0}
FLOOR = {1: 75.0, 2: 50.0}


@dataclass(frozen=True, slots=True)
class PlantIndex:
    value: float  # 0..100
    contributions: tuple[tuple[str, float], ...]  # (hazard source, points), largest first
    floor: float = 0.0  # the floor that decided it (0: the average did)

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
                    level=level_label(1 if self.floor >= FLOOR[1] else 2),
                )
            )
        return Message.join("\n", lines)


def plant_index(states) -> PlantIndex:
    """The index of the RiskStates of every hazard source (see the module docstring)."""
    states = list(states)
    if not states:
        return PlantIndex(0.0, ())
    n = len(states)
    parts = sorted(((s.hazard, 100.0 * WEIGHT[s.level] / n) for s in states), key=lambda p: (-p[1], p[0]))
    average = sum(p for _, p in parts)
    floor = max((FLOOR.get(s.level, 0.0) for s in states), default=0.0)
    value = max(average, floor)
    return PlantIndex(round(value, 1), tuple(parts), floor if floor > average else 0.0)
