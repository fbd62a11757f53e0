"""The alarm list's data: a table model keyed by alarm, fed with transitions, and the filter
proxy behind the filter bar; the colours, labels and formats every alarm display shares.

The model takes the transitions of a flush in bulk: one begin/end insert rows for every new
alarm, begin/end remove rows and bounded `dataChanged` per run of adjacent rows, never a reset.
Unacknowledged alarms flash their priority cell from one shared timer; acknowledged alarms are
steady (the flash is `restyled`, not `dataChanged`: the proxy would filter every flashing row
again twice a second and the view repaint every cell, in a flood thousands of Python calls, for
a colour no filter reads); alarms that returned to normal unacknowledged are greyed until someone acknowledges them.
The view (filter bar, buttons, menus) is widgets/alarm_table.py.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from core.alarm_types import ROMAN, State
from core.formatting import format_number
from core.messages import Message
from widgets.marked import marked_word
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT  # noqa: F401  (re-exported)
from widgets.plant_words import WORDS
from widgets.row_model import RowTableModel, alignment

# English source texts; `label()` gives them in the installed language.
STATE_LABELS = {
    "UNACK": QT_TRANSLATE_NOOP("alarm_table", "Unack"),
    "ACKED": QT_TRANSLATE_NOOP("alarm_table", "Acked"),
    "RTN_UNACK": QT_TRANSLATE_NOOP("alarm_table", "RTN unack"),
    "NORMAL": QT_TRANSLATE_NOOP("alarm_table", "Normal"),
    "LATCHED": QT_TRANSLATE_NOOP("alarm_table", "Latched"),
    "SHELVED": QT_TRANSLATE_NOOP("alarm_table", "Shelved"),
    "SUPPRESSED": QT_TRANSLATE_NOOP("alarm_table", "Suppressed"),
    "OOS": QT_TRANSLATE_NOOP("alarm_table", "Out of service"),
}
OFF_LIST = ("SHELVED", "SUPPRESSED", "OOS")  # recorded, not annunciated: shown grey
SHELVE_CHOICES = (
    (QT_TRANSLATE_NOOP("alarm_table", "15 minutes"), 900.0),
    (QT_TRANSLATE_NOOP("alarm_table", "1 hour"), 3600.0),
    (QT_TRANSLATE_NOOP("alarm_table", "8 hours (one shift)"), 28800.0),
    (QT_TRANSLATE_NOOP("alarm_table", "Until it clears"), None),
)
GREY_TEXT = QColor("#8a8d91")

COLUMNS = (
    QT_TRANSLATE_NOOP("alarm_table", "Time"),
    QT_TRANSLATE_NOOP("alarm_table", "Pri"),
    QT_TRANSLATE_NOOP("alarm_table", "Tag"),
    QT_TRANSLATE_NOOP("alarm_table", "Description"),
    QT_TRANSLATE_NOOP("alarm_table", "Kind"),
    QT_TRANSLATE_NOOP("alarm_table", "Value"),
    QT_TRANSLATE_NOOP("alarm_table", "Limit"),
    QT_TRANSLATE_NOOP("alarm_table", "State"),
    QT_TRANSLATE_NOOP("alarm_table", "Expected"),
    QT_TRANSLATE_NOOP("alarm_table", "Off the list"),
)
(
    COL_TIME,
    COL_PRI,
    COL_TAG,
    COL_DESC,
    COL_KIND,
    COL_VALUE,
    COL_LIMIT,
    COL_STATE,
    COL_ETA,
    COL_OFF,
) = range(len(COLUMNS))
N_COLUMNS = len(COLUMNS)
_ROOT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole
ALARM_ROLE = Qt.ItemDataRole.UserRole + 1
FLASH_MS = 500


WARNING_MARK = "⚠"
VIEW_STANDING, VIEW_OFF = "standing", "off"  # the main list / shelved & out of service
STATE_FILTERS = (
    (QT_TRANSLATE_NOOP("alarm_table", "All standing"), "all"),
    (QT_TRANSLATE_NOOP("alarm_table", "Active"), "active"),
    (QT_TRANSLATE_NOOP("alarm_table", "Unacknowledged"), "unacked"),
)
FILTER_NAMES = ("view", "areas", "hazards", "priorities", "state_filter", "kind_filter", "text")
KIND_FILTERS = (
    (QT_TRANSLATE_NOOP("alarm_table", "Alarms & warnings"), "both"),
    (QT_TRANSLATE_NOOP("alarm_table", "Alarms"), "alarms"),
    (QT_TRANSLATE_NOOP("alarm_table", "Warnings"), "warnings"),
)
WARNING_KIND_LABELS = {
    "FORECAST": QT_TRANSLATE_NOOP("alarm_table", "forecast"),
    "ANOMALY": QT_TRANSLATE_NOOP("alarm_table", "anomaly"),
    "RULE": QT_TRANSLATE_NOOP("alarm_table", "rule"),
}


def label(text: str) -> str:
    """One of this module's marked labels (states, columns, filters) in the installed language."""
    return QCoreApplication.translate("alarm_table", text)


