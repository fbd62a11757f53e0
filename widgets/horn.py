"""The horn: plays what `app.alarms.annunciation.Annunciator` decides, and shows it in the banner.

Tones are rendered with numpy into a temporary directory owned by the horn and played with
QtMultimedia's `QSoundEffect`. Audio is optional: without the QtMultimedia module (it ships in
PySide6-Addons), when QtMultimedia is installed but cannot load a system library it needs (the
notice names it: `libpulse.so.0`), without an audio output device, or if a sound fails to load,
the horn logs one notice and stays silent; the indicator and the silence button keep working, so the operator
still sees that an alarm wants attention. Nothing here blocks or raises on a missing device.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from app.alarms.annunciation import QUIET, SILENCED, SOUNDING, Annunciator, HornCommand, Pattern, render_wav
from widgets.status import set_style_property

log = logging.getLogger(__name__)

# English source texts, translated where shown (context "horn")
STATE_TEXT = {
    QUIET: QT_TRANSLATE_NOOP("horn", "Horn quiet"),
    SOUNDING: QT_TRANSLATE_NOOP("horn", "HORN"),
    SILENCED: QT_TRANSLATE_NOOP("horn", "Horn silenced"),
}
STATE_TIP = {
    QUIET: QT_TRANSLATE_NOOP("horn", "No alarm is sounding"),
    SOUNDING: QT_TRANSLATE_NOOP(
        "horn", "An unacknowledged alarm is sounding: silence (F9) or acknowledge it"
    ),
    SILENCED: QT_TRANSLATE_NOOP(
        "horn", "Silenced: the horn sounds again when a new alarm arrives (alarms are still unacknowledged)"
    ),
}


_SHARED_OBJECT = re.compile(r"([\w.+-]+\.(?:so(?:\.\d+)*|dylib|dll))", re.IGNORECASE)
_AUDIO_LIBS = (
    "libpulse",
    "libasound",
    "libpipewire",
    "libjack",
    "libgst",
    "libsndfile",
    "libffmpeg",
    "libav",
)


def import_failure_reason(exc: ImportError) -> str:
    """Why QtMultimedia cannot be imported, in words that say what to install: the module itself
    (PySide6-Addons), or the system library the module failed to load (`libpulse.so.0: cannot
    open shared object file` is a missing system audio library, not a missing PySide6-Addons)."""
    text = str(exc)
    if getattr(exc, "name", None) == "PySide6.QtMultimedia" and "No module named" in text:
        return QCoreApplication.translate(
            "horn", "QtMultimedia is not installed (pip install PySide6-Addons, the [audio] extra)"
        )
    m = _SHARED_OBJECT.search(text)
    if m is not None and (
        "cannot open shared object" in text or "Library not loaded" in text or "DLL load failed" in text
    ):
        lib = m.group(1)
        if lib.lower().startswith(_AUDIO_LIBS):
            return QCoreApplication.translate(
                "horn", "QtMultimedia cannot load {lib} (a system audio library)"
            ).format(lib=lib)
        return QCoreApplication.translate("horn", "QtMultimedia cannot load {lib} (a system library)").format(
            lib=lib
        )
    if "DLL load failed" in text:
        return QCoreApplication.translate(
            "horn", "QtMultimedia cannot load a system library it needs: {error}"
        ).format(error=text)
    if "No module named" in text:
        return QCoreApplication.translate(
            "horn", "QtMultimedia is not installed (pip install PySide6-Addons, the [audio] extra)"
        )
    return QCoreApplication.translate("horn", "QtMultimedia cannot be loaded: {error}").format(error=text)


class SoundPlayer:
    """Plays patterns with QSoundEffect; silent (with one logged notice) when audio is unavailable."""

    def __init__(self, parent: QObject | None = None):
        self._parent = parent
        self._dir: tempfile.TemporaryDirectory | None = None
        self._effects: dict[str, object] = {}
        self._loop: str | None = None
        self.available = False
        self.reason = ""
        self._effect_cls = None
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:
            self._disable(import_failure_reason(exc))
            return
        try:
            if not QMediaDevices.audioOutputs():
                self._disable("no audio output device")
                return
        except Exception as exc:  # a broken multimedia backend must not take the HMI down
            self._disable(f"audio backend failed: {exc}")
            return
        self._effect_cls = QSoundEffect
        self.available = True

    def _disable(self, reason: str) -> None:
        self.available = False
        self.reason = reason
        log.warning("horn is silent: %s; alarms are shown but not sounded", reason)

    def _effect(self, pattern: Pattern):
        effect = self._effects.get(pattern.name)
        if effect is not None or not self.available:
            return effect
        try:
            if self._dir is None:
                self._dir = tempfile.TemporaryDirectory(prefix="forewarn-horn-")
            wav = render_wav(pattern, Path(self._dir.name) / f"{pattern.name}.wav")
            effect = self._effect_cls(self._parent)
            effect.setSource(QUrl.fromLocalFile(str(wav)))
            effect.setVolume(1.0)
        except Exception as exc:
            self._disable(f"cannot prepare the {pattern.name} tone: {exc}")
            return None
        self._effects[pattern.name] = effect
        return effect

    def play(self, command: HornCommand) -> None:
        if not self.available:
            return
        loop_name = command.loop.name if command.loop is not None else None
        if loop_name != self._loop:
            old = self._effects.get(self._loop) if self._loop else None
            if old is not None:
                old.stop()
            self._loop = loop_name
            if command.loop is not None:
                effect = self._effect(command.loop)
                if effect is not None:
                    effect.setLoopCount(-2)  # QSoundEffect.Loop.Infinite
                    effect.play()
        for chime in command.chimes:
            effect = self._effect(chime)
            if effect is not None:
                effect.setLoopCount(1)
                effect.play()

    def close(self) -> None:
        for effect in self._effects.values():
            try:
                effect.stop()
            except RuntimeError:  # already deleted with its parent
                pass
        self._effects.clear()
        self._loop = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


class Horn(QObject):
    """The annunciator fed with the bridge's alarm transitions, driving a sound player."""

    stateChanged = Signal(str)  # quiet | sounding | silenced

    def __init__(
        self,
        annunciator: Annunciator | None = None,
        parent: QObject | None = None,
        *,
        player_factory: Callable[[QObject], SoundPlayer] | None = None,
    ):
        super().__init__(parent)
        self.annunciator = annunciator or Annunciator()
        try:
            self.player = (player_factory or SoundPlayer)(self)
        except Exception as exc:  # never let audio stop the HMI from starting
            log.warning("horn is silent: %s", exc)
            self.player = None
        self.state = QUIET

    @property
    def audible(self) -> bool:
        return self.player is not None and self.player.available

    def update_alarms(self, transitions: Iterable) -> None:
        self._apply(self.annunciator.update(transitions))

    def silence(self) -> None:
        self._apply(self.annunciator.silence())

    def _apply(self, command: HornCommand) -> None:
        if self.player is not None:
            try:
                self.player.play(command)
            except Exception:
                log.exception("horn: playing a sound failed; continuing silent")
                self.player = None
        if command.state != self.state:
            self.state = command.state
            self.stateChanged.emit(command.state)

    def close(self) -> None:
        if self.player is not None:
            self.player.close()


