"""Hazard-source risk: inherent grading (LEC, LS and their cut-offs; direct determination and the
GB 18218 identification are in test_inherent_risk.py), the dynamic level raised by live evidence
with its trace, and the risk journal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import storage.schema
from app.config import HazardSource, LecRisk, LsRisk, RiskModel, parse_config_text
from app.risk.engine import RiskEngine, inherent_risk
from app.risk.inherent import grade
from core.alarm_types import Alarm
from core.risk_types import Inherent, RiskState, TraceItem, level_label
from core.samples import Quality
from tests import helpers

MODEL = RiskModel()

PLANT = helpers.plant_yaml(
    """
    - {name: F.TEMP, description: Hearth temperature, unit: degC, device: plc1, address: "hr:0", type: float32,
       alarms: {HH: 650, H: 600}}
    - {name: F.CO.01, unit: ppm, device: plc1, address: "hr:2", type: int16}
    - {name: F.CO.02, unit: ppm, device: plc1, address: "hr:3", type: int16}
    - {name: F.CO.03, unit: ppm, device: plc2, address: "hr:4", type: int16}
    - {name: F.IL, description: Bleeder interlock in service, device: plc1, address: "hr:5.0", type: bool}
    - {name: G.LEVEL, unit: "%", device: plc1, address: "hr:6", type: int16}
    - {name: OTHER, device: plc1, address: "hr:7", type: int16}
    """,
    devices="""
    - {name: plc1, protocol: modbus-tcp, port: 15020}
    - {name: plc2, protocol: modbus-tcp, port: 15021}
    """,
    name="Risk Works",
    extra="""
    hazard_sources:
      - name: Furnace
        kind: blast_furnace
        inherent: {method: LEC, L: 1, E: 6, C: 15}
        tags: [F.TEMP, F.CO.01, F.CO.02, F.CO.03, F.IL]
        interlocks: [F.IL]
      - name: Holder
        kind: gas_holder
        inherent_level: 3
        inherent:  # an older file's GB 18218 block, below S = 1: the engineer's level
          method: GB18218
          people_exposed: 120
          substances: [{name: BF gas, q_t: 6.7, Q_t: 20, beta: 2}]
        tags: [G.LEVEL, F.CO.03]
      - {name: Yard, kind: other, inherent_level: 4}
    """,
)
T, CO1, CO2, CO3, IL, LEVEL, OTHER = range(7)
GOOD, BAD = int(Quality.GOOD), int(Quality.BAD)


def hs(inherent=None, level=3, **kw) -> HazardSource:
    return HazardSource(name="H", inherent=inherent, inherent_level=level, **kw)


def alarm(key, tag, priority, *, active=True, since=100.0, message="", **kw) -> Alarm:
    return helpers.alarm(
        key, tag, priority, active=active, ts=since, value=0.0, limit=None, message=message or key, **kw
    )


@pytest.fixture
def cfg():
    return parse_config_text(PLANT)


class Plant:
    """A risk engine with the plant's tags all good and the interlock in service."""

    def __init__(self, cfg):
        self.engine = RiskEngine(cfg)
        self.quality = np.full(len(cfg.tags), GOOD, dtype=np.uint8)
        self.values = np.zeros(len(cfg.tags))
        self.values[IL] = 1.0

    def update(self, now, standing=()):
        return {s.hazard: s for s in self.engine.update(now, list(standing), self.quality, self.values)}

    def state(self, name) -> RiskState:
        return self.engine.state(name)


@pytest.fixture
def plant(cfg):
    p = Plant(cfg)
    first = p.update(0.0)
    assert set(first) == {"Furnace", "Holder", "Yard"}
    return p


# ---------------------------------------------------------------- inherent risk


def test_lec_example_and_explanation():
    r = inherent_risk(hs(LecRisk(method="LEC", L=3, E=6, C=15)), MODEL)
    assert (r.level, r.method, r.value) == (2, "LEC", 270)
    assert r.explanation == "LEC D = 270 (L 3 × E 6 × C 15) → II large"


@pytest.mark.parametrize(
    "d, level", [(69.9, 4), (70, 3), (159.9, 3), (160, 2), (319.9, 2), (320, 1), (1e4, 1), (0.5, 4)]
)
def test_lec_cutoffs(d, level):
    r = inherent_risk(hs(LecRisk.model_construct(method="LEC", L=d, E=1, C=1)), MODEL)
    assert r.level == level


