"""The point catalogue: which tags are reported to the regulator, under which code and indicator
type, with the limits, unit, range, equipment, hazard source and calibration date the platform
keeps for each.

Points are written in the plant file (`uplink: {points: [...]}`) or in a CSV it names
(`points_csv`), edited in the settings or by CSV import, which answers per row ("row 7, code:
...") like the tag table. `resolve` fills what a point leaves out from its tag (unit, range,
H/HH limits, hazard source, calibration); `check_catalogue` checks the whole against the plant
and the profile, each problem with its place (`uplink.points[3].indicator`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from app.config.tag_rows import CsvError, decode_csv_bytes
from core import csv_safe
from core.schema.plant import PlantConfig
from core.schema.uplink import UplinkPoint

POINT_COLUMNS = tuple(UplinkPoint.model_fields)


@dataclass(frozen=True)
class Point:
    """A catalogued point as reported: its own settings, else its tag's."""

    tag: str
    index: int  # the tag's index in the plant (-1: no such tag)
    code: str
    indicator: str
    unit: str
    range_low: float | None
    range_high: float | None
    alarm1: float | None
    alarm2: float | None
    equipment: str
    hazard: str
    calibrated: date | None

    def record(self) -> dict:
        """The catalogue record the platform keeps (our field names)."""
        return {
            "code": self.code, "tag": self.tag, "indicator": self.indicator, "unit": self.unit,
            "range_low": self.range_low, "range_high": self.range_high, "alarm1": self.alarm1,
            "alarm2": self.alarm2, "equipment": self.equipment, "hazard": self.hazard,
            "calibrated": None if self.calibrated is None else self.calibrated.isoformat(),
        }  # fmt: skip


def resolve(cfg: PlantConfig, points: list[UplinkPoint]) -> list[Point]:
    """The catalogue with every gap filled from the point's tag."""
    index = cfg.tag_index()
    hazards = cfg.hazard_of_tags()
    out = []
    for p in points:
        i = index.get(p.tag, -1)
        tag = cfg.tags[i] if i >= 0 else None
        limits = tag.alarms if tag is not None else None
        rng = tag.range if tag is not None and tag.range else (None, None)
        first = limits.H if limits is not None and limits.H is not None else (limits.L if limits else None)
        second = (
            limits.HH if limits is not None and limits.HH is not None else (limits.LL if limits else None)
        )
        out.append(
            Point(
                p.tag, i, p.code, p.indicator,
                p.unit if p.unit is not None else (tag.unit if tag is not None else ""),
                p.range_low if p.range_low is not None else rng[0],
                p.range_high if p.range_high is not None else rng[1],
                p.alarm1 if p.alarm1 is not None else first,
                p.alarm2 if p.alarm2 is not None else second,
                p.equipment, p.hazard or hazards.get(i, ""),
                p.calibrated if p.calibrated is not None else None,
            )
        )  # fmt: skip
    return out


def check_catalogue(
    cfg: PlantConfig, profile, points: list[UplinkPoint], places=None
) -> list[tuple[tuple, str]]:
    """Problems of the catalogue against the plant and the profile, each as (location, message):
    `places[n]` is where point n was written, (("uplink", "points", 3), "") in the plant file or
    (("uplink", "points_csv"), "points.csv row 4") in its CSV (default: the plant file's list)."""
    if places is None:
        places = [(("uplink", "points", n), "") for n in range(len(points))]
    problems: list[tuple[tuple, str]] = []
    tags = cfg.tag_index()
    hazards = {h.name for h in cfg.hazard_sources}
    pattern = re.compile(profile.code_pattern)
    seen_code: dict[str, str] = {}
    seen_tag: dict[str, str] = {}

    def bad(n: int, column: str, msg: str) -> None:
        loc, row = places[n]
        problems.append((loc + (column,) if not row else loc, f"{row}, {column}: {msg}" if row else msg))

    for n, p in enumerate(points):
        here = places[n][1] or f"points[{n}]"
        if p.tag not in tags:
            bad(n, "tag", f"no tag {p.tag!r} in the plant")
        if not pattern.match(p.code):
            bad(n, "code", f"{p.code!r} does not match the profile's code pattern {profile.code_pattern}")
        if p.indicator not in profile.indicators:
            bad(
                n, "indicator",
                f"{p.indicator!r} is not an indicator type of profile {profile.name!r} ({', '.join(profile.indicators)})",
            )  # fmt: skip
        if p.hazard and p.hazard not in hazards:
            bad(n, "hazard", f"no hazard source {p.hazard!r} in the plant")
        if p.range_low is not None and p.range_high is not None and p.range_low >= p.range_high:
            bad(n, "range_low", "the range's low end must be below its high end")
        if p.code in seen_code:
            bad(n, "code", f"code {p.code!r} given twice (first at {seen_code[p.code]})")
        seen_code.setdefault(p.code, here)
        if p.tag in seen_tag:
            bad(n, "tag", f"tag {p.tag!r} reported twice (first at {seen_tag[p.tag]})")
        seen_tag.setdefault(p.tag, here)
    return problems


