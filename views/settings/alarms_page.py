"""Alarms & warnings page: for the tag chosen on the left, its limits, deadband, delays and
priorities, its bad-quality alarm (its own setting or the plant's default, and what is in force),
and its early-warning overrides (forecast, anomaly). Limits are written into the same rows the tag
table shows, so both stay in step."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QWidget,
)

from app.config import TagWarning
from views.settings.forms import list_page, page_header, set_state
from views.settings.tag_model import TagFilterProxy, TagTableModel, column_label
from widgets.layouts import panel, vbox

PRIORITIES = [
    ("", QT_TRANSLATE_NOOP("alarms_page", "default")),
    ("1", "I"),
    ("2", "II"),
    ("3", "III"),
    ("4", "IV"),
]


BAD_QUALITY_CHOICES = (
    ("", QT_TRANSLATE_NOOP("alarms_page", "plant default")),
    ("true", QT_TRANSLATE_NOOP("alarms_page", "on")),
    ("false", QT_TRANSLATE_NOOP("alarms_page", "off")),
)
_LIMIT_CELLS = ("LL", "L", "H", "HH", "state")


class AlarmsPage(QWidget):
    def __init__(
        self,
        model: TagTableModel,
        parent=None,
        bad_quality_default: Callable[[], tuple[str, set[str]]] | None = None,
    ):
        """`bad_quality_default()` gives the plant's `alarm_defaults.bad_quality` and the names of
        the hazard sources' members (tags and interlocks), to show what is in force."""
        super().__init__(parent)
        self.model = model
        self.bad_quality_default = bad_quality_default or (lambda: ("none", set()))
        self.row: int | None = None
        self._loading = False
        self.proxy = TagFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setModelColumn(0)
        self.list.setUniformItemSizes(True)
        self.list.selectionModel().currentChanged.connect(
            lambda cur, _p: self.load(self.proxy.mapToSource(cur).row())
        )
        flt = QLineEdit()
        flt.setPlaceholderText(self.tr("Filter tags"))
        flt.setClearButtonEnabled(True)
        flt.textChanged.connect(self.proxy.set_text)
        left = panel(vbox(flt, (self.list, 1), margins=0))

        self.title = QLabel("")
        self.title.setObjectName("pageTitle")
        self.cells: dict[str, QLineEdit | QComboBox] = {}
        limits = QGroupBox(self.tr("Limit alarms"))
        g = QGridLayout(limits)
        g.setHorizontalSpacing(12)
        g.setVerticalSpacing(8)
        g.addWidget(QLabel(self.tr("limit")), 0, 1)
        g.addWidget(QLabel(self.tr("priority")), 0, 2)
        for r, k in enumerate(("HH", "H", "L", "LL"), start=1):
            g.addWidget(QLabel(k), r, 0, Qt.AlignmentFlag.AlignRight)
            g.addWidget(self._line(k, self.tr("must rise LL < L < H < HH")), r, 1)
            g.addWidget(self._prio(f"priority_{k}"), r, 2)
        g.addWidget(QLabel(self.tr("state")), 5, 0, Qt.AlignmentFlag.AlignRight)
        st = QComboBox()
        st.addItem(self.tr("(analog tag)"), "")
        st.addItem(self.tr("alarm while true"), "true")
        st.addItem(self.tr("alarm while false"), "false")
        st.currentIndexChanged.connect(lambda _i, w=st: self._set("state", w.currentData()))
        self.cells["state"] = st
        g.addWidget(st, 5, 1)
        g.addWidget(self._prio("priority_state"), 5, 2)
        g.setColumnStretch(1, 1)
        timing = QGroupBox(self.tr("Deadband and delays"))
        f = QFormLayout(timing)
        f.addRow(
            self.tr("Deadband"),
            self._line("deadband", self.tr("the value must come back past the limit by this much")),
        )
        f.addRow(
            self.tr("On delay (s)"), self._line("on_delay_s", self.tr("the limit must be crossed this long"))
        )
        f.addRow(
            self.tr("Off delay (s)"),
            self._line("off_delay_s", self.tr("back inside this long before it clears")),
        )
        f.addRow(self.tr("Message"), self._line("message", self.tr("shown with the alarm")))
        self.bad_quality = QComboBox()
        self.bad_quality.setObjectName("badQuality")
        for value, text in BAD_QUALITY_CHOICES:
            self.bad_quality.addItem(QCoreApplication.translate("alarms_page", text), value)
        self.bad_quality.setToolTip(self.tr("alarm while the value is bad (a blind spot)"))
        self.bad_quality.currentIndexChanged.connect(self._bad_quality_edited)
        self.bad_quality_effect = QLabel("")
        self.bad_quality_effect.setObjectName("badQualityEffect")
        self.bad_quality_effect.setWordWrap(True)
        f.addRow(self.tr("Bad quality"), self.bad_quality)
        f.addRow("", self.bad_quality_effect)

        self.fc_override = QCheckBox(self.tr("Own forecast settings (else the plant's)"))
        self.fc = {k: QLineEdit() for k in ("window_s", "horizon_s", "min_change", "when")}
        self.fc_enabled = QCheckBox(self.tr("Forecast enabled"))
        fcg = QGroupBox(self.tr("Forecast early warning"))
        ff = QFormLayout(fcg)
        ff.addRow(self.fc_override)
        ff.addRow(self.fc_enabled)
        ff.addRow(self.tr("Window (s)"), self.fc["window_s"])
        ff.addRow(self.tr("Horizon (s)"), self.fc["horizon_s"])
        ff.addRow(self.tr("Min change"), self.fc["min_change"])
        ff.addRow(self.tr("Only when"), self.fc["when"])
        self.an_override = QCheckBox(self.tr("Own anomaly settings (else the plant's)"))
        self.an_enabled = QCheckBox(self.tr("Anomaly detection enabled"))
        self.an = {
            k: QLineEdit() for k in ("learn_s", "drift_sigma", "step_sigma", "flatline_s", "mode", "level")
        }
        ang = QGroupBox(self.tr("Anomaly early warning"))
        af = QFormLayout(ang)
        af.addRow(self.an_override)
        af.addRow(self.an_enabled)
        for k, label in (
            ("learn_s", self.tr("Learn (s)")),
            ("drift_sigma", self.tr("Drift (σ)")),
            ("step_sigma", self.tr("Step (σ)")),
            ("flatline_s", self.tr("Flat line (s)")),
            ("mode", self.tr("Mode tag")),
            ("level", self.tr("Level 1–4")),
        ):
            af.addRow(label, self.an[k])
        for w in (*self.fc.values(), *self.an.values()):
            w.textEdited.connect(self._warning_edited)
        for w in (self.fc_override, self.fc_enabled, self.an_override, self.an_enabled):
            w.toggled.connect(self._warning_edited)
        self.errors = QLabel("")
        self.errors.setWordWrap(True)
        self.errors.setObjectName("formErrors")

        form = QWidget()
        fl = QGridLayout(form)
        fl.setContentsMargins(8, 0, 0, 0)
        fl.addWidget(self.title, 0, 0, 1, 2)
        fl.addWidget(limits, 1, 0)
        fl.addWidget(timing, 1, 1)
        fl.addWidget(fcg, 2, 0)
        fl.addWidget(ang, 2, 1)
        fl.addWidget(self.errors, 3, 0, 1, 2)
        fl.setRowStretch(4, 1)
        fl.setColumnStretch(0, 1)
        fl.setColumnStretch(1, 1)
        title = QCoreApplication.translate("settings", "Alarms & warnings")  # as in the list of pages
        hint = self.tr("Per tag: empty fields are not set (priorities: the default).")
        list_page(self, left, form, (260, 760), page_header(title, hint))
        model.dataChanged.connect(self._model_changed)
        model.modelReset.connect(lambda: self.load(0 if model.rows else None))
        self.load(0 if model.rows else None)

    def _line(self, key: str, tip: str) -> QLineEdit:
        w = QLineEdit()
        w.setToolTip(tip)
        w.setMinimumWidth(90)
        w.textEdited.connect(lambda text, k=key: self._set(k, text))
        self.cells[key] = w
        return w

    def _prio(self, key: str) -> QComboBox:
        w = QComboBox()
        for value, text in PRIORITIES:
            w.addItem(QCoreApplication.translate("alarms_page", text), value)
        w.currentIndexChanged.connect(lambda _i, k=key, w=w: self._set(k, w.currentData()))
        self.cells[key] = w
        return w

    def _set(self, col: str, value: str) -> None:
        if self._loading or self.row is None:
            return
        self.model.set_cells([self.row], {col: value.strip()})

    def select(self, name: str) -> None:
        r = self.model.row_of(name)
        if r is not None:
            self.list.setCurrentIndex(self.proxy.mapFromSource(self.model.index(r, 0)))

    def load(self, row: int | None) -> None:
        self.row = row if row is not None and 0 <= row < len(self.model.rows) else None
        self._loading = True
        try:
            enabled = self.row is not None
            for w in self.findChildren(QGroupBox):
                w.setEnabled(enabled)
            if not enabled:
                self.title.setText(self.tr("No tag selected"))
                return
            r = self.model.rows[self.row]
            self.title.setText(f"{r.cells.get('name')}  {r.cells.get('description', '')}".strip())
            for col, w in self.cells.items():
                v = r.cells.get(col, "")
                if isinstance(w, QLineEdit):
                    if w.text() != v:
                        w.setText(v)
                else:
                    w.setCurrentIndex(max(w.findData(v), 0))
            own = (r.extra.get("alarms") or {}).get("bad_quality")
            choice = "" if own is None else str(bool(own)).lower()
            self.bad_quality.setCurrentIndex(max(self.bad_quality.findData(choice), 0))
            self._show_bad_quality()
            warn = r.extra.get("warning", {})
            fc, an = warn.get("forecast"), warn.get("anomaly")
            self.fc_override.setChecked(fc is not None)
            self.fc_enabled.setChecked(bool((fc or {}).get("enabled", True)))
            for k, w in self.fc.items():
                w.setText("" if not fc or fc.get(k) is None else str(fc.get(k)))
            self.an_override.setChecked(an is not None)
            self.an_enabled.setChecked(bool((an or {}).get("enabled", True)))
            for k, w in self.an.items():
                w.setText("" if not an or an.get(k) is None else str(an.get(k)))
            self._show_errors()
        finally:
            self._loading = False

    def _model_changed(self, top, bottom, _roles=()) -> None:
        if self.row is not None and top.row() <= self.row <= bottom.row() and not self._loading:
            self._loading = True
            try:
                r = self.model.rows[self.row]
                for col, w in self.cells.items():
                    v = r.cells.get(col, "")
                    if isinstance(w, QLineEdit) and w.text() != v and not w.hasFocus():
                        w.setText(v)
            finally:
                self._loading = False
            self._show_errors()
            self._show_bad_quality()  # a limit set or removed may change what the default gives

    def _bad_quality_edited(self, *_a) -> None:
        if self._loading or self.row is None:
            return
        alarms = dict(self.model.rows[self.row].extra.get("alarms") or {})
        value = self.bad_quality.currentData()
        if value:
            alarms["bad_quality"] = value == "true"
        else:
            alarms.pop("bad_quality", None)
        self.model.set_extra(self.row, "alarms", alarms)
        self._show_bad_quality()

    def bad_quality_in_force(self) -> tuple[bool, str]:
        """Whether the selected tag alarms on bad quality, and why (translated text)."""
        r = self.model.rows[self.row]
        own = (r.extra.get("alarms") or {}).get("bad_quality")
        if own is not None:
            return bool(own), self.tr("this tag's own setting")
        default, members = self.bad_quality_default()
        if default == "all":
            return True, self.tr("plant default: every tag")
        if default == "members":
            if r.cells.get("name") in members:
                return True, self.tr("plant default: member of a hazard source")
            alarms = r.extra.get("alarms") or {}
            if any(r.cells.get(k, "") for k in _LIMIT_CELLS) or alarms.get("roc") or alarms.get("deviation"):
                return True, self.tr("plant default: tag with an alarm limit")
            return False, self.tr("plant default: hazard-source members and tags with limits only")
        return False, self.tr("plant default: only tags that turn it on")

    def _show_bad_quality(self) -> None:
        if self.row is None:
            return
        on, why = self.bad_quality_in_force()
        text = self.tr("In force: on ({why})") if on else self.tr("In force: off ({why})")
        self.bad_quality_effect.setText(text.format(why=why))

    def _warning_edited(self, *_a) -> None:
        if self._loading or self.row is None:
            return
        warn: dict = {}
        if self.fc_override.isChecked():
            warn["forecast"] = {"enabled": self.fc_enabled.isChecked(), **_values(self.fc)}
        if self.an_override.isChecked():
            warn["anomaly"] = {"enabled": self.an_enabled.isChecked(), **_values(self.an)}
        try:
            TagWarning.model_validate(warn)
            self.warning_error = ""
        except ValidationError as exc:
            self.warning_error = "\n".join(
                ".".join(str(p) for p in e["loc"]) + ": " + e["msg"].removeprefix("Value error, ")
                for e in exc.errors()
            )
        self.model.set_extra(self.row, "warning", warn)
        self._show_errors()

    def _show_errors(self) -> None:
        if self.row is None:
            return
        errs = [f"{column_label(c)}: {m}" for c, m in self.model.errors[self.row].items()]
        if getattr(self, "warning_error", ""):
            errs.append(self.warning_error)
        self.errors.setText("\n".join(errs))
        set_state(self.errors, "fail" if errs else "")


def _values(fields: dict[str, QLineEdit]) -> dict:
    out: dict = {}
    for k, w in fields.items():
        t = w.text().strip()
        if not t:
            continue
        try:
            out[k] = int(t) if k == "level" else float(t)
        except ValueError:
            out[k] = t  # a tag expression, or a bad number the schema will name
    return out
