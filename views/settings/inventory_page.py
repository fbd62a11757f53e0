"""The Settings dialog's "Risk inventory" page: the risk inventory's one widget
(views.inventory_dialog.InventoryPanel) under the page's header. The inventory lives in the
plant's database, not in the plant file: each change is stored, versioned and audited when it
is made, and Apply has nothing to do with it. Without a database (an engine that keeps no
history) the page says so.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from views.inventory_dialog import InventoryPanel
from views.settings.forms import with_header


def inventory_page(inventory, user: str) -> tuple[QWidget, InventoryPanel | None]:
    """(the page, its panel or None without a database)."""
    title = QCoreApplication.translate("settings", "Risk inventory")
    if inventory is None:
        empty = QWidget()
        note = QLabel(
            QCoreApplication.translate(
                "InventoryPage", "The risk inventory is kept in the plant's history database: none is open."
            ),
            empty,
        )
        note.setWordWrap(True)
        QVBoxLayout(empty).addWidget(note)
        return with_header(empty, title, ""), None
    panel = InventoryPanel(inventory, user)
    hint = QCoreApplication.translate(
        "InventoryPage",
        "Risk points with their LEC or LS evaluation, control measures and the level responsible. "
        "Each change is stored at once as a new version and audited; Apply is not needed.",
    )
    return with_header(panel, title, hint), panel
