"""A stop of the server's publisher is not lost: aiomqtt waits for a publish the socket could not
take at once with asyncio.wait_for, which before Python 3.12 can swallow a cancellation that
arrives as the publish completes. A client whose publish swallows it stands in for that race."""

from __future__ import annotations

import asyncio

import numpy as np

from app.config import parse_config_text
from app.control_room.server import ControlRoomServer
from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml
from transport.mqtt import BrokerUrl


class SwallowingClient:
    """Publishes nowhere; once `swallow` is set, the next publish waits and, cancelled, returns
    as if it had completed."""

    def __init__(self):
        self.swallow = False
        self.in_publish = asyncio.Event()
        self.swallowed = False
        self.messages = self._messages()

    async def _messages(self):
        await asyncio.Event().wait()  # no commands
        yield None

    async def subscribe(self, *_a, **_k) -> None:
        pass

    async def publish(self, _topic, _payload=None, qos=0) -> None:
        if not self.swallow:
            return
        self.swallow = False
        self.in_publish.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.swallowed = True  # what asyncio.wait_for may do on Python 3.11


def test_a_stop_swallowed_by_a_publish_still_stops_the_publisher():
    cfg = parse_config_text(plant_yaml("- {name: T1, device: d, address: 'hr:0'}"))
    engine = Engine(cfg, None, warnings=False)
    server = ControlRoomServer(engine, BrokerUrl.parse("mqtt://127.0.0.1:1"), "plant1")
    client = SwallowingClient()

    async def scenario() -> None:
        server.loop, server.queue = asyncio.get_running_loop(), asyncio.Queue()
        task = asyncio.create_task(server._session(client))  # noqa: SLF001 - one connection's session
        for _ in range(500):
            if server.births or task.done():
                break
            await asyncio.sleep(0.01)
        assert server.births == 1, task.exception() if task.done() else "no births"
        client.swallow = True
        batch = SampleBatch(
            np.array([0], dtype=np.int32), np.array([1.0]), np.array([42.0]), np.array([Quality.GOOD])
        )
        server.queue.put_nowait(("samples", batch))
        publishing = asyncio.ensure_future(client.in_publish.wait())
        await asyncio.wait({task, publishing}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if task.done() and task.exception():
            raise task.exception()
        assert publishing.done(), "the batch was not published"
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert client.swallowed
        assert task in done and task.cancelled(), "the publisher went on after its stop"

    asyncio.run(scenario())
