"""Rules page: incident rules as a list and a text editor checked as it is typed (the same
compiler the engine uses: unknown tags, functions, wrong arguments and syntax are named), and
the running engine's verdict: a rule that faulted at evaluation shows "faulted: <error>" in red, and
the other faulted parts (a tag's `suppress_when`, forecast condition or anomaly mode, a whole
detector such as forecast, anomaly or risk) are named in a red line under the page's title."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from views.settings.forms import RecordsPage, list_page, page_header, set_or_drop, set_state
from widgets.layouts import button, hbox

CHECK_DELAY_MS = 250
FAULTS_REFRESH_MS = 2000  # how often a visible page asks the engine for faulted rules


class RulesPage(RecordsPage):
    def __init__(self, rules: list[dict], config_for_rules, hazard_names, parent=None):
        """`config_for_rules()` gives a PlantConfig holding the draft's valid devices and tags."""
        super().__init__(rules, self._label, parent)
        self.faults: dict[str, object] = {}  # rule name -> app.evaluation.faults.Fault
        self.rules, self.config_for_rules, self.hazard_names = rules, config_for_rules, hazard_names
        left = self.list_column(
            hbox(button(self.tr("Add"), self.add_rule), button(self.tr("Remove"), self.remove_current))
        )

        self.name = QLineEdit()
        self.name_zh = QLineEdit()
        self.name_zh.setToolTip(self.tr("name_zh: what the Chinese screens show (empty: the name)"))
        self.level = QComboBox()
        for v, t in ((1, "I"), (2, "II"), (3, "III"), (4, "IV")):
            self.level.addItem(t, v)
        self.for_s = QDoubleSpinBox()
        self.for_s.setRange(0, 86400)
        self.for_s.setSuffix(" s")
        self.hazard = QComboBox()
        self.message = QLineEdit()
        self.message_zh = QLineEdit()
        self.message_zh.setToolTip(self.tr("message_zh: what the Chinese screens show (empty: the message)"))
        self.when = QPlainTextEdit()
        self.when.setObjectName("ruleEditor")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.when.setFont(mono)
        self.when.setPlaceholderText("BOF1.BLOWING and rising(BOF1.LANCE.FLOW_DIFF, 300, 1.0)")
        self.check = QLabel("")
        self.check.setObjectName("ruleCheck")
        self.check.setWordWrap(True)
        form = QWidget()
        f = QFormLayout(form)
        f.setContentsMargins(8, 0, 0, 0)
        f.setVerticalSpacing(8)
        f.addRow(self.tr("Name"), self.name)
        f.addRow(self.tr("Name in Chinese"), self.name_zh)
        f.addRow(self.tr("Level"), self.level)
        f.addRow(self.tr("Holds for"), self.for_s)
        f.addRow(self.tr("Hazard source"), self.hazard)
        f.addRow(self.tr("Message"), self.message)
        f.addRow(self.tr("Message in Chinese"), self.message_zh)
        f.addRow(self.tr("When"), self.when)
        f.addRow("", self.check)
        title = QCoreApplication.translate("settings", "Rules")  # the same word as in the list of pages
        hint = self.tr(
            "Tag names, numbers, and, or, not, comparisons; rising(TAG, s[, min]), falling, slope, delta, "
            "mean/min/max(TAG, s), held(cond, s), count_rising(PATTERN, s), count_above(PATTERN, x), "
            "cluster_rising(PATTERN, radius_m, n, s), offline(PATTERN)."
        )
        header = page_header(title, hint)
        self.other_faults = QLabel("")  # faulted expressions and detectors: not rules, still here
        self.other_faults.setObjectName("otherFaults")
        self.other_faults.setWordWrap(True)
        self.other_faults.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_state(self.other_faults, "fail")
        self.other_faults.hide()
        header.layout().addWidget(self.other_faults)
        self.others: dict[str, object] = {}  # alarm key -> Fault of an expression or detector
        list_page(self, left, form, (260, 780), header)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(CHECK_DELAY_MS)
        self.timer.timeout.connect(self.check_rule)
        for w in (self.name, self.name_zh, self.message, self.message_zh):
            w.textEdited.connect(self._edited)
        self.level.currentIndexChanged.connect(self._edited)
        self.for_s.valueChanged.connect(self._edited)
        self.hazard.currentIndexChanged.connect(self._edited)
        self.when.textChanged.connect(self._edited)
        self.fault_source: Callable[[], dict] | None = None
        self.fault_timer = QTimer(self)
        self.fault_timer.setInterval(FAULTS_REFRESH_MS)
        self.fault_timer.timeout.connect(self.refresh_faults)
        self.refresh_list()

    def set_fault_source(self, source: Callable[[], dict] | None) -> None:
        """`source()` gives the running engine's faulted parts by alarm key (`Engine.faults`,
        thread-safe); the faulted rules, expressions and detectors are shown in red while the
        page is visible."""
        self.fault_source = source
        self.refresh_faults()

    def refresh_faults(self) -> None:
        from app.evaluation.faults import RULE

        every = {}
        if self.fault_source is not None:
            try:
                every = dict(self.fault_source())
            except Exception:  # an engine that is stopping: nothing to show, not a dialog error
                every = {}
        self._show_others({k: f for k, f in every.items() if f.kind != RULE})
        faults = {f.name: f for f in every.values() if f.kind == RULE}
        if faults == self.faults:
            return
        self.faults = faults
        for row, r in enumerate(self.rules):
            item = self.list.item(row)
            if item is not None:
                item.setText(self._label(r))
        self.check_rule()

    def _show_others(self, others: dict) -> None:
        """Name the faulted expressions and detectors (not rules) in the line under the title,
        one a line, oldest first; hidden when there are none."""
        from app.evaluation.faults import DETECTOR

        def same(a: dict, b: dict) -> bool:  # the failure count grows on every batch: not shown
            return {k: (f.error, f.since) for k, f in a.items()} == {
                k: (f.error, f.since) for k, f in b.items()
            }

        if same(others, self.others):
            return
        self.others = others
        lines = []
        for f in sorted(others.values(), key=lambda f: (f.since, f.key)):
            since = time.strftime("%H:%M:%S", time.localtime(f.since))
            if f.kind == DETECTOR:
                text = self.tr("Detector {name} faulted: {error} (since {since}); not evaluated")
                lines.append(text.format(name=f.name, error=f.error, since=since))
            else:
                text = self.tr("Tag {tag}, {field} faulted: {error} (since {since}); see the Tags page")
                lines.append(text.format(tag=f.name, field=f.field, error=f.error, since=since))
        self.other_faults.setText("\n".join(lines))
        self.other_faults.setVisible(bool(lines))

    def _label(self, r: dict) -> str:
        name = r.get("name") or self.tr("(no name)")
        return self.tr("{name} (faulted)").format(name=name) if r.get("name") in self.faults else name

    def load(self, row: int) -> None:
        r = self.list.record(row)
        self._loading = True
        try:
            for w in (
                self.name,
                self.name_zh,
                self.level,
                self.for_s,
                self.hazard,
                self.message,
                self.message_zh,
                self.when,
            ):
                w.setEnabled(r is not None)
            self.hazard.clear()
            self.hazard.addItem(self.tr("(none)"), None)
            for n in self.hazard_names():
                self.hazard.addItem(n, n)
            if r is None:
                self.check.setText("")
                return
            self.name.setText(r.get("name", ""))
            self.name_zh.setText(r.get("name_zh", ""))
            self.level.setCurrentIndex(max(self.level.findData(int(r.get("level", 2))), 0))
            self.for_s.setValue(float(r.get("for_s", 0)))
            i = self.hazard.findData(r.get("hazard"))
            if i < 0 and r.get("hazard"):
                self.hazard.addItem(r["hazard"], r["hazard"])
                i = self.hazard.count() - 1
            self.hazard.setCurrentIndex(max(i, 0))
            self.message.setText(r.get("message", ""))
            self.message_zh.setText(r.get("message_zh", ""))
            self.when.setPlainText(r.get("when", ""))
        finally:
            self._loading = False
        self.check_rule()

    def _edited(self, *_a) -> None:
        r = self.current()
        if self._loading or r is None:
            return
        old = r.get("name")
        r.update(
            name=self.name.text().strip(),
            level=self.level.currentData(),
            for_s=self.for_s.value(),
            hazard=self.hazard.currentData(),
            message=self.message.text(),
            when=self.when.toPlainText().strip(),
        )
        set_or_drop(r, "name_zh", self.name_zh.text().strip())
        set_or_drop(r, "message_zh", self.message_zh.text())
        if old != r["name"] and self.list.currentItem() is not None:
            self.list.currentItem().setText(r["name"] or self.tr("(no name)"))
        self.timer.start()
        self.changed.emit()

    def check_rule(self) -> str:
        """Compile the current rule against the draft's tags; show and return the error ('' if ok).
        A rule that compiles but faulted in the running plant shows that instead of OK."""
        self.timer.stop()
        r = self.current()
        if r is None:
            return ""
        from app.rules.engine import RuleError, compile_rule

        text = r.get("when", "")
        if not text.strip():
            msg = self.tr("a rule needs a condition")
        else:
            try:
                compiled = compile_rule(text, self.config_for_rules())
            except RuleError as exc:
                msg = str(exc)
            else:
                msg = ""
                fault = self.faults.get(r.get("name"))
                if fault is not None:  # compiles, but the running plant cannot evaluate it
                    since = time.strftime("%H:%M:%S", time.localtime(fault.since))
                    self.check.setText(
                        self.tr(
                            "faulted: {error} (since {since}); not evaluated by the running plant"
                        ).format(error=fault.error, since=since)
                    )
                    set_state(self.check, "fail")
                    return ""
                self.check.setText(self.tr("OK: uses {n} tags").format(n=len(compiled.tags)))
                set_state(self.check, "ok")
        if msg:
            self.check.setText(msg)
            set_state(self.check, "fail")
        return msg

    def add_rule(self) -> None:
        name = self.tr("Rule {n}").format(n=len(self.rules) + 1)
        self.add_record({"name": name, "when": "", "for_s": 0.0, "level": 2, "hazard": None, "message": ""})

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.load(self.list.currentRow())  # hazard names and tags may have changed
        if self.fault_source is not None:
            self.refresh_faults()
            self.fault_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802
        self.fault_timer.stop()
        super().hideEvent(event)
