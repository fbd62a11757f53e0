"""When the compiled level pass (`app.alarms.limit_kernel`) is loaded (`core.compiled`): until it
is loaded, and if it cannot be (numba missing or failing), the alarm engine runs the numpy pass,
which gives the same results.

`KERNELS` is the process's one loader: the kernels are compiled once per process, whatever
number of engines use them. Pure Python, no Qt.
"""

from __future__ import annotations

import math

from core.compiled import KernelLoader

MODULE = "app.alarms.limit_kernel"
# a plant with level alarms on this many tags has the compiled level pass loaded (app.alarms.
# kernel_loader; numpy until then): below it a pass costs some tens of microseconds either way. It
# loads in the background, once per process, when the plant has run this long (samples' time) and
# a pass has fewer tags than this outside their quiet band: loading competes with the GUI thread
# for the interpreter for about a second, which neither start-up nor a flood should pay
COMPILE_TAGS = 2000
LARGE_PLANTS = object()  # AlarmEngine's default: the process's compiled pass if the plant is large
COMPILE_AFTER_S = 30.0
COMPILE_QUIET_ROWS = 32


KERNELS = KernelLoader(MODULE)


def loader_for(asked, rows: int) -> KernelLoader | None:
    """The loader an alarm engine of `rows` level-alarm tags uses: asked for LARGE_PLANTS, the
    process's kernels from COMPILE_TAGS rows on and none below, even when another engine of the
    process had them loaded; a loader (or None) given on purpose is kept."""
    if asked is LARGE_PLANTS:
        return KERNELS if rows >= COMPILE_TAGS else None
    return asked


class LoadWhenQuiet:
    """When an engine of `rows` level-alarm tags has its `loader` load the compiled pass (in the
    background): once the plant has run COMPILE_AFTER_S (samples' time) and a pass is quiet
    (fewer than COMPILE_QUIET_ROWS tags to look at); never below COMPILE_TAGS rows."""

    def __init__(self, loader: KernelLoader | None, rows: int):
        self.loader = loader
        # NaN: the first pass sets it; None: never, or done
        self.at: float | None = math.nan if loader is not None and rows >= COMPILE_TAGS else None

    @property
    def pending(self) -> bool:
        return self.at is not None

    def scan(self, t: float, n_att: int) -> None:
        """A pass at time `t` with `n_att` tags outside their quiet band."""
        if self.loader.kernel is not None or self.loader.error is not None:
            self.at = None  # loaded (for another engine of the process), or cannot be
            return
        if math.isnan(self.at):
            self.at = t + COMPILE_AFTER_S
        elif t >= self.at and n_att < COMPILE_QUIET_ROWS:
            self.loader.request()
            self.at = None
