"""The slow process cycles of the demo plant that ride on the tags' base values.

- Blast-furnace casts: a cast every 1-2 h (tap to tap drawn per cast), the taphole open for about
  60 % of it. The liquid in the hearth builds up between casts and drains during one, and the
  hearth side-wall thermocouples follow it a few °C, with the lag of the refractory; the cast
  house's fumes lift the tuyere-platform CO detectors a little while the iron runs.
- Hot-stove changeovers every 45-60 min (drawn per changeover): the hot-blast pressure dips a few
  kPa and the hot-blast temperature some degrees for a minute or two. The stoves take the blast in
  turn, two on gas and one on blast: a stove's dome heats up towards its working temperature
  while on gas and cools some 150 °C while on blast; its waste gas warms through the heating
  period and drops back when the cold blast comes in.
- The cooling-water supply temperature swings a few °C over the day (cooling towers in the sun),
  moving the supply and return temperatures of every circuit that draws on it and, a little, the
  blast furnace's water temperature rise per stave segment.

`offsets(t, dt, lagged)` returns additive offsets by tag name at plant time `t`; the schedules are
drawn from a generator of their own, so a seed gives the same casts and changeovers every run
without disturbing the rest of the plant's random numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

DAY_S = 86400.0
TAP_TO_TAP_S = (60 * 60.0, 120 * 60.0)  # a cast every 1-2 h
CAST_SHARE = 0.6  # the taphole is open for this share of the tap-to-tap time
STOVE_S = (45 * 60.0, 60 * 60.0)  # hot-stove changeovers
HEARTH_SWING_C = 2.5  # ± °C of the side-wall thermocouples over a cast cycle
HEARTH_TAU_S = 600.0  # refractory lag
CAST_CO_PPM = 1.5  # tuyere-platform CO added while the iron runs (times a factor per detector)
SUPPLY_SWING_C = 2.5  # ± °C of the cooling-water supply over the day
DOME_ON_GAS_C, DOME_ON_BLAST_C = 90.0, -70.0  # a dome's approach on gas / on blast (about its base)
DOME_TAU_S = {True: 600.0, False: 2400.0}  # heating up on gas is faster than cooling on blast
WASTE_GAS_RISE_C = 160.0  # the waste gas warms this much over HEATING_S on gas
HEATING_S = 7200.0
_HORIZON_S = 40 * DAY_S  # schedules drawn this far ahead at a time

_Lagged = Callable[[str, float, float, float], float]


def _bump(x: float, width: float) -> float:
    """0 before 0, rising to 1 at `width`, decaying after (x/w·e^(1-x/w))."""
    if x <= 0.0:
        return 0.0
    u = x / width
    return u * math.exp(1.0 - u)


class PlantCycles:
    """Cast, stove and daily cooling-water cycles for the tags of one plant (matched by name)."""

    def __init__(self, names: Sequence[str], seed: int | None):
        self.rng = np.random.default_rng(None if seed is None else [seed, 7])
        have = set(names)
        self.hearth = [n for n in names if re.fullmatch(r"BF1\.HEARTH\.TC\d+", n)]
        self.hearth_gain = self.rng.uniform(0.7, 1.3, len(self.hearth))
        self.tuyere = [n for n in names if re.fullmatch(r"BF1\.TUYERE\.CO\.\d+", n)]
        self.tuyere_gain = self.rng.uniform(0.5, 1.5, len(self.tuyere))
        self.dt_tags = [n for n in names if re.fullmatch(r"BF1\.CW\.S\d\.DT", n)]
        self.supply = [
            (n, g)
            for n, g in (
                ("BF1.CW.INLET.TEMP", 1.0),
                ("BF1.CW.RETURN.TEMP", 1.0),
                ("CC1.MOULD.WATER.INLET.TEMP", 0.8),
                ("BOF1.LANCE.TEMP_IN", 0.8),
                ("BOF2.LANCE.TEMP_IN", 0.8),
            )
            if n in have
        ]
        self.blast = {n for n in ("BF1.BLAST.PRESSURE", "BF1.BLAST.TEMP") if n in have}
        self.domes = sorted(n for n in names if re.fullmatch(r"HS\d\.DOME\.TEMP\.\d+", n))
        self.waste_gas = {
            n: int(n.rsplit(".", 1)[1]) - 1 for n in names if re.fullmatch(r"HS\d\.WASTE_GAS\.TEMP\.\d+", n)
        }
        self.on_gas_tag = next((n for n in names if re.fullmatch(r"HS\d\.ON_GAS", n)), None)
        self.day_phase = float(self.rng.uniform(0, 2 * math.pi))
        self.casts = np.zeros(1)  # start times (plant time, s)
        self.stoves = np.zeros(1)  # changeover times
        self._extend(0.0)

    def _extend(self, t: float) -> None:
        """Draw the schedules on to at least `t` plus the horizon."""
        while self.casts[-1] < t + _HORIZON_S:
            k = int(_HORIZON_S / TAP_TO_TAP_S[0]) + 1
            self.casts = np.concatenate(
                [self.casts, self.casts[-1] + np.cumsum(self.rng.uniform(*TAP_TO_TAP_S, k))]
            )
        while self.stoves[-1] < t + _HORIZON_S:
            k = int(_HORIZON_S / STOVE_S[0]) + 1
            self.stoves = np.concatenate(
                [self.stoves, self.stoves[-1] + np.cumsum(self.rng.uniform(*STOVE_S, k))]
            )

    def cast(self, t: float) -> tuple[float, float, float]:
        """(start, taphole open for, tap to tap) of the cast cycle at plant time `t`."""
        if t >= self.casts[-1] - TAP_TO_TAP_S[1]:
            self._extend(t)
        k = max(int(np.searchsorted(self.casts, t, "right")) - 1, 0)
        start, period = float(self.casts[k]), float(self.casts[k + 1] - self.casts[k])
        return start, CAST_SHARE * period, period

    def casting(self, t: float) -> bool:
        start, open_s, _ = self.cast(t)
        return t - start < open_s

    def stove_states(self, t: float) -> list[tuple[bool, float]]:
        """(on gas, seconds in that state) of every stove at plant time `t`: stove j is on blast
        between changeovers n and n + 1 when n % stoves == j, on gas for the two periods after."""
        count = max(len(self.domes), 1)
        n = max(int(np.searchsorted(self.stoves, t, "right")) - 1, 0)
        out = []
        for j in range(count):
            if n % count == j:
                out.append((False, t - float(self.stoves[n])))
            else:
                first = n - (n - j - 1) % count  # the changeover that took it off blast
                out.append((True, t - float(self.stoves[max(first, 0)])))
        return out

    def _stoves(self, t: float, dt: float, lagged: _Lagged, out: dict[str, float]) -> None:
        states = self.stove_states(t)
        for j, name in enumerate(self.domes):
            on_gas, _since = states[j]
            target = DOME_ON_GAS_C if on_gas else DOME_ON_BLAST_C
            out[name] = lagged(f"dome{j}", target, DOME_TAU_S[on_gas], dt)
        for name, j in self.waste_gas.items():
            on_gas, since = states[j] if j < len(states) else (True, 0.0)
            target = WASTE_GAS_RISE_C * min(since / HEATING_S, 1.0) if on_gas else -10.0
            out[name] = lagged(f"waste{j}", target, 120.0 if on_gas else 300.0, dt)
        if self.on_gas_tag is not None:  # stove 1's state
            out[self.on_gas_tag] = 1.0 if states[0][0] else 0.0

    def offsets(self, t: float, dt: float, lagged: _Lagged) -> dict[str, float]:
        out: dict[str, float] = {}
        start, open_s, period = self.cast(t)
        x = t - start
        # liquid level in the hearth, 0 (drained) .. 1 (full): drains while the taphole is open
        level = 1.0 - x / open_s if x < open_s else (x - open_s) / (period - open_s)
        swing = lagged("hearth", HEARTH_SWING_C * (2.0 * level - 1.0), HEARTH_TAU_S, dt)
        for n, g in zip(self.hearth, self.hearth_gain.tolist(), strict=True):
            out[n] = g * swing
        # cast-house fumes: in over 5 min after the taphole opens, out over 5 min after it closes
        fumes = min(x / 300.0, 1.0) * (1.0 - min(max(x - open_s, 0.0) / 300.0, 1.0))
        fumes = lagged("fumes", CAST_CO_PPM * fumes, 60.0, dt)
        for n, g in zip(self.tuyere, self.tuyere_gain.tolist(), strict=True):
            out[n] = g * fumes
        if self.blast:
            k = max(int(np.searchsorted(self.stoves, t, "right")) - 1, 0)
            since = t - float(self.stoves[k])
            dip = {
                "BF1.BLAST.PRESSURE": -5.0 * _bump(since, 30.0),
                "BF1.BLAST.TEMP": -10.0 * _bump(since, 60.0),
            }
            out.update((n, d) for n, d in dip.items() if n in self.blast)
        if self.domes:
            self._stoves(t, dt, lagged, out)
        supply = SUPPLY_SWING_C * math.sin(2 * math.pi * t / DAY_S + self.day_phase)
        for n, g in self.supply:
            out[n] = g * supply
        for n in self.dt_tags:  # warmer supply water takes up a little less heat
            out[n] = -0.04 * supply
        return out
