"""A published method on the same data: the PCA monitor of multivariate statistical process
control, Hotelling's T-squared in the principal subspace and the Q statistic (squared prediction
error) in the residual one (Jackson & Mudholkar 1979; MacGregor & Kourti 1995). SKAB's
leaderboard lists it as "T-squared+Q (PCA-based)". numpy only.

Trained on the data set's training stretch: standardised with its mean and spread, the leading
components that explain `explained` of its variance kept, each statistic's threshold its
`quantile` over the training rows. An alarm is a run of at least `confirm` rows with T-squared
or Q above its threshold (the same three-in-a-row our forecasts need); runs less than `merge`
rows apart are one alarm.

A data set of one tag (NAB) is lag-embedded: each row is the last `lags` samples, so the monitor
sees the local shape of the curve rather than one number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class PcaMonitor:
    explained: float = 0.9
    quantile: float = 0.999
    confirm: int = 3
    merge: int = 10
    lags: int = 1

    def features(self, values: np.ndarray) -> np.ndarray:
        """Rows of features: the values, or for lags > 1 the last `lags` rows side by side (the
        first lags - 1 rows repeat the first value)."""
        if self.lags <= 1:
            return values
        x = np.asarray(values[:, 0], dtype=float)
        pad = np.r_[np.full(self.lags - 1, x[0]), x]
        return np.lib.stride_tricks.sliding_window_view(pad, self.lags)

    def fit(self, train: np.ndarray) -> PcaMonitor:
        x = self.features(train)
        self.mean = x.mean(axis=0)
        self.sd = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
        z = (x - self.mean) / self.sd
        _, s, vt = np.linalg.svd(z, full_matrices=False)
        var = s**2 / max(len(z) - 1, 1)
        share = np.cumsum(var) / var.sum()
        k = int(np.searchsorted(share, self.explained) + 1)
        self.k = min(k, len(var))
        self.p = vt[: self.k].T  # loadings [features, k]
        self.var = var[: self.k]
        t2, q = self._stats(z)
        self.t2_limit = float(np.quantile(t2, self.quantile))
        self.q_limit = float(np.quantile(q, self.quantile)) if self.k < z.shape[1] else np.inf
        return self

    def _stats(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores = z @ self.p
        t2 = (scores**2 / self.var).sum(axis=1)
        q = ((z - scores @ self.p.T) ** 2).sum(axis=1)
        return t2, q

    def statistics(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """T-squared and Q of every row (NaN rows give NaN)."""
        z = (self.features(values) - self.mean) / self.sd
        return self._stats(z)

    def runs(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[start, end) row indices of each confirmed run of rows over a threshold."""
        t2, q = self.statistics(values)
        with np.errstate(invalid="ignore"):
            over = (t2 > self.t2_limit) | (q > self.q_limit)
        edges = np.flatnonzero(np.diff(np.r_[False, over, False]))
        starts, ends = edges[::2], edges[1::2]
        keep = (ends - starts) >= self.confirm
        return starts[keep], ends[keep]

    def flagged(self, values: np.ndarray) -> np.ndarray:
        """Per row: inside a confirmed run from its confirming row on (the monitor says anomaly)."""
        out = np.zeros(len(values), dtype=bool)
        for a, b in zip(*self.runs(values), strict=True):
            out[a + self.confirm - 1 : b] = True
        return out

    def alarms(self, ts: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Times the monitor raises an alarm: each confirmed run of rows over a threshold."""
        starts, ends = self.runs(values)
        out, last_end = [], -(10**9)
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            if a - last_end >= self.merge:
                out.append(float(ts[a + self.confirm - 1]))
            last_end = b
        return np.asarray(out)
