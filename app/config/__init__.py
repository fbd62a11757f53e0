"""Plant configuration: the public face of the plant file, and writing it back as YAML.

The YAML file is a user interface for engineers. A broken file is refused with every error
located (`plant.yaml:42: tags[7].address: ...`); nothing is partially applied.

The parts live in their own modules and are re-exported here, so `from app.config import X`
is the one import the rest of the program needs:
- `core.schema.base`: schema version, the `Strict` base and shared names;
- `core.schema.devices`: devices, Modbus address parsing, OPC UA node ids;
- `core.schema.tags`: tags with their alarms, history and early-warning settings;
- `core.schema.plant`: hazard sources, rules, risk model, warning defaults, retention,
  session policy and `PlantConfig`;
- `app.config.load`: YAML with line numbers, secret references, `ConfigError`, loading;
- `app.config.checks`: checks across records and the type a tag is read as.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from app.config import secrets
from app.config.checks import cross_check
from app.config.load import (
    ConfigError,
    ConfigIssue,
    check_yaml_limits,
    load_config,
    parse_config_text,
    resolve_secrets,
)
from core.schema.base import SCHEMA_VERSION, DataTypeName, HazardKind, RoleName, Strict, WordOrder
from core.schema.devices import (
    REGISTER_WORDS,
    Device,
    ModbusAddress,
    ModbusDevice,
    OpcUaDevice,
    SecurityMode,
    SecurityPolicy,
    check_opcua_node_id,
    parse_modbus_address,
)
from core.schema.plant import (
    LEC_SCALES,
    DirectDetermination,
    HazardSource,
    InherentRisk,
    LecRisk,
    LsRisk,
    MajorHazard,
    PlantConfig,
    PlantInfo,
    Retention,
    RiskModel,
    Rule,
    SensorChecks,
    SessionPolicy,
    Substance,
    WarningDefaults,
    tag_type,
)
from core.schema.tags import (
    DEFAULT_PRIORITY,
    AlarmKind,
    AlarmLimits,
    AnomalySettings,
    DeviationLimit,
    ForecastSettings,
    RateLimit,
    Tag,
    TagHistory,
    TagWarning,
)

__all__ = [
    "DEFAULT_PRIORITY",
    "LEC_SCALES",
    "REGISTER_WORDS",
    "SCHEMA_VERSION",
    "AlarmKind",
    "AlarmLimits",
    "AnomalySettings",
    "ConfigError",
    "ConfigIssue",
    "DataTypeName",
    "Device",
    "DeviationLimit",
    "DirectDetermination",
    "ForecastSettings",
    "HazardKind",
    "HazardSource",
    "InherentRisk",
    "LecRisk",
    "LsRisk",
    "MajorHazard",
    "ModbusAddress",
    "ModbusDevice",
    "OpcUaDevice",
    "PlantConfig",
    "PlantInfo",
    "RateLimit",
    "Retention",
    "RiskModel",
    "RoleName",
    "Rule",
    "SecurityMode",
    "SecurityPolicy",
    "SensorChecks",
    "SessionPolicy",
    "Strict",
    "Substance",
    "Tag",
    "TagHistory",
    "TagWarning",
    "WarningDefaults",
    "WordOrder",
    "check_opcua_node_id",
    "check_yaml_limits",
    "config_yaml_data",
    "cross_check",
    "demo_config_path",
    "dump_config",
    "load_config",
    "parse_config_text",
    "parse_modbus_address",
    "resolve_secrets",
    "tag_type",
]


def config_yaml_data(cfg: PlantConfig, refs: dict[str, str] | None = None, full: bool = False) -> dict:
    """The configuration as YAML data (only what differs from the defaults unless `full`), each
    password written as its secret reference: `refs` maps a device name to the secret's name
    (default `<device>.password`). Never a password's value."""
    data = cfg.model_dump(mode="json", by_alias=True, exclude_defaults=not full, exclude={"source_path"})
    data = {"schema": SCHEMA_VERSION, **data}
    for dev, d in zip(cfg.devices, data.get("devices") or [], strict=False):
        if getattr(dev, "password", None) is not None:
            name = (refs or {}).get(dev.name) or secrets.secret_name_for(dev.name, plant=cfg.plant.name)
            d["password"] = secrets.make_ref(name)
    return data


def dump_config(cfg: PlantConfig, refs: dict[str, str] | None = None) -> str:
    data = config_yaml_data(cfg, refs)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def demo_config_path() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "demo_plant.yaml"
