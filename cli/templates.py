"""`python main.py template list | show KIND | apply KIND ...`: the hazard-source templates
from the command line. `apply` adds an instance to a plant file and writes the result (its
comments carried over) only when the whole plant passes the configuration check; every bad
input answers with its file, line and field (or the `--map` it came from) and exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from app.config import ConfigError, load_config
from app.config.instantiate import TemplateError, default_prefix, instantiate, parse_binding
from app.config.io import save_config
from app.config.templates import load_template, shipped_templates, template_for
from cli.commands import EXIT_CONFIG


def list_templates(out=None) -> int:
    out = out or sys.stdout
    for kind, t in shipped_templates().items():
        rules = f"{len(t.rules)} rule" + ("" if len(t.rules) == 1 else "s")
        print(f"{kind:<18} {t.title} ({len(t.roles)} roles, {rules})", file=out)
    return 0


def show_template(kind: str, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        t = _template(kind)
    except (KeyError, ConfigError) as exc:
        print(_text(exc), file=err)
        return EXIT_CONFIG
    print(f"{t.kind}: {t.title}  ({t.source_path})", file=out)
    print("roles (name: label [unit] limits; * optional, + several tags, ! interlock):", file=out)
    for name, r in t.roles.items():
        flags = ("*" if r.optional else "") + ("+" if r.multiple else "") + ("!" if r.interlock else "")
        limits = ""
        if r.alarms is not None:
            a = r.alarms.model_dump(
                exclude_defaults=True, include={"LL", "L", "H", "HH", "state", "priority", "basis"}
            )
            limits = " " + yaml.safe_dump(a, default_flow_style=True, allow_unicode=True, width=1000).strip()
        unit = f" [{r.unit}]" if r.unit else ""
        print(f"  {name}{flags}: {r.label}{unit} -> <prefix>.{r.tag}{limits}", file=out)
    risk = t.inherent.model_dump() if t.inherent else t.major_hazard.model_dump() if t.major_hazard else None
    print(f"inherent risk: {risk if risk is not None else f'level {t.inherent_level}'}", file=out)
    for r in t.rules:
        print(f"rule {r.name!r} (level {r.level}): {r.when}", file=out)
    return 0


def apply_template(
    kind: str,
    config: str,
    name: str,
    maps: list[str],
    prefix: str | None,
    out_path: str,
    out=None,
    err=None,
) -> int:
    """Add an instance of the template `kind` (or a template file) to the plant `config` and
    write the plant to `out_path`; exit 0, or every problem and exit 2."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        t = _template(kind)
        cfg = load_config(config)
    except (KeyError, ConfigError) as exc:
        print(_text(exc), file=err)
        return EXIT_CONFIG
    mapping: dict[str, list] = {}
    for m in maps:
        role, sep, value = m.partition("=")
        if not sep or not role.strip() or not value.strip():
            print(f"--map {m}: write ROLE=DEVICE:ADDRESS or ROLE=TAG", file=err)
            return EXIT_CONFIG
        mapping.setdefault(role.strip(), []).append(parse_binding(value))
    try:
        inst = instantiate(t, name, mapping, prefix if prefix is not None else default_prefix(name), cfg)
    except TemplateError as exc:
        for issue in exc.issues:
            print(f"{config}: {issue}", file=err)
        print(f"{len(exc.issues)} error(s): nothing written", file=err)
        return EXIT_CONFIG
    new, errors = inst.apply(cfg)
    if new is None:
        for e in errors:
            print(f"{out_path}: {e}", file=err)
        print(f"{len(errors)} error(s): nothing written", file=err)
        return EXIT_CONFIG
    try:
        save_config(new, out_path, based_on=config)
    except ConfigError as exc:
        print(_text(exc), file=err)
        return EXIT_CONFIG
    except OSError as exc:
        print(f"{out_path}: cannot write: {exc.strerror or exc}", file=err)
        return EXIT_CONFIG
    for note in inst.notes:
        print(f"note: {note}", file=out)
    print(
        f"{out_path}: added hazard source {name!r} ({t.kind}): {len(inst.tags)} new tags, "
        f"{len(inst.hazard.tags)} indicators, {len(inst.rules)} rules",
        file=out,
    )
    return 0


def _template(kind: str):
    """A shipped template by kind, or a template file by path."""
    if kind.endswith((".yaml", ".yml")) or Path(kind).is_file():
        return load_template(kind)
    return template_for(kind)


def _text(exc: Exception) -> str:
    return str(exc.args[0]) if isinstance(exc, KeyError) else str(exc)
