"""Active and standby: the part of a server that acquires and evaluates (devices polled, alarms
journaled) runs only while this server leads its plant (storage.leadership.Leadership).

`ActiveStandby.run` waits for leadership, then calls the server's `start()` (headless: a new
history and engine; serve: the same plus its publishing), checks the lease every `check_s`
and calls `stop()` the moment it is lost, so the devices are no longer polled by a server that
no longer leads; then it waits for leadership again. Its `state` (standby / active / lost, since
when, and why) is small and immutable, for the server to publish (a Sparkplug STATE, a status
line); `on_change` is called with each new one, from the loop's thread.

No Qt; the start and stop callables are the server's, so `headless --standby` and `serve` share it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)

CHECK_S = 0.5  # how often the active server checks its lease
RETRY_S = 0.5  # how often a standby server tries to take the lead


class Role(StrEnum):
    STANDBY = "standby"  # waiting for leadership; nothing polled
    ACTIVE = "active"  # leading: acquisition and evaluation run
    LOST = "lost"  # leadership lost: stopping, then standby again


@dataclass(frozen=True)
class RoleState:
    """Where this server stands: its role, since when (UNIX s), why (a lost lease's reason), and
    how many times it became active."""

    role: Role
    since: float
    detail: str = ""
    activations: int = 0


class ActiveStandby:
    """Runs `start()` while `leadership` is held and `stop()` as soon as it is not."""

    def __init__(
        self,
        leadership,
        start: Callable[[], object],
        stop: Callable[[], object],
        *,
        check_s: float = CHECK_S,
        retry_s: float = RETRY_S,
        on_change: Callable[[RoleState], object] | None = None,
        prepare: Callable[[], object] | None = None,
    ):
        """`prepare()`: called once in each spell as standby, before trying for the lead, to make
        ready what `start()` will start (a takeover then waits for nothing it could have
        prepared); `start()` must cope with a failed or missing preparation."""
        self.leadership = leadership
        self._start, self._stop, self._prepare = start, stop, prepare
        self._prepared = False
        self.check_s, self.retry_s = check_s, retry_s
        self.on_change = on_change
        self.state = RoleState(Role.STANDBY, time.time())
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def run(self, stopping: threading.Event) -> None:
        """Until `stopping` is set: standby, active while leading, stopped when the lease is
        lost. At the end the active part is stopped and leadership given up."""
        self._announce(self.state)
        try:
            while not stopping.is_set():
                if self.state.role != Role.ACTIVE:
                    self._make_ready()
                    if not self.leadership.try_acquire():
                        stopping.wait(self.retry_s)
                        continue
                    if not self._activate():
                        stopping.wait(self.retry_s)
                    continue
                stopping.wait(self.check_s)
                if not self.leadership.check():
                    self._deactivate(Role.LOST, self.leadership.lost_reason or "lease lost")
                    self._set(Role.STANDBY)
        finally:
            if self.state.role == Role.ACTIVE:
                self._deactivate(Role.STANDBY, "stopped")
            self.leadership.release()

    def start_thread(self) -> None:
        """`run` on a thread of its own until `stop_thread`."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self.run, args=(self._stopping,), name="active-standby", daemon=True
            )
            self._thread.start()

    def stop_thread(self, timeout: float = 20.0) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout)
            self._thread = None

    def _make_ready(self) -> None:
        if self._prepare is None or self._prepared:
            return
        self._prepared = True
        try:
            self._prepare()
        except Exception:  # the start makes it then
            log.exception("preparing the active part failed")

    def _activate(self) -> bool:
        """Start the active part on a thread of its own while the lease is checked as usual (a
        start that learns from a long history must not let the leadership session go idle);
        a lease lost meanwhile is acted on once the start has ended."""
        self._set(Role.ACTIVE, activations=self.state.activations + 1)
        self._prepared = False
        failed: list[Exception] = []
        done = threading.Event()

        def start() -> None:
            try:
                self._start()
            except Exception as exc:  # e.g. the database went away meanwhile: let another lead
                log.exception("the active part failed to start")
                failed.append(exc)
            finally:
                done.set()

        threading.Thread(target=start, name="active-start", daemon=True).start()
        while not done.wait(self.check_s):
            self.leadership.check()
        if failed:
            self._deactivate(Role.LOST, f"start failed: {failed[0]}")
            self.leadership.release()
            self._set(Role.STANDBY)
            return False
        return True

    def _deactivate(self, role: Role, why: str) -> None:
        self._set(role, why)
        try:
            self._stop()
        except Exception:  # stopped as far as it goes; leadership is gone either way
            log.exception("the active part failed to stop cleanly")

    def _set(self, role: Role, detail: str = "", activations: int | None = None) -> None:
        n = self.state.activations if activations is None else activations
        self.state = RoleState(role, time.time(), detail, n)
        self._announce(self.state)

    def _announce(self, state: RoleState) -> None:
        log.info("redundancy: %s%s", state.role, f" ({state.detail})" if state.detail else "")
        if self.on_change is not None:
            try:
                self.on_change(state)
            except Exception:  # a listener's bug must not stop the redundancy loop
                log.exception("a redundancy listener failed")
