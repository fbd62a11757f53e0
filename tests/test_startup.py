"""The start-up's pieces: the simulator starts beside the HMI's own preparation, and the
start-up probe (FOREWARN_STARTUP_PROBE, bench/startup.py) prints only when asked."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cli.commands import start_beside
from tests.helpers import FakeEngine, plant
from views.launcher import STARTUP_PROBE, mark_first_value, startup_mark


def test_start_runs_on_another_thread_while_meanwhile_runs_here():
    here = threading.current_thread()
    ran = {}

    def start():
        ran["start"] = threading.current_thread()
        return "cfg"

    assert start_beside(start, lambda: ran.setdefault("meanwhile", threading.current_thread())) == "cfg"
    assert ran["meanwhile"] is here and ran["start"] is not here
    assert start_beside(lambda: 7, None) == 7


def test_a_failed_start_is_raised_after_meanwhile_and_a_failed_meanwhile_after_start():
    done = []

    def failing_start():
        raise ValueError("no plant")

    with pytest.raises(ValueError, match="no plant"):
        start_beside(failing_start, lambda: done.append("meanwhile"))
    assert done == ["meanwhile"]

    started = threading.Event()

    def slow_start():
        started.wait(10)
        done.append("start")

    def failing_meanwhile():
        started.set()
        raise RuntimeError("no screen")

    with pytest.raises(RuntimeError, match="no screen"):
        start_beside(slow_start, failing_meanwhile)
    assert done[-1] == "start"  # the start ended before the failure was raised: it can be stopped


def test_the_probe_prints_only_when_asked(monkeypatch, capsys):
    monkeypatch.delenv(STARTUP_PROBE, raising=False)
    startup_mark("window")
    assert capsys.readouterr().out == ""
    monkeypatch.setenv(STARTUP_PROBE, "1")
    startup_mark("window")
    event = capsys.readouterr().out.split()
    assert event[:2] == ["startup", "window"] and float(event[2]) > 0


@pytest.mark.parametrize("probe", [True, False])
def test_the_first_good_value_on_the_widgets_is_marked_once(monkeypatch, capsys, qtbot, probe):
    from core.samples import Quality, SampleBatch
    from views.bridge import EngineBridge

    if probe:
        monkeypatch.setenv(STARTUP_PROBE, "1")
    else:
        monkeypatch.delenv(STARTUP_PROBE, raising=False)
    bridge = EngineBridge(FakeEngine(plant(["{name: A, device: d, address: 'hr:0'}"])))
    mark_first_value(bridge)
    bridge.flush()  # every tag bad: not yet
    assert "first-value" not in capsys.readouterr().out
    for _ in range(2):
        bridge.on_samples(SampleBatch.build(np.array([0]), 1.0, np.array([5.0]), Quality.GOOD))
        bridge.flush()
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "first-value" in ln]
    assert len(lines) == (1 if probe else 0)
    bridge.stop()
