"""Checks of the plant file that span several records: unique names, references between
devices, tags, hazard sources and rules, expressions, addresses against data types and
writability, and Modbus reads that overlap (`find_overlaps`, shared with the settings' tag table
and the CSV import); also the data type a tag is read as."""

from __future__ import annotations

from collections.abc import Sequence

from core.schema.devices import (
    REGISTER_WORDS,
    ModbusDevice,
    OpcUaDevice,
    check_opcua_node_id,
    parse_modbus_address,
    read_type,
)
from core.schema.notify import notification_checks
from core.schema.plant import PlantConfig
from core.schema.tags import Tag


def cross_check(cfg: PlantConfig) -> list[tuple[tuple, str]]:
    """Checks that span several records: names, references, addresses against types."""
    out: list[tuple[tuple, str]] = []
    dev_by_name = {}
    for i, d in enumerate(cfg.devices):
        if d.name in dev_by_name:
            out.append((("devices", i, "name"), f"duplicate device name {d.name!r}"))
        dev_by_name[d.name] = d
    out.extend(password_checks(cfg)[0])
    seen_tags: dict[str, int] = {}
    for i, t in enumerate(cfg.tags):
        if t.name in seen_tags:
            out.append(
                (("tags", i, "name"), f"duplicate tag name {t.name!r} (first at tags[{seen_tags[t.name]}])")
            )
        else:
            seen_tags[t.name] = i
        dev = dev_by_name.get(t.device)
        if dev is None:
            known = ", ".join(sorted(dev_by_name)) or "none defined"
            out.append((("tags", i, "device"), f"unknown device {t.device!r} (devices: {known})"))
            continue
        out.extend((("tags", i, f), m) for f, m in _check_tag_address(t, dev))
        out.extend((("tags", i, f), m) for f, m in _check_writable(t, dev))
        if t.alarms is not None:
            a = t.alarms
            has_limits = any(v is not None for v in (a.HH, a.H, a.L, a.LL))
            if t.is_bool and has_limits:
                out.append((("tags", i, "alarms"), "a bool tag takes 'state', not HH/H/L/LL"))
            if a.state is not None and not t.is_bool and read_type(t.type, t.address, dev) != "bool":
                out.append((("tags", i, "alarms", "state"), "'state' alarms need a bool tag"))
    for i, j, msg in find_overlaps(cfg.tags, dev_by_name):
        out.append((("tags", i, "address"), f"{msg} at tags[{j}]"))
    from app.rules.expression import ExpressionError, compile_expression

    for i, t in enumerate(cfg.tags):
        a = t.alarms
        if a is None:
            continue
        if a.deviation is not None and a.deviation.setpoint not in seen_tags:
            out.append(
                (("tags", i, "alarms", "deviation", "setpoint"), f"unknown tag {a.deviation.setpoint!r}")
            )
        if a.suppress_when:
            try:
                compile_expression(a.suppress_when, seen_tags)
            except ExpressionError as exc:
                out.append((("tags", i, "alarms", "suppress_when"), str(exc)))
    hazards = set()
    for i, h in enumerate(cfg.hazard_sources):
        if h.name in hazards:
            out.append((("hazard_sources", i, "name"), f"duplicate hazard source {h.name!r}"))
        hazards.add(h.name)
        for j, name in enumerate(h.tags):
            if name not in seen_tags:
                out.append((("hazard_sources", i, "tags", j), f"unknown tag {name!r}"))
        for j, name in enumerate(h.interlocks):
            if name not in seen_tags:
                out.append((("hazard_sources", i, "interlocks", j), f"unknown tag {name!r}"))
    for i, t in enumerate(cfg.tags):
        for detector, field in (("anomaly", "mode"), ("forecast", "when")):
            settings = getattr(t.warning, detector)
            text = getattr(settings, field) if settings else None
            if text:
                try:
                    compile_expression(text, seen_tags)
                except ExpressionError as exc:
                    out.append((("tags", i, "warning", detector, field), str(exc)))
    from app.rules.engine import RuleError, compile_rule

    names = set()
    for i, r in enumerate(cfg.rules):
        if r.name in names:
            out.append((("rules", i, "name"), f"duplicate rule name {r.name!r}"))
        names.add(r.name)
        if r.hazard is not None and r.hazard not in hazards:
            out.append((("rules", i, "hazard"), f"unknown hazard source {r.hazard!r}"))
        try:
            compile_rule(r.when, cfg)
        except RuleError as exc:
            out.append((("rules", i, "when"), str(exc)))
    out.extend(notification_checks(cfg.notifications, hazards, {t.area for t in cfg.tags if t.area}))
    out += _check_groups(cfg, seen_tags, hazards)
    return out


