"""A hazard-source template made into a plant's records: `instantiate(template, name, mapping,
prefix, cfg)` gives the tags to create, the hazard source and its rules, with every role in a
rule or tag expression rewritten to the real tag names; `Instance.apply(cfg)` adds them to a
plant through the whole configuration check (`validate_config_data`, as check-config would).

A role is mapped to existing tags by name (`"GH1.LEVEL"`), or to new ones by device and address
(`("bf_plc", "hr:200")`, or the text `"bf_plc:hr:200"`); a multiple role takes a list. A new tag
is named `<prefix>.<role tag>` and carries the role's unit, range, alarm limits (with their
basis), early-warning scale and type; an existing tag is used as it is.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import yaml
from pydantic import ValidationError

from app.config.io import config_data, validate_config_data
from app.config.templates import HazardTemplate, Role, RoleError, rewrite, role_refs
from core.schema.plant import HazardSource, PlantConfig, Rule
from core.schema.tags import Tag

Binding = str | tuple[str, str]


class TemplateError(ValueError):
    """A mapping that cannot make an instance; `issues` holds one line per problem."""

    def __init__(self, issues: list[str]):
        self.issues = issues
        super().__init__("\n".join(issues))


def default_prefix(name: str) -> str:
    """A tag prefix from a hazard source's name: "Gas holder 2" -> "GAS_HOLDER_2"."""
    return "_".join("".join(c for c in w if c.isalnum()) for w in name.upper().split()).strip("_")


def parse_binding(text: str) -> Binding:
    """`device:address` (a new tag) or an existing tag's name (tag names hold no colon)."""
    text = text.strip()
    if ":" in text:
        device, address = text.split(":", 1)
        return device.strip(), address.strip()
    return text


@dataclass
class Instance:
    """What a template adds to a plant; `notes` say what was left out or changed beside it."""

    template: HazardTemplate
    tags: list[Tag]
    hazard: HazardSource
    rules: list[Rule]
    anomaly_tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def data_for(self, cfg: PlantConfig) -> dict:
        """The plant as plain data with the instance added."""
        data = config_data(cfg)
        data["tags"] += [t.model_dump(mode="json", exclude_defaults=True) for t in self.tags]
        data["hazard_sources"].append(self.hazard.model_dump(mode="json", exclude_defaults=True))
        data["rules"] += [r.model_dump(mode="json", exclude_defaults=True) for r in self.rules]
        if self.anomaly_tags:
            data["warnings"]["anomaly_tags"] = list(cfg.warnings.anomaly_tags) + self.anomaly_tags
        return data

    def apply(self, cfg: PlantConfig) -> tuple[PlantConfig | None, list[str]]:
        """The plant with the instance added, checked as a whole; (None, errors) when it fails."""
        return validate_config_data(self.data_for(cfg), cfg.source_path)

    def preview(self) -> str:
        """The records added, one a line as the plant file writes them."""

        def line(model) -> str:
            data = model.model_dump(mode="json", exclude_defaults=True)
            text = yaml.safe_dump(
                data, default_flow_style=True, allow_unicode=True, width=100_000, sort_keys=False
            )
            return "  - " + text.strip()

        out = [
            "tags:",
            *map(line, self.tags),
            "hazard_sources:",
            line(self.hazard),
            "rules:",
            *map(line, self.rules),
        ]
        if self.anomaly_tags:
            out += ["warnings.anomaly_tags, added:", *(f"  - {n}" for n in self.anomaly_tags)]
        return "\n".join(out) + "\n"


def _bindings(value) -> list[Binding]:
    if value is None:
        return []
    if isinstance(value, tuple | str):
        return [parse_binding(value) if isinstance(value, str) else value]
    return [parse_binding(v) if isinstance(v, str) else tuple(v) for v in value]


