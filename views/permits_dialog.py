"""Work permits: the list of open permits with Suspend, Resume and End, and the form that issues
a new one (kind, area, people, time window, description, and the gas test pre-filled from the
area's live detectors, read again on demand). A permit the desk refuses (a reading over the entry
limit, no valid reading, no gas test where one is needed) stays in the form with the reasons in
red. Every step goes through app.dual_prevention.service.PermitDesk (stored, audited, handed to
the engine). Reached from "Work permits…" on the Plant menu (views/dual_prevention_menu.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.dual_prevention import permits as pm
from app.dual_prevention.permits import KIND_TEXT, STATUS_TEXT, Permit, PermitKind, PermitRefused
from core.messages import QT_TRANSLATE_NOOP
from views import i18n
from views.list_dialog import ItemsModel, ListDialog
from widgets.row_model import ALIGN_NUMBER

REFUSED_STYLE = "color: #ff6b5e;"


def latest_of(engine) -> dict[str, tuple[float, int]]:
    """Each tag's latest value and quality from a running engine (Engine.latest)."""
    snap = engine.latest()
    names = [t.name for t in engine.config.tags]
    return {
        names[int(i)]: (float(v), int(q)) for i, v, q in zip(snap.tag, snap.value, snap.quality, strict=True)
    }


class PermitForm(QDialog):
    """Issue one permit (see the module docstring). `issue(kind, hazard, start, end, people, gas,
    description)` is the desk's, `latest()` the live readings by tag name."""

    def __init__(
        self, config, issue: Callable, latest: Callable[[], dict], parent=None, *, now=None, hazard=None
    ):
        super().__init__(parent)
        self.setObjectName("permitForm")
        self.setWindowTitle(self.tr("New work permit"))
        self.resize(560, 540)
        self.config, self.issue_call, self.latest = config, issue, latest
        self.permit: Permit | None = None
        self.kind = QComboBox(self)
        for k in PermitKind:
            self.kind.addItem(i18n.text(KIND_TEXT[k]), k.value)
        self.area = QComboBox(self)
        for h in config.hazard_sources:
            self.area.addItem(h.name, h.name)
        if hazard:
            self.area.setCurrentIndex(max(self.area.findData(hazard), 0))
        self.people = QSpinBox(self)
        self.people.setRange(1, 200)
        self.people.setValue(2)
        start = QDateTime.currentDateTime() if now is None else QDateTime.fromSecsSinceEpoch(int(now))
        self.start = QDateTimeEdit(start, self)
        self.end = QDateTimeEdit(start.addSecs(4 * 3600), self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.description = QLineEdit(self)
        self.description.setPlaceholderText(self.tr("What is done, by whom (crew, contractor)"))
        self.gas = QTableWidget(0, 3, self)
        self.gas.setHorizontalHeaderLabels([self.tr("Detector"), self.tr("Reading"), self.tr("Entry limit")])
        self.gas.horizontalHeader().setStretchLastSection(True)
        self.gas.verticalHeader().setVisible(False)
        self.gas.setColumnWidth(0, 160)
        self.gas.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reread = QPushButton(self.tr("Read detectors again"), self)
        self.reread.clicked.connect(self.fill_gas)
        self.refusal = QLabel(self)
        self.refusal.setObjectName("permitRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(REFUSED_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Issue"))
        self.buttons.accepted.connect(self.try_issue)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Area"), self.area)
        form.addRow(self.tr("People"), self.people)
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("Until"), self.end)
        form.addRow(self.tr("Work"), self.description)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel(self.tr("Gas test (the area's detectors now)"), self))
        lay.addWidget(self.gas)
        lay.addWidget(self.reread, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.refusal)
        lay.addWidget(self.buttons)
        self.area.currentIndexChanged.connect(self.fill_gas)
        self.readings: list[pm.GasReading] = []
        self.fill_gas()

    def fill_gas(self) -> None:
        """The gas test from the area's live detectors."""
        self.readings = pm.gas_test(self.config, self.area.currentData(), self.latest())
        self.gas.setRowCount(len(self.readings))
        for r, g in enumerate(self.readings):
            value = "—" if g.value is None else f"{g.value:g} {g.unit}"
            limits = [f"≤ {g.high:g}"] if g.high is not None else []
            limits += [f"≥ {g.low:g}"] if g.low is not None else []
            for c, text in enumerate((g.tag, value, " ".join(limits))):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if g.refusal() is not None:
                        item.setForeground(Qt.GlobalColor.red)
                self.gas.setItem(r, c, item)
        self.refusal.clear()

    def try_issue(self) -> None:
        """Issue the permit; refused, the reasons stay on the form."""
        try:
            self.permit = self.issue_call(
                self.kind.currentData(),
                self.area.currentData(),
                float(self.start.dateTime().toSecsSinceEpoch()),
                float(self.end.dateTime().toSecsSinceEpoch()),
                self.people.value(),
                self.readings,
                self.description.text().strip(),
            )
        except PermitRefused as refused:
            self.refusal.setText(
                self.tr("Refused: {reasons}").format(reasons="; ".join(i18n.text(r) for r in refused.reasons))
            )
            return
        self.accept()


