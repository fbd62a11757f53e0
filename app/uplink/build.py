"""Building a plant's regulator link from its `uplink:` section, and checking that section.

`check_uplink` is what check-config adds for the link: the profile loads, the catalogue (plant
file and CSV) is valid against the plant and the profile, the credentials are in the secret
store. `build_uplink` makes the running link on the history database's engine; the secret
values are read from the store here and nowhere else."""

from __future__ import annotations

import time
from pathlib import Path

from app.config import secrets
from app.config.load import ConfigError
from app.uplink.catalogue import catalogue_of, check_catalogue
from app.uplink.crypto import CryptoError, Sealer
from app.uplink.link import Uplink
from app.uplink.profile import Profile, load_profile
from app.uplink.transport import Envelope, HttpTransport
from storage.uplink_queue import UplinkQueue


class UplinkError(ValueError):
    """The link cannot be built: the problems, one a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _base(cfg) -> Path | None:
    return cfg.source_path.parent if cfg.source_path is not None else None


def _credentials(cfg, store) -> tuple[dict[str, str], list[str]]:
    out, problems = {}, []
    for name, ref in cfg.uplink.credentials.model_dump().items():
        if not ref:
            problems.append(f"uplink.credentials.{name}: not given (secret:NAME)")
            continue
        try:
            value = store.get(secrets.ref_name(ref))
        except secrets.SecretError as exc:
            problems.append(f"uplink.credentials.{name}: {exc}")
            continue
        if value is None:
            problems.append(
                f"uplink.credentials.{name}: unknown secret {secrets.ref_name(ref)!r} (not in {store.path})"
            )
        out[name] = value or ""
    return out, problems


def _sealer(profile: Profile, creds: dict[str, str]) -> Sealer:
    return Sealer(
        profile.encryption.algorithm, profile.encryption.iv, creds.get("key", ""), creds.get("salt", ""),
        profile.signature.algorithm, creds.get("app_secret", ""),
    )  # fmt: skip


def check_uplink(cfg, secret_store=None) -> list[str]:
    """Problems of an enabled link's configuration (nothing when it is off and has no points)."""
    settings = cfg.uplink
    if not settings.enabled and not settings.points and not settings.points_csv:
        return []
    try:
        profile = load_profile(settings.profile, _base(cfg))
    except ConfigError as exc:
        return [f"uplink.profile: {i}" for i in exc.issues]
    points, problems = catalogue_of(cfg)
    problems += check_catalogue(cfg, profile, points)
    if settings.enabled:
        store = secret_store if secret_store is not None else secrets.SecretStore.default()
        creds, missing = _credentials(cfg, store)
        problems += missing
        if not missing:
            try:
                _sealer(profile, creds)
            except CryptoError as exc:
                problems.append(f"uplink.credentials: {exc}")
        if not settings.enterprise.code:
            problems.append("uplink.enterprise.code: the enterprise code the regulator assigned is needed")
    return problems


def build_uplink(
    cfg, db_engine, *, engine=None, audit=None, clock=time.time, secret_store=None, transport=None, **kw
) -> Uplink:
    """The running link of an enabled `uplink:` section; UplinkError naming what is wrong."""
    problems = check_uplink(cfg, secret_store)
    if problems:
        raise UplinkError(problems)
    settings = cfg.uplink
    profile = load_profile(settings.profile, _base(cfg))
    store = secret_store if secret_store is not None else secrets.SecretStore.default()
    creds, _ = _credentials(cfg, store)
    envelope = Envelope(profile, _sealer(profile, creds), creds.get("app_id", ""), settings.enterprise.code)
    if transport is None:
        ca = settings.ca_file
        if ca and not Path(ca).is_absolute() and _base(cfg) is not None:
            ca = str(_base(cfg) / ca)
        transport = HttpTransport(
            settings.endpoint or profile.base_url, ca_file=ca, timeout=profile.timeout_s
        )
    points, _ = catalogue_of(cfg)
    return Uplink(
        cfg,
        profile,
        points,
        UplinkQueue(db_engine),
        transport,
        envelope,
        clock=clock,
        engine=engine,
        audit=audit,
        **kw,
    )
