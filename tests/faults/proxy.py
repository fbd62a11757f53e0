"""A TCP proxy that stands between the engine and one device server and misbehaves on demand.

`mode` is "pass" (forward both ways), "delay" (hold every reply `delay_s` before passing it on)
or "drop" (swallow every reply; requests still reach the server). It runs in its own asyncio
loop thread, binds 127.0.0.1 port 0, and `close()` ends it and every connection it holds.
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.servers import TcpServer


class FaultyProxy(TcpServer):
    def __init__(self, target_port: int, host: str = "127.0.0.1"):
        super().__init__()
        self.target = (host, target_port)
        self.mode = "pass"
        self.delay_s = 0.0
        self.connections = 0

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

    def __enter__(self) -> FaultyProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
