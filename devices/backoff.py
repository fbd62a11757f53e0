"""Capped exponential backoff for reconnects, with jitter so devices do not retry in step."""

from __future__ import annotations

import random


class Backoff:
    """Delays 0.5, 1, 2, 4 ... seconds up to `cap`; `reset()` after a good connection."""

    def __init__(self, first: float = 0.5, cap: float = 10.0, factor: float = 2.0, jitter: float = 0.1):
        self.first, self.cap, self.factor, self.jitter = first, cap, factor, jitter
        self._next = first

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self.cap, self._next * self.factor)
        return delay * (1.0 + random.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self._next = self.first
