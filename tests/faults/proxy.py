"""A TCP proxy that stands between the engine and one device server and misbehaves on demand.

`mode` is "pass" (forward both ways), "delay" (hold every reply `delay_s` before passing it on)
or "drop" (swallow every reply; requests still reach the server). It runs in its own asyncio
loop thread, binds 127.0.0.1 port 0, and `close()` ends it and every connection it holds.
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.servers import LoopThread


class FaultyProxy:
    def __init__(self, target_port: int, host: str = "127.0.0.1"):
        self.target = (host, target_port)
        self.mode = "pass"
        self.delay_s = 0.0
        self.port = 0
        self.connections = 0
        self._lt = LoopThread()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def start(self) -> FaultyProxy:
        async def go():
            self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
            return self._server.sockets[0].getsockname()[1]

        self.port = self._lt.call(go())
        return self

    def set_mode(self, mode: str, delay_s: float = 0.0) -> None:
        if mode not in ("pass", "delay", "drop"):
            raise ValueError(mode)
        self.mode, self.delay_s = mode, delay_s

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_r, up_w = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_w}
        try:
            await asyncio.gather(
                self._pump(reader, up_w, replies=False), self._pump(up_r, writer, replies=True)
            )
        finally:
            for w in (writer, up_w):
                self._writers.discard(w)
                w.close()

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, replies: bool) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await src.read(65536):
                if replies and self.mode == "drop":
                    continue
                if replies and self.mode == "delay":
                    await asyncio.sleep(self.delay_s)
                dst.write(data)
                await dst.drain()
        dst.close()

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

    def __enter__(self) -> FaultyProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
