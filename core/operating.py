"""Operating states of hazard sources: running (the default), reduced, down (休风, a converter
idle) or under maintenance (检修), as a supervisor declares them, with who, since when, until when
and why. `app.risk.operating_states` applies them; the journal, the views and reports read them.

Pure Python, no Qt. The texts are `Message`s the GUI translates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from core.messages import QT_TRANSLATE_NOOP, Message, word


class OpState(StrEnum):
    """What a hazard source is doing. A member is its own name as a string (plant file, journal)."""

    RUNNING = "running"
    REDUCED = "reduced"  # e.g. a blast furnace on reduced blast
    DOWN = "down"  # 休风, a converter idle: the process is not running
    MAINTENANCE = "maintenance"  # 检修: people work on it


STATE_TEXT = {
    OpState.RUNNING: word("operating", QT_TRANSLATE_NOOP("operating", "running")),
    OpState.REDUCED: word("operating", QT_TRANSLATE_NOOP("operating", "reduced")),
    OpState.DOWN: word("operating", QT_TRANSLATE_NOOP("operating", "down")),
    OpState.MAINTENANCE: word("operating", QT_TRANSLATE_NOOP("operating", "under maintenance")),
}


def _m(template: str, **args) -> Message:
    return Message("operating", template, **args)


def _clock(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))


@dataclass(frozen=True, slots=True)
class Declaration:
    """A hazard source's declared operating state: who declared it, since when, until when
    (None: until declared otherwise) and why."""

    hazard: str
    state: OpState
    user: str
    since: float  # UNIX s
    reason: str
    until: float | None = None  # UNIX s; it returns to running by itself then

    @property
    def running(self) -> bool:
        return self.state == OpState.RUNNING

    @property
    def state_text(self) -> Message:
        return STATE_TEXT[self.state]

    def describe(self, evidence_counted: bool = True) -> Message:
        """'under maintenance since 09:12 by supervisor1: relining; live evidence not counted'."""
        text = _m(
            QT_TRANSLATE_NOOP("operating", "{state} since {time} by {user}: {reason}"),
            state=self.state_text,
            time=_clock(self.since),
            user=self.user or "?",
            reason=self.reason,
        )
        if self.until is not None:
            text = _m(
                QT_TRANSLATE_NOOP("operating", "{text}, until {until}"), text=text, until=_clock(self.until)
            )
        if not evidence_counted:
            text = _m(QT_TRANSLATE_NOOP("operating", "{text}; live evidence not counted"), text=text)
        return text

    def as_dict(self) -> dict:
        return {
            "hazard": self.hazard,
            "state": str(self.state),
            "user": self.user,
            "since": self.since,
            "reason": self.reason,
            "until": self.until,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Declaration:
        until = d.get("until")
        return cls(
            str(d["hazard"]),
            OpState(d["state"]),
            str(d.get("user", "")),
            float(d["since"]),
            str(d.get("reason", "")),
            None if until is None else float(until),
        )


__all__ = ["STATE_TEXT", "Declaration", "OpState"]
