"""A rule's condition in words, for the operator: built from the compiled rule, translatable.

`describe(root)` turns the tree `app.rules.language` compiled into a `Message`, e.g.
`BOF1.BLOWING and rising(BOF1.LANCE.FLOW_DIFF, 300, 1.0)` reads "BOF1.BLOWING is on, and
BOF1.LANCE.FLOW_DIFF rising by more than 1 m³/h in 5 min", and
`count_rising("BF1.HEARTH.TC*", 600, 8) >= 2` reads "at least 2 of BF1.HEARTH.TC* rising by more
than 8 °C in 10 min". Tag names, patterns and numbers stay as written; every joining word is a
template of the "rules" context, so the Chinese screens read Chinese. The raw text is shown
beside it (Why?), never replaced by it.
"""

from __future__ import annotations

import operator

from app.rules.functions import Call, Node, fmt_span, fmt_term_value, per_min, rule_text
from app.rules.language import Arith, BoolOp, Compare, Const, Neg, Not, TagTerm
from core.messages import QT_TRANSLATE_NOOP, Message, word

_COUNTS = {"count_rising", "count_above", "offline"}
_OPS = {
    operator.gt: QT_TRANSLATE_NOOP("rules", "{left} is above {right}"),
    operator.ge: QT_TRANSLATE_NOOP("rules", "{left} is at least {right}"),
    operator.lt: QT_TRANSLATE_NOOP("rules", "{left} is below {right}"),
    operator.le: QT_TRANSLATE_NOOP("rules", "{left} is at most {right}"),
    operator.eq: QT_TRANSLATE_NOOP("rules", "{left} equals {right}"),
    operator.ne: QT_TRANSLATE_NOOP("rules", "{left} differs from {right}"),
}
_SYMBOLS = {operator.add: "+", operator.sub: "-", operator.mul: "×", operator.truediv: "/"}


def describe(root: Node) -> Message:
    """The condition of a compiled rule as a sentence (a Message)."""
    return _cond(root, top=True)


def _pattern(c: Call) -> str:
    return ", ".join(
        p.strip() for p in (c.pattern or "").replace(",", "|").split("|") if p.strip()
    ) or ", ".join(c.names[:3])


def _unit_of(c: Call) -> str:
    units = {u for u in c.units if u}
    return f" {units.pop()}" if len(units) == 1 else ""


def _change(c: Call, k: int) -> Message | None:
    """'by more than 2 ppm' when the call gives a min_change at args[k], else None."""
    if len(c.args) > k:
        return rule_text(
            QT_TRANSLATE_NOOP("rules", "by more than {change}{unit}"),
            change=fmt_term_value(c.args[k]),
            unit=_unit_of(c),
        )
    return None


def _trend_words(c: Call, span: float, k: int, rising: bool) -> Message:
    """'rising by more than 2 ppm in 2 min' / 'rising beyond the noise in 5 min'."""
    how = _change(c, k) or word("rules", QT_TRANSLATE_NOOP("rules", "beyond the noise"))
    if rising:
        return rule_text(QT_TRANSLATE_NOOP("rules", "rising {how} in {span}"), how=how, span=fmt_span(span))
    return rule_text(QT_TRANSLATE_NOOP("rules", "falling {how} in {span}"), how=how, span=fmt_span(span))


def _predicate(c: Call) -> Message:
    """What each tag of a pattern function is counted for."""
    if c.fn == "count_rising":
        return _trend_words(c, c.args[0], 1, True)
    if c.fn == "count_above":
        return rule_text(
            QT_TRANSLATE_NOOP("rules", "above {value}{unit}"),
            value=fmt_term_value(c.args[0]),
            unit=_unit_of(c),
        )
    return word("rules", QT_TRANSLATE_NOOP("rules", "offline (no value)"))


def _at_least(n, c: Call) -> Message:
    return rule_text(
        QT_TRANSLATE_NOOP("rules", "at least {n} of {pattern} {predicate}"),
        n=fmt_term_value(n),
        pattern=_pattern(c),
        predicate=_predicate(c),
    )


