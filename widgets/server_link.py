"""A station's banner for its link to the control-room server: hidden while the server's state
arrives, a red bar saying so at once when it does not (the broker lost, the server gone), so no
value on screen is taken for live."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy


class ServerLinkBanner(QLabel):
    """Shown while the station has no connection to the server. `linkChanged(bool)` may be emitted
    from any thread (the station's); the widget updates in the GUI thread."""

    linkChanged = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("serverLinkBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # across the window's width in its tool bar, on one line
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.up = False
        self.linkChanged.connect(self.set_link, Qt.ConnectionType.QueuedConnection)
        self.set_link(False)

    def set_link(self, up: bool) -> None:
        self.up = up
        self.setText(
            ""
            if up
            else self.tr(
                "No connection to the server: the values shown are not live and commands cannot be sent"
            )
        )
        self.setVisible(not up)
