"""Hazard-source templates: every shipped template loads and instantiates into a plant that passes
the whole configuration check, its rules compile against the mapped tags, a bad template is
refused with its line, the kinds the national criteria name have their Chinese words, inherent
risk and key rules, the demo's gas holder could have been made from its template, and the
`template` command's round trip on a plant file."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from app.config import ConfigError, demo_config_path, load_config
from app.config.instantiate import TemplateError, instantiate
from app.config.templates import parse_template_text, rewrite, role_refs, shipped_templates, template_for
from app.risk.inherent import inherent_risk
from app.rules.engine import compile_rule
from app.warning.window import RecentWindow
from cli import templates as cli_templates
from core.samples import Quality, SampleBatch
from core.schema.base import HazardKind
from core.schema.plant import HazardSource

ROOT = Path(__file__).resolve().parent.parent
KINDS = [k for k in HazardKind.__args__ if k != "other"]


@pytest.fixture(scope="module")
def demo():
    return load_config(demo_config_path())


def full_mapping(template, device="bf_plc", count=3) -> dict:
    """Every role (optional ones too) mapped to a new tag on `device`, away from the demo's words."""
    mapping, hr, co = {}, 2000, 200
    for name, role in template.roles.items():
        out = []
        for _ in range(count if role.multiple else 1):
            if role.type == "bool":
                out.append((device, f"co:{co}"))
                co += 1
            else:
                out.append((device, f"hr:{hr}"))
                hr += 4
        mapping[name] = out
    return mapping


def limits(tag) -> dict | None:
    return None if tag.alarms is None else tag.alarms.model_dump(exclude={"basis"})


def test_every_kind_has_a_template():
    assert list(shipped_templates()) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_template_instantiates_into_a_plant_that_passes_the_check(kind, demo):
    t = template_for(kind)
    inst = instantiate(t, f"New {kind}", full_mapping(t), "NEW", demo)
    cfg, errors = inst.apply(demo)
    assert errors == [] and cfg is not None
    h = cfg.hazard_sources[-1]
    assert h.kind == kind and h.name == f"New {kind}"
    assert set(h.interlocks) <= set(h.tags)
    for r in inst.rules:  # against the mapped tags, never a role name
        compiled = compile_rule(r.when, cfg)
        assert compiled.tags, r.when
        assert r.hazard == h.name
        assert not role_refs(r.when) & set(t.roles)
    # with only the required roles mapped, it still passes (rules of unmapped roles left out)
    required = {k: v for k, v in full_mapping(t).items() if not t.roles[k].optional}
    cfg2, errors2 = instantiate(t, f"Small {kind}", required, "SMALL", demo).apply(demo)
    assert errors2 == [] and cfg2 is not None


def test_limits_carry_their_basis(demo):
    for t in shipped_templates().values():
        for name, role in t.roles.items():
            a = role.alarms
            if a is not None and (a.HH is not None or a.LL is not None) and role.unit in ("ppm", "%VOL"):
                assert a.basis, f"{t.kind}.{name}"
    co = template_for("gas_area").roles["co_detector"].alarms
    assert (co.H, co.HH, co.priority_of("HH")) == (24, 160, 1)
    o2 = template_for("oxygen_station").roles["ambient_o2"].alarms
    assert (o2.H, o2.L) == (23.5, 19.5) and "GB/T 50493-2019" in o2.basis


# the kinds the national criteria for metallurgy name beside the first ones, with their Chinese
NEW_KINDS = {
    "hot_stove": "热风炉",
    "eaf": "电弧炉",
    "waste_heat_boiler": "余热锅炉",
    "gas_water_seal": "煤气水封/排水器",
    "pci": "喷煤系统",
    "ammonia": "液氨/氨区",
}


@pytest.fixture
def chinese_app(qapp):
    from views import i18n

    assert i18n.install_language(qapp, "zh_CN")
    yield qapp
    assert i18n.install_language(qapp, "en")


def made(kind: str, demo):
    """(the plant with a new `kind` source from its template, that source)."""
    t = template_for(kind)
    cfg, errors = instantiate(t, f"New {kind}", full_mapping(t), "NEW", demo).apply(demo)
    assert errors == [], errors
    return cfg, cfg.hazard_sources[-1]


