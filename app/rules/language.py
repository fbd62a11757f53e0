"""The rule language: text to a tree of compiled nodes, checked once and never `eval`-ed.

`Compiler` swaps every tag name for a placeholder, parses the text with Python's `ast` and turns
the tree into nodes over a whitelist of node types: numbers, `true`/`false`, tags, `+ - * /`,
unary minus, comparisons (chained), `and`, `or`, `not` and the calls of `_SIGNATURES` (their
nodes and what they compute are in `app.rules.functions`). Unknown tags or functions, wrong
arguments, patterns that match nothing and syntax errors raise `RuleError` naming the problem.

A rule is refused when it is loaded, never failing at each evaluation instead: longer than
`MAX_TEXT_CHARS`, nested deeper than `MAX_NESTING` (bounded on the text before Python's parser
sees it), a number that is not finite, seconds outside (0, `MAX_SECONDS`], a count outside
1-`MAX_COUNT`, a radius that is not positive. The text is tokenised in one linear pass.
"""

from __future__ import annotations

import ast
import fnmatch
import math
import operator
import re

from app.config import PlantConfig
from app.rules.expression import (
    COMPARISONS,
    MAX_TEXT_CHARS,
    check_limits,
    finite_number,
)
from app.rules.functions import (
    SELF_EXPLAINED,
    Call,
    Node,
    Term,
    as_number,
    fmt_term_value,
    kleene_and,
    kleene_or,
    per_min,
    truth,
)

