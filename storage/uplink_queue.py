"""The regulator link's store-and-forward queue and the alarm responses, in the history database.

Every message is written here, committed, before it is sent (`enqueue`); a message leaves the
pending state only in the transaction that records the platform's answer (`mark`). A crash
between the two sends it again under the same message id, which the platform answers as a
duplicate: nothing is lost and nothing is counted twice. Rows are read in id order, the order
they were queued.

`alarm_responses` holds one row per reported alarm that needs a response (处置反馈): when it
ended or was acknowledged, when the response is due, and the response once recorded. No Qt.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.schema import metadata

uplink_queue = Table(
    "uplink_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the order of sending
    Column("msg_id", String(64), nullable=False, unique=True),  # idempotent: resent under the same id
    Column("kind", String(20), nullable=False),
    Column("data_ts", BigInteger, nullable=False),  # UNIX ms: the time the data is of
    Column("created", BigInteger, nullable=False),  # UNIX ms: queued
    Column("body", Text, nullable=False),  # JSON of the record, our field names, not yet sealed
    Column("points", Text, nullable=False, default=""),  # point codes it carries a valid value of, " "-joined
    Column("state", SmallInteger, nullable=False, default=0),  # QueueState
    Column("attempts", Integer, nullable=False, default=0),
    Column("sent", BigInteger, nullable=True),  # UNIX ms: the platform's answer came
    Column("answer", Text, nullable=False, default=""),
    Index("ix_uplink_queue_state_id", "state", "id"),
    Index("ix_uplink_queue_kind_ts", "kind", "data_ts"),
)

alarm_responses = Table(
    "alarm_responses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alarm_key", String(250), nullable=False),
    Column("since", BigInteger, nullable=False),  # UNIX ms: the alarm began
    Column("source", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("point_code", String(64), nullable=False, default=""),
    Column("message", Text, nullable=False, default=""),
    Column("ended", BigInteger, nullable=False),  # UNIX ms: cleared or acknowledged
    Column("due", BigInteger, nullable=False),  # UNIX ms
    Column("responded", BigInteger, nullable=True),  # UNIX ms; NULL: no response yet
    Column("cause", Text, nullable=False, default=""),
    Column("measure", Text, nullable=False, default=""),
    Column("user_name", String(100), nullable=False, default=""),
    UniqueConstraint("alarm_key", "since", name="uq_alarm_responses_alarm"),
    Index("ix_alarm_responses_due", "responded", "due"),
)


class QueueState(IntEnum):
    PENDING = 0
    DELIVERED = 1
    REFUSED = 2
    DUPLICATE = 3  # the platform had it already: delivered


DONE = (QueueState.DELIVERED, QueueState.DUPLICATE)


@dataclass(frozen=True)
class Queued:
    id: int
    msg_id: str
    kind: str
    data_ts: float  # UNIX s
    created: float
    body: dict
    points: tuple[str, ...]
    attempts: int


@dataclass(frozen=True)
class Response:
    """A reported alarm's response (处置反馈), due or given."""

    id: int
    alarm_key: str
    since: float  # UNIX s
    source: str
    kind: str
    point_code: str
    message: str
    ended: float
    due: float
    responded: float | None
    cause: str
    measure: str
    user: str


def _ms(t: float) -> int:
    return int(round(t * 1000))


