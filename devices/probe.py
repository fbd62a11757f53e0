"""Commissioning probes for the settings dialog: test a device's link, read a Modbus address
and decode it every way, browse an OPC UA server's address space.

Each probe opens its own short-lived connection (never the engine's) and reports failures as
the engineer needs them: refused, no answer within the timeout, the Modbus exception code by
name, the OPC UA status. All functions are coroutines; a caller without a loop uses
`asyncio.run(...)` in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from asyncua import Client, ua
from pymodbus.client import AsyncModbusTcpClient

from core.schema.devices import REGISTER_WORDS, ModbusDevice, OpcUaDevice, parse_modbus_address
from devices.codec import decode_one
from devices.modbus import FUNCTION_CODES, exception_of, guard_loop

logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
for _name in ("asyncua", "asyncua.client", "asyncua.common"):
    logging.getLogger(_name).setLevel(logging.ERROR)

DECODE_TYPES = ("uint16", "int16", "uint32", "int32", "float32", "float64")


@dataclass(frozen=True)
class ProbeResult:
    """A Modbus read: the raw words (or bits) and the value decoded per (type, word order)."""

    address: str
    registers: list[int]
    bits: list[bool]
    decoded: dict[tuple[str, str], float]
    round_trip_ms: float


@dataclass(frozen=True)
class BrowseEntry:
    """One child node: id in nsu= form (portable across servers), name, class, data type."""

    node_id: str
    browse_name: str
    node_class: str
    data_type: str
    has_children: bool


def _exception_text(rr) -> str:
    code, name = exception_of(rr)
    return f"exception code {code} ({name})"


async def _open_modbus(device: ModbusDevice, timeout: float) -> AsyncModbusTcpClient:
    """Connect, classifying failures exactly (pymodbus only says it could not)."""
    where = f"{device.host}:{device.port}"
    try:
        _r, w = await asyncio.wait_for(asyncio.open_connection(device.host, device.port), timeout)
    except ConnectionRefusedError:
        raise ConnectionError(f"connection refused by {where} (nothing listens on that port)") from None
    except TimeoutError:
        raise ConnectionError(f"no answer from {where} within {timeout:g} s") from None
    except OSError as exc:
        raise ConnectionError(f"cannot reach {where}: {exc.strerror or exc}") from None
    w.close()
    try:
        await w.wait_closed()
    except OSError:
        pass
    guard_loop(asyncio.get_running_loop())  # an undecodable reply: one WARNING line, no traceback
    client = AsyncModbusTcpClient(
        device.host, port=device.port, timeout=timeout, retries=0, reconnect_delay=0
    )
    if not await client.connect():
        client.close()
        raise ConnectionError(f"cannot connect to {where}")
    return client


async def _read(client, table: str, start: int, count: int, unit: int):
    if table == "hr":
        return await client.read_holding_registers(start, count=count, device_id=unit)
    if table == "ir":
        return await client.read_input_registers(start, count=count, device_id=unit)
    if table == "co":
        return await client.read_coils(start, count=count, device_id=unit)
    return await client.read_discrete_inputs(start, count=count, device_id=unit)


async def _timed_read(client, device: ModbusDevice, table: str, start: int, count: int, timeout: float):
    t0 = time.perf_counter()
    try:
        rr = await asyncio.wait_for(_read(client, table, start, count, device.unit), timeout + 0.5)
    except TimeoutError:
        raise ConnectionError(
            f"connected, but unit {device.unit} did not reply within {timeout:g} s"
        ) from None
    except Exception as exc:  # pymodbus raises its own errors for a lost link or a timeout
        raise ConnectionError(f"read failed: {type(exc).__name__}: {exc}") from None
    ms = (time.perf_counter() - t0) * 1000
    if rr.isError():
        raise LookupError(f"unit {device.unit} answered {table}:{start} with {_exception_text(rr)}")
    fc = FUNCTION_CODES[table]
    if rr.function_code != fc:
        raise LookupError(
            f"unit {device.unit} answered {table}:{start} with function code {rr.function_code} "
            f"to a request with function code {fc}"
        )
    return rr, ms


def opcua_client(device: OpcUaDevice | str, timeout: float | None = None) -> Client:
    """An asyncua client for a device or a bare endpoint (security comes from `_secure`)."""
    from devices.opcua import GuardedClient  # refuses a password the network could read

    if isinstance(device, str):
        return GuardedClient(device, timeout=timeout or 4.0)
    return GuardedClient(device.endpoint, timeout=timeout or device.timeout_ms / 1000)


async def apply_security(client: Client, device: OpcUaDevice | str, base: Path | None) -> None:
    """The device's security policy, certificates and user, exactly as the driver applies them."""
    if isinstance(device, str):
        return
    from devices.opcua import apply_security as driver_security

    await driver_security(client, device, base)


