"""Tag expressions for conditions such as alarm suppression by design ("converter not blowing").

A small, safe language over tag values: tag names, numbers, true/false, comparisons
(< <= > >= == !=), `and`, `or`, `not`, unary minus and parentheses, e.g.
`BOF1.O2.FLOW < 100 and not BOF1.LANCE.IN_POSITION`. It is parsed once with Python's `ast`
and evaluated by a tree walk over a whitelist of node types: nothing is ever `eval`-ed.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

import numpy as np

_TAG = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
# the words of the tag expressions and of the rule language: a tag so named could not be read
RESERVED_WORDS = frozenset({"and", "or", "not", "true", "false", "True", "False"})
_WORDS = RESERVED_WORDS
COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class ExpressionError(ValueError):
    """An expression that cannot be used; the message says why."""


def compile_expression(
    text: str, tag_index: dict[str, int]
) -> tuple[Callable[[np.ndarray], bool], list[int]]:
    """Return (evaluate(values) -> bool, tag indexes used). Unknown tags or syntax raise ExpressionError.

    A tag whose value is NaN (bad quality) makes a comparison false."""
    used: list[int] = []

    def swap(m: re.Match) -> str:
        word = m.group(0)
        if word in _WORDS:
            return {"true": "True", "false": "False"}.get(word, word)
        if word not in tag_index:
            raise ExpressionError(f"unknown tag {word!r} in {text!r}")
        used.append(tag_index[word])
        return f"_v[{tag_index[word]}]"

    source = _TAG.sub(swap, text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise ExpressionError(f"cannot read expression {text!r}") from None
    _check(tree.body, text)

    def evaluate(values: np.ndarray) -> bool:
        return bool(_eval(tree.body, values))

    return evaluate, sorted(set(used))


def _check(node: ast.AST, text: str) -> None:
    allowed = (
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.Compare,
        ast.Constant,
        ast.Subscript,
    )
    passive = (ast.Name, ast.Load, *COMPARISONS)
    for n in ast.walk(node):
        if isinstance(n, passive):
            continue
        if not isinstance(n, allowed):
            raise ExpressionError(f"{type(n).__name__} is not allowed in {text!r}")
        if isinstance(n, ast.Constant) and not isinstance(n.value, int | float | bool):
            raise ExpressionError(f"only numbers and true/false are allowed in {text!r}")
        if isinstance(n, ast.Subscript) and not (isinstance(n.value, ast.Name) and n.value.id == "_v"):
            raise ExpressionError(f"cannot read expression {text!r}")
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id != "_v":
            raise ExpressionError(f"unknown name {n.id!r} in {text!r}")


def _eval(node: ast.AST, v: np.ndarray):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Subscript):
        return float(v[node.slice.value])
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_truth(_eval(x, v)) for x in node.values)
        return any(_truth(_eval(x, v)) for x in node.values)
    if isinstance(node, ast.UnaryOp):
        x = _eval(node.operand, v)
        return (not _truth(x)) if isinstance(node.op, ast.Not) else -x
    if isinstance(node, ast.Compare):
        left = _eval(node.left, v)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, v)
            if _nan(left) or _nan(right) or not COMPARISONS[type(op)](left, right):
                return False
            left = right
        return True
    raise ExpressionError(f"cannot evaluate {type(node).__name__}")


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _truth(x) -> bool:
    return bool(x) and not _nan(x)
