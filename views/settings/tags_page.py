"""Tags page: the tag table with its filter, bulk edit, add/remove, CSV import and export, and
the commissioning helpers: Probe (read a Modbus address, decode it every way) and Browse… (pick
an OPC UA node from the server's address space)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.config.tag_rows import TAG_COLUMNS, TYPES, WORD_ORDERS, export_tags_csv, import_tags_csv
from views.settings.forms import ErrorsDialog, page_header, set_state
from views.settings.tag_model import TagFilterProxy, TagTableModel, column_label

COLUMN_WIDTHS = {
    "name": 210,
    "description": 300,
    "unit": 90,
    "device": 100,
    "address": 150,
    "type": 80,
    "word_order": 90,
    "area": 120,
    "message": 200,
}
CHOICES = {"type": ("", *TYPES), "word_order": ("", *WORD_ORDERS), "state": ("", "true", "false")}


class _Delegate(QStyledItemDelegate):
    """Choices as combo boxes (type, word order, state, device); text elsewhere."""

    def __init__(self, devices_of, parent=None):
        super().__init__(parent)
        self.devices_of = devices_of

    def createEditor(self, parent, option, index):  # noqa: N802
        col = TAG_COLUMNS[index.column()]
        items = CHOICES.get(col) or (("", *self.devices_of()) if col == "device" else None)
        if items is None:
            return super().createEditor(parent, option, index)
        w = QComboBox(parent)
        w.addItems(list(items))
        return w

    def setEditorData(self, editor, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class TagsPage(QWidget):
    """The tag table editor."""

    importFailed = Signal(list)

    def __init__(self, model: TagTableModel, devices: list[dict], base_cfg, runner, parent=None):
        super().__init__(parent)
        self.model, self.devices, self.base_cfg, self.runner = model, devices, base_cfg, runner
        self.last_import_errors: list[str] = []
        self.last_probe = None
        self.errors_dialog: ErrorsDialog | None = None

        self.proxy = TagFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.table = QTableView()
        self.table.setObjectName("tagTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setItemDelegate(_Delegate(lambda: [d.get("name", "") for d in self.devices], self.table))
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setMinimumSectionSize(44)
        fm = self.table.fontMetrics()
        for i, col in enumerate(TAG_COLUMNS):
            width = fm.horizontalAdvance(column_label(col)) + 28
            self.table.setColumnWidth(i, max(COLUMN_WIDTHS.get(col, 0), width))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.filter = QLineEdit()
        self.filter.setObjectName("tagFilter")
        self.filter.setPlaceholderText(self.tr("Filter: name, description, address, device, area…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.errors_only = QCheckBox(self.tr("Errors only"))
        self.errors_only.toggled.connect(self.proxy.set_errors_only)
        self.count = QLabel("")
        self.count.setObjectName("pageHint")
        add = QPushButton(self.tr("Add"))
        add.setToolTip(self.tr("A new tag after the selected one"))
        add.clicked.connect(self.add_tag)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self.remove_selected)
        imp = QPushButton(self.tr("Import CSV…"))
        imp.clicked.connect(self._ask_import)
        exp = QPushButton(self.tr("Export CSV…"))
        exp.clicked.connect(self._ask_export)
        self.probe_button = QPushButton(self.tr("Probe"))
        self.probe_button.setToolTip(
            self.tr("Read the selected Modbus tag's address and decode it in every type and word order")
        )
        self.probe_button.clicked.connect(self.probe_selected)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setToolTip(
            self.tr("Pick the selected OPC UA tag's node from the server's address space")
        )
        self.browse_button.clicked.connect(self.browse_selected)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.errors_only)
        top.addWidget(self.count)
        actions = QHBoxLayout()
        for b in (add, remove, imp, exp):
            actions.addWidget(b)
        actions.addSpacing(16)
        actions.addWidget(self.probe_button)
        actions.addWidget(self.browse_button)
        actions.addStretch(1)

        self.bulk_column = QComboBox()
        for c in TAG_COLUMNS:
            if c != "name":
                self.bulk_column.addItem(column_label(c), c)
        self.bulk_column.setCurrentIndex(max(self.bulk_column.findData("area"), 0))
        self.bulk_value = QLineEdit()
        self.bulk_value.setPlaceholderText(self.tr("value (empty clears)"))
        self.bulk_button = QPushButton(self.tr("Set for selected"))
        self.bulk_button.clicked.connect(
            lambda: self.bulk_set(self.bulk_column.currentData(), self.bulk_value.text())
        )
        bulk = QHBoxLayout()
        bulk.addWidget(QLabel(self.tr("Bulk edit:")))
        bulk.addWidget(self.bulk_column)
        bulk.addWidget(self.bulk_value, 1)
        bulk.addWidget(self.bulk_button)

        self.status = QLabel("")
        self.status.setObjectName("tagStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        lay = QVBoxLayout(self)
        lay.addWidget(
            page_header(
                self.tr("Tags"),
                self.tr(
                    "Double-click a cell to edit. A red cell cannot be used: its tooltip says why. "
                    "Select several rows to set one column for all of them."
                ),
            )
        )
        lay.addLayout(top)
        lay.addLayout(actions)
        lay.addWidget(self.table, 1)
        lay.addLayout(bulk)
        lay.addWidget(self.status)
        model.errorsChanged.connect(self._update_count)
        model.modelReset.connect(self._update_count)
        model.rowsInserted.connect(self._update_count)
        model.rowsRemoved.connect(self._update_count)
        self._update_count()
        self._selection_changed()

    # ---------------------------------------------------------- selection
    def selected_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return sorted(rows)

    def select_rows(self, rows: list[int]) -> None:
        sm = self.table.selectionModel()
        sm.clearSelection()
        for r in rows:
            idx = self.proxy.mapFromSource(self.model.index(r, 0))
            if idx.isValid():
                sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        if rows:
            idx = self.proxy.mapFromSource(self.model.index(rows[0], 0))
            self.table.scrollTo(idx)
            sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)

    def _device_of_row(self, r: int) -> dict | None:
        name = self.model.rows[r].cells.get("device", "")
        return next((d for d in self.devices if d.get("name") == name), None)

    def _selection_changed(self, *_a) -> None:
        rows = self.selected_rows()
        dev = self._device_of_row(rows[0]) if len(rows) == 1 else None
        proto = dev.get("protocol") if dev else None
        self.probe_button.setEnabled(proto == "modbus-tcp")
        self.browse_button.setEnabled(proto == "opcua")
        self.bulk_button.setEnabled(bool(rows))

    def _update_count(self, *_a) -> None:
        n, bad = len(self.model.rows), self.model.error_rows()
        text = self.tr("{n} tags, {bad} with errors") if bad else self.tr("{n} tags")
        self.count.setText(text.format(n=n, bad=bad))
        set_state(self.count, "fail" if bad else "")

    # ---------------------------------------------------------- editing
    def add_tag(self) -> int:
        rows = self.selected_rows()
        at = rows[-1] + 1 if rows else len(self.model.rows)
        dev = self.devices[0].get("name", "") if self.devices else ""
        names = set(self.model.names())
        n = len(self.model.rows) + 1
        while f"NEW.TAG{n}" in names:
            n += 1
        r = self.model.add_row({"name": f"NEW.TAG{n}", "device": dev, "scale": "1", "offset": "0"}, at)
        self.select_rows([r])
        return r

    def remove_selected(self) -> None:
        self.model.remove_rows(self.selected_rows())

    def bulk_set(self, column: str, value: str) -> int:
        rows = self.selected_rows()
        if column not in TAG_COLUMNS or column == "name" or not rows:
            return 0
        self.model.set_cells(rows, {column: value.strip()})
        shown = value.strip() or self.tr("(empty)")
        text = self.tr("{column} set to {value} on {n} tags")
        self.status.setText(text.format(column=column_label(column), value=shown, n=len(rows)))
        set_state(self.status, "")
        return len(rows)

    # ---------------------------------------------------------- CSV
    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import tags"), "", self.tr("CSV files (*.csv);;All files (*)")
        )
        if path:
            self.import_csv(path)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export tags"), "tags.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_csv(path)

    def import_csv(self, path: str | Path) -> bool:
        """Replace the tag list with the CSV's rows when all are valid; else list every error."""
        cfg = self.base_cfg.model_copy(update={"tags": self.model.valid_tags()})
        from views.settings.devices_page import valid_devices

        tags, errors = import_tags_csv(Path(path), cfg, valid_devices(self.devices))
        self.last_import_errors = errors
        if errors:
            text = self.tr("Nothing imported from {file}: {n} errors")
            self.status.setText(text.format(file=Path(path).name, n=len(errors)))
            set_state(self.status, "fail")
            self.errors_dialog = ErrorsDialog(
                self.tr("Import tags"),
                self.tr("{file}: nothing was imported. Fix these rows and import again.").format(
                    file=Path(path).name
                ),
                errors,
                self,
            )
            self.errors_dialog.show()
            self.importFailed.emit(errors)
            return False
        self.model.replace_tags(tags)
        self.status.setText(
            self.tr("{n} tags imported from {file}").format(n=len(tags), file=Path(path).name)
        )
        set_state(self.status, "ok")
        return True

    def export_csv(self, path: str | Path) -> None:
        tags = self.model.valid_tags()
        export_tags_csv(tags, path)
        skipped = len(self.model.rows) - len(tags)
        if skipped:
            text = self.tr("{n} tags exported to {file} ({skipped} with errors left out)")
        else:
            text = self.tr("{n} tags exported to {file}")
        self.status.setText(text.format(n=len(tags), file=Path(path).name, skipped=skipped))
        set_state(self.status, "fail" if skipped else "ok")

    # ---------------------------------------------------------- probe / browse
    def _selected_device(self, failed: str):
        """The one selected row and its device, validated; None when not exactly one row is
        selected, or when the device does not validate (then `failed`, formatted with the row's
        device name and the error, shows in the status line)."""
        rows = self.selected_rows()
        if len(rows) != 1:
            return None
        from views.settings.devices_page import device_model

        r = rows[0]
        try:
            return r, device_model(self._device_of_row(r) or {})
        except Exception as exc:
            device = repr(self.model.rows[r].cells.get("device"))
            self._show_status(False, failed.format(device=device, error=exc))
            return None

    def probe_selected(self) -> None:
        picked = self._selected_device(self.tr("device {device}: {error}"))
        if picked is None:
            return
        from devices.probe import probe_modbus

        r, dev = picked
        cells = self.model.rows[r].cells
        address = cells.get("address", "").strip()
        self.probe_button.setEnabled(False)
        self.status.setText(
            self.tr("Reading {address} from {device}…").format(address=address, device=dev.name)
        )
        set_state(self.status, "busy")
        self.runner.run(lambda: probe_modbus(dev, address), lambda ok, res: self._probed(ok, res, cells))

    def _probed(self, ok: bool, result, cells: dict) -> None:
        self._selection_changed()
        if not ok:
            self._show_status(False, self.tr("Probe failed: {error}").format(error=result))
            return
        self.last_probe = result
        text = self.tr("Read {address} in {ms} ms").format(
            address=result.address, ms=f"{result.round_trip_ms:.1f}"
        )
        self._show_status(True, text)
        dlg = ProbeDialog(result, cells.get("type") or "uint16", cells.get("word_order") or "", self)
        dlg.show()
        self.probe_dialog = dlg

    def _show_status(self, ok: bool, text: str) -> None:
        self.status.setText(text)
        set_state(self.status, "ok" if ok else "fail")

    def browse_selected(self) -> None:
        picked = self._selected_device(self.tr("device: {error}"))
        if picked is None:
            return
        r, dev = picked
        dlg = BrowseDialog(dev, self.runner, self)
        dlg.nodePicked.connect(lambda node, r=r: self.model.set_cells([r], {"address": node}))
        dlg.show()
        self.browse_dialog = dlg


