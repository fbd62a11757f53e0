"""Replay with the period's work permits and hidden dangers: the risk and the gas alarms come out
as documented (app/dual_prevention/permits.py, hidden_dangers.py) and as the live pipeline fed
scan by scan gives them."""

from __future__ import annotations

import numpy as np

from app.dual_prevention.hidden_dangers import DangerStatus, Grade, HiddenDanger
from app.dual_prevention.permits import Permit, PermitKind
from app.evaluation.pipeline import Pipeline
from app.evaluation.replay import replay
from core.risk_types import HIDDEN_DANGER, PERMIT
from core.samples import Quality, SampleBatch
from tests.test_dual_prevention_permits import T0, cfg
from tests.test_replay import write_input

PERMIT_1 = Permit(1, PermitKind.GAS_AREA, "Gas area", T0 + 100, T0 + 400, 3, "sup1")
DANGER = HiddenDanger(
    1, "Yard", "crane end stop missing", Grade.MAJOR, DangerStatus.REGISTERED, T0 + 50, "s1", "4.1"
)


def co(k: int) -> float:
    return 40.0 if 200 <= k < 260 else 2.0


def test_replay_with_a_permit_and_a_major_danger_matches_the_live_pipeline(tmp_path):
    config = cfg()
    rows = [
        (T0 + k, name, v, "good")
        for k in range(600)
        for name, v in (("CO1", co(k)), ("CO2", 1.0), ("P", 100.0))
    ]
    path = tmp_path / "samples.csv"
    write_input(path, rows)
    result = replay(config, path, permits=[PERMIT_1], dangers=[DANGER])
    live = Pipeline(config)
    live.permits.put(PERMIT_1)
    live.dangers.replace([DANGER], [])
    live_alarms, live_risk = [], []
    for k in range(600):
        out = live.evaluate(
            SampleBatch.build(
                np.arange(3, dtype=np.int32), T0 + k, np.array([co(k), 1.0, 100.0]), Quality.GOOD
            )
        )
        live_alarms += out.alarms
        live_risk += out.risk

    def levels(states, hazard):
        return [
            (s.ts, s.level, tuple((t.what, t.indicator, t.level, t.since) for t in s.trace))
            for s in states
            if s.hazard == hazard
        ]

    assert levels(result.risk, "Gas area") == levels(live_risk, "Gas area")
    gas = levels(result.risk, "Gas area")
    # blue (D = 30) until the permit starts, yellow (D = 1 x 10 x 15 = 150) while it is active
    assert gas[0][1] == 4
    during = [g for g in gas if T0 + 100 <= g[0] < T0 + 400]
    assert during and all(g[1] <= 3 and (PERMIT, "PTW-1", 3, T0 + 100) in g[2] for g in during)
    assert gas[-1][1] == 4 and all(t[0] != PERMIT for t in gas[-1][2])
    yard = levels(result.risk, "Yard")
    assert yard[0][1] == 2 and yard[0][2] == ((HIDDEN_DANGER, "HD-1", 2, T0 + 50),)
    # the CO alarm during the permit: priority I naming it, in the replay as live
    (first,) = [a for a in result.events if a.key == "CO1:H" and a.active][:1]
    assert first.priority == 1 and "PTW-1: 3 people in the area" in first.message
    assert [(a.key, a.priority, a.message) for a in result.events] == [
        (a.key, a.priority, a.message) for a in sorted(live_alarms, key=lambda a: a.ts)
    ]