def test_lec_cutoffs_are_configurable():
    model = RiskModel(lec_cutoffs=(20, 70, 160))
    assert inherent_risk(hs(LecRisk(method="LEC", L=3, E=6, C=7)), model).level == 2  # D 126: III by default
    assert inherent_risk(hs(LecRisk(method="LEC", L=1, E=6, C=3)), model).level == 4  # D 18 < 20
    assert inherent_risk(hs(LecRisk(method="LEC", L=3, E=6, C=15)), model).level == 1  # D 270 ≥ 160


@pytest.mark.parametrize(
    "l, s, level", [(2, 4, 4), (3, 3, 3), (3, 4, 3), (3, 5, 2), (4, 4, 2), (4, 5, 1), (5, 5, 1), (1, 1, 4)]
)
def test_ls_cutoffs(l, s, level):  # noqa: E741
    r = inherent_risk(hs(LsRisk(method="LS", L=l, S=s)), MODEL)  # R 8, 9, 12, 15, 16, 20, 25, 1
    assert (r.level, r.value) == (level, l * s)
    assert r.explanation.startswith(f"LS R = {l * s} (L {l} × S {s}) → ")


def test_without_inherent_block_the_engineer_sets_the_level():
    r = inherent_risk(hs(None, level=2), MODEL)
    assert r == Inherent(2, "engineer", explanation="set by the engineer", evaluated=2)


def test_grade_and_labels():
    assert [grade(x, (1, 2, 3)) for x in (0, 1, 2, 3, 4)] == [4, 3, 2, 1, 1]
    assert [level_label(n) for n in (1, 2, 3, 4)] == ["I red", "II orange", "III yellow", "IV blue"]


# ---------------------------------------------------------------- dynamic risk


def test_first_update_reports_every_source_at_inherent(cfg):
    p = Plant(cfg)
    out = p.update(5.0)
    assert {k: (s.level, s.previous, s.since, s.trace) for k, s in out.items()} == {
        "Furnace": (3, None, 5.0, ()),
        "Holder": (3, None, 5.0, ()),
        "Yard": (4, None, 5.0, ()),
    }
    assert out["Furnace"].inherent.explanation.startswith("LEC D = 90")
    assert "no live evidence" in out["Furnace"].explain()


def test_nothing_changed_reports_nothing(plant):
    assert plant.update(1.0) == {}
    a = alarm("F.TEMP:H", T, 2, message="Hearth temperature H 612 degC > 600 degC")
    assert set(plant.update(2.0, [a])) == {"Furnace"}
    # the same evidence again, even with a new value in its message: no event
    assert plant.update(3.0, [a._replace(message="Hearth temperature H 615 degC > 600 degC")]) == {}
    assert (
        plant.state("Furnace").trace[0].detail.endswith("615 degC > 600 degC")
    )  # the current state is fresh


def test_active_alarm_raises_to_its_priority_level(plant):
    a = alarm("F.TEMP:H", T, 2, since=1.5, message="Hearth temperature H 612 degC > 600 degC")
    s = plant.update(2.0, [a])["Furnace"]
    assert (s.level, s.previous, s.since) == (2, 3, 2.0)
    assert s.trace == (TraceItem("F.TEMP", "alarm", 2, "Hearth temperature H 612 degC > 600 degC", 1.5),)
    assert s.raised == 1
    text = s.explain(now=62.0)
    assert text.startswith(
        "Furnace is II orange (inherent III yellow: LEC D = 90 (L 1 × E 6 × C 15) → III general)"
    )
    assert "because:" in text and "F.TEMP: alarm → II orange" in text and "612 degC" in text
    # it clears: back to inherent, previous is II
    s = plant.update(3.0, [])["Furnace"]
    assert (s.level, s.previous, s.since, s.trace) == (3, 2, 3.0, ())


def test_alarm_less_severe_than_inherent_is_traced_but_does_not_lower(plant):
    s = plant.update(2.0, [alarm("F.TEMP:H", T, 4)])["Furnace"]
    assert s.level == 3 and s.trace[0].level == 4
    assert "live evidence" in s.explain()


def test_cleared_or_unrelated_alarms_are_ignored(plant):
    standing = [
        alarm("F.TEMP:H", T, 1, active=False),  # returned to normal, not acknowledged
        alarm("OTHER:H", OTHER, 1),  # not a member of any source
        alarm("plc1:COMM", -1, 2),  # communication alarm of no hazard source
    ]
    assert plant.update(2.0, standing) == {}


def test_alarm_priority_mapping_is_configurable(cfg):
    cfg = cfg.model_copy(update={"risk": RiskModel(alarm_level={1: 1, 2: 1, 3: 3, 4: 4})})
    p = Plant(cfg)
    p.update(0.0)
    assert p.update(1.0, [alarm("F.TEMP:H", T, 2)])["Furnace"].level == 1


