"""Forewarn command line: the HMI (default: the built-in demo plant), headless, simulate,
check-config, export and report. It parses arguments and hands over; nothing else lives here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from cli.broker_options import add_broker_options

NEW_DB_HELP = (
    "start a new, empty journal database where a known one has gone missing "
    "(without it Forewarn refuses to start; it always refuses a corrupt one)"
)


def minutes(low: float, *, strict: bool) -> Callable[[str], float]:
    """An argparse type: minutes above `low` (or from `low` when not `strict`), at most a day,
    as the plant file's security section allows."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
        if value != value or (value <= low if strict else value < low) or value > 24 * 60:
            bound = f"more than {low:g}" if strict else f"{low:g} or more"
            raise argparse.ArgumentTypeError(f"{text} minutes: must be {bound} and at most 1440 (a day)")
        return value

    return parse


MAX_SPEED = 1000.0


def speed(text: str) -> float:
    """An argparse type: a time acceleration of the demo plant, more than 0 and at most MAX_SPEED."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= MAX_SPEED:  # NaN fails too
        raise argparse.ArgumentTypeError(f"speed {text}: must be more than 0 and at most {MAX_SPEED:g}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="forewarn",
        description="Forewarn: safety-risk monitoring and early warning for steel plants. "
        "With no command, opens the HMI (on the built-in demo plant unless --config is given).",
    )
    p.add_argument("--config", metavar="FILE", help="plant YAML file (default: the built-in demo plant)")
    p.add_argument(
        "--db", metavar="URL", help="SQLAlchemy URL of the history (default: SQLite in the data dir)"
    )
    p.add_argument(
        "--screenshot", metavar="FILE", help="save a PNG of the main window once live data shows, then exit"
    )
    p.add_argument(
        "--speed",
        type=speed,
        default=1.0,
        help="demo plant (HMI and headless): time acceleration of the simulator; alarms, early warnings "
        "and every time shown then run on the plant's clock",
    )
    p.add_argument(
        "--incident", action="append", default=[], metavar="NAME", help="demo plant: start an incident"
    )
    p.add_argument("--new-db", action="store_true", help=NEW_DB_HELP)
    for flag, strict, help_ in (
        (
            "--lock-after",
            False,
            "lock the screen after MIN minutes without input (0: never; default: the plant file's "
            "security.lock_after_min, 10)",
        ),
        (
            "--lockout",
            True,
            "minutes an account stays locked after too many wrong passwords, more than 0 (default: "
            "the plant file's security.lockout_min, 15)",
        ),
    ):
        p.add_argument(flag, type=minutes(0, strict=strict), default=None, metavar="MIN", help=help_)
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    p.add_argument(
        "--server",
        metavar="URL",
        help="open a station on a control-room server (mqtt://host:port or mqtts://): its live state, "
        "history from --db (read-only), commands to the server",
    )
    add_broker_options(p, station=True)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sv = sub.add_parser(
        "serve",
        help="the control room's server: acquisition, alarms, risk and history, published as Sparkplug B",
    )
    sv.add_argument(
        "--config", metavar="FILE", help="plant YAML file (default: demo plant with its simulator)"
    )
    sv.add_argument("--db", metavar="URL", help="history: PostgreSQL, or SQLite when alone")
    sv.add_argument(
        "--duration", type=float, metavar="S", help="stop after S seconds (default: until Ctrl-C)"
    )
    sv.add_argument("--new-db", action="store_true", help=NEW_DB_HELP)
    sv.add_argument("--speed", type=speed, default=1.0, help="demo plant: time acceleration")
    sv.add_argument("--incident", action="append", default=[], metavar="NAME", help="demo plant: an incident")
    sv.add_argument(
        "--standby",
        action="store_true",
        help="one of an active/standby pair on a shared PostgreSQL --db: acquire and publish only while "
        "this server leads the plant, take over when the leader dies",
    )
    sv.add_argument(
        "--server-id", metavar="ID", help="--standby: this server's id in the pair (default: host-pid)"
    )
    add_broker_options(sv, station=False)

    h = sub.add_parser("headless", help="acquisition, alarms and history without a window")
    h.add_argument(
        "--config", metavar="FILE", help="plant YAML file (default: demo plant with its simulator)"
    )
    h.add_argument("--db", metavar="URL")
    h.add_argument("--duration", type=float, metavar="S", help="stop after S seconds (default: until Ctrl-C)")
    h.add_argument("--new-db", action="store_true", help=NEW_DB_HELP)
    h.add_argument(
        "--standby",
        action="store_true",
        help="one of an active/standby pair on a shared PostgreSQL --db: acquire only while this "
        "process leads the plant (a PostgreSQL advisory lock), take over when the leader dies",
    )

    s = sub.add_parser("simulate", help="serve the demo plant's devices (Modbus TCP, OPC UA) on 127.0.0.1")
    s.add_argument("--config", metavar="FILE", help="plant to simulate (default: the demo plant)")
    s.add_argument(
        "--speed", type=speed, default=1.0, help="time acceleration (e.g. 60 = one hour per minute)"
    )
    s.add_argument(
        "--incident", action="append", default=[], metavar="NAME", help="start an incident at once"
    )

    c = sub.add_parser("check-config", help="validate a plant YAML file: exit 0, or the errors and exit 2")
    c.add_argument("file")

    e = sub.add_parser("export", help="export samples as CSV: time,tag,value,quality")
    e.add_argument("--db", metavar="URL", required=True)
    e.add_argument("--tag", action="append", metavar="NAME", help="tag to export (repeatable; default all)")
    e.add_argument("--since", metavar="T", help="ISO 8601, UNIX seconds or an age like 1h")
    e.add_argument("--until", metavar="T")
    e.add_argument("--out", metavar="FILE.csv", required=True)
    r = sub.add_parser(
        "replay",
        help="run alarms, early warnings and risk over recorded samples (export format), faster than real time",
    )
    r.add_argument("--config", metavar="FILE", required=True)
    r.add_argument("--input", metavar="samples.csv", required=True, help="columns time,tag,value[,quality]")
    r.add_argument("--out", metavar="events.csv", help="one row per alarm, warning and risk event")
    r.add_argument(
        "--compare", metavar="FILE", help="a second plant file: how many alarms each limit set raises"
    )
    r.add_argument(
        "--no-hold",
        action="store_true",
        help="take the input as it is (by default the last value is held at the scan period between samples)",
    )
    rp = sub.add_parser(
        "report", help="write the shift handover report (alarm KPIs, floods, standing alarms) as PDF"
    )
    rp.add_argument("--db", metavar="URL", required=True)
    rp.add_argument("--config", metavar="FILE", help="plant YAML file (for the plant name)")
    rp.add_argument("--since", metavar="T", help="start: ISO 8601, UNIX seconds or an age like 8h")
    rp.add_argument("--until", metavar="T", help="end (default: now, or the end of the shift)")
    rp.add_argument(
        "--shift", choices=("current", "previous"), help="report a whole shift (default: previous)"
    )
    rp.add_argument(
        "--shift-starts", metavar="HH:MM,...", help="local shift start times (default 08:00,16:00,00:00)"
    )
    rp.add_argument("--operators", type=int, default=1, help="operator positions sharing the alarms")
    rp.add_argument("--out", metavar="FILE.pdf", required=True)

    u = sub.add_parser("users", help="operator accounts: add, list, passwd, remove, role (all audited)")
    u.add_argument("action", choices=("add", "list", "passwd", "remove", "role"))
    u.add_argument("name", nargs="?", help="user name")
    u.add_argument(
        "--role",
        choices=("operator", "supervisor", "safety_manager", "engineer", "administrator"),
        help="for add and role",
    )
    u.add_argument("--db", metavar="URL", help="default: the plant's history database in the data dir")
    u.add_argument("--config", metavar="FILE", help="plant YAML file (default: the demo plant)")
    a = sub.add_parser("audit", help="the audit trail: verify its hash chain")
    a.add_argument("action", choices=("verify",))
    a.add_argument("--db", metavar="URL", help="default: the plant's history database in the data dir")
    a.add_argument("--config", metavar="FILE", help="plant YAML file (default: the demo plant)")
    d = sub.add_parser("db", help="the shared database: create-station-role NAME (PostgreSQL, read only)")
    d.add_argument("action", choices=("create-station-role",))
    d.add_argument("name", help="the role's name (lower-case letters, digits, _)")
    d.add_argument(
        "--admin-url", metavar="URL", help="an administrator's postgresql+psycopg:// URL of the database"
    )
    d.add_argument("--password-file", metavar="FILE", help="the role's password (first line)")
    d.add_argument("--print", action="store_true", help="print the SQL instead of running it")
    t = sub.add_parser("trust", help="OPC UA server certificates: list, accept, reject, remove (audited)")
    t.add_argument("action", choices=("list", "accept", "reject", "remove"))
    t.add_argument("thumbprint", nargs="?", help="SHA-256 or SHA-1 thumbprint, or a unique prefix")
    t.add_argument("--db", metavar="URL", help="audit trail: default the plant's history database")
    t.add_argument("--config", metavar="FILE", help="plant YAML file (default: the demo plant)")
    tp = sub.add_parser(
        "template", help="hazard-source templates: list, show KIND, apply KIND to a plant file"
    )
    tp.add_argument("action", choices=("list", "show", "apply"))
    tp.add_argument("kind", nargs="?", help="a hazard kind (gas_holder, ...) or a template file")
    tp.add_argument("--config", metavar="FILE", help="apply: the plant file to add to")
    tp.add_argument("--name", help='apply: the new hazard source\'s name ("Gas holder 2")')
    tp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="ROLE=DEVICE:ADDRESS|ROLE=TAG",
        help="apply: a role's tag, new (device and address) or existing (its name); repeat for each "
        "role, and for each tag of a role of several",
    )
    tp.add_argument("--prefix", help="apply: the new tags' name prefix (default: from the name)")
    tp.add_argument("--out", metavar="FILE", help="apply: where to write the plant (may be --config)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from cli import commands

    if args.command == "check-config":
        return commands.check_config(args.file)
    if args.command == "export":
        return commands.export_csv(args.db, args.out, args.tag, args.since, args.until)
    if args.command == "headless":
        return commands.headless(
            args.config,
            args.db,
            args.duration,
            new_db=args.new_db,
            speed=args.speed,
            incidents=args.incident,
            standby=args.standby,
        )
    if args.command == "replay":
        return commands.run_replay(args.config, args.input, args.out, args.compare, hold=not args.no_hold)
    if args.command == "report":
        from views.shift_report import render_report_pdf

        return commands.report(
            args.db,
            args.out,
            render_report_pdf,
            config_path=args.config,
            since=args.since,
            until=args.until,
            shift=args.shift,
            shift_starts=args.shift_starts,
            operators=args.operators,
        )
    if args.command == "users":
        return commands.users_command(args.action, args.name, args.role, args.db, args.config)
    if args.command == "audit":
        return commands.audit_verify(args.db, args.config)
    if args.command == "db":
        from cli.station_role import create_station_role_command

        return create_station_role_command(args)
    if args.command == "trust":
        return commands.trust_command(args.action, args.thumbprint, args.db, args.config)
    if args.command == "template":
        return template_command(args)
    if args.command == "simulate":
        return commands.simulate(args.config, args.speed, args.incident)
    if args.command == "serve":
        from cli import control_room

        return control_room.serve(args)
    if args.server:
        from cli import control_room

        prepared = control_room.prepare_station(args)
        if isinstance(prepared, int):
            return prepared
        from views.station import run_station

        return run_station(args, *prepared)
    from views.launcher import run_hmi

    return run_hmi(
        args.config,
        args.db,
        screenshot=args.screenshot,
        speed=args.speed,
        incidents=args.incident,
        new_db=args.new_db,
        lock_after_s=None if args.lock_after is None else args.lock_after * 60,
        lockout_s=None if args.lockout is None else args.lockout * 60,
    )


def template_command(args) -> int:
    from cli import templates

    if args.action == "list":
        return templates.list_templates()
    missing = [f for f, v in (("KIND", args.kind),) if not v]
    if args.action == "apply":
        missing += [f"--{f}" for f in ("config", "name", "out") if not getattr(args, f)]
    if missing:
        print(f"template {args.action}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.action == "show":
        return templates.show_template(args.kind)
    return templates.apply_template(args.kind, args.config, args.name, args.map, args.prefix, args.out)


if __name__ == "__main__":
    sys.exit(main())
