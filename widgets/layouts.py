"""Box layouts in one call: the widgets and layouts of a row or a column, its margins and spacing;
and a push button with what its click does.

An item is a widget, a layout, or `(item, stretch)` for one that takes the room left over.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLayout, QPushButton, QVBoxLayout, QWidget

Margins = int | tuple[int, int, int, int]
Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


def _fill(lay: QBoxLayout, items: tuple[Item, ...], margins: Margins | None, spacing: int | None) -> None:
    if margins is not None:
        lay.setContentsMargins(*((margins,) * 4 if isinstance(margins, int) else margins))
    if spacing is not None:
        lay.setSpacing(spacing)
    for item in items:
        what, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(what, QLayout):
            lay.addLayout(what, stretch)
        else:
            lay.addWidget(what, stretch)


def vbox(
    *items: Item, margins: Margins | None = None, spacing: int | None = None, parent: QWidget | None = None
) -> QVBoxLayout:
    """A column of `items`, top to bottom; the layout of `parent` when one is given."""
    lay = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    _fill(lay, items, margins, spacing)
    return lay


def hbox(
    *items: Item, margins: Margins | None = None, spacing: int | None = None, parent: QWidget | None = None
) -> QHBoxLayout:
    """A row of `items`, left to right; the layout of `parent` when one is given."""
    lay = QHBoxLayout(parent) if parent is not None else QHBoxLayout()
    _fill(lay, items, margins, spacing)
    return lay


def panel(layout: QLayout) -> QWidget:
    """A plain widget holding `layout` (a column or row to put in a splitter or a stack)."""
    w = QWidget()
    w.setLayout(layout)
    return w


def button(text: str, clicked: Callable[[], object], parent: QWidget | None = None) -> QPushButton:
    b = QPushButton(text, parent)
    b.clicked.connect(clicked)
    return b