# ---------------------------------------------------------------- CSV


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def export_points_csv(points: list[UplinkPoint], path: str | Path | None = None) -> str:
    """The catalogue as CSV text; written to `path` with a BOM for Excel when given."""
    buf = io.StringIO()
    w = csv_safe.writer(buf, lineterminator="\r\n")
    w.writerow(POINT_COLUMNS)
    for p in points:
        w.writerow([_cell(getattr(p, c)) for c in POINT_COLUMNS])
    text = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return text


def import_points_csv(source: str | bytes | Path) -> tuple[list[UplinkPoint], list[str]]:
    """Points from CSV (a path, raw bytes or text): (points, []) when every row is valid, else
    ([], ["row 4, indicator: ...", ...])."""
    points, _rows, errors = read_points_csv(source)
    return points, errors


def read_points_csv(source: str | bytes | Path) -> tuple[list[UplinkPoint], list[int], list[str]]:
    """`import_points_csv` with the row number of each point."""
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            return [], [], [f"cannot read {source}: {exc.strerror or exc}"]
    try:
        text = decode_csv_bytes(source) if isinstance(source, bytes) else source.lstrip("\ufeff")
    except CsvError as exc:
        return [], [], [str(exc)]
    try:
        rows = [[csv_safe.unescape_cell(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        return [], [], [f"cannot read the CSV: {exc}"]
    if not rows:
        return [], [], ["row 1: no header row (expected columns: " + ", ".join(POINT_COLUMNS) + ")"]
    header = [h.strip() for h in rows[0]]
    errors = [f"row 1, {h or '(empty)'}: unknown column" for h in header if h not in POINT_COLUMNS]
    errors += [f"row 1: missing column {c!r}" for c in ("tag", "code", "indicator") if c not in header]
    if errors:
        return [], [], errors
    points: list[UplinkPoint] = []
    numbers: list[int] = []
    for n, values in csv_safe.data_rows(rows, len(header), errors):
        data = {h: v.strip() for h, v in zip(header, values, strict=False) if v.strip()}
        try:
            points.append(UplinkPoint.model_validate(data))
            numbers.append(n)
        except ValidationError as exc:
            for err in exc.errors():
                col = ".".join(str(p) for p in err["loc"]) or "?"
                errors.append(f"row {n}, {col}: {err['msg'].removeprefix('Value error, ')}")
    return ([], [], errors) if errors else (points, numbers, [])


def catalogue_of(cfg: PlantConfig) -> tuple[list[UplinkPoint], list, list[tuple[tuple, str]]]:
    """The plant's catalogue: its `points` then the rows of its `points_csv` (relative to the
    plant file); (points, where each was written (see `check_catalogue`), the CSV's row errors)."""
    settings = cfg.uplink
    points = list(settings.points)
    places = [(("uplink", "points", n), "") for n in range(len(points))]
    if not settings.points_csv:
        return points, places, []
    p = Path(settings.points_csv)
    if not p.is_absolute() and cfg.source_path is not None:
        p = cfg.source_path.parent / p
    got, rows, errors = read_points_csv(p)
    if errors:
        return points, places, [(("uplink", "points_csv"), f"{p.name} {e}") for e in errors]
    return points + got, places + [(("uplink", "points_csv"), f"{p.name} row {r}") for r in rows], []
