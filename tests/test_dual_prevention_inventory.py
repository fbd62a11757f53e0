"""The risk inventory and the inspection round through the real database and audit trail: a
CSV import in GB 18030 with per-row errors, the export, versions and their audit rows; tasks
generated from the control measures at the level's frequency, a round with an ok and a finding
registered as a hidden danger, a handheld's CSV with a bad row, an overdue task in the risk."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.dual_prevention.inspections import Inspections
from app.dual_prevention.inventory import Inventory
from app.dual_prevention.register import Register
from core.risk_types import INSPECTION_OVERDUE
from storage.audit import Action, AuditLog
from storage.schema import create_schema, make_engine
from tests.test_dual_prevention_hidden_dangers import lines
from tests.test_dual_prevention_permits import T0, Clock, cfg, feed

CSV = (
    "hazard,point,activity,method,L,E,C,S,engineering,management,training,ppe,emergency\n"
    "Gas area,阀门井,更换阀门,LEC,3,6,15,,固定式CO报警仪,作业票,煤气安全培训,空气呼吸器,煤气中毒应急预案\n"
    "Gas area,Holder piston,inspection,LS,1,,,2,,monthly check,,,\n"
    "Nowhere,x,,LEC,1,1,1,,,,,,\n"
    "Gas area,bad scale,,LEC,2,6,15,,,,,,\n"
    "Gas area,no method,,,1,1,1,,,,,,\n"
)


@pytest.fixture
def parts(tmp_path, db_url):
    from app.dual_prevention import permits as pm
    from app.evaluation.pipeline import Pipeline

    engine = make_engine(db_url)
    create_schema(engine)
    clock = Clock(T0 + 10)
    audit = AuditLog(engine, clock=clock, data_dir=tmp_path)
    pipe = Pipeline(cfg())
    feed(pipe, T0, 10, co1=0.0)

    def send(dangers, tasks):
        pipe.dangers.replace(dangers, tasks)
        pm.settle_risk(pipe, clock())

    inventory = Inventory(engine, pipe.config, audit, clock)
    register = Register(engine, audit, send, clock)
    yield inventory, register, Inspections(inventory, register, audit, clock), pipe, clock
    engine.dispose()


def test_import_gb18030_with_row_errors_export_and_versions(parts, tmp_path):
    inventory, *_ = parts
    done, errors = inventory.import_csv("safety1", CSV.encode("gb18030"))
    assert done == 2
    assert [n for n, _ in errors] == [4, 5, 6]
    assert "no hazard source 'Nowhere'" in errors[0][1] and "not a value of the LEC L scale" in errors[1][1]
    assert "LEC or LS" in errors[2][1]
    valve = next(p for p in inventory.points() if p.point == "阀门井")
    assert valve.score == 270 and valve.level == 2 and str(valve.responsible) == "plant"  # 160 <= D < 320
    assert valve.measures["ppe"] == "空气呼吸器"
    piston = next(p for p in inventory.points() if p.method == "LS")
    assert piston.score == 2 and piston.level == 4
    # the same file again: nothing changed, no new version; a changed row is version 2
    inventory.import_csv("safety1", CSV.encode("utf-8-sig"))
    assert {p.version for p in inventory.points()} == {1}
    changed = CSV.replace("3,6,15", "6,6,15")
    inventory.import_csv("safety1", changed.encode("utf-8"))
    valve = next(p for p in inventory.points() if p.point == "阀门井")
    assert valve.version == 2 and valve.level == 1 and str(valve.responsible) == "company"
    rows = [e for e in inventory.audit.entries() if e.action == Action.RISK_INVENTORY]
    assert [e.detail["step"] for e in rows] == ["added", "added", "changed"]
    assert rows[-1].detail["before"]["inputs"]["L"] == 3 and rows[-1].detail["now"]["inputs"]["L"] == 6
    out = tmp_path / "inventory.csv"
    text = inventory.export_csv(out, "gb18030")
    assert out.read_bytes().decode("gb18030") == text and "阀门井" in text and ",company,2" in text
    inventory.remove("safety1", valve.id)
    assert [p.point for p in inventory.points()] == ["Holder piston"]


def test_inspection_round_ok_finding_handheld_csv_and_overdue_in_the_risk(parts):
    inventory, register, inspections, pipe, clock = parts
    inventory.import_csv("safety1", CSV.encode("utf-8"))
    tasks = inspections.generate()
    assert len(tasks) == 6  # five measures of the valve pit, one of the piston
    assert inspections.generate() == []  # one open task per measure
    checklist = inspections.round()
    assert len(checklist) == 6 and all(t.due == T0 + 10 for t in checklist)
    ok = inspections.complete("patrol1", checklist[0].id, True)
    assert ok.result == "ok" and ok.done_by == "patrol1"
    found = inspections.complete("patrol1", checklist[1].id, False, "valve pit CO detector display dead")
    assert found.result == "finding" and found.hidden_danger == 1
    (d,) = register.open()
    assert d.evidence.startswith(f"IN-{checklist[1].id}") and d.hazard == "Gas area"
    with pytest.raises(ValueError, match="not open"):
        inspections.complete("patrol1", checklist[0].id, True)
    handheld = (
        "task,result,note,grade\n"
        f"IN-{checklist[2].id},ok,,\n"
        f"{checklist[3].id},maybe,,\n"
        f"{checklist[4].id},finding,,\n"
        "999,ok,,\n"
    )
    done, errors = inspections.import_csv("patrol2", handheld.encode("gb18030"))
    assert done == 1 and [n for n, _ in errors] == [3, 4, 5]
    # the piston's task (blue, monthly) not done: overdue after its due time, a yellow line
    clock.t = T0 + 100
    feed(pipe, T0 + 90, 15, co1=0.0)
    overdue = lines(pipe, "Gas area", INSPECTION_OVERDUE)
    assert len(overdue) == 3 and all(t.level == 3 and t.since == T0 + 10 for t in overdue)
    # the next task of a done measure is due one period of its level later
    new = inspections.generate()
    valve_next = [t for t in new if t.measure == checklist[0].measure]
    assert valve_next and valve_next[0].due == T0 + 10 + 24 * 3600.0
    steps = [e.detail["step"] for e in inspections.audit.entries() if e.action == Action.INSPECTION]
    assert steps[:3] == ["generated", "ok", "finding"]


def test_migration_0008_goes_down_to_0007_and_up_again(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from storage import schema

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    create_schema(engine)
    tables = {"permits", "hidden_dangers", "risk_points", "inspections"}
    assert tables <= set(inspect(engine).get_table_names())
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(schema.__file__).resolve().parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    assert not tables & set(inspect(engine).get_table_names())
    create_schema(engine)
    assert tables <= set(inspect(engine).get_table_names())
    engine.dispose()
