"""The demo plant's PCI coal grinding and hot stoves are what their templates make (roles, limits,
warnings, inherent risk, rules); the hot stoves take the blast in turn at the plant's changeovers;
the coal-dust smoulder, the tuyere leak and the precursors of days develop as a safety engineer
would see them; the gas leak still spreads among the gas areas' detectors only."""

from __future__ import annotations

import fnmatch
import re

import numpy as np
import pytest

from app.config import demo_config_path, load_config
from app.config.instantiate import instantiate
from app.config.templates import template_for
from app.rules.engine import compile_rule
from demo.plant_physics import SLOW_INCIDENTS, PlantPhysics
from demo.scenarios import BANK, LIMIT_RULES, SLOW_BANK, run_incident


@pytest.fixture(scope="module")
def cfg():
    return load_config(demo_config_path())


@pytest.mark.parametrize(
    "kind, name, prefix", [("pci", "PCI coal grinding", "PCI1"), ("hot_stove", "Hot stoves 1", "HS1")]
)
def test_source_is_made_of_its_templates_roles(cfg, kind, name, prefix):
    t = template_for(kind)
    old = next(h for h in cfg.hazard_sources if h.name == name)
    assert old.kind == kind and old.inherent == t.inherent
    by_name = {x.name: x for x in cfg.tags}
    mapping = {}
    for role_name, role in t.roles.items():
        base = f"{prefix}.{role.tag}"
        tags = [n for n in old.tags if n == base or re.fullmatch(re.escape(base) + r"\.\d\d", n)]
        assert tags or role.optional, role_name
        assert len(tags) <= 1 or role.multiple, role_name
        for n in tags:  # the template's limits with their basis, its early-warning scale, an anomaly watch
            assert by_name[n].alarms == role.alarms, n
            assert by_name[n].warning == role.warning, n
            if role.anomaly:
                assert any(fnmatch.fnmatchcase(n, p) for p in cfg.warnings.anomaly_tags), n
        if tags:
            mapping[role_name] = tags
    assert set(old.interlocks) == {x for r, tags in mapping.items() if t.roles[r].interlock for x in tags}
    bare = cfg.model_copy(
        update={
            "hazard_sources": [h for h in cfg.hazard_sources if h is not old],
            "rules": [r for r in cfg.rules if r.hazard != old.name],
        }
    )
    inst = instantiate(t, old.name, mapping, prefix, bare)
    assert inst.tags == []  # every role on a tag of the plant file
    mine = [r for r in cfg.rules if r.hazard == old.name]
    assert len(inst.rules) == len(mine)
    for new_r, old_r in zip(inst.rules, mine, strict=True):
        got = {cfg.tags[i].name for i in compile_rule(new_r.when, cfg).tags}
        assert got == {cfg.tags[i].name for i in compile_rule(old_r.when, cfg).tags}, old_r.name
        assert (new_r.level, new_r.for_s, new_r.message) == (old_r.level, old_r.for_s, old_r.message)


def test_new_sources_are_on_the_map_with_their_risk_basis(cfg):
    text = demo_config_path().read_text(encoding="utf-8")
    for name in ("PCI coal grinding", "Hot stoves 1"):
        h = next(h for h in cfg.hazard_sources if h.name == name)
        assert len(h.area) >= 4 and re.search(r"[\u4e00-\u9fff]", h.description)
        block = text[text.index(f"  - name: {name}\n") :].split("  - name:", 2)[1]
        assert "D 2" in block and "#" in block  # the LEC figures with their basis beside them
    stoves = next(h for h in cfg.hazard_sources if h.name == "Hot stoves 1")
    xs, ys = zip(*stoves.area, strict=True)
    for det in ("HS1.CO.01", "HS1.CO.02"):  # beside the stoves, not on the furnace
        x, y = next(t.map for t in cfg.tags if t.name == det)
        assert min(xs) - 30 <= x <= max(xs) and min(ys) <= y <= max(ys)


def test_stoves_take_the_blast_in_turn_at_the_plants_changeovers(cfg):
    p = PlantPhysics(cfg, seed=6)
    domes = [p.index[f"HS1.DOME.TEMP.0{j}"] for j in (1, 2, 3)]
    rows, states = [], []
    for _ in range(6 * 360):
        v = p.step(10.0)
        rows.append(v[domes + [p.index["HS1.ON_GAS"]]])
        states.append([s for s, _ in p.cycles.stove_states(p.t + p.t0)])
    rows, states = np.array(rows), np.array(states)
    assert (states.sum(axis=1) == 2).all()  # two on gas, one on blast, always
    assert (rows[:, 3] == states[:, 0]).all()  # the on-gas signal is stove 1's
    for j in range(3):
        on_gas, off = rows[states[:, j], j], rows[~states[:, j], j]
        assert on_gas.mean() > off.mean() + 40.0  # it heats on gas and cools on blast
        assert rows[:, j].max() < 1350.0  # below the dome's H in normal operation
    turns = np.flatnonzero(np.diff(states[:, 0].astype(int)))
    assert len(turns) >= 3  # stove 1 changed over within six hours
    changeovers = p.cycles.stoves
    t = p.t0 + 10.0 * (turns + 1)
    assert all(np.min(np.abs(changeovers - x)) <= 10.0 for x in t)  # at the plant's changeovers


