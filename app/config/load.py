"""Reading the plant file: YAML with line numbers (duplicate keys refused), secret references
resolved, pydantic validation and the cross checks, every problem reported as a `ConfigIssue`
(`plant.yaml:42: tags[7].address: ...`) inside one `ConfigError`.

Before anything is built from the YAML, its shape is bounded (`check_yaml_limits`): nesting at
most `MAX_NESTING` levels (libyaml's composer recurses in C and crashes the process on very deep
input, and its scanner slows quadratically with depth), and aliases that would expand the file
by at most `MAX_ALIAS_NODES` nodes and never contain themselves (a "billion laughs" file of under
a kilobyte otherwise takes gigabytes)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.config import secrets
from app.config.checks import cross_check, password_checks
from core.schema.plant import PlantConfig

M = TypeVar("M", bound=BaseModel)

log = logging.getLogger("app.config")  # the logger name the plain-text password warning always had

# ---------------------------------------------------------------- errors


class ConfigError(Exception):
    """A configuration that cannot be used; `issues` holds one line per problem."""

    def __init__(self, path: str, issues: list[ConfigIssue]):
        self.path = path
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class ConfigIssue:
    def __init__(self, path: str, line: int | None, field: str, message: str):
        self.path, self.line, self.field, self.message = path, line, field, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"ConfigIssue({self!s})"


# the tags of discriminated unions (device protocol, risk method): pydantic puts them in an
# error's location, the YAML has them as a value, not a level
_UNION_TAGS = frozenset({"modbus-tcp", "opcua", "LEC", "LS", "smtp", "wecom", "dingtalk", "feishu", "json"})


def loc_to_field(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# ---------------------------------------------------------------- YAML loader

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class _Loader(_BaseLoader):
    pass


def _no_duplicate_keys(loader, node, deep=False):
    seen = {}
    for k, _ in node.value:
        key = loader.construct_object(k, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a single value, not a list or mapping", k.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key]})", k.start_mark
            )
        seen[key] = k.start_mark.line + 1
    return _BaseLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def _timestamp_or_text(loader, node):
    """A date such as 2026-13-01 is kept as text, so the schema names its field and line
    instead of the YAML library raising from inside the loader."""
    try:
        return _BaseLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


# ---------------------------------------------------------------- YAML limits

MAX_NESTING = 50  # levels of YAML collections; a plant file needs about 6
MAX_ALIAS_NODES = 100_000  # nodes aliases may add to the file once expanded

_OPEN_TOKENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE_TOKENS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _check_nesting(text: str, path: str) -> None:
    """Refuse YAML nested deeper than MAX_NESTING, from the token stream (no recursion, and
    stopped at the first level too deep, so the scanner's cost stays linear)."""
    loader = _BaseLoader(text)
    depth = 0
    try:
        while loader.check_token():
            tok = loader.get_token()
            if isinstance(tok, _OPEN_TOKENS):
                depth += 1
                if depth > MAX_NESTING:
                    line = tok.start_mark.line + 1
                    msg = f"YAML nested more than {MAX_NESTING} levels deep"
                    raise ConfigError(path, [ConfigIssue(path, line, "", msg)])
            elif isinstance(tok, _CLOSE_TOKENS):
                depth -= 1
    finally:
        loader.dispose()


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for kv in node.value for n in kv]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_aliases(root, path: str) -> None:
    """Refuse a composed YAML graph whose aliases contain themselves, or would expand it by more
    than MAX_ALIAS_NODES nodes. One pass over the distinct nodes, each expanded size memoised."""
    size: dict[int, int] = {}  # id -> node count once every alias is expanded
    refs: dict[int, int] = {}  # id -> how many places use it (more than one: an alias)
    state: dict[int, int] = {}  # id -> 1 being walked (an ancestor of the walk), 2 done
    nodes: dict[int, object] = {}
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, finish = stack.pop()
        k = id(node)
        if finish:
            size[k] = 1 + sum(size[id(c)] for c in _children(node))
            state[k] = 2
            continue
        if state.get(k) == 2:
            continue
        state[k], nodes[k] = 1, node
        stack.append((node, True))
        for c in _children(node):
            ck = id(c)
            refs[ck] = refs.get(ck, 0) + 1
            if state.get(ck) == 1:
                line = c.start_mark.line + 1
                raise ConfigError(
                    path, [ConfigIssue(path, line, "", "recursive YAML alias: this node contains itself")]
                )
            if ck not in state:
                stack.append((c, False))
    extra = size[id(root)] - len(size)
    if extra > MAX_ALIAS_NODES:
        k = max((k for k, n in refs.items() if n > 1), key=lambda k: (refs[k] - 1) * size[k])
        line = nodes[k].start_mark.line + 1
        msg = (
            f"YAML aliases would expand the file by {extra:,} nodes (at most {MAX_ALIAS_NODES:,}); "
            "the part repeated most starts here"
        )
        raise ConfigError(path, [ConfigIssue(path, line, "", msg)])


def _yaml_error(exc: yaml.YAMLError, text: str, path: str) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses: locate it too
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        ch = exc.character
        shown = f"U+{ch:04X}" if isinstance(ch, int) else repr(ch)
        problem = f"character {shown} not allowed ({exc.reason})"
    return ConfigError(path, [ConfigIssue(path, line, "", f"YAML syntax: {problem}")])


