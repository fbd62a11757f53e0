"""Device writes: which tags may be written (plant file) and by whom (role), every type and word
order written to the simulator's pymodbus server and read back through the driver, OPC UA
writes, the audit trail of every attempt, a dead device, and the write dialog."""

from __future__ import annotations

import socket
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from app.accounts.users import PERMISSIONS, Permission, Role, User, may_write, write_role
from app.config import ConfigError, parse_config_text
from app.config.tag_rows import export_tags_csv, import_tags_csv
from app.runtime.engine import Engine
from core.samples import Quality
from demo.simulator import SimulatorProcess
from devices.codec import decode_one, encode_write
from storage.audit import Action, AuditLog, verify
from tests.conftest import wait_until
from tests.helpers import FakeEngine, plant_yaml

OPERATOR = User("olga", Role.OPERATOR, 0)
ENGINEER = User("erik", Role.ENGINEER, 0)
NS = "urn:forewarn:test-writes"


def _modbus_tags(dev: str, order: str) -> list[str]:
    other = "little" if order == "big" else "big"
    rows = [
        ("I16", "hr:0", "int16", ", range: [-1000, 1000]"),
        ("U16", "hr:1", "uint16", ", scale: 0.1, range: [0, 6553.5]"),
        ("I32", "hr:2", "int32", ", range: [-3000000, 3000000]"),
        ("U32", "hr:4", "uint32", ", range: [0, 4000000000]"),
        ("F32", "hr:6", "float32", ", range: [-500, 500]"),
        ("F64", "hr:8", "float64", ", scale: 2, offset: 10, range: [-1e9, 1e9]"),
        ("F32.OTHER", "hr:12", "float32", f", word_order: {other}, range: [0, 100]"),
        ("BIT3", "hr:20.3", "bool", ""),
        ("CO", "co:2", "bool", ""),
        ("SUP", "hr:31", "uint16", ", write_role: engineer, range: [0, 100]"),
    ]
    return [
        *(
            f'{{name: {dev}.{n}, device: {dev}, address: "{a}", type: {t}, writable: true{x}}}'
            for n, a, t, x in rows
        ),
        f'{{name: {dev}.BIT5, device: {dev}, address: "hr:20.5", type: bool}}',
        f'{{name: {dev}.RO, device: {dev}, address: "hr:30", type: uint16, range: [0, 100]}}',
    ]


PLANT = plant_yaml(
    [
        *_modbus_tags("big", "big"),
        *_modbus_tags("little", "little"),
        f'{{name: ua.D, device: ua, address: "nsu={NS};s=D", range: [0, 100], writable: true}}',
        f'{{name: ua.B, device: ua, address: "nsu={NS};s=B", type: bool, writable: true}}',
        f'{{name: ua.RO, device: ua, address: "nsu={NS};s=RO", range: [0, 100]}}',
    ],
    devices="""
    - {name: big, protocol: modbus-tcp, port: 15020, scan_ms: 100, timeout_ms: 500, word_order: big}
    - {name: little, protocol: modbus-tcp, port: 15021, scan_ms: 100, timeout_ms: 500, word_order: little}
    - {name: ua, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:48401/w/", scan_ms: 100, timeout_ms: 3000}
    """,
    name="Writes",
)


# ---------------------------------------------------------------- configuration and permission


def _config(tags: str):
    devices = [
        "{name: p, protocol: modbus-tcp}",
        '{name: u, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:4840/"}',
    ]
    return parse_config_text(plant_yaml(tags, devices=devices), "plant.yaml")


@pytest.mark.parametrize(
    "address,type_",
    [("hr:1", "uint16"), ("hr:2", "float32"), ("hr:4", "float64"), ("hr:8", "int32"), ("hr:9.4", "bool")]
    + [("co:7", "bool")],
)
def test_holding_registers_coils_and_their_bits_may_be_writable(address, type_):
    cfg = _config(f'  - {{name: T, device: p, address: "{address}", type: {type_}, writable: true}}\n')
    assert cfg.tags[0].writable and cfg.tags[0].write_role is None


