"""A regulator platform's profile: where and how a province's platform takes our data, as a file
(`resources/uplink/<name>.yaml`), so a province's variant is a file, not code.

The profile names the endpoints, the field names of every kind of message, the point-status and
indicator codes, the periods and rates, the encryption and the signature, and the answer codes
(accepted, duplicate, refused, busy). `load_profile` reports every problem with its file, line and
field (a `ConfigError`, as the plant file does)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from app.config.load import read_text, validate_yaml
from core.schema.base import Strict, supported_schema

PROFILE_SCHEMA = 1
KINDS = ("realtime", "alarm", "response", "declaration", "base", "points")
# our name of every field of every record the link builds; a profile maps each to the platform's
FIELDS: dict[str, tuple[str, ...]] = {
    "realtime": ("enterprise_code", "collect_time", "points"),
    "point_value": ("code", "value", "status"),
    "alarm": (
        "enterprise_code", "alarm_id", "point_code", "kind", "level", "event", "value", "limit", "time",
        "message",
    ),
    "response": ("enterprise_code", "alarm_id", "point_code", "cause", "measure", "person", "time"),
    "declaration": ("enterprise_code", "hazard", "state", "since", "until", "reason", "person"),
    "base": (
        "code", "name", "credit_code", "address", "district", "industry", "legal_person", "safety_contact",
        "phone", "longitude", "latitude",
    ),
    "point": (
        "code", "tag", "indicator", "unit", "range_low", "range_high", "alarm1", "alarm2", "equipment",
        "hazard", "calibrated",
    ),
}  # fmt: skip
UPLINK_RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "uplink"
ENVELOPE = ("app_id", "timestamp", "nonce", "message_id", "kind", "data", "sign")
STATUSES = ("normal", "alarm", "fault", "offline")
# the keys a profile must map, and what the error calls them when some are missing
_REQUIRED = {
    "paths": (KINDS, "path(s)"),
    "envelope": (ENVELOPE, "envelope field(s)"),
    "status": (STATUSES, "status code(s)"),
}


class Encryption(Strict):
    algorithm: Literal["SM4-CBC", "none"] = "SM4-CBC"
    iv: Literal["salt", "random"] = "salt"  # random: a fresh IV written before the ciphertext


class Signature(Strict):
    algorithm: Literal["HMAC-SHA256", "HMAC-SM3", "none"] = "HMAC-SHA256"
    over: list[Literal[ENVELOPE]] = ["app_id", "timestamp", "nonce", "message_id", "data"]  # type: ignore[valid-type]


class Answer(Strict):
    """How to read the platform's JSON answer."""

    code: str = "code"
    message: str = "msg"
    point: str = ""  # the field naming the refused point, if the platform gives one
    ok: list[int] = [0]
    duplicate: list[int] = []  # already received: delivered (the message id is idempotent)
    refused: list[int] = []  # bad field, bad signature: never retried, a SYSTEM alarm
    busy: list[int] = []  # try again later, like an outage


class Profile(Strict):
    """A platform variant (see the module docstring)."""

    schema_: int = Field(PROFILE_SCHEMA, alias="schema")
    name: str = Field(min_length=1)
    title: str = ""
    base_url: str = Field(pattern=r"^https?://")
    paths: dict[Literal[KINDS], str]  # type: ignore[valid-type]
    realtime_s: float = Field(60.0, ge=1, le=3600)
    online_latency_s: float = Field(120.0, gt=0)
    catchup_per_s: float = Field(20.0, gt=0, le=10_000)
    timeout_s: float = Field(10.0, gt=0, le=300)
    encryption: Encryption = Encryption()
    signature: Signature = Signature()
    envelope: dict[Literal[ENVELOPE], str]  # type: ignore[valid-type]
    answer: Answer = Answer()
    status: dict[Literal[STATUSES], str]  # type: ignore[valid-type]
    alarm_kinds: list[str] = []
    indicators: list[str] = Field(min_length=1)
    code_pattern: str = r"^[A-Za-z0-9_.\-]{1,64}$"
    fields: dict[str, dict[str, str]]

    @field_validator("schema_")
    @classmethod
    def _schema(cls, v):
        return supported_schema(v, PROFILE_SCHEMA, "profile schema")

    @field_validator("code_pattern")
    @classmethod
    def _pattern(cls, v):
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return v

    @field_validator("paths", "envelope", "status")
    @classmethod
    def _complete(cls, v, info: ValidationInfo):
        keys, what = _REQUIRED[info.field_name]
        missing = [k for k in keys if k not in v]
        if missing:
            raise ValueError(f"missing {what}: {', '.join(missing)}")
        return v

    @model_validator(mode="after")
    def _fields(self):
        for record, names in self.fields.items():
            if record not in FIELDS:
                raise ValueError(f"fields.{record}: unknown record (records: {', '.join(FIELDS)})")
            unknown = [n for n in names if n not in FIELDS[record]]
            if unknown:
                raise ValueError(
                    f"fields.{record}: unknown field(s) {', '.join(unknown)} "
                    f"(fields: {', '.join(FIELDS[record])})"
                )
        return self

    def rename(self, record: str, data: dict) -> dict:
        """A record with the platform's field names (a name the profile does not map is kept)."""
        names = self.fields.get(record, {})
        return {names.get(k, k): v for k, v in data.items()}


def profile_path(name: str, base: Path | None = None) -> Path:
    """A profile by name (`steel`: the shipped `resources/uplink/steel.yaml`) or by path, relative
    to `base` (the plant file's folder)."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        p = Path(name)
        return p if p.is_absolute() or base is None else base / p
    return UPLINK_RESOURCES / f"{name}.yaml"


def parse_profile_text(text: str, path: str = "<profile>") -> Profile:
    return validate_yaml(Profile, text, path, "profile")


def load_profile(name: str, base: Path | None = None) -> Profile:
    """Load and check a profile; ConfigError naming its file, line and field."""
    p = profile_path(name, base)
    return parse_profile_text(read_text(p), str(p))
