"""The learned normal of a tag (an exponentially weighted mean and variance of its bucket means),
shared by the forecast's normal band and the anomaly detector's baselines. What follows holds on
the slow scales (buckets of minutes or hours, `learned` is never set on the live one, whose
baselines follow the last hour or so as they always did).

Once learned, its scatter widens VAR_SLOWER times slower than its mean moves, and (`gate`, the
anomaly detector's baselines) its mean too moves VAR_SLOWER times slower than while learning
(a creep that stays within the gate is not carried along either: a zero drifting a few ppm an
hour would otherwise stay a lag behind its baseline for ever) and it learns only from values
within LEARN_GATE sd of its mean: a
drift of a few tenths of a degree a day, or a piston tilt growing a few mm a day, is measured
against the normal it left instead of widening the band to fit (and, gated, instead of carrying
the mean along). The forecast's band is not gated: a process whose level wanders over days
(a machine changing duty) moves its band with it, and the trend itself tells a creep.
"""

from __future__ import annotations

import numpy as np

LEARN_GATE = 3.0
VAR_SLOWER = 10.0


def learn_step(
    mu: np.ndarray,
    var: np.ndarray,
    x: np.ndarray,
    a: np.ndarray,
    learn: np.ndarray,
    learned: np.ndarray,
    floor: np.ndarray,
    gate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of weight `a` towards `x` where `learn` (and, with `gate` where `learned`,
    within the gate): the new mean and variance, and where it learned."""
    if gate:
        with np.errstate(invalid="ignore"):
            z = (x - mu) / np.maximum(np.sqrt(var), floor)
        learn = learn & ~(learned & (np.abs(z) >= LEARN_GATE))
    first = learn & ~np.isfinite(mu)
    diff = np.where(learn & ~first, x - mu, 0.0)
    av = np.where(learned, a / VAR_SLOWER, a)
    new_mu = np.where(first, x, mu + (av if gate else a) * diff)
    new_var = np.where(learn & ~first, (1 - av) * (var + av * diff * diff), var)
    return new_mu, new_var, learn
