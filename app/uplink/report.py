"""What the regulator received over a period, read from the history database alone (no running
link needed): the link's health figures and the responses to the reported alarms that ended in
it. The shift report and the "Regulator link" view both show it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from app.config.load import ConfigError
from app.uplink.catalogue import catalogue_of, resolve
from app.uplink.health import LinkHealth, link_health
from app.uplink.profile import load_profile
from storage.uplink_queue import Response, UplinkQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UplinkSummary:
    health: LinkHealth
    responses: list[Response]  # of the reported alarms that ended in the period, by due time
    overdue: list[Response]  # not given and past due at the period's end (any period)

    @property
    def responses_given(self) -> int:
        return sum(r.responded is not None for r in self.responses)


def month_start(t: float) -> float:
    d = datetime.fromtimestamp(t)
    return datetime(d.year, d.month, 1).timestamp()


def uplink_summary(db_engine, cfg, t0: float, t1: float, now: float | None = None) -> UplinkSummary | None:
    """The figures of [t0, t1) for a plant with a point catalogue; None without one (or when its
    profile cannot be read: check-config says why)."""
    settings = cfg.uplink
    if not settings.enabled and not settings.points and not settings.points_csv:
        return None
    now = time.time() if now is None else now
    try:
        base = cfg.source_path.parent if cfg.source_path is not None else None
        profile = load_profile(settings.profile, base)
    except ConfigError as exc:
        log.warning("no regulator link figures: %s", exc)
        return None
    points, _, _ = catalogue_of(cfg)
    store = UplinkQueue(db_engine)
    health = link_health(
        store, resolve(cfg, points), profile.realtime_s, profile.online_latency_s, t0, t1, now
    )
    end = min(t1, now)
    overdue = [r for r in store.responses(open_only=True) if r.due <= end]
    return UplinkSummary(health, store.responses(t0, t1), overdue)
