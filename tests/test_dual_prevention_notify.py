"""Hidden dangers through the notification rules: a rule that takes `what: [dual_prevention]`
(by level, like alarms by priority) sends an overdue hidden danger and a newly registered major
one to a real SMTP server (aiosmtpd), in each recipient's language, from the deadline pass of an
engine without a window; a rule for alarms takes none of them, and the later steps of a rule are
dropped once the hidden danger is closed."""

from __future__ import annotations

import time

import pytest

from app.config.secrets import SecretStore
from app.dual_prevention.deadlines import notice
from app.dual_prevention.draft_watch import attach
from app.dual_prevention.hidden_dangers import DangerStatus, Grade, HiddenDanger
from app.notify.notifier import Notifier
from app.notify.rules import RuleBook
from app.runtime.engine import Engine
from storage.history import History
from storage.notifications import Delivery, read_deliveries
from tests.conftest import wait_until
from tests.notify_plant import config, smtp_inbox
from tests.test_dual_prevention_deadlines import late_work

RULES = """\
  recipients:
    - {name: Wang, email: wang@plant.test, language: zh}
    - {name: Smith, email: smith@plant.test, language: en}
    - {name: Li, email: li@plant.test, language: en}
  rules:
    - name: hidden dangers
      match: {what: [dual_prevention], priorities: [1, 2, 3]}
      steps: [{to: [Wang, Smith]}, {after_min: 60, to: [Li]}]
    - name: alarms II and III
      match: {priorities: [2, 3]}
      steps: [{to: [Li]}]
"""


@pytest.mark.slow
def test_overdue_and_major_hidden_dangers_are_mailed_by_the_rules(db_url, tmp_path):
    with smtp_inbox() as (port, inbox):
        cfg = config(RULES, port=port)
        hist = History(db_url, cfg.tags)
        engine = Engine(cfg, hist, warnings=False)  # not started: no device, requests inline
        notifier = Notifier(engine, SecretStore(tmp_path / "secrets.yaml"))
        watch = attach(engine, notifier=notifier)
        now = engine.clock.now()
        late_work(hist.engine, now)
        try:
            engine.tick_alarms(now)  # the deadline pass on the watch's thread, the notifier's tick
            wait_until(lambda: len(inbox.got) == 4, what="four mails")
            wait_until(lambda: len(read_deliveries(hist.engine)) == 4, what="the delivery log")
            assert notifier.rules.pending() == 2  # Li, in an hour, for each
            # HD-1 accepted meanwhile: its later step is dropped at the next pass
            watch.register.step("sm1", 1, "rectified")
            watch.register.step("sm1", 1, "accepted", "checked")
            engine.tick_alarms(now + watch.every_s + 1)
            wait_until(lambda: notifier.rules.pending() == 1, what="the step of HD-1 dropped")
        finally:
            watch.detach()
            notifier.detach()
            hist.stop()
            hist.engine.dispose()
    mails = {(rcpt[0], msg["Subject"]): msg.get_content() for rcpt, msg in inbox.got}
    assert set(mails) == {
        ("smith@plant.test", "[Test Steel] Level III hidden danger: HD-1"),
        ("smith@plant.test", "[Test Steel] Level II hidden danger: HD-2"),
        ("wang@plant.test", "[Test Steel] III 级隐患：HD-1"),
        ("wang@plant.test", "[Test Steel] II 级隐患：HD-2"),
    }
    overdue = mails[("smith@plant.test", "[Test Steel] Level III hidden danger: HD-1")]
    assert "general hidden danger: tuyere platform railing loose; overdue since" in overdue
    assert "Hazard source: BF1" in overdue and "Notification rule: hidden dangers" in overdue
    assert "Tag:" not in overdue
    major = mails[("wang@plant.test", "[Test Steel] II 级隐患：HD-2")]
    assert "重大隐患：hearth cooling water flow meter bypassed（已登记）" in major and "危险源：BF1" in major
    rows = read_deliveries_of(db_url)
    assert rows == {("HD-1:overdue", Delivery.SENT), ("HD-2:major", Delivery.SENT)}


def read_deliveries_of(db_url) -> set:
    from storage.schema import make_engine

    sql = make_engine(db_url)
    try:
        return {(r.alarm_key, r.status) for r in read_deliveries(sql)}
    finally:
        sql.dispose()


def test_only_a_rule_for_dual_prevention_takes_its_events():
    cfg = config(RULES)
    book = RuleBook(cfg)
    now = time.time()
    d = HiddenDanger(
        3, "BF1", "railing", Grade.MAJOR, DangerStatus.ASSIGNED, now - 9e5, "a", "4.6", deadline=now - 1
    )
    event = notice(d, "overdue", now)
    assert event.priority == 1 and not event.is_warning
    got = book.on_event(event)
    assert {(n.rule, n.recipient) for n in got} == {("hidden dangers", "Wang"), ("hidden dangers", "Smith")}
    assert book.on_event(event) == []  # told once
    assert book.pending() == 1
    book.settle({"HD-3"})
    assert book.pending() == 1
    book.settle(set())
    assert book.pending() == 0
    low = notice(HiddenDanger(4, "BF1", "x", Grade.GENERAL, DangerStatus.REGISTERED, now, "a"), "major", now)
    assert low.priority == 4 and book.on_event(low) == []  # level IV: not in the rule's levels
