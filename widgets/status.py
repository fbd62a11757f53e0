"""Status-bar pieces and the alarm banner.

State reaches the stylesheet (resources/theme.qss) through dynamic properties (`state`,
`priority`) that are re-polished only when they change; colours live in the theme.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from core.alarm_types import ROMAN
from core.samples import DeviceState
from widgets.alarm_model import format_time, shown
from widgets.elided_label import ElidedLabel
from widgets.plant_words import WORDS
from widgets.style import set_style_property  # noqa: F401  (also imported from here)

_DEVICE_STATE = {  # state -> (stylesheet property, English word, translated where shown)
    DeviceState.CONNECTING: ("connecting", QT_TRANSLATE_NOOP("status", "connecting")),
    DeviceState.CONNECTED: ("ok", QT_TRANSLATE_NOOP("status", "connected")),
    DeviceState.DISCONNECTED: ("fail", QT_TRANSLATE_NOOP("status", "COMM FAIL")),
    DeviceState.DISABLED: ("disabled", QT_TRANSLATE_NOOP("status", "disabled")),
}


# marks a driver puts on a connected device that answers but not as it should; protocol codes
# ("EXC 02", "FC 04") are shown as they are
_WARNING_MARKS = (
    QT_TRANSLATE_NOOP("status", "SHORT"),
    QT_TRANSLATE_NOOP("status", "LONG"),
    QT_TRANSLATE_NOOP("status", "PLAIN PASSWORD"),
)


class DeviceBadge(QLabel):
    """One device: a dot and its name; red 'COMM FAIL' when disconnected; amber with the driver's
    mark (an exception code, a short reply, a password in plain text) when it answers but not
    as it should."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("deviceBadge")
        self.name = name
        self.state_name = ""
        self.set_status(None)

    def set_status(self, status) -> None:
        state = status.state if status is not None else DeviceState.CONNECTING
        prop, word = _DEVICE_STATE.get(state, ("connecting", QT_TRANSLATE_NOOP("status", "unknown")))
        word = QCoreApplication.translate("status", word)
        mark = status.warning if status is not None else ""
        if prop == "ok" and mark:
            prop, word = "warn", QCoreApplication.translate("status", mark)
        text = f"● {self.name}" if prop == "ok" else f"● {self.name}  {word}"
        if text != self.text():
            self.setText(text)
        tip = f"{self.name}: {word}"
        if status is not None:
            tip += self.tr("\nsince {time}").format(time=format_time(status.ts))
            if status.round_trip_ms is not None:
                tip += self.tr("\nround trip {ms} ms").format(ms=f"{status.round_trip_ms:.0f}")
            if status.error:  # a driver's own words stay as they are; the station's are translated
                tip += "\n" + QCoreApplication.translate("status", status.error)
            if status.warning_text:
                tip += f"\n{status.warning_text}"
        if tip != self.toolTip():
            self.setToolTip(tip)
        self.state_name = prop
        set_style_property(self, "state", prop)


