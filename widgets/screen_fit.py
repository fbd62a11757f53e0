"""Windows and dialogs fit the screen they open on: a 1366 x 768 control-room laptop as well as a
wall of 4K displays. A size asked for is shrunk to the screen's free area; a window already open
(a geometry saved on a larger screen) is shrunk and moved back inside it."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MARGIN = 0.96  # of the free area: the window's frame and a glimpse of what is behind it


def _area(widget: QWidget):
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


def resize_for_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to `width` x `height`, or less where the screen is smaller."""
    area = _area(widget)
    if area is not None:
        width = min(width, int(area.width() * MARGIN))
        height = min(height, int(area.height() * MARGIN))
    widget.resize(
        max(width, widget.minimumSizeHint().width()), max(height, widget.minimumSizeHint().height())
    )


def keep_on_screen(widget: QWidget) -> None:
    """Shrink and move a top-level window back inside its screen's free area; where it cannot
    shrink enough, its left and top edges (menus, title, banner) stay in sight."""
    area = _area(widget)
    if area is None:
        return
    frame = widget.frameGeometry()
    extra_w, extra_h = frame.width() - widget.width(), frame.height() - widget.height()
    w = min(widget.width(), area.width() - extra_w)
    h = min(widget.height(), area.height() - extra_h)
    if (w, h) != (widget.width(), widget.height()):
        widget.resize(w, h)
    x = max(min(frame.x(), area.right() + 1 - (w + extra_w)), area.left())
    y = max(min(frame.y(), area.bottom() + 1 - (h + extra_h)), area.top())
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)