def instantiate(
    template: HazardTemplate,
    source_name: str,
    mapping: dict[str, Binding | list[Binding]],
    prefix: str,
    cfg: PlantConfig,
) -> Instance:
    """The tags, hazard source and rules `template` adds to `cfg` as `source_name`, its new tags
    named under `prefix`; TemplateError listing every problem of the mapping."""
    issues: list[str] = []
    if not source_name.strip():
        issues.append("name: a hazard source needs a name")
    if any(h.name == source_name for h in cfg.hazard_sources):
        issues.append(f"name: a hazard source {source_name!r} exists already")
    if not _valid_prefix(prefix):
        issues.append(f"prefix: {prefix!r} cannot start a tag name (letters, digits, _ . -)")
    for role in mapping:
        if role not in template.roles:
            issues.append(
                f"{role}: no such role in the {template.kind} template (roles: {', '.join(template.roles)})"
            )
    existing = {t.name: t for t in cfg.tags}
    devices = {d.name for d in cfg.devices}
    names: dict[str, list[str]] = {}
    specs: list[tuple] = []  # what each new tag is made of
    made_names: set[str] = set()
    for role_name, role in template.roles.items():
        bound = _bindings(mapping.get(role_name))
        if not bound:
            if not role.optional:
                issues.append(
                    f"{role_name}: {role.label} is required: map it to a tag or a device and address"
                )
            continue
        if len(bound) > 1 and not role.multiple:
            issues.append(f"{role_name}: {role.label} takes one tag, {len(bound)} given")
            continue
        made = template.role_tags(role_name, prefix, len(bound))
        names[role_name] = []
        for i, (b, tag_name) in enumerate(zip(bound, made, strict=True)):
            if isinstance(b, str):
                if b not in existing:
                    issues.append(f"{role_name}: no tag {b!r} in the plant (device:address makes a new one)")
                names[role_name].append(b)
                continue
            device, address = b
            if device not in devices:
                issues.append(
                    f"{role_name}: no device {device!r} in the plant (devices: {', '.join(sorted(devices))})"
                )
            if tag_name in existing or tag_name in made_names:
                issues.append(
                    f"{role_name}: tag {tag_name} exists already: map the role to it or choose another prefix"
                )
            names[role_name].append(tag_name)
            number = i + 1 if role.multiple else None
            made_names.add(tag_name)
            specs.append((role_name, role, tag_name, device, address, number))
    if issues:
        raise TemplateError(issues)
    notes: list[str] = []
    tags = [_make_tag(source_name, *spec, names, cfg, issues, notes) for spec in specs]
    anomaly = _anomaly_tags(template, names, cfg)
    members = [n for r in template.roles if r in names for n in names[r]]
    interlocks = [n for r, role in template.roles.items() if role.interlock and r in names for n in names[r]]
    hazard = None
    try:
        hazard = HazardSource(
            name=source_name,
            kind=template.kind,
            tags=members,
            interlocks=interlocks,
            inherent_level=template.inherent_level,
            inherent=template.inherent,
            major_hazard=template.major_hazard,
            direct=template.direct,
            description=template.description,
        )
    except ValidationError as exc:
        issues.append(f"hazard source: {exc.errors()[0]['msg']}")
    rules = _rules(template, source_name, prefix, names, cfg, issues, notes)
    if issues:
        raise TemplateError(issues)
    return Instance(template, tags, hazard, rules, anomaly, notes)


def _valid_prefix(prefix: str) -> bool:
    return not prefix or all(c.isalnum() or c in "_.-" for c in prefix) and prefix[-1] != "."


def _make_tag(source, role_name, role: Role, name, device, address, number, names, cfg, issues, notes) -> Tag:
    alarms = role.alarms.model_dump(exclude_defaults=True) if role.alarms is not None else None
    warning = role.warning.model_dump(exclude_defaults=True)
    try:
        for where, text in role.expressions():
            new = rewrite(text, names)
            target = alarms if where.startswith("alarms") else warning
            keys = where.split(".")[1:]
            for k in keys[:-1]:
                target = target[k]
            target[keys[-1]] = new
    except RoleError as exc:
        issues.append(f"{role_name}: {exc}")
    if role.anomaly and not cfg.warnings.anomaly.enabled and role.warning.anomaly is None:
        warning["anomaly"] = {"enabled": True}  # the plant watches no tag by default: this one
        notes.append(f"{name}: anomaly detection on for this tag (the plant's default is off)")
    label = role.label if number is None else f"{role.label} {number}"
    data = {
        "name": name,
        "description": f"{source}: {label}",
        "unit": role.unit,
        "device": device,
        "address": address,
        "type": role.type,
        "range": role.range,
        "alarms": alarms,
        "warning": warning,
        "area": source,
    }
    try:
        return Tag.model_validate(data)
    except ValidationError as exc:
        issues.append(f"{role_name}: {name}: {exc.errors()[0]['msg']}")
        return Tag.model_construct(**data)


def _anomaly_tags(template: HazardTemplate, names: dict[str, list[str]], cfg: PlantConfig) -> list[str]:
    """Tags of anomaly roles the plant's `warnings.anomaly_tags` patterns leave out."""
    pats = cfg.warnings.anomaly_tags
    if not pats:
        return []
    out = []
    for r, role in template.roles.items():
        if role.anomaly:
            out += [n for n in names.get(r, []) if not any(fnmatch.fnmatchcase(n, p) for p in pats)]
    return out


def _rules(template, source, prefix, names, cfg, issues, notes) -> list[Rule]:
    taken = {r.name for r in cfg.rules}
    out = []
    for i, r in enumerate(template.rules):
        name = r.name.replace("{source}", source).replace("{prefix}", prefix or source)
        missing = sorted(role_refs(r.when) - set(names))
        if missing:
            notes.append(f"rule {name!r} left out: roles not mapped: {', '.join(missing)}")
            continue
        placed = {t.name for t in cfg.tags if t.map is not None}
        if "cluster_rising" in r.when and not any(n in placed for x in role_refs(r.when) for n in names[x]):
            notes.append(
                f"rule {name!r} left out: its detectors have no map position yet (place them, then add it)"
            )
            continue
        if name in taken:
            issues.append(f"rules[{i}]: a rule {name!r} exists already")
            continue
        try:
            out.append(r.model_copy(update={"name": name, "when": rewrite(r.when, names), "hazard": source}))
        except RoleError as exc:
            issues.append(f"rules[{i}] {name!r}: {exc}")
    return out
