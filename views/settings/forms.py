"""Small pieces shared by the settings pages: state through a dynamic property, the dialog's
stylesheet additions, and a dialog that lists errors."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

# additions to resources/theme.qss for this dialog (grey by default, colour only for a problem)
SETTINGS_QSS = """
#settingsNav { background: #26282b; border: none; border-right: 1px solid #3d4045; font-size: 10.5pt; }
#settingsNav::item { padding: 8px 14px; }
#settingsNav::item:selected { background: #4a5360; color: #ffffff; }
#pageTitle { font-size: 12pt; font-weight: bold; color: #e2e4e6; padding: 2px 0 6px 0; }
#pageHint { color: #9ea2a8; }
QGroupBox { border: 1px solid #3d4045; border-radius: 3px; margin-top: 14px; padding: 10px 8px 6px 8px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #aeb2b8; }
QSpinBox, QDoubleSpinBox, QPlainTextEdit {
    background: #25272a; border: 1px solid #474a4f; border-radius: 2px; padding: 2px 4px; color: #e2e4e6;
}
QListWidget, QListView { background: #28292c; border: 1px solid #3d4045; }
QListWidget::item, QListView::item { padding: 3px 4px; }
QListWidget::item:selected, QListView::item:selected { background: #4a5360; }
*[state="fail"] { color: #ff8a80; }
*[state="ok"] { color: #8fbf8f; }
*[state="busy"] { color: #a9adb3; }
#ruleEditor { font-family: monospace; }
#summary[state="fail"] { color: #ff8a80; font-weight: bold; }
"""


def set_state(w: QWidget, state: str) -> None:
    """Set the `state` dynamic property and re-polish only when it changes."""
    if w.property("state") != state:
        w.setProperty("state", state)
        w.style().unpolish(w)
        w.style().polish(w)


class ErrorsDialog(QDialog):
    """Every error of an import or an apply, selectable to copy; nothing was applied."""

    def __init__(self, title: str, intro: str, errors: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 420)
        lay = QVBoxLayout(self)
        head = QLabel(intro)
        head.setWordWrap(True)
        lay.addWidget(head)
        self.text = QPlainTextEdit("\n".join(errors))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lay.addWidget(self.text, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        lay.addWidget(box)


def page_header(title: str, hint: str = "") -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 4)
    t = QLabel(title)
    t.setObjectName("pageTitle")
    lay.addWidget(t)
    if hint:
        h = QLabel(hint)
        h.setObjectName("pageHint")
        h.setWordWrap(True)
        lay.addWidget(h)
    return w