def test_warning_by_level_and_by_hazard_name(plant):
    rule = alarm("co_cluster:RULE", -1, 1, hazard="Holder", since=7.0, message="CO rising at three detectors")
    forecast = alarm("F.TEMP:FORECAST", T, 3, since=8.0, message="F.TEMP reaches 600 degC in 20 min")
    out = plant.update(10.0, [rule, forecast])
    assert out["Holder"].level == 2  # warning level 1 -> II by default
    assert out["Holder"].trace == (
        TraceItem("co_cluster", "warning", 2, "CO rising at three detectors", 7.0),
    )
    assert out["Furnace"].level == 3
    assert out["Furnace"].trace[0].what == "warning"


def test_tag_in_two_sources_counts_for_both(plant):
    out = plant.update(1.0, [alarm("F.CO.03:HH", CO3, 1, hazard="Furnace")])
    assert out["Furnace"].level == 1 and out["Holder"].level == 1


def test_blind_spot_appears_and_clears(plant):
    plant.quality[CO1] = BAD
    s = plant.update(10.0)["Furnace"]
    assert s.level == 3  # blind spot level III: the furnace is already III
    assert s.trace == (TraceItem("F.CO.01", "blind spot", 3, "F.CO.01 bad quality", 10.0),)
    assert plant.update(11.0) == {}  # still bad: since stays 10
    plant.quality[CO1] = GOOD
    assert plant.update(12.0)["Furnace"].trace == ()
    plant.quality[CO1] = BAD
    assert plant.update(13.0)["Furnace"].trace[0].since == 13.0  # a new blind spot


def test_blind_spot_names_the_unreachable_device(plant):
    plant.quality[CO3] = BAD
    out = plant.update(5.0, [alarm("plc2:COMM", -1, 2, message="Communication lost: plc2")])
    assert out["Holder"].trace[0].detail == "F.CO.03 bad quality (plc2 unreachable)"
    assert out["Furnace"].trace[0].what == "blind spot"


def test_blind_spot_level_is_configurable(cfg):
    cfg = cfg.model_copy(update={"risk": RiskModel(blind_spot_level=2)})
    p = Plant(cfg)
    p.update(0.0)
    p.quality[LEVEL] = BAD
    assert p.update(1.0)["Holder"].level == 2


def test_hidden_alarm_is_a_risk(plant):
    shelved = alarm("F.TEMP:H", T, 4, active=False, since=1.0, shelved=True, message="Hearth temperature H")
    s = plant.update(5.0, [shelved])["Furnace"]
    assert s.trace == (TraceItem("F.TEMP", "hidden alarm", 3, "shelved: Hearth temperature H", 5.0),)
    # still shelved later: since is when it was first seen hidden
    assert plant.update(6.0, [shelved]) == {}
    assert plant.state("Furnace").trace[0].since == 5.0


def test_hidden_active_alarm_keeps_its_own_level_unless_suppressed_by_design(plant):
    hot = alarm("F.TEMP:HH", T, 1, shelved=True)
    assert plant.update(1.0, [hot])["Furnace"].level == 1  # shelving does not make the plant safer
    oos = hot._replace(shelved=False, out_of_service=True)
    s = plant.update(2.0, [oos])["Furnace"]
    assert s.level == 1 and s.trace[0].detail.startswith("out of service: ")
    suppressed = hot._replace(shelved=False, suppressed=True)
    s = plant.update(3.0, [suppressed])["Furnace"]
    assert s.level == 3 and s.trace[0].what == "hidden alarm" and s.trace[0].detail.startswith("suppressed: ")


def test_hidden_alarm_level_is_configurable(cfg):
    cfg = cfg.model_copy(update={"risk": RiskModel(hidden_alarm_level=2)})
    p = Plant(cfg)
    p.update(0.0)
    s = p.update(1.0, [alarm("G.LEVEL:H", LEVEL, 4, active=False, out_of_service=True)])["Holder"]
    assert s.level == 2


def test_bypassed_interlock_forces_red(plant):
    plant.values[IL] = 0.0
    s = plant.update(20.0)["Furnace"]
    assert (s.level, s.previous) == (1, 3)
    assert s.trace == (
        TraceItem("F.IL", "interlock bypassed", 1, "F.IL = 0: interlock out of service", 20.0),
    )
    assert plant.update(21.0) == {}
    plant.values[IL] = 1.0
    assert plant.update(22.0)["Furnace"].level == 3


