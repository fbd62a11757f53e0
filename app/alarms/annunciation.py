"""Audible annunciation: what the horn should sound, decided from alarm transitions.

Pure Python (no Qt), so the rules can be tested like a protocol:

- A new unacknowledged alarm that is on the operator's list (not shelved, suppressed or out of
  service) sounds. The horn plays the pattern of the highest-priority alarm that is sounding:
  priority I fastest and highest pitched ... IV a single short chime (or silent), configurable.
- "Silence" stops the horn without acknowledging anything, until a NEW alarm arrives.
- Acknowledging every sounding alarm stops the horn too.
- An early warning (forecast, anomaly, rule) plays one soft chime when it first comes up, or
  nothing; it never holds the horn.
- An alarm that is shelved, suppressed or out of service never sounds, and stops sounding when it
  is taken off the list.

`Annunciator.update(transitions)` returns a `HornCommand`: the looping pattern to play (None:
quiet), the one-shot chimes to play now, and the state shown to the operator.
`render_wav` turns a pattern into a small 16-bit mono WAV file (numpy + the standard library).
"""

from __future__ import annotations

import wave
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.alarm_types import State

QUIET, SOUNDING, SILENCED = "quiet", "sounding", "silenced"
SAMPLE_RATE = 22050


@dataclass(frozen=True)
class Pattern:
    """One horn sound: a tone of `freq_hz` on for `beep_s`, off for `gap_s`, `beeps` times per
    period. A looping pattern repeats its period until stopped; a chime plays once."""

    name: str
    freq_hz: float
    beep_s: float
    gap_s: float
    beeps: int = 1
    loop: bool = True
    volume: float = 0.8  # 0..1

    @property
    def period_s(self) -> float:
        return self.beeps * (self.beep_s + self.gap_s)


# Priority I: fast triple high beeps; II: double beeps; III: slow single beep; IV: one chime.
DEFAULT_PATTERNS: dict[int, Pattern | None] = {
    1: Pattern("priority1", 1480.0, 0.12, 0.08, beeps=3, loop=True, volume=0.9),
    2: Pattern("priority2", 1175.0, 0.20, 0.20, beeps=2, loop=True, volume=0.8),
    3: Pattern("priority3", 880.0, 0.35, 1.15, beeps=1, loop=True, volume=0.7),
    4: Pattern("priority4", 660.0, 0.25, 0.0, beeps=1, loop=False, volume=0.6),
}
DEFAULT_WARNING_CHIME: Pattern | None = Pattern("warning", 523.0, 0.30, 0.0, loop=False, volume=0.45)


@dataclass(frozen=True)
class HornCommand:
    """What the horn does after an update: loop `loop` (None: stop), play `chimes` once now."""

    loop: Pattern | None
    chimes: tuple[Pattern, ...] = ()
    state: str = QUIET  # quiet | sounding | silenced
    changed: bool = False  # loop or state differs from the previous command