class HornIndicator(QWidget):
    """Banner piece: the horn's state and the Silence button."""

    silenceRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("hornIndicator")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.label = QLabel(self)
        self.label.setObjectName("hornState")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QToolButton(self)
        self.button.setObjectName("silenceButton")
        self.button.setText(self.tr("Silence  F9"))
        self.button.setToolTip(
            self.tr("Silence the horn until a new alarm arrives (F9); does not acknowledge")
        )
        self.button.clicked.connect(self.silenceRequested)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 6, 3)
        lay.setSpacing(6)
        lay.addWidget(self.label)
        lay.addWidget(self.button)
        self.audible = True
        self.set_state(QUIET)

    def set_audible(self, audible: bool, reason: str = "") -> None:
        self.audible = audible
        self._reason = reason
        self.set_state(self.property("state") or QUIET, force=True)

    def set_state(self, state: str, *, force: bool = False) -> None:
        if not force and self.property("state") == state:
            return
        text = QCoreApplication.translate("horn", STATE_TEXT[state]) if state in STATE_TEXT else state
        tip = QCoreApplication.translate("horn", STATE_TIP[state]) if state in STATE_TIP else ""
        if not self.audible:
            reason = getattr(self, "_reason", "") or self.tr("audio unavailable")
            tip += self.tr("\nNo sound on this workstation: {reason}").format(reason=reason)
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.button.setEnabled(state == SOUNDING)
        set_style_property(self, "state", state, children=True)


__all__ = ["Horn", "HornIndicator", "SoundPlayer"]
