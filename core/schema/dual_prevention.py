"""The dual-prevention settings of a plant file, under `risk: {dual_prevention: ...}`: the LEC
exposure of people at work under a permit and the crowd that makes an area red, how often the
control measures of a risk point are inspected by its level, and how the plant's risk index
weighs the hazard sources' levels. The defaults are those of the regulations' examples.

    risk:
      dual_prevention:
        permit_exposure: 10          # LEC E while people are in the area (continuous exposure)
        crowd: 10                    # this many people in a gas area, confined space or hot work: red
        inspection_hours: {1: 8, 2: 24, 3: 168, 4: 720}
        index_weight: {1: 1.0, 2: 0.5, 3: 0.2, 4: 0.0}
        index_floor: {1: 75, 2: 50}  # the index is at least this while a source is at that level
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from core.schema.base import Strict

Level = Annotated[int, Field(ge=1, le=4)]


class DualPreventionSettings(Strict):
    """Exposure, crowd, inspection frequencies and index weights (see the module docstring)."""

    permit_exposure: float = Field(10.0, gt=0, le=10)
    crowd: int = Field(10, ge=1)
    inspection_hours: dict[Level, Annotated[float, Field(gt=0)]] = {1: 8.0, 2: 24.0, 3: 168.0, 4: 720.0}
    index_weight: dict[Level, Annotated[float, Field(ge=0, le=1)]] = {1: 1.0, 2: 0.5, 3: 0.2, 4: 0.0}
    index_floor: dict[Level, Annotated[float, Field(ge=0, le=100)]] = {1: 75.0, 2: 50.0}

    @field_validator("inspection_hours", "index_weight")
    @classmethod
    def _every_level(cls, v):
        missing = sorted({1, 2, 3, 4} - v.keys())
        if missing:
            raise ValueError(f"give every level 1 to 4, missing {missing}")
        return v

    def inspection_period_s(self, level: int) -> float:
        return self.inspection_hours[level] * 3600.0