def test_coal_dust_smoulder_in_the_pci_bag_filter(cfg):
    p = PlantPhysics(cfg, seed=2)
    before = p.step(60.0).copy()
    p.inject("dust_smoulder")
    for _ in range(30 * 6):
        v = p.step(10.0)
    i = p.index
    assert v[i["PCI1.FILTER.O2"]] > 8.0 > before[i["PCI1.FILTER.O2"]]  # above the inerting limit
    assert v[i["PCI1.FILTER.CO"]] > before[i["PCI1.FILTER.CO"]] + 150.0  # CO rising
    assert v[i["PCI1.FILTER.TEMP.03"]] > before[i["PCI1.FILTER.TEMP.03"]] + 8.0  # temperature creeping
    assert v[i["PCI1.N2.FLOW"]] < before[i["PCI1.N2.FLOW"]] - 200.0  # the inerting fell off
    assert {"PCI1.FILTER.O2", "PCI1.FILTER.CO", "PCI1.N2.FLOW"} <= p.affected_tags()


def test_tuyere_leak_is_a_growing_in_out_difference(cfg):
    p = PlantPhysics(cfg, seed=2)
    i_in, i_out = p.index["BF1.TUYERE.T03.FLOW_IN"], p.index["BF1.TUYERE.T03.FLOW_OUT"]
    normal = np.array([p.step(10.0)[[i_in, i_out]] for _ in range(360)])
    assert np.abs(normal[:, 0] - normal[:, 1]).max() < 0.5  # the meters agree in normal operation
    p.inject("tuyere_leak")
    leak = np.array([p.step(10.0)[[i_in, i_out]] for _ in range(360)])
    diff = leak[:, 0] - leak[:, 1]
    assert diff[-30:].mean() > 1.5 and diff[:30].mean() < 0.5
    assert (np.diff(diff.reshape(12, 30).mean(axis=1)) > 0).all()  # growing, every five minutes
    assert "BF1.TUYERE.T03.FLOW_OUT" in p.affected_tags()
    others = [p.index[f"BF1.TUYERE.T0{n}.FLOW_OUT"] for n in (1, 2, 4)]
    assert all(abs(p.values[k] - p.values[k - 1]) < 0.5 for k in others)  # only tuyere 3 leaks


@pytest.mark.slow
def test_tuyere_leak_rule_warns_before_the_difference_limit(cfg):
    r = run_incident(cfg, "tuyere_leak", 1)
    assert r.alarm_key == f"{LIMIT_RULES['tuyere_leak']}:RULE"
    assert r.warning_key == "BF1 tuyere 3 water difference growing:RULE"
    assert r.onset < r.warning < r.alarm


@pytest.mark.parametrize(
    "incident, tag, per_day",
    [
        ("hearth_bottom_creep", "BF1.HEARTH.BOTTOM.TC02", 5.0),
        ("stove_shell_hot_spot", "HS1.SHELL.TEMP.02", 3.0),
    ],
)
def test_precursors_of_days_creep_a_few_degrees_a_day(cfg, incident, tag, per_day):
    assert incident in SLOW_INCIDENTS and sum(1 for i, _, _ in SLOW_BANK if i == incident) == 3
    assert incident not in {i for i, _, _ in BANK}
    a, b = PlantPhysics(cfg, seed=4), PlantPhysics(cfg, seed=4)
    b.inject(incident)
    k = a.index[tag]
    lift = []
    for _ in range(4 * 144):  # four days in 10-minute steps
        lift.append(b.step(600.0)[k] - a.step(600.0)[k])
    day1, day4 = lift[143], lift[-1]
    assert 0.8 * per_day < day1 < 2.0 * per_day  # a few °C in the first day ...
    assert day4 > 4 * per_day and day4 - lift[-145] > day1  # ... a little faster every day
    limit = next(t for t in cfg.tags if t.name == tag).alarms.H
    assert a.values[k] < limit - 20.0  # well below its limit when it starts


def test_gas_leak_spreads_among_the_gas_areas_detectors_only(cfg):
    p = PlantPhysics(cfg, seed=1)
    seen = set(p.gas_leak_detectors())
    assert seen == {t.name for t in cfg.tags if re.fullmatch(r"(GAS|GH1)\.CO\.\d+", t.name)}
