"""The plant file's foundations: its schema version, the `Strict` base every record derives from,
and the names (data types, word orders, roles, hazard kinds) several records share."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 1

DataTypeName = Literal["int16", "uint16", "int32", "uint32", "float32", "float64", "bool"]
WordOrder = Literal["big", "little"]
RoleName = Literal[
    "operator", "supervisor", "safety_manager", "engineer", "administrator"
]  # app.accounts.users.Role, by name
HazardKind = Literal[  # in the order of the process; the settings list them so
    "blast_furnace",
    "hot_stove",
    "pci",
    "converter",
    "eaf",  # electric arc furnace; ladle furnace (LF) and RH degasser water-cooled elements too
    "gas_recovery",
    "waste_heat_boiler",
    "gas_holder",
    "gas_area",
    "gas_water_seal",
    "oxygen_station",
    "ammonia",
    "dust_collector",
    "caster",
    "crane",
    "deep_well_casting",
    "other",
]


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must not silently drop a limit), and no number is NaN
    or infinite (`H: .nan` would never compare true, `on_delay_s: .inf` never time out: either
    one silently disables an alarm)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def supported_schema(v: int, version: int, what: str = "schema") -> int:
    """`v` when it is the `version` this program reads; else the error saying which it reads."""
    if v != version:
        raise ValueError(f"{what} {v} is not supported (this version reads {what} {version})")
    return v


# the words of the rule and expression language: no tag or rule may be called so
RESERVED_WORDS = frozenset({"and", "or", "not", "true", "false", "True", "False"})
