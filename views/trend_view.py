"""The trend view: a `TrendPlot` with the operator's tools around it.

Range presets (10 min to 30 d) and a free from/to picker, follow live / pause, export of the
shown range to CSV and PNG, named trend sets saved as JSON files, and a thin busy bar while
history is read. The chart itself (pens, axes, history zoom, crosshair) is `widgets.trend`.

`history_loaders(history)` builds the two callables the chart reads with, so that no widget
imports storage; both are only ever called from worker threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.alarm_types import ROMAN
from core.samples import SampleBatch
from widgets.tables import busy_bar
from widgets.trend import DEFAULT_CAPACITY, TrendPlot
from widgets.trend_data import TrendEvent, TrendSet, list_sets, load_set, pens_known, save_set
from widgets.trend_workers import EventsLoader, HistoryLoader

log = logging.getLogger(__name__)

PRESETS: dict[str, float] = {  # keys are saved in trend sets; shown translated
    QT_TRANSLATE_NOOP("trend_view", "10 min"): 600.0,
    QT_TRANSLATE_NOOP("trend_view", "1 h"): 3600.0,
    QT_TRANSLATE_NOOP("trend_view", "8 h"): 8 * 3600.0,
    QT_TRANSLATE_NOOP("trend_view", "24 h"): 86400.0,
    QT_TRANSLATE_NOOP("trend_view", "7 d"): 7 * 86400.0,
    QT_TRANSLATE_NOOP("trend_view", "30 d"): 30 * 86400.0,
}
MAX_AXES = 4
PICKER_FORMAT = "yyyy-MM-dd HH:mm"
NOTE_MS = 8000  # how long a message stays in the title row
JOURNAL_ROWS = 5000  # markers per view at most
SHOWN_STATES = {"UNACK": True, "RTN_UNACK": False, "NORMAL": False}  # state -> alarm active


def history_loaders(history, max_points: int = 4000) -> tuple[HistoryLoader, EventsLoader]:
    """Reading callables for the trend over a `storage.history.History` (thread-safe reads)."""

    def read(tag: int, t0: float, t1: float) -> SampleBatch:
        return history.read(tag, t0, t1, max_points=max_points)

    def events(t0: float, t1: float) -> list[TrendEvent]:
        out = []
        for m in history.journal_marks(t0, t1, SHOWN_STATES, JOURNAL_ROWS):
            active = SHOWN_STATES[m.state]
            if active:
                what = QCoreApplication.translate("trend_view", "alarm")
            else:
                what = QCoreApplication.translate("trend_view", "cleared")
            text = f"{ROMAN.get(m.priority, '')} {m.source} {m.kind} {what}".strip()
            if m.message and active:
                text += f": {m.message}"
            out.append(TrendEvent(m.ts, m.source, m.priority, active, text))
        return out

    return read, events


class TrendView(QWidget):
    """A multi-pen trend with presets, range picker, export and saved trend sets."""

    tagDropped = Signal(int)
    historyLoaded = Signal(int)
    penRemoved = Signal(int)
    rangeLoaded = Signal()
    message = Signal(str)  # something the operator should read (saved, failed, missing tags)

    def __init__(
        self,
        config,
        history_loader: HistoryLoader | None = None,
        events_loader: EventsLoader | None = None,
        sets_dir: Path | None = None,
        parent=None,
        *,
        clock: Callable[[], float] = time.time,
        capacity: int = DEFAULT_CAPACITY,
        redraw_hz: float = 5.0,
        window_s: float = 600.0,
    ):
        super().__init__(parent)
        self.setObjectName("trendView")
        self.config = config
        self.tags = list(config.tags)
        self.tag_index = config.tag_index()
        self.history_loader = history_loader
        self.sets_dir = Path(sets_dir) if sets_dir is not None else None
        self.export_dir = self.sets_dir.parent if self.sets_dir is not None else Path.home()
        self.plot = TrendPlot(
            self,
            capacity=capacity,
            redraw_hz=redraw_hz,
            window_s=window_s,
            clock=clock,
            max_axes=MAX_AXES,
            events_loader=events_loader,
            toolbar=False,
        )
        self.clock = clock
        self.cone_source: Callable[[int], object] | None = None  # tag -> forecast cone or None
        self._cone_timer = QTimer(self)
        self._cone_timer.setInterval(2000)
        self._cone_timer.timeout.connect(self.update_forecasts)
        self._cone_timer.start()

        # ---- row 1: title, presets, live
        self.title = QLabel("", self)
        self.title.setObjectName("trendTitle")
        self.busy_label = QLabel("", self)
        self.busy_label.setObjectName("trendTitle")
        self.note = QLabel("", self)
        self.note.setObjectName("trendTitle")
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_MS)
        self._note_timer.timeout.connect(lambda: self.note.setText(""))
        self.preset_group = QButtonGroup(self)
        self.preset_group.setExclusive(False)
        self.preset_buttons: dict[str, QToolButton] = {}
        row1 = QHBoxLayout()
        row1.setSpacing(3)
        row1.addWidget(self.title)
        row1.addWidget(self.note, 1)
        row1.addWidget(self.busy_label)
        for label, secs in PRESETS.items():
            shown = QCoreApplication.translate("trend_view", label)
            tip = self.tr("Show the last {span} and follow new samples").format(span=shown)
            b = self._button(shown, tip, checkable=True)
            b.clicked.connect(lambda _c=False, s=secs: self.set_window(s))
            self.preset_group.addButton(b)
            self.preset_buttons[label] = b
            row1.addWidget(b)
        row1.addSpacing(6)
        self.live_button = self._button(
            self.tr("Live"), self.tr("Follow the newest samples (off: paused)"), checkable=True
        )
        self.live_button.setChecked(True)
        self.live_button.clicked.connect(self.set_following)
        row1.addWidget(self.live_button)

        # ---- row 2: range picker, trend sets, export
        self.from_edit = self._picker(self.tr("Start of the range to show"))
        self.to_edit = self._picker(self.tr("End of the range to show"))
        self.show_button = self._button(self.tr("Show"), self.tr("Show the range picked on the left"))
        self.show_button.clicked.connect(self._show_picked)
        self.sets_combo = QComboBox(self)
        self.sets_combo.setObjectName("trendSets")
        self.sets_combo.setToolTip(self.tr("Open a saved trend set"))
        self.sets_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sets_combo.setMinimumContentsLength(8)
        self.sets_combo.activated.connect(self._set_chosen)
        # less frequent actions live in one menu, so the panel stays narrow beside the map
        self.menu = QMenu(self)
        self.save_action = self.menu.addAction(self.tr("Save trend set…"), self._save_clicked)
        self.menu.addSeparator()
        self.csv_action = self.menu.addAction(self.tr("Export shown range as CSV…"), self._csv_clicked)
        self.png_action = self.menu.addAction(self.tr("Save chart as PNG…"), self._png_clicked)
        self.menu.addSeparator()
        self.menu.addAction(self.tr("Remove every pen"), self.clear)
        self.menu_button = self._button("⋯", self.tr("Trend sets, export, clear"))
        self.menu_button.setMenu(self.menu)
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        row2 = QHBoxLayout()
        row2.setSpacing(3)
        row2.addWidget(self.from_edit, 1)
        row2.addWidget(QLabel("–", self))
        row2.addWidget(self.to_edit, 1)
        row2.addWidget(self.show_button)
        row2.addSpacing(6)
        row2.addWidget(self.sets_combo)
        row2.addWidget(self.menu_button)
        self.sets_combo.setEnabled(self.sets_dir is not None)
        self.save_action.setEnabled(self.sets_dir is not None)

        # ---- busy bar: a thin strip that keeps its place, so the chart never jumps
        self.busy = busy_bar(self)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(3)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.busy)
        lay.addWidget(self.plot, 1)

        p = self.plot
        p.tagDropped.connect(self.tagDropped)
        p.historyLoaded.connect(self.historyLoaded)
        p.penRemoved.connect(self.penRemoved)
        p.penRemoved.connect(lambda _t: self._update_title())
        p.rangeLoaded.connect(self._range_loaded)
        p.loadingChanged.connect(self._loading)
        p.loadProgress.connect(self._progress)
        p.viewRangeChanged.connect(self._view_changed)
        p.followingChanged.connect(self._following_changed)
        self.refresh_sets()
        self._sync_presets()
        self._update_title()

    # ------------------------------------------------------------ construction helpers
    def _button(self, text: str, tip: str, checkable: bool = False) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setCheckable(checkable)
        b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return b

    def _picker(self, tip: str) -> QDateTimeEdit:
        e = QDateTimeEdit(self)
        e.setDisplayFormat(PICKER_FORMAT)
        e.setCalendarPopup(True)
        e.setToolTip(tip)
        e.setMinimumSize(QSize(112, 0))
        return e

    # ------------------------------------------------------------ pens (the TrendPlot API)
    @property
    def pens(self):
        return self.plot.pens

    @property
    def following(self) -> bool:
        return self.plot.following

    @property
    def highlighted(self) -> int | None:
        return self.plot.highlighted

    def add_tag(self, tag: int) -> bool:
        """Trend a configured tag: its name, unit, range and alarm limits come from the plant."""
        if not 0 <= tag < len(self.tags):
            return False
        t = self.tags[tag]
        limits: dict[str, tuple[float, int]] = {}
        if t.alarms is not None:
            for k in ("HH", "H", "L", "LL"):
                v = getattr(t.alarms, k)
                if v is not None:
                    limits[k] = (float(v), t.alarms.priority_of(k))
        return self.add_pen(tag, t.name, t.unit, self.history_loader, span=t.range, limits=limits)

    def add_pen(
        self,
        tag: int,
        name: str,
        unit: str = "",
        history_loader: HistoryLoader | None = None,
        *,
        span: tuple[float, float] | None = None,
        limits: dict[str, tuple[float, int]] | None = None,
    ) -> bool:
        loader = history_loader if history_loader is not None else self.history_loader
        ok = self.plot.add_pen(tag, name, unit, loader, span=span, limits=limits)
        self._update_title()
        return ok

    def update_forecasts(self) -> None:
        """Ask for the forecast of every pen and draw it ahead of the live curve (every 2 s)."""
        if self.cone_source is None:
            return
        for tag in list(self.plot.pens):
            cone = self.cone_source(tag)
            if cone is not None or self.plot.pens[tag].cone is not None:
                self.plot.set_forecast(tag, cone)

    def remove_pen(self, tag: int) -> None:
        self.plot.remove_pen(tag)

    def clear(self) -> None:
        self.plot.clear()

    def has_pen(self, tag: int) -> bool:
        return self.plot.has_pen(tag)

    def highlight(self, tag: int | None) -> None:
        self.plot.highlight(tag)

    def append(self, batch: SampleBatch) -> None:
        self.plot.append(batch)

    def redraw(self) -> None:
        self.plot.redraw()

    # ------------------------------------------------------------ time range
    def set_window(self, seconds: float) -> None:
        """Show the last `seconds` and follow new samples."""
        self.plot.set_window(seconds)
        self._sync_presets()

    def set_following(self, on: bool = True) -> None:
        self.plot.set_following(on)
        self._sync_presets()

    def set_range(self, t0: float, t1: float) -> None:
        """Show a fixed range (UNIX s); history is read for it in a worker."""
        self.plot.set_range(t0, t1)
        self._sync_presets()

    def visible_range(self) -> tuple[float, float]:
        return self.plot.visible_range()

    def preset(self) -> str | None:
        """The preset label being shown, when following live with a preset window."""
        if not self.plot.following:
            return None
        return next((k for k, s in PRESETS.items() if s == self.plot.window_s), None)

    def _show_picked(self) -> None:
        t0 = self.from_edit.dateTime().toSecsSinceEpoch()
        t1 = self.to_edit.dateTime().toSecsSinceEpoch()
        if t1 <= t0:
            self._say(self.tr("The end of the range must be after its start."))
            return
        self.set_range(float(t0), float(t1))

    def _view_changed(self, t0: float, t1: float) -> None:
        for edit, t in ((self.from_edit, t0), (self.to_edit, t1)):
            if not edit.hasFocus():
                edit.blockSignals(True)
                edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(t)))
                edit.blockSignals(False)

    def _following_changed(self, _on: bool) -> None:
        self._sync_presets()

    def _sync_presets(self) -> None:
        current = self.preset()
        for label, b in self.preset_buttons.items():
            b.setChecked(label == current)
        self.live_button.setChecked(self.plot.following)
        self.live_button.setText(self.tr("Live") if self.plot.following else self.tr("Paused"))

    # ------------------------------------------------------------ loading
    def _loading(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.busy_label.setText(self.tr("loading…") if on else "")
        if not on:
            self.busy.setRange(0, 1)
            self.busy.setValue(0)

    def _progress(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.busy.setRange(0, total)
        self.busy.setValue(done)
        if total > 1:
            self.busy_label.setText(self.tr("loading… {done}/{total}").format(done=done, total=total))
        else:
            self.busy_label.setText(self.tr("loading…"))

    def _range_loaded(self) -> None:
        if self.plot.range_error:
            self._say(self.tr("History unavailable: {error}").format(error=self.plot.range_error))
        self.rangeLoaded.emit()

    # ------------------------------------------------------------ export
    def export_csv(self, path) -> int:
        """Write the shown range as CSV (time,tag,value,quality; ISO 8601 UTC ms)."""
        rows = self.plot.export_csv(path)
        self._say(self.tr("Exported {n} rows to {file}").format(n=rows, file=Path(path).name))
        return rows

    def export_png(self, path) -> bool:
        ok = self.plot.export_png(path)
        name = Path(path).name
        self._say(
            self.tr("Saved {file}").format(file=name)
            if ok
            else self.tr("Could not save {file}").format(file=name)
        )
        return ok

    def _default_name(self, ext: str) -> str:
        return str(self.export_dir / f"trend_{datetime.now():%Y%m%d_%H%M}.{ext}")

    def _csv_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export trend"), self._default_name("csv"), self.tr("CSV (*.csv)")
        )
        if path:
            try:
                self.export_csv(path)
            except OSError as exc:
                self._say(self.tr("Export failed: {error}").format(error=exc))

    def _png_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save chart"), self._default_name("png"), self.tr("PNG (*.png)")
        )
        if path:
            self.export_png(path)

    # ------------------------------------------------------------ trend sets
    def trend_sets(self) -> list[str]:
        return list_sets(self.sets_dir) if self.sets_dir is not None else []

    def current_set(self, name: str) -> TrendSet:
        preset = self.preset()
        return TrendSet(
            name=name,
            pens=tuple(p.name for p in self.plot.pens.values()),
            preset=preset,
            range=None if preset is not None else self.visible_range(),
            following=self.plot.following,
        )

    def save_set(self, name: str) -> Path:
        """Save the pens and the range (a preset, or the fixed range shown) under `name`."""
        if self.sets_dir is None:
            raise RuntimeError("no directory for trend sets")
        path = save_set(self.sets_dir, self.current_set(name))
        self.refresh_sets(select=path.stem)
        self._say(self.tr("Saved trend set “{name}”").format(name=path.stem))
        return path

    def open_set(self, name: str) -> bool:
        """Replace the pens and the range by a saved set; tags no longer configured are skipped."""
        if self.sets_dir is None:
            return False
        try:
            ts = load_set(self.sets_dir, name)
        except (OSError, ValueError) as exc:
            self._say(self.tr("Cannot open trend set “{name}”: {error}").format(name=name, error=exc))
            return False
        known, missing = pens_known(ts.pens, self.tag_index)
        self.plot.clear()
        for tag in known:
            self.add_tag(tag)
        if ts.preset in PRESETS and ts.following:
            self.set_window(PRESETS[ts.preset])
        elif ts.range is not None:
            self.set_range(*ts.range)
            if ts.following:
                self.plot.window_s = ts.range[1] - ts.range[0]
                self.set_following(True)
        self._update_title()
        if missing:
            self._say(
                self.tr("Opened trend set “{name}” (not configured any more: {tags})").format(
                    name=ts.name, tags=", ".join(missing)
                )
            )
        else:
            self._say(self.tr("Opened trend set “{name}”").format(name=ts.name))
        return True

    def refresh_sets(self, select: str | None = None) -> None:
        self.sets_combo.blockSignals(True)
        self.sets_combo.clear()
        self.sets_combo.addItem(self.tr("Trend sets…"))
        for name in self.trend_sets():
            self.sets_combo.addItem(name)
        if select is not None and (i := self.sets_combo.findText(select)) > 0:
            self.sets_combo.setCurrentIndex(i)
        self.sets_combo.blockSignals(False)

    def _set_chosen(self, index: int) -> None:
        if index > 0:
            self.open_set(self.sets_combo.itemText(index))

    def _save_clicked(self) -> None:
        current = self.sets_combo.currentText() if self.sets_combo.currentIndex() > 0 else ""
        name, ok = QInputDialog.getText(self, self.tr("Save trend set"), self.tr("Name:"), text=current)
        if ok and name.strip():
            try:
                self.save_set(name)
            except (OSError, ValueError) as exc:
                self._say(self.tr("Cannot save the trend set: {error}").format(error=exc))

    # ------------------------------------------------------------ title and messages
    def _update_title(self) -> None:
        n = len(self.plot.pens)
        if n == 0:
            self.title.setText(self.tr("Trend: double-click or drag a tag here"))
        elif self.plot.axes.normalised:
            self.title.setText(self.tr("Trend: {n} pens, % of range").format(n=n))
        else:
            self.title.setText(self.tr("Trend: {n} pens").format(n=n) if n > 1 else self.tr("Trend: 1 pen"))

    def _say(self, text: str) -> None:
        log.info("trend: %s", text)
        self.note.setText(text)
        self.note.setToolTip(text)
        self._note_timer.start()
        self.message.emit(text)
