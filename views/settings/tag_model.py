"""The tag table of the settings dialog: rows of text cells checked as they are typed.

Each row is an app.config.tag_rows.TagRow (the CSV's flat columns plus what they do not cover).
A cell that cannot be used is drawn red with the reason as its tooltip: its own value
(address syntax for the device's protocol, type, range, limit order) or its relation to other
rows (duplicate names, Modbus words read by two tags).
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from app.config import Tag
from app.config.tag_rows import TAG_COLUMNS, TagRow, find_overlaps, row_to_tag, tag_ref, tag_to_row
from widgets.marked import marked_word

ERROR_BG = QColor("#6b1f22")
ERROR_FG = QColor("#ffffff")
HEADER_TIPS = {
    "address": QT_TRANSLATE_NOOP(
        "tag_model", "Modbus: hr:N, ir:N, co:N, di:N, hr:N.B (bit B); OPC UA: ns=2;s=Name or nsu=URI;s=Name"
    ),
    "type": QT_TRANSLATE_NOOP(
        "tag_model", "int16, uint16, int32, uint32, float32, float64, bool (empty: from the address)"
    ),
    "word_order": QT_TRANSLATE_NOOP("tag_model", "big = ABCD, little = CDAB; empty: the device's"),
    "scale": QT_TRANSLATE_NOOP("tag_model", "value = raw × scale + offset"),
    "state": QT_TRANSLATE_NOOP("tag_model", "bool tags: alarm while the value equals this (true/false)"),
    "calibration_due": QT_TRANSLATE_NOOP(
        "tag_model", "next calibration or bump test, YYYY-MM-DD; once overdue the detector is a blind spot"
    ),
    "description_zh": QT_TRANSLATE_NOOP(
        "tag_model",
        "the description in Simplified Chinese: what the Chinese screens show (empty: the description)",
    ),
}
# the columns are the CSV's (and the YAML's) names: English shows them as they are, other
# languages show a word and keep the name in the tooltip
HEADER_LABELS = {
    "name": QT_TRANSLATE_NOOP("tag_model", "name"),
    "description": QT_TRANSLATE_NOOP("tag_model", "description"),
    "unit": QT_TRANSLATE_NOOP("tag_model", "unit"),
    "device": QT_TRANSLATE_NOOP("tag_model", "device"),
    "address": QT_TRANSLATE_NOOP("tag_model", "address"),
    "type": QT_TRANSLATE_NOOP("tag_model", "type"),
    "scale": QT_TRANSLATE_NOOP("tag_model", "scale"),
    "offset": QT_TRANSLATE_NOOP("tag_model", "offset"),
    "range_lo": QT_TRANSLATE_NOOP("tag_model", "range_lo"),
    "range_hi": QT_TRANSLATE_NOOP("tag_model", "range_hi"),
    "word_order": QT_TRANSLATE_NOOP("tag_model", "word_order"),
    "area": QT_TRANSLATE_NOOP("tag_model", "area"),
    "map_x": QT_TRANSLATE_NOOP("tag_model", "map_x"),
    "map_y": QT_TRANSLATE_NOOP("tag_model", "map_y"),
    "LL": QT_TRANSLATE_NOOP("tag_model", "LL"),
    "L": QT_TRANSLATE_NOOP("tag_model", "L"),
    "H": QT_TRANSLATE_NOOP("tag_model", "H"),
    "HH": QT_TRANSLATE_NOOP("tag_model", "HH"),
    "deadband": QT_TRANSLATE_NOOP("tag_model", "deadband"),
    "on_delay_s": QT_TRANSLATE_NOOP("tag_model", "on_delay_s"),
    "off_delay_s": QT_TRANSLATE_NOOP("tag_model", "off_delay_s"),
    "state": QT_TRANSLATE_NOOP("tag_model", "state"),
    "priority_LL": QT_TRANSLATE_NOOP("tag_model", "priority_LL"),
    "priority_L": QT_TRANSLATE_NOOP("tag_model", "priority_L"),
    "priority_H": QT_TRANSLATE_NOOP("tag_model", "priority_H"),
    "priority_HH": QT_TRANSLATE_NOOP("tag_model", "priority_HH"),
    "priority_state": QT_TRANSLATE_NOOP("tag_model", "priority_state"),
    "message": QT_TRANSLATE_NOOP("tag_model", "message"),
    "writable": QT_TRANSLATE_NOOP("tag_model", "writable"),
    "calibration_due": QT_TRANSLATE_NOOP("tag_model", "calibration_due"),
    "description_zh": QT_TRANSLATE_NOOP("tag_model", "description_zh"),
}


def column_label(col: str) -> str:
    """A tag column as its header shows it: 'name' / '名称'."""
    return marked_word("tag_model", HEADER_LABELS, col)


def column_tip(col: str) -> str | None:
    """A column header's tooltip: its CSV name when that is not what the header shows, and a hint."""
    lines = [col] if column_label(col) != col else []
    if col in HEADER_TIPS:
        lines.append(marked_word("tag_model", HEADER_TIPS, col))
    return "\n".join(lines) or None


