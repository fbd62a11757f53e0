""" "Why?" dialogs: the evidence behind an early warning, and the reasoning behind a hazard
source's risk level.

For a forecast or an anomaly the dialog draws what the detector used: the data (bucket means),
the fitted trend or learned baseline, the band (the forecast cone, or the baseline ± 3 σ) as a
translucent fill, the limit as a horizontal line and the predicted crossing time as a vertical
marker with its uncertainty, on a clock-time axis. For a rule it shows the condition in words
(the rule as written in a smaller line below), whether it holds and since when, what holds a
raised warning whose condition no longer does, and every term with its value now next to its
value at the moment of raising. When there is nothing to explain (the warning has cleared, or
the row is an ordinary alarm) it says so.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.rules.engine import RuleExplanation
from app.warning.explain import Explanation
from core.alarm_types import Kind
from core.formatting import format_number
from views import i18n
from views.i18n import level_text
from widgets.palette import PRIORITY_COLORS
from widgets.row_model import RowTableModel, alignment
from widgets.style import set_heading_font

BACKGROUND = "#26282b"
AXIS_TEXT = "#aeb2b8"
DATA_PEN = "#d6d8db"
FIT_PEN = "#9ec1e6"
LIMIT_PEN = "#d62728"
ETA_PEN = "#e2e4e6"
DIM = "color: #9ea2a8;"


def _clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts))


def _finite_runs(mask: np.ndarray) -> list[slice]:
    """Slices of consecutive True values."""
    runs, start = [], None
    for k, ok in enumerate(mask):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            runs.append(slice(start, k))
            start = None
    if start is not None:
        runs.append(slice(start, len(mask)))
    return runs


class TermModel(RowTableModel):
    """The terms of a rule: each one's value now and at the moment of raising (the snapshot the
    rule engine kept), and how the present value came about."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("TermModel", "Term"),
        QT_TRANSLATE_NOOP("TermModel", "Now"),
        QT_TRANSLATE_NOOP("TermModel", "At raising"),
        QT_TRANSLATE_NOOP("TermModel", "How (now)"),
    )
    COL_TERM, COL_NOW, COL_RAISED, COL_HOW = range(4)
    columns, context = COLUMNS, "TermModel"

    def __init__(self, terms, parent=None, raised_terms=(), raised_at: float | None = None):
        super().__init__(parent)
        self.terms = list(terms)
        self.raised_terms = list(raised_terms)
        self.raised_at = raised_at
        self.pairs = [self.pair(row) for row in range(max(len(self.terms), len(self.raised_terms)))]
        self._bold = QFont()
        self._bold.setBold(True)

    def header(self, section: int) -> str:
        if section == self.COL_RAISED and self.raised_at:
            return self.tr("At raising ({time})").format(time=_clock(self.raised_at))
        return super().header(section)

    @staticmethod
    def value_text(term) -> str:
        """A term's value as the operator reads it: yes/no (是/否) for a truth value, 'unknown'
        for a truth value without enough data, 'no data' for a number without one."""
        if term is None:
            return "—"
        v = term.value
        if v is None or isinstance(v, bool | np.bool_):
            return i18n.yes_no(None if v is None else bool(v))
        if isinstance(v, int | np.integer):
            return str(int(v))
        try:
            x = float(v)
        except (TypeError, ValueError):
            return str(v)
        if not math.isfinite(x):
            return QCoreApplication.translate("TermModel", "no data")
        return f"{format_number(x)} {term.unit}".rstrip()

    def pair(self, row: int):
        """(the term now, the term at raising) of a row; None where there is none."""
        now = self.terms[row] if row < len(self.terms) else None
        then = self.raised_terms[row] if row < len(self.raised_terms) else None
        return now, then

    def row_list(self) -> list[tuple]:
        return self.pairs

    def cell(self, pair: tuple, col: int, role: int):
        now, then = pair
        t = now or then
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_TERM:
                return t.text
            if col == self.COL_NOW:
                return self.value_text(now)
            if col == self.COL_RAISED:
                return self.value_text(then)
            return i18n.text(now.detail) if now is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_RAISED:
                return i18n.text(then.message) if then is not None else None
            return i18n.text(now.message) if now is not None else None
        if role == Qt.ItemDataRole.FontRole:
            shown = now if col == self.COL_NOW else then if col == self.COL_RAISED else None
            if shown is not None and shown.value is True:
                return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(col, numbers=(self.COL_NOW, self.COL_RAISED))
        return None


