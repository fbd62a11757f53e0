"""The engine's clock: wall time for a real plant, the plant's own clock for an accelerated demo.

An accelerated demo plant (demo/simulator.py, `--speed X`) runs X seconds of plant time per
wall second. Everything evaluated from samples -- alarm delays, forecast windows and horizons,
anomaly learning, rule windows, rates and `for`, frozen-signal timing, risk -- is defined in
plant seconds, so the engine maps each sample's wall timestamp to plant time before anything
sees it: `plant = origin + (wall - origin) * speed`, with the wall time at which the simulator's
plant time started as `origin` (plant time and wall time agree at that instant, then the plant
clock runs ahead). The alarm clock's tick and operator actions use `now()` of the same clock,
and the history, the journal and the screens then show plant time throughout.

`WALL` is the identity: a real plant, or a demo at speed 1, is never mapped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlantClock:
    """Plant time as an affine function of wall time (UNIX seconds both)."""

    origin: float = 0.0  # wall time at which plant time equals wall time
    speed: float = 1.0  # plant seconds per wall second

    def __post_init__(self):
        if not self.speed > 0:
            raise ValueError("speed must be positive")

    @property
    def accelerated(self) -> bool:
        return self.speed != 1.0

    def now(self) -> float:
        """Plant time now."""
        return self.to_plant(time.time())

    def to_plant(self, wall):
        """Plant time of a wall timestamp (a float or a numpy array); the identity at speed 1."""
        if not self.accelerated:
            return wall
        if isinstance(wall, np.ndarray):
            return self.origin + (wall - self.origin) * self.speed
        return self.origin + (float(wall) - self.origin) * self.speed

    def to_wall(self, plant):
        """Wall time at which the plant clock shows `plant`."""
        if not self.accelerated:
            return plant
        return self.origin + (plant - self.origin) / self.speed


WALL = PlantClock()
