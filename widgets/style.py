"""How state reaches the stylesheet (resources/theme.qss): a dynamic property set on a widget and
re-polished only when its value changes (PyDM's alarm-severity property works the same way)."""

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
