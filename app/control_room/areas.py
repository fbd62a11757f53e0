"""Areas of responsibility: which plant areas each station covers, and whose an alarm is.

A station is given areas (an ironmaking console: `ironmaking`; a supervisor: `*`, all). It
says so to the server with every heartbeat (a signed `hello` command); the server keeps who
is connected (`Coverage`, heard from within `STALE_S`) and publishes it. A station sounds and
lists first the alarms of its own areas, and also those of an area no connected station covers,
so no alarm goes unheard; an alarm without an area (a device's communication, Forewarn's own)
is everyone's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable

ALL = "*"
HEARTBEAT_S = 2.0
STALE_S = 3 * HEARTBEAT_S


def parse_areas(text: str | None) -> frozenset[str]:
    """`ironmaking,steelmaking` -> the set; empty or `*`: all."""
    parts = {p.strip() for p in (text or "").split(",") if p.strip()}
    return frozenset({ALL}) if not parts or ALL in parts else frozenset(parts)


class Coverage:
    """The server's roster: station -> (areas, last heard)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, on_change: Callable[[], None] | None = None
    ):
        self.clock = clock
        self.on_change = on_change
        self.stations: dict[str, tuple[frozenset[str], float]] = {}

    def hello(self, station: str, areas: Iterable[str]) -> None:
        areas = frozenset(areas) or frozenset({ALL})
        before = self.current()
        self.stations[station] = (areas, self.clock())
        if self.current() != before and self.on_change is not None:
            self.on_change()

    def expire(self) -> bool:
        """Forget stations not heard from; True when one was."""
        now = self.clock()
        gone = [s for s, (_a, t) in self.stations.items() if now - t > STALE_S]
        for s in gone:
            del self.stations[s]
        if gone and self.on_change is not None:
            self.on_change()
        return bool(gone)

    def current(self) -> dict[str, list[str]]:
        return {s: sorted(a) for s, (a, _t) in sorted(self.stations.items())}

    def as_json(self) -> str:
        return json.dumps(self.current(), separators=(",", ":"))


class AreaFilter:
    """A station's view: its areas, and the coverage the server publishes."""

    def __init__(self, areas: frozenset[str], tag_areas: list[str]):
        self.areas = areas
        self.tag_areas = tag_areas
        self.covered: set[str] = set()
        self.all_covered = False

    def update(self, coverage_json: str) -> None:
        try:
            roster = json.loads(coverage_json) if coverage_json else {}
        except ValueError:
            roster = {}
        areas = {a for lst in roster.values() for a in lst}
        self.all_covered = ALL in areas
        self.covered = areas - {ALL}

    def area_of(self, alarm) -> str:
        tag = getattr(alarm, "tag", -1)
        return self.tag_areas[tag] if 0 <= tag < len(self.tag_areas) else ""

    def mine(self, alarm) -> bool:
        """Whether this station sounds the alarm and lists it first."""
        if ALL in self.areas:
            return True
        area = self.area_of(alarm)
        if not area or area in self.areas:
            return True
        return not self.all_covered and area not in self.covered
