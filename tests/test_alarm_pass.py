"""The level alarms' vectorised pass (`LimitBlock.advance`: one gather, whole-array steps over every
(tag, kind) cell, only the flipping cells written one by one) and its compiled loop
(`app.alarms.limit_kernel`) against the same state machine written out one cell at a time, on random plants and random batches: the same flips in the same
order, the same state, delays and quiet bands to the last bit. And the message of a limit alarm
made from its cell (the number written out inline) against `compact_number`."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.alarms.engine import AlarmEngine
from app.alarms.limit_block import BAND_HI, EDGE, LO_NEG, PEND, SIGN, THRESHOLD, WAIT
from core.alarm_types import LEVEL_KINDS
from core.formatting import compact_number
from tests import helpers

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = {"HH": 90, "H": 80, "L": 20, "LL": 10}
# values on and next to every limit and deadband edge, and anywhere
EDGES = [
    v
    for x in (10, 20, 80, 90, 9.5, 20.5, 79.5, 90.5, 8.5, 21.5, 78.5, 91.5, 0.5)
    for v in (x, np.nextafter(x, 0), np.nextafter(x, 200))
]
VALUES = st.one_of(st.sampled_from(EDGES), st.floats(-20, 120), st.sampled_from([0.0, 1.0]))


def tag_yaml(i: int, kinds: list[str], deadband: float, on: int, off: int, on_off: bool | None) -> str:
    if on_off is not None:
        return f'{{name: T{i}, device: d, address: "co:{i}", type: bool, alarms: {{state: {str(on_off).lower()}, on_delay_s: {on}}}}}'
    limits = ", ".join(f"{k}: {LIMITS[k]}" for k in kinds)
    sep = ", " if limits else ""
    alarms = f"{{{limits}{sep}deadband: {deadband}, on_delay_s: {on}, off_delay_s: {off}}}"
    return f'{{name: T{i}, device: d, address: "hr:{i}", alarms: {alarms}}}'


TAGS = st.lists(
    st.builds(
        lambda kinds, db, on, off, on_off: (kinds, db, on, off, on_off),
        st.lists(st.sampled_from(list(LIMITS)), min_size=1, max_size=4, unique=True),
        st.sampled_from([0.0, 0.5, 1.5]),
        st.integers(0, 2),
        st.integers(0, 2),
        st.sampled_from([None, None, None, True, False]),
    ),
    min_size=1,
    max_size=6,
)


def reference(b, rows: np.ndarray, t: np.ndarray, x: np.ndarray):
    """The pass one (tag, kind) cell at a time, on the block `b`; the flips as `advance` gives them."""
    n_kinds = len(LEVEL_KINDS)
    flips = []
    for r, i in enumerate(rows.tolist()):
        for k in range(n_kinds):
            s = b.state[i, :, k]
            pend = np.nan
            if s[SIGN] * (x[r] - s[THRESHOLD]) >= s[EDGE]:  # the change the alarm wants holds
                pend = t[r] if np.isnan(s[PEND]) else min(s[PEND], t[r])
            if t[r] - pend >= s[WAIT]:  # for its delay: the alarm flips
                pend = np.nan
                on = not b.active[i, k]
                b.active[i, k] = on
                b.state[i, SIGN:PEND, k] = b.when[i, k, int(on)]
                flips.append((r, k, i * n_kinds + k, on))
            b.state[i, PEND, k] = pend
        timing = ~np.isnan(b.state[i, PEND])
        hi, lo = b.state[i, BAND_HI], -b.state[i, LO_NEG]
        b.band_hi[i] = -np.inf if timing.any() else hi.min()
        b.band_lo[i] = np.inf if timing.any() else lo.max()
    return flips


def as_list(flipped) -> list:
    if flipped is None:
        return []
    return list(zip(*(a.tolist() for a in flipped), strict=True))


@pytest.mark.parametrize("which", helpers.LEVEL_PASSES)
@FAST
@given(tags=TAGS, data=st.data())
def test_the_pass_moves_every_cell_as_one_by_one(which, tags, data):
    cfg = helpers.plant([tag_yaml(i, *spec) for i, spec in enumerate(tags)])
    block = AlarmEngine(cfg, compiled=helpers.level_pass(which)).block
    ref = copy.deepcopy(block)
    n = len(tags)
    now = 1000.0
    for _ in range(data.draw(st.integers(1, 25))):
        rows = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))), dtype=np.intp)
        now += data.draw(st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.0, 3.0]))
        t = now + np.array(
            data.draw(st.lists(st.sampled_from([0.0, 0.0, -0.25]), min_size=len(rows), max_size=len(rows)))
        )
        x = np.array(data.draw(st.lists(VALUES, min_size=len(rows), max_size=len(rows))))
        assert as_list(block.advance(rows, t, x)) == reference(ref, rows, t, x)
        for name in ("state", "active", "band_hi", "band_lo"):
            np.testing.assert_array_equal(getattr(block, name), getattr(ref, name), err_msg=name)


@FAST
@given(
    v=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([99.95, 99.949, -99.95, 100.0, -100.0, 0.0, -0.0, 1e-7, 5e-324]),
    )
)
def test_the_message_of_a_cell_writes_the_value_as_compact_number(v):
    eng = AlarmEngine(helpers.plant(['{name: T0, device: d, address: "hr:0", unit: kPa, alarms: {H: 80}}']))
    k = LEVEL_KINDS.index("H")
    (a,) = eng.recorder.levels([0], [k], [1.0], [True], [False], [1.0], [v], *[[False]] * 5)
    assert a.message == f"T0 H {compact_number(v)} kPa > 80 kPa"
    assert (
        a
        == eng.recorder.records(
            ["H"], [0], [1.0], [a.priority], [True], [False], [1.0], [v], [80.0], *[[False]] * 5
        )[0]
    )
