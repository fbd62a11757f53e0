"""The refusal throttle of station commands: the first refusal per station and reason in a window
reaches the audit trail, the rest are counted and summarised when the window has passed."""

from __future__ import annotations

from app.control_room.commands import RefusalThrottle, reason_kind


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_one_refusal_per_station_and_reason_a_window_then_a_summary():
    clock = Clock()
    gate = RefusalThrottle(60.0, clock=clock)
    assert gate.admit("s1", "bad MAC: forged or altered")
    assert not any(gate.admit("s1", "bad MAC: forged or altered") for _ in range(500))
    assert gate.admit("s2", "bad MAC: forged or altered")  # another station: its own first
    assert gate.admit("s1", "outside the time window (+3600 s)")  # another reason
    assert not gate.admit("s1", "outside the time window (-42 s)")  # the same reason, other numbers
    clock.t += 59
    assert gate.due() == []
    clock.t += 1
    due = gate.due()
    assert {(d["station"], d["reason"], d["more"]) for d in due} == {
        ("s1", "bad MAC", 500),
        ("s1", "outside the time window", 1),
    }  # s2 had none more: nothing to say
    assert next(d for d in due if d["more"] == 500)["summary"] == "500 more refused in 60 s"
    assert gate.admit("s1", "bad MAC: forged or altered")  # a new window: audited again


def test_a_flood_under_many_station_names_falls_into_one_count():
    gate = RefusalThrottle(60.0, max_keys=4, clock=Clock())
    admitted = sum(gate.admit(f"forged-{i}", "unknown station 'forged-{i}'") for i in range(1000))
    assert admitted == 4
    (rest,) = [d for d in gate.due(everything=True) if d["station"] == "*"]
    assert rest["more"] == 996  # every one past the fourth name, counted
    assert reason_kind("unknown or disabled user 'mallory'") == "unknown or disabled user"
