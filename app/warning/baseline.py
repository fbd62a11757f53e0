"""The learned normal of a tag (an exponentially weighted mean and variance of its bucket means),
shared by the forecast's normal band and the anomaly detector's baselines.

Once learned, a baseline learns only from values within LEARN_GATE sd of its mean, and its
scatter widens VAR_SLOWER times slower than its mean moves: a drift of a few tenths of a degree
a day, or a piston tilt growing a few mm a day, is measured against the normal it left instead
of carrying the mean along and widening the band to fit.
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of weight `a` towards `x` where `learn` (and, where `learned`, within the gate):
    the new mean and variance, and where it learned."""
    with np.errstate(invalid="ignore"):
        z = (x - mu) / np.maximum(np.sqrt(var), floor)
    learn = learn & ~(learned & (np.abs(z) >= LEARN_GATE))
    first = learn & ~np.isfinite(mu)
    diff = np.where(learn & ~first, x - mu, 0.0)
    new_mu = np.where(first, x, mu + a * diff)
    av = np.where(learned, a / VAR_SLOWER, a)
    new_var = np.where(learn & ~first, (1 - av) * (var + av * diff * diff), var)
    return new_mu, new_var, learn
