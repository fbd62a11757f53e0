"""Tag browser: every tag of the plant, grouped by area or device, with its live value.

A two-level item model (groups, then tags) behind a recursive filter proxy. Live values are
pushed as whole arrays; only the value cells that changed are announced, in one bounded
`dataChanged` per group. Double-click or drag a tag to trend it; its context menu offers
"Write value…", enabled as `write_check` says.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTreeView,
    QWidget,
)

from app.evaluation.integrity import reason_text
from core.formatting import format_number
from core.messages import render
from core.samples import Quality
from widgets.layouts import hbox, vbox
from widgets.plant_words import WORDS

TAG_MIME = "application/x-forewarn-tag"
COLUMNS = (
    QT_TRANSLATE_NOOP("tag_browser", "Tag"),
    QT_TRANSLATE_NOOP("tag_browser", "Value"),
    QT_TRANSLATE_NOOP("tag_browser", "Unit"),
    QT_TRANSLATE_NOOP("tag_browser", "Description"),
)
COL_NAME, COL_VALUE, COL_UNIT, COL_DESC = range(4)
TAG_ROLE = Qt.ItemDataRole.UserRole
_NO_PARENT = 0xFFFFFFFF


def _value_text(value: float, quality: int, is_bool: bool) -> str:
    if quality == Quality.BAD or not math.isfinite(value):
        return "?"
    if is_bool:
        if value >= 0.5:
            return QCoreApplication.translate("tag_browser", "ON")
        return QCoreApplication.translate("tag_browser", "OFF")
    return format_number(value)


class TagTreeModel(QAbstractItemModel):
    """Groups (area or device) -> tags. Internal id: group row for tags, _NO_PARENT for groups."""

    def __init__(self, tags, parent=None):
        super().__init__(parent)
        self.tags = list(tags)
        n = len(self.tags)
        self.value = np.full(n, np.nan)
        self.quality = np.zeros(n, dtype=np.uint8)
        self.is_bool = [t.is_bool for t in self.tags]
        self.groups: list[tuple[str, list[int]]] = []
        self.where = np.zeros((n, 2), dtype=np.int64)  # tag -> (group row, row in group)
        # () -> why each tag is not good (QualityReason per tag), e.g. Engine.quality_reasons;
        # asked only for a tooltip
        self.reasons = None
        self.set_grouping("area")

    def set_grouping(self, by: str) -> None:
        self.beginResetModel()
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(self.tags):
            key = (t.area if by == "area" else t.device) or self.tr("(none)")
            groups.setdefault(key, []).append(i)
        self.groups = list(groups.items())
        for g, (_name, members) in enumerate(self.groups):
            for r, i in enumerate(members):
                self.where[i] = (g, r)
        self.endResetModel()

    def _integrity_tip(self, i: int) -> str:
        """Why the value is not good (the quality stage's reason) and the calibration due date."""
        lines = []
        q = int(self.quality[i])
        if q != Quality.GOOD:
            label = self.tr("bad") if q == Quality.BAD else self.tr("uncertain")
            why = reason_text(self.reasons()[i]) if self.reasons is not None else None
            if why is not None:
                lines.append(
                    self.tr("quality {quality}: {reason}").format(
                        quality=label, reason=render(why, QCoreApplication.translate)
                    )
                )
            else:
                lines.append(self.tr("quality {quality}").format(quality=label))
        due = self.tags[i].calibration_due
        if due is not None:
            if due < date.today():
                lines.append(self.tr("calibration overdue since {date}").format(date=due.isoformat()))
            else:
                lines.append(self.tr("calibration due {date}").format(date=due.isoformat()))
        return "".join("\n" + x for x in lines)

    # ------------------------------------------------------------ live values
    def update_values(self, value: np.ndarray, quality: np.ndarray) -> None:
        n = len(self.tags)
        value, quality = value[:n], quality[:n]
        same = ((value == self.value) | (np.isnan(value) & np.isnan(self.value))) & (quality == self.quality)
        changed = np.flatnonzero(~same)
        if not len(changed):
            return
        self.value[changed] = value[changed]
        self.quality[changed] = quality[changed]
        groups = self.where[changed]
        for g in np.unique(groups[:, 0]):
            rows = groups[groups[:, 0] == g, 1]
            parent = self.index(int(g), 0)
            self.dataChanged.emit(
                self.index(int(rows.min()), COL_VALUE, parent),
                self.index(int(rows.max()), COL_VALUE, parent),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole],
            )

    # ------------------------------------------------------------ Qt model
    def index(self, row, column, parent=QModelIndex()):  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _NO_PARENT)
        return self.createIndex(row, column, parent.row())

    def parent(self, index=QModelIndex()):  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        g = index.internalId()
        if g == _NO_PARENT:
            return QModelIndex()
        return self.createIndex(int(g), 0, _NO_PARENT)

    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _NO_PARENT and parent.column() == 0:
            return len(self.groups[parent.row()][1])
        return 0

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("tag_browser", COLUMNS[section])
        return None

    def tag_of(self, index: QModelIndex) -> int | None:
        if not index.isValid() or index.internalId() == _NO_PARENT:
            return None
        return self.groups[int(index.internalId())][1][index.row()]

    def flags(self, index):
        f = super().flags(index)
        if self.tag_of(index) is not None:
            f |= Qt.ItemFlag.ItemIsDragEnabled
        return f

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = index.column()
        i = self.tag_of(index)
        if i is None:
            name, members = self.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and col == COL_NAME:
                return f"{name}  ({len(members)})"
            return None
        t = self.tags[i]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return t.name
            if col == COL_VALUE:
                return _value_text(float(self.value[i]), int(self.quality[i]), self.is_bool[i])
            if col == COL_UNIT:
                return t.unit
            if col == COL_DESC:
                return WORDS.description(t.description)
        elif role == TAG_ROLE:
            return i
        elif role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tr("{name}\n{description}\ndevice {device}").format(
                name=t.name, description=WORDS.description(t.description), device=t.device
            )
            tip += self.tr(", area {area}").format(area=t.area) if t.area else ""
            return tip + self._integrity_tip(i)
        elif role == Qt.ItemDataRole.TextAlignmentRole and col == COL_VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ForegroundRole and col == COL_VALUE:
            q = int(self.quality[i])
            if q == Quality.BAD:
                return QBrush(QColor("#8a8d91"))
            if q == Quality.UNCERTAIN:
                return QBrush(QColor("#c8b98a"))
        return None

    def mimeTypes(self):
        return [TAG_MIME, "text/plain"]

    def mimeData(self, indexes):
        tags = sorted({t for t in (self.tag_of(i) for i in indexes) if t is not None})
        md = QMimeData()
        md.setData(TAG_MIME, ",".join(str(t) for t in tags).encode())
        md.setText("\n".join(self.tags[t].name for t in tags))
        return md


