"""Start-up's objects kept out of the garbage collector's full passes (core.long_lived): frozen
once the window shows a good value, and what the compiled alarm pass loads later joins them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import core.long_lived
from tests.helpers import FakeEngine, plant
from views.launcher import freeze_when_live

ROOT = Path(__file__).resolve().parent.parent


def test_the_launcher_freezes_once_the_window_shows_a_good_value(monkeypatch, qtbot):
    from core.samples import Quality, SampleBatch
    from views.bridge import EngineBridge

    calls = []
    monkeypatch.setattr(core.long_lived, "freeze_start_up", lambda: calls.append("freeze") or 1)
    bridge = EngineBridge(FakeEngine(plant(["{name: A, device: d, address: 'hr:0'}"])))
    freeze_when_live(bridge)
    bridge.flush()  # every tag bad: not yet
    assert calls == []
    for _ in range(2):
        bridge.on_samples(SampleBatch.build(np.array([0]), 1.0, np.array([5.0]), Quality.GOOD))
        bridge.flush()
    assert calls == ["freeze"]  # once


def test_start_up_objects_leave_the_full_passes_and_a_late_load_joins_them():
    # in a process of its own: a freeze is for the life of the process
    script = textwrap.dedent(
        """
        import gc, json, sys
        from core.long_lived import freeze_start_up, join_frozen
        from tests.helpers import plant
        from app.evaluation.pipeline import Pipeline

        tags = [f"{{name: T{i}, device: d, address: 'hr:{i}', alarms: {{H: 90}}}}" for i in range(3000)]
        pipe = Pipeline(plant(tags))
        out = {"not_frozen_join": join_frozen(), "tracked_before": len(gc.get_objects())}
        out["frozen"] = freeze_start_up()
        out["again"] = freeze_start_up()
        out["tracked_after"] = len(gc.get_objects())
        import email.mime.multipart, xml.dom.minidom  # a late load of long-lived modules
        late = len(gc.get_objects())
        out["joined"], out["late"] = join_frozen(), late
        out["tracked_at_end"] = len(gc.get_objects())
        out["pipeline_alive"] = pipe is not None
        print(json.dumps(out))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["not_frozen_join"] == 0  # without a frozen start-up (tests, tools) nothing is frozen
    assert out["frozen"] >= 0.9 * out["tracked_before"] and out["again"] == 0
    assert out["tracked_after"] < 0.01 * out["tracked_before"]  # a full pass walks next to nothing
    assert out["late"] > out["tracked_after"] and out["joined"] >= out["late"] - out["tracked_after"] - 50
    assert out["tracked_at_end"] < 50
