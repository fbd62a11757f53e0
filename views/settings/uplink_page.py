"""Regulator points page: the point catalogue of the regulator link (`uplink: {points: ...}`),
which tags are reported under which regulator code and indicator type, with the limits, unit,
range, equipment, hazard source and calibration date (left empty: the tag's own). Edited in the
table or replaced by a CSV import that answers per row, like the tag table; the profile's checks
(indicator types, code pattern, tags and hazard sources of the draft) are shown as you type.
Applied with the rest of the settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from app.config.load import ConfigError
from app.uplink.catalogue import POINT_COLUMNS, check_catalogue, export_points_csv, import_points_csv
from app.uplink.profile import load_profile
from core.schema.uplink import UplinkPoint
from views.settings.forms import ErrorsDialog, page_header, set_state
from widgets.row_model import RowTableModel


class PointsTableModel(RowTableModel):
    """The catalogue as editable rows of text (the plant file's `points`, plain dicts); the
    headers are the CSV's column names."""

    columns = POINT_COLUMNS
    changed = Signal()

    def __init__(self, points: list[dict], parent=None):
        super().__init__(parent)
        self.points = points

    def row_list(self) -> list[dict]:
        return self.points

    def header(self, section: int) -> str:
        return self.columns[section]

    def cell(self, item: dict, col: int, role: int):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        v = item.get(POINT_COLUMNS[col])
        return "" if v is None else str(v)

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        col = POINT_COLUMNS[index.column()]
        text = str(value).strip()
        row = self.points[index.row()]
        if text:
            row[col] = text
        else:
            row.pop(col, None)
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True

    def replace(self, points: list[dict]) -> None:
        self.beginResetModel()
        self.points[:] = points
        self.endResetModel()
        self.changed.emit()

    def add(self) -> None:
        n = len(self.points)
        self.beginInsertRows(QModelIndex(), n, n)
        self.points.append({"tag": "", "code": "", "indicator": ""})
        self.endInsertRows()
        self.changed.emit()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.points):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.points[row]
            self.endRemoveRows()
            self.changed.emit()


class UplinkPage(QWidget):
    """Edits the draft's `uplink` section's points in place (see the module docstring)."""

    changed = Signal()

    def __init__(self, uplink: dict, config_for_checks, parent=None):
        super().__init__(parent)
        self.uplink = uplink
        self.config_for_checks = config_for_checks  # () -> the draft's plant, for the checks
        points = uplink.setdefault("points", [])
        self.model = PointsTableModel(points, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self)
        self.status.setObjectName("pageHint")
        self.status.setWordWrap(True)
        self.errors_dialog: ErrorsDialog | None = None
        self.last_import_errors: list[str] = []
        buttons = QHBoxLayout()
        for text, slot in (
            (self.tr("Add point"), self.model.add),
            (self.tr("Remove point"), lambda: self.model.remove(self.table.currentIndex().row())),
            (self.tr("Import CSV…"), self._ask_import),
            (self.tr("Export CSV…"), self._ask_export),
        ):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(
            page_header(
                self.tr("Regulator points"),
                self.tr(
                    "Tags reported to the regulator's early-warning platform, under its codes and indicator "
                    "types; an empty cell takes the tag's own unit, range, limits and hazard source."
                ),
            )
        )
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.model.changed.connect(self.check)
        self.model.changed.connect(self.changed)
        self.check()

    def problems(self) -> list[str]:
        """The catalogue's problems against the profile and the draft's plant, one a line."""
        out, valid = [], []
        for n, p in enumerate(self.model.points):
            try:
                valid.append(UplinkPoint.model_validate(p))
            except ValidationError as exc:
                out += [f"points[{n}].{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        try:
            profile = load_profile(self.uplink.get("profile") or "steel")
        except ConfigError as exc:
            return out + [str(i) for i in exc.issues]
        return out + [
            f"{'.'.join(map(str, loc[1:]))}: {msg}"
            for loc, msg in check_catalogue(self.config_for_checks(), profile, valid)
        ]

    def check(self) -> None:
        problems = self.problems()
        extra = self.uplink.get("points_csv")
        note = self.tr("More points come from {file}.").format(file=extra) + " " if extra else ""
        if problems:
            self.status.setText(
                note + self.tr("{n} problems: {first}").format(n=len(problems), first=problems[0])
            )
        else:
            self.status.setText(note + self.tr("{n} points reported.").format(n=len(self.model.points)))
        set_state(self.status, "fail" if problems else "")

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import regulator points"), "", self.tr("CSV files (*.csv);;All files (*)")
        )
        if path:
            self.import_csv(path)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export regulator points"), "uplink_points.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_csv(path)

    def import_csv(self, path: str) -> bool:
        """Replace the points by the CSV's; with any row error, nothing changes and every error is listed."""
        points, errors = import_points_csv(Path(path))
        self.last_import_errors = errors
        if errors:
            self.errors_dialog = ErrorsDialog(
                self.tr("Import regulator points"),
                self.tr("{file}: nothing was imported. Fix these rows and import again.").format(
                    file=Path(path).name
                ),
                errors,
                self,
            )
            self.errors_dialog.show()
            return False
        self.model.replace([p.model_dump(mode="json", exclude_defaults=True) for p in points])
        return True

    def export_csv(self, path: str) -> None:
        valid = []
        for p in self.model.points:
            try:
                valid.append(UplinkPoint.model_validate(p))
            except ValidationError:
                continue
        export_points_csv(valid, path)