def test_interlock_with_bad_quality_is_unknown_then_taken_as_bypassed(plant):
    plant.quality[IL] = BAD
    s = plant.update(5.0)["Furnace"]
    assert s.level == 3 and s.interlock_unknown  # a blind spot, not red
    assert [(t.indicator, t.what) for t in s.trace] == [("F.IL", "interlock unknown")]
    assert "state unknown" in s.trace[0].detail
    s = plant.update(35.0)["Furnace"]  # unknown for interlock_confirm_s (30 s): red
    assert s.level == 1 and not s.interlock_unknown
    assert [(t.indicator, t.what) for t in s.trace] == [("F.IL", "interlock bypassed")]
    assert "taken as bypassed" in s.trace[0].detail


def test_interlock_red_even_when_the_model_maps_everything_low(cfg):
    cfg = cfg.model_copy(update={"risk": RiskModel(alarm_level={1: 4, 2: 4, 3: 4, 4: 4})})
    p = Plant(cfg)
    p.update(0.0)
    p.values[IL] = 0.0
    assert p.update(1.0, [alarm("F.TEMP:HH", T, 1)])["Furnace"].level == 1


def test_escalation_when_enough_indicators_agree(plant):
    standing = [alarm("F.CO.01:H", CO1, 2, since=1.0), alarm("F.CO.02:H", CO2, 2, since=2.0)]
    s = plant.update(5.0, standing)["Furnace"]
    assert s.level == 2 and all(t.what != "escalation" for t in s.trace)
    standing.append(alarm("F.TEMP:H", T, 2, since=4.0))
    s = plant.update(6.0, standing)["Furnace"]
    assert (s.level, s.previous) == (1, 2)
    esc = s.trace[0]
    assert (esc.indicator, esc.what, esc.level, esc.since) == ("Furnace", "escalation", 1, 4.0)
    assert esc.detail.startswith("3 indicators at II orange")
    assert [t.indicator for t in s.trace[1:]] == ["F.CO.01", "F.CO.02", "F.TEMP"]  # then by since


def test_escalation_counts_distinct_indicators_and_stops_at_red(plant):
    same_tag = [alarm("F.TEMP:H", T, 2), alarm("F.TEMP:ROC", T, 2), alarm("F.TEMP:DEV", T, 2)]
    s = plant.update(1.0, same_tag)["Furnace"]
    assert s.level == 2 and len(s.trace) == 1  # three alarms of one indicator
    reds = [alarm("F.CO.01:HH", CO1, 1), alarm("F.CO.02:HH", CO2, 1), alarm("F.TEMP:HH", T, 1)]
    s = plant.update(2.0, reds)["Furnace"]
    assert s.level == 1 and all(t.what != "escalation" for t in s.trace)


def test_same_indicator_and_kind_keeps_the_most_severe(plant):
    s = plant.update(1.0, [alarm("F.TEMP:H", T, 3), alarm("F.TEMP:HH", T, 1, message="HH")])["Furnace"]
    assert s.trace == (TraceItem("F.TEMP", "alarm", 1, "HH", 100.0),)


def test_trace_change_without_level_change_is_reported(plant):
    plant.update(1.0, [alarm("F.TEMP:HH", T, 1)])
    s = plant.update(2.0, [alarm("F.TEMP:HH", T, 1), alarm("F.CO.01:H", CO1, 3)])["Furnace"]
    assert (s.level, s.since, s.previous) == (1, 1.0, 3)
    assert [t.indicator for t in s.trace] == ["F.TEMP", "F.CO.01"]


def test_states_ranked_most_severe_then_most_raised_then_name(cfg):
    p = Plant(cfg)
    p.update(0.0, [alarm("G.LEVEL:H", LEVEL, 2), alarm("F.TEMP:H", T, 2)])
    # both II, both raised one step from III: by name
    assert [s.hazard for s in p.engine.states()] == ["Furnace", "Holder", "Yard"]
    p.update(
        1.0, [alarm("G.LEVEL:H", LEVEL, 2), alarm("F.TEMP:H", T, 2), alarm("x:RULE", -1, 3, hazard="Yard")]
    )
    # Yard III from IV (raised 1), Holder and Furnace II
    assert [s.hazard for s in p.engine.states()] == ["Furnace", "Holder", "Yard"]
    p.update(2.0, [alarm("x:RULE", -1, 1, hazard="Yard"), alarm("F.TEMP:H", T, 2)])
    # Yard II from IV (raised 2) before Furnace II from III; Holder III
    assert [s.hazard for s in p.engine.states()] == ["Yard", "Furnace", "Holder"]


