"""Incident rules: conditions over several tags (being extended with time operators)."""

from __future__ import annotations

from app.expression import ExpressionError, compile_expression


class RuleError(ValueError):
    """A rule that cannot be used; the message says why and where."""


def compile_rule(text: str, cfg):
    try:
        return compile_expression(text, cfg.tag_index())
    except ExpressionError as exc:
        raise RuleError(str(exc)) from None
