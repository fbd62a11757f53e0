"""The plant file's tags: one measured point with its alarm limits, history settings and
early-warning (forecast and anomaly) settings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from core.schema.base import RESERVED_WORDS, DataTypeName, RoleName, Strict, WordOrder

# ---------------------------------------------------------------- tags and alarms


class RateLimit(Strict):
    """Rate-of-change alarm: |change| per second or per minute at or above `limit`."""

    limit: float = Field(gt=0)
    per: Literal["s", "min"] = "min"
    deadband: float = Field(0.0, ge=0)


class DeviationLimit(Strict):
    """Deviation alarm: |value - setpoint tag| at or above `limit`."""

    setpoint: str
    limit: float = Field(gt=0)
    deadband: float = Field(0.0, ge=0)


AlarmKind = Literal["HH", "H", "L", "LL", "state", "ROC", "DEV", "STALE", "BAD"]


class AlarmLimits(Strict):
    """Limit alarms of one analog tag, or the alarm state of a discrete one.

    Priorities are warning levels 1-4 (I red, II orange, III yellow, IV blue).
    """

    HH: float | None = None
    H: float | None = None
    L: float | None = None
    LL: float | None = None
    deadband: float = Field(0.0, ge=0)
    # an alarm delay past an hour no longer delays an alarm, it hides one (ISA-18.2 delays are seconds)
    on_delay_s: float = Field(0.0, ge=0, le=3600)
    off_delay_s: float = Field(0.0, ge=0, le=3600)
    state: bool | None = None  # discrete tag: alarm while value == state
    roc: RateLimit | None = None
    deviation: DeviationLimit | None = None
    stale_s: float | None = Field(None, gt=0, le=7 * 86400)  # value frozen (unchanged) this long
    # alarm while the value is bad (a blind spot); None: the plant's `alarm_defaults.bad_quality`
    bad_quality: bool | None = None
    latch: bool = False  # stays in alarm after clearing until acknowledged
    realarm_s: float | None = Field(None, gt=0, le=86400)  # an acknowledged standing alarm sounds again
    suppress_when: str | None = None  # tag expression: suppressed by design while true
    priority: dict[AlarmKind, Annotated[int, Field(ge=1, le=4)]] = {}
    message: str = ""
    message_zh: str = ""  # the message on Chinese screens (the journal keeps `message`)
    # where the limits come from ("GB/T 50493-2019", "plant practice", a HAZOP action): shown
    # beside the limit in a warning's explanation, and kept with the plant file for the auditor
    basis: str = ""

    @model_validator(mode="after")
    def _order(self) -> AlarmLimits:
        order = [(k, getattr(self, k)) for k in ("LL", "L", "H", "HH")]
        present = [(k, v) for k, v in order if v is not None]
        for (k1, v1), (k2, v2) in zip(present, present[1:], strict=False):
            if not v1 < v2:
                raise ValueError(f"limits must rise LL < L < H < HH, but {k1}={v1} >= {k2}={v2}")
        return self

    def priority_of(self, limit: str) -> int:
        return self.priority.get(limit, DEFAULT_PRIORITY[limit])


DEFAULT_PRIORITY = {"HH": 2, "LL": 2, "H": 3, "L": 3, "state": 2, "ROC": 3, "DEV": 3, "STALE": 4, "BAD": 3}


SCALE_STEPS_S = (5.0, 60.0, 600.0, 3600.0)  # bucket widths a detector's scale defaults to
MAX_BUCKETS = 2000  # a window or a learning time spans at most this many buckets of its scale


def scale_step(span_s: float, buckets: int) -> float:
    """The narrowest default bucket width that covers `span_s` in at most `buckets` buckets."""
    return next((s for s in SCALE_STEPS_S if span_s / s <= buckets), SCALE_STEPS_S[-1])


def _check_step(step_s: float | None, span_s: float, what: str) -> None:
    if step_s is None:
        return
    if abs(step_s / 5.0 - round(step_s / 5.0)) > 1e-9:
        raise ValueError(f"step_s must be a whole multiple of 5 s, got {step_s:g}")
    if span_s / step_s > MAX_BUCKETS:
        raise ValueError(f"{what} of {span_s:g} s is over {MAX_BUCKETS} buckets of step_s {step_s:g} s")


class ForecastSettings(Strict):
    """Forecast early warning: a robust trend over `window_s` and the time it needs to reach the
    tag's next limit; a warning when that falls within `horizon_s`. The warning level is I when
    the predicted time is at most levels_s[0], II at most levels_s[1], and so on, for a limit of
    priority I; a limit of lower priority starts its warnings that many levels lower (an H of
    priority III predicted in minutes is a level III warning, its HH of priority I a level I).

    The detector runs at the scale of its window: on buckets of `step_s` seconds (by default
    5 s up to a one-hour window, then 1 min, 10 min and 1 h, at most 720 buckets a window), so a
    creep of a few degrees a day is judged on a window of days and a gas leak on minutes."""

    enabled: bool = True
    window_s: float = Field(600.0, ge=30, le=30 * 86400)
    horizon_s: float = Field(1800.0, gt=0)
    step_s: float | None = Field(None, ge=5, le=86400)
    levels_s: tuple[float, float, float, float] = (180.0, 420.0, 900.0, 1800.0)
    min_change: float | None = Field(None, ge=0)  # the trend must move at least this much over the window
    when: str | None = None  # tag expression: forecast only while it holds ("BOF1.GAS.RECOVERING")
    # how long a forecast must hold before it is raised; by default three evaluations, and on a
    # slow scale (buckets of minutes and more) at least a twelfth of the window
    confirm_s: float | None = Field(None, gt=0)
    # the process stops and settles in normal operation (a machine cooling after a stop): on a
    # slow scale its forecast also needs both looks to tell one story and the newest buckets to
    # move on (app/warning/forecast.py)
    settles: bool = False

    @field_validator("levels_s")
    @classmethod
    def _levels(cls, v):
        if not all(a < b for a, b in zip(v, v[1:], strict=False)) or v[0] <= 0:
            raise ValueError(f"levels_s must rise and be positive, got {list(v)}")
        return v

    @model_validator(mode="after")
    def _scale(self) -> ForecastSettings:
        _check_step(self.step_s, self.window_s, "window_s")
        return self

    @property
    def step(self) -> float:
        """The bucket width the forecast runs on."""
        return self.step_s or scale_step(self.window_s, 720)


class AnomalySettings(Strict):
    """Anomaly early warning against the tag's own learned behaviour: drift (held far from its
    normal), sudden step, flat line. `mode` is a tag expression whose value selects a separate
    baseline: true or false (blowing or not), or a number rounded into 0 .. `modes` - 1 (a
    converter's charging / blowing / tapping / idle as 0-3).

    The baseline learns over `learn_s` on buckets of `step_s` seconds (by default 5 s up to about
    three hours of learning, then 1 min, 10 min and 1 h): a drift of a few tenths of a degree a
    day is measured against weeks of its own normal, not against the last hour it drags along.
    `slow` runs a second one on the same tag at once, on wider buckets: a fast anomaly of minutes
    and a slow one of hours; the tag's ANOMALY warning stands while either holds it."""

    enabled: bool = True
    learn_s: float = Field(1800.0, gt=0, le=60 * 86400)  # history needed before it may warn
    step_s: float | None = Field(None, ge=5, le=86400)
    drift_sigma: float = Field(6.0, gt=0)  # held this many standard deviations from normal
    step_sigma: float = Field(12.0, gt=0)
    flatline_s: float | None = Field(None, gt=0)
    mode: str | None = None
    modes: int = Field(2, ge=2, le=8)  # baselines `mode` picks from: its value rounded into 0 .. modes-1
    level: int = Field(3, ge=1, le=4)
    # a second, slower anomaly on the same tag (a gas detector's zero creeping a few ppm an hour
    # beside its fast baseline of minutes): its own settings, on buckets wider than these
    slow: AnomalySettings | None = None

    @model_validator(mode="after")
    def _scale(self) -> AnomalySettings:
        _check_step(self.step_s, self.learn_s, "learn_s")
        if self.slow is not None:
            if self.slow.slow is not None:
                raise ValueError("a slow anomaly takes no slow anomaly of its own")
            if self.slow.step <= self.step:
                raise ValueError(
                    f"the slow anomaly's buckets ({self.slow.step:g} s) must be wider than the fast one's "
                    f"({self.step:g} s): give it a longer learn_s or a larger step_s"
                )
        return self

    @property
    def step(self) -> float:
        """The bucket width the baseline learns and the detector runs on."""
        return self.step_s or scale_step(self.learn_s, MAX_BUCKETS)


NO_ANOMALY = AnomalySettings(enabled=False)


class MultivariateSettings(Strict):
    """Multivariate early warning on a group of tags of one hazard source that move together
    (a pump's current, vibration, pressure and flow): the PCA monitor of multivariate statistical
    process control learned on their normal, Hotelling's T-squared within it and the squared
    prediction error Q off it, each against its control limit at `confidence` taken from the
    learning period. A warning when either stays over its limit for `hold` buckets in a row, a
    relation broken long before any one tag reaches a limit.

    `tags` lists the group; left out, the analog member tags of the hazard source `hazard`. It
    learns over `learn_s` on buckets of `step_s` seconds (by default as an anomaly baseline does)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    hazard: str | None = None
    tags: list[str] = []
    enabled: bool = True
    learn_s: float = Field(1800.0, gt=0, le=60 * 86400)
    step_s: float | None = Field(None, ge=5, le=86400)
    explained: float = Field(0.9, gt=0, le=1)  # share of the normal variance the components keep
    confidence: float = Field(0.999, ge=0.9, lt=1)
    hold: int = Field(3, ge=1, le=100)  # buckets in a row over a limit before it warns
    level: int = Field(3, ge=1, le=4)

    @model_validator(mode="after")
    def _scale(self) -> MultivariateSettings:
        _check_step(self.step_s, self.learn_s, "learn_s")
        if not self.tags and self.hazard is None:
            raise ValueError("a multivariate group needs `tags` or the `hazard` source whose tags it watches")
        return self

    @property
    def step(self) -> float:
        """The bucket width it learns and runs on."""
        return self.step_s or scale_step(self.learn_s, MAX_BUCKETS)


class TagWarning(Strict):
    """Early-warning settings of one tag; what is left out comes from the plant's `warnings:`."""

    forecast: ForecastSettings | None = None
    anomaly: AnomalySettings | None = None


class TagHistory(Strict):
    """How a tag is stored: on change beyond `deadband`, and at least every `max_interval_s`.

    `deadband: null` (the default) is 0.1 % of the tag's range, or every change without a range."""

    deadband: float | None = Field(None, ge=0)
    max_interval_s: float = Field(60.0, gt=0)


class Tag(Strict):
    """One measured point."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    description_zh: str = ""  # the description in Simplified Chinese, shown on Chinese screens
    unit: str = ""
    device: str
    address: str
    type: DataTypeName | None = None
    scale: float = 1.0
    offset: float = 0.0
    range: tuple[float, float] | None = None
    word_order: WordOrder | None = None
    alarms: AlarmLimits | None = None
    map: tuple[float, float] | None = None  # position on the plant map (detectors)
    area: str = ""  # plant area, for filtering
    history: TagHistory = TagHistory()
    warning: TagWarning = TagWarning()
    # device writes: off unless set; the lowest role allowed is the permission table's for
    # writes (app.accounts.users), raised for this tag by `write_role`
    writable: bool = False
    write_role: RoleName | None = None
    # sensor integrity (app/integrity.py); left out: the plant's `sensors:` defaults
    frozen_s: float | None = Field(None, ge=0)  # unchanged this long: quality BAD "frozen" (0: never)
    frozen_band: float | None = Field(None, ge=0)  # a change within this band is no change (units)
    fault_band: bool | None = None  # NAMUR NE 43 fault band below/above the range (None: plant default)
    calibration_due: date | None = None  # calibration or bump test due (overdue: a blind spot)

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if v in RESERVED_WORDS:
            raise ValueError(
                f"{v!r} is a word of the rule and expression language ({', '.join(sorted(RESERVED_WORDS))}):"
                " a tag so named could not be read by a rule; choose another name"
            )
        return v

    @field_validator("scale")
    @classmethod
    def _scale(cls, v):
        if v == 0:
            raise ValueError("scale must not be 0 (every value would read 0 and no limit could trip)")
        return v

    @field_validator("range")
    @classmethod
    def _range(cls, v):
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"range must be [low, high] with low < high, got {list(v)}")
        return v

    @property
    def is_bool(self) -> bool:
        return self.type == "bool"

    @property
    def history_deadband(self) -> float:
        if self.history.deadband is not None:
            return self.history.deadband
        if self.range is None or self.is_bool:
            return 0.0
        return (self.range[1] - self.range[0]) * 0.001
