"""The link's queue and responses on SQLite and PostgreSQL: order, states, figures, responses."""

from __future__ import annotations

from storage.schema import create_schema, make_engine
from storage.uplink_queue import QueueState, UplinkQueue

T0 = 1_800_000_000.0


def test_queue_and_responses_on_both_databases(db_url):
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        q = UplinkQueue(engine)
        ids = [
            q.enqueue(f"m{i}", "realtime", T0 + 60 * i, {"i": i, "名": "高炉"}, ["P1", "P2"], T0 + 60 * i)
            for i in range(5)
        ]
        assert ids == sorted(ids) and q.last_id() == ids[-1]
        assert [m.body["i"] for m in q.pending()] == [0, 1, 2, 3, 4]
        assert [m.msg_id for m in q.pending(after=ids[1], limit=2)] == ["m2", "m3"]
        assert [m.msg_id for m in q.pending(upto=ids[1])] == ["m0", "m1"]
        q.mark(ids[0], QueueState.DELIVERED, T0 + 1)
        q.mark(ids[1], QueueState.DUPLICATE, T0 + 500, "1001: duplicate")
        q.mark(ids[2], QueueState.REFUSED, T0 + 130, "4001: bad field")
        assert q.backlog() == (2, T0 + 180)
        assert q.last_delivery() == T0 + 500
        assert q.refused(T0, T0 + 3600) == [(T0 + 130, "realtime", "P1 P2", "4001: bad field")]
        rows = q.realtime_rows(T0, T0 + 3600)
        assert [(r[2], r[3]) for r in rows][:2] == [(1, ("P1", "P2")), (3, ("P1", "P2"))]
        assert q.response_due("A:H", T0, "A", "H", "P1", "A high", T0 + 10, T0 + 3610)
        assert not q.response_due("A:H", T0, "A", "H", "P1", "A high", T0 + 20, T0 + 3620)  # once
        got = q.respond("A:H", T0, "cause", "measure", "op", T0 + 100)
        assert (got.cause, got.user, got.responded, got.due) == ("cause", "op", T0 + 100, T0 + 3610)
        assert q.responses(open_only=True) == [] and len(q.responses(T0, T0 + 60)) == 1
    finally:
        engine.dispose()
