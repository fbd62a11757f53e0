"""When the detectors' compiled loops (`app.warning.kernels`: the Theil-Sen medians and the
window's bucket add) are loaded, through `core.compiled`; until then, and if they cannot be
(numba missing or failing), the numpy code runs, with the same results.

- A replay loads them before it starts (`app.evaluation.replay.load_compiled`): it is a batch
  job, and the second or two of loading is paid once per process.
- A live plant has them loaded in the background once it has run COMPILE_AFTER_S (samples'
  time), when it is large (`LoadWhenLarge`): COMPILE_TAGS tags, whose every scan the window adds
  (20,000 samples: 1.7 ms in numpy, 0.6 ms compiled), or rules fitting COMPILE_FITS trends a
  pass. Below that either costs a fraction of a millisecond, and loading holds the interpreter
  for a second or more, which start-up should not pay.

Pure Python, no Qt.
"""

from __future__ import annotations

import math

from core.compiled import KernelLoader

WARNING_KERNELS = KernelLoader("app.warning.kernels")
COMPILE_TAGS = 2000
COMPILE_FITS = 1000
COMPILE_AFTER_S = 30.0


class LoadWhenLarge:
    """Has `WARNING_KERNELS` load in the background COMPILE_AFTER_S after the first detector pass
    of a plant of `tags` tags whose rules fit `fits` trends a pass, if it is large; never else."""

    def __init__(self, tags: int, fits: int):
        # NaN: the first pass sets it; None: never, or asked
        self.at: float | None = math.nan if tags >= COMPILE_TAGS or fits >= COMPILE_FITS else None

    def detectors_ran(self, now: float) -> None:
        if self.at is None:
            return
        if math.isnan(self.at):
            self.at = now + COMPILE_AFTER_S
        elif now >= self.at:
            WARNING_KERNELS.request()
            self.at = None