def _value(n: Node) -> Message | str:
    """A node used as a number."""
    if isinstance(n, Const):
        return fmt_term_value(n.value)
    if isinstance(n, TagTerm):
        return n.name
    if isinstance(n, Neg):
        return f"-{_value(n.a)}"
    if isinstance(n, Arith):
        a, b = _value(n.a), _value(n.b)
        return rule_text(QT_TRANSLATE_NOOP("rules", "({a} {op} {b})"), a=a, op=_SYMBOLS.get(n.op, "?"), b=b)
    if isinstance(n, Call):
        tag = n.names[0] if n.names else ""
        span = fmt_span(n.span)
        if n.fn == "delta":
            return rule_text(QT_TRANSLATE_NOOP("rules", "the change of {tag} in {span}"), tag=tag, span=span)
        if n.fn == "slope":
            return rule_text(QT_TRANSLATE_NOOP("rules", "the trend of {tag} over {span}"), tag=tag, span=span)
        if n.fn == "mean":
            return rule_text(QT_TRANSLATE_NOOP("rules", "the mean of {tag} over {span}"), tag=tag, span=span)
        if n.fn == "max":
            return rule_text(QT_TRANSLATE_NOOP("rules", "the highest {tag} over {span}"), tag=tag, span=span)
        if n.fn == "min":
            return rule_text(QT_TRANSLATE_NOOP("rules", "the lowest {tag} over {span}"), tag=tag, span=span)
        if n.fn in _COUNTS:
            return rule_text(
                QT_TRANSLATE_NOOP("rules", "the number of {pattern} {predicate}"),
                pattern=_pattern(n),
                predicate=_predicate(n),
            )
    return rule_text(QT_TRANSLATE_NOOP("rules", "whether {condition}"), condition=_cond(n))


def _unit_for(n: Node) -> str:
    if isinstance(n, TagTerm):
        return f" {n.unit}" if n.unit else ""
    if isinstance(n, Call) and n.fn in ("delta", "mean", "max", "min"):
        return _unit_of(n)
    if isinstance(n, Call) and n.fn == "slope":
        return f" {per_min(n.units[0] if n.units else '')}"
    return ""


def _compare(n: Compare) -> Message:
    left, ops, rights = n.left, n.ops, n.rights
    if (
        len(ops) == 1
        and isinstance(left, Call)
        and left.fn in _COUNTS
        and isinstance(rights[0], Const)
        and ops[0] in (operator.ge, operator.gt)
    ):
        k = float(rights[0].value)
        k = k + 1 if ops[0] is operator.gt and k.is_integer() else k
        if ops[0] is operator.ge or k.is_integer():
            return _at_least(int(k) if float(k).is_integer() else k, left)
    unit = _unit_for(left)
    parts: list[Message] = []
    a = _value(left)
    for op, right in zip(ops, rights, strict=True):
        b = _value(right)
        if isinstance(right, Const) and unit:
            b = f"{b}{unit}"
        parts.append(rule_text(_OPS[op], left=a, right=b))
        a = b
    return _join(parts, True)


def _join(parts: list, is_and: bool) -> Message:
    out = parts[0]
    for p in parts[1:]:
        out = (
            rule_text(QT_TRANSLATE_NOOP("rules", "{a}, and {b}"), a=out, b=p)
            if is_and
            else rule_text(QT_TRANSLATE_NOOP("rules", "{a}, or {b}"), a=out, b=p)
        )
    return (
        out
        if isinstance(out, Message)
        else rule_text(QT_TRANSLATE_NOOP("rules", "{condition}"), condition=out)
    )


def _cond(n: Node, top: bool = False) -> Message:
    """A node used as a condition."""
    if isinstance(n, BoolOp):
        parts = [_paren(x) if isinstance(x, BoolOp) else _cond(x) for x in n.items]
        return _join(parts, n.is_and)
    if isinstance(n, Not):
        return rule_text(QT_TRANSLATE_NOOP("rules", "not ({condition})"), condition=_cond(n.a))
    if isinstance(n, Compare):
        return _compare(n)
    if isinstance(n, Const):
        return (
            word("rules", QT_TRANSLATE_NOOP("rules", "always"))
            if n.value
            else word("rules", QT_TRANSLATE_NOOP("rules", "never"))
        )
    if isinstance(n, TagTerm):
        return rule_text(QT_TRANSLATE_NOOP("rules", "{tag} is on"), tag=n.name)
    if isinstance(n, Call):
        tag = n.names[0] if n.names else ""
        if n.fn in ("rising", "falling"):
            return rule_text(
                QT_TRANSLATE_NOOP("rules", "{tag} {trend}"),
                tag=tag,
                trend=_trend_words(n, n.span, 1, n.fn == "rising"),
            )
        if n.fn == "cluster_rising":
            radius, count, span = n.args[0], n.args[1], n.args[2]
            return rule_text(
                QT_TRANSLATE_NOOP(
                    "rules", "{n} or more of {pattern} within {radius} m of each other {trend}"
                ),
                n=count,
                pattern=_pattern(n),
                radius=fmt_term_value(radius),
                trend=_trend_words(n, span, 3, True),
            )
        if n.fn in _COUNTS:
            return _at_least(1, n)
        if n.fn == "held":
            return rule_text(
                QT_TRANSLATE_NOOP("rules", "{condition}, without a break for {span}"),
                condition=_cond(n.args[0]),
                span=fmt_span(n.span),
            )
    return rule_text(QT_TRANSLATE_NOOP("rules", "{value} is not zero"), value=_value(n))


def _paren(n: Node) -> Message:
    return rule_text(QT_TRANSLATE_NOOP("rules", "({condition})"), condition=_cond(n))