class TagTableModel(QAbstractTableModel):
    """Editable rows of tags with per-cell validation."""

    errorsChanged = Signal(int)  # rows with at least one error
    edited = Signal()

    def __init__(self, rows: list[TagRow] | None = None, devices: dict | None = None, parent=None):
        super().__init__(parent)
        self.rows: list[TagRow] = list(rows or [])
        self.devices: dict[str, object] = devices or {}
        self.tags: list[Tag | None] = []
        self.errors: list[dict[str, str]] = []
        self._own: list[dict[str, str]] = []  # each row's errors of its own, before cross-row ones
        self.generation = 0  # bumped on every change, for views that rebuild lazily
        self._revalidate_all()

    @classmethod
    def from_tags(cls, tags, devices: dict | None = None, parent=None) -> TagTableModel:
        return cls([tag_to_row(t) for t in tags], devices, parent)

    # ---------------------------------------------------------- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(TAG_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            col = TAG_COLUMNS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column_label(col)
            if role == Qt.ItemDataRole.ToolTipRole:
                return column_tip(col)
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), TAG_COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[row].cells.get(col, "")
        err = self.errors[row].get(col)
        if err is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return err
        if role == Qt.ItemDataRole.BackgroundRole:
            return ERROR_BG
        if role == Qt.ItemDataRole.ForegroundRole:
            return ERROR_FG
        return None

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self.set_cells([index.row()], {TAG_COLUMNS[index.column()]: str(value if value is not None else "")})
        return True

    # ---------------------------------------------------------- editing
    def set_cells(self, rows: list[int], values: dict[str, str]) -> None:
        """Set columns of several rows at once (bulk edit); one validation pass."""
        rows = sorted(set(rows))
        if not rows:
            return
        for r in rows:
            self.rows[r].cells.update(values)
        self._changed(rows)

    def set_extra(self, row: int, key: str, value) -> None:
        extra = self.rows[row].extra
        if value:
            extra[key] = value
        else:
            extra.pop(key, None)
        self._changed([row])

    def add_row(self, cells: dict[str, str] | None = None, at: int | None = None) -> int:
        at = len(self.rows) if at is None else at
        c = dict.fromkeys(TAG_COLUMNS, "")
        c.update(cells or {})
        self.beginInsertRows(QModelIndex(), at, at)
        self.rows.insert(at, TagRow(c, {}))
        self.tags.insert(at, None)
        self.errors.insert(at, {})
        self._own.insert(at, {})
        self.endInsertRows()
        self._changed([at])
        return at

    def add_tags(self, tags) -> None:
        """Append rows made from `tags` (checked like typed rows)."""
        if not tags:
            return
        at = len(self.rows)
        self.beginInsertRows(QModelIndex(), at, at + len(tags) - 1)
        for t in tags:
            self.rows.append(tag_to_row(t))
            self.tags.append(None)
            self.errors.append({})
            self._own.append({})
        self.endInsertRows()
        self._changed(list(range(at, at + len(tags))))

    def remove_rows(self, rows: list[int]) -> None:
        for r in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), r, r)
            del self.rows[r], self.tags[r], self.errors[r], self._own[r]
            self.endRemoveRows()
        self._changed([])

    def replace_tags(self, tags) -> None:
        self.beginResetModel()
        self.rows = [tag_to_row(t) for t in tags]
        self._revalidate_all(emit=False)
        self.endResetModel()
        self.generation += 1
        self.errorsChanged.emit(self.error_rows())
        self.edited.emit()

    def set_devices(self, devices: dict[str, dict]) -> None:
        """Device settings as plain data (name -> fields): addresses are checked per protocol."""
        self.devices = {name: SimpleNamespace(**d) for name, d in devices.items()}
        self._revalidate_all()

    def rename_device(self, old: str, new: str) -> None:
        rows = [i for i, r in enumerate(self.rows) if r.cells.get("device") == old]
        if rows:
            self.set_cells(rows, {"device": new})

    # ---------------------------------------------------------- validation
    def _check_row(self, r: int) -> None:
        tag, errs = row_to_tag(self.rows[r], self.devices)
        self.tags[r] = tag
        e: dict[str, str] = {}
        for col, msg in errs:
            e[col] = f"{e[col]}\n{msg}" if col in e else msg
        self.errors[r] = e

    def _cross(self) -> list[dict[str, str]]:
        """Errors between rows: duplicate names and overlapping reads."""
        cross: list[dict[str, str]] = [{} for _ in self.rows]
        first: dict[str, int] = {}
        for i, row in enumerate(self.rows):
            name = row.cells.get("name", "").strip()
            if not name:
                continue
            if name in first:
                text = QCoreApplication.translate(
                    "tag_model", "duplicate tag name {name} (first on row {row})"
                )
                cross[i]["name"] = text.format(name=repr(name), row=first[name] + 1)
            else:
                first[name] = i
        refs = [tag_ref(r.cells) for r in self.rows]
        for i, j, msg in find_overlaps(refs, self.devices):
            cross[i].setdefault(
                "address",
                QCoreApplication.translate("tag_model", "{message} on row {row}").format(
                    message=msg, row=j + 1
                ),
            )
        return cross

    def _revalidate_all(self, emit: bool = True) -> None:
        self.tags = [None] * len(self.rows)
        self.errors = [{} for _ in self.rows]
        for r in range(len(self.rows)):
            self._check_row(r)
        self._own = [dict(e) for e in self.errors]
        self._merge_cross()
        if emit and self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(TAG_COLUMNS) - 1))
            self.generation += 1
            self.errorsChanged.emit(self.error_rows())

    def _merge_cross(self) -> list[int]:
        """Combine each row's own errors with the errors between rows; rows whose errors changed."""
        cross = self._cross()
        changed = []
        for i, own in enumerate(self._own):
            merged = dict(own)
            for col, msg in cross[i].items():
                merged[col] = f"{merged[col]}\n{msg}" if col in merged else msg
            if merged != self.errors[i]:
                changed.append(i)
            self.errors[i] = merged
        return changed

    def _changed(self, rows: list[int]) -> None:
        for r in rows:
            self._check_row(r)
            self._own[r] = dict(self.errors[r])
        touched = set(rows) | set(self._merge_cross())
        if touched:
            # bounded: one range from the first to the last row touched
            self.dataChanged.emit(self.index(min(touched), 0), self.index(max(touched), len(TAG_COLUMNS) - 1))
        self.generation += 1
        self.errorsChanged.emit(self.error_rows())
        self.edited.emit()

    # ---------------------------------------------------------- reading
    def error_rows(self) -> int:
        return sum(1 for e in self.errors if e)

    def row_errors(self) -> list[str]:
        out = []
        for i, e in enumerate(self.errors):
            name = self.rows[i].cells.get("name", "") or QCoreApplication.translate("tag_model", "(no name)")
            text = QCoreApplication.translate("tag_model", "tag row {row} {name}, {column}: {message}")
            out.extend(
                text.format(row=i + 1, name=name, column=column_label(col), message=msg)
                for col, msg in e.items()
            )
        return out

    def valid_tags(self) -> list[Tag]:
        return [t for t in self.tags if t is not None]

    def names(self) -> list[str]:
        return [r.cells.get("name", "") for r in self.rows]

    def row_of(self, name: str) -> int | None:
        for i, r in enumerate(self.rows):
            if r.cells.get("name") == name:
                return i
        return None

    def column(self, name: str) -> int:
        return TAG_COLUMNS.index(name)


class TagFilterProxy(QSortFilterProxyModel):
    """Free-text filter over every column, optionally only rows with an error."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = ""
        self.errors_only = False
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_errors_only(self, on: bool) -> None:
        self.beginFilterChange()
        self.errors_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, parent) -> bool:  # noqa: N802
        m = self.sourceModel()
        if self.errors_only and not m.errors[source_row]:
            return False
        if not self.text:
            return True
        cells = m.rows[source_row].cells
        return any(self.text in (cells.get(c) or "").lower() for c in TAG_COLUMNS)
