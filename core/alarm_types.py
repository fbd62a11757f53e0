"""What the alarm engine hands out and takes in: the `Alarm` record of a transition, the
`Condition` an outside detector reports, and the alarm kinds and their constants.

Pure Python, no Qt. `Alarm` is immutable, so listeners, the journal and the GUI see the same
record. `alarm_text` builds the alarm texts the GUI translates.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import NamedTuple

from core.messages import Message


class Kind(StrEnum):
    """What raised an alarm or a warning. A member is its own name as a string, so the journal,
    CSV files and replays keep the text they always had."""

    HH = "HH"
    H = "H"
    L = "L"
    LL = "LL"
    STATE = "STATE"  # a discrete (state) alarm
    ROC = "ROC"  # rate of change
    DEV = "DEV"  # deviation from a setpoint
    STALE = "STALE"  # a value that stopped changing
    BAD = "BAD"  # bad quality
    COMM = "COMM"  # a device out of reach
    DIAG = "DIAG"  # a sensor diagnostic: NE 43 fault band, frozen signal
    SYSTEM = "SYSTEM"  # Forewarn itself: a faulted rule, expression or detector, storage
    FORECAST = "FORECAST"  # early warning: a limit will be crossed
    ANOMALY = "ANOMALY"  # early warning: a tag behaves unlike itself
    RULE = "RULE"  # early warning: a rule of several signals


class State(StrEnum):
    """An alarm's ISA-18.2 state as the operator sees it."""

    NORMAL = "NORMAL"
    UNACK = "UNACK"  # active, not acknowledged
    ACKED = "ACKED"  # active, acknowledged
    RTN_UNACK = "RTN_UNACK"  # returned to normal, not acknowledged
    LATCHED = "LATCHED"
    SHELVED = "SHELVED"
    SUPPRESSED = "SUPPRESSED"
    OOS = "OOS"  # out of service


LIMIT_KINDS = (Kind.HH, Kind.H, Kind.L, Kind.LL)
LEVEL_KINDS = (*LIMIT_KINDS, Kind.STATE)  # evaluated together, as one block
KINDS = (*LEVEL_KINDS, Kind.ROC, Kind.DEV, Kind.STALE, Kind.BAD)
WARNING_KINDS = frozenset({Kind.FORECAST, Kind.ANOMALY, Kind.RULE})
HIGH = {Kind.HH: True, Kind.H: True, Kind.L: False, Kind.LL: False}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COMM_PRIORITY = 2
_PRIORITY_KEY = {"STATE": "state"}


def alarm_text(template: str, **args) -> Message:
    """An alarm text the GUI translates (English everywhere else, the journal included)."""
    return Message("alarms", template, **args)


class Alarm(NamedTuple):
    """The state of one alarm after a transition (immutable; `alarm._replace(...)` makes a changed copy)."""

    key: str
    source: str
    tag: int
    kind: str
    priority: int
    active: bool
    acked: bool
    ts: float
    since: float
    value: float
    limit: float | None
    message: str
    user: str = ""
    comment: str = ""
    shelved: bool = False
    suppressed: bool = False
    out_of_service: bool = False
    latched: bool = False
    first_out: bool = False
    hazard: str = ""  # the hazard source the alarm belongs to, if any
    eta: float | None = None  # early warning: predicted time (epoch s) the limit is reached
    eta_err_s: float | None = None  # and its uncertainty, seconds

    @property
    def is_warning(self) -> bool:
        """An early warning (a limit will be crossed, or behaviour is abnormal), not an alarm."""
        return self.kind in WARNING_KINDS

    @property
    def state(self) -> State:
        if self.out_of_service:
            return State.OOS
        if self.suppressed:
            return State.SUPPRESSED
        if self.shelved:
            return State.SHELVED
        if self.latched:
            return State.LATCHED
        if self.active:
            return State.ACKED if self.acked else State.UNACK
        return State.NORMAL if self.acked else State.RTN_UNACK

    @property
    def hidden(self) -> bool:
        """Shelved, suppressed or out of service: recorded, not annunciated."""
        return self.shelved or self.suppressed or self.out_of_service


class Condition(NamedTuple):
    """What a detector outside the level machinery reports: a warning or communication condition
    that is now active or not. The alarm engine turns it into an ISA-18.2 alarm life cycle."""

    key: str
    source: str
    kind: str
    active: bool
    priority: int
    ts: float
    message: str
    tag: int = -1
    value: float = math.nan
    limit: float | None = None
    hazard: str = ""
    eta: float | None = None
    eta_err_s: float | None = None
