"""The dual-prevention settings of a plant file (`risk: dual_prevention:`): the permit exposure
and crowd, the inspection frequencies and the index weights and floors come from the file, and a
bad value is reported with its file, line and field."""

from __future__ import annotations

import pytest

from app.config import ConfigError, parse_config_text
from app.dual_prevention.plant_index import plant_index
from core.risk_types import Inherent, RiskState
from core.schema.dual_prevention import DualPreventionSettings
from tests.helpers import plant_yaml

SETTINGS = """
risk:
  dual_prevention:
    permit_exposure: 6
    crowd: 4
    inspection_hours: {1: 4, 2: 12, 3: 72, 4: 240}
    index_weight: {1: 1.0, 2: 0.6, 3: 0.3, 4: 0.1}
    index_floor: {1: 80}
"""


def test_the_settings_come_from_the_plant_file():
    cfg = parse_config_text(plant_yaml(extra=SETTINGS), "p.yaml")
    dp = cfg.risk.dual_prevention
    assert (dp.permit_exposure, dp.crowd) == (6.0, 4)
    assert dp.inspection_period_s(2) == 12 * 3600.0
    default = parse_config_text(plant_yaml()).risk.dual_prevention
    assert default == DualPreventionSettings() and default.inspection_period_s(1) == 8 * 3600.0


def test_the_index_follows_the_weights_and_floors():
    dp = parse_config_text(plant_yaml(extra=SETTINGS)).risk.dual_prevention
    inh = Inherent(4, "engineer")
    blue = [RiskState(f"S{k}", "gas_area", inh, 4, None, 0.0) for k in range(9)]
    assert plant_index(blue).value == 0.0
    assert plant_index(blue, dp).value == 10.0  # IV weighs 0.1 here
    red = [RiskState("R", "gas_area", inh, 1, None, 0.0), *blue]
    index = plant_index(red, dp)
    assert (index.value, index.floor, index.floor_level) == (80.0, 80.0, 1)
    assert "at least 80 while a source is I red" in str(index.explain())
    assert plant_index(red).value == 75.0  # the defaults


@pytest.mark.parametrize(
    "text, field",
    [
        ("    inspection_hours: {1: 8, 2: 24, 3: 168}\n", "risk.dual_prevention.inspection_hours"),
        ("    permit_exposure: 0\n", "risk.dual_prevention.permit_exposure"),
        ("    index_weight: {1: 1.5, 2: 0.5, 3: 0.2, 4: 0}\n", "risk.dual_prevention.index_weight[1]"),
        ("    crowd_size: 10\n", "risk.dual_prevention.crowd_size"),
    ],
)
def test_a_bad_setting_names_file_line_and_field(text, field):
    yaml = plant_yaml(extra="risk:\n  dual_prevention:\n" + text)
    with pytest.raises(ConfigError) as ei:
        parse_config_text(yaml, "p.yaml")
    issue = next(i for i in ei.value.issues if i.field.startswith(field))
    line = yaml.splitlines().index(text.rstrip("\n")) + 1
    assert str(issue).startswith(f"p.yaml:{line}:"), str(issue)