class WarningExplainDialog(QDialog):
    """Why a warning is raised: its lines, and the detector's data as a plot or the rule's terms."""

    def __init__(
        self,
        explanation,
        alarm=None,
        parent: QWidget | None = None,
        *,
        now=time.time,
        tag=None,
        history_loader=None,
    ):
        """`tag` (the alarm's configured tag) and `history_loader` let an ordinary alarm show
        its recent trend with the limit it crossed."""
        super().__init__(parent)
        self.tag, self.history_loader = tag, history_loader
        self.setObjectName("warningExplain")
        self.explanation, self.alarm, self.now = explanation, alarm, now
        self.plot = None
        self.items: dict[str, object] = {}
        self.terms_view: QTableView | None = None
        self.setMinimumSize(640, 360)
        lay = self._layout = QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 10)
        lay.setSpacing(6)
        self.title = QLabel("", self)
        self.title.setObjectName("explainTitle")
        set_heading_font(self.title, 1.2)
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        self.lines = QLabel("", self)
        self.lines.setObjectName("explainLines")
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.lines)
        if isinstance(explanation, Explanation):
            self._build_detector(explanation)
        elif isinstance(explanation, RuleExplanation):
            self._build_rule(explanation)
        elif alarm is not None and not alarm.is_warning and tag is not None:
            self._build_alarm(alarm, tag)
        else:
            self._build_none()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        self.copy_button = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text()))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    # ------------------------------------------------------------ the three cases
    def _build_none(self) -> None:
        a = self.alarm
        self.setWindowTitle(self.tr("Why? — no explanation"))
        if a is not None and not a.is_warning:
            self.title.setText(self.tr("{tag}: an alarm, not an early warning").format(tag=a.source))
            if a.limit is not None:
                crossed = self.tr("The limit is crossed now (value {value}, limit {limit}).").format(
                    value=format_number(a.value), limit=format_number(a.limit)
                )
            else:
                crossed = self.tr("The limit is crossed now.")
            self.lines.setText(
                f"{i18n.text(a.message)}\n{crossed} "
                + self.tr("Why? explains early warnings: forecasts, anomalies and incident rules.")
            )
        else:
            name = a.source if a is not None else self.tr("This warning")
            self.title.setText(self.tr("{name}: no explanation available").format(name=name))
            self.lines.setText(
                self.tr("The warning has cleared, or its detector no longer holds the data behind it.")
                + (
                    self.tr("\nLast message: {message}").format(message=i18n.text(a.message))
                    if a is not None
                    else ""
                )
            )
        self.lines.setStyleSheet(DIM)

    def _build_alarm(self, a, tag) -> None:
        """An ordinary alarm: the limit crossed, where it returns to normal, its delays, and the
        tag's last half hour with the limit lines."""
        from widgets.trend import TrendPlot

        self.setWindowTitle(self.tr("Why? — {tag}").format(tag=a.source))
        self.title.setText(self.tr("{tag}: {kind} alarm").format(tag=a.source, kind=a.kind))
        unit = f" {tag.unit}" if tag.unit else ""
        lines = [i18n.text(a.message)]
        limits = tag.alarms
        if a.limit is not None and a.value is not None:
            lines.append(
                self.tr("Value {value}{unit}, limit {limit}{unit}.").format(
                    value=format_number(a.value), limit=format_number(a.limit), unit=unit
                )
            )
        if limits is not None and a.limit is not None and a.kind in (Kind.HH, Kind.H, Kind.L, Kind.LL):
            high = a.kind in (Kind.HH, Kind.H)
            back = a.limit - limits.deadband if high else a.limit + limits.deadband
            text = (
                self.tr("Returns to normal below {value}{unit} (deadband {deadband}).")
                if high
                else self.tr("Returns to normal above {value}{unit} (deadband {deadband}).")
            )
            lines.append(
                text.format(value=format_number(back), unit=unit, deadband=format_number(limits.deadband))
            )
            if limits.on_delay_s or limits.off_delay_s:
                lines.append(
                    self.tr("Raised after {on} beyond the limit, returns after {off} back inside.").format(
                        on=i18n.duration(limits.on_delay_s), off=i18n.duration(limits.off_delay_s)
                    )
                )
        self.lines.setText("\n".join(lines))
        marks: dict[str, tuple[float, int]] = {}
        if limits is not None:
            for k in ("HH", "H", "L", "LL"):
                v = getattr(limits, k)
                if v is not None:
                    marks[k] = (float(v), limits.priority_of(k))
        self.plot = TrendPlot(self, window_s=1800.0, history_span_s=1800.0, toolbar=False)
        self.plot.add_pen(
            max(a.tag, 0), a.source, tag.unit, self.history_loader, span=tag.range, limits=marks
        )
        self._layout.addWidget(self.plot, 1)
        self.resize(820, 480)

    def _build_detector(self, ex: Explanation) -> None:
        title = i18n.text(ex.title)
        self.setWindowTitle(self.tr("Why? — {title}").format(title=title))
        self.title.setText(title)
        extra = []
        err = self.alarm.eta_err_s if self.alarm is not None else None
        if ex.eta is not None and math.isfinite(ex.eta):
            when = self.tr("Limit {limit} expected at {time}").format(
                limit=format_number(ex.limit), time=_clock(ex.eta)
            )
            left = ex.eta - self.now()
            if left > 0:
                when += self.tr(", in {duration}").format(duration=i18n.duration(left))
            if err:
                when += f" (± {i18n.duration(err)})"
            extra.append(when + ".")
        self.lines.setText("\n".join([*(i18n.text(x) for x in ex.lines), *extra]))
        self.setMinimumSize(760, 520)
        axis = pg.DateAxisItem(orientation="bottom")
        plot = self.plot = pg.PlotWidget(parent=self, axisItems={"bottom": axis}, background=BACKGROUND)
        item = plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.18)
        item.setMenuEnabled(False)
        item.hideButtons()
        for name in ("left", "bottom"):
            ax = item.getAxis(name)
            ax.setTextPen(pg.mkPen(AXIS_TEXT))
            ax.setPen(pg.mkPen("#4a4d52"))
        legend = item.addLegend(offset=(10, 10), brush=pg.mkBrush(38, 40, 43, 215), labelTextColor="#d8dadd")
        self.legend = legend
        colour = QColor(PRIORITY_COLORS.get(self.alarm.priority, FIT_PEN)) if self.alarm is not None else None
        t, v = np.asarray(ex.t, float), np.asarray(ex.v, float)
        if len(t):
            self.items["data"] = item.plot(
                t,
                v,
                pen=pg.mkPen(DATA_PEN, width=1.5),
                name=self.tr("data"),
                connect="finite",
                skipFiniteCheck=True,
            )
        ft, fv = np.asarray(ex.fit_t, float), np.asarray(ex.fit_v, float)
        fit_name = self.tr("trend") if ex.kind == Kind.FORECAST else self.tr("baseline")
        if len(ft) and len(fv) == len(ft):
            self.items["fit"] = item.plot(
                ft, fv, pen=pg.mkPen(FIT_PEN, width=1.5, style=Qt.PenStyle.DashLine), name=fit_name
            )
        lo, hi = np.asarray(ex.band_lo, float), np.asarray(ex.band_hi, float)
        if len(lo) and len(lo) == len(hi) == len(ft):
            fill_colour = QColor(FIT_PEN)
            fill_colour.setAlpha(50)
            edge = pg.mkPen(FIT_PEN, width=1, style=Qt.PenStyle.DotLine)
            fills = []
            for run in _finite_runs(np.isfinite(lo) & np.isfinite(hi)):
                if run.stop - run.start < 2:
                    continue
                lower = pg.PlotCurveItem(ft[run], lo[run], pen=edge)
                upper = pg.PlotCurveItem(ft[run], hi[run], pen=edge)
                fill = pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(fill_colour))
                for it in (fill, lower, upper):
                    item.addItem(it)
                fills.append(fill)
            if fills:
                self.items["band"] = fills
                # the legend draws samples of curves: a filled curve that is never plotted stands in
                sample = pg.PlotDataItem(pen=edge, fillLevel=0, fillBrush=pg.mkBrush(fill_colour))
                legend.addItem(
                    sample, self.tr("cone") if ex.kind == Kind.FORECAST else self.tr("normal band (± 3 σ)")
                )
        if ex.limit is not None and math.isfinite(ex.limit):
            line = pg.InfiniteLine(
                pos=ex.limit,
                angle=0,
                pen=pg.mkPen(LIMIT_PEN, width=1.5, style=Qt.PenStyle.DashLine),
                label=self.tr("limit {limit}").format(limit=format_number(ex.limit)),
                labelOpts={"position": 0.05, "color": LIMIT_PEN, "anchors": [(0, 1), (0, 1)]},
            )
            item.addItem(line)
            self.items["limit"] = line
        if ex.eta is not None and math.isfinite(ex.eta):
            if err:
                region = pg.LinearRegionItem(
                    values=(ex.eta - err, ex.eta + err),
                    movable=False,
                    brush=pg.mkBrush(colour.red(), colour.green(), colour.blue(), 40)
                    if colour is not None
                    else pg.mkBrush(226, 228, 230, 30),
                    pen=pg.mkPen(None),
                )
                item.addItem(region)
                self.items["eta_band"] = region
            marker = pg.InfiniteLine(
                pos=ex.eta,
                angle=90,
                pen=pg.mkPen(colour if colour is not None else ETA_PEN, width=2),
                label=self.tr("expected {time}").format(time=_clock(ex.eta)[:5]),
                labelOpts={"position": 0.92, "color": ETA_PEN, "anchors": [(1, 0), (1, 0)]},
            )
            item.addItem(marker)
            self.items["eta"] = marker
        now_line = pg.InfiniteLine(
            pos=self.now(),
            angle=90,
            pen=pg.mkPen("#6f7378", width=1),
            label=self.tr("now"),
            labelOpts={"position": 0.04, "color": AXIS_TEXT, "anchors": [(1, 1), (1, 1)]},
        )
        item.addItem(now_line)
        self.items["now"] = now_line
        item.setLabel("left", self._unit_label(), color=AXIS_TEXT)
        self._layout.addWidget(plot, 1)

    def _unit_label(self) -> str:
        a = self.alarm
        return a.source if a is not None else ""

    def _build_rule(self, ex: RuleExplanation) -> None:
        self.setWindowTitle(self.tr("Why? — rule {name}").format(name=ex.name))
        self.title.setText(
            self.tr("Rule {name}").format(name=ex.name) + (f" · {ex.hazard}" if ex.hazard else "")
        )
        now = self.now()
        lines = [self._rule_state(ex, now)]
        if ex.active and ex.condition is not True and ex.holding:
            lines.append(self.tr("The warning holds while:"))
            lines.extend(f"  • {i18n.text(h)}" for h in ex.holding)
        lines.append(self.tr("When: {condition}").format(condition=i18n.text(ex.words or ex.text)))
        self.lines.setText("\n".join(lines))
        self.rule_text = QLabel(self.tr("Rule as written: {text}").format(text=ex.text), self)
        self.rule_text.setObjectName("explainRuleText")
        self.rule_text.setWordWrap(True)
        self.rule_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        small = self.rule_text.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.rule_text.setFont(small)
        self.rule_text.setStyleSheet(DIM)
        self._layout.addWidget(self.rule_text)
        facts = []
        if ex.for_s:
            facts.append(self.tr("For: {duration}").format(duration=i18n.duration(ex.for_s)))
        if ex.message:
            facts.append(self.tr("Says: {message}").format(message=i18n.text(ex.message)))
        facts.append(
            self.tr(
                "Returns once the condition has been false for {clear}, at least {hold} after raising, "
                "and the incident no longer develops."
            ).format(clear=i18n.duration(ex.clear_s), hold=i18n.duration(ex.hold_s))
        )
        if ex.evaluated_at:
            facts.append(self.tr("Last evaluated {time}.").format(time=_clock(ex.evaluated_at)))
        if ex.error:
            facts.append(self.tr("Error: {error}").format(error=ex.error))
        self.facts = QLabel("\n".join(facts), self)
        self.facts.setObjectName("explainFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(self.facts)
        self.terms_model = TermModel(ex.terms, self, ex.raised_terms, ex.raised_at)
        view = self.terms_view = QTableView(self)
        view.setModel(self.terms_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(22)
        header = view.horizontalHeader()
        for col in (TermModel.COL_TERM, TermModel.COL_NOW, TermModel.COL_RAISED):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        caption = QLabel(self.tr("Terms now and at raising"), self)
        caption.setStyleSheet("color: #aeb2b8; font-weight: bold; padding-top: 4px;")
        self._layout.addWidget(caption)
        self._layout.addWidget(view, 1)
        rows = self.terms_model.rowCount()
        view.setMinimumHeight(24 + 22 * min(max(rows, 2), 8) + 4)
        self.setMinimumSize(640, 280)
        self.resize(860, 360 + 22 * min(rows, 8))

    def _rule_state(self, ex: RuleExplanation, now: float) -> str:
        """The rule's state in one sentence; a raised rule whose condition no longer holds says
        so (never a bare "Raised" beside a term without data)."""
        if ex.active:
            if ex.since:
                state = self.tr("Raised since {time} ({duration})").format(
                    time=_clock(ex.since), duration=i18n.duration(now - ex.since)
                )
            else:
                state = self.tr("Raised")
            if ex.condition is None:
                state += self.tr("; the condition cannot be told now (not enough data)")
            elif ex.condition is False:
                state += self.tr("; the condition no longer holds")
            return state + self.tr(".")
        if ex.condition:
            if ex.since:
                state = self.tr("Condition holds since {time}").format(time=_clock(ex.since))
            else:
                state = self.tr("Condition holds")
            if ex.for_s:
                state += self.tr(", timing {duration} before it warns").format(
                    duration=i18n.duration(ex.for_s)
                )
            return state + self.tr(".")
        if ex.condition is None:
            state = self.tr("Not holding: the condition cannot be told now (not enough data)")
        else:
            state = self.tr("Not holding")
        if ex.raised_at:
            state += self.tr("; last raised {time}").format(time=_clock(ex.raised_at))
        return state + self.tr(".")

    # ------------------------------------------------------------ text
    def text(self) -> str:
        out = [self.title.text(), self.lines.text()]
        if self.terms_view is not None:
            m = self.terms_model
            out += [self.rule_text.text(), self.facts.text()]
            now_head = m.headerData(m.COL_NOW, Qt.Orientation.Horizontal)
            then_head = m.headerData(m.COL_RAISED, Qt.Orientation.Horizontal)
            for row in range(m.rowCount()):
                now, then = m.pair(row)
                t = now or then
                line = f"  {t.text}: {now_head} {m.value_text(now)}, {then_head} {m.value_text(then)}"
                if now is not None and now.detail:
                    line += f" ({i18n.text(now.detail)})"
                out.append(line)
        return "\n".join(out)


class RiskExplainDialog(QDialog):
    """Why a hazard source is at its level: `RiskState.explain()` as readable, copyable text."""

    def __init__(self, state, parent: QWidget | None = None, *, now=time.time):
        super().__init__(parent)
        self.setObjectName("riskExplain")
        self.state = state
        self.setWindowTitle(self.tr("Why? — {name}").format(name=state.hazard))
        self.setMinimumSize(640, 300)
        title = QLabel(f"{state.hazard}: {level_text(state.level)}", self)
        set_heading_font(title, 1.2)
        self.body = QPlainTextEdit(self)
        self.body.setReadOnly(True)
        self.body.setPlainText(i18n.text(state.explain(now())))
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        copy = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.body.toPlainText()))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(self.body, 1)
        lay.addWidget(buttons)


def open_warning_explanation(
    bridge,
    alarm,
    parent: QWidget | None = None,
    *,
    tag=None,
    history_loader=None,
    replace=None,
    now=time.time,
) -> WarningExplainDialog:
    """Ask the engine why a warning is raised (or show an alarm's limit and trend), non-modal,
    deleted on close. `replace`: the Why? window already open, which this one takes the place of
    (one Why? window that follows the operator's selection)."""
    explanation = bridge.explain(alarm.key) if alarm is not None and alarm.is_warning else None
    dlg = WarningExplainDialog(explanation, alarm, parent, now=now, tag=tag, history_loader=history_loader)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if replace is not None and replace.isVisible():
        dlg.setGeometry(replace.geometry())
        replace.close()
    dlg.show()
    return dlg


def open_risk_explanation(state, parent: QWidget | None = None, *, now=time.time) -> RiskExplainDialog:
    dlg = RiskExplainDialog(state, parent, now=now)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg


__all__ = [
    "RiskExplainDialog",
    "TermModel",
    "WarningExplainDialog",
    "open_risk_explanation",
    "open_warning_explanation",
]
