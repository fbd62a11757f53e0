"""The command line's control-room options (the broker, its credentials, a station's identity),
shared by `serve` and a station; argparse only, so parsing loads nothing else."""

from __future__ import annotations

import argparse

DEFAULT_BROKER = "mqtt://127.0.0.1:1883"
SECRET_PREFIX = "control-room/"  # secret store names: control-room/mqtt.USER, control-room/station.ID


def add_broker_options(p: argparse.ArgumentParser, *, station: bool) -> None:
    g = p.add_argument_group("control room (MQTT broker)")
    if not station:
        g.add_argument(
            "--broker", default=DEFAULT_BROKER, metavar="URL", help="mqtt://host:port or mqtts://host:port"
        )
    g.add_argument("--group", default="Forewarn", help="Sparkplug group id (default Forewarn)")
    g.add_argument("--node", help="Sparkplug edge node id (default: the plant's slug)")
    g.add_argument("--mqtt-user", metavar="NAME", help="the broker user name of this server or station")
    g.add_argument(
        "--mqtt-password-file", metavar="FILE", help="its password (default: secret control-room/mqtt.NAME)"
    )
    g.add_argument("--ca", metavar="FILE", help="mqtts: the CA certificate that signed the broker's")
    g.add_argument("--cert", metavar="FILE", help="mqtts: a client certificate, when the broker asks for one")
    g.add_argument("--key", metavar="FILE", help="mqtts: the client certificate's key")
    if station:
        g.add_argument("--station", metavar="ID", help="this station's id (default: the host name)")
        g.add_argument(
            "--station-key", metavar="FILE", help="its command key (default: secret control-room/station.ID)"
        )
        g.add_argument("--user", metavar="NAME", default="operator", help="who acts on this station")
        g.add_argument(
            "--areas",
            metavar="A,B",
            default="*",
            help="areas of responsibility (default *: all, a supervisor)",
        )
    else:
        g.add_argument(
            "--station-keys",
            metavar="FILE",
            help="YAML station: key (default: secrets control-room/station.*)",
        )
        g.add_argument(
            "--refusal-window",
            type=float,
            default=60.0,
            metavar="S",
            help="refused station commands: the first per station and reason in S seconds is audited, "
            "the rest counted and summarised (default 60)",
        )