def test_schema_takes_the_new_kinds_and_still_refuses_others():
    for kind in NEW_KINDS:
        assert HazardSource(name="X", kind=kind).kind == kind
    with pytest.raises(ValidationError):
        HazardSource(name="X", kind="hot_stoves")


def test_new_kinds_are_shown_translated(chinese_app):
    from views.i18n import hazard_kind

    for kind, zh in NEW_KINDS.items():
        assert hazard_kind(kind) == zh, kind
        assert template_for(kind).title_zh
    for kind in HazardKind.__args__:  # every kind in Chinese, none left as its English words
        assert re.search(r"[\u4e00-\u9fff]", hazard_kind(kind)), kind


@pytest.mark.parametrize(
    "kind, level, major",
    [
        ("hot_stove", 2, None),
        ("eaf", 2, None),
        ("waste_heat_boiler", 2, None),
        ("gas_water_seal", 2, None),
        ("pci", 2, None),
        ("ammonia", 1, True),
    ],
)
def test_new_kinds_inherent_risk_as_their_comments_say(kind, level, major, demo):
    cfg, h = made(kind, demo)
    got = inherent_risk(h, cfg.risk)
    assert (got.level, got.major_hazard) == (level, major)
    if kind == "ammonia":  # 52 t of NH3 (Q 10 t, beta 2), 60 people within 500 m (alpha 1.5)
        assert got.s == pytest.approx(5.2) and got.r == pytest.approx(15.6) and got.registration_grade == 3


def evaluate(cfg, rule_when: str, values: dict, seconds: float = 300.0):
    """A compiled rule's answer after `seconds` of samples every 5 s: `values` maps a tag name to
    a number or a function of the elapsed time; every other tag reads 0."""
    rule = compile_rule(rule_when, cfg)
    names = [t.name for t in cfg.tags]
    w = RecentWindow(len(names), 900.0, 5.0)
    q = np.full(len(names), int(Quality.GOOD), dtype=np.uint8)
    t0 = t = 1_700_000_000.0
    v = np.zeros(len(names))
    while t - t0 < seconds:
        t += 5.0
        v = np.zeros(len(names))
        for name, x in values.items():
            v[names.index(name)] = x(t - t0) if callable(x) else x
        w.add(SampleBatch.build(np.arange(len(names)), t, v, q))
    return rule.evaluate(w, v, q, t)[0]


def test_water_seal_margin_rule_is_pressure_plus_500_mm(demo):
    """MEM Order No. 10 (2023): seal height >= P + 500 mm (1 kPa is about 102 mm of water)."""
    cfg, h = made("gas_water_seal", demo)
    when = next(r.when for r in cfg.rules if r.hazard == h.name and "102" in r.when)
    assert evaluate(cfg, when, {"NEW.SEAL.HEIGHT": 1600, "NEW.GAS.PRESSURE": 12}) is True  # 376 mm left
    assert evaluate(cfg, when, {"NEW.SEAL.HEIGHT": 1600, "NEW.GAS.PRESSURE": 10}) is False  # 580 mm
    ll = template_for("gas_water_seal").roles["seal_height"].alarms
    assert ll.LL == 1520 and ll.priority_of("LL") == 1 and "MEM Order No. 10" in ll.basis


def test_eaf_leak_rule_fires_on_a_growing_flow_difference_and_a_hot_circuit(demo):
    cfg, h = made("eaf", demo)
    when = next(r.when for r in cfg.rules if r.hazard == h.name and "flow_diff".upper() in r.when.upper())
    leak = {
        "NEW.POWER_ON": 1,
        "NEW.CW.FLOW_DIFF": lambda s: 2 + s / 60,
        "NEW.CW.TEMP_OUT.02": lambda s: 40 + s / 60,
    }
    assert evaluate(cfg, when, leak) is True
    assert evaluate(cfg, when, {**leak, "NEW.POWER_ON": 0}) is False
    assert evaluate(cfg, when, {**leak, "NEW.CW.FLOW_DIFF": 2}) is False
    diff = template_for("eaf").roles["flow_diff"].alarms
    assert diff.priority_of("HH") == 1 and "MEM Order No. 10 (2023)" in diff.basis


