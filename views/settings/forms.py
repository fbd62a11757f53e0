"""Small pieces shared by the settings pages: state through a dynamic property, the dialog's
stylesheet additions, a dialog that lists errors, a page's header, and the scaffold of the pages
that edit a list of records (the list on the left, the form of the selected one on the right)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from widgets.layouts import Item, panel, vbox
from widgets.style import set_style_property

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
    set_style_property(w, "state", state)


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


def set_or_drop(record: dict, key: str, text: str) -> None:
    """Keep an optional text field of a plant-file record (`name_zh`, `message_zh`): set when
    given, left out when empty, so a saved file gains no empty keys."""
    if text:
        record[key] = text
    else:
        record.pop(key, None)


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


def with_header(page: QWidget, title: str, hint: str) -> QWidget:
    """`page` under a header of its own (title and hint), the page's margins taken by the box."""
    box = QWidget()
    vbox(page_header(title, hint), (page, 1), parent=box)
    page.layout().setContentsMargins(0, 0, 0, 0)
    return box


def list_page(
    page: QWidget, left: QWidget, form: QWidget, sizes: tuple[int, int], header: QWidget | None = None
) -> QSplitter:
    """Lay out a page that edits a list: its header (if any) over a splitter of the list column
    and the form of the selected item, the form taking the room left over."""
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(form)
    split.setSizes(list(sizes))
    split.setStretchFactor(1, 1)
    vbox(*([header] if header is not None else []), (split, 1), parent=page)
    return split


class RecordList(QListWidget):
    """The list of a page's records: plain dicts edited in place, each shown as `label(record)`."""

    def __init__(self, records: list[dict], label: Callable[[dict], str], parent=None):
        super().__init__(parent)
        self.records, self.label = records, label

    def record(self, row: int) -> dict | None:
        return self.records[row] if 0 <= row < len(self.records) else None

    def current_record(self) -> dict | None:
        return self.record(self.currentRow())

    def refill(self, select: int | None = None) -> int:
        """Relabel every record without signalling; keep the selected row (or select `select`),
        within the list. Gives the selected row, -1 for none."""
        cur = self.currentRow() if select is None else select
        self.blockSignals(True)
        self.clear()
        self.addItems([self.label(r) for r in self.records])
        self.blockSignals(False)
        if self.records:
            self.setCurrentRow(min(max(cur, 0), len(self.records) - 1))
        return self.currentRow()

    def relabel_current(self) -> None:
        item, r = self.currentItem(), self.current_record()
        if item is not None and r is not None:
            item.setText(self.label(r))

    def take_current(self) -> int | None:
        """Remove the selected record; its row, None when none is selected. Refill after it."""
        i = self.currentRow()
        if not 0 <= i < len(self.records):
            return None
        del self.records[i]
        return i


class RecordsPage(QWidget):
    """A page that edits a list of records (plain dicts, in place): the list (`self.list`, each
    record shown as `label(record)`) and the form of the selected record, which the subclass
    builds and fills in `load(row)`. Adding or removing a record emits `changed`."""

    changed = Signal()

    def __init__(self, records: list[dict], label: Callable[[dict], str], parent=None):
        super().__init__(parent)
        self.records = records
        self._loading = False
        self.list = RecordList(records, label)
        self.list.currentRowChanged.connect(self.load)

    def load(self, row: int) -> None:
        raise NotImplementedError

    def list_column(self, *rows: Item) -> QWidget:
        """The list over `rows` (of buttons), without margins."""
        return panel(vbox((self.list, 1), *rows, margins=0))

    def refresh_list(self, select: int | None = None) -> None:
        self.load(self.list.refill(select))

    def current(self) -> dict | None:
        return self.list.current_record()

    def add_record(self, record: dict) -> dict:
        """Append `record` and select it."""
        self.records.append(record)
        self.refresh_list(len(self.records) - 1)
        self.changed.emit()
        return record

    def remove_current(self) -> None:
        i = self.list.take_current()
        if i is not None:
            self.refresh_list(i)
            self.changed.emit()
