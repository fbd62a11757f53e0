"""Management evidence in the dynamic risk: what the dual-prevention work knows about a hazard
source that no sensor measures. A provider is any object with `evidence(now) -> {hazard source
name: [TraceItem, ...]}`; `RiskEngine.management` holds the providers (the pipeline adds the
work permits, app.dual_prevention.permits.PermitBook, and the hidden dangers and inspections,
app.dual_prevention.hidden_dangers.ManagementBook). Each item is one line of the trace with its
level and since when, like a piece of live evidence, and it counts in every operating state
(people at work during maintenance are the point of a permit).

The levels (documented with each provider):
- an active work permit: its area at the exposure level (LEC with E = 10; red with 10 or more
  people in a gas area, confined space or hot work);
- an open major hidden danger: at least II orange; an open general one: IV (shown, not raised),
  III yellow once past its deadline;
- an overdue inspection of a control measure: III yellow.

Pure Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core.risk_types import HIDDEN_DANGER, INSPECTION_OVERDUE, PERMIT, TraceItem

KINDS = (PERMIT, HIDDEN_DANGER, INSPECTION_OVERDUE)


def collect(providers: Iterable, now: float, by_name: dict[str, int], add: Callable) -> None:
    """Hand every provider's items to `add(source index, item, slot)`; a hazard source the
    configuration does not know is skipped."""
    for provider in providers:
        for hazard, items in provider.evidence(now).items():
            k = by_name.get(hazard)
            if k is None:
                continue
            for item in items:
                add(k, item, ":" + item.what)


def is_management(t: TraceItem) -> bool:
    return t.what in KINDS
