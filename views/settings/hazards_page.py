"""Hazard sources page: members, kind, inherent risk (engineer's level, LEC on its scale values or
LS), the GB 18218-2018 identification with its substances (by catalogue key or by hand), a declared
direct-determination condition, and interlocks, with the inherent level shown as it is typed. The
area polygon is redrawn on the Map page."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.config import LEC_SCALES, HazardKind, HazardSource
from core.substances import CATALOGUE
from views import i18n
from views.settings.forms import RecordsPage, list_page, page_header, set_or_drop, set_state
from widgets.layouts import button, hbox

KINDS = list(HazardKind.__args__)
METHODS = [
    ("", QT_TRANSLATE_NOOP("hazards_page", "Engineer's level")),
    ("LEC", "LEC (D = L·E·C)"),
    ("LS", QT_TRANSLATE_NOOP("hazards_page", "LS matrix (R = L·S)")),
]
# what each LEC scale value means (the values are core.schema.plant.LEC_SCALES)
LEC_MEANING = {
    ("L", 10): QT_TRANSLATE_NOOP("hazards_page", "expected"),
    ("L", 6): QT_TRANSLATE_NOOP("hazards_page", "quite possible"),
    ("L", 3): QT_TRANSLATE_NOOP("hazards_page", "unusual but possible"),
    ("L", 1): QT_TRANSLATE_NOOP("hazards_page", "only remotely possible"),
    ("L", 0.5): QT_TRANSLATE_NOOP("hazards_page", "conceivable, very unlikely"),
    ("L", 0.2): QT_TRANSLATE_NOOP("hazards_page", "practically impossible"),
    ("L", 0.1): QT_TRANSLATE_NOOP("hazards_page", "virtually impossible"),
    ("E", 10): QT_TRANSLATE_NOOP("hazards_page", "continuous"),
    ("E", 6): QT_TRANSLATE_NOOP("hazards_page", "daily, in working hours"),
    ("E", 3): QT_TRANSLATE_NOOP("hazards_page", "weekly or now and then"),
    ("E", 2): QT_TRANSLATE_NOOP("hazards_page", "monthly"),
    ("E", 1): QT_TRANSLATE_NOOP("hazards_page", "a few times a year"),
    ("E", 0.5): QT_TRANSLATE_NOOP("hazards_page", "very rarely"),
    ("C", 100): QT_TRANSLATE_NOOP("hazards_page", "catastrophe, many deaths"),
    ("C", 40): QT_TRANSLATE_NOOP("hazards_page", "disaster, several deaths"),
    ("C", 15): QT_TRANSLATE_NOOP("hazards_page", "very serious, one death"),
    ("C", 7): QT_TRANSLATE_NOOP("hazards_page", "serious injury"),
    ("C", 3): QT_TRANSLATE_NOOP("hazards_page", "disabling injury"),
    ("C", 1): QT_TRANSLATE_NOOP("hazards_page", "noticeable, first aid"),
}
SUBSTANCE_KEYS = ("substance", "name", "q_t", "Q_t", "beta")  # the columns of the substance table


class CatalogueDelegate(QStyledItemDelegate):
    """The substance column: a catalogue key picked from a list (or typed)."""

    def createEditor(self, parent, _option, _index):  # noqa: N802
        w = QComboBox(parent)
        w.setEditable(True)
        w.addItems(["", *CATALOGUE])
        return w

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        editor.setCurrentText(index.data() or "")

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentText().strip())


class HazardsPage(RecordsPage):
    """The hazard sources; `templateRequested` when the engineer asks to add one from a template."""

    templateRequested = Signal()

    def __init__(self, hazards: list[dict], tag_names, risk_model, parent=None):
        super().__init__(hazards, lambda h: h.get("name") or self.tr("(no name)"), parent)
        self.hazards, self.tag_names, self.risk_model = hazards, tag_names, risk_model
        left = self.list_column(
            hbox(button(self.tr("Add"), self.add_hazard), button(self.tr("Remove"), self.remove_current)),
            button(self.tr("Add from template…"), self.templateRequested.emit),
        )

        self.name = QLineEdit()
        self.name_zh = QLineEdit()
        self.name_zh.setToolTip(self.tr("name_zh: what the Chinese screens show (empty: the name)"))
        self.kind = QComboBox()
        for k in KINDS:
            self.kind.addItem(i18n.hazard_kind(k), k)
        self.description = QLineEdit()
        self.members = QPlainTextEdit()
        self.members.setPlaceholderText(self.tr("one tag name per line"))
        self.interlocks = QPlainTextEdit()
        self.interlocks.setPlaceholderText(self.tr("bool tags, 1 = in service; one per line"))
        self.interlocks.setMaximumHeight(70)
        self.area = QLabel("")
        self.area.setObjectName("pageHint")
        basic = QGroupBox(self.tr("Hazard source"))
        bf = QFormLayout(basic)
        bf.addRow(self.tr("Name"), self.name)
        bf.addRow(self.tr("Name in Chinese"), self.name_zh)
        bf.addRow(self.tr("Kind"), self.kind)
        bf.addRow(self.tr("Description"), self.description)
        bf.addRow(self.tr("Indicators"), self.members)
        bf.addRow(self.tr("Interlocks"), self.interlocks)
        bf.addRow(self.tr("Area"), self.area)

        self.method = QComboBox()
        for v, t in METHODS:
            self.method.addItem(QCoreApplication.translate("hazards_page", t), v)
        self.level = QSpinBox()
        self.level.setRange(1, 4)
        self.lec = {k: _scale_combo(k) for k in "LEC"}
        self.ls = {k: QSpinBox() for k in "LS"}
        for w in self.ls.values():
            w.setRange(1, 5)
        self.people = QSpinBox()
        self.people.setRange(0, 1_000_000)
        self.substances = QStandardItemModel(0, len(SUBSTANCE_KEYS), self)
        self.substances.setHorizontalHeaderLabels(
            [self.tr("catalogue"), self.tr("name"), "q (t)", "Q (t)", "β"]
        )
        for col in (3, 4):
            self.substances.horizontalHeaderItem(col).setToolTip(self.tr("empty: the catalogue's value"))
        sub_view = QTableView()
        sub_view.setModel(self.substances)
        sub_view.setItemDelegateForColumn(0, CatalogueDelegate(sub_view))
        sub_view.verticalHeader().hide()
        sub_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        sub_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        sub_view.setMinimumHeight(110)
        self.sub_view = sub_view
        add_sub = QPushButton(self.tr("Add substance"))
        add_sub.clicked.connect(self._add_substance)
        del_sub = QPushButton(self.tr("Remove substance"))
        del_sub.clicked.connect(self._remove_substance)
        self.params = QStackedWidget()
        p0 = QWidget()
        QFormLayout(p0).addRow(self.tr("Inherent level (1 = I … 4 = IV)"), self.level)
        p1 = QWidget()
        f1 = QFormLayout(p1)
        cut = [f"{x:g}" for x in risk_model.lec_cutoffs]
        scale = self.tr("D = L × E × C: I from {i}, II from {ii}, III from {iii}")
        f1.addRow(QLabel(scale.format(i=cut[2], ii=cut[1], iii=cut[0])))
        for k, label in (
            ("L", self.tr("L likelihood")),
            ("E", self.tr("E exposure")),
            ("C", self.tr("C consequence")),
        ):
            f1.addRow(label, self.lec[k])
        p2 = QWidget()
        f2 = QFormLayout(p2)
        f2.addRow(self.tr("L likelihood (1–5)"), self.ls["L"])
        f2.addRow(self.tr("S severity (1–5)"), self.ls["S"])
        for p in (p0, p1, p2):
            self.params.addWidget(p)
        self.major = QGroupBox(self.tr("Major hazard identification (GB 18218-2018)"))
        self.major.setCheckable(True)
        self.major.setToolTip(
            self.tr(
                "S = Σ q/Q ≥ 1: a major hazard, red by direct determination; its grade is for registration"
            )
        )
        f3 = QFormLayout(self.major)
        f3.addRow(self.tr("People exposed within 500 m"), self.people)
        f3.addRow(sub_view)
        sb = QHBoxLayout()
        sb.addWidget(add_sub)
        sb.addWidget(del_sub)
        sb.addStretch(1)
        f3.addRow(sb)
        self.direct = QLineEdit()
        self.direct.setPlaceholderText(self.tr("e.g. 10 or more people work in a toxic gas area"))
        self.direct.setToolTip(
            self.tr("Another condition the risk-grading standard determines directly as a major risk")
        )
        self.grade = QLabel("")
        self.grade.setWordWrap(True)
        risk = QGroupBox(self.tr("Inherent risk"))
        rf = QVBoxLayout(risk)
        mf = QFormLayout()
        mf.addRow(self.tr("Method"), self.method)
        rf.addLayout(mf)
        rf.addWidget(self.params)
        df = QFormLayout()
        df.addRow(self.tr("Direct determination"), self.direct)
        rf.addLayout(df)
        rf.addWidget(self.grade)
        self.errors = QLabel("")
        self.errors.setWordWrap(True)

        form = QWidget()
        fl = QHBoxLayout(form)
        fl.setContentsMargins(8, 0, 0, 0)
        fl.addWidget(basic, 1)
        col = QVBoxLayout()
        col.addWidget(risk)
        col.addWidget(self.major)
        col.addWidget(self.errors)
        col.addStretch(1)
        fl.addLayout(col, 1)
        title = QCoreApplication.translate("settings", "Hazard sources")  # as in the list of pages
        list_page(
            self,
            left,
            form,
            (240, 800),
            page_header(title, self.tr("Redraw a source's area on the Map page.")),
        )

        for w in (self.name, self.name_zh, self.description, self.direct):
            w.textEdited.connect(self._edited)
        self.major.toggled.connect(self._major_toggled)
        for w in (self.members, self.interlocks):
            w.textChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.method.currentIndexChanged.connect(self._method_changed)
        for w in (self.level, *self.ls.values(), self.people):
            w.valueChanged.connect(self._edited)
        for w in self.lec.values():
            w.currentIndexChanged.connect(self._edited)
        self.substances.dataChanged.connect(self._edited)
        self.substances.rowsInserted.connect(self._edited)
        self.substances.rowsRemoved.connect(self._edited)
        self.refresh_list()

    def load(self, row: int) -> None:
        h = self.list.record(row)
        self._loading = True
        try:
            for w in self.findChildren(QGroupBox):
                w.setEnabled(h is not None)
            if h is None:
                return
            self.name.setText(h.get("name", ""))
            self.name_zh.setText(h.get("name_zh", ""))
            self.kind.setCurrentIndex(max(self.kind.findData(h.get("kind", "other")), 0))
            self.description.setText(h.get("description", ""))
            self.members.setPlainText("\n".join(h.get("tags", [])))
            self.interlocks.setPlainText("\n".join(h.get("interlocks", [])))
            self.area.setText(self.tr("{n} points").format(n=len(h.get("area") or [])))
            inh = h.get("inherent") or {}
            method = inh.get("method", "")
            self.method.setCurrentIndex(max(self.method.findData(method), 0))
            self.params.setCurrentIndex(self.method.currentIndex())
            self.level.setValue(int(h.get("inherent_level", 3)))
            if method == "LEC":
                for k in "LEC":
                    _set_scale(self.lec[k], inh.get(k, 1))
            if method == "LS":
                for k in "LS":
                    self.ls[k].setValue(int(inh.get(k, 1)))
            self.substances.removeRows(0, self.substances.rowCount())
            major = h.get("major_hazard") or {}
            self.major.setChecked(bool(major))
            self.people.setValue(int(major.get("people_exposed", 0)))
            for s in major.get("substances", []):
                self.substances.appendRow([QStandardItem(_cell(s.get(k))) for k in SUBSTANCE_KEYS])
            self.direct.setText((h.get("direct") or {}).get("reason", ""))
        finally:
            self._loading = False
        self._validate()

    def _method_changed(self, i: int) -> None:
        self.params.setCurrentIndex(i)
        self._edited()

    def _major_toggled(self, on: bool) -> None:
        if on and not self.substances.rowCount() and not self._loading:
            self._add_substance()
        self._edited()

    def _add_substance(self) -> None:
        self.substances.appendRow([QStandardItem(x) for x in ("", "", "1", "", "")])

    def _remove_substance(self) -> None:
        rows = sorted({i.row() for i in self.sub_view.selectionModel().selectedIndexes()}, reverse=True)
        for r in rows or [self.substances.rowCount() - 1]:
            if r >= 0:
                self.substances.removeRow(r)

    def _substance_rows(self) -> list[dict]:
        """The substance table as records: empty cells left out (Q and beta from the catalogue)."""
        rows = []
        for r in range(self.substances.rowCount()):
            rec = {}
            for c, key in enumerate(SUBSTANCE_KEYS):
                item = self.substances.item(r, c)
                text = item.text().strip() if item is not None else ""
                if text:
                    rec[key] = text if key in ("substance", "name") else _num(text)
            rows.append(rec)
        return rows

    def _edited(self, *_a) -> None:
        h = self.current()
        if self._loading or h is None:
            return
        old = h.get("name")
        h["name"] = self.name.text().strip()
        set_or_drop(h, "name_zh", self.name_zh.text().strip())
        h["kind"] = self.kind.currentData()
        h["description"] = self.description.text()
        h["tags"] = _lines(self.members.toPlainText())
        h["interlocks"] = _lines(self.interlocks.toPlainText())
        h["inherent_level"] = self.level.value()
        m = self.method.currentData()
        if m == "LEC":
            h["inherent"] = {"method": "LEC", **{k: self.lec[k].currentData() for k in "LEC"}}
        elif m == "LS":
            h["inherent"] = {"method": "LS", **{k: self.ls[k].value() for k in "LS"}}
        else:
            h["inherent"] = None
        h["major_hazard"] = (
            {"people_exposed": self.people.value(), "substances": self._substance_rows()}
            if self.major.isChecked()
            else None
        )
        reason = self.direct.text().strip()
        h["direct"] = {"reason": reason} if reason else None
        if old != h["name"]:
            self.list.relabel_current()
        self._validate()
        self.changed.emit()

    def _validate(self) -> None:
        h = self.current()
        if h is None:
            return
        errs = []
        names = set(self.tag_names())
        for key, template in (
            ("tags", self.tr("unknown indicator tag {name}")),
            ("interlocks", self.tr("unknown interlock tag {name}")),
        ):
            errs += [template.format(name=repr(n)) for n in h.get(key, []) if n not in names]
        try:
            hs = HazardSource.model_validate(h)
        except ValidationError as exc:
            hs = None
            errs += [
                ".".join(str(p) for p in e["loc"] if not isinstance(p, str) or p not in ("LEC", "LS"))
                + ": "
                + e["msg"].removeprefix("Value error, ")
                for e in exc.errors()
            ]
        if hs is not None:
            from app.risk.engine import inherent_risk
            from core.risk_types import level_label

            inh = inherent_risk(hs, self.risk_model)
            grade = self.tr("Inherent level {level}. {explanation}")
            self.grade.setText(
                grade.format(level=i18n.text(level_label(inh.level)), explanation=i18n.text(inh.explanation))
            )
        else:
            self.grade.setText("")
        self.errors.setText("\n".join(errs))
        set_state(self.errors, "fail" if errs else "")

    def add_hazard(self) -> None:
        name = self.tr("Hazard source {n}").format(n=len(self.hazards) + 1)
        self.add_record({"name": name, "kind": "other", "tags": [], "area": []})

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        h = self.current()
        if h is not None:
            self.area.setText(self.tr("{n} points").format(n=len(h.get("area") or [])))
            self._validate()


def _scale_combo(letter: str) -> QComboBox:
    """A combo box of one LEC scale's values, each with what it means."""
    w = QComboBox()
    for v in LEC_SCALES[letter]:
        meaning = QCoreApplication.translate("hazards_page", LEC_MEANING[(letter, v)])
        w.addItem(f"{v:g} – {meaning}", float(v))
    return w


def _set_scale(w: QComboBox, value) -> None:
    for i in range(w.count()):
        if abs(w.itemData(i) - float(value)) < 1e-9:
            w.setCurrentIndex(i)
            return


def _cell(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.replace(",", "\n").splitlines() if x.strip()]


def _num(text: str):
    try:
        return float(text)
    except ValueError:
        return text
