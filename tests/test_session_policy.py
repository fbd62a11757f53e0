"""The plant's session policy: edited on the settings' Security page, saved in the plant file,
applied to the idle lock and the account lockout (the command line overrides it)."""

from __future__ import annotations

import pytest

from app.accounts.users import Role, UserStore
from app.config import PlantConfig, load_config, parse_config_text
from app.config.io import save_config
from storage.audit import AuditLog
from storage.schema import create_schema, make_engine
from views.launcher import apply_session_policy, idle_lock_s
from views.settings import SettingsDialog


def test_security_page_edits_are_applied_and_saved(qtbot, tmp_path):
    path = tmp_path / "plant.yaml"
    save_config(PlantConfig(), path)
    dlg = SettingsDialog(load_config(path))
    qtbot.addWidget(dlg)
    page = dlg.show_page("Security")
    assert page is dlg.security_page and page.lock_after.value() == 10 and page.max_failures.value() == 5
    page.lock_after.setValue(3)
    page.max_failures.setValue(4)
    page.lockout.setValue(30)
    with qtbot.waitSignal(dlg.applied, timeout=10_000) as sig:
        assert dlg.apply(), dlg.last_errors
    new, diff = sig.args
    assert (new.security.lock_after_min, new.security.max_failures, new.security.lockout_min) == (3, 4, 30)
    assert any("security" in line for line in diff)
    assert load_config(path).security == new.security


@pytest.mark.slow
def test_policy_reaches_the_idle_lock_and_the_account_store(tmp_path):
    cfg = parse_config_text("schema: 1\nsecurity: {lock_after_min: 2, lockout_min: 1, max_failures: 3}\n")
    assert idle_lock_s(cfg, {}) == 120 and idle_lock_s(cfg, {"lock_after_s": 0.0}) == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    create_schema(engine)
    now = [1_000_000.0]
    store = UserStore(engine, AuditLog(engine), clock=lambda: now[0])
    apply_session_policy(store, cfg, {})
    assert (store.lockout_s, store.max_failures) == (60, 3)
    store.add("olga", Role.OPERATOR, "olga-password")
    results = [store.authenticate("olga", "wrong").ok for _ in range(3)]
    assert results == [False] * 3
    assert not store.authenticate("olga", "olga-password").ok  # locked after the third
    now[0] += 61
    assert store.authenticate("olga", "olga-password").ok  # one minute, as the plant says
    apply_session_policy(store, cfg, {"lockout_s": 900.0})  # --lockout 15 wins
    assert store.lockout_s == 900
    engine.dispose()
