"""Tags as flat rows: one tag <-> one row of cells (the settings' tag table and the CSV file),
checks across rows (duplicate names, overlapping Modbus words: the plant file's own check), and CSV
import and export.

Tags CSV (one row per tag, a header row first; Excel's row numbers are used in messages, the
header being row 1). Columns, in this order on export (any order on import):

    name, description, unit, device, address, type, scale, offset, range_lo, range_hi,
    word_order, area, map_x, map_y, LL, L, H, HH, deadband, on_delay_s, off_delay_s, state,
    priority_LL, priority_L, priority_H, priority_HH, priority_state, message, writable,
    calibration_due, description_zh

`name`, `device` and `address` are required; an empty cell is the schema's default. Anything
not in these columns (rate-of-change, deviation, stale and latch alarms, suppression, history,
early-warning and sensor-check settings) is kept from the current tag of the same name, and so
are the calibration due date and the Chinese description when the file has no `calibration_due`
or `description_zh` column (CSV files written before they existed). `calibration_due` is a date,
YYYY-MM-DD. Export writes UTF-8 with a byte-order mark (Excel then shows Chinese text correctly); import reads UTF-8 with or
without the mark, and falls back to GB 18030 (a superset of GBK, what Chinese Excel saves).
An import is all or nothing: every row is checked (columns, values, duplicate names, Modbus
addresses that overlap on one device, limit order) and no tag is returned unless all pass.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from app.config import (
    REGISTER_WORDS,
    ModbusDevice,
    PlantConfig,
    Tag,
    check_opcua_node_id,
    parse_modbus_address,
)
from app.config.checks import find_overlaps
from core import csv_safe

log = logging.getLogger(__name__)

TAG_COLUMNS: tuple[str, ...] = (
    "name",
    "description",
    "unit",
    "device",
    "address",
    "type",
    "scale",
    "offset",
    "range_lo",
    "range_hi",
    "word_order",
    "area",
    "map_x",
    "map_y",
    "LL",
    "L",
    "H",
    "HH",
    "deadband",
    "on_delay_s",
    "off_delay_s",
    "state",
    "priority_LL",
    "priority_L",
    "priority_H",
    "priority_HH",
    "priority_state",
    "message",
    "writable",
    "calibration_due",
    "description_zh",  # the description on Chinese screens
)
REQUIRED_COLUMNS = ("name", "device", "address")
TYPES = ("int16", "uint16", "int32", "uint32", "float32", "float64", "bool")
WORD_ORDERS = ("big", "little")
LIMITS = ("LL", "L", "H", "HH")
PRIORITY_COLUMNS = {f"priority_{k}": k for k in ("LL", "L", "H", "HH", "state")}
_ALARM_FLAT = {"LL", "L", "H", "HH", "deadband", "on_delay_s", "off_delay_s", "state", "message"}
_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")


def fmt_number(v: float | int | None) -> str:
    """A number as an engineer would type it: 250, 0.35, 1e-05; empty for None."""
    if v is None:
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


# ---------------------------------------------------------------- one tag <-> one flat row


@dataclass
class TagRow:
    """A tag as the editor and the CSV see it: flat text cells, and the rest kept aside."""

    cells: dict[str, str]
    extra: dict = field(default_factory=dict)  # alarms beyond the flat columns, history, warning


def tag_to_row(tag: Tag) -> TagRow:
    c = dict.fromkeys(TAG_COLUMNS, "")
    c.update(
        name=tag.name,
        description=tag.description,
        description_zh=tag.description_zh,
        unit=tag.unit,
        device=tag.device,
        address=tag.address,
        type=tag.type or "",
        scale=fmt_number(tag.scale),
        offset=fmt_number(tag.offset),
        word_order=tag.word_order or "",
        area=tag.area,
        writable="true" if tag.writable else "",
        calibration_due=tag.calibration_due.isoformat() if tag.calibration_due else "",
    )
    if tag.range is not None:
        c["range_lo"], c["range_hi"] = fmt_number(tag.range[0]), fmt_number(tag.range[1])
    if tag.map is not None:
        c["map_x"], c["map_y"] = fmt_number(tag.map[0]), fmt_number(tag.map[1])
    extra: dict = {}
    a = tag.alarms
    if a is not None:
        for k in ("LL", "L", "H", "HH", "deadband", "on_delay_s", "off_delay_s"):
            v = getattr(a, k)
            c[k] = fmt_number(v) if (v is not None and (k in LIMITS or v != 0)) else ""
        c["state"] = "" if a.state is None else str(a.state).lower()
        c["message"] = a.message
        for col, kind in PRIORITY_COLUMNS.items():
            c[col] = str(a.priority[kind]) if kind in a.priority else ""
        rest = a.model_dump(exclude=_ALARM_FLAT, exclude_defaults=True)
        other_prio = {k: v for k, v in a.priority.items() if k not in PRIORITY_COLUMNS.values()}
        rest.pop("priority", None)
        if other_prio:
            rest["priority"] = other_prio
        extra["alarms"] = rest
    hist = tag.history.model_dump(exclude_defaults=True)
    if hist:
        extra["history"] = hist
    warn = tag.warning.model_dump(exclude_defaults=True, exclude_none=True)
    if warn:
        extra["warning"] = warn
    if tag.write_role is not None:
        extra["write_role"] = tag.write_role
    sensor = {k: getattr(tag, k) for k in _SENSOR_KEYS if getattr(tag, k) is not None}
    if sensor:
        extra["sensor"] = sensor
    return TagRow(c, extra)


_SENSOR_KEYS = ("frozen_s", "frozen_band", "fault_band")


def _float(text: str, col: str, errors: list[tuple[str, str]]) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        v = float(text)
    except ValueError:
        errors.append((col, f"not a number: {text!r}"))
        return None
    if v != v or v in (float("inf"), float("-inf")):
        errors.append((col, f"not a finite number: {text!r}"))
        return None
    return v


def _bool(text: str, col: str, errors: list[tuple[str, str]]) -> bool | None:
    t = text.strip().lower()
    if not t:
        return None
    if t in ("true", "1", "yes", "on"):
        return True
    if t in ("false", "0", "no", "off"):
        return False
    errors.append((col, f"expected true or false, got {text!r}"))
    return None


def address_problem(address: str, type_: str | None, device) -> str | None:
    """Why `address` cannot be read from `device` as `type_`, or None when it can."""
    if device is None:
        return None
    if isinstance(device, ModbusDevice) or getattr(device, "protocol", "") == "modbus-tcp":
        try:
            a = parse_modbus_address(address)
        except ValueError as exc:
            return str(exc)
        single = a.is_single_bit
        ty = type_ or a.default_type
        if single and ty != "bool":
            return f"{address} is a single bit: type must be bool, not {ty}"
        if a.offset + REGISTER_WORDS[ty] - 1 > 65535:
            return f"{ty} at offset {a.offset} runs past register 65535"
        return None
    try:
        check_opcua_node_id(address)
    except ValueError as exc:
        return str(exc)
    return None


def row_to_tag(row: TagRow, devices: dict[str, object]) -> tuple[Tag | None, list[tuple[str, str]]]:
    """Build a Tag from a row; (None, [(column, message), ...]) when it cannot be built.

    Checks that need only this row: every value, the device, the address for its protocol,
    range low < high and limits LL < L < H < HH."""
    c = {k: (row.cells.get(k) or "").strip() for k in TAG_COLUMNS}
    errors: list[tuple[str, str]] = []
    for col in REQUIRED_COLUMNS:
        if not c[col]:
            errors.append((col, "required"))
    if c["name"] and not _NAME_RE.match(c["name"]):
        errors.append(("name", f"{c['name']!r}: use letters, digits, '_', '.', '-' only"))
    dev = devices.get(c["device"]) if c["device"] else None
    if c["device"] and dev is None:
        known = ", ".join(sorted(devices)) or "none defined"
        errors.append(("device", f"unknown device {c['device']!r} (devices: {known})"))
    if c["type"] and c["type"] not in TYPES:
        errors.append(("type", f"{c['type']!r} is not one of {', '.join(TYPES)}"))
    if c["word_order"] and c["word_order"] not in WORD_ORDERS:
        errors.append(("word_order", f"{c['word_order']!r}: expected big (ABCD) or little (CDAB)"))
    if c["address"] and dev is not None and c["type"] in ("", *TYPES):
        problem = address_problem(c["address"], c["type"] or None, dev)
        if problem:
            errors.append(("type" if "type must be" in problem else "address", problem))
    num = {
        k: _float(c[k], k, errors)
        for k in (
            "scale",
            "offset",
            "range_lo",
            "range_hi",
            "map_x",
            "map_y",
            *LIMITS,
            "deadband",
            "on_delay_s",
            "off_delay_s",
        )
    }
    for k in ("deadband", "on_delay_s", "off_delay_s"):
        if num[k] is not None and num[k] < 0:
            errors.append((k, f"must be 0 or more, got {c[k]}"))
    lo, hi = num["range_lo"], num["range_hi"]
    if (lo is None) != (hi is None) and not any(e[0] in ("range_lo", "range_hi") for e in errors):
        errors.append(
            ("range_hi" if hi is None else "range_lo", "give both range_lo and range_hi, or neither")
        )
    elif lo is not None and hi is not None and not lo < hi:
        errors.append(("range_hi", f"range low {c['range_lo']} must be below high {c['range_hi']}"))
    mx, my = num["map_x"], num["map_y"]
    if (mx is None) != (my is None) and not any(e[0] in ("map_x", "map_y") for e in errors):
        errors.append(("map_y" if my is None else "map_x", "give both map_x and map_y, or neither"))
    present = [(k, num[k]) for k in LIMITS if num[k] is not None]
    for (k1, v1), (k2, v2) in zip(present, present[1:], strict=False):
        if not v1 < v2:
            errors.append((k2, f"limits must rise LL < L < H < HH, but {k1}={c[k1]} >= {k2}={c[k2]}"))
    state = _bool(c["state"], "state", errors)
    prio: dict[str, int] = {}
    for col, kind in PRIORITY_COLUMNS.items():
        if c[col]:
            if c[col] in ("1", "2", "3", "4"):
                prio[kind] = int(c[col])
            else:
                errors.append((col, f"priority is 1 (I) to 4 (IV), got {c[col]!r}"))
    is_bool = c["type"] == "bool" or (
        not c["type"]
        and dev is not None
        and getattr(dev, "protocol", "") == "modbus-tcp"
        and re.match(r"^(co|di):|^(hr|ir):\d+\.\d+$", c["address"])
    )
    if is_bool and present:
        errors.append((present[0][0], "a bool tag takes 'state', not HH/H/L/LL"))
    if state is not None and not is_bool:
        errors.append(("state", "'state' alarms need a bool tag"))
    writable = _bool(c["writable"], "writable", errors)
    due = None
    if c["calibration_due"]:
        try:
            due = date.fromisoformat(c["calibration_due"])
        except ValueError:
            errors.append(("calibration_due", f"{c['calibration_due']!r}: expected a date, YYYY-MM-DD"))
    if writable and dev is not None and re.match(r"^(ir|di):", c["address"]):
        errors.append(("writable", f"{c['address']} is read-only in Modbus (use hr: or co:)"))
    if errors:
        return None, errors
    data: dict = {
        "name": c["name"],
        "description": row.cells.get("description", "") or "",
        "description_zh": row.cells.get("description_zh", "") or "",
        "unit": c["unit"],
        "device": c["device"],
        "address": c["address"],
        "area": c["area"],
    }
    if c["type"]:
        data["type"] = c["type"]
    if num["scale"] is not None:
        data["scale"] = num["scale"]
    if num["offset"] is not None:
        data["offset"] = num["offset"]
    if lo is not None:
        data["range"] = (lo, hi)
    if c["word_order"]:
        data["word_order"] = c["word_order"]
    if mx is not None:
        data["map"] = (mx, my)
    alarms = dict(row.extra.get("alarms") or {})
    flat = {k: num[k] for k in (*LIMITS, "deadband", "on_delay_s", "off_delay_s") if num[k] is not None}
    if state is not None:
        flat["state"] = state
    if c["message"]:
        flat["message"] = row.cells.get("message", "")
    if prio:
        alarms["priority"] = {**alarms.get("priority", {}), **prio}
    if flat or "alarms" in row.extra or prio:
        data["alarms"] = {**alarms, **flat}
    for k in ("history", "warning"):
        if row.extra.get(k):
            data[k] = row.extra[k]
    data.update(row.extra.get("sensor") or {})
    if due is not None:
        data["calibration_due"] = due
    if writable:
        data["writable"] = True
        if row.extra.get("write_role"):
            data["write_role"] = row.extra["write_role"]
    try:
        return Tag.model_validate(data), []
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = err["loc"]
            col = str(loc[-1]) if loc and str(loc[-1]) in TAG_COLUMNS else ".".join(str(p) for p in loc)
            out.append((col or "name", err["msg"].removeprefix("Value error, ")))
        return None, out


# ---------------------------------------------------------------- checks across rows


class TagRef(NamedTuple):
    """What the overlap check (`app.config.checks.find_overlaps`, the plant file's own) needs of
    a tag: a Tag, or a row not yet valid as a whole."""

    name: str
    device: str
    address: str
    type: str | None


def tag_ref(cells: dict[str, str]) -> TagRef:
    ty = (cells.get("type") or "").strip()
    return TagRef(
        (cells.get("name") or "").strip(),
        (cells.get("device") or "").strip(),
        (cells.get("address") or "").strip(),
        ty if ty in TYPES else None,
    )


# ---------------------------------------------------------------- CSV


class CsvError(Exception):
    """The CSV cannot be read at all (not text, no header)."""


def decode_csv_bytes(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB 18030 (covers GBK and GB 2312)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CsvError(f"neither UTF-8 nor GBK/GB 18030 text (byte {exc.start})") from None


def export_tags_csv(tags: Iterable[Tag], path: str | Path | None = None) -> str:
    """The tags as CSV text (UTF-8); written to `path` with a BOM for Excel when given."""
    buf = io.StringIO()
    w = csv_safe.writer(buf, lineterminator="\r\n")  # a description "=..." stays text
    w.writerow(TAG_COLUMNS)
    for t in tags:
        cells = tag_to_row(t).cells
        w.writerow([cells[c] for c in TAG_COLUMNS])
    text = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return text


def import_tags_csv(
    source: str | bytes | Path, cfg: PlantConfig, devices: Sequence | None = None
) -> tuple[list[Tag], list[str]]:
    """Read tags from CSV (a path, raw bytes or text): (tags, []) when every row is valid, else
    ([], ["row 12, address: bad Modbus address 'hr100' ...", ...]). Tags take the settings the
    CSV has no column for from the tag of the same name in `cfg`; `devices` (default: cfg's)
    are the devices rows may name."""
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            return [], [f"cannot read {source}: {exc.strerror or exc}"]
    try:
        text = decode_csv_bytes(source) if isinstance(source, bytes) else source.lstrip("\ufeff")
    except CsvError as exc:
        return [], [str(exc)]
    try:  # only the delimiter is sniffed (from the header): quoting is Excel's, "" inside quotes
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows, problems = _read_rows(text, delimiter)
    if problems:
        return [], problems
    if not rows or not any(cell.strip() for cell in rows[0]):
        return [], ["row 1: no header row (expected columns: " + ", ".join(TAG_COLUMNS) + ")"]
    header = [h.strip() for h in rows[0]]
    errors: list[str] = []
    seen_cols: set[str] = set()
    for h in header:
        if h not in TAG_COLUMNS:
            errors.append(f"row 1, {h or '(empty)'}: unknown column (columns: {', '.join(TAG_COLUMNS)})")
        elif h in seen_cols:
            errors.append(f"row 1, {h}: column given twice")
        seen_cols.add(h)
    for col in REQUIRED_COLUMNS:
        if col not in seen_cols:
            errors.append(f"row 1: missing column {col!r}")
    if errors:
        return [], errors
    devs = {d.name: d for d in (cfg.devices if devices is None else devices)}
    existing = {t.name: t for t in cfg.tags}
    tags: list[Tag | None] = []
    refs: list[TagRef] = []
    row_numbers: list[int] = []
    first_row: dict[str, int] = {}
    for n, values in csv_safe.data_rows(rows, len(header), errors):
        cells = dict.fromkeys(TAG_COLUMNS, "")
        cells.update(zip(header, values, strict=False))
        base = existing.get(cells["name"].strip())
        if "calibration_due" not in seen_cols and base is not None and base.calibration_due is not None:
            cells["calibration_due"] = base.calibration_due.isoformat()  # a file from before the column
        if "description_zh" not in seen_cols and base is not None and base.description_zh:
            cells["description_zh"] = base.description_zh
        row = TagRow(cells, tag_to_row(base).extra if base is not None else {})
        tag, errs = row_to_tag(row, devs)
        errors.extend(f"row {n}, {col}: {msg}" for col, msg in errs)
        name = cells["name"].strip()
        if name:
            if name in first_row:
                errors.append(f"row {n}, name: duplicate tag name {name!r} (first on row {first_row[name]})")
            else:
                first_row[name] = n
        tags.append(tag)
        refs.append(tag_ref(cells))
        row_numbers.append(n)
    for i, j, msg in find_overlaps(refs, devs):
        errors.append(f"row {row_numbers[i]}, address: {msg} on row {row_numbers[j]}")
    if errors:
        errors.sort(key=_row_of)
        return [], errors
    return [t for t in tags if t is not None], []


def _read_rows(text: str, delimiter: str) -> tuple[list[list[str]], list[str]]:
    """The CSV's rows, each cell as exported (`csv_safe.unescape_cell`); or the problems. A field
    may not hold a line break: a stray quote would otherwise swallow the rows after it into one
    cell without a word, so such a field is refused with the lines it spans."""
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    rows: list[list[str]] = []
    problems: list[str] = []
    line = 0
    try:
        for values in reader:
            first, line = line + 1, reader.line_num
            if any("\n" in v or "\r" in v for v in values):
                problems.append(
                    f"row {len(rows) + 1}, line {first}: a quoted field runs over lines {first} to {line} "
                    "(a stray quote?); a cell may not hold a line break"
                )
            rows.append([csv_safe.unescape_cell(v) for v in values])
    except csv.Error as exc:  # e.g. a NUL byte: name the row rather than fail with a traceback
        return [], [f"row {len(rows) + 1}, line {reader.line_num}: cannot read the CSV: {exc}"]
    return rows, problems


def _row_of(msg: str) -> int:
    m = re.match(r"row (\d+)", msg)
    return int(m.group(1)) if m else 0
