"""The hazard-source panel: one hazard source's dynamic risk, why it is there, and its indicators.

For the selected hazard source it shows the dynamic level as a four-colour badge (solid when live
evidence raises it above the inherent level, outlined otherwise: colour only for the abnormal),
the inherent grade with how it was graded, the trace (which indicator pulls the level to what,
since when, most severe first) and the member indicators: live value, quality and a sparkline of
the last ten minutes. Indicators that are in the trace or have a standing alarm come first.

It is fed by the bridge's coalesced signals (risk, latest, alarms); sparklines repaint once per
flush and only when their store has a new column.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.evaluation.integrity import reason_text
from app.risk.engine import inherent_risk
from core.alarm_types import ROMAN
from core.formatting import format_number
from core.risk_types import RiskState
from core.samples import Quality
from views import i18n
from views.hazard_trace import TraceModel, since_text
from views.i18n import grade, hazard_kind, level_text
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.plant_words import WORDS
from widgets.sparkline import Sparkline, SparkStore
from widgets.style import set_heading_font

MAX_MEMBERS = 12
QUALITY_TEXT = {
    int(Quality.GOOD): QT_TRANSLATE_NOOP("hazard_panel", "good"),
    int(Quality.UNCERTAIN): QT_TRANSLATE_NOOP("hazard_panel", "uncertain"),
    int(Quality.BAD): QT_TRANSLATE_NOOP("hazard_panel", "bad"),
}
DIM = QColor("#8a8d91")
GOOD_QUALITY = "color: #7a7d82;"
BAD_QUALITY = "color: #ff7f0e; font-weight: bold;"


def is_abnormal(state: RiskState) -> bool:
    """Live evidence is on the hazard source (ISA-101: only then does it get a solid colour)."""
    return bool(state.evidence) or state.level < state.inherent.level


class LevelBadge(QWidget):
    """A four-colour level badge: solid when abnormal, an outline of the colour when not."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False):
        super().__init__(parent)
        self.setObjectName("levelBadge")
        self.level: int | None = None
        self.solid = False
        self.compact = compact
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_level(self, level: int | None, solid: bool = True) -> None:
        if (level, solid) != (self.level, self.solid):
            self.level, self.solid = level, solid
            self.setToolTip(
                ""
                if level is None
                else self.tr("Level {level} ({grade})").format(level=level_text(level), grade=grade(level))
            )
            self.updateGeometry()
            self.update()

    def text(self) -> str:
        if self.level is None:
            return "–"
        return ROMAN[self.level] if self.compact else level_text(self.level)

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        if self.compact:
            w = fm.horizontalAdvance("IV")
        else:  # the widest level in the installed language, so the badge never changes size
            w = max(fm.horizontalAdvance(level_text(lv)) for lv in (1, 2, 3, 4))
        return QSize(w + 18, fm.height() + 8)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        if self.level is None:
            p.setPen(QPen(DIM, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(r, 3, 3)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.text())
            return
        colour = QColor(PRIORITY_COLORS[self.level])
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        if self.solid:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(r, 3, 3)
            p.setPen(QColor(PRIORITY_TEXT[self.level]))
        else:
            p.setPen(QPen(colour, 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
            p.setPen(QColor("#c9ccd0"))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.text())
        p.end()


class LevelDelegate(QStyledItemDelegate):
    """Paints a level cell's colour even when the row is selected (a selected red stays red)."""

    def paint(self, painter, option, index) -> None:
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        if brush is None:
            super().paint(painter, option, index)
            return
        painter.save()
        painter.fillRect(option.rect.adjusted(2, 2, -2, -2), brush)
        fg = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.setPen(fg.color() if fg is not None else QColor("#000000"))
        font = index.data(Qt.ItemDataRole.FontRole)
        if font is not None:
            painter.setFont(font)
        painter.drawText(option.rect, Qt.AlignmentFlag.AlignCenter, str(index.data() or ""))
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()


# ---------------------------------------------------------------- members


class MemberRow:
    """The widgets of one member indicator: name, value, quality, sparkline."""

    def __init__(self, parent: QWidget, tag: int, name: str, unit: str, description: str, store: SparkStore):
        self.tag, self.unit = tag, unit
        self.name = QLabel(name, parent)
        self.name.setObjectName("memberName")
        self.name.setToolTip(WORDS.description(description) or name)
        self.value = QLabel("", parent)
        self.value.setObjectName("memberValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.quality = QLabel("", parent)
        self.quality.setObjectName("memberQuality")
        self.quality.setStyleSheet(GOOD_QUALITY)
        self.spark = Sparkline(store, tag, parent)
        self._shown: tuple = ()

    def widgets(self) -> tuple[QWidget, ...]:
        return self.name, self.value, self.quality, self.spark

    def set_value(self, value: float, quality: int, reason: int = 0) -> None:
        """The live value and its quality; `reason` (QualityReason) says why it is not good
        ('frozen', 'sensor fault (NE 43)') where the quality stage knows."""
        shown = (value, quality, reason)
        if shown == self._shown:
            return
        self._shown = shown
        if quality == int(Quality.BAD):
            self.value.setText("—")
        else:
            text = format_number(value)
            self.value.setText(f"{text} {self.unit}".strip() if text else "")
        q = QUALITY_TEXT.get(int(quality))
        why = reason_text(reason) if quality != int(Quality.GOOD) else None
        if why is not None:
            self.quality.setText(i18n.text(why))
        else:
            self.quality.setText(QCoreApplication.translate("hazard_panel", q) if q else "?")
        if self.quality.property("quality") != int(quality):
            self.quality.setProperty("quality", int(quality))
            self.quality.setStyleSheet(GOOD_QUALITY if quality == int(Quality.GOOD) else BAD_QUALITY)


# ---------------------------------------------------------------- the panel


class HazardPanel(QWidget):
    """One hazard source: dynamic and inherent level, trace, member indicators with sparklines."""

    explainRequested = Signal(object)  # RiskState: the "Why?" of the hazard source
    tagActivated = Signal(int)  # a trace row of a tag was double-clicked

    def __init__(self, config, bridge, parent: QWidget | None = None, *, now=time.time):
        super().__init__(parent)
        self.setObjectName("hazardPanel")
        self.config, self.bridge, self.now = config, bridge, now
        self.sources = {h.name: h for h in config.hazard_sources}
        self.tag_index = config.tag_index()
        self.tags = config.tags
        self.name: str | None = None
        self.state: RiskState | None = None
        self.store = SparkStore(len(self.tags), clock=now)
        self.members: list[MemberRow] = []
        self._values = np.full(len(self.tags), np.nan)
        self._quality = np.zeros(len(self.tags), dtype=np.uint8)
        self._build()
        value, quality, _ts = bridge.latest_arrays()
        self._on_latest((value, quality))
        bridge.risk.connect(self._on_risk)
        bridge.latest.connect(self._on_latest)
        bridge.alarms.connect(self._on_alarms)
        self._show_empty()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self.title = QLabel("", self)
        self.title.setObjectName("hazardTitle")
        set_heading_font(self.title, 1.25)
        self.kind_label = QLabel("", self)
        self.kind_label.setObjectName("hazardKind")
        self.kind_label.setStyleSheet("color: #9ea2a8;")
        self.kind_label.setWordWrap(True)
        self.badge = LevelBadge(self)
        self.since_label = QLabel("", self)
        self.since_label.setStyleSheet("color: #9ea2a8;")
        self.state_label = QLabel("", self)  # a declared operating state: who, since, until, why
        self.state_label.setObjectName("operatingState")
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet("color: #c9ccd1; font-weight: bold;")
        self.why_button = QPushButton(self.tr("Why?"), self)
        self.why_button.setToolTip(
            self.tr("The full explanation: the level, the inherent grade and every indicator")
        )
        self.why_button.clicked.connect(self._why)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setToolTip(self.tr("Copy the explanation as text (for the log book or a report)"))
        self.copy_button.clicked.connect(self.copy_explanation)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.badge)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.title)
        names.addWidget(self.kind_label)
        head.addLayout(names, 1)
        head.addWidget(self.why_button)
        head.addWidget(self.copy_button)

        self.inherent_badge = LevelBadge(self, compact=True)
        self.inherent_label = QLabel("", self)
        self.inherent_label.setObjectName("inherentText")
        self.inherent_label.setWordWrap(True)
        self.inherent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inherent_method = QLabel("", self)  # which method gave the level, and the floor
        self.inherent_method.setObjectName("inherentMethod")
        self.inherent_method.setWordWrap(True)
        self.inherent_method.setStyleSheet("font-weight: bold;")
        inh = QHBoxLayout()
        inh.setSpacing(8)
        caption = QLabel(self.tr("Inherent"), self)
        caption.setStyleSheet("color: #9ea2a8;")
        inh.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
        inh.addWidget(self.inherent_badge, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.inherent_method)
        texts.addWidget(self.inherent_label)
        inh.addLayout(texts, 1)

        self.trace_caption = QLabel("", self)
        self.trace_caption.setObjectName("sectionCaption")
        self.trace_model = TraceModel(self, now=self.now)
        self.trace_view = QTableView(self)
        self.trace_view.setModel(self.trace_model)
        self.trace_view.setItemDelegateForColumn(0, LevelDelegate(self.trace_view))
        self.trace_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trace_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trace_view.setShowGrid(False)
        self.trace_view.setWordWrap(False)
        self.trace_view.verticalHeader().setVisible(False)
        self.trace_view.verticalHeader().setDefaultSectionSize(22)
        header = self.trace_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, w in ((0, 44), (3, 120)):
            self.trace_view.setColumnWidth(col, w)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.trace_view.setMinimumHeight(24 + 2 * 22 + 4)  # two rows at least; the rest scrolls
        self.trace_view.doubleClicked.connect(self._trace_activated)

        self.members_caption = QLabel(self.tr("Indicators"), self)
        self.members_caption.setObjectName("sectionCaption")
        self.members_box = QWidget(self)
        self.members_grid = QGridLayout(self.members_box)
        self.members_grid.setContentsMargins(0, 0, 0, 0)
        self.members_grid.setHorizontalSpacing(10)
        self.members_grid.setVerticalSpacing(2)
        self.members_grid.setColumnStretch(3, 1)
        # rows keep their height; the scroll area scrolls instead of squeezing them
        self.members_grid.setSizeConstraint(QLayout.SizeConstraint.SetMinAndMaxSize)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.members_box)
        self.members_scroll = scroll

        self.empty_label = QLabel(self.tr("Select a hazard source on the map or in Plant risk."), self)
        self.empty_label.setStyleSheet("color: #9ea2a8;")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        for cap in (self.trace_caption, self.members_caption):
            cap.setStyleSheet("color: #aeb2b8; font-weight: bold; padding-top: 4px;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addLayout(head)
        lay.addWidget(self.since_label)
        lay.addWidget(self.state_label)
        lay.addLayout(inh)
        # the trace and the indicators share the height; the operator can move the split
        trace_box, members_box = QWidget(self), QWidget(self)
        for box, caption_label, body in (
            (trace_box, self.trace_caption, self.trace_view),
            (members_box, self.members_caption, scroll),
        ):
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(2)
            v.addWidget(caption_label)
            v.addWidget(body, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(trace_box)
        self.splitter.addWidget(members_box)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([130, 220])  # about four trace rows; the indicators get the rest
        lay.addWidget(self.splitter, 1)
        lay.addWidget(self.empty_label, 1)
        self._content = (
            self.badge,
            self.title,
            self.kind_label,
            self.since_label,
            self.why_button,
            self.copy_button,
            caption,
            self.inherent_badge,
            self.inherent_method,
            self.inherent_label,
            self.trace_caption,
            self.splitter,
        )

    def _show_empty(self) -> None:
        for w in self._content:
            w.setVisible(self.name is not None)
        self.state_label.setVisible(self.name is not None and bool(self.state_label.text()))
        self.empty_label.setVisible(self.name is None)

    # ------------------------------------------------------------ public
    def show_hazard(self, name: str) -> bool:
        """Show a hazard source by name; False if there is none of that name."""
        hs = self.sources.get(name)
        if hs is None:
            return False
        self.name = name
        self.state = self.bridge.risk_states.get(name)
        self.title.setText(WORDS.name(name))
        self.kind_label.setText(hazard_kind(hs.kind) + (f" · {hs.description}" if hs.description else ""))
        self._show_state()
        self._build_members()
        self._show_empty()
        return True

    def explanation(self) -> str:
        """The full text of `RiskState.explain()` for the shown hazard source ("" if none), in
        the installed language."""
        return i18n.text(self.state.explain(self.now())) if self.state is not None else ""

    def copy_explanation(self) -> None:
        explained = self.explanation()
        if explained:
            QGuiApplication.clipboard().setText(explained)

    # ------------------------------------------------------------ feeding
    def _on_risk(self, states) -> None:
        if self.name is None:
            return
        for s in states:
            if s.hazard == self.name:
                order = self._member_order()
                self.state = s
                self._show_state()
                if self._member_order() != order:
                    self._build_members()

    def _on_alarms(self, _transitions) -> None:
        if self.name is not None and [m.tag for m in self.members] != self._member_order():
            self._build_members()

    def _on_latest(self, arrays) -> None:
        value, quality = arrays
        self._values, self._quality = np.asarray(value), np.asarray(quality)
        grew = self.store.append(self._values, self._quality)
        reasons = self._reasons() if self.members else None
        for m in self.members:
            why = int(reasons[m.tag]) if reasons is not None else 0
            m.set_value(float(self._values[m.tag]), int(self._quality[m.tag]), why)
            if grew:
                m.spark.refresh()

    # ------------------------------------------------------------ internals
    def _reasons(self):
        """Why each tag is not good (the engine's quality stage), asked only when a member is not."""
        ask = getattr(getattr(self.bridge, "engine", None), "quality_reasons", None)
        if ask is None or all(self._quality[m.tag] == int(Quality.GOOD) for m in self.members):
            return None
        return ask()

    def _inherent(self):
        if self.state is not None:
            return self.state.inherent
        return inherent_risk(self.sources[self.name], self.config.risk)

    def _show_state(self) -> None:
        s, inh = self.state, self._inherent()
        now = self.now()
        if s is None:
            self.badge.set_level(inh.level, solid=False)
            self.since_label.setText(self.tr("No live risk evaluation yet: shown at its inherent level."))
        else:
            self.badge.set_level(s.level, solid=is_abnormal(s))
            text = self.tr("Since {since}").format(since=since_text(s.since, now))
            if s.previous is not None and s.previous != s.level:
                text += self.tr(", was {level}").format(level=level_text(s.previous))
            if s.raised > 1:
                text += " · " + self.tr("{n} steps above inherent").format(n=s.raised)
            elif s.raised:
                text += " · " + self.tr("1 step above inherent")
            self.since_label.setText(text)
        declared = s.operating if s is not None else None
        self.state_label.setText(
            ""
            if declared is None
            else self.tr("Operating state: {state}").format(
                state=i18n.text(declared.describe(s.evidence_counted))
            )
        )
        self.state_label.setVisible(declared is not None)
        self.inherent_badge.set_level(inh.level, solid=False)
        self.inherent_method.setText(self.method_text(inh))
        self.inherent_label.setText(i18n.text(inh.explanation))
        trace = s.trace if s is not None else ()
        self.trace_model.set_trace(trace)
        self.trace_caption.setText(
            self.tr("Raised by ({n})").format(n=len(trace))
            if trace
            else self.tr("Raised by: no live evidence on this hazard source")
        )
        self.trace_view.setVisible(bool(trace))
        tip = self.explanation()
        self.why_button.setEnabled(s is not None)
        self.copy_button.setEnabled(s is not None)
        self.badge.setToolTip(tip)
        self.since_label.setToolTip(tip)

    def method_text(self, inh) -> str:
        """'By direct determination · major hazard, GB 18218 grade 3 (registration) · floor
        applied: the evaluation alone gives III yellow'."""
        parts = [self.tr("By {method}").format(method=i18n.text(inh.method_text))]
        if inh.major_hazard:
            parts.append(
                self.tr("major hazard, GB 18218 grade {grade} (registration)").format(
                    grade=inh.registration_grade
                )
            )
        elif inh.major_hazard is False:
            parts.append(self.tr("not a major hazard (S < 1)"))
        if inh.reason:
            parts.append(self.tr("declared: {reason}").format(reason=inh.reason))
        if inh.floor_applied and inh.evaluated is not None:
            parts.append(
                self.tr("floor applied: the evaluation alone gives {level}").format(
                    level=level_text(inh.evaluated)
                )
            )
        elif inh.floor_applied:
            parts.append(self.tr("floor applied"))
        return " · ".join(parts)

    def _member_order(self) -> list[int]:
        """Member tags: in the trace (most severe first), then with a standing alarm, then the rest."""
        hs = self.sources.get(self.name) if self.name else None
        if hs is None:
            return []
        names = list(dict.fromkeys([*hs.tags, *hs.interlocks]))
        rank = {n: (9, k) for k, n in enumerate(names)}
        if self.state is not None:
            for k, t in enumerate(self.state.trace):
                if t.indicator in rank:
                    rank[t.indicator] = min(rank[t.indicator], (t.level, k))
        for a in getattr(self.bridge, "standing", {}).values():
            if a.source in rank and not a.hidden:
                rank[a.source] = min(rank[a.source], (4 + a.priority, 0))
        ordered = sorted((n for n in names if n in self.tag_index), key=lambda n: rank[n])
        return [self.tag_index[n] for n in ordered[:MAX_MEMBERS]]

    def _build_members(self) -> None:
        for m in self.members:
            for w in m.widgets():
                self.members_grid.removeWidget(w)
                w.deleteLater()
        self.members = []
        for row, i in enumerate(self._member_order()):
            t = self.tags[i]
            m = MemberRow(self.members_box, i, t.name, t.unit, t.description, self.store)
            for col, w in enumerate(m.widgets()):
                self.members_grid.addWidget(w, row, col)
            m.set_value(float(self._values[i]), int(self._quality[i]))
            self.members.append(m)
        total = len(self.sources[self.name].tags) if self.name else 0
        if total > len(self.members):
            text = self.tr("Indicators (first {n} of {total})").format(n=len(self.members), total=total)
        else:
            text = self.tr("Indicators")
        self.members_caption.setText(text)

    def _trace_activated(self, index: QModelIndex) -> None:
        t = self.trace_model.items[index.row()]
        i = self.tag_index.get(t.indicator)
        if i is not None:
            self.tagActivated.emit(i)

    def _why(self) -> None:
        if self.state is not None:
            self.explainRequested.emit(self.state)


__all__ = ["HazardPanel", "LevelBadge", "LevelDelegate", "TraceModel", "is_abnormal", "since_text"]