_SHORT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")  # a word without hyphens (a - b)
# one token at a time, matched in place (never a slice of the rest): quoted text, an unterminated
# quote, a number (ASCII digits only: "²" or "٣" are not numbers here), a word (a tag may hold
# dots and hyphens), anything else one character at a time
_TOKEN = re.compile(
    r"""(?P<string>"[^"\\]*"|'[^'\\]*')
    |(?P<quote>["'])
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_NEXT = re.compile(r"\s*")  # the blanks between a word and what follows it
MAX_SECONDS = 7 * 86400.0  # the longest look-back or hold time of a rule function
MAX_COUNT = 100_000  # the largest count (cluster_rising's n)
KEYWORDS = {
    "and": "and",
    "or": "or",
    "not": "not",
    "true": "True",
    "false": "False",
    "True": "True",
    "False": "False",
}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

# name -> argument kinds; a trailing "?" marks an optional argument
# T tag, P pattern, S seconds (0 < s <= MAX_SECONDS), X number, R distance (> 0),
# N count (integer 1-MAX_COUNT), C condition
_SIGNATURES: dict[str, tuple[str, ...]] = {
    "delta": ("T", "S"),
    "slope": ("T", "S"),
    "rising": ("T", "S", "X?"),
    "falling": ("T", "S", "X?"),
    "mean": ("T", "S"),
    "max": ("T", "S"),
    "min": ("T", "S"),
    "count_rising": ("P", "S", "X?"),
    "count_above": ("P", "X"),
    "cluster_rising": ("P", "R", "N", "S", "X?"),
    "offline": ("P",),
    "held": ("C", "S"),
}
_USAGE = {
    "delta": "delta(TAG, seconds)",
    "slope": "slope(TAG, seconds)",
    "rising": "rising(TAG, seconds[, min_change])",
    "falling": "falling(TAG, seconds[, min_change])",
    "mean": "mean(TAG, seconds)",
    "max": "max(TAG, seconds)",
    "min": "min(TAG, seconds)",
    "count_rising": 'count_rising("PATTERN", seconds[, min_change])',
    "count_above": 'count_above("PATTERN", threshold)',
    "cluster_rising": 'cluster_rising("PATTERN", radius_m, n, seconds[, min_change])',
    "offline": 'offline("PATTERN")',
    "held": "held(condition, seconds)",
}


class RuleError(ValueError):
    """A rule that cannot be used; the message says why and where."""


class _TooLarge(RuleError):
    """A number constant that is not finite (1e400)."""


class Const(Node):
    def __init__(self, value):
        self.value = value

    def ev(self, ctx):
        return self.value


class TagTerm(Node):
    def __init__(self, i: int, name: str, unit: str, slot: int, is_bool: bool = False):
        self.i, self.name, self.unit, self.slot, self.is_bool = i, name, unit, slot, is_bool

    def ev(self, ctx):
        v = float(ctx.values[self.i])
        ctx.terms[self.slot] = (self._term, (v,))
        return v

    def _term(self, v: float) -> Term:
        shown = (None if math.isnan(v) else v != 0.0) if self.is_bool else v  # a bool tag reads yes/no
        return Term(self.name, shown, self.unit)


class Arith(Node):
    def __init__(self, op, a: Node, b: Node):
        self.op, self.a, self.b = op, a, b

    def ev(self, ctx):
        a, b = as_number(self.a.ev(ctx)), as_number(self.b.ev(ctx))
        if self.op is operator.truediv and b == 0:
            return math.nan
        return self.op(a, b)


class Neg(Node):
    def __init__(self, a: Node):
        self.a = a

    def ev(self, ctx):
        return -as_number(self.a.ev(ctx))


class Not(Node):
    def __init__(self, a: Node):
        self.a = a

    def ev(self, ctx):
        v = truth(self.a.ev(ctx))
        return None if v is None else not v


class BoolOp(Node):
    """and / or over three truth values (`kleene_and`, `kleene_or`): every operand is evaluated (no short
    cut), so `held` keeps time and the operator sees every term."""

    def __init__(self, is_and: bool, items: list[Node]):
        self.is_and, self.items = is_and, items

    def ev(self, ctx):
        vals = [truth(x.ev(ctx)) for x in self.items]
        return kleene_and(vals) if self.is_and else kleene_or(vals)


class Compare(Node):
    def __init__(self, left: Node, ops: list, rights: list[Node], text: str, slot: int):
        self.left, self.ops, self.rights, self.text, self.slot = left, ops, rights, text, slot
        self.unit = getattr(left, "unit", "") or (getattr(left, "units", None) or [""])[0]
        if isinstance(left, Call) and left.fn in ("slope",):
            self.unit = per_min(self.unit)
        # a true comparison says what it found, unless a function beside it says it already
        self.explains = not any(isinstance(x, Call) and x.fn in SELF_EXPLAINED for x in (left, *rights))

    def ev(self, ctx):
        left = first = as_number(self.left.ev(ctx))
        results: list[bool | None] = []
        for op, node in zip(self.ops, self.rights, strict=True):
            right = as_number(node.ev(ctx))
            results.append(None if math.isnan(left) or math.isnan(right) else bool(op(left, right)))
            left = right
        ok = kleene_and(results)  # a value without data makes the comparison unknown, not false
        ctx.terms[self.slot] = (self._term, (ok, first))
        return ok

    def _term(self, ok: bool | None, first: float) -> Term:
        ev = ""
        if ok and self.explains:
            ev = f"{self.text} ({fmt_term_value(first)}{' ' + self.unit if self.unit else ''})"
        return Term(self.text, ok, "", "", ev)


# ---------------------------------------------------------------- compiling


class Compiler:
    """Turns rule text into a tree of `Node`s, checking every name, function and argument."""

    def __init__(self, text: str, cfg: PlantConfig, window_step: float):
        self.text, self.cfg, self.window_step = text, cfg, window_step
        self.index = cfg.tag_index()
        self.names: dict[str, str] = {}  # placeholder -> tag name
        self.used: set[int] = set()
        self.n_slots = 0
        self.calls: list[Call] = []

    # -- text to ast
    def tokenise(self) -> str:
        """The text with every tag name swapped for a placeholder name (`_T12`); quoted patterns
        and numbers pass through untouched. One pass, each token matched in place: linear."""
        text, out, pos, end = self.text, [], 0, len(self.text)
        while pos < end:
            m = _TOKEN.match(text, pos)
            kind = m.lastgroup
            if kind == "quote":
                raise RuleError(f"unterminated quoted text in {_short(text)}")
            if kind == "word":
                word, swapped = self._word(text, pos, m.end())
                out.append(swapped)
                pos += len(word)
                continue
            out.append(m.group(0))
            pos = m.end()
        return "".join(out)

    def _word(self, text: str, pos: int, end: int) -> tuple[str, str]:
        """(the word at pos, ending at end, what it becomes in the source given to `ast`)."""
        word = text[pos:end]
        if word not in self.index and "-" in word:
            word = _SHORT.match(text, pos).group(0)  # "A-B" is A minus B unless a tag is named so
            end = pos + len(word)
        if word in KEYWORDS:
            return word, KEYWORDS[word]
        nxt = _NEXT.match(text, end).end()
        if text.startswith("=", nxt) and not text.startswith("==", nxt):
            raise RuleError(f"functions take plain arguments, not {word}=..., in {text!r}")
        if text.startswith("(", nxt):
            if word not in _SIGNATURES:
                known = ", ".join(sorted(_SIGNATURES))
                raise RuleError(f"unknown function {word!r} in {text!r} (functions: {known})")
            return word, word
        if word in self.index:
            ph = f"_T{self.index[word]}"
            self.names[ph] = word
            return word, ph
        if text.startswith((".*", "*", ".?", "?"), end):
            raise RuleError(f'a tag pattern must be quoted, e.g. "{word}.*", in {text!r}')
        if word in _SIGNATURES:
            raise RuleError(f"{word!r} is a function; write {_USAGE[word]} in {text!r}")
        raise RuleError(f"unknown tag {word!r} in {text!r}")

    def parse(self) -> Node:
        if not self.text.strip():
            raise RuleError("empty rule")
        if len(self.text) > MAX_TEXT_CHARS:  # before anything walks the text
            raise RuleError(f"{check_limits(self.text, '', 'the rule')}: {_short(self.text)}")
        source = self.tokenise()
        problem = check_limits(self.text, source, "the rule")
        if problem:
            raise RuleError(f"{problem}: {_short(self.text)}")
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except (SyntaxError, ValueError):
            raise RuleError(f"cannot read rule {self.text!r} (syntax error)") from None
        except (RecursionError, MemoryError):  # not reached below MAX_NESTING; never a traceback
            raise RuleError(f"the rule is nested too deeply: {_short(self.text)}") from None
        return self.node(tree.body)

    # -- ast to nodes
    def show(self, node: ast.AST) -> str:
        s = ast.unparse(node)
        return re.sub(r"\b_T\d+\b", lambda m: self.names.get(m.group(0), m.group(0)), s)

    def slot(self) -> int:
        self.n_slots += 1
        return self.n_slots - 1

    def node(self, n: ast.AST) -> Node:
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool | int | float):
                if not finite_number(n.value):
                    raise RuleError(
                        f"a number in {self.text!r} is too large (numbers must be finite, below 1.8e308)"
                    )
                return Const(n.value)
            if isinstance(n.value, str):
                raise RuleError(
                    f"a quoted text {n.value!r} is only allowed as a tag pattern in {self.text!r}"
                )
            raise RuleError(f"{n.value!r} is not allowed in {self.text!r}")
        if isinstance(n, ast.Name):
            if n.id in self.names:
                i = self.index[self.names[n.id]]
                self.used.add(i)
                t = self.cfg.tags[i]
                return TagTerm(i, self.names[n.id], t.unit, self.slot(), t.type == "bool")
            raise RuleError(f"unknown name {n.id!r} in {self.text!r}")
        if isinstance(n, ast.BinOp) and type(n.op) in _ARITH:
            return Arith(_ARITH[type(n.op)], self.node(n.left), self.node(n.right))
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.USub):
                return Neg(self.node(n.operand))
            if isinstance(n.op, ast.UAdd):
                return self.node(n.operand)
            if isinstance(n.op, ast.Not):
                return Not(self.node(n.operand))
        if isinstance(n, ast.BoolOp):
            return BoolOp(isinstance(n.op, ast.And), [self.node(v) for v in n.values])
        if isinstance(n, ast.Compare):
            if not all(type(op) in COMPARISONS for op in n.ops):
                raise RuleError(f"only < <= > >= == != compare values in {self.text!r}")
            slot = self.slot()
            left = self.node(n.left)
            rights = [self.node(c) for c in n.comparators]
            return Compare(left, [COMPARISONS[type(op)] for op in n.ops], rights, self.show(n), slot)
        if isinstance(n, ast.Call):
            return self.call(n)
        if isinstance(n, ast.BinOp):
            raise RuleError(f"operator {type(n.op).__name__} is not allowed in {self.text!r} (use + - * /)")
        raise RuleError(f"{type(n).__name__} is not allowed in {self.text!r}")

    def call(self, n: ast.Call) -> Node:
        if not isinstance(n.func, ast.Name) or n.func.id not in _SIGNATURES:
            raise RuleError(f"{self.show(n.func)!r} cannot be called in {self.text!r}")
        fn = n.func.id
        sig = _SIGNATURES[fn]
        usage = _USAGE[fn]
        if n.keywords or any(isinstance(a, ast.Starred) for a in n.args):
            raise RuleError(f"{fn} takes plain arguments: {usage}, in {self.text!r}")
        need = sum(1 for k in sig if not k.endswith("?"))
        if not need <= len(n.args) <= len(sig):
            raise RuleError(f"{fn} takes {usage}, got {len(n.args)} argument(s) in {self.text!r}")
        slot = self.slot()
        args: list = []
        spans: list[float] = []
        tags: tuple[int, ...] = ()
        pattern = ""
        for a, kind in zip(n.args, sig, strict=False):
            kind = kind.rstrip("?")
            if kind == "T":
                tags = (self.tag_arg(a, fn, usage),)
            elif kind == "P":
                tags = self.pattern_arg(a, fn, usage)
                pattern = a.value if isinstance(a, ast.Constant) else self.show(a)
            elif kind == "C":
                args.append(self.node(a))
            else:
                args.append(self.number_arg(a, kind, fn, usage))
                if kind == "S":
                    spans.append(args[-1])
        if fn == "cluster_rising":
            with_map = tuple(i for i in tags if self.cfg.tags[i].map is not None)
            if not with_map:
                pat = n.args[0].value if isinstance(n.args[0], ast.Constant) else self.show(n.args[0])
                raise RuleError(f"no tag matching {pat!r} has a map position, in {self.text!r}")
            tags = with_map
        self.used.update(tags)
        call = Call(fn, self.show(n), slot, args, tags, self)
        call.span = max(spans, default=0.0)
        call.pattern = pattern
        self.calls.append(call)
        return call

    def tag_arg(self, a: ast.AST, fn: str, usage: str) -> int:
        if isinstance(a, ast.Name) and a.id in self.names:
            return self.index[self.names[a.id]]
        if isinstance(a, ast.Constant) and isinstance(a.value, str):
            if a.value in self.index:
                return self.index[a.value]
            raise RuleError(f"unknown tag {a.value!r} in {fn}() in {self.text!r}")
        raise RuleError(f"{fn} needs a tag name as first argument: {usage}, in {self.text!r}")

    def pattern_arg(self, a: ast.AST, fn: str, usage: str) -> tuple[int, ...]:
        if isinstance(a, ast.Name) and a.id in self.names:  # a single tag, unquoted
            return (self.index[self.names[a.id]],)
        if not (isinstance(a, ast.Constant) and isinstance(a.value, str)):
            raise RuleError(f"{fn} needs a quoted tag pattern as first argument: {usage}, in {self.text!r}")
        pats = [p.strip() for p in re.split(r"[|,]", a.value) if p.strip()]
        tags = tuple(
            i for i, t in enumerate(self.cfg.tags) if any(fnmatch.fnmatchcase(t.name, p) for p in pats)
        )
        if not tags:
            raise RuleError(f"pattern {a.value!r} matches no tag, in {self.text!r}")
        return tags

    def number_arg(self, a: ast.AST, kind: str, fn: str, usage: str) -> float:
        try:
            v = self.fold(a)
        except _TooLarge:
            raise RuleError(
                f"{fn}: a number is too large (numbers must be finite, below 1.8e308), in {self.text!r}"
            ) from None
        except RuleError:
            raise RuleError(f"{fn} needs a number for {self.show(a)!r}: {usage}, in {self.text!r}") from None
        if not math.isfinite(v):  # 1e308 * 10
            raise RuleError(
                f"{fn}: a number is too large (numbers must be finite, below 1.8e308), in {self.text!r}"
            )
        if kind == "S" and not 0 < v <= MAX_SECONDS:
            raise RuleError(
                f"{fn}: seconds must be positive and at most {MAX_SECONDS:g} (7 days), "
                f"got {self.show(a)} in {self.text!r}"
            )
        if kind == "R" and not v > 0:
            raise RuleError(f"{fn}: the distance must be positive, got {self.show(a)} in {self.text!r}")
        if kind == "N" and not (1 <= v <= MAX_COUNT and float(v).is_integer()):
            raise RuleError(
                f"{fn}: the count must be a whole number from 1 to {MAX_COUNT}, "
                f"got {self.show(a)} in {self.text!r}"
            )
        return int(v) if kind == "N" else float(v)

    def fold(self, a: ast.AST) -> float:
        """A number written as a constant expression (300, 5 * 60, -2)."""
        if isinstance(a, ast.Constant) and isinstance(a.value, int | float) and not isinstance(a.value, bool):
            if not finite_number(a.value):
                raise _TooLarge("not a finite number")
            return float(a.value)
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub | ast.UAdd):
            v = self.fold(a.operand)
            return -v if isinstance(a.op, ast.USub) else v
        if isinstance(a, ast.BinOp) and type(a.op) in _ARITH:
            left, right = self.fold(a.left), self.fold(a.right)
            if isinstance(a.op, ast.Div) and right == 0:
                raise RuleError("division by zero")
            return _ARITH[type(a.op)](left, right)
        raise RuleError("not a number")


def _short(text: str, n: int = 80) -> str:
    return repr(text if len(text) <= n else text[:n] + "...")