def kind_label(kind: str) -> str:
    """An alarm kind for display: early-warning kinds are words and translated; limit codes (HH, ROC) are not."""
    return marked_word("alarm_table", WARNING_KIND_LABELS, kind)


def state_label(state: str) -> str:
    """An alarm state as the operator reads it ('Unack', 'Shelved', ...), translated."""
    return marked_word("alarm_table", STATE_LABELS, state)


def shown(text) -> str:
    """A text from the core (an `core.messages.Message`: alarm and warning messages) in the
    installed language; plain text (a configured message, a journal row) as it is, but for a limit
    alarm's tag description on Chinese screens (`widgets.plant_words`)."""
    if isinstance(text, Message):
        return text.render(QCoreApplication.translate)
    return WORDS.limit_message("" if text is None else str(text))


def format_time(ts: float) -> str:
    lt = time.localtime(ts)
    return time.strftime("%H:%M:%S", lt) + f".{int((ts % 1) * 10)}"


def format_eta(eta: float | None, now: float, err_s: float | None = None) -> str:
    """Countdown to an early warning's predicted time: 'in 40 s', 'in 6 min', 'in 2 h 5 min'."""
    if eta is None or not math.isfinite(eta):
        return ""
    left = eta - now
    if left <= 0:
        return QCoreApplication.translate("alarm_table", "due now")
    if left < 60:
        text = QCoreApplication.translate("alarm_table", "in {n} s").format(n=max(1, int(left)))
    elif left < 3600:
        text = QCoreApplication.translate("alarm_table", "in {n} min").format(n=int(round(left / 60)))
    else:
        h, m = divmod(int(round(left / 60)), 60)
        if m:
            text = QCoreApplication.translate("alarm_table", "in {h} h {m} min").format(h=h, m=m)
        else:
            text = QCoreApplication.translate("alarm_table", "in {h} h").format(h=h)
    if err_s is not None and math.isfinite(err_s) and err_s >= 60:
        text += QCoreApplication.translate("alarm_table", " ±{n} min").format(n=int(round(err_s / 60)))
    return text


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Row numbers as runs of adjacent rows, (first, last) in ascending order."""
    out: list[tuple[int, int]] = []
    for row in sorted(rows):
        if out and out[-1][1] == row - 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


class AlarmTableModel(RowTableModel):
    """Standing alarms, one row per alarm key, fed with transitions."""

    columns, context = COLUMNS, "alarm_table"
    # a column's look changed in every row (the flash), nothing a filter or sort reads: views repaint it
    restyled = Signal(int)

    def __init__(self, units: dict[str, str] | None = None, parent=None, *, clock=time.time):
        super().__init__(parent)
        self._rows: list = []  # list[Alarm]
        self._row_of: dict[str, int] = {}
        self._units = units or {}
        self.clock = clock
        self._shelved_until: dict[str, float | None] = {}  # key -> until (None: until it clears)
        self._off_note: dict[str, tuple[str, str]] = {}  # key -> (user, reason) while off the list
        self._flash_on = True
        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    # ------------------------------------------------------------ feeding
    def update_alarms(self, transitions: Iterable, *, keep_normal: bool = False) -> None:
        """Apply alarm transitions: insert new keys, update known ones, remove NORMAL ones (or,
        with `keep_normal`, show them as normal in place until `drop_normal`: no row moves).

        The transitions of one flush move the list in bulk: a bounded `dataChanged` and a removal
        per run of adjacent rows that changed or left, and one insertion of every new alarm at the
        end (a flood of a thousand alarms is one insertion, not a thousand)."""
        rows, row_of = self._rows, self._row_of
        new: dict[str, object] = {}  # key -> alarm not listed before this call, in arrival order
        gone: set[int] = set()
        changed: set[int] = set()
        for alarm in transitions:
            self._remember_off_note(alarm)
            key = alarm.key
            row = row_of.get(key)
            if row is not None and row in gone:
                row = None  # removed earlier in this call: it comes back as a new row
            if alarm.state == State.NORMAL:
                if row is not None and keep_normal:
                    rows[row] = alarm
                    changed.add(row)
                elif row is not None:
                    gone.add(row)
                elif key in new and keep_normal:
                    new[key] = alarm
                else:
                    new.pop(key, None)
            elif row is not None:
                rows[row] = alarm
                changed.add(row)
            else:
                new[key] = alarm
        for first, last in runs(changed - gone):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        if gone:
            self._remove_rows(gone)
        if new:
            n = len(self._rows)
            self.beginInsertRows(QModelIndex(), n, n + len(new) - 1)
            self._rows.extend(new.values())
            self._row_of.update(zip(new, range(n, n + len(new)), strict=True))
            self.endInsertRows()
        self._update_flash_timer()

    def set_alarms(self, alarms: Iterable) -> None:
        """Replace the whole list (initial snapshot); the only place a reset is used."""
        self.beginResetModel()
        self._rows = [a for a in alarms if a.state != State.NORMAL]
        for a in self._rows:
            self._remember_off_note(a)
        self._row_of = {a.key: i for i, a in enumerate(self._rows)}
        self.endResetModel()
        self._update_flash_timer()

    def drop_normal(self) -> None:
        """Remove the rows kept in place as normal (`update_alarms(keep_normal=True)`)."""
        self._remove_rows({i for i, a in enumerate(self._rows) if a.state == State.NORMAL})

    def _remove_rows(self, gone: set[int]) -> None:
        """Remove these rows, one begin/end remove per run of adjacent rows, last run first."""
        if not gone:
            return
        for first, last in reversed(runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for a in self._rows[first : last + 1]:
                del self._row_of[a.key]
            del self._rows[first : last + 1]
            self.endRemoveRows()
        for i in range(min(gone), len(self._rows)):
            self._row_of[self._rows[i].key] = i

    # ------------------------------------------------------------ queries
    def alarm(self, row: int):
        return self._rows[row]

    def alarms(self) -> list:
        return list(self._rows)

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    def unacked_keys(self) -> list[str]:
        return [a.key for a in self._rows if not a.acked]

    def note_shelved(self, keys: Iterable[str], until: float | None) -> None:
        """Remember until when alarms were shelved from here (shown in the shelved view)."""
        for k in keys:
            self._shelved_until[k] = until

    def _remember_off_note(self, a) -> None:
        # who took an alarm off the list and why, kept while it stays off: later transitions of
        # the alarm (it becomes active while shelved) carry no user or reason of their own
        if not a.hidden:
            self._off_note.pop(a.key, None)
        elif a.user or a.comment:
            self._off_note[a.key] = (a.user, a.comment)

    def off_list_note(self, a) -> str:
        """Who took the alarm off the list, why, and until when (if known)."""
        if not a.hidden:
            return ""
        user, comment = (a.user, a.comment) if a.user or a.comment else self._off_note.get(a.key, ("", ""))
        parts = [user] if user else []
        if comment:
            parts.append(comment)
        if a.shelved and a.key in self._shelved_until:
            until = self._shelved_until[a.key]
            parts.append(
                self.tr("until it clears")
                if until is None
                else self.tr("until {time}").format(time=format_time(until)[:5])
            )
        elif a.suppressed and not parts:
            parts.append(self.tr("by design"))
        return " · ".join(parts)

    def off_list_tip(self, a) -> str:
        """The whole note of an alarm off the list, with the full date and time it comes back."""
        user, comment = (a.user, a.comment) if a.user or a.comment else self._off_note.get(a.key, ("", ""))
        lines = [f"{state_label(a.state)}: {a.source}"]
        if user:
            lines.append(self.tr("by {user}").format(user=user))
        if comment:
            lines.append(self.tr("reason: {reason}").format(reason=comment))
        if a.shelved and a.key in self._shelved_until:
            until = self._shelved_until[a.key]
            lines.append(
                self.tr("until it clears")
                if until is None
                else self.tr("back on the list at {time}").format(
                    time=time.strftime("%Y-%m-%d %H:%M", time.localtime(until))
                )
            )
        return "\n".join(lines)

    @property
    def flash_on(self) -> bool:
        return self._flash_on

    # ------------------------------------------------------------ flashing
    def _update_flash_timer(self) -> None:
        # one shared timer flashes unacknowledged alarms and refreshes warning countdowns
        flashing = any(a.state == State.UNACK or a.eta is not None for a in self._rows)
        if flashing and not self._flash.isActive():
            self._flash_on = True
            self._flash.start()
        elif not flashing and self._flash.isActive():
            self._flash.stop()
            self._flash_on = True

    def _toggle_flash(self) -> None:
        self._flash_on = not self._flash_on
        if any(a.state == State.UNACK for a in self._rows):  # the priority cells that flash
            self.restyled.emit(COL_PRI)
        if self._flash_on:  # countdowns once a second
            self.refresh_countdowns()

    def refresh_countdowns(self) -> None:
        """One bounded dataChanged over the countdown cells of early warnings (the text filter
        reads them)."""
        rows = [i for i, a in enumerate(self._rows) if a.eta is not None]
        if rows:
            self.dataChanged.emit(
                self.index(rows[0], COL_ETA), self.index(rows[-1], COL_ETA), [Qt.ItemDataRole.DisplayRole]
            )

    # ------------------------------------------------------------ Qt model
    def row_list(self) -> list:
        return self._rows

    # the filter proxy asks for these thousands of times when it sorts a flood into the list (each
    # comparison builds two indexes and reads two sort keys): the shortest way there
    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else N_COLUMNS

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == SORT_ROLE:
            return self.sort_key(self._rows[index.row()], index.column()) if index.isValid() else None
        return super().data(index, role)

    def cell(self, a, col: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, col)
        if role == SORT_ROLE:
            return self.sort_key(a, col)
        if role == ALARM_ROLE:
            return a
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_PRI:
            steady = a.state == State.ACKED
            if steady or (a.state == State.UNACK and self._flash_on):
                return QBrush(QColor(PRIORITY_COLORS.get(a.priority, "#888888")))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_PRI:
                if a.state == State.ACKED or (a.state == State.UNACK and self._flash_on):
                    return QBrush(QColor(PRIORITY_TEXT.get(a.priority, "#000000")))
                return QBrush(QColor(PRIORITY_COLORS.get(a.priority, "#888888")))
            if a.state == State.RTN_UNACK or a.state in OFF_LIST:
                return QBrush(GREY_TEXT)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if a.state == State.UNACK and col in (COL_PRI, COL_TAG, COL_STATE):
                return self._bold
            if a.is_warning and col in (COL_DESC, COL_KIND, COL_ETA):
                return self._italic
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(col, numbers=(COL_VALUE, COL_LIMIT), centred=(COL_PRI,))
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_OFF and a.hidden:
            return self.off_list_tip(a)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tr("{mark} early warning: ").format(mark=WARNING_MARK) if a.is_warning else ""
            tip += self.tr("{message}\nactive since {since}\nlast change {changed}").format(
                message=shown(a.message), since=format_time(a.since), changed=format_time(a.ts)
            )
            if a.eta is not None:
                tip += self.tr("\nexpected at {time}").format(time=format_time(a.eta)[:8])
                if a.eta_err_s:
                    tip += self.tr(" ± {n} min").format(n=f"{a.eta_err_s / 60:.0f}")
            if a.hazard:
                tip += self.tr("\nhazard source: {name}").format(name=WORDS.name(a.hazard))
            if a.first_out:
                tip += self.tr("\n◆ first out: the first alarm of this burst on its hazard source")
            if a.user:
                tip += self.tr("\n{state} by {user}").format(state=state_label(a.state).lower(), user=a.user)
            return tip + (f": {a.comment}" if a.comment else "")
        return None

    def _display(self, a, col: int):
        if col == COL_TIME:
            return format_time(a.since)
        if col == COL_PRI:
            return ROMAN.get(a.priority, str(a.priority))
        if col == COL_TAG:
            source = WORDS.name(a.source)  # a rule's name in Chinese on Chinese screens
            return f"{source}  ◆" if a.first_out else source
        if col == COL_DESC:
            return shown(a.message)
        if col == COL_KIND:
            return f"{WARNING_MARK} {kind_label(a.kind)}" if a.is_warning else a.kind
        if col == COL_VALUE:
            unit = self._units.get(a.source, "")
            text = format_number(a.value)
            return f"{text} {unit}".rstrip() if text else ""
        if col == COL_LIMIT:
            return format_number(a.limit)
        if col == COL_STATE:
            return state_label(a.state)
        if col == COL_ETA:
            return format_eta(a.eta, self.clock(), a.eta_err_s)
        if col == COL_OFF:
            return self.off_list_note(a)
        return None

    def sort_key(self, a, col: int):
        """What column `col` of alarm `a` sorts by (SORT_ROLE)."""
        if col == COL_TIME:
            return a.since
        if col == COL_PRI:
            return a.priority
        if col in (COL_VALUE, COL_LIMIT):
            v = a.value if col == COL_VALUE else a.limit
            return v if v is not None and math.isfinite(v) else -math.inf
        if col == COL_STATE:
            return {"UNACK": 0, "RTN_UNACK": 1, "ACKED": 2}.get(a.state, 3)
        if col == COL_ETA:
            return a.eta if a.eta is not None else math.inf
        return self._display(a, col)


class AlarmFilterProxy(QSortFilterProxyModel):
    """The operator's filters over the alarm list; sorts by the model's raw values.

    `view` picks the main list (standing alarms on the list) or the shelved & out-of-service
    list; within it, alarms pass when they match every filter: area (of the alarm's tag; ""
    for communication and rule alarms), hazard source, priority, state, kind and text.
    """

    def __init__(self, parent=None, tag_areas=()):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.tag_areas = list(tag_areas)
        self.view = VIEW_STANDING
        self.areas: frozenset[str] | None = None  # None: every area
        self.hazards: frozenset[str] | None = None  # None: every hazard source
        self.priorities = frozenset({1, 2, 3, 4})
        self.state_filter = "all"  # all | active | unacked
        self.kind_filter = "both"  # both | alarms | warnings
        self.text = ""
        self.first = None  # alarm -> True to list it before the others whatever the sort (a station's areas)

    def set_filter(self, **changes) -> None:
        """Change filters by name (view, areas, hazards, priorities, state_filter, kind_filter, text)."""
        unknown = [n for n in changes if n not in FILTER_NAMES]
        if unknown:
            raise AttributeError(f"no alarm filter {unknown[0]!r}")
        self.beginFilterChange()
        for name, value in changes.items():
            if (name in ("areas", "hazards") and value is not None) or name == "priorities":
                value = frozenset(value)
            elif name == "text":
                value = value.strip().lower()
            setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setFilterFixedString(self, text: str) -> None:  # noqa: N802 (the Qt name, kept for callers)
        self.set_filter(text=text)

    def area_of(self, a) -> str:
        return self.tag_areas[a.tag] if 0 <= a.tag < len(self.tag_areas) else ""

    def accepts(self, a, model=None) -> bool:
        if a.hidden != (self.view == VIEW_OFF):
            return False
        if self.areas is not None and self.area_of(a) not in self.areas:
            return False
        if self.hazards is not None and a.hazard not in self.hazards:
            return False
        if a.priority not in self.priorities:
            return False
        if self.state_filter == "active" and not a.active:
            return False
        if self.state_filter == "unacked" and a.acked:
            return False
        if self.kind_filter == "alarms" and a.is_warning:
            return False
        if self.kind_filter == "warnings" and not a.is_warning:
            return False
        if self.text:
            model = model or self.sourceModel()
            texts = [model._display(a, c) or "" for c in range(len(COLUMNS))]
            hay = " ".join([*texts, a.hazard, self.area_of(a)]).lower()
            if self.text not in hay:
                return False
        return True

    def lessThan(self, left, right) -> bool:  # noqa: N802
        """The model's sort keys compared here, in one call (Qt's own comparison asks for each
        side's data: a flood of a thousand rows sorts in some ten thousand comparisons)."""
        model = self.sourceModel()
        col = left.column()
        a, b = model.alarm(left.row()), model.alarm(right.row())
        if self.first is not None:
            later_a, later_b = not self.first(a), not self.first(b)
            if later_a != later_b:  # first in either order: Qt reads lessThan backwards when descending
                return (
                    later_a < later_b
                    if self.sortOrder() == Qt.SortOrder.AscendingOrder
                    else later_a > later_b
                )
        return model.sort_key(a, col) < model.sort_key(b, col)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802
        model = self.sourceModel()
        return self.accepts(model.alarm(source_row), model)
