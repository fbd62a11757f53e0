"""Reads of the alarm journal (storage.journal_reads) on a hand-built journal, and the rule that
only storage/ speaks SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from storage.journal_reads import Cancelled, journal_marks, load_journal, period_ends
from storage.schema import alarm_events, create_schema, make_engine

ROOT = Path(__file__).resolve().parent.parent
BASE = 1_700_000_000.0
T0, T1 = BASE + 1000, BASE + 2000

# (offset s, key, state, active, acked), in journal order
JOURNAL = [
    (100, "C:L", "UNACK", True, False),
    (200, "C:L", "NORMAL", False, True),
    (500, "A:H", "UNACK", True, False),
    (800, "A:H", "ACKED", True, True),
    (900, "B:H", "UNACK", True, False),
    (1100, "C:L", "UNACK", True, False),
    (1200, "B:H", "ACKED", True, True),
    (1300, "D:H", "UNACK", True, False),
    (1300, "D:H", "ACKED", True, True),  # same time: the later id is the last row
    (1500, "A:H", "NORMAL", False, True),
    (2500, "C:L", "NORMAL", False, False),  # after the period
]


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    create_schema(engine)
    rows = [
        {
            "ts": int((BASE + dt) * 1000),
            "key": key,
            "source": key.split(":")[0],
            "kind": key.split(":")[1],
            "priority": 2,
            "state": state,
            "active": active,
            "acked": acked,
            "value": None,
            "limit_value": None,
            "message": f"{key} {state}",
            "user_name": "",
            "comment": "",
        }
        for dt, key, state, active, acked in JOURNAL
    ]
    with engine.begin() as conn:
        conn.execute(alarm_events.insert(), rows)
    yield engine
    engine.dispose()


def test_period_ends_give_the_last_rows_and_since_when_alarms_stand(engine):
    ends = period_ends(engine, T0, T1)
    assert [(e.key, e.state, e.ts - BASE) for e in ends.before] == [
        ("C:L", "NORMAL", 200),
        ("A:H", "ACKED", 800),
        ("B:H", "UNACK", 900),
    ]
    assert [(e.key, e.state, e.ts - BASE) for e in ends.at_end] == [
        ("C:L", "UNACK", 1100),
        ("B:H", "ACKED", 1200),
        ("D:H", "ACKED", 1300),
        ("A:H", "NORMAL", 1500),
    ]
    since = {k: t - BASE for k, t in ends.active_since.items()}
    assert since == {"C:L": 1100, "B:H": 900, "D:H": 1300}


def test_journal_rows_of_a_period_in_order_with_progress_and_cancel(engine):
    seen = []
    entries, cut = load_journal(engine, T0, T1, progress=lambda done, total: seen.append((done, total)))
    assert [(e.key, e.ts - BASE) for e in entries] == [
        ("C:L", 1100),
        ("B:H", 1200),
        ("D:H", 1300),
        ("D:H", 1300),
        ("A:H", 1500),
    ]
    assert not cut and seen == [(0, 5), (5, 5)]
    assert entries[0].tag == "C" and entries[0].value is None and entries[0].message == "C:L UNACK"
    entries, cut = load_journal(engine, T0, T1, max_rows=2)
    assert cut and len(entries) == 2
    with pytest.raises(Cancelled):
        load_journal(engine, T0, T1, cancelled=lambda: True)


def test_journal_marks_are_the_newest_rows_in_the_states_oldest_first(engine):
    marks = journal_marks(engine, BASE, BASE + 3000, {"UNACK", "NORMAL"}, 3)
    assert [(m.ts - BASE, m.source, m.state) for m in marks] == [
        (1300, "D", "UNACK"),
        (1500, "A", "NORMAL"),
        (2500, "C", "NORMAL"),
    ]
    assert marks[0].priority == 2 and marks[0].kind == "H"


def test_only_storage_speaks_sql():
    """All SQL lives in storage/: the library, the widgets and the views import no SQLAlchemy."""
    found = []
    for package in ("app", "views", "widgets"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                else:
                    continue
                if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") for n in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
