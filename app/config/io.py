"""The whole plant configuration outside the YAML parser: validation of edited data, saving
with numbered versions, and a readable diff of two configurations for the audit trail.
(Tags as rows and CSV: app/tag_rows.py.)

Saving (`save_config`): the YAML is written to a temporary file beside the target and moved
over it with os.replace, so a crash leaves either the old or the new file. The previous file is
first copied to `plant.yaml.N`, N one above the highest number already there (the highest is the
newest); the `KEEP_VERSIONS` newest copies are kept. The previous file is edited in place
(app/yaml_edit.py): comments, key order and quoting of what did not change survive. Passwords
go to the secret store of the data directory (app/secrets.py) and the file names them
(`password: secret:NAME`); a plain-text password found in the previous file is moved there
too, in the new file and in its numbered copy (and older copies are scrubbed as well).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from app.config import (
    ConfigError,
    PlantConfig,
    check_yaml_limits,
    config_yaml_data,
    cross_check,
    dump_config,
    parse_config_text,
    secrets,
    yaml_edit,
)
from app.config.tag_rows import fmt_number

log = logging.getLogger(__name__)

KEEP_VERSIONS = 20

# ---------------------------------------------------------------- whole configuration


def validate_config_data(data: dict, source_path: Path | None = None) -> tuple[PlantConfig | None, list[str]]:
    """Build a PlantConfig from plain data through the schema and the cross-checks; every error
    as `field: message` ("tags[3] BF1.TOP.PRESSURE.address: ..."), and no config when any."""
    try:
        cfg = PlantConfig.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("modbus-tcp", "opcua")))
            msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
            out.append(f"{_where(data, loc)}: {msg.removeprefix('Value error, ')}")
        return None, out
    issues = [f"{_where(data, loc)}: {msg}" for loc, msg in cross_check(cfg)]
    if issues:
        return None, issues
    if source_path is not None:
        cfg = cfg.model_copy(update={"source_path": source_path})
    return cfg, []


def _where(data: dict, loc: tuple) -> str:
    """A field path with the record's name: tags[3] BF1.TOP.PRESSURE.alarms.H."""
    out = ""
    node = data
    for k, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
                name = node.get("name") if isinstance(node, dict) else None
            except (IndexError, KeyError, TypeError, AttributeError):
                name = None
            if name and k < 2:
                out += f" {name}"
        else:
            out += ("." if out else "") + ("schema" if part == "schema_" else str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return out


def config_data(cfg: PlantConfig) -> dict:
    """The configuration as plain data, the form `validate_config_data` takes back (passwords
    included: the settings dialog edits them; never write this data out)."""
    data = cfg.model_dump(mode="json", by_alias=True, exclude={"source_path"})
    _reveal(cfg.devices, data.get("devices") or [])
    return data


def _reveal(devices: Sequence, dumped: list[dict]) -> None:
    for dev, d in zip(devices, dumped, strict=False):
        pw = getattr(dev, "password", None)
        if pw is not None:
            d["password"] = pw.get_secret_value()


def save_config(
    cfg: PlantConfig,
    path: str | Path,
    keep: int = KEEP_VERSIONS,
    secret_store=None,
    based_on: str | Path | None = None,
) -> Path | None:
    """Write `cfg` as YAML to `path` atomically, keeping the previous file as `path.N`.

    Returns the numbered copy made (None when there was no previous file). The previous file is
    edited in place, so its comments survive; passwords go to `secret_store` (default: the data
    directory's) and the file names them. The text is parsed back before anything is touched,
    so a file that would not load is never written. `based_on`: the file whose text is edited
    when `path` is a new file beside it (its comments and layout carry over)."""
    path = Path(path)
    cfg = rebase_map(cfg, path)
    doc = _load_document(path if based_on is None or path.exists() else Path(based_on))
    store = secret_store
    if store is None and (_has_passwords(cfg.devices) or (doc is not None and _has_passwords(doc.data))):
        store = secrets.SecretStore.default()  # only then: it makes the data directory
    refs, old_text = _store_passwords(cfg, doc, store)
    text = _edited_text(cfg, doc, refs, store, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    copy: Path | None = None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            copy = path.with_name(f"{path.name}.{_next_version(path)}")
            # a hard link would follow later edits of the target's inode: copy the bytes (with
            # any plain-text password replaced by its reference)
            if old_text is None:
                copy.write_bytes(path.read_bytes())
            else:
                copy.write_text(old_text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune_versions(path, keep)
    _scrub_versions(path, store)
    return copy


def _scrub_versions(path: Path, store) -> None:
    """Move plain-text passwords out of the numbered copies too (made before passwords had a
    secret store): each becomes a reference, under the device's secret name when the store holds
    the same value, else under a name of its own so the old copy still loads as it was."""
    for copy in versions_of(path):
        try:
            if "password" not in copy.read_text(encoding="utf-8-sig"):
                continue
        except (OSError, UnicodeDecodeError):
            continue
        doc = _load_document(copy)
        plain = [
            d
            for d in _device_records(doc)
            if isinstance(d.get("password"), str) and not secrets.is_ref(d["password"])
        ]
        if not plain:
            continue
        store = store or secrets.SecretStore.default()
        plant = doc.data.get("plant") if isinstance(doc.data, dict) else None
        plant_name = plant.get("name") if isinstance(plant, dict) else None
        for d in plain:
            _move_password(d, store, own_suffix=copy.name.rsplit(".", 1)[1], plant=plant_name)
        fd, tmp = tempfile.mkstemp(prefix=f".{copy.name}.", suffix=".tmp", dir=copy.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(doc.text())
        os.replace(tmp, copy)
        log.info("%s: plain-text passwords moved to the secret store", copy)


def _has_passwords(devices) -> bool:
    if isinstance(devices, dict):
        devices = devices.get("devices")
    if not isinstance(devices, list):
        return False
    return any(
        (d.get("password") if isinstance(d, dict) else getattr(d, "password", None)) is not None
        for d in devices
    )


def _load_document(path: Path) -> yaml_edit.Document | None:
    """The previous file as a round-trip document, or None (no file, or not a YAML mapping)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        check_yaml_limits(text, str(path))  # an alias bomb or a file nested too deep: never edit it
    except ConfigError as exc:
        log.warning("%s: cannot edit in place (%s): writing it afresh", path, exc)
        return None
    try:
        doc = yaml_edit.Document(text)
    except Exception as exc:  # ruamel raises many kinds; the file is then written afresh
        log.warning("%s: cannot edit in place (%s): writing it afresh", path, type(exc).__name__)
        return None
    return doc if isinstance(doc.data, dict) else None


def _store_passwords(cfg: PlantConfig, doc: yaml_edit.Document | None, store) -> tuple[dict, str | None]:
    """Put every device password into the secret store; {device: secret name}. A reference the
    previous file already had is kept. Returns also the previous file's text with plain-text
    passwords replaced by references, when it had any (for its numbered copy), else None."""
    refs: dict[str, str] = {}
    scrubbed = False
    for d in _device_records(doc):
        pw = d.get("password")
        if secrets.is_ref(pw):
            refs[d["name"]] = secrets.ref_name(pw)
        elif isinstance(pw, str):
            refs[d["name"]] = _move_password(d, store, plant=cfg.plant.name)
            scrubbed = True
    for dev in cfg.devices:
        pw = getattr(dev, "password", None)
        if pw is None:
            continue
        name = refs.get(dev.name)
        if name is None or secrets.is_flat_default(name, dev.name):  # shared by plants: the plant's own
            name = secrets.secret_name_for(dev.name, plant=cfg.plant.name)
        store.set(name, pw.get_secret_value())  # no write when unchanged
        refs[dev.name] = name
    return refs, (doc.text() if scrubbed else None)


def _device_records(doc: yaml_edit.Document | None) -> list:
    """The named device records of a round-trip document (none when it has no device list)."""
    devices = doc.data.get("devices") if doc is not None else None
    if not isinstance(devices, list):
        return []
    return [d for d in devices if isinstance(d, dict) and isinstance(d.get("name"), str)]


def _move_password(record, store, own_suffix: str | None = None, plant: str | None = None) -> str:
    """Put a device record's plain-text password into the store and leave its reference in the
    record; returns the secret name. With `own_suffix` (an older numbered copy), a password that
    differs from the one stored under the device's name gets a name of its own."""
    name = secrets.secret_name_for(record["name"], plant=plant if isinstance(plant, str) else None)
    if own_suffix is not None and store.get(name) not in (None, record["password"]):
        name = f"{name}.{own_suffix}"
    if store.get(name) is None:
        store.set(name, record["password"])
    record["password"] = secrets.make_ref(name)
    return name


def _edited_text(cfg: PlantConfig, doc, refs: dict, store, path: Path) -> str:
    """The new file's text: the previous document edited in place when there is one and the
    edit reads back as `cfg`, else written afresh. Raises ConfigError when it would not load."""
    want = cfg.model_copy(update={"source_path": None})
    if doc is not None:
        yaml_edit.merge(doc.data, config_yaml_data(cfg, refs, full=True), config_yaml_data(cfg, refs))
        text = doc.text()
        try:
            back = parse_config_text(text, str(path), secret_store=store)
        except ConfigError:
            back = None
        if back == want:
            return text
        log.warning("%s: the in-place edit did not read back as the new settings: writing it afresh", path)
    text = dump_config(cfg, refs)
    parse_config_text(
        text, str(path), secret_store=store
    )  # raises ConfigError: never write what would not load
    return text


def versions_of(path: str | Path) -> list[Path]:
    """Numbered previous versions of `path`, oldest first."""
    path = Path(path)
    found = []
    for p in path.parent.glob(f"{glob_escape(path.name)}.*"):
        suffix = p.name[len(path.name) + 1 :]
        if suffix.isdigit():
            found.append((int(suffix), p))
    return [p for _, p in sorted(found)]


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _next_version(path: Path) -> int:
    v = versions_of(path)
    return int(v[-1].name.rsplit(".", 1)[1]) + 1 if v else 1


def _prune_versions(path: Path, keep: int) -> None:
    v = versions_of(path)
    for old in v[: max(0, len(v) - keep)]:
        old.unlink(missing_ok=True)


def rebase_map(cfg: PlantConfig, path: Path) -> PlantConfig:
    """Keep a relative map drawing pointing at the same file when saved to another folder."""
    mp = cfg.map_path()
    if mp is None or Path(cfg.plant.map).is_absolute() or cfg.source_path is None:
        return cfg
    if cfg.source_path.parent.resolve() == path.parent.resolve():
        return cfg
    try:
        rel = os.path.relpath(mp.resolve(), path.parent.resolve())
    except ValueError:  # another drive
        rel = str(mp.resolve())
    return cfg.model_copy(update={"plant": cfg.plant.model_copy(update={"map": rel})})


def keep_file_endpoints(draft: PlantConfig, running: PlantConfig, on_file: PlantConfig | None) -> PlantConfig:
    """`draft` as it should be saved when the running configuration talks to devices at other
    addresses than its file names (the built-in demo serves its plant on ports chosen at start):
    a device whose address the engineer left as it runs keeps the address of the file; one the
    engineer changed keeps the change."""
    if on_file is None:
        return draft
    runs = {d.name: d for d in running.devices}
    filed = {d.name: d for d in on_file.devices}
    fields = ("host", "port", "endpoint")
    devices = []
    for d in draft.devices:
        r, f = runs.get(d.name), filed.get(d.name)
        if r is None or f is None or type(r) is not type(d) or type(f) is not type(d):
            devices.append(d)
            continue
        update = {
            k: getattr(f, k)
            for k in fields
            if hasattr(d, k) and getattr(d, k) == getattr(r, k) and getattr(r, k) != getattr(f, k)
        }
        devices.append(d.model_copy(update=update) if update else d)
    return draft.with_devices(devices)


# ---------------------------------------------------------------- differences


_SECRET = {"password"}


def _flat(d, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, dict) and v:
                out.update(_flat(v, key))
            else:
                out[key] = v
    return out


def _show(v, key: str) -> str:
    if key.rsplit(".", 1)[-1] in _SECRET:
        return "(set)" if v else "(none)"
    if v is None:
        return "(none)"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return fmt_number(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_show(x, "") for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_show(x, '')}" for k, x in v.items()) + "}"
    return str(v) if v != "" else '""'


def _record_diff(kind: str, old: list, new: list) -> list[str]:
    lines = []
    o = {r.name: r for r in old}
    n = {r.name: r for r in new}
    for name in o:
        if name not in n:
            lines.append(f"{kind} {name} removed")
    for name, rec in n.items():
        if name not in o:
            lines.append(f"{kind} {name} added")
            continue
        lines.extend(f"{kind} {name}: {line}" for line in _value_diff(o[name], rec))
    return lines


def _dump_revealed(model) -> dict:
    data = model.model_dump(mode="json", exclude={"source_path"}, by_alias=True)
    _reveal([model], [data])
    return data


def _value_diff(old, new) -> list[str]:
    a = _flat(_dump_revealed(old))
    b = _flat(_dump_revealed(new))
    lines = []
    for key in list(a) + [k for k in b if k not in a]:
        va, vb = a.get(key), b.get(key)
        if va != vb:
            lines.append(f"{key} {_show(va, key)} → {_show(vb, key)}")
    return lines


def config_diff(old: PlantConfig, new: PlantConfig) -> list[str]:
    """What changed, one readable line each, for the audit trail:
    "tag BF1.TOP.PRESSURE: alarms.H 230 → 235", "device bf_plc: port 15020 → 15030",
    "tag X added", "rule Y removed", "plant: name A → B". Passwords show only as set or not."""
    lines = _record_diff("device", old.devices, new.devices)
    lines += _record_diff("tag", old.tags, new.tags)
    lines += _record_diff("hazard source", old.hazard_sources, new.hazard_sources)
    lines += _record_diff("rule", old.rules, new.rules)
    for section in ("plant", "warnings", "risk", "retention", "security"):
        lines += [f"{section}: {line}" for line in _value_diff(getattr(old, section), getattr(new, section))]
    if [t.name for t in old.tags if t.name in {x.name for x in new.tags}] != [
        t.name for t in new.tags if t.name in {x.name for x in old.tags}
    ]:
        lines.append("tags reordered")
    return lines


_ACQUISITION = ("name", "address", "type", "word_order")


def changed_devices(old: PlantConfig, new: PlantConfig) -> set[str]:
    """Devices whose own settings changed (including added and removed ones), or whose tag set
    changed: a tag added, removed, moved to another device, or read differently (address, type,
    word order). Limits, scaling and descriptions do not touch a device."""
    out: set[str] = set()
    o = {d.name: d for d in old.devices}
    n = {d.name: d for d in new.devices}
    out |= {name for name in o.keys() ^ n.keys()}
    out |= {name for name in o.keys() & n.keys() if o[name] != n[name]}

    def reads(cfg: PlantConfig) -> dict[str, set[tuple]]:
        r: dict[str, set[tuple]] = {}
        for t in cfg.tags:
            r.setdefault(t.device, set()).add(tuple(getattr(t, k) for k in _ACQUISITION))
        return r

    ro, rn = reads(old), reads(new)
    for dev in ro.keys() | rn.keys():
        if ro.get(dev, set()) != rn.get(dev, set()):
            out.add(dev)
    return out
