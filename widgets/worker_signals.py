"""Results of work done off the GUI thread, sent back to a window that may be gone by then."""

from __future__ import annotations

from collections.abc import Callable


def outcome(work: Callable[[], object]) -> object:
    """What `work()` gives, or the exception it raised (shown by the window, not lost in a thread)."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - handed to the window, which shows it
        return exc


def emit_quietly(signal, *args) -> bool:
    """Emit `signal` unless its object was deleted with a window closed meanwhile (Qt then raises
    RuntimeError); whether it was emitted."""
    try:
        signal.emit(*args)
    except RuntimeError:
        return False
    return True
