"""The look every list in the HMI shares: whole-row selection, no grid, one-line rows of 22 px,
interactive column widths with one column taking the rest, and a thin busy strip."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QProgressBar, QTableView, QWidget

ROW_HEIGHT = 22


def configure_table(
    view: QTableView, stretch: int, widths: dict[int, int], *, single: bool = False, grid: bool = False
) -> None:
    """Set up a read-only list: rows selected whole (one, or several), column `stretch` takes the
    room left over, the others start at `widths` (or their heading's width, when wider) and can be dragged."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.SingleSelection
        if single
        else QAbstractItemView.SelectionMode.ExtendedSelection
    )
    view.setShowGrid(grid)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for col, width in widths.items():  # never narrower than its heading ("动态风险" beside "Level")
        view.setColumnWidth(col, max(width, header.sectionSizeHint(col)))


def busy_bar(parent: QWidget) -> QProgressBar:
    """A 3-px progress strip, hidden until work runs, that keeps its place so nothing jumps."""
    bar = QProgressBar(parent)
    bar.setObjectName("trendBusy")
    bar.setTextVisible(False)
    bar.setFixedHeight(3)
    policy = bar.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    bar.setSizePolicy(policy)
    bar.hide()
    return bar
