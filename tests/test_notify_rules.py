"""Notification rules and the dispatcher's policies on a plant clock the test drives (no sleeps):
escalation after N minutes, acknowledgement cancels, area/hazard/warning matching, quiet hours
(priority I goes through), rate limit, flood digest, retries and a failing channel's SYSTEM alarm,
the delivery log in a real SQLite file, and a broken `notifications:` section located."""

from __future__ import annotations

import pytest

from app.config import ConfigError
from app.notify.notifier import Notifier
from app.notify.rules import RuleBook
from app.runtime.engine import Engine
from core.schema.notify import QuietHours
from storage.notifications import Delivery, read_deliveries, write_deliveries
from storage.schema import create_schema, make_engine
from tests.helpers import Recorder, alarm
from tests.notify_plant import T0, Recording, batch, config, plant_text

ESCALATION = """\
  recipients:
    - {name: Wang, role: shift supervisor, email: wang@plant.test, language: en}
    - {name: Li, role: safety manager, email: li@plant.test, language: zh}
  rules:
    - name: priority I unacknowledged
      match: {priorities: [1]}
      steps: [{after_min: 5, to: [Wang]}, {after_min: 15, to: [Li]}]
"""


def engine_with(cfg, dispatcher_cls=Recording, **kw):
    """A real engine, never started (batches processed inline), with a notifier whose
    dispatcher records what it would send and runs only when the test steps it."""
    engine = Engine(cfg, warnings=False)
    notifier = Notifier(engine, start=False)
    notifier.dispatcher = dispatcher_cls(cfg.notifications, **kw)
    notifier.dispatcher.on_channel = notifier.report_channel
    return engine, notifier


def test_escalation_after_minutes_on_the_plant_clock_and_ack_cancels():
    engine, notifier = engine_with(config(ESCALATION))
    d = notifier.dispatcher
    engine.process(batch(T0, TC1=600.0))  # HH, priority I
    engine.tick_alarms(T0 + 299)
    d.step(T0 + 299)
    assert d.out == []
    engine.tick_alarms(T0 + 300)
    d.step(T0 + 300)
    assert [(o[0], o[1]) for o in d.out] == [("mail", "wang@plant.test")]
    subject, text = d.out[0][2], d.out[0][3]
    assert "Priority I alarm: TC1, unacknowledged for 5 min" in subject
    assert "Tag: TC1  Value: 600  Limit: 560" in text and "Hazard source: BF1" in text
    assert "2027-01-15 16:00:00 UTC+8" in text and "Test Steel" in subject
    engine.acknowledge(["TC1:HH"], "op").result(5)  # acked before the second step
    engine.tick_alarms(T0 + 900)
    d.step(T0 + 900)
    assert len(d.out) == 1 and notifier.rules.pending() == 0


def test_second_step_reaches_the_safety_manager_in_chinese():
    engine, notifier = engine_with(config(ESCALATION))
    d = notifier.dispatcher
    engine.process(batch(T0, TC1=600.0))
    for t in (T0 + 300, T0 + 900):
        engine.tick_alarms(t)
        d.step(t)
    assert [o[1] for o in d.out] == ["wang@plant.test", "li@plant.test"]
    assert d.out[1][2] == "[Test Steel] I 级报警：TC1，15 分钟未确认"


def test_return_to_normal_cancels_the_escalation():
    engine, notifier = engine_with(config(ESCALATION))
    engine.process(batch(T0, TC1=600.0))
    assert notifier.rules.pending() == 2
    engine.process(batch(T0 + 60, TC1=400.0))
    assert notifier.rules.pending() == 0


def test_matching_by_area_hazard_and_warning_level():
    cfg = config(
        """\
  recipients:
    - {name: Eng, email: eng@plant.test}
  rules:
    - {name: gas, match: {areas: [Gas], priorities: [3]}, steps: [{to: [Eng]}]}
    - {name: bf warnings, match: {what: [warnings], priorities: [1], hazards: [BF1]}, steps: [{to: [Eng]}]}
"""
    )
    book = RuleBook(cfg)
    co = alarm("CO1:H", tag=2, priority=3)
    tc = alarm("TC1:H", tag=0, priority=3, hazard="BF1")
    assert [n.rule for n in book.on_alarm(co)] == ["gas"]
    assert book.on_alarm(tc) == []
    warn = alarm("TC1:FORECAST", tag=0, priority=1, hazard="BF1")
    assert [n.rule for n in book.on_alarm(warn)] == ["bf warnings"]
    assert book.on_alarm(alarm("TC2:FORECAST", tag=1, priority=2, hazard="BF1")) == []
    assert book.on_alarm(co) == []  # the same raise is told once


