"""`serve` (the control room's server: acquisition, evaluation and history, published as Sparkplug
B over MQTT) and the options a station shares with it: the broker, its credentials, the keys.

Secrets come from files named on the command line or from the secret store
(app/config/secrets.py): a broker password as `control-room/mqtt.<user>`, a station's command
key as `control-room/station.<id>` (the server loads every such key). A broken broker URL or a
broker that cannot be reached is said in one line, exit 2.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

from cli.broker_options import SECRET_PREFIX
from cli.commands import refuse

log = logging.getLogger(__name__)


def _secret(name: str) -> str | None:
    from app.config.secrets import SecretStore

    return SecretStore.default().get(SECRET_PREFIX + name)


def credentials(args):
    """The broker credentials of the command line (a password from its file or the secret store)."""
    from transport.mqtt import Credentials

    password = None
    if args.mqtt_password_file:
        password = Path(args.mqtt_password_file).read_text(encoding="utf-8").strip()
    elif args.mqtt_user:
        password = _secret(f"mqtt.{args.mqtt_user}")
    return Credentials(args.mqtt_user, password, args.ca, args.cert, args.key)


def station_keys(path: str | None) -> dict[str, bytes]:
    if path:
        import yaml

        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return {str(k): str(v).encode() for k, v in data.items()}
    from app.config.secrets import SecretStore

    store = SecretStore.default()
    prefix = SECRET_PREFIX + "station."
    return {n[len(prefix) :]: store.get(n).encode() for n in store.names() if n.startswith(prefix)}


def station_key(args, station: str) -> bytes | None:
    if args.station_key:
        return Path(args.station_key).read_text(encoding="utf-8").strip().encode()
    value = _secret(f"station.{station}")
    return None if value is None else value.encode()


def broker_url(text: str):
    """(url, None) or (None, exit status after saying why)."""
    from transport.mqtt import BrokerUrl, BrokerUrlError

    try:
        return BrokerUrl.parse(text), None
    except BrokerUrlError as exc:
        return None, refuse(f"error: {exc}")


def reachable(url, identifier: str, creds) -> str:
    """'' when the broker accepts us, else why not (one line)."""
    from transport import mqtt

    try:
        asyncio.run(asyncio.wait_for(mqtt.probe(url, identifier, creds), 10))
    except (mqtt.MqttError, OSError, TimeoutError) as exc:
        return f"error: cannot connect to the MQTT broker at {url}: {exc or type(exc).__name__}"
    return ""


def serve(args) -> int:
    """Run the server until Ctrl-C or --duration: the engine (demo plant and its simulator without
    --config), its history, and the Sparkplug node on the broker; with --standby one of an
    active/standby pair on a shared PostgreSQL (cli/serve_standby.py)."""
    from app.config import ConfigError
    from cli.commands import demo_or_config
    from storage.guard import JournalError
    from storage.leadership import is_postgresql

    if args.standby and not is_postgresql(args.db or "sqlite://"):
        return refuse(
            "serve --standby: an active/standby pair needs a shared PostgreSQL database; "
            "give --db postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        )
    url, code = broker_url(args.broker)
    if url is None:
        return code
    creds = credentials(args)
    why = reachable(url, f"forewarn-probe-{time.monotonic_ns()}", creds)
    if why:
        return refuse(why)
    try:
        with demo_or_config(args.config, speed=args.speed, incidents=args.incident) as (cfg, sim):
            if args.standby:
                return _serve_standby(args, cfg, sim, url, creds)
            return _serve(args, cfg, sim, url, creds)
    except (ConfigError, JournalError) as exc:
        return refuse(exc)


def node_server(args, cfg, engine, audit, url, creds, **options):
    """The Sparkplug node of `engine` (app.control_room.server) with its command processor (the
    users and audit of `audit`'s database) and the stations' coverage; `options` go to the server."""
    from app.accounts.users import UserStore
    from app.control_room.areas import Coverage
    from app.control_room.commands import CommandProcessor, Verifier
    from app.control_room.server import ControlRoomServer
    from core.paths import plant_slug

    users = UserStore(audit.engine, audit)

    def role_of(name: str):
        u = users.get(name)
        return None if u is None or u.disabled else u.role

    coverage = Coverage()
    processor = CommandProcessor(
        engine,
        Verifier(station_keys(args.station_keys)),
        role_of,
        audit,
        coverage.hello,
        authenticate=users.authenticate,  # stations log in here: their database role only reads
        accounts=users,  # and an administrator on a station manages the users here
        refusal_window_s=args.refusal_window,
    )
    node = args.node or plant_slug(cfg.plant.name)
    server = ControlRoomServer(
        engine,
        url,
        node,
        group=args.group,
        credentials=creds,
        processor=processor,
        coverage=coverage,
        **options,
    )
    coverage.on_change = server.post_coverage
    return server


def _serve_standby(args, cfg, sim, url, creds) -> int:
    import sys

    from cli.serve_standby import StandbyPublisher
    from cli.standby import run_standby

    publisher = StandbyPublisher(args, cfg, url, creds, sys.stdout)
    return run_standby(cfg, args.db, args.duration, sys.stdout, sim=sim, publisher=publisher)


def _serve(args, cfg, sim, url, creds) -> int:
    from app.control_room.areas import HEARTBEAT_S
    from app.runtime.services import Services
    from cli.commands import demo_engine, demo_history, on_signals, plant_clock
    from storage.audit import AuditLog

    clock = plant_clock(sim)
    with demo_history(cfg, args.db, clock, new_db=args.new_db) as (hist, db):
        audit = AuditLog(hist.engine)
        engine = demo_engine(cfg, hist, sim, clock, audit=audit)
        server = node_server(args, cfg, engine, audit, url, creds)
        services: list = []
        stop = threading.Event()
        on_signals(stop)

        async def main() -> None:
            await asyncio.to_thread(engine.start)  # the births that follow carry its first state
            services.append(Services(cfg, engine, hist, audit))  # notifications, draft watch, uplink
            task = asyncio.create_task(server.run(), name="serve")
            print(
                f"serve: {cfg.plant.name} on {url} as spBv1.0/{args.group}/+/{server.node}; history {db}",
                flush=True,
            )
            t0 = time.monotonic()
            while not stop.is_set() and (args.duration is None or time.monotonic() - t0 < args.duration):
                await asyncio.sleep(min(0.2, HEARTBEAT_S))
                server.housekeeping()
            server.housekeeping(final=True)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        try:
            asyncio.run(main())
        finally:
            for svc in services:
                svc.detach()
            engine.stop()
            if server.processor is not None:
                server.processor.close()
        print(f"serve: {server.messages_out} messages, {server.bytes_out} bytes published", flush=True)
    return 0


def prepare_station(args):
    """What a station needs before its window opens: (url, credentials, station id, key), or the
    exit status after saying why it cannot start (a bad URL, no key, no broker)."""
    import socket

    url, code = broker_url(args.server)
    if url is None:
        return code
    name = args.station or socket.gethostname()
    key = station_key(args, name)
    if key is None:
        return refuse(
            f"error: no command key for station {name!r} (--station-key or secret control-room/station.{name})"
        )
    creds = credentials(args)
    why = reachable(url, f"forewarn-probe-{time.monotonic_ns()}", creds)
    if why:
        return refuse(why)
    return url, creds, name, key
