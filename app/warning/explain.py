"""What stands behind one early warning, for the operator's "why" view: the data the detector
used, its fitted line or baseline, the band, the limit and the predicted time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.formatting import compact_number as fmt_value

__all__ = ["Explanation", "fmt_value"]


@dataclass
class Explanation:
    """Everything behind one warning, for the operator's "why" view."""

    key: str
    kind: str
    tag: int
    title: str  # a Message, like every line: English text the GUI translates
    lines: list[str]
    t: np.ndarray = field(default_factory=lambda: np.zeros(0))  # the data the detector used
    v: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fit_t: np.ndarray = field(default_factory=lambda: np.zeros(0))  # its fitted line / baseline
    fit_v: np.ndarray = field(default_factory=lambda: np.zeros(0))
    band_lo: np.ndarray = field(default_factory=lambda: np.zeros(0))
    band_hi: np.ndarray = field(default_factory=lambda: np.zeros(0))
    limit: float | None = None
    eta: float | None = None
