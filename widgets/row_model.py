"""A read-only table model over a list of Python objects, one a row, under fixed columns, and the
alignment of its cells."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ALIGN_CENTRE = int(Qt.AlignmentFlag.AlignCenter)


def alignment(col: int, numbers: Collection[int] = (), centred: Collection[int] = ()) -> int | None:
    """A cell's TextAlignmentRole: numbers to the right, short codes (a priority) centred, any
    other column as Qt aligns it (None)."""
    if col in numbers:
        return ALIGN_NUMBER
    if col in centred:
        return ALIGN_CENTRE
    return None


class RowTableModel(QAbstractTableModel):
    """The Qt side of a flat list: row and column counts, headers and the validity of an index.

    The headers are the marked texts (QT_TRANSLATE_NOOP) of `columns`, translated in `context`.
    A subclass says where its rows are (`row_list`) and what a cell holds for a role (`cell`).
    """

    columns: Sequence[str] = ()
    context = ""

    def row_list(self) -> Sequence:
        raise NotImplementedError

    def cell(self, item, col: int, role: int):
        """What column `col` of the row `item` holds for `role`; None for nothing."""
        raise NotImplementedError

    def header(self, section: int) -> str:
        return QCoreApplication.translate(self.context, self.columns[section])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.row_list())

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header(section)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(self.row_list()[index.row()], index.column(), role)
