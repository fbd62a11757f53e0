"""The notifier of a running engine: a listener that turns alarm transitions into notices
(app/notify/rules.py), a ticker on the engine's alarm clock for escalations, and the dispatcher's
thread that delivers them (app/notify/dispatcher.py) and writes the delivery log into the
history's database. A channel that fails for good raises a SYSTEM alarm (`notify:<channel>`),
cleared when it delivers again.

    notifier = attach(engine)        # matches nothing while `enabled: false`; follows new configs
    ...
    notifier.detach()                # before engine.stop()

The listener only matches and queues (the acquisition thread never waits on a server).
"""

from __future__ import annotations

import logging
from functools import partial

from app.config import secrets as secret_refs
from app.notify.dispatcher import Dispatcher
from app.notify.messages import channel_text
from app.notify.rules import RuleBook
from core.alarm_types import Alarm, Condition, Kind
from core.schema.plant import PlantConfig
from storage.notifications import write_deliveries

log = logging.getLogger(__name__)
CHANNEL_ALARM_PRIORITY = 2


def store_lookup(store=None):
    """A `secret:NAME` reference -> its value in `store` (default: the data directory's)."""

    def lookup(ref: str) -> str | None:
        s = store if store is not None else secret_refs.SecretStore.default()
        return s.get(secret_refs.ref_name(ref))

    return lookup


class Notifier:
    """Rules, escalation timers and dispatcher attached to one engine."""

    def __init__(self, engine, secret_store=None, *, start: bool = True):
        self.engine = engine
        cfg: PlantConfig = engine.config
        self._cfg = cfg
        self.rules = RuleBook(cfg)
        history = getattr(engine, "history", None)
        sink = None if history is None else partial(write_deliveries, history.engine)
        self.dispatcher = Dispatcher(
            cfg.notifications,
            cfg.plant.name,
            store_lookup(secret_store),
            log_sink=sink,
            on_channel=self.report_channel,
            clock=engine.clock.now,
        )
        engine.add_listener(self)
        engine.add_ticker(self.tick)
        if start:
            self.dispatcher.start()

    # ------------------------------------------------------------ EngineListener
    def on_samples(self, batch) -> None:
        pass

    def on_device(self, status) -> None:
        pass

    def on_risk(self, states) -> None:
        pass

    def on_alarm(self, alarm) -> None:
        self.dispatcher.submit(self.rules.on_alarm(alarm))

    def dual_prevention(self, events: list[Alarm]) -> None:
        """Hidden-danger events (app/dual_prevention/deadlines.py) by the rules that take them."""
        for e in events:
            self.dispatcher.submit(self.rules.on_event(e))

    def settle_dual_prevention(self, open_codes: set[str]) -> None:
        """The hidden dangers still open: the pending steps of the others are dropped."""
        self.rules.settle(open_codes)

    def tick(self, now: float) -> None:
        """The engine's alarm clock: escalations due by `now` (a configuration applied since the
        last tick is taken first)."""
        cfg = self.engine.config
        if cfg is not self._cfg:
            self.configure(cfg)
        self.dispatcher.submit(self.rules.tick(now))

    # ------------------------------------------------------------
    def configure(self, cfg: PlantConfig) -> None:
        """A new configuration in force (the engine's `submit_config`)."""
        self._cfg = cfg
        self.rules.configure(cfg)
        self.dispatcher.configure(cfg.notifications, cfg.plant.name)

    def report_channel(self, channel: str, error: str | None) -> None:
        """A channel's SYSTEM alarm: raised with the error that made a delivery fail for good,
        cleared (error None) by the channel's next success."""
        text = channel_text(channel, error)
        condition = Condition(
            f"notify:{channel}",
            "notify",
            Kind.SYSTEM,
            error is not None,
            CHANNEL_ALARM_PRIORITY,
            self.engine.clock.now(),
            text,
        )
        self.engine.update_alarms(
            lambda alarms: [a for a in [alarms.set_condition(condition)] if a is not None]
        )

    def detach(self) -> None:
        self.engine.remove_listener(self)
        self.engine.remove_ticker(self.tick)
        self.dispatcher.stop()


def attach(engine, secret_store=None) -> Notifier:
    """A notifier on `engine`; while the plant's notifications are off (`enabled: false`) it
    matches nothing, and it follows a configuration applied later."""
    n = engine.config.notifications
    if n.enabled:
        log.info("notifications on: %d rules, %d recipients", len(n.rules), len(n.recipients))
    return Notifier(engine, secret_store)
