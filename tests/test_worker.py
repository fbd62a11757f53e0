"""core.worker: a loop's thread starts once, wakes early when asked, and ends on stop."""

import threading
import time

from core.worker import Worker


def test_worker_runs_wakes_and_stops():
    worker = Worker("test-worker")
    rounds: list[str] = []
    names: list[str] = []

    def loop():
        names.append(threading.current_thread().name)
        while not worker.stopping:
            worker.wait(60.0)  # only a wake ends this wait within the test
            rounds.append("round")

    worker.start(loop)
    worker.start(loop)  # already running: no second thread
    worker.wake()
    deadline = time.monotonic() + 5.0
    while not rounds and time.monotonic() < deadline:
        time.sleep(0.01)
    assert rounds and names == ["test-worker"]
    worker.stop(timeout=5.0)
    assert worker.stopping
    assert not any(t.name == "test-worker" for t in threading.enumerate())


def test_stop_without_start_does_nothing():
    worker = Worker("idle")
    worker.stop()
    assert not worker.stopping
