"""How state reaches the stylesheet (resources/theme.qss): a dynamic property set on a widget and
re-polished only when its value changes (PyDM's alarm-severity property works the same way); and
the font of a window's heading, sized from the font the widget has."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def set_style_property(widget: QWidget, name: str, value, *, children: bool = False) -> bool:
    """Set a dynamic property and re-polish the widget (and its children), only if it changed."""
    if widget.property(name) == value:
        return False
    widget.setProperty(name, value)
    targets = [widget, *widget.findChildren(QWidget)] if children else [widget]
    for w in targets:
        style = w.style()
        style.unpolish(w)
        style.polish(w)
        w.update()
    return True


def set_heading_font(widget: QWidget, scale: float) -> None:
    """Make a widget's text a heading: bold, `scale` times the size of its font."""
    f = widget.font()
    f.setPointSizeF(f.pointSizeF() * scale)
    f.setBold(True)
    widget.setFont(f)