class PermitModel(ItemsModel):
    """Open permits, one a row."""

    context = "PermitsDialog"
    columns = (
        QT_TRANSLATE_NOOP("PermitsDialog", "Permit"),
        QT_TRANSLATE_NOOP("PermitsDialog", "Kind"),
        QT_TRANSLATE_NOOP("PermitsDialog", "Area"),
        QT_TRANSLATE_NOOP("PermitsDialog", "People"),
        QT_TRANSLATE_NOOP("PermitsDialog", "From"),
        QT_TRANSLATE_NOOP("PermitsDialog", "Until"),
        QT_TRANSLATE_NOOP("PermitsDialog", "Status"),
        QT_TRANSLATE_NOOP("PermitsDialog", "Issued by"),
    )

    def cell(self, p: Permit, col: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return ALIGN_NUMBER
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            p.code,
            i18n.text(p.kind_text),
            p.hazard,
            str(p.people),
            _when(p.start),
            _when(p.end),
            i18n.text(STATUS_TEXT[p.status]),
            p.issuer,
        )[col]


class PermitsDialog(ListDialog):
    """The open permits and their actions; `desk` is a PermitDesk, `user` who acts."""

    def __init__(self, desk, user: str, latest: Callable[[], dict], parent=None, *, now=None, on_change=None):
        super().__init__(parent)
        self.setObjectName("permitsDialog")
        self.setWindowTitle(self.tr("Work permits"))
        self.resize(900, 420)
        self.desk, self.user, self.latest = desk, user, latest
        self.now = now or time.time
        self.on_change = on_change
        self.build(
            PermitModel(self),
            [
                (self.tr("New permit…"), self.open_form),
                (self.tr("Suspend"), lambda: self.move_selected("suspended")),
                (self.tr("Resume"), lambda: self.move_selected("active")),
                (self.tr("End"), lambda: self.move_selected("ended")),
            ],
            2,
        )
        self.form: PermitForm | None = None
        self.refresh()

    def refresh(self) -> None:
        # a permit past its window is expired where the engine runs (app/dual_prevention/deadlines.py)
        self.model.set_items([p for p in self.desk.open() if p.end > self.now()])
        if self.on_change is not None:
            self.on_change(self.model.items)

    def open_form(self, hazard: str | None = None) -> PermitForm:
        def issue(*args):
            return self.desk.issue(self.user, *args)

        self.form = PermitForm(self.desk.config, issue, self.latest, self, now=self.now(), hazard=hazard)
        self.form.accepted.connect(self.refresh)
        self.form.open()
        return self.form

    def move_selected(self, status: str, reason: str | None = None) -> None:
        p = self.selected()
        if p is None:
            self.status.setText(self.tr("Select a permit first"))
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("Work permits"), self.tr("Reason"))
            if not ok:
                return
        try:
            self.desk.move(self.user, p.id, status, reason)
        except PermitRefused as refused:
            self.status.setText("; ".join(i18n.text(r) for r in refused.reasons))
            return
        self.status.clear()
        self.refresh()


def _when(ts: float) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(ts)) if math.isfinite(ts) else ""


__all__ = ["PermitForm", "PermitsDialog", "latest_of"]