@dataclass
class Annunciator:
    """The horn's state machine over alarm transitions (the same `Alarm` records the list shows).

    `patterns` maps priority to a pattern (None: that priority is silent); a pattern with
    `loop=False` is played once when the alarm comes in and does not hold the horn.
    `warning_chime` is played once per new early warning (None: warnings are silent).
    """

    patterns: Mapping[int, Pattern | None] = field(default_factory=lambda: dict(DEFAULT_PATTERNS))
    warning_chime: Pattern | None = DEFAULT_WARNING_CHIME
    _sounding: dict[str, int] = field(default_factory=dict)  # key -> priority, holding the horn
    _unacked: set[str] = field(default_factory=set)  # keys already annunciated, not yet acknowledged
    _silenced: bool = False
    _last: HornCommand = field(default_factory=lambda: HornCommand(None))

    # ------------------------------------------------------------ inputs
    def update(self, transitions: Iterable) -> HornCommand:
        """Apply alarm transitions (any order of keys; the newest record per key wins)."""
        chimes: list[Pattern] = []
        new_alarm = False
        for a in transitions:
            key = a.key
            wants = (not a.acked) and not a.hidden and a.state != State.NORMAL
            if not wants:
                self._unacked.discard(key)
                self._sounding.pop(key, None)
                continue
            if key in self._unacked:  # already annunciated (e.g. returned to normal, still unacked)
                if key in self._sounding:
                    self._sounding[key] = a.priority
                continue
            if not a.active:  # a record first seen already cleared: needs acknowledging, not sound
                self._unacked.add(key)
                continue
            self._unacked.add(key)
            if a.is_warning:
                if self.warning_chime is not None:
                    chimes.append(self.warning_chime)
                continue
            pattern = self.patterns.get(a.priority)
            if pattern is None:
                continue
            if pattern.loop:
                self._sounding[key] = a.priority
                new_alarm = True
            else:
                chimes.append(pattern)
        if new_alarm:
            self._silenced = False
        return self._command(_unique(chimes))

    def silence(self) -> HornCommand:
        """Stop the horn until a new alarm arrives; acknowledges nothing."""
        if self._sounding:
            self._silenced = True
        return self._command(())

    def reset(self) -> HornCommand:
        """Forget everything (a new alarm list, e.g. after reconnecting)."""
        self._sounding.clear()
        self._unacked.clear()
        self._silenced = False
        return self._command(())

    # ------------------------------------------------------------ outputs
    @property
    def state(self) -> str:
        return self._last.state

    @property
    def sounding_keys(self) -> list[str]:
        return sorted(self._sounding)

    def current_pattern(self) -> Pattern | None:
        """The pattern of the highest-priority sounding alarm (priority 1 is highest)."""
        if not self._sounding:
            return None
        return self.patterns.get(min(self._sounding.values()))

    def _command(self, chimes: tuple[Pattern, ...]) -> HornCommand:
        if not self._sounding:
            self._silenced = False
            loop, state = None, QUIET
        elif self._silenced:
            loop, state = None, SILENCED
        else:
            loop, state = self.current_pattern(), SOUNDING
        changed = loop != self._last.loop or state != self._last.state
        self._last = HornCommand(loop, chimes, state, changed)
        return self._last


def _unique(chimes: list[Pattern]) -> tuple[Pattern, ...]:
    """Each chime once per update: a burst of warnings is one chime, not a dozen."""
    seen: dict[str, Pattern] = {}
    for c in chimes:
        seen.setdefault(c.name, c)
    return tuple(seen.values())


def pattern_samples(pattern: Pattern, rate: int = SAMPLE_RATE) -> np.ndarray:
    """One period of the pattern as int16 samples (sine bursts with 5 ms ramps, no clicks)."""
    n_beep = max(1, int(round(pattern.beep_s * rate)))
    n_gap = int(round(pattern.gap_s * rate))
    t = np.arange(n_beep) / rate
    tone = np.sin(2 * np.pi * pattern.freq_hz * t)
    ramp = min(n_beep // 2, int(0.005 * rate))
    if ramp:
        env = np.ones(n_beep)
        env[:ramp] = np.linspace(0.0, 1.0, ramp)
        env[-ramp:] = np.linspace(1.0, 0.0, ramp)
        tone *= env
    one = np.concatenate([tone, np.zeros(n_gap)])
    wave_f = np.tile(one, pattern.beeps) * max(0.0, min(1.0, pattern.volume))
    return (wave_f * 32767 * 0.9).astype("<i2")


def render_wav(pattern: Pattern, path: Path, rate: int = SAMPLE_RATE) -> Path:
    """Write one period of `pattern` as a 16-bit mono WAV file; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pattern_samples(pattern, rate)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())
    return path


__all__ = [
    "DEFAULT_PATTERNS",
    "DEFAULT_WARNING_CHIME",
    "QUIET",
    "SILENCED",
    "SOUNDING",
    "Annunciator",
    "HornCommand",
    "Pattern",
    "pattern_samples",
    "render_wav",
]
