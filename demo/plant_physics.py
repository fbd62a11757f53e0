"""Signal models of the demo steel plant, with injectable incidents.

`PlantPhysics.step(dt)` advances simulated time by `dt` seconds and returns the engineering value of
every tag of the plant (numpy, in config order). The generic part is vectorised over all tags: a
base value, slow drifts and correlated noise. Process cycles (converter heats with their
start-of-blow transients, gas-holder level, ladle changes, crane lifts) are computed for the few
tags that follow them; blast-furnace casts, hot-stove changeovers and the daily swing of the
cooling-water supply ride on the base values (demo/plant_cycles.py). Process incidents start well
below every alarm limit and grow over simulated minutes, so that an early-warning engine has a
trend to find before an alarm fires; a sudden one (a water seal blown through) gives it seconds;
sensor faults (frozen, NE 43 fault band, zero drift, spikes, dropouts) hit one detector.

An incident's `Signature` scales how fast it develops (`rate`: its clock runs that much faster)
and the shape of its onset (`shape`: how sharply a creep accelerates or a leak's source grows);
demo/scenarios.py draws both per seed, so the benchmark meets signatures nobody tuned the rules to.

Tags are matched by name; a plant that does not have a tag simply does not get its model, and an
unknown analog tag gets a noisy value around 40 % of its range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.config import PlantConfig, tag_type
from demo.plant_cycles import PlantCycles

INCIDENTS: tuple[str, ...] = (
    "gas_leak",
    "lance_leak",
    "hearth_creep",
    "dust_smoulder",
    "detector_frozen",  # the faulty detector's reading stops moving at its value of the moment
    "detector_fault",  # the faulty detector's loop drops into the NE 43 fault band (3.2 mA)
    "piston_tilt_growth",  # gas holder 1's piston tilt grows a few mm a day: a precursor of days
    "detector_drift",  # the faulty detector's zero drifts up DRIFT_PPM_H ppm an hour
    "detector_spikes",  # single-scan spikes of tens of ppm on the faulty detector (a loose terminal)
    "detector_dropout",  # the faulty detector's reading is missing (NaN) for a minute or so at a time
    "water_seal_blowthrough",  # the converter gas main's water seal loses its water: gas escapes at once
    "tuyere_leak",  # a burnt tuyere leaks into the furnace: its outlet water falls behind the inlet
    "hearth_bottom_creep",  # the hearth bottom edge erodes: its thermocouple climbs a few °C a day
    "stove_shell_hot_spot",  # the refractory behind a hot stove's shell fails: the shell warms over days
)
SENSOR_INCIDENTS = frozenset(
    {"detector_frozen", "detector_fault", "detector_drift", "detector_spikes", "detector_dropout"}
)  # the instrument fails, not the process: no limit alarm to warn of
SLOW_INCIDENTS = frozenset(
    {"piston_tilt_growth", "hearth_bottom_creep", "stove_shell_hot_spot"}
)  # precursors of days, not minutes
SUDDEN_INCIDENTS = frozenset({"water_seal_blowthrough"})  # seconds from onset to alarm
PROCESS_INCIDENTS: tuple[str, ...] = tuple(
    i for i in INCIDENTS if i not in SENSOR_INCIDENTS | SLOW_INCIDENTS | SUDDEN_INCIDENTS
)
FAULTY_DETECTOR = "GH1.CO.01"  # the detector the sensor incidents hit (else the first ppm detector)
DRIFT_PPM_H = 6.0
SEAL_DETECTORS = (("GAS.CO.14", 1.0), ("GAS.CO.06", 0.35))  # nearest the converter gas main's seal
LEAKING_TUYERE = "T03"  # the tuyere the tuyere_leak incident burns through
GAS_AREA_KINDS = ("gas_area", "gas_holder")  # the gas leak spreads among these sources' detectors

HEAT_S = 35 * 60.0  # one converter heat, tap to tap
BOF_OFFSET_S = {1: 0.0, 2: 1050.0}  # BOF2 runs half a heat behind BOF1
DAY_S = 86400.0


@dataclass(frozen=True)
class Signature:
    """How an incident develops: its clock runs `rate` times as fast; `shape` sharpens (> 1) or
    softens (< 1) its onset."""

    rate: float = 1.0
    shape: float = 1.0


# name pattern -> (base, sigma, drift amplitude, drift period s); base may be (lo, hi) to spread tags
_Spec = tuple[float | tuple[float, float], float, float, float]
RULES: list[tuple[str, _Spec]] = [
    (r"BF1\.TOP\.PRESSURE$", (205.0, 0.8, 4.0, 1500.0)),
    (r"BF1\.TOP\.TEMP$", (160.0, 2.0, 18.0, 2400.0)),
    (r"BF1\.BLAST\.PRESSURE$", (385.0, 1.0, 5.0, 1800.0)),
    (r"BF1\.BLAST\.FLOW$", (5200.0, 15.0, 70.0, 2000.0)),
    (r"BF1\.BLAST\.TEMP$", (1180.0, 2.0, 15.0, 3000.0)),
    (r"BF1\.HEARTH\.TC\d+$", ((330.0, 410.0), 0.4, 5.0, 7200.0)),
    # the bottom edge, where the lining wears first (the "elephant foot"), reads hotter than the centre
    (r"BF1\.HEARTH\.BOTTOM\.TC02$", ((470.0, 505.0), 0.3, 3.0, 9000.0)),
    (r"BF1\.HEARTH\.BOTTOM\.TC\d+$", ((400.0, 460.0), 0.3, 3.0, 9000.0)),
    (r"BF1\.STAVE\.TC\d+$", ((70.0, 110.0), 0.5, 6.0, 3600.0)),
    (r"BF1\.CW\.S1\.FLOW$", (1400.0, 4.0, 15.0, 2400.0)),
    (r"BF1\.CW\.S2\.FLOW$", (1000.0, 3.0, 12.0, 2400.0)),
    (r"BF1\.CW\.S3\.FLOW$", (900.0, 3.0, 10.0, 2400.0)),
    (r"BF1\.CW\.S4\.FLOW$", (700.0, 2.5, 8.0, 2400.0)),
    (r"BF1\.CW\.S\d\.PRESSURE$", ((0.54, 0.57), 0.003, 0.008, 1800.0)),
    (r"BF1\.CW\.S\d\.DT$", ((4.5, 6.5), 0.06, 0.4, 3600.0)),
    (r"BF1\.CW\.INLET\.TEMP$", (32.0, 0.05, 1.0, 7200.0)),
    (r"BF1\.CW\.RETURN\.TEMP$", (38.0, 0.05, 1.0, 7200.0)),
    (r"BF1\.CW\.SUPPLY\.FLOW$", (4300.0, 8.0, 30.0, 2400.0)),
    (r"BF1\.CW\.TANK\.LEVEL$", (9.2, 0.01, 0.2, 5400.0)),
    (r"BF1\.TUYERE\.CO\.\d+$", ((4.0, 8.0), 1.0, 1.5, 900.0)),
    (r"BF1\.TUYERE\.T\d+\.FLOW_IN$", ((30.0, 34.0), 0.08, 0.6, 2400.0)),
    (r"BF1\.TUYERE\.T\d+\.FLOW_OUT$", ((-0.15, 0.15), 0.08, 0.0, 1.0)),  # the meters' offset: see _derived
    (r"HS\d\.DOME\.TEMP\.\d+$", (1200.0, 1.5, 6.0, 5400.0)),  # + the stove cycle (plant_cycles)
    (r"HS\d\.WASTE_GAS\.TEMP\.\d+$", (150.0, 1.0, 3.0, 3600.0)),  # + the stove cycle
    (r"HS\d\.SHELL\.TEMP\.\d+$", ((72.0, 86.0), 0.2, 3.0, DAY_S)),  # the sun on the shell
    (r"HS\d\.GAS\.PRESSURE$", (6.5, 0.04, 0.3, 1800.0)),
    (r"HS\d\.VALVE\.CW\.FLOW\.\d+$", ((38.0, 44.0), 0.3, 1.0, 2400.0)),
    (r"CO\.\d+$", ((0.8, 2.5), 0.3, 0.4, 1200.0)),  # fixed CO detectors, ppm
    (r"GH1\.LEVEL$", (55.0, 0.05, 0.0, 1.0)),
    (r"GH1\.PISTON\.TILT$", (14.0, 0.4, 4.0, 5400.0)),
    (r"GH1\.PISTON\.SPEED$", (0.0, 0.005, 0.0, 1.0)),
    (r"GH1\.O2$", (0.45, 0.02, 0.08, 7200.0)),
    (r"GH1\.PRESSURE$", (3.5, 0.02, 0.15, 3600.0)),
    (r"GH1\.SEAL\.OIL\.LEVEL$", (1.1, 0.003, 0.05, 7200.0)),
    (r"GAS\.BFG\.MAIN\.PRESSURE$", (10.0, 0.08, 0.6, 1800.0)),
    (r"GAS\.LDG\.MAIN\.PRESSURE$", (8.0, 0.08, 0.5, 1800.0)),
    (r"GAS\.BFG\.MAIN\.FLOW$", (380.0, 3.0, 20.0, 2400.0)),
    (r"GAS\.BFG\.MAIN\.TEMP$", (45.0, 0.3, 4.0, 7200.0)),
    (r"GAS\.MIX\.STATION\.PRESSURE$", (9.5, 0.05, 0.4, 1800.0)),
    (r"GAS\.STOVES\.SUPPLY\.PRESSURE$", (9.0, 0.05, 0.4, 1800.0)),
    (r"O2\.LOX\d\.LEVEL$", ((62.0, 78.0), 0.05, 8.0, 6 * 3600.0)),
    (r"O2\.LOX\d\.PRESSURE$", (0.32, 0.002, 0.02, 3600.0)),
    (r"O2\.LOX\d\.TEMP$", (-182.0, 0.1, 0.5, 3600.0)),
    (r"O2\.AMB\.\d+$", (20.9, 0.04, 0.08, 1800.0)),
    (r"O2\.HEADER\.PRESSURE$", (1.8, 0.01, 0.05, 1200.0)),
    (r"O2\.HEADER\.FLOW$", (3000.0, 60.0, 300.0, 1800.0)),
    (r"O2\.HEADER\.PURITY$", (99.6, 0.02, 0.05, 7200.0)),
    (r"O2\.VAPORIZER\.OUTLET\.TEMP$", (8.0, 0.3, 5.0, 5400.0)),
    # PCI coal grinding: the mill loop is inert (O2 ~5.5 %VOL); the drying gas brings its own CO
    (r"PCI\d\.FILTER\.O2$", (5.5, 0.06, 0.3, 1800.0)),
    (r"PCI\d\.FILTER\.CO$", (110.0, 3.0, 12.0, 2400.0)),
    (r"PCI\d\.FILTER\.TEMP\.\d+$", ((64.0, 72.0), 0.25, 1.5, 3600.0)),
    (r"PCI\d\.FILTER\.DP$", (1300.0, 12.0, 0.0, 1.0)),
    (r"PCI\d\.MILL\.OUTLET\.TEMP$", (76.0, 0.3, 2.0, 3600.0)),
    (r"PCI\d\.BIN\.TEMP\.\d+$", ((48.0, 55.0), 0.15, 1.0, 7200.0)),
    (r"PCI\d\.N2\.PRESSURE$", (0.65, 0.003, 0.01, 1800.0)),
    (r"PCI\d\.N2\.FLOW$", (620.0, 6.0, 25.0, 2400.0)),
    (r"CC1\.STRAND\d\.MOULD\.FLOW$", ((150.0, 160.0), 0.8, 2.0, 1800.0)),
    (r"CC1\.STRAND\d\.MOULD\.DT$", ((6.0, 7.0), 0.08, 0.3, 1800.0)),
    (r"CC1\.STRAND\d\.SPEED$", ((1.15, 1.3), 0.004, 0.04, 2400.0)),
    (r"CC1\.MOULD\.WATER\.PRESSURE$", (1.05, 0.004, 0.02, 1800.0)),
    (r"CC1\.MOULD\.WATER\.INLET\.TEMP$", (32.0, 0.05, 1.0, 7200.0)),
    (r"CC1\.TUNDISH\.WEIGHT$", (38.0, 0.15, 1.5, 900.0)),
    (r"CC1\.LADLE\.WEIGHT$", (100.0, 0.2, 0.0, 1.0)),
    (r"CC1\.EMERGENCY\.TOWER\.LEVEL$", (16.0, 0.01, 0.3, 7200.0)),
    (r"CR\d\.HOIST\.LOAD$", (2.0, 0.4, 0.0, 1.0)),
    (r"CR\d\.HOIST\.MOTOR\.TEMP$", ((70.0, 80.0), 0.2, 8.0, 3600.0)),
    (r"BOF\d\.O2\.PRESSURE$", (0.1, 0.006, 0.0, 1.0)),
    (r"BOF\d\.O2\.FLOW$", (0.0, 120.0, 0.0, 1.0)),
    (r"BOF\d\.LANCE\.POSITION$", (16.0, 0.01, 0.0, 1.0)),
    (r"BOF\d\.LANCE\.FLOW_IN$", (255.0, 1.0, 3.0, 1800.0)),
    (r"BOF\d\.LANCE\.FLOW_OUT$", (254.2, 1.0, 0.0, 1.0)),
    (r"BOF\d\.LANCE\.FLOW_DIFF$", (0.0, 0.0, 0.0, 1.0)),
    (r"BOF\d\.LANCE\.TEMP_IN$", (33.0, 0.06, 1.0, 7200.0)),
    (r"BOF\d\.LANCE\.TEMP_OUT$", (38.0, 0.1, 0.0, 1.0)),
    (r"BOF\d\.LANCE\.WATER\.PRESSURE$", (1.45, 0.006, 0.02, 1800.0)),
    (r"BOF\d\.TILT\.ANGLE$", (0.0, 0.1, 0.0, 1.0)),
    (r"BOF\d\.GAS\.CO$", (0.5, 0.4, 0.0, 1.0)),
    (r"BOF\d\.GAS\.O2$", (0.5, 0.03, 0.0, 1.0)),
    (r"BOF\d\.GAS\.FLOW$", (5000.0, 600.0, 0.0, 1.0)),
    (r"LDG\.HOLDER\.INLET\.CO$", (55.0, 0.4, 3.0, 5400.0)),
    (r"LDG\.COOLER\.WATER\.FLOW$", (60.0, 0.8, 0.0, 1.0)),
    # setpoints hold still until an operator writes them (the simulator then keeps the new value)
    (r"BF1\.TOP\.PRESSURE\.SP$", (205.0, 0.0, 0.0, 1.0)),
    (r"BOF\d\.LANCE\.HEIGHT\.SP$", (16.0, 0.0, 0.0, 1.0)),
]
_RULES = [(re.compile(p), s) for p, s in RULES]

# bools without an alarm that are normally true; alarmed bools rest in the non-alarm state
_BOOL_TRUE = re.compile(
    r"(PUMP1\.RUN|ASU\.RUN|COMPRESSOR\.RUN|FAN\.RUN|MILL\.RUNNING|VALVE\.OPEN|\.CASTING)$"
)


def _ramp(x: float, x0: float, x1: float) -> float:
    """0 before x0, 1 after x1, linear between."""
    if x <= x0:
        return 0.0
    if x >= x1:
        return 1.0
    return (x - x0) / (x1 - x0)


class PlantPhysics:
    """The simulated plant: tag values as functions of simulated time, plus incidents.

    `values` holds engineering values in the order of `cfg.tags`; bools are 0.0 / 1.0.
    """

    def __init__(self, cfg: PlantConfig, seed: int | None = None):
        self.cfg = cfg
        self.names = [t.name for t in cfg.tags]
        self.index = {n: i for i, n in enumerate(self.names)}
        n = len(self.names)
        self.rng = np.random.default_rng(seed)
        self.t = 0.0  # simulated seconds since start
        self.t0 = float(self.rng.uniform(0, DAY_S))  # phase of the plant's day
        self.is_bool = np.zeros(n, bool)
        self.base = np.zeros(n)
        self.sigma = np.zeros(n)
        self.drift = np.zeros(n)
        self.omega = np.ones(n)
        self.phase = self.rng.uniform(0, 2 * math.pi, n)
        self.phase2 = self.rng.uniform(0, 2 * math.pi, n)
        self.lo = np.full(n, -np.inf)
        self.hi = np.full(n, np.inf)
        for i, t in enumerate(cfg.tags):
            if tag_type(cfg, t) == "bool":
                self.is_bool[i] = True
                alarm_state = t.alarms.state if t.alarms is not None else None
                self.base[i] = (
                    (not alarm_state) if alarm_state is not None else bool(_BOOL_TRUE.search(t.name))
                )
                continue
            if t.range is not None:
                self.lo[i], self.hi[i] = t.range
            spec = next((s for rx, s in _RULES if rx.search(t.name)), None)
            if spec is None:  # generic: noisy value around 40 % of the range
                lo, hi = t.range if t.range is not None else (0.0, 100.0)
                span = hi - lo
                spec = (lo + 0.4 * span, 0.003 * span, 0.02 * span, float(self.rng.uniform(1200, 3600)))
            base, sigma, drift, period = spec
            if isinstance(base, tuple):
                base = float(self.rng.uniform(*base))
            self.base[i], self.sigma[i], self.drift[i] = base, sigma, drift
            self.omega[i] = 2 * math.pi / period * float(self.rng.uniform(0.85, 1.15))
        self.noise = self.rng.standard_normal(n)
        self.noise_tau = 8.0  # correlation time of the measurement noise, simulated seconds
        self.overrides: dict[int, float] = {}
        self.incidents: dict[str, float] = {}  # name -> simulated start time
        self._lag: dict[str, float] = {}  # first-order lag states
        self._gas = self._gas_leak_geometry()
        self._tuyere_out = [
            (self.index[n[: -len("OUT")] + "IN"], i)
            for n, i in self.index.items()
            if re.fullmatch(r"BF1\.TUYERE\.T\d+\.FLOW_OUT", n) and n[: -len("OUT")] + "IN" in self.index
        ]
        self._leaking = f"BF1.TUYERE.{LEAKING_TUYERE}.FLOW_OUT"
        self._faulty = self.index.get(FAULTY_DETECTOR)
        if self._faulty is None:
            self._faulty = next((i for i, t in enumerate(cfg.tags) if t.unit == "ppm" and t.range), None)
        self._frozen_at: float | None = None  # detector_frozen: the value it stopped at
        self.signatures: dict[str, Signature] = {}
        self._dt = 0.0  # the last step
        self.cycles = PlantCycles(self.names, seed)
        # the sensor faults' random events, on a stream of their own
        self._fault_rng = np.random.default_rng(None if seed is None else [seed, 11])
        self._spike_at = -math.inf  # detector_spikes: time of the last spike
        self._dropout_until = -math.inf  # detector_dropout: end of the current gap, then of the next
        self._dropout_from = -math.inf
        self.values = self._compute(0.0)

    # ------------------------------------------------------------ public
    def step(self, dt: float) -> np.ndarray:
        """Advance simulated time by `dt` seconds; return the new values (a fresh array)."""
        dt = max(0.0, float(dt))
        self.t += dt
        self._dt = dt
        a = math.exp(-dt / self.noise_tau) if dt > 0 else 1.0
        self.noise = a * self.noise + math.sqrt(1.0 - a * a) * self.rng.standard_normal(self.noise.shape[0])
        self.values = self._compute(dt)
        return self.values

    def inject(self, incident: str, signature: Signature | None = None) -> None:
        """Start an incident now (developing as `signature` says); a running one keeps its start
        time and signature."""
        if incident not in INCIDENTS:
            raise ValueError(f"unknown incident {incident!r} (known: {', '.join(INCIDENTS)})")
        self.incidents.setdefault(incident, self.t)
        self.signatures.setdefault(incident, signature or Signature())
        if incident == "detector_frozen" and self._faulty is not None:
            self._frozen_at = (
                self._frozen_at if self._frozen_at is not None else float(self.values[self._faulty])
            )

    def clear_incidents(self) -> None:
        self.incidents.clear()
        self.signatures.clear()
        self._frozen_at = None
        self._dropout_until = self._dropout_from = -math.inf

    def set_override(self, name: str, value: float | None) -> None:
        """Force a tag's engineering value (None releases it)."""
        if name not in self.index:
            raise ValueError(f"unknown tag {name!r}")
        i = self.index[name]
        if value is None:
            if self.overrides.pop(i, None) is not None:
                self.values = self._compute(0.0)  # the model's value now, not at the next step
        else:
            self.overrides[i] = float(value)
            self.values[i] = float(value)

    def affected_tags(self) -> set[str]:
        """Tags the running incidents move (directly; derived tags such as flow differences too)."""
        names = {name for name, _fn in self._incident_effects()}
        for p in ("BOF1", "BOF2"):
            if f"{p}.LANCE.FLOW_IN" in names:
                names |= {f"{p}.LANCE.FLOW_OUT", f"{p}.LANCE.FLOW_DIFF"}
        if "tuyere_leak" in self.incidents:
            names.add(f"BF1.TUYERE.{LEAKING_TUYERE}.FLOW_OUT")
        return {n for n in names if n in self.index}

    def minutes_since(self, incident: str) -> float | None:
        """Minutes on the incident's own clock (its signature's rate) since it started."""
        start = self.incidents.get(incident)
        return None if start is None else (self.t - start) / 60.0 * self.signatures[incident].rate

    def _shape(self, incident: str) -> float:
        return self.signatures[incident].shape

    # ------------------------------------------------------------ model
    def _compute(self, dt: float) -> np.ndarray:
        t = self.t + self.t0
        v = self.base + self.drift * (
            np.sin(self.omega * t + self.phase) + 0.4 * np.sin(0.37 * self.omega * t + self.phase2)
        )
        proc = self._process(t, dt)
        for name, val in proc.items():
            i = self.index.get(name)
            if i is not None:
                v[i] = val
        for name, val in self.cycles.offsets(t, dt, self._lagged).items():
            v[self.index[name]] += val
        v += self.sigma * self.noise
        for name, fn in self._incident_effects():
            i = self.index.get(name)
            if i is not None:
                v[i] = fn(v[i])
        self._derived(v)
        v = np.clip(v, self.lo, self.hi)
        v[self.is_bool] = np.where(v[self.is_bool] >= 0.5, 1.0, 0.0)
        self._sensor_faults(v)
        for i, val in self.overrides.items():
            v[i] = val
        return v

    def _lagged(self, key: str, target: float, tau: float, dt: float) -> float:
        prev = self._lag.get(key, target)
        a = math.exp(-dt / tau) if dt > 0 else 1.0
        out = target + (prev - target) * a
        self._lag[key] = out
        return out

    def _process(self, t: float, dt: float) -> dict[str, float]:
        """Clean (noise-free) values of the process-driven tags."""
        out: dict[str, float] = {}
        o2_demand = 0.0
        for b, off in BOF_OFFSET_S.items():
            p = f"BOF{b}"
            th = (t + off) % HEAT_S  # seconds into the heat
            blowing = 300.0 <= th < 1260.0
            tb = th - 300.0  # seconds into blowing
            on = _ramp(tb, 0, 20) * (1.0 - _ramp(tb, 940, 960)) if blowing else 0.0
            # the oxygen valve opens onto an empty line: flow and pressure overshoot at ignition
            kick = _ramp(tb, 0, 10) * math.exp(-max(tb - 10.0, 0.0) / 25.0) if blowing else 0.0
            out[f"{p}.BLOWING"] = 1.0 if blowing else 0.0
            out[f"{p}.O2.PRESSURE"] = (
                0.1 + 0.75 * on + 0.08 * kick + (0.03 * math.sin(tb / 40.0) if blowing else 0.0)
            )
            out[f"{p}.O2.FLOW"] = (
                30000.0 * on + 4000.0 * kick + (800.0 * math.sin(tb / 55.0) if blowing else 0.0)
            )
            o2_demand += 30000.0 * on
            if blowing:
                lance = 2.8 - 0.9 * _ramp(tb, 0, 900)
                lance = 16.0 + (lance - 16.0) * _ramp(tb, -30, 30)
            elif 1800.0 <= th < 1980.0:  # slag splashing with nitrogen
                lance = 1.2
            else:
                lance = 16.0
            out[f"{p}.LANCE.POSITION"] = self._lagged(f"{p}.lance", lance, 15.0, dt)
            dtw = self._lagged(f"{p}.dtw", 15.0 if blowing else 5.0, 45.0, dt)
            out[f"{p}.LANCE.TEMP_OUT"] = 33.0 + dtw
            if th < 300.0:
                tilt = -60.0 * (1.0 - _ramp(th, 240, 300))
            elif th < 1260.0:
                tilt = 0.0
            elif th < 1500.0:
                tilt = -85.0
            elif th < 1800.0:
                tilt = 95.0
            else:
                tilt = 0.0
            out[f"{p}.TILT.ANGLE"] = self._lagged(f"{p}.tilt", tilt, 20.0, dt)
            if blowing:
                co = 64.0 * _ramp(tb, 30, 150) * (1.0 - _ramp(tb, 880, 950)) + 3.0 * math.sin(tb / 70.0)
                o2 = 0.45 + 0.75 * math.exp(-max(tb - 30.0, 0.0) / 80.0) * _ramp(tb, 0, 30)
                o2 += 0.6 * _ramp(tb, 900, 950)  # the hood is raised at the end of the blow: air in
            else:
                co, o2 = 0.5, 0.5
            out[f"{p}.GAS.CO"] = max(co, 0.0)
            out[f"{p}.GAS.O2"] = o2
            out[f"{p}.GAS.FLOW"] = 5000.0 + 90000.0 * on
            out[f"{p}.INTERLOCK.LANCE_RAISE"] = 1.0
            out[f"{p}.INTERLOCK.TILT"] = 1.0
        b1 = out["BOF1.BLOWING"] + out["BOF2.BLOWING"]
        out["LDG.COOLER.WATER.FLOW"] = self._lagged("ldg.cool", 55.0 + 45.0 * min(b1, 1.0), 60.0, dt)
        out["O2.HEADER.FLOW"] = 3000.0 + o2_demand
        # gas holder: daily cycle plus the converter-gas intake
        day = 2 * math.pi * t / DAY_S
        level = 55.0 + 14.0 * math.sin(day) + 2.5 * math.sin(2 * math.pi * t / HEAT_S)
        slope = 14.0 * 2 * math.pi / DAY_S * math.cos(day) + 2.5 * 2 * math.pi / HEAT_S * math.cos(
            2 * math.pi * t / HEAT_S
        )  # % per second
        out["GH1.LEVEL"] = level
        out["GH1.VOLUME"] = level * 500.0
        out["GH1.PISTON.SPEED"] = slope * 0.4 * 60.0  # 0.4 m of stroke per %
        # caster: one ladle (180 t) every 45 minutes; tundish dips at the ladle change
        tl = t % 2700.0
        out["CC1.LADLE.WEIGHT"] = (
            180.0 - 160.0 * tl / 2700.0 if tl > 120.0 else 20.0 + 160.0 * _ramp(tl, 60, 120)
        )
        out["CC1.TUNDISH.WEIGHT"] = 38.0 - 8.0 * (1.0 - _ramp(tl, 60, 300)) * _ramp(tl, 0, 60)
        # pulse-jet cleaning: the bag filter's differential pressure is a saw-tooth
        out["PCI1.FILTER.DP"] = 1150.0 + 300.0 * ((t % 480.0) / 480.0)
        # cranes: hot-metal crane laden while charging, ladle crane laden after tapping
        c1 = c2 = False
        for off in BOF_OFFSET_S.values():
            th = (t + off) % HEAT_S
            c1 |= 60.0 <= th < 280.0
            c2 |= 1820.0 <= th < 2000.0
        out["CR1.HOIST.LOAD"] = self._lagged("cr1", 215.0 if c1 else 2.0, 8.0, dt)
        out["CR2.HOIST.LOAD"] = self._lagged("cr2", 225.0 if c2 else 2.0, 8.0, dt)
        return out

    def _derived(self, v: np.ndarray) -> None:
        """Tags computed from other (noisy) tags, as the PLC would."""
        for b in BOF_OFFSET_S:
            p = f"BOF{b}"
            i_in, i_out, i_d = (
                self.index.get(f"{p}.LANCE.{k}") for k in ("FLOW_IN", "FLOW_OUT", "FLOW_DIFF")
            )
            if i_in is not None and i_out is not None:
                # outlet flow meter follows the inlet with its own noise and a small constant offset
                v[i_out] = v[i_in] - 0.8 + (v[i_out] - self.base[i_out]) * 0.3 - self._leak_m3h(b)
                if i_d is not None:
                    v[i_d] = v[i_in] - v[i_out]
            i_r = self.index.get(f"{p}.GAS.RECOVERING")
            i_co, i_o2 = self.index.get(f"{p}.GAS.CO"), self.index.get(f"{p}.GAS.O2")
            if i_r is not None and i_co is not None and i_o2 is not None:
                v[i_r] = 1.0 if (v[i_co] > 35.0 and v[i_o2] < 1.5) else 0.0
            i_ti, i_to = self.index.get(f"{p}.LANCE.TEMP_IN"), self.index.get(f"{p}.LANCE.TEMP_OUT")
            if i_ti is not None and i_to is not None:
                v[i_to] += v[i_ti] - 33.0
        # a tuyere's outlet meter reads its inlet's flow, its own offset and noise (what the RULES
        # give it), less what leaks into the furnace
        for k, i_out in self._tuyere_out:
            v[i_out] += v[k] - (self._tuyere_leak_m3h() if self.names[i_out] == self._leaking else 0.0)

    # ------------------------------------------------------------ incidents
    def faulty_detector(self) -> str | None:
        """The detector the sensor incidents (SENSOR_INCIDENTS) hit."""
        return None if self._faulty is None else self.names[self._faulty]

    def _sensor_faults(self, v: np.ndarray) -> None:
        """The instrument, not the process, fails: after the clip to the range (a faulty loop
        leaves it)."""
        i = self._faulty
        if i is None:
            return
        if "detector_frozen" in self.incidents and self._frozen_at is not None:
            v[i] = self._frozen_at
        if "detector_fault" in self.incidents:
            lo, hi = self.lo[i], self.hi[i]
            v[i] = lo - 0.05 * (hi - lo)  # 3.2 mA on a 4-20 mA loop
        m = self.minutes_since("detector_drift")
        if m is not None:
            v[i] += DRIFT_PPM_H * m / 60.0
        # spikes: about one a minute, each in one scan only, never two within 5 s
        spiking = "detector_spikes" in self.incidents and self.t - self._spike_at >= 5.0
        if spiking and self._fault_rng.random() < 1.0 - math.exp(-self._dt / 60.0):
            self._spike_at = self.t
            v[i] += float(self._fault_rng.uniform(70.0, 130.0))
        if "detector_dropout" in self.incidents:
            if self.t >= self._dropout_until:  # the next gap: 40-90 s, after 1-4 min of readings
                start = self.t if self._dropout_until < 0 else self.t + self._fault_rng.uniform(60.0, 240.0)
                self._dropout_from = start
                self._dropout_until = start + self._fault_rng.uniform(40.0, 90.0)
            if self.t >= self._dropout_from:
                v[i] = math.nan

    def _tuyere_leak_m3h(self) -> float:
        m = self.minutes_since("tuyere_leak")
        return 0.0 if m is None else 0.02 * m + 0.0004 * self._shape("tuyere_leak") * m * m

    def _leak_m3h(self, bof: int) -> float:
        m = self.minutes_since("lance_leak") if bof == 1 else None
        return 0.0 if m is None else 0.25 * m + 0.02 * self._shape("lance_leak") * m * m

    def _gas_leak_geometry(self):
        """Detectors of the gas areas (GAS_AREA_KINDS) with a map position and unit ppm, and the leak
        point between the closest pair."""
        gas = {n for h in self.cfg.hazard_sources if h.kind in GAS_AREA_KINDS for n in h.tags}
        idx, pts = [], []
        for i, t in enumerate(self.cfg.tags):
            if t.map is not None and t.unit == "ppm" and not self.is_bool[i] and t.name in gas:
                idx.append(i)
                pts.append(t.map)
        if len(pts) < 2:
            return None
        p = np.asarray(pts, float)
        d = np.hypot(p[:, None, 0] - p[None, :, 0], p[:, None, 1] - p[None, :, 1])
        np.fill_diagonal(d, np.inf)
        crowd = (d < 200.0).sum(axis=1)
        k = int(np.argmax(crowd))
        j = int(np.argmin(d[k]))
        origin = (p[k] + p[j]) / 2.0
        dist = np.hypot(p[:, 0] - origin[0], p[:, 1] - origin[1])
        return np.asarray(idx, np.intp), dist

    def gas_leak_detectors(self) -> list[str]:
        """Detectors that see the gas leak, nearest first."""
        if self._gas is None:
            return []
        idx, dist = self._gas
        return [self.names[i] for i in idx[np.argsort(dist)]]

    def _incident_effects(self) -> list[tuple[str, Callable[[float], float]]]:
        fx: list[tuple[str, Callable[[float], float]]] = []
        # lambdas bind their numbers as defaults: the closures run after this function returns
        m = self.minutes_since("hearth_creep")
        if m is not None:
            acc = 1.0 + self._shape("hearth_creep") * m / 60.0  # the creep accelerates
            for name, rate in (("TC03", 2.6), ("TC04", 2.2), ("TC02", 0.9), ("TC05", 0.9)):
                fx.append((f"BF1.HEARTH.{name}", lambda x, d=rate * m * acc: x + d))
            fx.append(("BF1.CW.S1.DT", lambda x, d=0.05 * m * acc: x + d))
            fx.append(("BF1.CW.RETURN.TEMP", lambda x, d=0.02 * m: x + d))
        m = self.minutes_since("piston_tilt_growth")
        if m is not None:  # 5 mm a day, a little faster every day (a guide roller wearing out)
            days = m / 1440.0
            fx.append(("GH1.PISTON.TILT", lambda x, d=5.0 * days * (1.0 + days / 4.0): x + d))
        m = self.minutes_since("lance_leak")
        if m is not None:
            fx.append(("BOF1.LANCE.TEMP_OUT", lambda x, d=0.6 * m: x + d))
            fx.append(("BOF1.LANCE.WATER.PRESSURE", lambda x, d=0.004 * m: x - d))
            fx.append(("BOF1.LANCE.FLOW_IN", lambda x, d=0.05 * self._leak_m3h(1): x + d))
        m = self.minutes_since("dust_smoulder")
        if m is not None:  # coal dust smoulders in the PCI bag filter once air gets into the mill loop
            k = self._shape("dust_smoulder")
            fx.append(("PCI1.N2.FLOW", lambda x, d=min(10.0 * m, 350.0): x - d))  # the inerting falls off
            fx.append(("PCI1.FILTER.O2", lambda x, d=0.09 * m * (1.0 + k * m / 60.0): x + d))
            fx.append(("PCI1.FILTER.CO", lambda x, d=min(10.0 * math.expm1(m / 8.0), 2500.0): x + d))
            fx.append(
                ("PCI1.FILTER.TEMP.03", lambda x, d=0.3 * m * (1.0 + k * m / 30.0): x + d)
            )  # the hopper
            fx.append(("PCI1.FILTER.TEMP.02", lambda x, d=0.12 * m: x + d))
        m = self.minutes_since("tuyere_leak")
        if m is not None:  # the inlet draws a little more as the leak opens; the outlet: _derived
            fx.append(
                (f"BF1.TUYERE.{LEAKING_TUYERE}.FLOW_IN", lambda x, d=0.3 * self._tuyere_leak_m3h(): x + d)
            )
        m = self.minutes_since("hearth_bottom_creep")
        if m is not None:  # 5 °C a day, a little faster every day as the carbon lining thins
            days = m / 1440.0
            fx.append(("BF1.HEARTH.BOTTOM.TC02", lambda x, d=5.0 * days * (1.0 + days / 4.0): x + d))
        m = self.minutes_since("stove_shell_hot_spot")
        if m is not None:  # 3 °C a day, faster as the gap behind the refractory widens
            days = m / 1440.0
            fx.append(("HS1.SHELL.TEMP.02", lambda x, d=3.0 * days * (1.0 + days / 3.0): x + d))
        if "gas_leak" in self.incidents and self._gas is not None:
            idx, dist = self._gas
            tau = 60.0 * self.minutes_since("gas_leak")
            # source strength (ppm at the leak) is logistic: ~5 ppm at the start, ~600 ppm saturated
            # (a sharper shape grows faster once it is under way); the cloud reaches farther
            # detectors later (1 map unit per second)
            lag = dist / 1.0
            src = 600.0 / (1.0 + np.exp(-(tau - lag - 717.0) / (150.0 / self._shape("gas_leak"))))
            src[tau < lag] = 0.0
            add = src * np.exp(-dist / 120.0)
            for i, a in zip(idx.tolist(), add.tolist(), strict=True):
                fx.append((self.names[i], lambda x, a=a: x + a))
            for name in ("GAS.BFG.MAIN.PRESSURE", "GAS.LDG.MAIN.PRESSURE"):
                fx.append((name, lambda x, s=float(src.max()): x - 0.0008 * s))
        if "water_seal_blowthrough" in self.incidents:
            # the seal empties in seconds: the main loses most of its pressure with a time constant
            # of ~8 s, and the escaping gas reaches the nearest detector ~3 s later
            sec = 60.0 * self.minutes_since("water_seal_blowthrough")
            k = self._shape("water_seal_blowthrough")
            fx.append(("GAS.LDG.MAIN.PRESSURE", lambda x, d=6.0 * -math.expm1(-sec / 8.0): x - d))
            for name, share in SEAL_DETECTORS:
                ppm = 300.0 * k * share * -math.expm1(-max(sec - 3.0 / share, 0.0) / 10.0)
                fx.append((name, lambda x, d=ppm: x + d))
        return fx