ON_RAISE = """\
  recipients:
    - {{name: Wang, email: wang@plant.test, language: en{extra}}}
  rules:
    - {{name: all, match: {{priorities: [1, 2, 3]}}, steps: [{{to: [Wang]}}]}}
{policies}"""


def raised(d, alarms, now):
    book = RuleBook(config(d.cfg_text))
    for a in alarms:
        d.submit(book.on_alarm(a))
    d.step(now)


def dispatcher(extra="", policies="", **kw):
    text = ON_RAISE.format(extra=extra, policies=policies)
    d = Recording(config(text).notifications, **kw)
    d.cfg_text = text
    return d


def test_quiet_hours_hold_priority_3_and_let_priority_1_through():
    d = dispatcher(extra=', quiet: {start: "22:00", end: "07:00"}')
    night = T0 + 7 * 3600  # 23:00 at UTC+8
    raised(d, [alarm("CO1:H", tag=2, priority=3, ts=night)], night)
    assert d.out == []
    raised(d, [alarm("TC1:HH", tag=0, priority=1, ts=night)], night)
    assert len(d.out) == 1 and "Priority I" in d.out[0][2]
    d.step(T0 + 14 * 3600)  # 06:00: still quiet
    assert len(d.out) == 1
    d.step(T0 + 15 * 3600)  # 07:00: the held one as the morning's message
    assert len(d.out) == 2 and "CO1" in d.out[1][2]
    assert [r.status for r in d.log_rows].count(Delivery.QUIET) == 1


def test_quiet_hours_spanning_midnight():
    q = QuietHours(start="22:00", end="07:00")
    assert q.holds(23 * 60) and q.holds(0) and q.holds(6 * 60 + 59)
    assert not q.holds(7 * 60) and not q.holds(12 * 60)


def test_rate_limit_per_recipient_then_one_digest():
    d = dispatcher(extra=", max_per_hour: 2", policies="  flood: {count: 100, window_s: 60}\n")
    for k in range(4):
        raised(d, [alarm(f"T{k}:H", tag=0, priority=2, ts=T0 + k)], T0 + k)
    assert len(d.out) == 2
    assert [r.status for r in d.log_rows].count(Delivery.LIMITED) == 2
    d.step(T0 + 3600 + 1)  # an hour on: the two held go as one digest
    assert len(d.out) == 3 and d.out[2][4] == 2


def test_flood_of_1000_alarms_is_one_digest():
    d = dispatcher()
    flood = [alarm(f"CO{k}:H", tag=2, priority=3, ts=T0) for k in range(1000)]
    raised(d, flood, T0)
    assert len(d.out) == 1
    channel, address, subject, text, n = d.out[0]
    assert n == 1000 and "Alarm flood: 1000 notices" in subject
    assert "... and 970 more" in text
    assert [r.status for r in d.log_rows].count(Delivery.DIGESTED) == 1000


def test_flood_building_up_over_a_minute_is_held_then_digested():
    d = dispatcher(policies="  flood: {count: 3, window_s: 60}\n")
    for k in range(10):
        raised(d, [alarm(f"CO{k}:H", tag=2, priority=3, ts=T0 + k)], T0 + k)
    assert len(d.out) == 3
    d.step(T0 + 3 + 60)
    assert len(d.out) == 4 and d.out[3][4] == 7


def test_failing_channel_retries_with_backoff_then_fails_and_says_so():
    d = dispatcher(policies="  retry: {attempts: 3, first_s: 5, factor: 2}\n", down={"mail"})
    raised(d, [alarm("TC1:HH", tag=0, priority=1, ts=T0)], T0)
    assert [r.status for r in d.log_rows] == [Delivery.RETRIED]
    d.step(T0 + 4.9)
    assert len(d.log_rows) == 1
    d.step(T0 + 5)  # second attempt
    d.step(T0 + 14.9)
    assert [r.status for r in d.log_rows] == [Delivery.RETRIED, Delivery.RETRIED]
    d.step(T0 + 15)  # third and last, 10 s later
    assert [r.status for r in d.log_rows][-1] == Delivery.FAILED
    assert [r.attempt for r in d.log_rows] == [1, 2, 3]
    assert d.failures == [("mail", "mail is down")]
    d.down.clear()
    raised(d, [alarm("TC2:HH", tag=1, priority=1, ts=T0 + 20)], T0 + 20)
    assert d.failures[-1] == ("mail", None)


