"""Nothing moves under the operator's pointer: while the pointer is over the alarm list, or a row
was selected in the last few seconds, new alarms are held back (counted on a "3 new" marker)
and rows that return to normal stay in place, shown as normal, instead of closing up the list.
Alarms already on the list still update where they are. When the pointer leaves and the
selection is old, or the operator clicks the marker, the list takes everything in at once.

The banner, the horn and the map are fed apart from the list and never wait for it."""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from core.alarm_types import State

HOLD_AFTER_SELECT_S = 10.0  # a click picks a row; the list stays put while the operator acts on it


class ListHold(QObject):
    """Feeds alarm transitions into a model/proxy pair, holding back what would move rows."""

    heldChanged = Signal(int, int)  # held new alarms, highest priority among them (0: none)

    def __init__(self, view, model, proxy, parent=None, *, clock=time.monotonic):
        super().__init__(parent)
        self.view, self.model, self.proxy = view, model, proxy
        self.clock = clock
        self.held: dict[str, object] = {}  # key -> newest transition of an alarm not yet listed
        self.holding = False
        self.pointer_inside = False
        self.selected_at = -1e18
        view.viewport().installEventFilter(self)
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._check = QTimer(self)
        self._check.setInterval(1000)
        self._check.timeout.connect(self.release_if_free)

    # ------------------------------------------------------------ what holds the list
    def should_hold(self) -> bool:
        if self.pointer_inside:
            return True
        selected = self.view.selectionModel().hasSelection()
        return selected and self.clock() - self.selected_at < HOLD_AFTER_SELECT_S

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Enter:
            self.pointer_inside = True
        elif event.type() == QEvent.Type.Leave:
            self.pointer_inside = False
            self.release_if_free()
        return False

    def _selection_changed(self, *_args) -> None:
        self.selected_at = self.clock()

    def operator_acted(self) -> None:
        """The operator acknowledged or shelved what was picked: the picked rows hold the list no
        longer, so the result shows (a shelved alarm leaves the list)."""
        self.selected_at = -1e18
        self.release_if_free()

    # ------------------------------------------------------------ feeding
    def feed(self, transitions: Iterable) -> None:
        transitions = list(transitions)
        if not self.holding and not self.should_hold():
            self.model.update_alarms(transitions)
            return
        self._start()
        listed = []  # rows held in place never leave the list, so these can go in as one
        for a in transitions:
            if self.model.row_of(a.key) is not None:
                listed.append(a)
            elif a.state == State.NORMAL:
                self.held.pop(a.key, None)
            else:
                self.held[a.key] = a
        if listed:
            self.model.update_alarms(listed, keep_normal=True)
        self._announce()

    def reset(self) -> None:
        """A new snapshot replaces the list: nothing is held any more."""
        self.held.clear()
        if self.holding:
            self.holding = False
            self._check.stop()
            self.proxy.setDynamicSortFilter(True)
        self._announce()

    def release_if_free(self) -> None:
        if self.holding and not self.should_hold():
            self.release()

    def release(self) -> None:
        """Take in the held alarms, close up the rows that returned to normal, sort again."""
        if not self.holding:
            return
        self.holding = False
        self._check.stop()
        held, self.held = list(self.held.values()), {}
        self.model.drop_normal()
        self.model.update_alarms(held)
        self.proxy.setDynamicSortFilter(True)
        self.proxy.invalidate()
        self._announce()

    def _start(self) -> None:
        if not self.holding:
            self.holding = True
            # rows stay where they are: no re-sort or re-filter as their data change
            self.proxy.setDynamicSortFilter(False)
            self._check.start()

    def _announce(self) -> None:
        top = min((a.priority for a in self.held.values()), default=0)
        self.heldChanged.emit(len(self.held), top)
