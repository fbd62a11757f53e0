"""The delivery log of off-console notifications (`notify_log`): one row per delivery decision
or attempt -- sent, failed (given up), retried, held by quiet hours, digested (sent inside a
digest), limited (over a recipient's rate) -- with its time, rule, recipient, channel and the key
of the alarm it was about. So "was the safety manager told about the hearth at 03:12, and
how" is answered from the journal. Plain functions on an SQLAlchemy Engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage.schema import notify_log


class Delivery(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # given up after its retries
    RETRIED = "retried"  # an attempt failed, another is due
    QUIET = "quiet"  # held by quiet hours (sent in the digest when they end)
    DIGESTED = "digested"  # held by a flood or the rate limit, sent in a digest
    LIMITED = "limited"  # over the recipient's rate limit, waiting for a digest


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    ts: float  # UNIX s
    status: Delivery
    rule: str = ""
    recipient: str = ""
    channel: str = ""
    alarm_key: str = ""
    attempt: int = 0
    detail: str = ""


def write_deliveries(engine: Engine, rows: Iterable[DeliveryRow]) -> int:
    """Append the rows in one transaction; returns how many."""
    data = [
        {
            "ts": round(r.ts * 1000),
            "status": str(r.status),
            "rule": r.rule[:200],
            "recipient": r.recipient[:200],
            "channel": r.channel[:200],
            "alarm_key": r.alarm_key[:250],
            "attempt": r.attempt,
            "detail": r.detail,
        }
        for r in rows
    ]
    if data:
        with engine.begin() as conn:
            conn.execute(notify_log.insert(), data)
    return len(data)


def read_deliveries(engine: Engine, t0: float | None = None, limit: int = 10_000) -> list[DeliveryRow]:
    """The log from `t0` (UNIX s; None: the start), oldest first."""
    q = select(notify_log).order_by(notify_log.c.id).limit(limit)
    if t0 is not None:
        q = q.where(notify_log.c.ts >= round(t0 * 1000))
    with engine.connect() as conn:
        return [
            DeliveryRow(
                r.ts / 1000,
                Delivery(r.status),
                r.rule,
                r.recipient,
                r.channel,
                r.alarm_key,
                r.attempt,
                r.detail,
            )
            for r in conn.execute(q)
        ]
