"""The settings dialog's Notifications page (pytest-qt): edits saved into the plant file with its
comments kept, credentials into the secret store (the file names them), the test message
received by a real SMTP server, read-only for anyone but an administrator."""

from __future__ import annotations

import pytest

from app.config import load_config
from app.config.secrets import SecretStore
from tests.notify_plant import plant_text, smtp_inbox
from views.settings import SettingsDialog

BODY = """\
  recipients:
    - {name: Wang, email: wang@plant.test, language: en}
  rules:
    - {name: priority I, match: {priorities: [1]}, steps: [{to: [Wang]}]}
"""


@pytest.fixture
def smtp_server():
    with smtp_inbox() as got:
        yield got


def open_dialog(qtbot, tmp_path, *, port=2525, administrator=True):
    path = tmp_path / "plant.yaml"
    path.write_text("# the plant of the notification tests\n" + plant_text(BODY, port=port), encoding="utf-8")
    dlg = SettingsDialog(load_config(path), administrator=administrator)
    qtbot.addWidget(dlg)
    return dlg, path


def test_edits_are_saved_with_comments_and_credentials_go_to_the_store(qtbot, tmp_path, data_dir):
    dlg, path = open_dialog(qtbot, tmp_path)
    page = dlg.show_page("Notifications")
    assert page is dlg.notifications_page and page.enabled.isChecked()
    text = page.editor.toPlainText()
    page.editor.setPlainText(
        text.replace(
            "recipients:\n",
            "recipients:\n- {name: Li, role: safety manager, email: li@plant.test}\n",
        )
    )
    page.quiet_start.setText("22:00")
    page.quiet_start.textEdited.emit("22:00")
    page.quiet_end.setText("07:00")
    page.quiet_end.textEdited.emit("07:00")
    page.cred_channel.setCurrentText("ding")
    page.cred_field.setCurrentText("sign_secret")
    page.cred_value.setText("SECnew")
    name = page.store_credential()
    assert name == "test-steel/notify.ding.sign_secret"
    assert SecretStore(data_dir / "secrets.yaml").get(name) == "SECnew"
    with qtbot.waitSignal(dlg.applied, timeout=10_000):
        assert dlg.apply(), dlg.last_errors
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("# the plant of the notification tests")
    assert "SECnew" not in saved and f"secret:{name}" in saved
    n = load_config(path).notifications
    assert [r.name for r in n.recipients] == ["Li", "Wang"]
    assert (n.quiet.start, n.quiet.end) == ("22:00", "07:00")


def test_broken_yaml_is_said_and_a_bad_reference_refused_on_apply(qtbot, tmp_path):
    dlg, _path = open_dialog(qtbot, tmp_path)
    page = dlg.show_page("Notifications")
    page.editor.setPlainText("recipients: [")
    assert "valid YAML" in page.problem.text()
    page.editor.setPlainText(
        "recipients: [{name: Wang, email: wang@plant.test}]\nrules: [{name: r, steps: [{to: [Nobody]}]}]\n"
    )
    assert page.problem.text() == ""
    assert not dlg.apply()
    assert any("notifications.rules[0].steps[0].to[0]" in e and "Nobody" in e for e in dlg.last_errors), (
        dlg.last_errors
    )


def test_send_test_message_reaches_a_real_smtp_server(qtbot, tmp_path, smtp_server):
    port, inbox = smtp_server
    dlg, _path = open_dialog(qtbot, tmp_path, port=port)
    page = dlg.show_page("Notifications")
    page.test_to.setCurrentText("Wang")
    with qtbot.waitSignal(page.tested, timeout=10_000) as sig:
        page.test_button.click()
    assert sig.args[1], sig.args[0]
    assert inbox.got[0][1]["Subject"] == "[Test Steel] Test message"


def test_read_only_for_anyone_but_an_administrator(qtbot, tmp_path):
    dlg, _path = open_dialog(qtbot, tmp_path, administrator=False)
    page = dlg.show_page("Notifications")
    assert not page.editor.isEnabled() and not page.test_button.isEnabled()
