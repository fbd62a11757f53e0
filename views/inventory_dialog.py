"""The risk inventory (风险分级管控清单): every risk point of every hazard source with its
evaluation, level, the level responsible for it and its control measures; add or change one
(a new version), remove one, import a CSV (UTF-8 or GB 18030: the bad rows listed by line) and
export one. Every change goes through app.dual_prevention.inventory.Inventory (stored and audited).

`InventoryPanel` is the one widget of it: the Plant menu's "Risk inventory…" window
(`InventoryDialog`, the panel and Close) and the Settings dialog's "Risk inventory" page
(views/settings/dialog.py) both show it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.dual_prevention.inventory import MEASURE_KINDS, MEASURE_TEXT, RiskPoint
from core.alarm_types import ROMAN
from core.messages import QT_TRANSLATE_NOOP
from views import i18n
from views.list_dialog import ItemsModel, ListPanel
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.row_model import ALIGN_NUMBER


class PointForm(QDialog):
    """Add or change a risk point."""

    def __init__(self, hazards: list[str], point: RiskPoint | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("pointForm")
        self.setWindowTitle(self.tr("Risk point"))
        self.hazard = QComboBox(self)
        self.hazard.addItems(hazards)
        self.point = QLineEdit(self)
        self.activity = QLineEdit(self)
        self.method = QComboBox(self)
        self.method.addItems(["LEC", "LS"])
        self.inputs = {}
        for k in ("L", "E", "C", "S"):
            box = QDoubleSpinBox(self)
            box.setRange(0, 100)
            box.setDecimals(1)
            self.inputs[k] = box
        self.measures = {k: QLineEdit(self) for k in MEASURE_KINDS}
        form = QFormLayout(self)
        form.addRow(self.tr("Hazard source"), self.hazard)
        form.addRow(self.tr("Risk point"), self.point)
        form.addRow(self.tr("Activity"), self.activity)
        form.addRow(self.tr("Method"), self.method)
        row = QHBoxLayout()
        for k, box in self.inputs.items():
            row.addWidget(QLabel(k, self))
            row.addWidget(box)
        form.addRow(self.tr("L, E, C / L, S"), row)
        for k, edit in self.measures.items():
            form.addRow(i18n.text(MEASURE_TEXT[k]), edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        if point is not None:
            self.hazard.setCurrentText(point.hazard)
            self.point.setText(point.point)
            self.activity.setText(point.activity)
            self.method.setCurrentText(point.method)
            for k, v in point.inputs.items():
                self.inputs[k].setValue(float(v))
            for k, v in point.measures.items():
                if k in self.measures:
                    self.measures[k].setText(v)

    def values(self) -> tuple:
        method = self.method.currentText()
        keys = ("L", "E", "C") if method == "LEC" else ("L", "S")
        return (
            self.hazard.currentText(),
            self.point.text(),
            self.activity.text(),
            method,
            {k: self.inputs[k].value() for k in keys},
            {k: e.text() for k, e in self.measures.items()},
        )


class PointModel(ItemsModel):
    context = "InventoryDialog"
    columns = (
        QT_TRANSLATE_NOOP("InventoryDialog", "Level"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Hazard source"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Risk point"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Activity"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Evaluation"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Responsible"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Control measures"),
        QT_TRANSLATE_NOOP("InventoryDialog", "Version"),
    )

    def set_items(self, items) -> None:
        super().set_items(sorted(items, key=lambda p: (p.level, p.hazard, p.point)))

    def cell(self, p: RiskPoint, col: int, role: int):
        if col == 0 and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(PRIORITY_COLORS[p.level]))
        if col == 0 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(PRIORITY_TEXT[p.level]))
        if col == 7 and role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN_NUMBER
        if col == 6 and role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f"{i18n.text(MEASURE_TEXT[k])}: {v}" for k, v in p.measures.items() if v)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        inputs = " × ".join(f"{k} {v:g}" for k, v in p.inputs.items())
        return (
            ROMAN[p.level],
            p.hazard,
            p.point,
            p.activity,
            f"{p.method} {p.score:g} ({inputs})",
            i18n.text(p.responsible),
            "; ".join(v for v in p.measures.values() if v),
            str(p.version),
        )[col]


class InventoryPanel(ListPanel):
    """The risk inventory (see the module docstring); `inventory` is an Inventory, `user` who
    the changes are stored and audited under."""

    def __init__(self, inventory, user: str, parent=None):
        super().__init__(parent)
        self.setObjectName("inventoryPanel")
        self.inventory, self.user = inventory, user
        self.hazards = [h.name for h in inventory.config.hazard_sources]
        self.build(
            PointModel(self),
            [
                (self.tr("Add…"), lambda: self.open_form(None)),
                (self.tr("Change…"), lambda: self.open_form(self.selected())),
                (self.tr("Remove"), self.remove_selected),
                (self.tr("Import CSV…"), self.import_csv),
                (self.tr("Export CSV…"), self.export_csv),
            ],
            6,
        )
        self.status.setObjectName("inventoryStatus")
        self.table.doubleClicked.connect(lambda _i: self.open_form(self.selected()))
        self.form: PointForm | None = None
        self.refresh()

    def refresh(self) -> None:
        self.model.set_items(self.inventory.points())

    def open_form(self, point: RiskPoint | None) -> PointForm:
        form = PointForm(self.hazards, point, self)
        form.accepted.connect(lambda: self._save(form))
        form.open()
        self.form = form
        return form

    def _save(self, form: PointForm) -> None:
        try:
            self.inventory.save(self.user, *form.values())
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self.status.clear()
        self.refresh()

    def remove_selected(self) -> None:
        p = self.selected()
        if p is not None:
            self.inventory.remove(self.user, p.id)
            self.refresh()

    def import_csv(self, path: str | None = None) -> tuple[int, list]:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import risk inventory"), "", "CSV (*.csv)")
            if not path:
                return 0, []
        with open(path, "rb") as f:
            done, errors = self.inventory.import_csv(self.user, f.read())
        self.show_import(done, errors)
        self.refresh()
        return done, errors

    def export_csv(self, path: str | None = None, encoding: str = "utf-8-sig") -> str | None:
        if path is None:
            path, chosen = QFileDialog.getSaveFileName(
                self,
                self.tr("Export risk inventory"),
                "risk-inventory.csv",
                "CSV UTF-8 (*.csv);;CSV GB 18030 (*.csv)",
            )
            if not path:
                return None
            encoding = "gb18030" if "18030" in chosen else "utf-8-sig"
        self.inventory.export_csv(path, encoding)
        self.status.setText(self.tr("Written: {path}").format(path=path))
        return path


class InventoryDialog(QDialog):
    """The Plant menu's "Risk inventory…" window: the panel and Close."""

    def __init__(self, inventory, user: str, parent=None):
        super().__init__(parent)
        self.setObjectName("inventoryDialog")
        self.setWindowTitle(self.tr("Risk inventory"))
        self.resize(1100, 500)
        self.panel = InventoryPanel(inventory, user, self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.panel)
        lay.addWidget(close)

    def refresh(self) -> None:
        self.panel.refresh()
