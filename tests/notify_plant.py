"""A small plant with notifications for the tests of app/notify: two hearth thermocouples (HH of
priority I, H of priority III) in the area Ironmaking, a CO detector in Gas, one hazard source,
an SMTP channel, the four kinds of webhook, and recipients and rules the tests pick from."""

from __future__ import annotations

import email
import socket
from contextlib import contextmanager
from email import policy

import numpy as np

from app.config import parse_config_text
from app.notify.dispatcher import Dispatcher
from app.notify.webhooks import DeliveryError
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml

T0 = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC, 16:00 at UTC+8

TAGS = """\
- {name: TC1, device: d, address: "hr:0", type: float32, area: Ironmaking, alarms: {HH: 560, H: 500, priority: {HH: 1}}}
- {name: TC2, device: d, address: "hr:2", type: float32, area: Ironmaking, alarms: {HH: 560, H: 500, priority: {HH: 1}}}
- {name: CO1, device: d, address: "hr:4", type: float32, area: Gas, alarms: {H: 24}}
"""

HAZARDS = """
hazard_sources:
  - {name: BF1, kind: blast_furnace, tags: [TC1, TC2]}
"""


def notifications(
    body: str, *, enabled: bool = True, port: int = 2525, http: str = "http://127.0.0.1:1"
) -> str:
    """A `notifications:` section: the channels (SMTP on `port`, webhooks under `http`) and
    `body` (recipients, rules, policies), indented by the caller as top-level keys of it."""
    return f"""
notifications:
  enabled: {str(enabled).lower()}
  utc_offset_h: 8
  channels:
    - {{name: mail, kind: smtp, host: 127.0.0.1, port: {port}, security: none, sender: forewarn@plant.test}}
    - {{name: wecom, kind: wecom, url: "secret:wecom.url"}}
    - {{name: ding, kind: dingtalk, url: "secret:ding.url", sign_secret: "secret:ding.sign"}}
    - {{name: feishu, kind: feishu, url: "secret:feishu.url", sign_secret: "secret:feishu.sign"}}
    - {{name: hook, kind: json, url: "secret:hook.url"}}
{body}"""


def plant_text(body: str, **kw) -> str:
    return plant_yaml(TAGS, name="Test Steel", extra=HAZARDS + notifications(body, **kw))


def config(body: str, **kw):
    return parse_config_text(plant_text(body, **kw))


def batch(ts: float, **values: float) -> SampleBatch:
    """One sample per named tag (TC1=0, TC2=1, CO1=2) at `ts`."""
    index = {"TC1": 0, "TC2": 1, "CO1": 2}
    tags = np.array([index[k] for k in values], dtype=np.int32)
    return SampleBatch.build(tags, ts, np.array(list(values.values()), dtype=float), Quality.GOOD)


class Recording(Dispatcher):
    """A dispatcher whose transport records instead of sending (channels in `down` fail)."""

    def __init__(self, settings, *, down=(), **kw):
        super().__init__(settings, "Test Steel", lambda ref: "x", **kw)
        self.out: list[tuple[str, str, str, str, int]] = []
        self.down = set(down)
        self.failures: list[tuple[str, str | None]] = []
        self.on_channel = lambda ch, err: self.failures.append((ch, err))

    def send(self, channel_name, address, subject, text, now, notices=()):
        if channel_name in self.down:
            raise DeliveryError(f"{channel_name} is down")
        self.out.append((channel_name, address, subject, text, len(notices)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.got.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"

    def __init__(self):
        self.got = []


@contextmanager
def smtp_inbox():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 while in the block: (port, inbox)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        yield ctl.port, inbox
    finally:
        ctl.stop()