def test_read_only_addresses_are_refused_with_file_line_and_field():
    with pytest.raises(ConfigError) as exc:
        _config(
            '  - {name: OK, device: p, address: "hr:1", writable: true}\n'
            '  - {name: IR, device: p, address: "ir:1", writable: true}\n'
            '  - {name: DI, device: p, address: "di:1",\n'
            "     writable: true}\n"
            '  - {name: ROLE, device: p, address: "hr:2", write_role: engineer}\n'
            '  - {name: UA, device: u, address: "ns=2;s=X", writable: true, write_role: supervisor}\n'
        )
    lines = str(exc.value).splitlines()
    assert lines == [
        "plant.yaml:7: tags[1].writable: ir:1 is an input register, which Modbus cannot write (use hr: or co:)",
        "plant.yaml:9: tags[2].writable: di:1 is a discrete input, which Modbus cannot write (use hr: or co:)",
        "plant.yaml:10: tags[3].write_role: write_role needs writable: true",
    ]
    with pytest.raises(ConfigError, match=r"plant.yaml:6: tags\[0\].write_role: Input should be"):
        _config('  - {name: T, device: p, address: "hr:1", writable: true, write_role: boss}\n')


def test_writable_round_trips_through_csv():
    cfg = _config(
        '  - {name: W, device: p, address: "hr:1", writable: true, write_role: engineer}\n'
        '  - {name: R, device: p, address: "hr:2"}\n'
    )
    text = export_tags_csv(cfg.tags)
    assert "writable" in text.splitlines()[0].split(",")
    tags, errors = import_tags_csv(text.encode("utf-8-sig"), cfg)
    assert errors == [] and tags == cfg.tags
    _tags, errors = import_tags_csv(b"name,device,address,writable\nX,p,ir:2,true\nY,p,hr:9,maybe\n", cfg)
    assert errors == [
        "row 2, writable: ir:2 is read-only in Modbus (use hr: or co:)",
        "row 3, writable: expected true or false, got 'maybe'",
    ]


def test_permission_table_and_per_tag_role():
    assert PERMISSIONS[Permission.WRITE] == Role.OPERATOR
    cfg = _config(
        '  - {name: W, device: p, address: "hr:1", writable: true}\n'
        '  - {name: E, device: p, address: "hr:2", writable: true, write_role: engineer}\n'
        '  - {name: R, device: p, address: "hr:3"}\n'
    )
    w, e, r = cfg.tags
    assert write_role(w) == Role.OPERATOR and write_role(e) == Role.ENGINEER
    assert may_write(Role.OPERATOR, w) == (True, "")
    assert may_write(Role.OPERATOR, e) == (False, "needs the engineer role or higher")
    assert may_write(Role.ADMINISTRATOR, e) == (True, "")
    assert may_write(Role.ADMINISTRATOR, r)[0] is False and "not writable" in may_write("administrator", r)[1]
    assert may_write(None, w) == (False, "nobody is logged in")


@pytest.mark.parametrize("order", ["big", "little"])
@pytest.mark.parametrize(
    "type_,raw",
    [("int16", -2.0), ("uint16", 65535.0), ("int32", -100000.0), ("uint32", 3e9)]
    + [("float32", 123.5), ("float64", -2.75e-3), ("bool", 1.0)],
)
def test_write_encoding_is_the_inverse_of_the_read_decoding(type_, raw, order):
    words, written = encode_write(raw, type_, order)
    assert written == raw and decode_one(words, type_, order) == raw


def test_write_encoding_refuses_what_the_type_cannot_hold():
    assert encode_write(12.4, "int16") == ([12], 12.0)  # integers are rounded, and say so
    for raw, type_ in ((70000, "int16"), (-1, "uint16"), (2**32, "uint32"), (1e39, "float32")):
        with pytest.raises(ValueError):
            encode_write(raw, type_)
    with pytest.raises(ValueError):
        encode_write(float("nan"), "float64")


# ---------------------------------------------------------------- against the simulator


@pytest.fixture(scope="module")
def plant(tmp_path_factory):
    path = tmp_path_factory.mktemp("writes") / "plant.yaml"
    path.write_text(PLANT, encoding="utf-8")
    sim = SimulatorProcess(path, speed=1.0, seed=3)
    cfg = sim.start()
    try:
        yield cfg
    finally:
        sim.stop()


