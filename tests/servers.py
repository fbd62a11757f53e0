"""Real protocol servers for integration tests, each in its own thread and asyncio loop.

They bind 127.0.0.1 port 0 and are stopped by the tests that start them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


class LoopThread:
    """An asyncio loop in a daemon thread; `call(coro)` runs a coroutine there and waits."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class TcpServer:
    """A TCP server on 127.0.0.1 (port 0) in its own asyncio loop thread: `_client(reader, writer)`
    serves each connection and keeps its writers in `_writers`; `close()` ends the server, every
    connection it holds and every task on its loop."""

    def __init__(self):
        self.port = 0
        self._lt = LoopThread()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    def start(self):
        async def go():
            self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
            return self._server.sockets[0].getsockname()[1]

        self.port = self._lt.call(go())
        return self

    def close(self) -> None:
        async def stop():
            if self._server is not None:
                self._server.close()
            for w in list(self._writers):
                w.close()
            me = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not me]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            self._lt.call(stop())
        finally:
            self._lt.close()


class ModbusServer:
    """A pymodbus TCP server with 1,000 registers and 256 bits in each table."""

    def __init__(self, unit: int = 1, size: int = 1000):
        self.unit = unit
        self.size = size
        self.lt = LoopThread()
        self.server = None
        self.port = 0

    def start(self, port: int = 0) -> ModbusServer:
        async def go():
            dev = SimDevice(
                id=self.unit,
                simdata=(
                    [SimData(0, count=256, values=False, datatype=DataType.BITS)],
                    [SimData(0, count=256, values=False, datatype=DataType.BITS)],
                    [SimData(0, count=self.size, values=0, datatype=DataType.REGISTERS)],
                    [SimData(0, count=self.size, values=0, datatype=DataType.REGISTERS)],
                ),
            )
            self.server = ModbusTcpServer([dev], address=("127.0.0.1", port))
            await self.server.serve_forever(background=True)
            return self.server.transport.sockets[0].getsockname()[1]

        self.port = self.lt.call(go())
        return self

    def set(self, table: str, address: int, values: list) -> None:
        fc = {"hr": 16, "ir": 4, "co": 15, "di": 2}[table]
        self.lt.call(self.server.async_setValues(self.unit, fc, address, list(values)))

    def stop_server(self) -> None:
        if self.server is not None:
            self.lt.call(self.server.shutdown())
            self.server = None

    def close(self) -> None:
        self.stop_server()
        self.lt.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


class OpcUaServer:
    """An asyncua server with a namespace placed at index 3 and Double variables."""

    uri = "urn:forewarn:test"

    def __init__(self, names: list[str]):
        self.names = names
        self.lt = LoopThread()
        self.vars = {}
        self.port = 0

    def start(self) -> OpcUaServer:
        from asyncua import Server, ua

        async def go():
            s = Server()
            await s.init()
            s.set_endpoint("opc.tcp://127.0.0.1:0/test/")
            await s.register_namespace("urn:other:a")
            idx = await s.register_namespace(self.uri)
            obj = await s.nodes.objects.add_object(idx, "Test")
            for n in self.names:
                self.vars[n] = await obj.add_variable(ua.NodeId(n, idx), n, 0.0)
            await s.start()
            self.server, self.idx = s, idx
            return s.bserver._server.sockets[0].getsockname()[1]

        self.port = self.lt.call(go())
        return self

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}/test/"

    def set(self, name: str, value: float) -> None:
        from asyncua import ua

        now = datetime.now(UTC)
        dv = ua.DataValue(
            ua.Variant(float(value), ua.VariantType.Double), SourceTimestamp=now, ServerTimestamp=now
        )
        self.lt.call(self.vars[name].write_value(dv))

    def close(self) -> None:
        try:
            self.lt.call(self.server.stop())
        finally:
            self.lt.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


class SecuredUaServer:
    """A real asyncua server on 127.0.0.1 (its own loop thread) with one Double variable `X` =
    42.5 in `urn:forewarn:test`; subclasses set its security and identities up (`configure`) and
    may give the Server arguments (`server_kwargs`, e.g. a user manager)."""

    path = "/ua/"
    application_uri = "urn:forewarn:test:server"

    def __init__(self):
        self.lt = LoopThread()
        self.port = 0

    def server_kwargs(self) -> dict:
        return {}

    async def configure(self, s) -> None:
        """Security policies, certificates and identity tokens of the server `s`."""

    def start(self):
        from asyncua import Server, ua

        async def go():
            s = Server(**self.server_kwargs())
            await s.init()
            await s.set_application_uri(self.application_uri)
            s.set_endpoint(f"opc.tcp://127.0.0.1:0{self.path}")
            await self.configure(s)
            idx = await s.register_namespace("urn:forewarn:test")
            obj = await s.nodes.objects.add_object(idx, "Test")
            await obj.add_variable(ua.NodeId("X", idx), "X", 42.5)
            await s.start()
            self.server = s
            return s.bserver._server.sockets[0].getsockname()[1]

        try:
            self.port = self.lt.call(go(), timeout=30)
        except BaseException:
            self.lt.close()
            raise
        return self

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}{self.path}"

    def close(self) -> None:
        try:
            self.lt.call(self.server.stop())
        finally:
            self.lt.close()
