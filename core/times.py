"""Time as the command line and the CSV files write and read it: ISO 8601 with milliseconds in UTC,
UNIX seconds, or an age (1h, 30min, 7d)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime


def iso_ms(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts_ms % 1000:03d}Z"


_REL = re.compile(r"^-?(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$")


def parse_time(text: str | None, now: float | None = None) -> float | None:
    """ISO 8601 (UTC unless an offset is given), UNIX seconds, or an age like 1h / 30min / 7d."""
    if text is None:
        return None
    text = text.strip()
    m = _REL.match(text)
    if m:
        unit = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}[m.group(2)]
        return (now if now is not None else time.time()) - float(m.group(1)) * unit
    try:
        return float(text)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"cannot read time {text!r}: use ISO 8601, UNIX seconds or an age like 1h") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