class ProbeDialog(QDialog):
    """The raw registers at an address and their value read as every type in both word orders."""

    def __init__(self, result, tag_type: str, tag_order: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Probe {address}").format(address=result.address))
        lay = QVBoxLayout(self)
        if result.registers:
            regs = "  ".join(f"{r} (0x{r:04X})" for r in result.registers)
            lay.addWidget(
                QLabel(
                    self.tr("Registers from {address}: {registers}").format(
                        address=result.address, registers=regs
                    )
                )
            )
            model = QStandardItemModel(0, 3, self)
            model.setHorizontalHeaderLabels(
                [self.tr("type"), self.tr("big (ABCD)"), self.tr("little (CDAB)")]
            )
            for ty in ("uint16", "int16", "uint32", "int32", "float32", "float64"):
                big = result.decoded.get((ty, "big"))
                little = result.decoded.get((ty, "little"), big if ty in ("uint16", "int16") else None)
                items = [QStandardItem(ty)] + [
                    QStandardItem("" if v is None else f"{v:.6g}") for v in (big, little)
                ]
                if ty == tag_type:
                    for it in items:
                        f = it.font()
                        f.setBold(True)
                        it.setFont(f)
                model.appendRow(items)
            view = QTableView()
            view.setModel(model)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            lay.addWidget(view)
            bits = "".join("1" if b else "0" for b in reversed(result.bits))
            lay.addWidget(QLabel(self.tr("Bits of the first register (15…0): {bits}").format(bits=bits)))
        else:
            on = result.bits and result.bits[0]
            lay.addWidget(QLabel(f"{result.address}: {self.tr('ON') if on else self.tr('OFF')}"))
        ms = f"{result.round_trip_ms:.1f}"
        if tag_order:
            text = self.tr("Round trip {ms} ms. The tag reads it as {type}, {order} word order.")
        else:
            text = self.tr("Round trip {ms} ms. The tag reads it as {type}.")
        lay.addWidget(QLabel(text.format(ms=ms, type=tag_type, order=tag_order)))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self.resize(520, 360)


class BrowseDialog(QDialog):
    """An OPC UA address-space browser: expand folders, pick a variable's node id (nsu= form)."""

    nodePicked = Signal(str)
    ROLE_NODE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, device, runner, parent=None):
        super().__init__(parent)
        self.device, self.runner = device, runner
        self.setWindowTitle(self.tr("Browse {endpoint}").format(endpoint=device.endpoint))
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("name"), self.tr("class"), self.tr("data type"), self.tr("node id")]
        )
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setColumnWidth(0, 220)
        self.tree.setColumnWidth(1, 80)
        self.tree.setColumnWidth(2, 90)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.expanded.connect(self._expand)
        self.tree.doubleClicked.connect(lambda _i: self.pick())
        self.status = QLabel(self.tr("Connecting…"))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.pick)
        box.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.status)
        lay.addWidget(box)
        self.resize(760, 480)
        self.loaded: set[str] = set()
        self.load(None, self.model.invisibleRootItem())

    def load(self, node: str | None, parent_item: QStandardItem) -> None:
        from devices.probe import browse_opcua

        dev = self.device
        self.runner.run(
            lambda: browse_opcua(dev, node, dev.timeout_ms / 1000),
            lambda ok, res: self._loaded(ok, res, parent_item),
        )

    def _loaded(self, ok: bool, result, parent_item: QStandardItem) -> None:
        if not ok:
            self.status.setText(self.tr("Browse failed: {error}").format(error=result))
            set_state(self.status, "fail")
            return
        parent_item.removeRows(0, parent_item.rowCount())
        for e in result:
            name = QStandardItem(e.browse_name)
            name.setData(e.node_id, self.ROLE_NODE)
            row = [name, QStandardItem(e.node_class), QStandardItem(e.data_type), QStandardItem(e.node_id)]
            if e.has_children:
                name.appendRow([QStandardItem("…")])
            parent_item.appendRow(row)
        self.status.setText(self.tr("{n} nodes").format(n=len(result)))
        set_state(self.status, "")

    def _expand(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(index.siblingAtColumn(0))
        node = item.data(self.ROLE_NODE)
        if node and node not in self.loaded:
            self.loaded.add(node)
            self.load(node, item)

    def pick(self) -> None:
        idx = self.tree.currentIndex()
        if not idx.isValid():
            return
        item = self.model.itemFromIndex(idx.siblingAtColumn(0))
        cls = self.model.itemFromIndex(idx.siblingAtColumn(1))
        node = item.data(self.ROLE_NODE) if item else None
        if node and cls is not None and cls.text() == "Variable":
            self.nodePicked.emit(node)
            self.accept()
        else:
            self.status.setText(self.tr("Pick a variable"))
