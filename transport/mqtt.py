"""A thin MQTT session over aiomqtt (which wraps paho-mqtt): a broker URL, credentials and TLS,
a will, and a reconnect loop with capped exponential backoff.

`mqtt://host:1883` is plain TCP, `mqtts://host:8883` TLS (a CA file to trust the broker; a
client certificate and key when the broker asks for one). The will is set per connection, so a
Sparkplug node can give each connection its own NDEATH (its bdSeq).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiomqtt

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
KEEPALIVE_S = 5  # a silent broker is found out within 1.5 keepalives
MqttError = aiomqtt.MqttError


class BrokerUrlError(ValueError):
    """A broker URL that cannot be used; the message says why."""


@dataclass(frozen=True)
class BrokerUrl:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @property
    def tls(self) -> bool:
        return self.scheme == "mqtts"

    def __str__(self) -> str:  # never the password
        return f"{self.scheme}://{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> BrokerUrl:
        try:
            u = urlsplit(text.strip())
            port = u.port
        except ValueError as exc:
            raise BrokerUrlError(f"bad broker URL {text!r}: {exc}") from None
        if u.scheme not in DEFAULT_PORTS:
            raise BrokerUrlError(f"bad broker URL {text!r}: use mqtt://host:port or mqtts://host:port")
        if not u.hostname:
            raise BrokerUrlError(f"bad broker URL {text!r}: no host")
        if u.path not in ("", "/"):
            raise BrokerUrlError(f"bad broker URL {text!r}: no path is expected")
        return cls(
            u.scheme,
            u.hostname,
            port or DEFAULT_PORTS[u.scheme],
            unquote(u.username) if u.username else None,
            unquote(u.password) if u.password else None,
        )


@dataclass(frozen=True)
class Credentials:
    """Who a client is to the broker: user name and password, and for TLS the CA that signed the
    broker's certificate and, when the broker asks for one, a client certificate and key."""

    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None

    def tls_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=self.ca_file)
        if self.cert_file:
            ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx


@dataclass(frozen=True)
class Will:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = False


def client(
    url: BrokerUrl,
    identifier: str,
    credentials: Credentials | None = None,
    will: Will | None = None,
    *,
    keepalive: int = KEEPALIVE_S,
    max_queued_outgoing: int | None = None,
) -> aiomqtt.Client:
    """An aiomqtt client for one connection (use it as `async with client(...) as c`)."""
    creds = credentials or Credentials()
    return aiomqtt.Client(
        url.host,
        url.port,
        identifier=identifier,
        username=creds.username or url.username,
        password=creds.password or url.password,
        will=None if will is None else aiomqtt.Will(will.topic, will.payload, will.qos, will.retain),
        tls_context=creds.tls_context() if url.tls else None,
        keepalive=keepalive,
        clean_session=True,
        max_queued_outgoing_messages=max_queued_outgoing,
        timeout=5,
    )


async def probe(url: BrokerUrl, identifier: str, credentials: Credentials | None = None) -> None:
    """Connect once and leave: raises MqttError (or OSError) when the broker cannot be reached
    or refuses us, so a command can say so before it starts."""
    async with client(url, identifier, credentials):
        pass


class Backoff:
    """Capped exponential backoff: 0.2 s, 0.4 s, ... up to `cap`; `reset()` after a success."""

    def __init__(self, first: float = 0.2, cap: float = 5.0):
        self.first, self.cap = first, cap
        self.delay = first

    def next(self) -> float:
        d = self.delay
        self.delay = min(self.delay * 2, self.cap)
        return d

    def reset(self) -> None:
        self.delay = self.first


async def keep_connected(
    connect: Callable[[], aiomqtt.Client],
    run: Callable[[aiomqtt.Client], Awaitable[None]],
    *,
    on_lost: Callable[[Exception], None] | None = None,
    backoff: Backoff | None = None,
) -> None:
    """Forever: connect (`connect()` makes a fresh client, its will included), `run(client)`
    until the connection drops, say so (`on_lost`), wait out the backoff, again. Cancel the task
    to stop."""
    backoff = backoff or Backoff()
    while True:
        try:
            async with connect() as c:
                backoff.reset()
                await run(c)
        except (MqttError, OSError) as exc:
            log.info("broker connection lost or refused: %s", exc)
            if on_lost is not None:
                on_lost(exc)
        await asyncio.sleep(backoff.next())
