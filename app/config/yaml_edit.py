"""Editing a YAML document in place, so an engineer's comments and layout survive a save.

PyYAML loads plain dicts and forgets comments; ruamel.yaml's round-trip mode keeps them on the
loaded document. `merge` brings a loaded document to new content with the fewest changes:
values that did not change are left as they are (with their comments, quoting and key order),
records in lists (devices, tags, ...) are matched by `name`, new keys are added only when they
differ from the schema's defaults, and new entries take the flow or block style of their
neighbours. Flow collections an engineer wrapped over several lines come back on one line:
ruamel keeps comments, not line breaks inside `{...}` and `[...]`.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

_MISSING = object()


class Document:
    """A round-trip YAML document and the indentation it was written with."""

    def __init__(self, text: str):
        data, indent, block_seq_indent = load_yaml_guess_indent(text)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096  # never re-wrap the long one-line records plant files are made of
        indent = indent or 2
        offset = block_seq_indent or 0
        self.yaml.indent(
            mapping=indent if offset == 0 else max(2, indent - offset), sequence=indent, offset=offset
        )
        self.data = self.yaml.load(text)

    def text(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue()


def merge(node: CommentedMap, full: dict, minimal: dict | None) -> None:
    """Bring mapping `node` to `full` (every field), adding only the keys of `minimal` (the
    fields that differ from their defaults) that `node` does not have yet."""
    _merge_map(node, full, minimal if isinstance(minimal, dict) else {})


def _merge_map(node: CommentedMap, full: dict, minimal: dict) -> None:
    keys = {str(k): k for k in node}
    wanted = {str(k) for k in full}
    for s, k in list(keys.items()):
        if s not in wanted:
            del node[k]
            del keys[s]
    for k, value in full.items():
        small = minimal.get(k, _MISSING)
        if str(k) in keys:
            key = keys[str(k)]
            old = node[key]
            new = _merge_value(old, value, small)
            if new is not old:
                node[key] = new
        elif small is not _MISSING:
            node[k] = _new(small, like=node)


def _merge_value(old: Any, full: Any, small: Any) -> Any:
    if same(old, full):
        return old
    if isinstance(old, CommentedMap) and isinstance(full, dict):
        _merge_map(old, full, small if isinstance(small, dict) else {})
        return old
    if isinstance(old, CommentedSeq) and isinstance(full, list) and _records(old, full):
        _merge_records(old, full, small if isinstance(small, list) else full)
        return old
    return _new(full if small is _MISSING else small, like=old)


def _records(old: list, new: list) -> bool:
    return all(isinstance(x, dict) and "name" in x for x in new) and all(
        isinstance(x, dict) and "name" in x for x in old
    )


def _merge_records(seq: CommentedSeq, full: list[dict], minimal: list[dict]) -> None:
    names = [r["name"] for r in full]
    wanted = set(names)
    for i in reversed(range(len(seq))):
        if seq[i].get("name") not in wanted:
            del seq[i]  # CommentedSeq moves the comments of the following items up
    like = seq[0] if len(seq) else None
    for i, (f, m) in enumerate(zip(full, minimal, strict=True)):
        at = next((j for j in range(i, len(seq)) if seq[j].get("name") == f["name"]), None)
        if at is None:
            seq.insert(i, _new(m, like=like))
            continue
        if at != i:
            item = seq[at]
            del seq[at]
            seq.insert(i, item)
        _merge_map(seq[i], f, m)


def same(a: Any, b: Any) -> bool:
    """Equal as data: 250 and 250.0 are the same, True and 1 are not, {1: x} and {"1": x} are."""
    if isinstance(a, dict) and isinstance(b, dict):
        if {str(k) for k in a} != {str(k) for k in b}:
            return False
        bb = {str(k): v for k, v in b.items()}
        return all(same(v, bb[str(k)]) for k, v in a.items())
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str):
        return str(a) == str(b)
    return a is None and b is None


def _is_flow(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())


def _new(value: Any, like: Any = None, flow: bool | None = None) -> Any:
    """Plain data as ruamel nodes, in flow style when `like` (a neighbour) is."""
    if flow is None:
        flow = _is_flow(like)
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _new(v, flow=flow or None)
        if flow:
            m.fa.set_flow_style()
        return m
    if isinstance(value, list | tuple):
        s = CommentedSeq(_new(v, flow=flow or None) for v in value)
        if flow or all(not isinstance(v, dict | list | tuple) for v in value):
            s.fa.set_flow_style()  # short lists of numbers or names read best inline
        return s
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # 250, not 250.0: as an engineer writes it
    return value