def test_failing_channel_raises_and_clears_a_system_alarm_on_the_engine():
    engine, notifier = engine_with(config(ESCALATION.replace("after_min: 5", "after_min: 0")), down={"mail"})
    d = notifier.dispatcher
    d.settings = d.settings.model_copy(update={"retry": d.settings.retry.model_copy(update={"attempts": 1})})
    engine.process(batch(T0, TC1=600.0))
    d.step(T0)
    system = [a for a in engine.active_alarms() if a.key == "notify:mail"]
    assert system and system[0].active and "Notification channel mail failing" in system[0].message
    seen = Recorder()
    engine.add_listener(seen)
    d.down.clear()
    engine.process(batch(T0 + 10, TC2=600.0))
    d.step(T0 + 10)
    (cleared,) = [a for a in seen.snapshot() if a.key == "notify:mail"]
    assert not cleared.active and "Notification channel mail delivering again" in cleared.message


def test_delivery_log_rows_in_the_journal(db_url):
    db = make_engine(db_url)
    create_schema(db)
    d = dispatcher(log_sink=lambda rows: write_deliveries(db, rows))
    raised(d, [alarm("TC1:HH", tag=0, priority=1, ts=T0)], T0)
    rows = read_deliveries(db)
    assert [(r.status, r.rule, r.recipient, r.channel, r.alarm_key) for r in rows] == [
        (Delivery.SENT, "all", "Wang", "mail", "TC1:HH")
    ]
    assert rows[0].ts == T0 and rows[0].attempt == 1
    db.dispose()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            "  recipients:\n    - {name: Wang, email: wang@plant.test}\n  rules:\n"
            "    - {name: r, steps: [{to: [Zhang]}]}\n",
            "notifications.rules[0].steps[0].to[0]",
            "unknown recipient 'Zhang'",
        ),
        (
            "  recipients:\n    - {name: Wang, email: wang@plant.test, quiet: {start: '25:00', end: '07:00'}}\n",
            "notifications.recipients[0].quiet.start",
            "not a time of day",
        ),
        (
            "  recipients:\n    - {name: Wang, email: wang@plant.test}\n  rules:\n"
            "    - {name: r, match: {areas: [Steelmaking]}, steps: [{to: [Wang]}]}\n",
            "notifications.rules[0].match.areas[0]",
            "no tag is in area 'Steelmaking'",
        ),
    ],
)
def test_broken_section_named_with_file_line_and_field(body, field, message):
    from app.config import parse_config_text

    text = plant_text(body)
    with pytest.raises(ConfigError) as err:
        parse_config_text(text, "plant.yaml")
    issue = next(i for i in err.value.issues if i.field == field)
    assert message in issue.message
    line = text.splitlines()[issue.line - 1]
    assert issue.path == "plant.yaml" and ("Zhang" in line or "25:00" in line or "Steelmaking" in line)


def test_a_plain_text_credential_is_refused():
    from app.config import parse_config_text

    text = plant_text("").replace('"secret:ding.sign"', "hunter2")
    with pytest.raises(ConfigError) as err:
        parse_config_text(text, "plant.yaml")
    issue = err.value.issues[0]
    assert issue.field == "notifications.channels[2].sign_secret" and "secret store" in issue.message


def test_priority_1_is_never_held_back_by_the_rate_limit():
    d = dispatcher(extra=", max_per_hour: 1", policies="  flood: {count: 100, window_s: 60}\n")
    raised(d, [alarm("CO1:H", tag=2, priority=3, ts=T0)], T0)
    raised(d, [alarm("CO2:H", tag=2, priority=3, ts=T0 + 1)], T0 + 1)
    raised(d, [alarm("TC1:HH", tag=0, priority=1, ts=T0 + 2)], T0 + 2)
    assert [o[2].split(": ")[-1] for o in d.out] == ["CO1", "TC1"]


def test_a_rules_own_quiet_hours_hold_until_they_end():
    d = dispatcher(policies="")
    d.settings = d.settings.model_copy(
        update={
            "rules": [
                d.settings.rules[0].model_copy(update={"quiet": QuietHours(start="12:00", end="13:00")})
            ]
        }
    )
    noon = T0 - 4 * 3600  # 12:00 at UTC+8
    raised(d, [alarm("CO1:H", tag=2, priority=3, ts=noon)], noon)
    d.step(noon + 1800)
    assert d.out == []
    d.step(noon + 3600)
    assert len(d.out) == 1 and "CO1" in d.out[0][2]