def check_yaml_limits(text: str, path: str = "<config>") -> None:
    """Raise ConfigError (with the line) when YAML text is too deeply nested, has a recursive
    alias or aliases that expand too far, or is not YAML; every reader of a plant file calls
    this (`parse_config_text` does) before it builds anything from the text."""
    try:
        _check_nesting(text, path)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, path) from None
    if node is not None:
        _check_aliases(node, path)


# ---------------------------------------------------------------- YAML with line numbers


class LineMap:
    """Maps a path of keys/indexes to the 1-based line where it appears in the YAML."""

    def __init__(self):
        self.lines: dict[tuple, int] = {}

    def build(self, node, path=()):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                self.lines[path + (key,)] = k.start_mark.line + 1
                self._child(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                self._child(v, path + (i,))

    def _child(self, node, path):
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            keep = self.lines[path]
            self.build(node, path)
            self.lines[path] = keep

    def line(self, loc: tuple) -> int | None:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


def read_yaml(text: str, path: str = "<config>") -> tuple[object, LineMap]:
    """YAML text (bounded by `check_yaml_limits`, duplicate keys refused) as plain data and the
    line of every key and item; ConfigError naming the line when it is not usable YAML."""
    try:
        _check_nesting(text, path)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_aliases(node, path)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, path) from None
    lines = LineMap()
    if node is not None:
        lines.build(node)
    return data, lines


def validation_issues(exc: ValidationError, lines: LineMap, path: str) -> list[ConfigIssue]:
    """One located issue per error of a pydantic validation of YAML data."""
    issues = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        loc = tuple("schema" if p == "schema_" else p for p in loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        issues.append(ConfigIssue(path, lines.line(loc), loc_to_field(loc), msg))
    return issues


def read_mapping(text: str, path: str, noun: str = "file") -> tuple[dict, LineMap]:
    """`read_yaml` of a document that must be a mapping (ConfigError naming the `noun` if not)."""
    data, lines = read_yaml(text, path)
    if not isinstance(data, dict):
        raise ConfigError(path, [ConfigIssue(path, 1, "", f"the {noun} must be a YAML mapping")])
    return data, lines


def validate_yaml(model: type[M], text: str, path: str, noun: str = "file") -> M:
    """YAML text validated as `model`; ConfigError naming the file, line and field of every problem."""
    data, lines = read_mapping(text, path, noun)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, validation_issues(exc, lines, path)) from None


def parse_config_text(
    text: str, path: str = "<config>", base: Path | None = None, secret_store=None
) -> PlantConfig:
    """Parse and validate a plant configuration; raise ConfigError naming line and field.

    `password: secret:NAME` is looked up in `secret_store` (default: the data directory's)."""
    data, lines = read_mapping(text, path)
    secret_issues = [
        ConfigIssue(path, lines.line(loc), loc_to_field(loc), msg)
        for loc, msg in resolve_secrets(data, path, lines, secret_store)
    ]
    try:
        cfg = PlantConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, secret_issues + validation_issues(exc, lines, path)) from None
    issues = secret_issues + [
        ConfigIssue(path, lines.line(loc), loc_to_field(loc), msg) for loc, msg in cross_check(cfg)
    ]
    if issues:
        raise ConfigError(path, issues)
    for loc, msg in password_checks(cfg)[1]:  # printed by check-config, like the plain-text one
        log.warning("%s", ConfigIssue(path, lines.line(loc), loc_to_field(loc), msg))
    if base is not None:
        cfg = cfg.model_copy(update={"source_path": base})
    return cfg


def resolve_secrets(data: dict, path: str, lines: LineMap, store=None) -> list[tuple[tuple, str]]:
    """Replace `password: secret:NAME` in `data` by the stored value; (loc, message) for each
    reference the store does not hold. A plain-text password is kept, with a warning (never
    the value) asking for it to be moved."""
    out: list[tuple[tuple, str]] = []
    devices = data.get("devices")
    if not isinstance(devices, list):
        return out
    for i, d in enumerate(devices):
        if not isinstance(d, dict) or not isinstance(d.get("password"), str):
            continue
        value = d["password"]
        loc = ("devices", i, "password")
        if not secrets.is_ref(value):
            log.warning(
                "%s:%s: device %s has its password in plain text: move it to the secret store "
                "(apply the settings once, or write password: secret:NAME)",
                path,
                lines.line(loc),
                d.get("name", f"#{i}"),
            )
            continue
        name = secrets.ref_name(value)
        if store is None:
            store = secrets.SecretStore.default()
        try:
            found = store.get(name)
        except secrets.SecretError as exc:
            out.append((loc, str(exc)))
            continue
        if found is None:
            out.append((loc, f"unknown secret {name!r} (not in {store.path})"))
        else:
            d["password"] = found
    return out


def read_text(path: str | Path) -> str:
    """A YAML file's text (UTF-8, with or without a byte-order mark); ConfigError when it cannot
    be read or is not UTF-8."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(p), [ConfigIssue(str(p), None, "", f"cannot read: {exc.strerror or exc}")]
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            str(p), [ConfigIssue(str(p), None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None


def load_config(path: str | Path) -> PlantConfig:
    """Load a plant YAML file; raise ConfigError naming the file, line and field."""
    p = Path(path)
    return parse_config_text(read_text(p), str(p), base=p.resolve())
