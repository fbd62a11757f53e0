"""Tag expressions for conditions such as alarm suppression by design ("converter not blowing").

A small, safe language over tag values: tag names, numbers, true/false, comparisons
(< <= > >= == !=), `and`, `or`, `not`, unary minus and parentheses, e.g.
`BOF1.O2.FLOW < 100 and not BOF1.LANCE.IN_POSITION`. It is parsed once with Python's `ast`
and evaluated by a tree walk over a whitelist of node types: nothing is ever `eval`-ed.

Limits, checked when the plant file is loaded so nothing fails at evaluation: at most
`MAX_TEXT_CHARS` characters, nesting at most `MAX_NESTING` levels (bounded by `nesting_bound`
on the text before Python's parser sees it, so deep input never ends in a RecursionError), and
every number finite. The rule language (`app.rules.language`) shares them.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

import numpy as np

from core.schema.base import RESERVED_WORDS

# a number (passed through: the e of 1e5 is no tag) or a tag name, which may hold dots and hyphens
_TAG = re.compile(
    r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*"
)
# the words of the tag expressions and of the rule language: a tag so named could not be read
_WORDS = RESERVED_WORDS
MAX_TEXT_CHARS = 4000  # characters of one expression or rule
MAX_NESTING = 64  # levels of parentheses and operators (see nesting_bound)

# Python-like tokens, for the nesting bound: what cannot deepen the tree is skipped
_PY_TOKEN = re.compile(
    r"""(?P<skip>\s+|"[^"\\]*"|'[^'\\]*'|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|,|;)
    |(?P<word>[^\W\d]\w*)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<cmp>==|!=|<=|>=|<|>)
    |(?P<op>.)""",
    re.VERBOSE | re.DOTALL,
)
_DEEPENING_WORDS = frozenset({"not", "if", "else", "lambda", "await", "yield", "for", "in", "is"})
_PER_LEVEL = 4  # tree levels one pair of parentheses may hold besides its operators


def nesting_bound(source: str) -> int:
    """An upper bound of the depth of the tree Python's parser builds for `source`, in one linear
    pass without recursion. Each pair of parentheses (or brackets) adds a level plus every
    operator directly inside it: left-nested chains like 1+1+1 or not not x deepen the tree by
    one per operator; comparisons and and/or chains are flat."""
    stack = [[0, 0]]  # per open bracket: [operators directly inside, deepest bound below]
    last = ""
    for m in _PY_TOKEN.finditer(source):
        kind = m.lastgroup
        if kind == "skip":
            if not m.group().isspace():
                last = kind
            continue
        if kind == "open":
            if last == "close":  # f(a)(b), x[1][2]: each trailer nests the one before
                stack[-1][0] += 1
            stack.append([0, 0])
        elif kind == "close":
            if len(stack) > 1:
                ops, below = stack.pop()
                stack[-1][1] = max(stack[-1][1], ops + below + _PER_LEVEL)
        elif kind == "op" or (kind == "word" and m.group() in _DEEPENING_WORDS):
            stack[-1][0] += 1
        last = kind
    while len(stack) > 1:  # unclosed brackets: the parser refuses them, but bound them anyway
        ops, below = stack.pop()
        stack[-1][1] = max(stack[-1][1], ops + below + _PER_LEVEL)
    return stack[0][0] + stack[0][1] + _PER_LEVEL


def check_limits(text: str, source: str, what: str) -> str | None:
    """Why `text` (as `source` once its names are swapped) is beyond the limits, or None."""
    if len(text) > MAX_TEXT_CHARS:
        return f"{what} is {len(text):,} characters long (at most {MAX_TEXT_CHARS:,})"
    if nesting_bound(source) > MAX_NESTING:
        return f"{what} is nested too deeply (more than {MAX_NESTING} levels of parentheses and operators)"
    return None


def finite_number(value) -> bool:
    """A number constant the evaluation can use: finite, and an integer a float can hold."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


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
    tree, used = _parse(text, tag_index)

    def evaluate(values: np.ndarray) -> bool:
        return bool(_eval(tree.body, values))

    return evaluate, used


def compile_value(text: str, tag_index: dict[str, int]) -> tuple[Callable[[np.ndarray], float], list[int]]:
    """As compile_expression, but the evaluation gives the expression's value as a number (a tag's
    value, -x, true 1.0 / false 0.0; NaN for a bad tag): a process phase read as 0, 1, 2, 3."""
    tree, used = _parse(text, tag_index)

    def evaluate(values: np.ndarray) -> float:
        return float(_eval(tree.body, values))

    return evaluate, used


def _parse(text: str, tag_index: dict[str, int]) -> tuple[ast.Expression, list[int]]:
    """The checked syntax tree of an expression and the tag indexes it reads."""
    used: list[int] = []
    if len(text) > MAX_TEXT_CHARS:  # before anything else walks the text
        raise ExpressionError(check_limits(text, "", "the expression"))

    def swap(m: re.Match) -> str:
        word = m.group(0)
        if m.group("num"):
            return word
        if word in _WORDS:
            return {"true": "True", "false": "False"}.get(word, word)
        if word not in tag_index:
            raise ExpressionError(f"unknown tag {word!r} in {text!r}")
        used.append(tag_index[word])
        return f"_v[{tag_index[word]}]"

    source = _TAG.sub(swap, text)
    problem = check_limits(text, source, "the expression")
    if problem:
        raise ExpressionError(f"{problem}: {_short(text)}")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError):
        raise ExpressionError(f"cannot read expression {text!r}") from None
    except (RecursionError, MemoryError):  # not reached below MAX_NESTING; never a traceback
        raise ExpressionError(f"the expression is nested too deeply: {_short(text)}") from None
    _check(tree.body, text)
    return tree, sorted(set(used))


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
        if isinstance(n, ast.Constant) and not finite_number(n.value):
            raise ExpressionError(
                f"a number in {text!r} is too large (numbers must be finite, below 1.8e308)"
            )
        if isinstance(n, ast.Subscript) and not (isinstance(n.value, ast.Name) and n.value.id == "_v"):
            raise ExpressionError(f"cannot read expression {text!r}")
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id != "_v":
            raise ExpressionError(f"unknown name {n.id!r} in {text!r}")


def _short(text: str, n: int = 80) -> str:
    return repr(text if len(text) <= n else text[:n] + "...")


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
