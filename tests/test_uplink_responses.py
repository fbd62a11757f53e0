"""Reported alarms and their responses (处置反馈), declarations and base data over the link."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.uplink.link import RESPONSE_ALARM_KEY, alarm_id
from core.operating import Declaration, OpState
from storage.audit import AuditLog
from tests.helpers import alarm
from tests.uplink_fixtures import T0, deliver, rig_fixtures

clock, rig = rig_fixtures(tls=False)


def test_a_reported_alarm_goes_up_at_start_and_end_and_its_response_is_due(rig, clock):
    co = alarm("GAS.CO.01:H", tag=1, ts=T0 + 5, value=30.0, limit=24.0, message="GAS.CO.01 high")
    rig.link.on_alarm(co)
    rig.link.on_alarm(alarm("GAS.CO.01:BAD", tag=1, ts=T0 + 5, kind="BAD"))  # not a reported kind
    rig.link.on_alarm(alarm("BF9:H", tag=-1, ts=T0 + 5))  # not a catalogued point
    deliver(rig)
    (start,) = [r for _, r in rig.platform.of_kind("alarm")]
    assert start["sjlx"] == "start" and start["cgqbm"] == "530100GA0001" and start["value"] == 30.0
    assert start["bjid"] == alarm_id(co.key, co.since)
    assert rig.link.store.responses() == []  # nothing due while it stands unacknowledged
    clock.t = T0 + 65
    rig.link.on_alarm(co._replace(active=False, ts=T0 + 60))
    deliver(rig)
    end = [r for _, r in rig.platform.of_kind("alarm")][-1]
    assert end["sjlx"] == "end" and end["bjid"] == start["bjid"]
    (due,) = rig.link.store.responses()
    assert due.alarm_key == co.key and due.since == co.since and due.point_code == "530100GA0001"
    assert due.due == pytest.approx(T0 + 60 + 3600) and due.responded is None


def test_the_response_is_journaled_audited_and_uploaded(rig, clock, tmp_path):
    audit = AuditLog(rig.db, clock, data_dir=tmp_path / "audit")
    rig.link.audit = audit
    co = alarm("GAS.CO.01:HH", tag=1, ts=T0 + 5, value=60.0, limit=50.0)
    rig.link.on_alarm(co)
    rig.link.on_alarm(co._replace(acked=True, ts=T0 + 20, user="op1"))  # acknowledged: due
    deliver(rig)
    assert rig.link.open_responses(T0 + 30) == ([], [])
    overdue, soon = rig.link.open_responses(T0 + 20 + 3600 - 60)
    assert overdue == [] and [r.alarm_key for r in soon] == [co.key]
    overdue, _ = rig.link.open_responses(T0 + 20 + 3600 + 1)
    assert [r.alarm_key for r in overdue] == [co.key]
    clock.t = T0 + 600
    got = rig.link.respond(co.key, co.since, "valve gland leak", "gland repacked, area ventilated", "shift1")
    assert got is not None and got.responded == T0 + 600
    deliver(rig)
    (resp,) = [r for _, r in rig.platform.of_kind("response")]
    assert resp == {
        "qydm": "91530100TEST", "bjid": alarm_id(co.key, co.since), "cgqbm": "530100GA0001",
        "yy": "valve gland leak", "cs": "gland repacked, area ventilated", "czr": "shift1",
        "czsj": int((T0 + 600) * 1000),
    }  # fmt: skip
    (row,) = rig.link.store.responses()
    assert (row.cause, row.user) == ("valve gland leak", "shift1")
    entry = [e for e in audit.entries() if e.action == "alarm_response"]
    assert entry and entry[0].user == "shift1" and entry[0].target == co.key
    assert rig.link.open_responses(T0 + 10 * 3600) == ([], [])
    assert rig.link.respond("no-such", T0, "c", "m", "u") is None


def test_the_reminder_alarm_names_the_first_response_due(rig, clock):
    co = alarm("GAS.CO.01:H", tag=1, ts=T0 + 5, message="GAS.CO.01 high")
    rig.link.on_alarm(co)
    rig.link.on_alarm(co._replace(active=False, ts=T0 + 10))
    rig.link.drain()
    rig.link.remind(T0 + 3600 - 5 * 60)
    last = rig.link.alarms[-1]
    assert last.key == RESPONSE_ALARM_KEY and last.active and "GAS.CO.01 high" in last.message
    assert "0 overdue, 1 due soon" in last.message
    rig.link.remind(T0 + 3600 + 60)
    assert "1 overdue, 0 due soon" in rig.link.alarms[-1].message
    rig.link.respond(co.key, co.since, "c", "m", "u")
    rig.link.remind(T0 + 3600 + 120)
    assert not rig.link.alarms[-1].active


def test_declarations_and_base_data_go_up_when_they_change(rig, clock):
    rig.link.queue_static()
    rig.link.queue_static()  # unchanged: not again
    d = Declaration("Blast furnace 1", OpState.MAINTENANCE, "sup1", T0 + 30, "relining", until=T0 + 7200)
    state = SimpleNamespace(hazard="Blast furnace 1", operating=d, ts=T0 + 30)
    rig.link.on_risk([state, SimpleNamespace(hazard="Gas area", operating=None, ts=T0 + 30)])
    rig.link.on_risk([state])  # the same declaration: once
    rig.link.on_risk([SimpleNamespace(hazard="Blast furnace 1", operating=None, ts=T0 + 90)])
    deliver(rig)
    assert len(rig.platform.of_kind("base")) == 1 and len(rig.platform.of_kind("points")) == 1
    decl = [r for _, r in rig.platform.of_kind("declaration")]
    assert [(r["wxy"], r["zt"]) for r in decl] == [
        ("Blast furnace 1", "maintenance"),
        ("Blast furnace 1", "running"),
    ]
    assert (
        decl[0]["jssj"] == int((T0 + 7200) * 1000)
        and decl[0]["sbr"] == "sup1"
        and decl[0]["yy"] == "relining"
    )


def test_samples_of_tags_added_since_the_link_was_built_are_left_out(rig, clock):
    import numpy as np

    from core.samples import Quality, SampleBatch

    rig.link.on_samples(SampleBatch.build(np.array([1, 7]), T0, np.array([5.0, 9.0]), Quality.GOOD))
    rig.link.queue_snapshot(T0 + 60)
    deliver(rig)
    (snap,) = [r for _, r in rig.platform.of_kind("realtime")]
    assert [p["value"] for p in snap["data"]] == [None, 5.0, None]
