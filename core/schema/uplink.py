"""The plant file's `uplink:` section: the link to the regulator's early-warning platform (应接尽接).

    uplink:
      enabled: false                 # off until the province issues the credentials
      profile: steel                 # resources/uplink/steel.yaml, or a path to a profile file
      endpoint: https://...          # the platform's address (default: the profile's)
      credentials:                   # names in the secret store, never the values
        app_id: secret:regulator.app_id
        app_secret: secret:regulator.app_secret
        key: secret:regulator.sm4_key
        salt: secret:regulator.sm4_salt
      enterprise: {code: "91530000...", name: ..., ...}
      points_csv: uplink_points.csv  # or `points:` written here (both: the CSV's rows follow)

`points` is the point catalogue: which tags are reported, under which regulator code and
indicator type, with the limits, unit, range, equipment, hazard source and calibration date
the platform keeps for each (left out: the tag's own). The profile checks them
(app.uplink.catalogue)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from core.schema.base import Strict

SECRET_PREFIX = "secret:"  # app.config.secrets.REF_PREFIX: the core cannot import the app


class Credentials(Strict):
    """What the regulator issues (public descriptions: appId, appSecret, key, salt), each as a
    reference to the secret store (`secret:NAME`): a value written here is refused."""

    app_id: str = ""
    app_secret: str = ""
    key: str = ""  # SM4 key, 32 hex digits
    salt: str = ""  # SM4-CBC initial vector, 32 hex digits (profile `encryption.iv: salt`)

    @field_validator("app_id", "app_secret", "key", "salt")
    @classmethod
    def _ref(cls, v: str) -> str:
        if v and not v.startswith(SECRET_PREFIX):
            raise ValueError("write a secret-store reference (secret:NAME), never the value itself")
        return v


class Enterprise(Strict):
    """The enterprise base data the platform keeps (uploaded when it changes)."""

    code: str = ""  # the enterprise code the regulator assigned
    name: str = ""
    credit_code: str = ""  # unified social credit code (统一社会信用代码)
    address: str = ""
    district: str = ""  # administrative division code
    industry: str = "steel"
    legal_person: str = ""
    safety_contact: str = ""
    phone: str = ""
    longitude: float | None = Field(None, ge=-180, le=180)
    latitude: float | None = Field(None, ge=-90, le=90)


class UplinkPoint(Strict):
    """One reported point: a tag under the regulator's code and indicator type."""

    tag: str = Field(min_length=1)
    code: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    unit: str | None = None  # None: the tag's
    range_low: float | None = None  # None: the tag's range
    range_high: float | None = None
    alarm1: float | None = None  # first-level alarm limit (None: the tag's H, else L)
    alarm2: float | None = None  # second-level alarm limit (None: the tag's HH, else LL)
    equipment: str = ""
    hazard: str = ""  # the hazard source (None: the first one listing the tag)
    calibrated: date | None = None  # last calibration


class UplinkSettings(Strict):
    """The regulator link of a plant (see the module docstring)."""

    enabled: bool = False
    profile: str = "steel"
    endpoint: str | None = None
    ca_file: str | None = None  # PEM bundle the platform's certificate must chain to (None: the system's)
    credentials: Credentials = Credentials()
    enterprise: Enterprise = Enterprise()
    points: list[UplinkPoint] = []
    points_csv: str | None = None
    response_due_min: float = Field(
        60.0, gt=0, le=7 * 24 * 60
    )  # a response (处置反馈) is due this long after
    reminder_min: float = Field(15.0, ge=0, le=24 * 60)  # remind this long before it is due
    link_down_alarm_min: float = Field(30.0, gt=0, le=7 * 24 * 60)
    catchup_per_s: float | None = Field(None, gt=0)  # None: the profile's