@pytest.fixture
def engine(plant, audit):
    eng = Engine(plant, audit=audit, warnings=False)
    eng.start()
    try:
        names = [t.name for t in plant.tags]
        wait_until(lambda: all(latest(eng, n)[1] == Quality.GOOD for n in names), timeout=20)
        yield eng
    finally:
        eng.stop()


def latest(eng: Engine, name: str) -> tuple[float, int]:
    i = eng.config.tag_index()[name]
    snap = eng.latest()
    return float(snap.value[i]), int(snap.quality[i])


def write(eng: Engine, name: str, value: float, user=OPERATOR):
    return eng.write(name, value, user).result(15)


def writes(audit: AuditLog) -> list:
    return [e for e in audit.entries() if e.action == Action.WRITE]


MODBUS_VALUES = {
    "I16": -321.0,
    "U16": 6543.2,  # scale 0.1: raw 65432
    "I32": -2_500_000.0,
    "U32": 3_999_999_999.0,
    "F32": -7.25,
    "F64": 1.0e8 + 0.5,  # scale 2, offset 10
    "F32.OTHER": 42.5,
    "BIT3": 1.0,
    "CO": 1.0,
}


@pytest.mark.slow
def test_modbus_writes_of_every_type_and_both_word_orders_read_back(engine, audit):
    bit5 = {d: latest(engine, f"{d}.BIT5")[0] for d in ("big", "little")}
    for dev in ("big", "little"):
        for name, value in MODBUS_VALUES.items():
            res = write(engine, f"{dev}.{name}", value)
            assert res.ok and res.audited and not res.refused, res
            assert res.written == pytest.approx(value, rel=1e-9)
    for dev in ("big", "little"):
        for name, value in MODBUS_VALUES.items():
            tag = f"{dev}.{name}"
            wait_until(lambda tag=tag, value=value: latest(engine, tag)[0] == pytest.approx(value, rel=1e-9))
        # mask write changed bit 3 alone
        assert latest(engine, f"{dev}.BIT5")[0] == bit5[dev]
    # and back off again
    res = write(engine, "little.BIT3", 0)
    assert res.ok
    wait_until(lambda: latest(engine, "little.BIT3")[0] == 0.0)
    rows = writes(audit)
    assert len(rows) == 2 * len(MODBUS_VALUES) + 1
    first = rows[0]
    assert first.user == "olga" and first.target == "big.I16"
    assert first.detail["new"] == -321.0 and first.detail["result"] == "ok" and first.detail["error"] is None
    assert first.detail["role"] == "operator" and first.detail["old"] is not None
    assert verify(audit.engine)[0]


@pytest.mark.slow
def test_integer_rounding_is_reported(engine):
    res = write(engine, "big.U16", 12.34)  # scale 0.1: raw 123.4 -> 123
    assert res.ok and res.written == pytest.approx(12.3)
    wait_until(lambda: latest(engine, "big.U16")[0] == pytest.approx(12.3))


@pytest.mark.slow
def test_opcua_writes_read_back_with_the_variables_type(engine, audit):
    assert write(engine, "ua.D", 12.5).ok
    assert write(engine, "ua.B", 1).ok
    wait_until(lambda: latest(engine, "ua.D")[0] == 12.5 and latest(engine, "ua.B")[0] == 1.0)
    assert write(engine, "ua.B", 0).ok
    wait_until(lambda: latest(engine, "ua.B")[0] == 0.0)
    assert [e.detail["result"] for e in writes(audit)] == ["ok", "ok", "ok"]


@pytest.mark.slow
def test_refused_writes_are_audited_and_never_reach_the_device(engine, audit):
    before = latest(engine, "big.RO")[0]
    cases = [
        ("big.RO", 5, OPERATOR, "not writable"),
        ("ua.RO", 5, ENGINEER, "not writable"),
        ("big.SUP", 5, OPERATOR, "needs the engineer role or higher"),
        ("big.F32", 501, OPERATOR, "outside the tag's range -500 to 500"),
        ("big.CO", 2, OPERATOR, "a bool tag takes 0 or 1"),
        ("big.F32", float("nan"), OPERATOR, "is not a number"),
        ("NO.SUCH.TAG", 1, OPERATOR, "unknown tag"),
        ("big.SUP", 5, None, "nobody is logged in"),
    ]
    for name, value, user, why in cases:
        fut = engine.write(name, value, user)
        assert fut.done()  # refused at once, without the device
        res = fut.result()
        assert not res.ok and res.refused and why in res.message, res
    rows = writes(audit)
    assert [r.target for r in rows] == [c[0] for c in cases]
    assert all(r.detail["result"] == "refused" and r.detail["error"] for r in rows)
    assert rows[2].user == "olga" and rows[2].detail["role"] == "operator"
    assert latest(engine, "big.RO")[0] == before
    # the engineer may
    res = write(engine, "big.SUP", 7, ENGINEER)
    assert res.ok
    wait_until(lambda: latest(engine, "big.SUP")[0] == 7.0)
    assert writes(audit)[-1].user == "erik"