class TagFilterProxy(QSortFilterProxyModel):
    """Matches tag name, description or unit; keeps a group when any of its tags matches."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


class TagBrowser(QWidget):
    """Filterable tag tree; double-click (or Enter) emits `tagActivated(tag index)`, the context
    menu's "Write value…" `writeRequested(tag index)`."""

    tagActivated = Signal(int)
    writeRequested = Signal(int)

    def __init__(self, tags, parent=None):
        super().__init__(parent)
        self.setObjectName("tagBrowser")
        self.model = TagTreeModel(tags, self)
        self.proxy = TagFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter tags"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.group_box = QComboBox(self)
        self.group_box.addItem(self.tr("By area"), "area")
        self.group_box.addItem(self.tr("By device"), "device")
        self.group_box.currentIndexChanged.connect(self._regroup)

        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setIndentation(12)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(COL_NAME, 160)
        self.view.setColumnWidth(COL_VALUE, 58)
        self.view.setColumnWidth(COL_UNIT, 48)
        self.view.activated.connect(self._activated)
        self.view.expandAll()
        # tag index -> (may write, why not); None: writes are not offered by this window
        self.write_check = None
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        top = hbox((self.filter_edit, 1), self.group_box, margins=0)
        vbox(top, (self.view, 1), margins=4, spacing=4, parent=self)

    def update_values(self, value: np.ndarray, quality: np.ndarray) -> None:
        self.model.update_values(value, quality)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.view.expandAll()

    def _regroup(self, _i: int) -> None:
        self.model.set_grouping(self.group_box.currentData())
        self.view.expandAll()

    def context_menu(self, tag: int) -> QMenu:
        """The menu of one tag: trend it, write a value (disabled with the reason as tooltip)."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        menu.addAction(self.tr("Trend"), lambda: self.tagActivated.emit(tag))
        write = menu.addAction(self.tr("Write value…"), lambda: self.writeRequested.emit(tag))
        write.setObjectName("writeValueAction")
        allowed, why = self.write_check(tag) if self.write_check is not None else (False, "")
        write.setEnabled(allowed)
        if allowed:
            write.setToolTip(self.tr("Write a value to the device; you confirm it before it is sent"))
        else:
            write.setToolTip(why or self.tr("Writes are not available here"))
        return menu

    def _context_menu(self, pos) -> None:
        tag = self.model.tag_of(self.proxy.mapToSource(self.view.indexAt(pos)))
        if tag is None:
            return
        menu = self.context_menu(tag)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _activated(self, index: QModelIndex) -> None:
        tag = self.model.tag_of(self.proxy.mapToSource(index))
        if tag is not None:
            self.tagActivated.emit(tag)
