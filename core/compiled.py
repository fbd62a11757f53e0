"""A module of compiled (numba) kernels, loaded off the caller's thread when it is first asked for:
importing numba and compiling the kernels (or loading them from numba's cache) takes from under a
second to a few seconds, which neither start-up nor the pass that asks should wait for. Until it
is loaded, and if it cannot be (numba missing or failing, or its `check` against the numpy code
failing), the numpy code it stands in for runs, with the same results.

Pure Python, no Qt.
"""

from __future__ import annotations

import importlib
import logging
import threading
from types import ModuleType

from core.long_lived import join_frozen

log = logging.getLogger(__name__)


class KernelLoader:
    """Loads the compiled kernels of `module` once, in a thread of its own (`request`) or on the
    spot (`load`), and checks them against the numpy code (`check` of the module); `kernel` is the
    loaded module, None until then (or for good, if loading or the check failed: `error` says
    why)."""

    def __init__(self, module: str):
        self.module = module
        self.kernel: ModuleType | None = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Start loading in the background, once; returns at once."""
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                name = f"load-{self.module.rsplit('.', 1)[-1]}"
                self._thread = threading.Thread(target=self._load, name=name, daemon=True)
                self._thread.start()

    def load(self, timeout: float | None = None) -> ModuleType | None:
        """Load now (or wait for the loading under way, up to `timeout` s); the kernels, or None."""
        self.request()
        self._thread.join(timeout)
        return self.kernel

    def __deepcopy__(self, memo) -> KernelLoader:
        return self  # a copy of what holds the loader (a limit block) shares the process's kernels

    def _load(self) -> None:
        try:
            kernel = importlib.import_module(self.module)
            kernel.check()  # the same results as the numpy code, or not used
        except Exception as exc:  # numba missing or unable to compile: the numpy code goes on
            self.error = exc
            log.warning("compiled %s unavailable, its numpy code is used: %r", self.module, exc)
        else:
            self.kernel = kernel
            join_frozen()  # numba's objects live as long as the process, as start-up's do