@pytest.mark.slow
def test_a_device_refusal_is_a_clear_failed_write(engine, audit):
    """The pymodbus server has no hr:65000: exception 2, named, audited as failed."""
    drv = next(d for d in engine.drivers if d.device.name == "big")
    tag = engine.config.tags[engine.config.tag_index()["big.I16"]].model_copy(update={"address": "hr:65000"})
    from devices.base import WriteError

    fut = _run_in_loop(engine, drv.write(tag, 1.0))
    with pytest.raises(WriteError, match=r"exception 2 \(illegal data address\)"):
        fut.result(10)


def _run_in_loop(engine, coro):
    import asyncio

    return asyncio.run_coroutine_threadsafe(coro, engine._loop)


@pytest.mark.slow
def test_writes_need_an_audit_trail(plant):
    eng = Engine(plant, warnings=False)
    res = eng.write("big.I16", 1, OPERATOR).result(1)
    assert res.refused and "no audit trail" in res.message


# ---------------------------------------------------------------- a dead device


def _dead_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_a_dead_device_gives_an_error_not_a_hang(audit):
    port = _dead_port()
    silent = socket.socket()  # accepts connections (kernel backlog) but never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    text = plant_yaml(
        """
        - {name: D, device: dead, address: "hr:1", writable: true}
        - {name: M, device: mute, address: "hr:1", writable: true}
        """,
        devices=[
            f"{{name: dead, protocol: modbus-tcp, port: {port}, scan_ms: 100, timeout_ms: 300}}",
            f"{{name: mute, protocol: modbus-tcp, port: {silent.getsockname()[1]}, scan_ms: 100, timeout_ms: 300}}",
        ],
    )
    eng = Engine(parse_config_text(text), audit=audit, warnings=False, backoff_cap=0.2)
    eng.start()
    try:
        wait_until(lambda: eng.device_status()["dead"].error)
        t0 = time.monotonic()
        res = eng.write("D", 1, OPERATOR).result(10)
        assert not res.ok and not res.refused and "not connected" in res.message, res
        res = eng.write("M", 1, OPERATOR, timeout=1.0).result(10)
        assert not res.ok and res.message, res
        assert time.monotonic() - t0 < 5
    finally:
        eng.stop()
        silent.close()
    assert [r.detail["result"] for r in writes(audit)] == ["failed", "failed"]


@pytest.mark.slow
def test_writes_while_stopped_fail_at_once(plant, audit):
    eng = Engine(plant, audit=audit, warnings=False)
    res = eng.write("big.I16", 1, OPERATOR).result(1)
    assert not res.ok and not res.refused and "not running" in res.message
    assert writes(audit)[-1].detail["result"] == "failed"


# ---------------------------------------------------------------- the dialog


DIALOG_PLANT = plant_yaml(
    """
    - {name: BF1.SP, description: Top pressure setpoint, unit: kPa, device: p, address: "hr:1", type: float32,
       range: [0, 300], writable: true}
    - {name: BF1.ENG, device: p, address: "hr:3", type: float32, writable: true, write_role: engineer}
    - {name: BF1.PV, device: p, address: "hr:5", type: float32}
    """,
    devices="""
    - {name: p, protocol: modbus-tcp}
    """,
)


class FakeWindow(QWidget):
    def __init__(self, user, answer=None):
        from views.session import Session

        super().__init__()
        self.config = parse_config_text(DIALOG_PLANT)
        self.engine = FakeEngine(self.config, values=np.full(len(self.config.tags), 11.0), answer=answer)
        self.session = Session(None, None, user)
        self.session_controls = None
        self.messages: list[str] = []

    def statusBar(self):  # noqa: N802 - Qt's name
        return self

    def showMessage(self, text, _ms=0):  # noqa: N802
        self.messages.append(text)


