"""What the rules of one pass read from the recent-past window (`app.warning.window.RecentWindow`),
read once for all of them (`app.rules.functions.prefetch_trends`): the bucket series of every tag
a function asks for (`PassRead`), and the mean, max and min over a span (`SpanStats`). Pure
numpy, no Qt.
"""

from __future__ import annotations

import math

import numpy as np

from app.warning.window import RecentWindow

# a pass's functions read a group of tags over a longer span than they need when the buckets that
# adds (tags x buckets) are fewer than this: a read of its own costs about as much
MERGE_CELLS = 3000


class PassRead:
    """One read of the window for every tag a pass's functions ask for: the tags grouped by the
    longest span asked of each (a tag watched over an hour is read over the hour, its neighbours
    over minutes), a group merged into the next longer one when the buckets that adds cost less
    than a read of its own (MERGE_CELLS); a shorter span is the newest buckets of a read.
    `asks`: (span, tags) pairs."""

    def __init__(self, window: RecentWindow, now: float, asks: list[tuple[float, set[int]]]):
        self.window = window
        longest: dict[int, float] = {}
        for span, tags in asks:
            for i in tags:
                longest[i] = max(longest.get(i, 0.0), span)
        by_span: dict[float, list[int]] = {}
        for i, span in longest.items():
            by_span.setdefault(span, []).append(i)
        groups = sorted(by_span.items())  # shortest first: each may join the next longer one
        merged: list[tuple[float, list[int]]] = []
        for k, (span, tags) in enumerate(groups):
            if k + 1 < len(groups):
                extra = window.buckets(groups[k + 1][0]) - window.buckets(span)
                if len(tags) * extra <= MERGE_CELLS:
                    groups[k + 1][1].extend(tags)
                    continue
            merged.append((span, tags))
        self.where: dict[int, tuple[int, int]] = {}  # tag -> (its read, its row there)
        self.reads: list[tuple[np.ndarray, np.ndarray]] = []
        for g, (span, tags) in enumerate(reversed(merged)):  # the longest first
            tags.sort()
            self.reads.append(window.series(tags, span, now))
            self.where.update((i, (g, k)) for k, i in enumerate(tags))

    def series(self, tags: list[int], span: float) -> tuple[np.ndarray, np.ndarray]:
        """`RecentWindow.series(tags, span)` from the pass's reads."""
        k = self.window.buckets(span)
        t = self.reads[0][0][-k:]  # the longest read's grid: every read ends at the same bucket
        parts: dict[int, tuple[list[int], list[int]]] = {}  # read -> (positions in tags, its rows)
        for n, i in enumerate(tags):
            g, r = self.where[i]
            part = parts.setdefault(g, ([], []))
            part[0].append(n)
            part[1].append(r)
        if len(parts) == 1:
            ((g, (_, rows)),) = parts.items()
            return t, self.reads[g][1][rows, -k:]
        y = np.empty((len(tags), k))
        for g, (at, rows) in parts.items():
            y[at] = self.reads[g][1][rows, -k:]
        return t, y


class SpanStats:
    """The mean, max and min over one span of the tags `tags` (bucket means `y`, a row each):
    in one whole-array call each when every row holds values up to the same bucket and none after
    (the usual case: the newest bucket is still filling), the same numbers as row by row (`by`);
    else `of` works each out from the row's values."""

    __slots__ = ("index", "y", "n", "by")

    def __init__(self, tags: list[int], y: np.ndarray):
        self.index = {i: k for k, i in enumerate(tags)}
        self.y, self.n, self.by = y, 0, None
        ok = np.isfinite(y)
        n = int(ok[0].sum())
        if n and ok[:, :n].all() and not ok[:, n:].any():
            v = y[:, :n]
            self.n, self.by = n, {"mean": v.mean(axis=1), "max": v.max(axis=1), "min": v.min(axis=1)}

    def of(self, i: int, name: str) -> tuple[float, int]:
        """(the stat `name`: mean, max or min, of tag `i`; the buckets it is taken over); NaN
        over none."""
        k = self.index[i]
        if self.by is not None:
            return float(self.by[name][k]), self.n
        y = self.y[k][np.isfinite(self.y[k])]
        return (float(getattr(np, name)(y)) if len(y) else math.nan), len(y)
