"""Hazard-source templates: what one kind of hazard source usually measures, how it is watched
and how it is graded, as data (`resources/templates/<kind>.yaml`), so adding a gas holder to a
plant is choosing its template and mapping its tags, not writing rules from nothing.

A template names **roles** ("top pressure", "CO detector", "piston tilt"): each with its unit,
typical range, default alarm limits with their `basis` and priorities, early-warning time scale
and whether it is an interlock; incident **rules** written against the role names (a role in a
tag position, `rising(flow_diff, 300, 1.0)`, or in a pattern, `offline("co_detector")`); and
the **inherent risk** (an LEC or LS evaluation, or GB 18218 substances from the catalogue).
Every piece is validated by the plant file's own schema records (`AlarmLimits`, `TagWarning`,
`Rule`, `LecRisk`, `MajorHazard`, ...), and a bad template is refused with its file, line and
field like a plant file. `app.config.instantiate` turns a template into tags, a hazard source
and rules of a plant.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import ConfigDict, Field, field_validator, model_validator

from app.config.load import read_text, validate_yaml
from core.schema.base import RESERVED_WORDS, DataTypeName, HazardKind, Strict
from core.schema.plant import DirectDetermination, InherentRisk, MajorHazard, Rule
from core.schema.tags import AlarmLimits, TagWarning

ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# a quoted pattern, or a word (a role, a keyword, a function when "(" follows), or anything else
_TOKEN = re.compile(
    r"""(?P<string>"[^"\\]*"|'[^'\\]*')
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*)(?P<call>\s*\()?
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


class RoleError(ValueError):
    """An expression that uses roles wrongly; the message says which and how."""


def role_refs(text: str) -> set[str]:
    """The role names an expression or rule uses: its words that are neither keywords nor
    functions, and the parts of its quoted patterns."""
    out: set[str] = set()
    for m in _TOKEN.finditer(text):
        if m.group("string"):
            out.update(p.strip() for p in re.split(r"[|,]", m.group("string")[1:-1]) if p.strip())
        elif m.group("word") and not m.group("call") and m.group("word") not in RESERVED_WORDS:
            out.add(m.group("word"))
    return out


def rewrite(text: str, names: dict[str, list[str]]) -> str:
    """`text` with each role replaced by its tag names: a role in a tag position by its one tag,
    a role in a quoted pattern by its tags joined with `|`. RoleError for a role of several tags
    in a tag position, or one `names` does not know."""

    def swap(m: re.Match) -> str:
        if m.group("string"):
            q = m.group("string")[0]
            parts = [p.strip() for p in re.split(r"[|,]", m.group("string")[1:-1]) if p.strip()]
            return q + "|".join(n for p in parts for n in _names(p, names)) + q
        word = m.group("word")
        if word is None or m.group("call") or word in RESERVED_WORDS:
            return m.group(0)
        tags = _names(word, names)
        if len(tags) != 1:
            raise RoleError(
                f'role {word!r} stands for {len(tags)} tags: use it in a pattern ("{word}") of a count function'
            )
        return tags[0]

    return _TOKEN.sub(swap, text)


def _names(role: str, names: dict[str, list[str]]) -> list[str]:
    if role not in names:
        raise RoleError(f"unknown role {role!r}")
    return names[role]


class Role(Strict):
    """One usual indicator of a kind of hazard source, as a tag is made from it: the tag's name
    is the instance's prefix and `tag` (`GH2` + `PISTON.TILT`), numbered `.01`, `.02`, ... for a
    role of `multiple` tags (CO detectors). An `optional` role may be left unmapped: its tag is
    not made and the rules that read it are left out. `anomaly`: the anomaly detector watches
    it (a steady normal of its own: detectors, thermocouples, cooling water)."""

    label: str = Field(min_length=1)
    label_zh: str = ""
    tag: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
    multiple: bool = False
    optional: bool = False
    unit: str = ""
    type: DataTypeName = "float32"
    range: tuple[float, float] | None = None
    alarms: AlarmLimits | None = None
    warning: TagWarning = TagWarning()
    anomaly: bool = False
    interlock: bool = False  # a bool tag, 1 = in service; bypassed (0) makes the source red

    @model_validator(mode="after")
    def _interlock_is_bool(self) -> Role:
        if self.interlock and self.type != "bool":
            raise ValueError("an interlock role must be of type bool (1 = in service)")
        limits = self.alarms is not None and any(
            getattr(self.alarms, k) is not None for k in ("HH", "H", "L", "LL")
        )
        if self.type == "bool" and limits:
            raise ValueError("a bool role alarms by `state`, not by limits")
        return self

    def expressions(self) -> list[tuple[str, str]]:
        """(field, text) of every tag expression of the role's settings."""
        a, w = self.alarms, self.warning
        out = []
        if a is not None and a.suppress_when:
            out.append(("alarms.suppress_when", a.suppress_when))
        if a is not None and a.deviation is not None:
            out.append(("alarms.deviation.setpoint", a.deviation.setpoint))
        if w.forecast is not None and w.forecast.when:
            out.append(("warning.forecast.when", w.forecast.when))
        if w.anomaly is not None and w.anomaly.mode:
            out.append(("warning.anomaly.mode", w.anomaly.mode))
        return out


class HazardTemplate(Strict):
    """The template of one kind of hazard source (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    schema_: int = Field(1, alias="schema")
    kind: HazardKind
    title: str = Field(min_length=1)
    title_zh: str = ""
    description: str = ""
    roles: dict[str, Role] = Field(min_length=1)
    inherent_level: int = Field(3, ge=1, le=4)
    inherent: InherentRisk | None = None
    major_hazard: MajorHazard | None = None
    direct: DirectDetermination | None = None
    rules: list[Rule] = []
    source_path: Path | None = Field(None, exclude=True)

    @field_validator("roles")
    @classmethod
    def _role_names(cls, v):
        for name in v:
            if not ROLE_NAME.match(name) or name in RESERVED_WORDS:
                raise ValueError(
                    f"role name {name!r}: lower-case letters, digits and _ , starting with a letter"
                )
        tags = [r.tag for r in v.values()]
        dup = {t for t in tags if tags.count(t) > 1}
        if dup:
            raise ValueError(f"two roles make the same tag name {sorted(dup)[0]!r}")
        return v

    @model_validator(mode="after")
    def _references(self) -> HazardTemplate:
        problems = []
        for name, role in self.roles.items():
            for field, text in role.expressions():
                for ref in sorted(role_refs(text) - set(self.roles)):
                    problems.append(f"roles.{name}.{field}: unknown role {ref!r}")
                for ref in sorted(role_refs(text) & set(self.roles)):
                    if self.roles[ref].optional:
                        problems.append(
                            f"roles.{name}.{field}: reads optional role {ref!r}; make it required"
                        )
        for i, rule in enumerate(self.rules):
            if rule.hazard is not None:
                problems.append(f"rules[{i}].hazard: left out in a template (the instance's name)")
            for ref in sorted(role_refs(rule.when) - set(self.roles)):
                problems.append(f"rules[{i}].when: unknown role {ref!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def role_tags(self, role: str, prefix: str, count: int = 1) -> list[str]:
        """The tag names made for `role` under `prefix` (`count` of them for a multiple role)."""
        base = f"{prefix}.{self.roles[role].tag}" if prefix else self.roles[role].tag
        if not self.roles[role].multiple:
            return [base]
        return [f"{base}.{n:02d}" for n in range(1, count + 1)]


def template_dir() -> Path:
    """Where the shipped templates live."""
    return Path(__file__).resolve().parents[2] / "resources" / "templates"


def parse_template_text(text: str, path: str = "<template>") -> HazardTemplate:
    """Parse and validate a template; ConfigError naming its file, line and field."""
    return validate_yaml(HazardTemplate, text, path)


def load_template(path: str | Path) -> HazardTemplate:
    """A template file, validated; ConfigError naming its file, line and field."""
    p = Path(path)
    t = parse_template_text(read_text(p), str(p))
    return t.model_copy(update={"source_path": p.resolve()})


@cache
def shipped_templates() -> dict[str, HazardTemplate]:
    """Every shipped template by its kind, in the order of the kinds."""
    found = [load_template(p) for p in sorted(template_dir().glob("*.yaml"))]
    order = list(HazardKind.__args__)
    return {t.kind: t for t in sorted(found, key=lambda t: order.index(t.kind))}


def template_for(kind: str) -> HazardTemplate:
    """The shipped template of `kind`; KeyError naming the kinds that have one."""
    found = shipped_templates()
    if kind not in found:
        raise KeyError(f"no template for {kind!r} (templates: {', '.join(found)})")
    return found[kind]