class UplinkQueue:
    """The queue's reads and writes on one database engine (schema up to date)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # ------------------------------------------------------------ the queue
    def enqueue(
        self, msg_id: str, kind: str, data_ts: float, body: dict, points=(), now: float | None = None
    ) -> int:
        """Store one message, committed before this returns; its queue id."""
        now = time.time() if now is None else now
        row = {
            "msg_id": msg_id,
            "kind": kind,
            "data_ts": _ms(data_ts),
            "created": _ms(now),
            "body": json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
            "points": " ".join(points),
            "state": int(QueueState.PENDING),
            "attempts": 0,
            "answer": "",
        }
        with self.engine.begin() as conn:
            return int(conn.execute(uplink_queue.insert().values(**row)).inserted_primary_key[0])

    def pending(self, after: int = 0, upto: int | None = None, limit: int = 100) -> list[Queued]:
        """Pending messages with after < id (<= upto), oldest first."""
        q = select(uplink_queue).where(
            uplink_queue.c.state == int(QueueState.PENDING), uplink_queue.c.id > after
        )
        if upto is not None:
            q = q.where(uplink_queue.c.id <= upto)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(uplink_queue.c.id).limit(limit)).all()
        return [
            Queued(
                r.id,
                r.msg_id,
                r.kind,
                r.data_ts / 1000,
                r.created / 1000,
                json.loads(r.body),
                tuple(r.points.split()),
                r.attempts,
            )  # fmt: skip
            for r in rows
        ]

    def last_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(uplink_queue.c.id))).scalar() or 0)

    def attempted(self, queue_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(uplink_queue)
                .where(uplink_queue.c.id == queue_id)
                .values(attempts=uplink_queue.c.attempts + 1)
            )

    def mark(self, queue_id: int, state: QueueState, sent: float, answer: str = "") -> None:
        """Record the platform's answer: the message leaves the pending state."""
        with self.engine.begin() as conn:
            conn.execute(
                update(uplink_queue)
                .where(uplink_queue.c.id == queue_id)
                .values(state=int(state), sent=_ms(sent), answer=answer[:2000])
            )

    def backlog(self) -> tuple[int, float | None]:
        """(pending messages, the oldest one's data time or None)."""
        with self.engine.connect() as conn:
            n, oldest = conn.execute(
                select(func.count(), func.min(uplink_queue.c.data_ts)).where(
                    uplink_queue.c.state == int(QueueState.PENDING)
                )
            ).one()
        return int(n), None if oldest is None else oldest / 1000

    def last_delivery(self) -> float | None:
        with self.engine.connect() as conn:
            got = conn.execute(
                select(func.max(uplink_queue.c.sent)).where(uplink_queue.c.state.in_([int(s) for s in DONE]))
            ).scalar()
        return None if got is None else got / 1000

    def last_body(self, kind: str) -> dict | None:
        """The newest queued record of a kind (base data: queued again only when it changes)."""
        with self.engine.connect() as conn:
            got = conn.execute(
                select(uplink_queue.c.body)
                .where(uplink_queue.c.kind == kind)
                .order_by(uplink_queue.c.id.desc())
                .limit(1)
            ).scalar()
        return None if got is None else json.loads(got)

    def refused(self, t0: float, t1: float) -> list[tuple[float, str, str, str]]:
        """(answered at, kind, points, answer) of the messages refused in [t0, t1)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(uplink_queue.c.sent, uplink_queue.c.kind, uplink_queue.c.points, uplink_queue.c.answer)
                .where(
                    uplink_queue.c.state == int(QueueState.REFUSED),
                    uplink_queue.c.sent >= _ms(t0),
                    uplink_queue.c.sent < _ms(t1),
                )
                .order_by(uplink_queue.c.id)
            ).all()
        return [(r.sent / 1000, r.kind, r.points, r.answer) for r in rows]

    def realtime_rows(self, t0: float, t1: float) -> list[tuple[float, float | None, int, tuple[str, ...]]]:
        """(data time, answered at, state, point codes) of the real-time snapshots of [t0, t1)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    uplink_queue.c.data_ts, uplink_queue.c.sent, uplink_queue.c.state, uplink_queue.c.points
                )
                .where(
                    uplink_queue.c.kind == "realtime",
                    uplink_queue.c.data_ts >= _ms(t0),
                    uplink_queue.c.data_ts < _ms(t1),
                )
                .order_by(uplink_queue.c.id)
            ).all()
        return [
            (r.data_ts / 1000, None if r.sent is None else r.sent / 1000, r.state, tuple(r.points.split()))
            for r in rows
        ]

    # ------------------------------------------------------------ alarm responses
    def response_due(
        self,
        alarm_key: str,
        since: float,
        source: str,
        kind: str,
        point_code: str,
        message: str,
        ended: float,
        due: float,
    ) -> bool:
        """Record that a reported alarm needs a response; False when it is recorded already."""
        row = {
            "alarm_key": alarm_key, "since": _ms(since), "source": source, "kind": kind, "point_code": point_code,
            "message": message, "ended": _ms(ended), "due": _ms(due), "cause": "", "measure": "", "user_name": "",
        }  # fmt: skip
        try:
            with self.engine.begin() as conn:
                conn.execute(alarm_responses.insert().values(**row))
        except IntegrityError:
            return False
        return True

    def respond(
        self, alarm_key: str, since: float, cause: str, measure: str, user: str, now: float
    ) -> Response | None:
        """Record the response to a reported alarm (a correction replaces it); None: no such alarm."""
        key = (alarm_responses.c.alarm_key == alarm_key) & (alarm_responses.c.since == _ms(since))
        with self.engine.begin() as conn:
            done = conn.execute(
                update(alarm_responses)
                .where(key)
                .values(responded=_ms(now), cause=cause, measure=measure, user_name=user)
            ).rowcount
            row = conn.execute(select(alarm_responses).where(key)).first() if done else None
        return None if row is None else _response(row)

    def responses(
        self, t0: float | None = None, t1: float | None = None, open_only: bool = False
    ) -> list[Response]:
        """Responses whose alarm ended in [t0, t1), oldest first; `open_only`: not yet given."""
        q = select(alarm_responses)
        if t0 is not None:
            q = q.where(alarm_responses.c.ended >= _ms(t0))
        if t1 is not None:
            q = q.where(alarm_responses.c.ended < _ms(t1))
        if open_only:
            q = q.where(alarm_responses.c.responded.is_(None))
        with self.engine.connect() as conn:
            return [
                _response(r) for r in conn.execute(q.order_by(alarm_responses.c.due, alarm_responses.c.id))
            ]

    def response_for(self, alarm_key: str, since: float) -> Response | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(alarm_responses).where(
                    alarm_responses.c.alarm_key == alarm_key, alarm_responses.c.since == _ms(since)
                )
            ).first()
        return None if row is None else _response(row)


def _response(r) -> Response:
    return Response(
        r.id, r.alarm_key, r.since / 1000, r.source, r.kind, r.point_code, r.message, r.ended / 1000, r.due / 1000,
        None if r.responded is None else r.responded / 1000, r.cause, r.measure, r.user_name,
    )  # fmt: skip
