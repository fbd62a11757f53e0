"""The shape every dual-prevention register window shares (work permits, hidden dangers, the
risk inventory, the inspection round): a grid of action buttons, a read-only list of records
(an `ItemsModel`), a status line for what was refused or imported, and Close. `ListDialog` is
it as a window; `ListPanel` the same without Close, to sit in another window (the risk
inventory is both a Plant-menu window and a page of the Settings dialog)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets.row_model import RowTableModel
from widgets.tables import configure_table

BUTTONS_PER_ROW = 4


class ItemsModel(RowTableModel):
    """A list of records (`items`), replaced whole by `set_items`; `now` is the clock a register
    reads what is overdue by, and `bold` the font it is shown in."""

    def __init__(self, parent=None, now: Callable[[], float] = time.time):
        super().__init__(parent)
        self.items: list = []
        self.now = now
        self.bold = QFont()
        self.bold.setBold(True)

    def row_list(self):
        return self.items

    def set_items(self, items) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()


class ListShape:
    """What ListDialog and ListPanel share: call `build` from the subclass's __init__."""

    def build(
        self,
        model: ItemsModel,
        buttons: Sequence[tuple[str, Callable]],
        stretch: int,
        extra: Sequence[QWidget] = (),
    ) -> None:
        self.model = model
        self.table = QTableView(self)
        self.table.setModel(model)
        configure_table(self.table, stretch, {}, single=True)
        self.table.verticalHeader().setVisible(False)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for k, (text, slot) in enumerate(buttons):
            b = QPushButton(text, self)
            b.clicked.connect(lambda _=False, slot=slot: slot())
            grid.addWidget(b, k // BUTTONS_PER_ROW, k % BUTTONS_PER_ROW)
            self.buttons[text] = b
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        for w in extra:
            lay.addWidget(w)
        lay.addWidget(self.table)
        lay.addWidget(self.status)
        if isinstance(self, QDialog):
            close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
            close.rejected.connect(self.reject)
            lay.addWidget(close)

    def selected(self):
        """The record of the selected row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def show_import(self, done: int, errors: list[tuple[int, str]]) -> None:
        """'3 rows imported' and each bad row by its line."""
        lines = [self.tr("{n} rows imported").format(n=done)]
        lines += [self.tr("line {line}: {error}").format(line=n, error=e) for n, e in errors]
        self.status.setText("\n".join(lines))


class ListDialog(ListShape, QDialog):
    """The register as a window of its own, with Close."""


class ListPanel(ListShape, QWidget):
    """The register as a part of another window."""