async def _connect_opcua(device: OpcUaDevice | str, timeout: float, base: Path | None) -> Client:
    endpoint = device if isinstance(device, str) else device.endpoint
    client = opcua_client(device, timeout)
    try:
        await apply_security(client, device, base)
    except Exception as exc:
        raise ConnectionError(f"security settings: {type(exc).__name__}: {exc}") from None
    try:
        await asyncio.wait_for(client.connect(), timeout + 1)
    except ConnectionRefusedError:
        raise ConnectionError(
            f"connection refused by {_host_port(endpoint)} (no OPC UA server there)"
        ) from None
    except TimeoutError:
        raise ConnectionError(f"no answer from {endpoint} within {timeout:g} s") from None
    except ua.UaStatusCodeError as exc:
        raise ConnectionError(f"server refused the session: {exc}") from None
    except OSError as exc:
        raise ConnectionError(f"cannot reach {endpoint}: {exc.strerror or exc}") from None
    except Exception as exc:
        raise ConnectionError(f"{type(exc).__name__}: {exc}") from None
    return client


def _host_port(endpoint: str) -> str:
    return endpoint.removeprefix("opc.tcp://").split("/", 1)[0]


async def _close_opcua(client: Client) -> None:
    try:
        await asyncio.wait_for(client.disconnect(), 2.0)
    except Exception:  # the server may already be gone; the probe's answer stands
        logging.getLogger(__name__).debug("OPC UA disconnect failed", exc_info=True)


async def test_connection(
    device: ModbusDevice | OpcUaDevice,
    timeout: float | None = None,
    address: str | None = None,
    base: Path | None = None,
) -> tuple[bool, float | None, str]:
    """Connect and make one request: (ok, round-trip ms of that request, message).

    Modbus TCP reads one register (`address`, default hr:0); OPC UA connects with the device's
    security settings and reads the server's namespace array. The message names the failure
    exactly: connection refused, no answer within the timeout, exception code, status."""
    t = timeout if timeout is not None else device.timeout_ms / 1000
    if isinstance(device, ModbusDevice):
        try:
            a = parse_modbus_address(address or "hr:0")
        except ValueError as exc:
            return False, None, str(exc)
        try:
            client = await _open_modbus(device, t)
        except ConnectionError as exc:
            return False, None, str(exc)
        try:
            rr, ms = await _timed_read(client, device, a.table, a.offset, 1, t)
        except (ConnectionError, LookupError) as exc:
            return False, None, str(exc)
        finally:
            client.close()
        value = rr.bits[0] if a.is_bit_table else rr.registers[0]
        return (
            True,
            ms,
            f"connected to {device.host}:{device.port}; {a.table}:{a.offset} = {value} in {ms:.1f} ms",
        )
    try:
        client = await _connect_opcua(device, t, base)
    except ConnectionError as exc:
        return False, None, str(exc)
    try:
        t0 = time.perf_counter()
        ns = await asyncio.wait_for(client.get_namespace_array(), t)
        ms = (time.perf_counter() - t0) * 1000
    except TimeoutError:
        return False, None, f"connected, but the namespace array was not read within {t:g} s"
    except Exception as exc:
        return False, None, f"reading the namespace array failed: {type(exc).__name__}: {exc}"
    finally:
        await _close_opcua(client)
    shown = ", ".join(ns[1:4]) + (" …" if len(ns) > 4 else "")
    return True, ms, f"connected to {device.endpoint}; {len(ns)} namespaces ({shown}) in {ms:.1f} ms"