class DeviceBadges(QWidget):
    """A row of device badges, in configuration order."""

    def __init__(self, device_names: list[str], parent=None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        self.badges = {name: DeviceBadge(name, self) for name in device_names}
        for b in self.badges.values():
            lay.addWidget(b)
        lay.addStretch(1)

    def update_devices(self, statuses: Mapping[str, object]) -> None:
        for name, status in statuses.items():
            badge = self.badges.get(name)
            if badge is not None:
                badge.set_status(status)


class DatabaseLabel(QLabel):
    """History database state, polled from the history object (a plain attribute read)."""

    def __init__(self, history=None, parent=None, *, poll_ms: int = 2000):
        super().__init__(parent)
        self.setObjectName("databaseLabel")
        self.history = history
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self.refresh()
        if history is not None:
            self._timer.start()

    def refresh(self) -> None:
        h = self.history
        if h is None:
            self.set_state("off", self.tr("History: off"), self.tr("No history database configured"))
            return
        state = getattr(h, "state", "ok")
        pending = getattr(h, "pending", 0)
        err = getattr(h, "last_error", "")
        if state == "ok":
            url = h.url if hasattr(h, "url") else ""
            self.set_state(
                "ok", self.tr("History: OK"), self.tr("{url}\n{n} rows pending").format(url=url, n=pending)
            )
        else:
            self.set_state(
                "fail",
                self.tr("History: {state}").format(state=state.upper()),
                self.tr("{error}\n{n} rows buffered").format(error=err, n=pending),
            )

    def set_state(self, prop: str, text: str, tip: str = "") -> None:
        if text != self.text():
            self.setText(text)
        if tip != self.toolTip():
            self.setToolTip(tip)
        set_style_property(self, "state", prop)


class UserLabel(QLabel):
    def __init__(self, user: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("userLabel")
        self.set_user(user)

    def set_user(self, user: str) -> None:
        self.setText(self.tr("User: {name}").format(name=user) if user else self.tr("User: operator"))


class ClockLabel(QLabel):
    """Local date and time, updated every second. With the clock of an accelerated demo
    (app/clock.py) it shows the plant's clock instead, labelled as such with its speed: every
    time on screen is then plant time."""

    def __init__(self, parent=None, *, plant_clock=None):
        super().__init__(parent)
        self.setObjectName("clockLabel")
        self.plant_clock = plant_clock if plant_clock is not None and plant_clock.accelerated else None
        self._timer = QTimer(self)
        self._timer.setInterval(1000 if self.plant_clock is None else 250)
        self._timer.timeout.connect(self.tick)
        if self.plant_clock is not None:
            speed = f"{self.plant_clock.speed:g}"
            self.setToolTip(
                self.tr(
                    "Accelerated demo: the plant runs {speed} times faster than real time. Every time "
                    "on screen (trends, alarms, history) is plant time; countdowns are in plant minutes."
                ).format(speed=speed)
            )
        self.tick()
        self._timer.start()

    def tick(self) -> None:
        if self.plant_clock is None:
            self.setText(time.strftime("%Y-%m-%d  %H:%M:%S"))
            return
        stamp = time.strftime("%Y-%m-%d  %H:%M:%S", time.localtime(self.plant_clock.now()))
        self.setText(
            self.tr("Plant clock ×{speed}  {time}").format(speed=f"{self.plant_clock.speed:g}", time=stamp)
        )


class AlarmBanner(QWidget):
    """The newest highest-priority unacknowledged alarm, always in sight; click to acknowledge."""

    acknowledgeRequested = Signal(list)  # [key]
    alarmClicked = Signal(object)  # Alarm

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("alarmBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.level = QLabel(self)
        self.level.setObjectName("bannerLevel")
        self.level.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = ElidedLabel("", self)
        self.text.setObjectName("bannerText")
        self.more = QLabel(self)
        self.more.setObjectName("bannerMore")
        self.more.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(10)
        lay.addWidget(self.level)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.more)
        self.current = None
        self._shown: tuple | None = None  # what update_alarms last showed: (alarm, unacked, standing)
        self.update_alarms({})

    @staticmethod
    def pick(standing: Mapping[str, object]):
        """Newest among the highest-priority unacknowledged alarms (active before returned);
        an early warning only when no alarm is waiting."""
        return AlarmBanner.survey(standing)[0]

    @staticmethod
    def survey(standing: Mapping[str, object]) -> tuple:
        """(`pick`, unacknowledged, standing) over the alarms that are annunciated: shelved,
        suppressed and out-of-service ones are recorded, not shown or counted. One pass."""
        best = None
        unack = n = 0
        for a in standing.values():
            if getattr(a, "hidden", False):
                continue
            n += 1
            if a.acked:
                continue
            unack += 1
            k = (not getattr(a, "is_warning", False), -a.priority, a.active, a.ts)
            if best is None or k > best[0]:
                best = (k, a)
        return (None if best is None else best[1]), unack, n

    def update_alarms(self, standing: Mapping[str, object]) -> None:
        """Show the standing alarms' `pick`; nothing is redone while what it shows is the same
        (the bridge calls this on every flush that carries a transition, floods included)."""
        shown_now = self.survey(standing)
        a, unack, n = shown_now
        if self._shown is not None and self._shown[1:] == shown_now[1:] and self._shown[0] is a:
            return
        self._shown = shown_now
        if a is None:
            self.current = None
            self.level.setText("")
            self.text.setText(self.tr("No unacknowledged alarms"))
            self.more.setText(self.tr("{n} standing").format(n=n) if n else "")
            set_style_property(self, "priority", "0", children=True)
            self.text.set_hint("")
            self.setToolTip("")
            return
        self.current = a
        self.level.setText(ROMAN.get(a.priority, str(a.priority)))
        suffix = "" if a.active else "   " + self.tr("(returned to normal)")
        warning = getattr(a, "is_warning", False)
        head = "⚠ " + self.tr("Early warning") + "   " if warning else ""
        self.text.setText(f"{head}{format_time(a.ts)}   {WORDS.name(a.source)}   {shown(a.message)}{suffix}")
        self.more.setText(self.tr("+{n} unacknowledged").format(n=unack - 1) if unack > 1 else "")
        set_style_property(self, "priority", str(a.priority), children=True)
        set_style_property(self, "state", "active" if a.active else "rtn", children=True)
        set_style_property(self, "kind", "warning" if warning else "alarm", children=True)
        self.text.set_hint(self.tr("Click to acknowledge this alarm"))
        self.setToolTip(self.tr("Click to acknowledge this alarm"))

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.current is not None:
            self.alarmClicked.emit(self.current)
            self.acknowledgeRequested.emit([self.current.key])
            event.accept()
            return
        super().mousePressEvent(event)
