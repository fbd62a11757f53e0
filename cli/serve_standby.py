"""`serve --standby`: one of a pair of control-room servers on a shared PostgreSQL, one active.

The pair runs the loop of `headless --standby` (cli/standby.py, app.redundancy.active_standby):
leadership by a PostgreSQL advisory lock, the engine made while standby and started on taking
over. What serve adds is the broker side, on a loop thread of its own:

- always, a status session (client id `forewarn-serve-<node>-<server id>`) that publishes this
  server's role retained on `forewarn/<node>/servers/<server id>` as JSON (`role`, `since`,
  `activations`, `detail`), with the will `{"role": "down"}` (retained too), and that watches the
  node's NBIRTH and NDEATH to learn the bdSeq in use;
- while active only, the Sparkplug node (app.control_room.server), client id
  `forewarn-node-<node>-<server id>`, its first bdSeq one past the last one seen, so the dead
  active's will NDEATH (which tells the stations at once) never ends the new active's birth.
  A lost lease stops the node before the engine; the node says NDEATH itself when stopped.

`serve: ...` is printed once the new active's NBIRTH is out, after `headless: ...`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time

from app.control_room.server import sparkplug_id
from app.redundancy.active_standby import RoleState
from transport import mqtt
from transport.sparkplug import BD_SEQ, MessageType, Topic, decode

log = logging.getLogger(__name__)
BIRTH_WAIT_S = 10.0  # a takeover waits this long for the node's births before it says it serves
STATUS_QOS = 1


def status_topic(node: str, server_id: str) -> str:
    return f"forewarn/{sparkplug_id(node)}/servers/{sparkplug_id(server_id)}"


class StandbyPublisher:
    """The broker side of `serve --standby` (see the module docstring)."""

    def __init__(self, args, cfg, url: mqtt.BrokerUrl, creds, out):
        from core.paths import plant_slug

        self.args, self.cfg, self.url, self.creds, self.out = args, cfg, url, creds, out
        self.node = sparkplug_id(args.node or plant_slug(cfg.plant.name))
        self.server_id = sparkplug_id(args.server_id or f"{socket.gethostname()}-{os.getpid()}")
        self.topic = status_topic(self.node, self.server_id)
        self.next_bd_seq = int(time.time()) % 256  # until a birth or death of the node is seen
        self.server = None
        self._task: asyncio.Future | None = None
        self._state: RoleState | None = None
        self._changed = asyncio.Event()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="serve-standby", daemon=True)
        self._thread.start()
        self._status = asyncio.run_coroutine_threadsafe(self._status_session(), self.loop)

    # ------------------------------------------------------------ run_standby's hooks
    def engine_options(self, hist) -> dict:
        from storage.audit import AuditLog

        return {"audit": AuditLog(hist.engine)}

    def start(self, engine, hist) -> None:
        from app.control_room.areas import HEARTBEAT_S
        from cli.control_room import node_server

        server = node_server(
            self.args,
            self.cfg,
            engine,
            engine.audit,
            self.url,
            self.creds,
            client_id=f"forewarn-node-{self.node}-{self.server_id}",
            bd_seq=self.next_bd_seq,
        )
        self.server = server

        async def serve() -> None:
            task = asyncio.create_task(server.run(), name="serve")
            try:
                while not task.done():
                    await asyncio.sleep(min(0.2, HEARTBEAT_S))
                    server.housekeeping()
            finally:
                server.housekeeping(final=True)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

        self._task = asyncio.run_coroutine_threadsafe(serve(), self.loop)
        deadline = time.monotonic() + BIRTH_WAIT_S
        while server.births == 0 and time.monotonic() < deadline and not self._task.done():
            time.sleep(0.02)
        print(
            f"serve: {self.cfg.plant.name} on {self.url} as spBv1.0/{server.group}/+/{server.node}"
            f" (active, bdSeq {server.bd_seq})",
            file=self.out,
            flush=True,
        )

    def stop(self) -> None:
        task, server = self._task, self.server
        self._task = self.server = None
        if task is not None:
            self.loop.call_soon_threadsafe(task.cancel)
            try:
                task.result(10)
            except Exception:  # cancelled, as asked
                pass
        if server is not None:
            self.next_bd_seq = (server.bd_seq + 1) % 256
            print(
                f"serve: {server.messages_out} messages, {server.bytes_out} bytes published",
                file=self.out,
                flush=True,
            )

    def role(self, state: RoleState) -> None:
        self._state = state
        self.loop.call_soon_threadsafe(self._changed.set)

    def close(self) -> None:
        self.stop()
        self._status.cancel()
        try:
            self._status.result(5)
        except Exception:  # cancelled
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    # ------------------------------------------------------------ the status session
    def _status_text(self) -> bytes:
        s = self._state
        if s is None:
            return b""
        body = {"role": str(s.role), "since": s.since, "activations": s.activations, "detail": s.detail}
        return json.dumps(body).encode()

    def _client(self):
        will = mqtt.Will(self.topic, json.dumps({"role": "down"}).encode(), qos=STATUS_QOS, retain=True)
        return mqtt.client(self.url, f"forewarn-serve-{self.node}-{self.server_id}", self.creds, will)

    async def _status_session(self) -> None:
        await mqtt.keep_connected(self._client, self._status_run)

    async def _status_run(self, client) -> None:
        group = sparkplug_id(self.args.group)
        for kind in (MessageType.NBIRTH, MessageType.NDEATH):
            await client.subscribe(str(Topic(group, kind, self.node)), qos=0)
        watch = asyncio.create_task(self._watch(client))
        try:
            while True:
                self._changed.clear()
                text = self._status_text()
                if text:
                    await client.publish(self.topic, text, qos=STATUS_QOS, retain=True)
                await self._changed.wait()
        finally:
            watch.cancel()

    async def _watch(self, client) -> None:
        """The bdSeq of the node's births and deaths, whoever sent them: the next active's is past it."""
        async for message in client.messages:
            try:
                seq = next((m.value for m in decode(message.payload).metrics if m.name == BD_SEQ), None)
            except ValueError:
                continue
            server = self.server
            if seq is not None and (server is None or int(seq) != server.bd_seq):
                self.next_bd_seq = (int(seq) + 1) % 256