async def probe_modbus(
    device: ModbusDevice, address: str, count: int | None = None, timeout: float | None = None
) -> ProbeResult:
    """Read `count` words (default 4, enough for a float64) or bits at `address` and decode the
    words as every type in both word orders (big = ABCD, little = CDAB). Raises ConnectionError
    (no link) or LookupError (the device answered with an exception)."""
    a = parse_modbus_address(address)
    n = count or (1 if a.is_bit_table else 4)
    t = timeout if timeout is not None else device.timeout_ms / 1000
    client = await _open_modbus(device, t)
    try:
        rr, ms = await _timed_read(client, device, a.table, a.offset, n, t)
    finally:
        client.close()
    if a.is_bit_table:
        return ProbeResult(address, [], [bool(b) for b in rr.bits[:n]], {}, ms)
    regs = [int(r) for r in rr.registers]
    decoded: dict[tuple[str, str], float] = {}
    for ty in DECODE_TYPES:
        words = REGISTER_WORDS[ty]
        if words > len(regs):
            continue
        for order in ("big", "little") if words > 1 else ("big",):
            decoded[(ty, order)] = decode_one(regs[:words], ty, order)
    bits = [bool((regs[0] >> b) & 1) for b in range(16)] if regs else []
    return ProbeResult(address, regs, bits, decoded, ms)


async def browse_opcua(
    endpoint: str | OpcUaDevice, node: str | None = None, timeout: float = 4.0, base: Path | None = None
) -> list[BrowseEntry]:
    """The children of `node` (default: the Objects folder) as BrowseEntry rows, node ids in
    `nsu=URI;...` form for any namespace but 0. Raises ConnectionError when it cannot connect."""
    client = await _connect_opcua(endpoint, timeout, base)
    try:
        ns = await client.get_namespace_array()
        ns_index = {uri: i for i, uri in enumerate(ns)}
        if node:
            from devices.opcua import parse_node_id

            parent = client.get_node(parse_node_id(node, ns_index))
        else:
            parent = client.nodes.objects
        refs = await parent.get_children_descriptions()
        out = []
        for r in refs:
            child = client.get_node(r.NodeId)
            data_type = ""
            if r.NodeClass == ua.NodeClass.Variable:
                try:
                    dt = await child.read_data_type()
                    data_type = await _type_name(client, dt)
                except Exception:  # a server may refuse the attribute; the row is still useful
                    data_type = "?"
            try:
                has_children = bool(await child.get_children_descriptions())
            except Exception:
                has_children = False
            out.append(
                BrowseEntry(
                    node_id=nsu_form(r.NodeId, ns),
                    browse_name=r.BrowseName.Name,
                    node_class=r.NodeClass.name,
                    data_type=data_type,
                    has_children=has_children,
                )
            )
        return out
    finally:
        await _close_opcua(client)


async def _type_name(client: Client, dt: ua.NodeId) -> str:
    if dt.NamespaceIndex == 0 and isinstance(dt.Identifier, int):
        try:
            return ua.VariantType(dt.Identifier).name
        except ValueError:
            pass
    try:
        return (await client.get_node(dt).read_browse_name()).Name
    except Exception:
        return dt.to_string()


def nsu_form(node_id: ua.NodeId, namespaces: list[str]) -> str:
    """`nsu=URI;s=Name` for a node outside namespace 0 (servers renumber namespaces), else `i=85`."""
    text = node_id.to_string()
    if node_id.NamespaceIndex == 0 or node_id.NamespaceIndex >= len(namespaces):
        return text
    _ns, _, rest = text.partition(";")
    return f"nsu={namespaces[node_id.NamespaceIndex]};{rest}"