def test_update_scales_to_a_large_plant():
    import time

    n_tags, n_sources = 3000, 300
    tags = [f"{{name: T{i}, device: plc1, address: 'hr:{i}', type: int16}}" for i in range(n_tags)]
    sources = "\n".join(
        f"  - {{name: H{k}, inherent_level: 3, tags: [{', '.join(f'T{k * 10 + j}' for j in range(10))}]}}"
        for k in range(n_sources)
    )
    cfg = helpers.plant(
        tags, devices="{name: plc1, protocol: modbus-tcp, port: 15020}", extra=f"hazard_sources:\n{sources}\n"
    )
    engine = RiskEngine(cfg)
    quality = np.full(n_tags, GOOD, dtype=np.uint8)
    quality[::97] = BAD
    values = np.zeros(n_tags)
    standing = [alarm(f"T{i}:H", i, 1 + i % 4) for i in range(0, n_tags, 7)]
    engine.update(0.0, standing, quality, values)
    t0 = time.perf_counter()
    for k in range(10):
        assert engine.update(1.0 + k, standing, quality, values) == []
    assert (time.perf_counter() - t0) / 10 < 0.05


# ---------------------------------------------------------------- journal


def test_risk_journal_round_trip(db_url, cfg):
    from storage.risk_journal import read_risk_events, write_risk_events
    from storage.schema import create_schema, make_engine

    engine = make_engine(db_url)
    try:
        create_schema(engine)
        p = Plant(cfg)
        first = p.engine.update(1000.0, [], p.quality, p.values)
        p.values[IL] = 0.0
        p.quality[CO3] = BAD
        hot = alarm("F.TEMP:H", T, 2, since=1001.5, message="Hearth temperature H 612 °C > 600 °C")
        second = p.engine.update(1002.0, [hot], p.quality, p.values)
        assert write_risk_events(engine, first) == 3
        with engine.begin() as conn:  # inside someone else's transaction
            assert write_risk_events(conn, second) == 2
        assert write_risk_events(engine, []) == 0

        rows = read_risk_events(engine, 1000.0, 1002.0)
        assert [(r.ts, r.hazard, r.level, r.previous, r.inherent) for r in rows] == [
            (1000.0, "Furnace", 3, None, 3),
            (1000.0, "Holder", 3, None, 3),
            (1000.0, "Yard", 4, None, 4),
            (1002.0, "Furnace", 1, 3, 3),
            (1002.0, "Holder", 3, None, 3),  # its level never changed: the trace did
        ]
        furnace = {s.hazard: s for s in second}["Furnace"]
        assert rows[3].trace == furnace.trace
        assert {t.what for t in rows[3].trace} == {"interlock bypassed", "alarm", "blind spot"}
        assert any("°C" in t.detail for t in rows[3].trace)

        only = read_risk_events(engine, 1001.0, 1003.0, hazard="Holder")
        assert [(r.hazard, r.trace[0].detail) for r in only] == [("Holder", "F.CO.03 bad quality")]
        assert read_risk_events(engine, 0.0, 999.0) == []
    finally:
        engine.dispose()


def test_a_database_of_the_first_schema_gains_the_risk_journal(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from storage.schema import create_schema, make_engine, sqlite_url

    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(storage.schema.__file__).parent / "migrations"))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
        assert "risk_events" not in inspect(engine).get_table_names()
        create_schema(engine)  # what opening the history does
        insp = inspect(engine)
        assert "risk_events" in insp.get_table_names()
        assert {ix["name"] for ix in insp.get_indexes("risk_events")} == {
            "ix_risk_events_ts",
            "ix_risk_events_hazard_ts",
        }
        create_schema(engine)  # at head: nothing to do
    finally:
        engine.dispose()


def test_an_interlock_outside_the_tag_list_is_a_member():
    cfg = parse_config_text(
        PLANT.replace("tags: [G.LEVEL, F.CO.03]", "tags: [G.LEVEL]\n    interlocks: [F.IL]")
    )
    p = Plant(cfg)
    p.update(0.0)
    s = p.update(1.0, [alarm("F.IL:STATE", IL, 2)])["Holder"]
    assert [(t.indicator, t.what, t.level) for t in s.trace] == [("F.IL", "alarm", 2)]
    p.values[IL] = 0.0
    out = p.update(2.0, [alarm("F.IL:STATE", IL, 2)])
    assert out["Holder"].level == 1 and out["Furnace"].level == 1
