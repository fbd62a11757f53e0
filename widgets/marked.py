"""Words of a table keyed by a code, marked for translation (QT_TRANSLATE_NOOP), in the installed
language: a state, a kind, a column's name."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication


def marked_word(context: str, table: Mapping[str, str], key: str) -> str:
    """`table[key]` translated in `context`; the key itself when the table has no word for it."""
    return QCoreApplication.translate(context, table[key]) if key in table else key