def test_dialog_confirm_path_shows_the_result(qtbot):
    from views.write_dialog import PAGE_CONFIRM, PAGE_RESULT, open_write_dialog

    win = FakeWindow(OPERATOR, answer="ok")
    qtbot.addWidget(win)
    dlg = open_write_dialog(win, 0)
    assert "11 kPa (good)" in dlg.current_label.text()
    dlg.editor.setText("400")
    dlg.next_button.click()
    assert "Outside 0 to 300 kPa" in dlg.error_label.text() and dlg.pages.currentIndex() == 0
    dlg.editor.setText("12.5")
    dlg.next_button.click()
    assert dlg.pages.currentIndex() == PAGE_CONFIRM
    assert dlg.confirm_label.text() == "Write 12.5 kPa to BF1.SP? Current 11 kPa"
    assert win.engine.requests == []  # nothing is written before the confirmation
    with qtbot.waitSignal(dlg.resultReady, timeout=5000):
        dlg.write_button.click()
    assert win.engine.requests == [("BF1.SP", 12.5, OPERATOR)]
    assert dlg.pages.currentIndex() == PAGE_RESULT
    assert dlg.result_label.text() == "Written: BF1.SP = 12.5 kPa"
    dlg.close_button.click()


def test_dialog_cancel_path_writes_nothing(qtbot):
    from views.write_dialog import open_write_dialog

    win = FakeWindow(OPERATOR, answer="ok")
    qtbot.addWidget(win)
    dlg = open_write_dialog(win, 0)
    dlg.editor.setText("20")
    dlg.next_button.click()
    with qtbot.waitSignal(dlg.rejected, timeout=2000):
        dlg.cancel_button.click()
    assert win.engine.requests == [] and dlg.outcome is None


def test_dialog_waits_for_the_device_and_shows_a_failure(qtbot):
    from app.runtime.engine import WriteResult
    from views.write_dialog import open_write_dialog

    win = FakeWindow(OPERATOR, answer=None)  # the future is resolved later, from another thread
    qtbot.addWidget(win)
    dlg = open_write_dialog(win, 0)
    dlg.editor.setText("20")
    dlg.next_button.click()
    dlg.write_button.click()
    assert "Writing 20 kPa to BF1.SP" in dlg.result_label.text() and not dlg.close_button.isEnabled()
    import threading

    res = WriteResult("BF1.SP", False, 20.0, 11.0, message="no answer from p within 3 s", audited=True)
    with qtbot.waitSignal(dlg.resultReady, timeout=5000):
        t = threading.Thread(target=win.engine.future.set_result, args=(res,))
        t.start()
        t.join()
    assert dlg.result_label.text() == "Failed: no answer from p within 3 s"
    assert dlg.close_button.isEnabled()


@pytest.mark.slow
def test_operator_and_too_low_role_in_the_tag_browser_menu(qtbot):
    from views.write_dialog import open_write_dialog, write_permission
    from widgets.tag_browser import TagBrowser

    win = FakeWindow(OPERATOR)
    qtbot.addWidget(win)
    browser = TagBrowser(win.config.tags, win)
    browser.write_check = lambda i: write_permission(win, i)

    def action(i):
        menu = browser.context_menu(i)
        return next(a for a in menu.actions() if a.objectName() == "writeValueAction")

    assert action(0).isEnabled() and "you confirm it" in action(0).toolTip()
    assert not action(1).isEnabled() and action(1).toolTip() == "Needs the engineer role or higher"
    assert not action(2).isEnabled() and "does not mark this tag writable" in action(2).toolTip()
    with qtbot.waitSignal(browser.writeRequested) as sig:
        action(0).trigger()
    assert sig.args == [0]
    # a too-low role gets no dialog, only the reason
    assert open_write_dialog(win, 1) is None and win.messages == ["Needs the engineer role or higher"]
    win.session.user = ENGINEER
    assert action(1).isEnabled()
    dlg = open_write_dialog(win, 1)
    assert dlg is not None and dlg.isVisible()