def test_demo_gas_holder_could_have_been_made_from_its_template(demo):
    """Same limits, warnings, risk and rules modulo names: map each role to the demo's own
    address on a plant without the gas holder and compare."""
    t = template_for("gas_holder")
    old = next(h for h in demo.hazard_sources if h.kind == "gas_holder")
    by_name = {tag.name: tag for tag in demo.tags}
    mapping = {}
    for role_name in t.roles:
        tags = t.role_tags(role_name, "GH1", 4)
        mapping[role_name] = [(by_name[n].device, by_name[n].address) for n in tags]
    members = set(old.tags)
    bare = demo.model_copy(
        update={
            "tags": [x for x in demo.tags if x.name not in members],
            "hazard_sources": [h for h in demo.hazard_sources if h is not old],
            "rules": [r for r in demo.rules if r.hazard != old.name],
        }
    )
    inst = instantiate(t, old.name, mapping, "GH1", bare)
    assert {x.name for x in inst.tags} == members
    for made in inst.tags:
        was = by_name[made.name]
        assert limits(made) == limits(was), made.name
        assert made.warning == was.warning, made.name
    assert inst.hazard.major_hazard == old.major_hazard and inst.hazard.inherent == old.inherent
    # how the PLC holds each value (type, scale, word order) is set in the tag table after mapping
    inst.tags = [
        x.model_copy(update={k: getattr(by_name[x.name], k) for k in ("type", "scale", "word_order")})
        for x in inst.tags
    ]
    cfg, errors = inst.apply(bare)
    assert errors == []
    old_rules = [r for r in demo.rules if r.hazard == old.name]
    assert len(inst.rules) == len(old_rules)
    for new_r, old_r in zip(inst.rules, old_rules, strict=True):
        new_tags = {cfg.tags[i].name for i in compile_rule(new_r.when, cfg).tags}
        assert new_tags == {demo.tags[i].name for i in compile_rule(old_r.when, demo).tags}
        assert (new_r.level, new_r.for_s, new_r.message) == (old_r.level, old_r.for_s, old_r.message)


def test_existing_tags_are_used_as_they_are(demo):
    t = template_for("gas_holder")
    mapping = full_mapping(t)
    mapping["co_detector"] = ["GAS.CO.05", ("bf_plc", "hr:2900")]
    inst = instantiate(t, "Gas holder 2", mapping, "GH2", demo)
    assert "GAS.CO.05" in inst.hazard.tags and "GH2.CO.02" in inst.hazard.tags
    assert "GAS.CO.05" not in {x.name for x in inst.tags}
    assert 'offline("GAS.CO.05|GH2.CO.02")' in inst.rules[0].when


def test_a_bad_mapping_lists_every_problem(demo):
    t = template_for("gas_holder")
    mapping = full_mapping(t)
    mapping["level"] = ("nodevice", "hr:1")
    mapping["pressure"] = "NO.SUCH.TAG"
    mapping["bogus"] = ("bf_plc", "hr:3000")
    del mapping["o2"]
    with pytest.raises(TemplateError) as e:
        instantiate(t, "Gas holder 1", mapping, "GH1", demo)
    text = str(e.value)
    for part in ("exists already", "nodevice", "NO.SUCH.TAG", "bogus", "o2: O2 in gas is required"):
        assert part in text, part


def test_a_bad_template_is_refused_with_its_line():
    text = "kind: gas_holder\ntitle: T\nroles:\n  level: {label: l, tag: LEVEL, alarms: {H: 5, HH: 3}}\n"
    with pytest.raises(ConfigError) as e:
        parse_template_text(text, "t.yaml")
    assert str(e.value.issues[0]).startswith("t.yaml:4: roles.level.alarms")
    text = "kind: gas_holder\ntitle: T\nroles:\n  level: {label: l, tag: LEVEL}\nrules:\n  - {name: r, when: 'rising(levle, 60)'}\n"
    with pytest.raises(ConfigError, match="unknown role 'levle'"):
        parse_template_text(text, "t.yaml")


def test_rewrite_roles():
    names = {"co": ["A.CO.01", "A.CO.02"], "flow": ["A.FLOW"], "on": ["A.ON"]}
    assert rewrite('on and rising(flow, 60) and offline("co") >= 1', names) == (
        'A.ON and rising(A.FLOW, 60) and offline("A.CO.01|A.CO.02") >= 1'
    )
    with pytest.raises(ValueError, match="stands for 2 tags"):
        rewrite("rising(co, 60)", names)


