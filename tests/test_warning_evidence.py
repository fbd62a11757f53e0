"""How much evidence a warning needs: an anomaly heading to a side where its tag has no limit
needs more sigmas; a forecast on a slow scale holds longer, needs both its looks to agree and is
not raised for a fall that levels off before the limit (a machine stopping and settling)."""

from __future__ import annotations

import numpy as np

from app.evaluation.pipeline import Pipeline
from app.warning.anomaly import AWAY, limits_around
from app.warning.forecast import CONFIRM, confirm_buckets
from core.samples import Quality, SampleBatch
from core.schema.tags import AlarmLimits, ForecastSettings
from tests.helpers import plant

T0 = 1_700_006_400.0
HOUR = 3600.0

# one vibration with only high limits, one level with both, one reading with none; anomalies
# learned over ten minutes of 1 s samples, no forecasts
ANOMALY_ONLY = "{forecast: {enabled: false}, anomaly: {learn_s: 600}}"
ONE_SIDED = f"""
- {{name: VIB, unit: g, device: d, address: "hr:0", range: [0, 1], alarms: {{H: 0.8, HH: 0.9}},
   warning: {ANOMALY_ONLY}}}
- {{name: LEVEL, unit: m, device: d, address: "hr:1", range: [0, 1], alarms: {{L: 0.1, H: 0.9}},
   warning: {ANOMALY_ONLY}}}
- {{name: FREE, unit: g, device: d, address: "hr:2", range: [0, 1], warning: {ANOMALY_ONLY}}}
"""
NOISE = 0.02  # per sample; 5 s bucket means scatter about 0.009


def anomalies_after_offset(offset_sigmas: float) -> set[str]:
    """Tags with an anomaly raised once every tag moves `offset_sigmas` bucket-mean sigmas from 0.5
    (after 15 minutes of normal) and stays there two minutes."""
    rng = np.random.default_rng(3)
    pipe = Pipeline(plant(ONE_SIDED))
    t = T0 + np.arange(0.0, 1020.0)
    shift = np.where(t >= T0 + 900.0, offset_sigmas * NOISE / np.sqrt(5.0), 0.0)
    raised = set()
    for a in range(0, len(t), 60):
        ts = np.repeat(t[a : a + 60], 3)
        v = 0.5 + np.repeat(shift[a : a + 60], 3) + rng.normal(0, NOISE, len(ts))
        tags = np.tile(np.arange(3, dtype=np.int32), len(ts) // 3)
        alarms = pipe.evaluate(SampleBatch.build(tags, ts, v, Quality.GOOD)).alarms
        raised |= {x.source for x in alarms if x.kind == "ANOMALY" and x.active}
    return raised


def test_the_nearest_limit_on_each_side():
    up, lo = limits_around([AlarmLimits(H=5, HH=9), AlarmLimits(L=1, LL=0, H=7), None])
    assert up.tolist() == [5, 7, np.inf] and lo.tolist() == [-np.inf, 1, -np.inf]


def test_a_move_to_a_side_without_a_limit_needs_twice_the_sigmas():
    assert AWAY == 2.0
    # a jump of 25 sigmas up: toward every tag's high limit (FREE has none: judged as before)
    assert anomalies_after_offset(25.0) == {"VIB", "LEVEL", "FREE"}
    # 25 down: the vibration has no low limit, a dip of it heads to no consequence
    assert anomalies_after_offset(-25.0) == {"LEVEL", "FREE"}
    # 50 down is twice that evidence: seen on all three
    assert anomalies_after_offset(-50.0) == {"VIB", "LEVEL", "FREE"}


def test_a_slow_forecast_holds_for_a_twelfth_of_its_window():
    six_hours = ForecastSettings(window_s=6 * HOUR, step_s=300)
    assert confirm_buckets(six_hours, 300.0, slow=True) == 6  # 30 minutes of 5-minute buckets
    assert confirm_buckets(six_hours, 300.0, slow=False) == CONFIRM
    assert confirm_buckets(ForecastSettings(), 5.0, slow=False) == CONFIRM  # the live scale as it was
    assert confirm_buckets(ForecastSettings(window_s=600, step_s=60), 60.0, slow=True) == CONFIRM
    chosen = ForecastSettings(window_s=6 * HOUR, step_s=300, confirm_s=600)
    assert confirm_buckets(chosen, 300.0, slow=True) == 2


# a machine temperature read every 5 minutes, forecast over 6 h on 5-minute buckets (NAB's)
MACHINE = """
- {name: TEMP, unit: degC, device: d, address: "hr:0", range: [0, 150], alarms: {L: 40, H: 110},
   warning: {forecast: {window_s: 21600, step_s: 300, horizon_s: 43200,
                        levels_s: [3600, 10800, 21600, 43200]}}}
"""


def forecasts(after) -> list[float]:
    """Hours after the change at which a FORECAST was raised: two days at 80 degC (a daily swing
    and noise), then `after(hours since the change)` for twelve hours."""
    rng = np.random.default_rng(5)
    pipe = Pipeline(plant(MACHINE))
    t = T0 + np.arange(0.0, 60 * HOUR, 300.0)
    h = (t - T0) / HOUR - 48.0
    v = 80.0 + 2.0 * np.sin(2 * np.pi * h / 24.0) + rng.normal(0, 0.5, len(t))
    v = np.where(h >= 0, after(np.maximum(h, 0.0)) + rng.normal(0, 0.5, len(t)), v)
    out = []
    for a in range(0, len(t), 12):
        batch = SampleBatch.build(
            np.zeros(len(t[a : a + 12]), np.int32), t[a : a + 12], v[a : a + 12], Quality.GOOD
        )
        out += [
            (x.ts - T0) / HOUR - 48.0
            for x in pipe.evaluate(batch).alarms
            if x.kind == "FORECAST" and x.active
        ]
    return out


def stop(hours: float):
    """A machine stopping: down 25 degC with a 25-minute time constant toward 55 (never near L 40),
    back up as fast after `hours`."""

    def temp(h):
        low = 55.0 + 25.0 * np.exp(-np.minimum(h, hours) * 60.0 / 25.0)
        return np.where(h < hours, low, 80.0 - (80.0 - low) * np.exp(-(h - hours) * 60.0 / 25.0))

    return temp


def test_a_stop_that_settles_is_not_forecast_to_the_low_limit():
    # before, each of these was forecast to L 40 within the first hour, and again and again
    assert forecasts(stop(1.5)) == []
    assert min(forecasts(stop(3.5)), default=99.0) > 2.0  # a long one: not from its first two hours


def test_a_steady_slide_to_the_low_limit_is_forecast_hours_ahead():
    # 2.5 degC an hour from 80: L 40 in 16 hours, the warning well before the twelfth
    got = forecasts(lambda h: 80.0 - 2.5 * h)
    assert got and got[0] <= 10.0, got