def _check_groups(cfg: PlantConfig, tags: dict[str, int], hazards: set[str]) -> list[tuple[tuple, str]]:
    """Multivariate groups: unique names that are no tag's, known hazard sources and analog tags,
    at least two of them."""
    out: list[tuple[tuple, str]] = []
    names: set[str] = set()
    for i, g in enumerate(cfg.warnings.multivariate):
        at = ("warnings", "multivariate", i)
        if g.name in names or g.name in tags:
            what = "group" if g.name in names else "tag"
            out.append(((*at, "name"), f"{g.name!r} is already the name of a {what}"))
        names.add(g.name)
        if g.hazard is not None and g.hazard not in hazards:
            out.append(((*at, "hazard"), f"unknown hazard source {g.hazard!r}"))
        for j, name in enumerate(g.tags):
            if name not in tags:
                out.append(((*at, "tags", j), f"unknown tag {name!r}"))
            elif cfg.tags[tags[name]].is_bool:
                out.append(((*at, "tags", j), f"{name!r} is a bool tag: a group watches analog values"))
        if len(set(cfg.group_tags(g))) < 2:
            out.append((at, "a multivariate group needs at least two analog tags"))
    return out


def _check_tag_address(t: Tag, dev) -> list[tuple[str, str]]:
    if isinstance(dev, ModbusDevice):
        try:
            a = parse_modbus_address(t.address)
        except ValueError as exc:
            return [("address", str(exc))]
        ty = read_type(t.type, t.address, dev)
        if (a.is_bit_table or a.bit is not None) and ty != "bool":
            return [("type", f"{t.address} is a single bit: type must be bool, not {ty}")]
        if a.offset + REGISTER_WORDS[ty or "uint16"] - 1 > 65535:
            return [("address", f"{ty} at offset {a.offset} runs past register 65535")]
        return []
    try:
        check_opcua_node_id(t.address)
    except ValueError as exc:
        return [("address", str(exc))]
    return []


def _check_writable(t: Tag, dev) -> list[tuple[str, str]]:
    """Only what a device can take may be marked writable: Modbus holding registers (any type,
    and single bits of them, written with mask write register, function 22) and coils; any OPC UA
    variable. Input registers and discrete inputs are read-only by the protocol."""
    if t.write_role is not None and not t.writable:
        return [("write_role", "write_role needs writable: true")]
    if not t.writable or not isinstance(dev, ModbusDevice):
        return []
    try:
        a = parse_modbus_address(t.address)
    except ValueError:
        return []  # reported by the address check
    if a.table in ("ir", "di"):
        kind = "an input register" if a.table == "ir" else "a discrete input"
        return [("writable", f"{t.address} is {kind}, which Modbus cannot write (use hr: or co:)")]
    return []


# ---------------------------------------------------------------- overlapping reads


def _span(tag_addr: str, type_: str | None):
    """(table, first word, last word, bit) a Modbus tag reads, or None when not a Modbus address."""
    try:
        a = parse_modbus_address(tag_addr)
    except ValueError:
        return None
    if a.is_bit_table:
        return a.table, a.offset, a.offset, None
    if a.bit is not None:
        return a.table, a.offset, a.offset, a.bit
    n = REGISTER_WORDS[type_ or "uint16"]
    return a.table, a.offset, a.offset + n - 1, None


