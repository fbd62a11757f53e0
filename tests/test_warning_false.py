"""Forecasts against the false warnings real plants show: on a slow scale a short fall that stops
(a machine cooling for an hour or two) is not carried over the whole horizon; a fall that goes on
is. The live scale keeps its whole horizon for a short look: a gas leak's first minutes are what
it forecasts."""

from __future__ import annotations

import numpy as np

from app.config import parse_config_text
from app.evaluation.pipeline import Pipeline
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml

T0 = 1_700_006_400.0

SLOW = 12  # the slow plant's time runs twelve times the live one's: 1-minute buckets, 2 h window


def cooling(f: int, settles: bool = False) -> str:
    step = f", step_s: {5 * f}" if f > 1 else ""
    step += ", settles: true" if settles else ""
    return plant_yaml(
        f"""
    - {{name: X, unit: °C, device: d, address: "hr:0", range: [-50, 100], alarms: {{L: -20}},
       warning: {{forecast: {{window_s: {600 * f}, horizon_s: {1800 * f}{step}}}}}}}
    """
    )


def forecasts(shape, f: int = SLOW, settles: bool = False) -> list:
    """X read every `f` seconds: 20 minutes x f at 50 °C, then `shape(seconds since / f)`; its
    forecast raises."""
    pipe = Pipeline(parse_config_text(cooling(f, settles)))
    rng = np.random.default_rng(6)
    out = []
    for k in range(3000):
        x = 50.0 if k < 1200 else shape(k - 1200)
        batch = SampleBatch.build(
            np.zeros(1, np.int32), T0 + k * f, np.array([x + rng.normal(0, 0.3)]), Quality.GOOD
        )
        out += [a for a in pipe.evaluate(batch).alarms if a.kind == "FORECAST" and a.active]
    return out


def test_a_short_fall_that_stops_is_not_carried_over_the_whole_horizon():
    """200 s falling 3 °C a minute, then level at 40 °C: the short look (3 minutes) sees the L of
    -20 °C 20 minutes off, within the horizon of 30 minutes but beyond the three tenths of it
    that a look of three tenths of the window may carry; the 10-minute window never sees a trend
    steep enough to reach it within the horizon. No forecast."""
    assert not forecasts(lambda s: 50.0 - 0.05 * min(s, 200.0))


def test_the_live_scale_forecasts_a_short_fall_over_its_whole_horizon():
    """The same fall on the live scale (5-second buckets, a 10-minute window) is forecast: there a
    few minutes' fall is what the short look is for."""
    assert forecasts(lambda s: 50.0 - 0.05 * min(s, 200.0), f=1)


def test_a_fall_that_goes_on_is_still_forecast_well_before_the_limit():
    raised = forecasts(lambda s: 50.0 - 0.04 * s)  # L of -20 °C reached after 1,750 s
    assert raised and raised[0].ts < T0 + SLOW * (1200 + 1750 - 900)


def test_a_stops_first_fall_on_a_tag_that_settles_waits_for_the_window_and_is_not_forecast():
    """A tag declared to stop and settle (`settles`), 50 minutes falling 0.5 °C a minute, then level
    at 25 °C (a machine stopping): the short look sees the L of -20 °C within its reach after half
    an hour, while the 2-hour window, most of it level, puts it more than twice as far off. The two
    looks tell two stories (a change of state, not a slide): no forecast, and none once it settles.
    Without `settles` the short look's fall is forecast, as for a tag whose creep it must see
    through a daily swing."""
    for shape in (lambda s: 50.0 - 0.1 * min(s, 250.0), lambda s: 50.0 - 0.15 * min(s, 200.0)):
        assert not forecasts(shape, settles=True)
        assert forecasts(shape)


def test_a_fast_fall_that_goes_on_is_forecast_on_a_tag_that_settles_once_the_window_sees_it():
    """The same fall going on reaches -20 °C after 700 samples: warned once both looks agree, over
    an hour ahead (the price of waiting for the window: some 20 minutes of lead)."""
    raised = forecasts(lambda s: 50.0 - 0.1 * s, settles=True)
    assert raised and raised[0].ts <= T0 + SLOW * (1200 + 700) - 3600
