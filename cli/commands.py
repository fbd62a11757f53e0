"""Command-line actions that need no window: check-config, export, headless, simulate, report."""

from __future__ import annotations

import concurrent.futures
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from app.config import ConfigError, PlantConfig, demo_config_path, load_config
from core import csv_safe
from core.formatting import csv_number
from core.messages import QT_TRANSLATE_NOOP, Message
from core.paths import data_dir, default_db_url
from core.samples import QUALITY_LABELS
from core.times import iso_ms, parse_time

EXIT_CONFIG = 2
DEMO_RUN_IN_S = 2400.0  # an accelerated demo plant's run-in: the benchmark's warm-up (app/scenarios.py)
MAX_PROMISED_SPEED = 50.0  # up to this, accelerated scans give every 5-s window bucket a sample

log = logging.getLogger(__name__)
T = TypeVar("T")


def refuse(message: object, code: int = EXIT_CONFIG) -> int:
    """Say on stderr why a command stops and give its exit status: a configuration, journal or
    replay error as it is (it names its file), anything else as "error: ..."."""
    print(message, file=sys.stderr)
    return code


def check_config(path: str, out=None, err=None) -> int:
    """Exit 0 and a summary for a valid file; the located errors and exit 2 otherwise. Whatever
    the file holds, the answer is one of these two: an unexpected failure of the checks is
    reported as `file: internal error while checking: ...` with exit 2 (its traceback is
    logged at INFO, shown with --verbose), never a bare traceback."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue, file=err)
        print(f"{len(exc.issues)} error(s) in {path}", file=err)
        return EXIT_CONFIG
    except Exception as exc:  # noqa: BLE001 - a checker's bug must still answer, not crash
        text = str(exc).splitlines()[0][:300] if str(exc) else ""
        print(f"{path}: internal error while checking: {type(exc).__name__}: {text}", file=err)
        log.error("%s: internal error while checking: %s: %s", path, type(exc).__name__, text)
        log.info("internal error while checking %s", path, exc_info=True)
        return EXIT_CONFIG
    from app.uplink.build import located_problems

    link = located_problems(cfg, path)
    if link:
        for issue in link:
            print(issue, file=err)
        print(f"{len(link)} error(s) in {path}", file=err)
        return EXIT_CONFIG
    print(
        f"{path}: OK: plant {cfg.plant.name!r}, {len(cfg.devices)} devices, {len(cfg.tags)} tags, "
        f"{len(cfg.hazard_sources)} hazard sources",
        file=out,
    )
    return 0


def export_csv(
    db_url: str, out_path: str, tags: list[str] | None, since: str | None, until: str | None
) -> int:
    """Write samples as CSV: time,tag,value,quality (ISO 8601 UTC with ms; good|uncertain|bad)."""
    from storage.history import History

    try:
        t0, t1 = parse_time(since), parse_time(until)
    except ValueError as exc:
        return refuse(f"error: {exc}")
    hist = History(db_url, [])
    n = 0
    try:
        with open(out_path, "w", newline="", encoding="utf-8") as f:
            w = csv_safe.writer(f)
            w.writerow(["time", "tag", "value", "quality"])
            for ts, name, value, q in hist.export_rows(tags, t0, t1):
                v = csv_number(value)
                w.writerow([iso_ms(ts), name, v, QUALITY_LABELS.get(q, "bad")])
                n += 1
    finally:
        hist.stop()
    print(f"{n} samples written to {out_path}")
    return 0


@contextmanager
def demo_or_config(
    config_path: str | None,
    *,
    speed: float = 1.0,
    incidents=(),
    seed: int | None = None,
    meanwhile: Callable[[], object] | None = None,
):
    """Yield (config, simulator): the given plant, or the demo plant served by its simulator.
    An accelerated demo plant (speed other than 1) is scanned faster in proportion
    (demo.simulator.accelerated_config); its engine runs on `plant_clock(sim)`. `meanwhile()`
    runs on the calling thread while the simulator starts (the HMI builds its application and
    loads its modules then), or after the plant file is read."""
    if config_path:
        cfg = load_config(config_path)
        if meanwhile is not None:
            meanwhile()
        yield cfg, None
        return
    from demo.simulator import SimulatorProcess, accelerated_config

    sim = SimulatorProcess(
        demo_config_path(),
        speed=speed,
        incidents=incidents,
        ephemeral_ports=True,
        seed=seed,
        run_in_s=DEMO_RUN_IN_S if speed != 1.0 else 0.0,
    )
    if speed > MAX_PROMISED_SPEED:
        log.warning(
            "demo at x%g: the engine sees each tag less often than every 5 plant seconds, so early "
            "warnings may come late; up to x%g they come as at speed 1",
            speed,
            MAX_PROMISED_SPEED,
        )
    try:
        cfg = start_beside(sim.start, meanwhile)
        yield accelerated_config(cfg, speed), sim
    finally:
        sim.stop()


def start_beside(start: Callable[[], T], meanwhile: Callable[[], object] | None) -> T:
    """`start()` on a thread of its own while `meanwhile()` runs on this one; its result, or its
    exception, once both are done (a failure of `meanwhile` is raised after `start` ended)."""
    if meanwhile is None:
        return start()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="start") as pool:
        started = pool.submit(start)
        meanwhile()
        return started.result()


def plant_clock(sim):
    """The clock an engine on this plant runs on: None (wall time, nothing mapped) for a real
    plant or a demo at speed 1, the simulator's plant clock for an accelerated demo."""
    if sim is None or sim.speed == 1.0:
        return None
    return sim.plant_clock()


