"""The main window's dock layout: the default arrangement (and the compact one for small
screens), keeping the window on its screen, and saving and restoring the layout per user.

`WindowLayout` is mixed into views.main_window.MainWindow (it uses the window's docks, map,
alarm list, trend and `settings`), as `OperatorActions` is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from widgets.screen_fit import keep_on_screen

# 3: hazard-source and plant-risk docks under the trends; older saved layouts are not restored
LAYOUT_VERSION = 4  # 4: the compact layout on small screens
MAP_SHARE = 0.60  # of the window width, for the default layout
TAG_DOCK_WIDTH = 230
ALARM_SHARE = 0.30  # of the window height (the map is wide, not tall)
HAZARD_SHARE = 0.55  # of the right-hand column's height, under the trends
COMPACT_BELOW_HEIGHT = 900  # free screen height under which the compact layout is the default
COMPACT_MAP_SHARE = 0.58  # of the width, in the compact layout
ALARM_ROWS = 10  # alarms the list shows at least in the compact layout


class WindowLayout:
    """Dock layout of the main window (see the module docstring)."""

    def _restore_layout(self) -> None:
        s = self.settings
        geometry = s.value("mainwindow/geometry")
        state = s.value("mainwindow/state")
        version = s.value("mainwindow/layout_version")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.fit_to_screen()
        if (
            state is not None
            and str(version) == str(LAYOUT_VERSION)
            and self.restoreState(state, LAYOUT_VERSION)
        ):
            return
        QTimer.singleShot(0, self._default_sizes)

    def fit_to_screen(self) -> None:
        """Keep the window inside the screen it is on: a geometry saved on a larger screen (or
        one a long text once widened) is clamped, so no button or dock ends up out of reach."""
        keep_on_screen(self)

    def compact(self) -> bool:
        """A small screen (a 1366 x 768 laptop, an older console): one tabbed column beside the map."""
        screen = self.screen()
        return screen is not None and screen.availableGeometry().height() < COMPACT_BELOW_HEIGHT

    def _alarm_list_height(self, rows: int) -> int:
        """The alarm dock's height that shows `rows` alarms under its buttons and filters."""
        table = self.alarm_table
        row = table.view.verticalHeader().defaultSectionSize()
        header = table.view.horizontalHeader().sizeHint().height()
        above = table.view.geometry().top() if table.view.geometry().top() > 0 else 2 * row + 30
        return above + header + rows * row + 40  # the dock's title bar and frame

    def _default_sizes(self) -> None:
        """The map gets most of the screen; trends to its right, the alarm list under both."""
        w, h = max(self.width(), 1200), max(self.height(), 800)
        if self.compact():
            w, h = self.width(), self.height()
            self.resizeDocks(
                [self.trend_dock], [max(360, int(w * (1 - COMPACT_MAP_SHARE)))], Qt.Orientation.Horizontal
            )
            self.resizeDocks(
                [self.alarm_dock], [self._alarm_list_height(ALARM_ROWS)], Qt.Orientation.Vertical
            )
            return
        tags = TAG_DOCK_WIDTH if self.tag_dock.isVisible() else 0
        trend = max(320, w - tags - int(w * MAP_SHARE))
        self.resizeDocks([self.tag_dock, self.trend_dock], [TAG_DOCK_WIDTH, trend], Qt.Orientation.Horizontal)
        self.resizeDocks([self.alarm_dock], [int(h * ALARM_SHARE)], Qt.Orientation.Vertical)
        column = int(h * (1 - ALARM_SHARE))
        self.resizeDocks(
            [self.trend_dock, self.hazard_dock],
            [int(column * (1 - HAZARD_SHARE)), int(column * HAZARD_SHARE)],
            Qt.Orientation.Vertical,
        )

    def _place_risk_docks(self) -> None:
        """Hazard source and plant risk share a tabbed dock under the trends; plant risk in front.
        On a small screen trends, plant risk, hazard source and tags are one tabbed column, so
        the map keeps its height and the alarm list its rows."""
        if self.compact():
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.tag_dock)
            for dock in (self.risk_dock, self.hazard_dock, self.tag_dock):
                self.tabifyDockWidget(self.trend_dock, dock)
            self.trend_dock.raise_()
            return
        self.splitDockWidget(self.trend_dock, self.hazard_dock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.hazard_dock, self.risk_dock)
        self.risk_dock.raise_()

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("mainwindow/geometry", self.saveGeometry())
        s.setValue("mainwindow/state", self.saveState(LAYOUT_VERSION))
        s.setValue("mainwindow/layout_version", LAYOUT_VERSION)
        s.sync()

    def reset_layout(self) -> None:
        for dock, area in (
            (self.trend_dock, Qt.DockWidgetArea.RightDockWidgetArea),
            (self.alarm_dock, Qt.DockWidgetArea.BottomDockWidgetArea),
            (self.tag_dock, Qt.DockWidgetArea.LeftDockWidgetArea),
            (self.hazard_dock, Qt.DockWidgetArea.RightDockWidgetArea),
            (self.risk_dock, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock.setFloating(False)
            self.addDockWidget(area, dock)
            dock.show()
        self._place_risk_docks()
        self._default_sizes()