def find_overlaps(tags: Sequence, devices: dict[str, object]) -> list[tuple[int, int, str]]:
    """Pairs (later, earlier, message) of tags that read the same Modbus words on one device and
    table, taking each type's word count into account (a float32 at hr:100 and an int16 at
    hr:101), or the same bit. Bits of one register are fine (each its own bit); a bit and the
    whole register it belongs to are fine too; so are two tags on one OPC UA node (both are
    served). `tags` are Tags or anything with name, device, address and type (None: skipped);
    the plant file, the settings' tag table and the CSV import all check with this."""
    out: list[tuple[int, int, str]] = []
    groups: dict[tuple, list[tuple[int, int, int | None, int]]] = {}
    for i, t in enumerate(tags):
        if t is None:
            continue
        dev = devices.get(t.device)
        if dev is None or getattr(dev, "protocol", "") != "modbus-tcp":
            continue
        span = _span(t.address, t.type)
        if span is None:
            continue
        table, first, last, bit = span
        groups.setdefault((t.device, table), []).append((first, last, bit, i))
    for (_dev, table), spans in groups.items():
        words = [s for s in spans if s[2] is None]
        bits = [s for s in spans if s[2] is not None]
        words.sort()
        reach: tuple[int, int] | None = None  # (last word, index) of the furthest-reaching span so far
        for first, last, _b, i in words:
            if reach is not None and first <= reach[0]:
                j = reach[1]
                a, b = sorted((i, j))
                out.append((b, a, _overlap_text(tags[b], tags[a], table)))
            if reach is None or last > reach[0]:
                reach = (last, i)
        seen: dict[tuple[int, int], int] = {}
        for first, _l, bit, i in sorted(bits, key=lambda s: s[3]):
            key = (first, bit)
            if key in seen:
                out.append((i, seen[key], f"same bit as {tags[seen[key]].name} ({tags[seen[key]].address})"))
            else:
                seen[key] = i
    out.sort()
    return out


def _words_text(t: Tag, table: str) -> str:
    span = _span(t.address, t.type)
    assert span is not None
    _tb, first, last, _b = span
    what = "bit" if table in ("co", "di") else ("word" if first == last else "words")
    where = f"{first}" if first == last else f"{first}-{last}"
    return f"{t.address}, {t.type or 'uint16'}, {what} {where}"


def _overlap_text(t: Tag, other: Tag, table: str) -> str:
    return f"{_words_text(t, table)} overlaps {other.name} ({_words_text(other, table)})"


def password_checks(cfg: PlantConfig) -> tuple[list[tuple[tuple, str]], list[tuple[tuple, str]]]:
    """(errors, warnings) about OPC UA passwords the network could read: over security_policy
    None the password goes unencrypted unless the server's user-token policy encrypts it, which
    only the connection can tell. Refused unless the device says `allow_insecure_password: true`;
    then a warning (the driver checks the server's policy at every connect, and warns only when
    the password really went in plain text)."""
    errors, warnings = [], []
    for i, d in enumerate(cfg.devices):
        if not isinstance(d, OpcUaDevice) or d.password is None or d.security_policy != "None":
            continue
        loc = ("devices", i, "password")
        if d.allow_insecure_password:
            warnings.append(
                (
                    loc,
                    "allow_insecure_password is set: over security_policy None the password crosses "
                    "the network unencrypted unless the server's user-token policy encrypts it",
                )
            )
        else:
            errors.append(
                (
                    loc,
                    "over security_policy None the password may cross the network unencrypted: use "
                    "security_policy Basic256Sha256 with security_mode SignAndEncrypt, or accept the "
                    "risk with allow_insecure_password: true",
                )
            )
    return errors, warnings
