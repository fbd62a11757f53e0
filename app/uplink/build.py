"""Building a plant's regulator link from its `uplink:` section, and checking that section.

`check_uplink` is what check-config adds for the link: the profile loads, the catalogue (plant
file and CSV) is valid against the plant and the profile, the credentials are in the secret
store. `build_uplink` makes the running link on the history database's engine; the secret
values are read from the store here and nowhere else."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from app.config import secrets
from app.config.load import ConfigError, ConfigIssue, loc_to_field, read_text, read_yaml
from app.uplink.catalogue import catalogue_of, check_catalogue
from app.uplink.crypto import CryptoError, Sealer
from app.uplink.link import Uplink
from app.uplink.profile import Profile, load_profile
from app.uplink.transport import Envelope, HttpTransport
from storage.uplink_queue import UplinkQueue

log = logging.getLogger(__name__)


class UplinkError(ValueError):
    """The link cannot be built: the problems, one a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _base(cfg) -> Path | None:
    return cfg.source_path.parent if cfg.source_path is not None else None


def _credentials(cfg, store) -> tuple[dict[str, str], list[tuple[tuple, str]]]:
    out, problems = {}, []
    for name, ref in cfg.uplink.credentials.model_dump().items():
        if not ref:
            problems.append((("uplink", "credentials", name), "not given (secret:NAME)"))
            continue
        try:
            value = store.get(secrets.ref_name(ref))
        except secrets.SecretError as exc:
            problems.append((("uplink", "credentials", name), str(exc)))
            continue
        if value is None:
            where = ("uplink", "credentials", name)
            problems.append((where, f"unknown secret {secrets.ref_name(ref)!r} (not in {store.path})"))
        out[name] = value or ""
    return out, problems


def _sealer(profile: Profile, creds: dict[str, str]) -> Sealer:
    return Sealer(
        profile.encryption.algorithm, profile.encryption.iv, creds.get("key", ""), creds.get("salt", ""),
        profile.signature.algorithm, creds.get("app_secret", ""),
    )  # fmt: skip


def check_uplink(cfg, secret_store=None) -> list[tuple[tuple, str]]:
    """Problems of the link's configuration as (location in the plant file, message); nothing
    when it is off and has no points."""
    settings = cfg.uplink
    if not settings.enabled and not settings.points and not settings.points_csv:
        return []
    try:
        profile = load_profile(settings.profile, _base(cfg))
    except ConfigError as exc:
        return [(("uplink", "profile"), str(i)) for i in exc.issues]
    points, places, problems = catalogue_of(cfg)
    problems += check_catalogue(cfg, profile, points, places)
    if settings.enabled:
        store = secret_store if secret_store is not None else secrets.SecretStore.default()
        creds, missing = _credentials(cfg, store)
        problems += missing
        if not missing:
            try:
                _sealer(profile, creds)
            except CryptoError as exc:
                problems.append((("uplink", "credentials"), str(exc)))
        if not settings.enterprise.code:
            problems.append(
                (("uplink", "enterprise", "code"), "the enterprise code the regulator assigned is needed")
            )
    return problems


def located_problems(cfg, path: str | Path, secret_store=None) -> list[ConfigIssue]:
    """`check_uplink`'s problems with the plant file's name and line, as check-config prints them."""
    problems = check_uplink(cfg, secret_store)
    if not problems:
        return []
    _, lines = read_yaml(read_text(path), str(path))
    return [ConfigIssue(str(path), lines.line(loc), loc_to_field(loc), msg) for loc, msg in problems]


def build_uplink(
    cfg, db_engine, *, engine=None, audit=None, clock=time.time, secret_store=None, transport=None, **kw
) -> Uplink:
    """The running link of an enabled `uplink:` section; UplinkError naming what is wrong."""
    problems = check_uplink(cfg, secret_store)
    if problems:
        raise UplinkError([f"{loc_to_field(loc)}: {msg}" for loc, msg in problems])
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
    points, _, _ = catalogue_of(cfg)
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


def attach_uplink(cfg, engine, history, *, audit=None, **kw) -> Uplink | None:
    """Start the link of a plant whose `uplink:` is enabled as a listener of `engine`, queueing in
    `history`'s database on the engine's clock; None when it is off or cannot be built (logged:
    acquisition never waits on the regulator link). `kw`: `build_uplink`'s (retry times). Stop it
    with `detach_uplink`."""
    if not cfg.uplink.enabled or history is None:
        return None
    try:
        link = build_uplink(cfg, history.engine, engine=engine, audit=audit, clock=engine.clock.now, **kw)
    except (UplinkError, ConfigError, OSError, ValueError) as exc:
        log.error("the regulator link is not started: %s", exc)
        return None
    engine.add_listener(link)
    for status in engine.device_status().values():  # what happened before it listened
        link.on_device(status)
    link.start()
    log.info(
        "regulator link to %s started (%d points)",
        cfg.uplink.endpoint or link.profile.base_url,
        len(link.points),
    )
    return link


def detach_uplink(engine, link: Uplink | None) -> None:
    if link is not None:
        engine.remove_listener(link)
        link.stop()
