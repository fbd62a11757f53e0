"""The hidden-danger register (隐患台账): every hidden danger with its grade, status, responsible
person and deadline (overdue ones in bold), and the steps of its life: Register…, Assign…
(the five 落实: measures, responsible person, funds, deadline, emergency plan), Rectified,
Accept (the acceptance sign-off), Refuse acceptance, Confirm or Dismiss a draft opened by
monitoring; and "Weekly report (PDF)…". Every step goes through
app.dual_prevention.register.Register (stored, audited, the risk updated).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
)

from app.dual_prevention.hidden_dangers import GRADE_TEXT, STATUS_TEXT, Grade, HiddenDanger, criteria
from app.dual_prevention.weekly import week_summary
from core.messages import QT_TRANSLATE_NOOP
from views import i18n
from views.list_dialog import ItemsModel, ListDialog


class DangerForm(QDialog):
    """Register a hidden danger: hazard source, description, grade and, for a major one, the
    item of the metallurgy criteria it meets."""

    def __init__(self, hazards: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("dangerForm")
        self.setWindowTitle(self.tr("Register a hidden danger"))
        self.hazard = QComboBox(self)
        self.hazard.addItems(hazards)
        self.title = QLineEdit(self)
        self.grade = QComboBox(self)
        for g in Grade:
            self.grade.addItem(i18n.text(GRADE_TEXT[g]), g.value)
        self.criterion = QComboBox(self)
        zh = i18n.current_language().startswith("zh")
        for c in criteria():
            text = f"{c.id}  {c.zh if zh else c.en}"
            self.criterion.addItem(text[:110], c.id)
            self.criterion.setItemData(
                self.criterion.count() - 1, f"{c.zh}\n{c.en}", Qt.ItemDataRole.ToolTipRole
            )
        self.grade.currentIndexChanged.connect(self._grade_changed)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Hazard source"), self.hazard)
        form.addRow(self.tr("Hidden danger"), self.title)
        form.addRow(self.tr("Grade"), self.grade)
        form.addRow(self.tr("Major hazard criterion"), self.criterion)
        form.addRow(self.buttons)
        self._grade_changed()

    def _grade_changed(self) -> None:
        self.criterion.setEnabled(self.grade.currentData() == Grade.MAJOR)

    def values(self) -> tuple:
        major = self.grade.currentData() == Grade.MAJOR
        criterion = self.criterion.currentData() if major else ""
        return self.hazard.currentText(), self.title.text().strip(), self.grade.currentData(), criterion


class AssignForm(QDialog):
    """The rectification plan: the five 落实."""

    def __init__(self, d: HiddenDanger, parent=None, *, now: float | None = None):
        super().__init__(parent)
        self.setObjectName("assignForm")
        self.setWindowTitle(self.tr("Rectification of {code}").format(code=d.code))
        self.measures = QLineEdit(d.measures, self)
        self.responsible = QLineEdit(d.responsible, self)
        self.funds = QDoubleSpinBox(self)
        self.funds.setRange(0, 1e9)
        self.funds.setDecimals(0)
        self.funds.setSuffix(" ¥")
        self.funds.setValue(d.funds or 0.0)
        start = d.deadline if d.deadline is not None else (now or time.time()) + 7 * 86400
        self.deadline = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(start)), self)
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.plan = QLineEdit(d.emergency_plan, self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Measures"), self.measures)
        form.addRow(self.tr("Responsible"), self.responsible)
        form.addRow(self.tr("Funds"), self.funds)
        form.addRow(self.tr("Deadline"), self.deadline)
        form.addRow(self.tr("Emergency plan"), self.plan)
        form.addRow(self.buttons)

    def fields(self) -> dict:
        return {
            "measures": self.measures.text().strip(),
            "responsible": self.responsible.text().strip(),
            "funds": float(self.funds.value()),
            "deadline": float(self.deadline.dateTime().toSecsSinceEpoch()),
            "emergency_plan": self.plan.text().strip(),
        }


class DangerModel(ItemsModel):
    context = "HiddenDangersDialog"
    columns = (
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Code"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Hazard source"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Hidden danger"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Grade"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Status"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Responsible"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Deadline"),
        QT_TRANSLATE_NOOP("HiddenDangersDialog", "Measures"),
    )

    def cell(self, d: HiddenDanger, col: int, role: int):
        if role == Qt.ItemDataRole.FontRole and (
            d.overdue(self.now()) or (col == 3 and d.grade == Grade.MAJOR)
        ):
            return self.bold
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return d.evidence or d.note or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        deadline = "" if d.deadline is None else time.strftime("%Y-%m-%d", time.localtime(d.deadline))
        if d.overdue(self.now()):
            deadline += " ⚠"
        title = d.title + (f" [{d.criterion}]" if d.criterion else "")
        return (
            d.code,
            d.hazard,
            title,
            i18n.text(GRADE_TEXT[d.grade]),
            i18n.text(STATUS_TEXT[d.status]),
            d.responsible,
            deadline,
            d.measures,
        )[col]


class HiddenDangersDialog(ListDialog):
    """The register (see the module docstring). `register` is an app.dual_prevention.register
    .Register, `permits()` the permits for the weekly report."""

    def __init__(
        self, register, hazards: list[str], user: str, parent=None, *, now=time.time, permits=None, plant=""
    ):
        super().__init__(parent)
        self.setObjectName("hiddenDangersDialog")
        self.setWindowTitle(self.tr("Hidden dangers"))
        self.resize(1100, 500)
        self.register, self.hazards, self.user, self.now = register, hazards, user, now
        self.permits = permits or (lambda: [])
        self.plant = plant
        self.show_closed = QCheckBox(self.tr("Show accepted and dismissed"), self)
        self.show_closed.toggled.connect(self.refresh)
        self.build(
            DangerModel(self, now),
            [
                (self.tr("Register…"), self.open_register),
                (self.tr("Assign…"), self.open_assign),
                (self.tr("Rectified"), lambda: self.step_selected("rectified")),
                (self.tr("Accept"), lambda: self.step_selected("accepted")),
                (self.tr("Refuse acceptance"), lambda: self.step_selected("assigned")),
                (self.tr("Confirm draft"), lambda: self.step_selected("registered")),
                (self.tr("Dismiss draft"), lambda: self.step_selected("dismissed")),
                (self.tr("Weekly report (PDF)…"), self.save_report),
            ],
            2,
            [self.show_closed],
        )
        self.form: QDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        items = self.register.all()
        if not self.show_closed.isChecked():
            items = [d for d in items if d.status not in ("accepted", "dismissed")]
        self.model.set_items(items)

    def _do(self, call) -> bool:
        try:
            call()
        except ValueError as exc:
            self.status.setText(str(exc))
            return False
        self.status.clear()
        self.refresh()
        return True

    def open_register(self) -> DangerForm:
        form = DangerForm(self.hazards, self)
        form.accepted.connect(lambda: self._do(lambda: self.register.register(self.user, *form.values())))
        form.open()
        self.form = form
        return form

    def open_assign(self) -> AssignForm | None:
        d = self.selected()
        if d is None:
            self.status.setText(self.tr("Select a hidden danger first"))
            return None
        form = AssignForm(d, self, now=self.now())
        form.accepted.connect(
            lambda: self._do(lambda: self.register.step(self.user, d.id, "assigned", **form.fields()))
        )
        form.open()
        self.form = form
        return form

    def step_selected(self, status: str, note: str | None = None) -> bool:
        d = self.selected()
        if d is None:
            self.status.setText(self.tr("Select a hidden danger first"))
            return False
        if note is None:
            note, ok = QInputDialog.getText(self, self.tr("Hidden dangers"), self.tr("Note"))
            if not ok:
                return False
        return self._do(lambda: self.register.step(self.user, d.id, status, note))

    def save_report(self, path: str | None = None):
        from views.dual_prevention_report import write_weekly_pdf

        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Weekly report"), "dual-prevention-week.pdf", "PDF (*.pdf)"
            )
            if not path:
                return None
        week = week_summary(self.register, self.permits(), self.now())
        out = write_weekly_pdf(path, week, self.plant)
        self.status.setText(self.tr("Written: {path}").format(path=out))
        return out
