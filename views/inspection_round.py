"""The inspection round (隐患排查): the checklist of tasks due within a day (overdue ones in
bold), each closed as OK or recorded as a finding (a hidden danger registered with it); new
tasks generated from the risk inventory's control measures; a handheld's CSV imported (the bad
rows listed by line). Everything goes through app.dual_prevention.inspections.Inspections.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
)

from app.dual_prevention.inspections import Task
from core.messages import QT_TRANSLATE_NOOP
from views.list_dialog import ItemsModel, ListDialog


class TaskModel(ItemsModel):
    context = "InspectionRound"
    columns = (
        QT_TRANSLATE_NOOP("InspectionRound", "Task"),
        QT_TRANSLATE_NOOP("InspectionRound", "Hazard source"),
        QT_TRANSLATE_NOOP("InspectionRound", "Control measure"),
        QT_TRANSLATE_NOOP("InspectionRound", "Due"),
    )

    def cell(self, t: Task, col: int, role: int):
        if role == Qt.ItemDataRole.FontRole and t.due < self.now():
            return self.bold
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (f"IN-{t.id}", t.hazard, t.measure, time.strftime("%m-%d %H:%M", time.localtime(t.due)))[col]


class InspectionRound(ListDialog):
    """The round (see the module docstring); `inspections` is an Inspections."""

    def __init__(self, inspections, user: str, parent=None, *, now=time.time, may_generate=lambda: True):
        super().__init__(parent)
        self.setObjectName("inspectionRound")
        self.setWindowTitle(self.tr("Inspection round"))
        self.resize(900, 460)
        self.inspections, self.user = inspections, user
        self.may_generate = (
            may_generate  # generating tasks is the safety manager's (Permission.DUAL_PREVENTION)
        )
        self.build(
            TaskModel(self, now),
            [
                (self.tr("OK"), lambda: self.complete_selected(True)),
                (self.tr("Finding…"), lambda: self.complete_selected(False)),
                (self.tr("Generate tasks"), self.generate),
                (self.tr("Import handheld CSV…"), self.import_csv),
            ],
            2,
        )
        self.refresh()

    def refresh(self) -> None:
        self.model.set_items(self.inspections.round())

    def generate(self) -> int:
        if not self.may_generate():
            self.status.setText(
                self.tr("Generating inspection tasks needs the safety manager role or higher")
            )
            return 0
        n = len(self.inspections.generate(self.user))
        self.status.setText(self.tr("{n} new tasks").format(n=n))
        self.refresh()
        return n

    def complete_selected(self, ok: bool, note: str | None = None) -> bool:
        task = self.selected()
        if task is None:
            self.status.setText(self.tr("Select a task first"))
            return False
        if not ok and note is None:
            note, accepted = QInputDialog.getText(self, self.tr("Finding"), self.tr("What was found"))
            if not accepted:
                return False
        try:
            self.inspections.complete(self.user, task.id, ok, note or "")
        except ValueError as exc:
            self.status.setText(str(exc))
            return False
        self.status.clear()
        self.refresh()
        return True

    def import_csv(self, path: str | None = None) -> tuple[int, list]:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import a handheld's round"), "", "CSV (*.csv)"
            )
            if not path:
                return 0, []
        with open(path, "rb") as f:
            done, errors = self.inspections.import_csv(self.user, f.read())
        self.show_import(done, errors)
        self.refresh()
        return done, errors
