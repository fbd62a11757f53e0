"""Inherent risk: a major hazard (GB 18218-2018, S >= 1) or a declared condition is red by direct
determination whatever its GB 18218 grade; below S = 1 the LEC or LS evaluation gives the level;
the substance catalogue; LEC scale values; errors located by file, line and field; the demo."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from app.config import (
    LEC_SCALES,
    ConfigError,
    HazardSource,
    LecRisk,
    RiskModel,
    Substance,
    demo_config_path,
    load_config,
    parse_config_text,
)
from app.risk.engine import RiskEngine
from app.risk.inherent import exposure_alpha, grade, inherent_risk
from core.samples import Quality
from core.substances import CATALOGUE, lookup
from tests import helpers

MODEL = RiskModel()
HOLDER = {"people_exposed": 120, "substances": [{"substance": "blast_furnace_gas", "q_t": 67}]}


def source(**kw) -> HazardSource:
    return HazardSource(name="H", **kw)


# ---------------------------------------------------------------- direct determination


def test_major_hazard_is_red_by_direct_determination_whatever_its_grade():
    r = inherent_risk(source(major_hazard=HOLDER), MODEL)
    assert (r.level, r.method, r.floor_applied) == (1, "direct", True)
    assert r.s == pytest.approx(3.35) and r.major_hazard is True
    assert r.r == pytest.approx(13.4) and r.registration_grade == 3  # DOMAIN.md's example: grade 3
    assert r.explanation == (
        "major hazard (S = 3.35 ≥ 1): I red by direct determination (DB37/T 2882-2016); "
        "GB 18218 grade 3 (R = 13.4 = α 2.0 × Σ β·q/Q 6.7), the registration grade"
    )


def test_the_floor_lifts_a_milder_evaluation_and_says_so():
    lec = {"method": "LEC", "L": 1, "E": 3, "C": 7}  # D 21: IV
    r = inherent_risk(source(inherent=lec, major_hazard=HOLDER), MODEL)
    assert (r.level, r.method, r.evaluated, r.floor_applied) == (1, "direct", 4, True)
    assert r.explanation.startswith(
        "major hazard (S = 3.35 ≥ 1): I red by direct determination (DB37/T 2882-2016), "
        "without it LEC D = 21 (L 1 × E 3 × C 7) → IV low; GB 18218 grade 3"
    )


def test_the_floor_is_configurable_and_a_more_severe_evaluation_stands():
    lec = {"method": "LEC", "L": 10, "E": 6, "C": 15}  # D 900: I
    model = RiskModel(major_hazard_level=2, direct_basis="DB XX/T 0000")
    r = inherent_risk(source(inherent=lec, major_hazard=HOLDER), model)
    assert (r.level, r.method, r.floor_applied) == (1, "LEC", False)
    assert "at least II orange by direct determination" in r.explanation
    alone = inherent_risk(source(major_hazard=HOLDER), model)
    assert (alone.level, alone.method) == (2, "direct")
    assert "II orange by direct determination (DB XX/T 0000)" in alone.explanation
    with pytest.raises(ValidationError):
        RiskModel(major_hazard_level=0)


def test_below_s_1_the_evaluation_gives_the_level():
    small = {"people_exposed": 120, "substances": [{"substance": "converter_gas", "q_t": 5}]}
    lec = {"method": "LEC", "L": 3, "E": 6, "C": 15}
    r = inherent_risk(source(inherent=lec, major_hazard=small), MODEL)
    assert (r.level, r.method, r.major_hazard, r.registration_grade) == (2, "LEC", False, None)
    assert (
        r.explanation
        == "LEC D = 270 (L 3 × E 6 × C 15) → II large; GB 18218: S = 0.25 < 1, not a major hazard"
    )
    ls = inherent_risk(source(inherent={"method": "LS", "L": 2, "S": 3}, major_hazard=small), MODEL)
    assert (ls.level, ls.method) == (4, "LS")
    fixed = inherent_risk(source(inherent_level=3, major_hazard=small), MODEL)
    assert (fixed.level, fixed.method) == (3, "engineer")
    assert fixed.explanation.startswith("set by the engineer; GB 18218: S = 0.25 < 1")


def test_a_declared_condition_is_red_too():
    reason = "10 or more people work in a toxic gas area"
    r = inherent_risk(source(inherent_level=3, direct={"reason": reason}), MODEL)
    assert (r.level, r.method, r.reason) == (1, "direct", reason)
    assert r.explanation == (
        f"{reason}: I red by direct determination (DB37/T 2882-2016), without it set by the engineer"
    )
    both = inherent_risk(source(major_hazard=HOLDER, direct={"reason": reason}), MODEL)
    assert both.explanation.startswith(f"major hazard (S = 3.35 ≥ 1); {reason}: I red")
    with pytest.raises(ValidationError):
        source(direct={"reason": ""})


def test_older_gb18218_block_is_read_as_the_identification():
    old = {"method": "GB18218", "people_exposed": 40, "substances": [{"name": "LOX", "q_t": 228, "Q_t": 200}]}
    h = source(inherent=old)
    assert h.inherent is None and h.major_hazard.substances[0].critical_t == 200
    r = inherent_risk(h, MODEL)
    assert (r.level, r.registration_grade) == (1, 4)  # R 1.37: grade 4, still red
    with pytest.raises(ValidationError, match="given twice"):
        source(inherent=old, major_hazard=HOLDER)


def test_the_engine_and_the_trace_carry_the_direct_determination():
    cfg = parse_config_text(
        helpers.plant_yaml(
            """
            - {name: GH.LEVEL, device: plc1, address: "hr:0", type: int16}
            """,
            devices="""
            - {name: plc1, protocol: modbus-tcp, port: 15020}
            """,
            extra="""
            hazard_sources:
              - name: Holder
                kind: gas_holder
                tags: [GH.LEVEL]
                major_hazard: {people_exposed: 120, substances: [{substance: blast_furnace_gas, q_t: 67}]}
            """,
        )
    )
    state = RiskEngine(cfg).update(1.0, [], np.full(1, int(Quality.GOOD), dtype=np.uint8), np.zeros(1))[0]
    assert state.level == 1 and state.inherent.method == "direct"
    assert state.explain().startswith(
        "Holder is I red (inherent I red: major hazard (S = 3.35 ≥ 1): I red by direct determination"
    )
    assert "GB 18218 grade 3" in state.explain()


@pytest.mark.parametrize(
    "people, alpha", [(0, 0.5), (1, 1.0), (29, 1.0), (30, 1.2), (49, 1.2), (50, 1.5), (99, 1.5), (100, 2.0)]
)
def test_gb18218_alpha(people, alpha):
    assert exposure_alpha(people) == alpha


@pytest.mark.parametrize("r_value, reg", [(10, 3), (49.9, 3), (50, 2), (99.9, 2), (100, 1)])
def test_gb18218_registration_grades(r_value, reg):
    # alpha 1.0 (10 people), beta 1, Q 1: R = q (S >= 1 throughout)
    m = {"people_exposed": 10, "substances": [{"name": "x", "q_t": r_value, "Q_t": 1}]}
    r = inherent_risk(source(major_hazard=m), MODEL)
    assert r.r == pytest.approx(r_value) and r.registration_grade == reg and r.level == 1
    assert grade(r_value, MODEL.gb18218_cutoffs) == reg


def test_gb18218_sums_substances():
    m = {
        "people_exposed": 0,
        "substances": [{"substance": "liquid_oxygen", "q_t": 50}, {"substance": "hydrogen", "q_t": 1}],
    }
    r = inherent_risk(source(inherent_level=4, major_hazard=m), MODEL)
    assert r.s == pytest.approx(0.25 + 0.2)
    assert r.r == pytest.approx(0.5 * (0.25 + 1.5 * 0.2))
    assert r.major_hazard is False and r.level == 4


# ---------------------------------------------------------------- the catalogue


@pytest.mark.parametrize(
    "key, q, beta",
    [
        ("blast_furnace_gas", 20, 2),
        ("converter_gas", 20, 2),
        ("coke_oven_gas", 20, 2),
        ("carbon_monoxide", 20, 2),
        ("hydrogen", 5, 1.5),
        ("oxygen", 200, 1),
        ("liquid_oxygen", 200, 1),
        ("methane", 50, 1.5),
        ("natural_gas", 50, 1.5),
        ("ammonia", 10, 2),
        ("hydrogen_sulphide", 5, 5),
        ("benzene", 50, 1),
        ("chlorine", 5, 4),
    ],
)
def test_catalogue_values(key, q, beta):  # DOMAIN.md "Inherent risk" and GB 18218-2018
    s = lookup(key)
    assert (s.Q_t, s.beta) == (q, beta)


def test_catalogue_name_fills_q_and_beta_and_hand_values_override():
    s = Substance(substance="converter_gas", q_t=30)
    assert (s.critical_t, s.factor, s.label) == (20, 2, "converter gas")
    own = Substance(substance="converter_gas", name="LDG holder", q_t=30, Q_t=25, beta=3)
    assert (own.critical_t, own.factor, own.label) == (25, 3, "LDG holder")
    by_hand = Substance(name="x", q_t=1, Q_t=2)
    assert (by_hand.critical_t, by_hand.factor) == (2, 1.0)
    with pytest.raises(KeyError, match="unknown substance 'tar'"):
        lookup("tar")
    assert all(k == v.key for k, v in CATALOGUE.items())


# ---------------------------------------------------------------- errors, file:line:field


def _errors(hazards: str) -> list[str]:
    text = helpers.plant_yaml(
        """
        - {name: A, device: plc1, address: "hr:0", type: int16}
        """,
        devices="""
        - {name: plc1, protocol: modbus-tcp, port: 15020}
        """,
        extra="hazard_sources:\n" + hazards,
    )
    with pytest.raises(ConfigError) as exc:
        parse_config_text(text, "plant.yaml")
    lines = text.splitlines()
    out = []
    for issue in exc.value.issues:
        assert issue.path == "plant.yaml" and issue.line is not None
        out.append(f"{lines[issue.line - 1].strip()} | {issue.field}: {issue.message}")
    return out


def test_unknown_substance_names_file_line_and_field():
    (err,) = _errors(
        """
      - name: G
        major_hazard:
          people_exposed: 3
          substances:
            - {substance: unobtainium, q_t: 30}
        """
    )
    assert err.startswith(
        "- {substance: unobtainium, q_t: 30} | hazard_sources[0].major_hazard.substances[0].substance: "
        "unknown substance 'unobtainium' (the catalogue has: blast_furnace_gas, converter_gas"
    )


def test_substance_without_catalogue_name_needs_q():
    (err,) = _errors(
        """
      - name: G
        major_hazard:
          people_exposed: 3
          substances:
            - {name: tar, q_t: 30}
        """
    )
    assert err == (
        "- {name: tar, q_t: 30} | hazard_sources[0].major_hazard.substances[0]: "
        "give a catalogue `substance` or its critical quantity `Q_t`"
    )


@pytest.mark.parametrize("field, value", [("L", 2), ("E", 4), ("C", 10)])
def test_lec_takes_only_the_scale_values(field, value):
    lec = {"L": 3, "E": 6, "C": 15, field: value}
    (err,) = _errors(
        f"""
      - name: H
        inherent:
          method: LEC
          L: {lec["L"]}
          E: {lec["E"]}
          C: {lec["C"]}
        """
    )
    allowed = ", ".join(f"{v:g}" for v in LEC_SCALES[field])
    assert err == (
        f"{field}: {value} | hazard_sources[0].inherent.{field}: "
        f"{value} is not a value of the LEC {field} scale (one of {allowed})"
    )


def test_lec_scale_values_all_accepted():
    for L in LEC_SCALES["L"]:  # noqa: N806
        for E in LEC_SCALES["E"]:  # noqa: N806
            for C in LEC_SCALES["C"]:  # noqa: N806
                LecRisk(method="LEC", L=L, E=E, C=C)
    assert LEC_SCALES == {
        "L": (0.1, 0.2, 0.5, 1, 3, 6, 10),
        "E": (0.5, 1, 2, 3, 6, 10),
        "C": (1, 3, 7, 15, 40, 100),
    }


# ---------------------------------------------------------------- the demo plant


def test_demo_levels_are_signed():
    cfg = load_config(demo_config_path())
    got = {
        h.name: (inherent_risk(h, cfg.risk).level, inherent_risk(h, cfg.risk).method)
        for h in cfg.hazard_sources
    }
    assert got == {
        "Blast furnace 1": (2, "LEC"),
        "Converter BOF1": (2, "LEC"),
        "Converter BOF2": (2, "LEC"),
        "Converter gas recovery": (2, "LEC"),
        "Gas holder 1": (1, "direct"),
        "Gas pipeline network": (3, "LEC"),
        "Oxygen station": (1, "direct"),
        "PCI coal grinding": (2, "LEC"),
        "Hot stoves 1": (2, "LEC"),
        "Continuous caster 1": (3, "LS"),
        "Molten-metal cranes": (2, "LEC"),
    }
    by_name = {h.name: inherent_risk(h, cfg.risk) for h in cfg.hazard_sources}
    assert by_name["Gas holder 1"].registration_grade == 3  # GB 18218 grade 3, still red
    assert by_name["Oxygen station"].registration_grade == 4
    assert "S = 0.5 < 1, not a major hazard" in by_name["Blast furnace 1"].explanation
    # a registered major hazard is never below a crane
    assert by_name["Oxygen station"].level < by_name["Molten-metal cranes"].level