# ---------------------------------------------------------------- the command line


def plant_copy(tmp_path) -> Path:
    shutil.copy(demo_config_path().parent / "plant_map.svg", tmp_path / "plant_map.svg")
    p = tmp_path / "plant.yaml"
    shutil.copy(demo_config_path(), p)
    return p


GH2 = [
    "level=bf_plc:hr:2000",
    "piston_tilt=bf_plc:hr:2002",
    "o2=bf_plc:hr:2004",
    "pressure=bf_plc:hr:2006",
    "shutoff_ready=bf_plc:co:40",
    "co_detector=bf_plc:hr:2010",
    "co_detector=bf_plc:hr:2012",
]


def test_cli_apply_round_trip(tmp_path):
    p = plant_copy(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    rc = cli_templates.apply_template(
        "gas_holder", str(p), "Gas holder 2", GH2, "GH2", str(tmp_path / "new.yaml"), out=out, err=err
    )
    assert rc == 0, err.getvalue()
    text = (tmp_path / "new.yaml").read_text(encoding="utf-8")
    assert "# Demo Steel Works" in text  # the plant file's comments carried over
    cfg = load_config(tmp_path / "new.yaml")
    h = cfg.hazard_sources[-1]
    assert h.name == "Gas holder 2" and "GH2.CO.02" in h.tags
    assert any(r.hazard == "Gas holder 2" for r in cfg.rules)


def test_cli_refuses_bad_input_with_exit_2(tmp_path):
    p = plant_copy(tmp_path)
    new = tmp_path / "new.yaml"
    err = io.StringIO()
    bad_map = [*GH2, "level2=bf_plc:hr:1"]
    assert cli_templates.apply_template("gas_holder", str(p), "GH 2", bad_map, "GH2", str(new), err=err) == 2
    assert "level2: no such role" in err.getvalue() and not new.exists()
    err = io.StringIO()  # the address clashes with another tag's words: the whole check refuses it
    clash = [m if not m.startswith("level=") else "level=bf_plc:hr:100" for m in GH2]
    assert cli_templates.apply_template("gas_holder", str(p), "GH 2", clash, "GH2", str(new), err=err) == 2
    assert "overlaps" in err.getvalue() or "hr:100" in err.getvalue()
    assert not new.exists()
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: 1\ntags:\n  - {name: X, device: nope, address: 'hr:1'}\n", encoding="utf-8")
    err = io.StringIO()
    assert cli_templates.apply_template("gas_holder", str(broken), "G", GH2, "G", str(new), err=err) == 2
    assert f"{broken}:3: " in err.getvalue()
    err = io.StringIO()
    assert cli_templates.show_template("no_kind", err=err) == 2 and "no template" in err.getvalue()
    own = tmp_path / "own.yaml"  # a template of the plant's own, refused with its line
    own.write_text(
        "kind: gas_holder\ntitle: Own\nroles:\n  level: {label: l, tag: LEVEL, unit: 5}\n", encoding="utf-8"
    )
    err = io.StringIO()
    assert cli_templates.apply_template(str(own), str(p), "G", GH2, "G", str(new), err=err) == 2
    assert f"{own}:4: roles.level.unit" in err.getvalue()


def test_main_template_commands(tmp_path):
    p = plant_copy(tmp_path)

    def run(*args, command="template"):
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), command, *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )

    r = run("list")
    assert r.returncode == 0 and "deep_well_casting" in r.stdout
    r = run("show", "converter")
    assert r.returncode == 0 and "flow_diff" in r.stdout
    args = ["apply", "gas_holder", "--config", str(p), "--name", "Gas holder 2", "--prefix", "GH2"]
    r = run(*args, *[f"--map={m}" for m in GH2], "--out", str(tmp_path / "new.yaml"))
    assert r.returncode == 0, r.stderr
    r = run(str(tmp_path / "new.yaml"), command="check-config")
    assert r.returncode == 0, r.stderr
    r = run(*args, "--map=level=bf_plc:hr:2000", "--out", str(tmp_path / "bad.yaml"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "is required" in r.stderr
    r = run("apply", "gas_holder")
    assert r.returncode == 2 and "missing --config" in r.stderr