def demo_engine(cfg: PlantConfig, history, sim, clock, **kwargs):
    """The engine of a run: on the plant clock (`plant_clock(sim)`) of an accelerated demo, its
    detectors learning from the plant's run-in (as the benchmark's warm-up); a plain engine
    otherwise."""
    from app.runtime.engine import Engine

    past = sim.run_in() if clock is not None else None
    return Engine(cfg, history, clock=clock, prehistory=past, **kwargs)


@contextmanager
def demo_history(cfg: PlantConfig, db_url: str | None, clock, *, new_db: bool = False):
    """The history of a run: `open_journal` for a real plant, a demo at speed 1 or a given
    --db. An accelerated demo without --db keeps its history (samples and journal on the plant
    clock, which runs ahead of wall time) in a database of its own in a temporary directory,
    removed when the demo ends: the plant's history never receives timestamps from the future,
    and a later run never finds them. Yields (history, url)."""
    if clock is None or db_url:
        url = db_url or default_db_url(cfg.plant.name)
        yield open_journal(cfg, url, new_db=new_db), url
        return
    import tempfile

    from storage.history import History

    with tempfile.TemporaryDirectory(prefix="forewarn-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'accelerated-demo.db'}"
        log.info("accelerated demo (x%g): history in %s until the demo ends", clock.speed, url)
        yield History(url, cfg.tags, retention=cfg.retention), url


def headless(
    config_path: str | None,
    db_url: str | None,
    duration: float | None,
    out=None,
    *,
    new_db: bool = False,
    speed: float = 1.0,
    incidents=(),
    standby: bool = False,
) -> int:
    """Acquisition, alarms and history without a window, until `duration` (wall seconds) or
    Ctrl-C. `speed` and `incidents` apply to the demo plant (no `config_path`). `standby`: one of
    an active/standby pair on a shared PostgreSQL (cli/standby.py), acquiring only while it leads."""
    from storage.guard import JournalError
    from storage.leadership import is_postgresql

    out = out or sys.stdout
    if standby and not is_postgresql(db_url or "sqlite://"):
        return refuse(
            "headless --standby: an active/standby pair needs a shared PostgreSQL database; "
            "give --db postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        )
    try:
        with demo_or_config(config_path, speed=speed, incidents=incidents) as (cfg, sim):
            if standby:
                from cli.standby import run_standby

                return run_standby(cfg, db_url, duration, out, sim=sim)
            return _run_headless(cfg, db_url, duration, out, new_db=new_db, sim=sim)
    except (ConfigError, JournalError) as exc:
        return refuse(exc)


def open_journal(cfg: PlantConfig, db_url: str | None, *, new_db: bool = False):
    """The plant's history (with the alarm journal), after the journal guard's checks:
    raises `storage.guard.JournalError` on a corrupt file or a registered file gone missing."""
    from storage.guard import open_guarded
    from storage.history import History

    url = db_url or default_db_url(cfg.plant.name)
    return open_guarded(
        url, data_dir(), lambda u: History(u, cfg.tags, retention=cfg.retention), new_db=new_db
    )


def _run_headless(
    cfg: PlantConfig, db_url: str | None, duration: float | None, out, *, new_db: bool = False, sim=None
) -> int:
    clock = plant_clock(sim)
    with demo_history(cfg, db_url, clock, new_db=new_db) as (hist, url):
        engine = demo_engine(cfg, hist, sim, clock)
        from app.runtime.services import Services

        stop = threading.Event()
        on_signals(stop)
        t0 = time.monotonic()
        engine.start()
        services = Services(cfg, engine, hist)  # notifications, draft watch, regulator link
        on_clock = "" if clock is None else f" (plant clock x{clock.speed:g})"
        print(f"headless: {describe(cfg)} -> {url}{on_clock}", file=out, flush=True)
        try:
            stop.wait(duration)
        finally:
            services.detach()
            engine.stop()
        summary(engine, hist, time.monotonic() - t0, out)
    return 0


def summary(engine, hist, elapsed: float, out) -> None:
    states = ", ".join(f"{n}={s.state.name.lower()}" for n, s in engine.device_status().items())
    active = [a for a in engine.active_alarms() if a.active]
    print(
        f"ran {elapsed:.1f} s: {engine.samples_in} samples in, {hist.written} written, "
        f"{hist.dropped} dropped; devices: {states}; active alarms: {len(active)}",
        file=out,
    )


def on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())


def simulate(config_path: str | None, speed: float, incidents: list[str]) -> int:
    from demo.sim_servers import PortBusy
    from demo.simulator import INCIDENTS, serve_forever

    unknown = [name for name in incidents if name not in INCIDENTS]
    if unknown:
        return refuse(f"error: unknown incident {unknown[0]!r} (known: {', '.join(INCIDENTS)})")
    path = Path(config_path) if config_path else demo_config_path()
    try:
        serve_forever(path, speed=speed, incidents=incidents, ephemeral_ports=False)
    except ConfigError as exc:
        return refuse(exc)
    except PortBusy as exc:
        return refuse(f"error: {exc}")
    return 0


def describe(cfg: PlantConfig) -> str:
    return f"{cfg.plant.name}: {len(cfg.devices)} devices, {len(cfg.tags)} tags"


class ReplayProgress:
    """Progress of a long replay on stderr, once a second after the first two seconds: the share
    of the file read, the samples so far and the plant time reached."""

    def __init__(self, start: float, *, quiet_s: float = 2.0, every_s: float = 1.0, out=None):
        self.next = start + quiet_s
        self.every = every_s
        self.out = out

    def __call__(self, share: float, samples: int, ts: float) -> None:
        now = time.perf_counter()
        if now < self.next:
            return
        self.next = now + self.every
        out = self.out or sys.stderr
        print(
            f"replay: {share:4.0%} read, {samples:,} samples, up to {iso_ms(int(ts * 1000))}",
            file=out,
            flush=True,
        )


def run_replay(
    config_path: str,
    input_path: str,
    out_path: str | None,
    compare_path: str | None = None,
    *,
    hold: bool = True,
) -> int:
    """Replay recorded samples through the alarm, warning and risk engines; optionally compare
    with another limit set."""
    from app.evaluation.replay import ReplayError, compare, replay, write_events

    try:
        cfg = load_config(config_path)
        other = load_config(compare_path) if compare_path else None
        t0 = time.perf_counter()
        result = replay(cfg, Path(input_path), hold=hold, progress=ReplayProgress(t0))
        dt = time.perf_counter() - t0
        if out_path:
            write_events(result.events, Path(out_path), result.risk)
        print(
            f"{result.samples} samples replayed in {dt:.2f} s ({result.samples / max(dt, 1e-9):,.0f}/s): "
            f"{len(result.events)} alarm and warning events, {sum(result.activations.values())} alarm "
            f"activations, {sum(result.warnings.values())} warnings, {len(result.risk)} risk changes"
            + (f" -> {out_path}" if out_path else "")
        )
        if result.unknown_tags:
            names = ", ".join(f"{n} ({c})" for n, c in result.unknown_tags.most_common(5))
            print(f"skipped rows of tags not in {config_path}: {names}", file=sys.stderr)
        if other is not None:
            print(compare(result, replay(other, Path(input_path), hold=hold)))
    except (ConfigError, ReplayError) as exc:
        return refuse(exc)
    return 0


def report(
    db_url: str,
    out_path: str,
    render,
    *,
    config_path: str | None = None,
    since: str | None = None,
    until: str | None = None,
    shift: str | None = None,
    shift_starts: str | None = None,
    operators: int = 1,
) -> int:
    """Write the shift handover report of a period as PDF; `render(report, path)` prints it.

    The period is ``--since``/``--until`` when given (``--until`` defaults to now), else the
    current or previous shift (default: previous, the shift just handed over).
    """
    from app.reports.report_data import build_shift_report, period_label, shift_period
    from storage.history import History

    try:
        # the journal does not keep the plant's name: without --config the report is titled
        # "Forewarn shift report", never a made-up name
        plant = load_config(config_path).plant.name if config_path else ""
        now = time.time()
        if since is not None:
            t0 = parse_time(since, now)
            t1 = parse_time(until, now) if until is not None else now
            title = Message(
                "report", QT_TRANSLATE_NOOP("report", "Period {period}"), period=period_label(t0, t1)
            )
        else:
            t0, t1 = shift_period(shift or "previous", now, shift_starts)
            if until is not None:
                t1 = parse_time(until, now)
            which = (
                QT_TRANSLATE_NOOP("report", "Current shift {period}")
                if shift == "current"
                else QT_TRANSLATE_NOOP("report", "Previous shift {period}")
            )
            title = Message("report", which, period=period_label(t0, t1))  # printed translated
        if t1 <= t0:
            raise ValueError("the period must end after it starts")
    except ConfigError as exc:
        return refuse(exc)
    except ValueError as exc:
        return refuse(f"error: {exc}")
    hist = History(db_url, [])
    try:
        rep = build_shift_report(hist.engine, plant, t0, t1, operators=operators, title=title)
        render(rep, out_path)
    finally:
        hist.engine.dispose()
    print(f"{rep.title}: {rep.kpi.activations} activations, {len(rep.kpi.floods)} floods -> {out_path}")
    return 0


# ---------------------------------------------------------------- users and the audit trail
def _plant_db_url(db_url: str | None, config_path: str | None) -> str:
    """--db, or the SQLite history the HMI uses for the plant (the demo plant without --config)."""
    if db_url:
        return db_url
    return default_db_url(load_config(config_path or demo_config_path()).plant.name)


def open_accounts(url: str, *, create: bool = True):
    """(UserStore, AuditLog) on the database at `url`, after the journal guard's checks; the schema
    is brought up to date. Raises `storage.guard.JournalError`."""
    from app.accounts.users import UserStore
    from storage.audit import AuditLog
    from storage.guard import JournalError, open_guarded, sqlite_path
    from storage.schema import create_schema, make_engine

    path = sqlite_path(url)
    if not create and path is not None and not path.exists():
        raise JournalError(f"There is no database at {path}.")

    def opener(u: str):
        engine = make_engine(u)
        create_schema(engine)
        return engine

    engine = open_guarded(url, data_dir(), opener)
    audit = AuditLog(engine)
    return UserStore(engine, audit), audit


def read_new_password(prompt: str = "Password: ", stdin=None, err=None) -> str:
    """From the terminal (asked twice, not echoed), or the first line of stdin when it is not one."""
    import getpass

    stdin, err = stdin or sys.stdin, err or sys.stderr
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise ValueError("the passwords differ")
    return first


def cli_actor() -> str:
    """Who the command line acts as in the audit trail: the operating-system account."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def users_command(
    action: str, name: str | None, role: str | None, db_url: str | None, config_path=None
) -> int:
    """`users add|list|passwd|remove|role`: every change is written to the audit trail."""
    from app.accounts.users import UserError
    from storage.guard import JournalError

    try:
        store, _audit = open_accounts(_plant_db_url(db_url, config_path))
    except (ConfigError, JournalError) as exc:
        return refuse(exc)
    try:
        by = cli_actor()
        if action == "list":
            now = time.time() * 1000
            for u in store.users():
                state = "disabled" if u.disabled else ("locked" if u.locked(int(now)) else "")
                created = datetime.fromtimestamp(u.created / 1000).strftime("%Y-%m-%d %H:%M")
                print(f"{u.name:<20} {u.role.label:<14} created {created}  {state}".rstrip())
            return 0
        if not name:
            return refuse("error: a user name is needed")
        if action == "add":
            store.add(name, role or "operator", read_new_password(), by=by)
            print(f"user {name} added ({role or 'operator'})")
        elif action == "passwd":
            store.set_password(name, read_new_password(f"New password for {name}: "), by=by)
            print(f"password of {name} changed")
        elif action == "remove":
            store.remove(name, by=by)
            print(f"user {name} removed")
        elif action == "role":
            if not role:
                return refuse("error: --role is needed")
            store.set_role(name, role, by=by)
            print(f"{name} is now {role}")
        return 0
    except (UserError, ValueError) as exc:
        return refuse(f"error: {exc}", 1)
    finally:
        store.engine.dispose()


def audit_verify(db_url: str | None, config_path: str | None = None, out=None) -> int:
    """`audit verify`: exit 0 when the keyed hash chain is intact, agrees with its anchors and
    the users table agrees with the trail; else 1 naming the first broken row or the user."""
    from app.accounts.users import users_problems
    from storage.audit import verify
    from storage.guard import JournalError

    out = out or sys.stdout
    try:
        store, audit = open_accounts(_plant_db_url(db_url, config_path), create=False)
    except (ConfigError, JournalError) as exc:
        return refuse(exc)
    try:
        ok, bad_id, message = verify(store.engine, audit.data_dir)
        problems = users_problems(store, audit.entries(), audit.verifying_fingerprint())
    finally:
        store.engine.dispose()
    print(message, file=out if ok else sys.stderr)
    for problem in problems:
        print(f"users: {problem}", file=sys.stderr)
    return 0 if ok and not problems else 1


def trust_command(
    action: str,
    thumbprint: str | None,
    db_url: str | None = None,
    config_path: str | None = None,
    out=None,
) -> int:
    """`trust list|accept|reject|remove`: the OPC UA server certificates of the data directory's
    trust list, for nodes without a window. Changes are written to the audit trail."""
    from devices.trust import TrustStore, pretty
    from storage.audit import Action
    from storage.guard import JournalError

    out = out or sys.stdout
    store = TrustStore.default()
    if action == "list":
        entries = store.entries()
        if not entries:
            print(f"no server certificates in {store.root}", file=out)
        for e in entries:
            i = e.info
            problem = i.validity_problem()
            print(f"{e.status:<9} {i.sha256}  {i.subject}", file=out)
            print(f"          SHA-1 {pretty(i.sha1)}", file=out)
            valid = f"{i.not_before:%Y-%m-%d} to {i.not_after:%Y-%m-%d}" + (
                f" ({problem})" if problem else ""
            )
            print(f"          issuer {i.issuer}; valid {valid}", file=out)
            if i.application_uri:
                print(f"          application {i.application_uri}", file=out)
        return 0
    if not thumbprint:
        return refuse("error: a certificate thumbprint is needed (see: trust list)")
    try:
        entry = store.find(thumbprint)
    except ValueError as exc:
        return refuse(f"error: {exc}", 1)
    if entry is None:
        return refuse(f"error: no certificate {thumbprint} in {store.root} (see: trust list)", 1)
    try:
        accounts, audit = open_accounts(_plant_db_url(db_url, config_path))
    except (ConfigError, JournalError) as exc:
        return refuse(exc)
    try:
        sha = entry.info.sha256
        if action == "accept":
            done, act = store.trust(sha), Action.CERT_TRUST
        elif action == "reject":
            done, act = store.reject(sha), Action.CERT_REJECT
        else:
            done, act = store.remove(sha), Action.CERT_REMOVE
        audit.append(cli_actor(), act, sha, {"subject": done.info.subject, "via": "command line"})
        verb = {"accept": "trusted", "reject": "rejected", "remove": "removed"}[action]
        print(f"{verb}: {sha}  {done.info.subject}", file=out)
        return 0
    finally:
        accounts.engine.dispose()
