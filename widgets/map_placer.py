"""Greedy placement of the plant map's labels: candidate rectangles, the first free one wins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QRectF


class Placer:
    """Greedy placement: a candidate rectangle that is free and inside the limits wins.

    Without `soft` rectangles the first free candidate wins; with them, the free candidate that
    covers the fewest soft rectangles (the spots detector values would like), the first on a tie.
    """

    def __init__(self, obstacles: Iterable[QRectF], limits: QRectF, pad: float):
        self.taken = np.array([rect_edges(r) for r in obstacles], dtype=float).reshape(-1, 4)
        self.fixed = len(self.taken)  # the first rectangles: obstacles (detector dots), not labels
        self.limits = rect_edges(limits)
        self.pad = pad

    def take(
        self,
        candidates: Sequence[QRectF],
        soft: np.ndarray | None = None,
        *,
        over_obstacles: bool = False,
        anywhere: bool = False,
    ) -> int | None:
        """The index of the candidate taken, or None. `over_obstacles`: it may cover the
        obstacles (dots), never a label; `anywhere`: also outside the limits."""
        if not candidates:
            return None
        c = np.array([rect_edges(r) for r in candidates], dtype=float)
        x0, y0, x1, y1 = self.limits
        ok = np.ones(len(c), dtype=bool)
        if not anywhere:
            ok &= (c[:, 0] >= x0) & (c[:, 1] >= y0) & (c[:, 2] <= x1) & (c[:, 3] <= y1)
        taken = self.taken[self.fixed :] if over_obstacles else self.taken
        if len(taken):
            p = self.pad
            ok &= ~overlaps(c + np.array([-p, -p, p, p]), taken).any(axis=1)
        free = np.flatnonzero(ok)
        if not len(free):
            return None
        i = int(free[0])
        if soft is not None and len(soft):
            cost = overlaps(c[free], soft).sum(axis=1)
            i = int(free[int(np.argmin(cost))])
        self.taken = np.vstack([self.taken, c[i]])
        return i


def rect_edges(r: QRectF) -> tuple[float, float, float, float]:
    return r.left(), r.top(), r.right(), r.bottom()


def overlaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) booleans: rectangles given as rows of x0, y0, x1, y1 overlap."""
    return (
        (a[:, None, 0] < b[None, :, 2])
        & (b[None, :, 0] < a[:, None, 2])
        & (a[:, None, 1] < b[None, :, 3])
        & (b[None, :, 1] < a[:, None, 3])
    )
