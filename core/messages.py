"""Texts the core builds for people, translatable without Qt.

The core (`app/`) has no Qt, yet its sentences reach the operator: risk explanations, the
reasoning behind an early warning, rule terms, KPI notes, durations. Each is built as a
`Message`: a translation context, an English template with ``{named}`` placeholders, and the
arguments that fill it.

A `Message` *is* its English text (a `str` subclass whose value is the filled-in English
template), so logs, the command line, CSV/JSON exports, the journals and every comparison with
English keep working unchanged. The GUI renders it in the installed language with
`views.i18n.text(message)`: ``QCoreApplication.translate(context, template).format(**args)``,
arguments that are themselves Messages (risk colours, durations, words) translated likewise.
Anything that concatenates a Message with other text gets plain English back.

Templates are marked with `QT_TRANSLATE_NOOP("context", "template")`, a pure-Python stand-in
of Qt's marker with the same name, so `pyside6-lupdate` collects them from `app/` like the
``tr()`` texts of `views/` (`tools/update_translations.py`). Write the template as literal
text right inside the marker (no f-string, no variable): lupdate only reads literals.
Numbers are formatted by the core before they go in, so they read the same in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

Translate = Callable[[str, str], str]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark `text` for translation in `context` (collected by pyside6-lupdate); returns `text`."""
    return text


def _english(context: str, template: str) -> str:
    return template


class Message(str):
    """An English text that knows how it was built: ``context``, ``template`` and ``args``.

    ``Message("risk", QT_TRANSLATE_NOOP("risk", "{tag} bad quality"), tag="GH1.CO.01")`` equals
    ``"GH1.CO.01 bad quality"``; `render` gives it in another language. Immutable.
    """

    context: str
    template: str
    args: Mapping[str, Any]

    def __new__(cls, context: str, template: str, /, **args: Any) -> Message:
        self = super().__new__(cls, _fill(template, args, _english, template))
        object.__setattr__(self, "context", context)
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "args", MappingProxyType(args))
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Message is immutable")

    def __reduce__(self):  # copy and pickle rebuild it from its parts
        return _rebuild, (self.context, self.template, dict(self.args))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.args.items())
        return f"Message({self.context!r}, {self.template!r}{args})"

    def render(self, translate: Translate) -> str:
        """The text with `translate(context, template)` as template (arguments rendered the
        same way); the English template when there is no translation or it does not fit the
        arguments."""
        return _fill(
            translate(self.context, self.template) or self.template, self.args, translate, self.template
        )

    @classmethod
    def join(cls, separator: str, items: Iterable[Any]) -> Message:
        """`items` (Messages or text) joined by `separator`, each rendered on its own."""
        parts = {f"p{k}": x for k, x in enumerate(items)}
        sep = separator.replace("{", "{{").replace("}", "}}")
        return cls("", sep.join("{" + k + "}" for k in parts), **parts)


def _rebuild(context: str, template: str, args: dict[str, Any]) -> Message:
    return Message(context, template, **args)


def word(context: str, text: str) -> Message:
    """A translatable word or phrase without arguments (mark `text` where it is written)."""
    return Message(context, text)


def _fill(template: str, args: Mapping[str, Any], translate: Translate, fallback: str) -> str:
    values = {k: v.render(translate) if isinstance(v, Message) else v for k, v in args.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation with a wrong placeholder
        return fallback.format(**values)


# its translation is the language's code ("zh_CN"): Qt's QT_LAYOUT_DIRECTION idiom, so a text can
# tell the language from the translations themselves (marked for translation in app/rules/engine.py)
LANGUAGE_PROBE = ("rules", "FOREWARN_LANGUAGE")


def in_chinese(translate: Translate) -> bool:
    """Whether `translate` is the Simplified Chinese one."""
    return str(translate(*LANGUAGE_PROBE) or "").startswith("zh")


class PlantText(Message):
    """A text from the plant file (a rule's message, a tag's description, a hazard source's name),
    shown as written, or as its Simplified Chinese version (`message_zh`, `description_zh`,
    `name_zh`) on Chinese screens. Equal to the text as written, so the journal, logs, CSV and
    every comparison keep the plant's own words."""

    zh: str

    def __new__(cls, text: str, zh: str = "") -> PlantText:
        self = super().__new__(cls, "", "{text}", text=text)
        object.__setattr__(self, "zh", zh or "")
        return self

    def __reduce__(self):
        return PlantText, (str(self), self.zh)

    def __repr__(self) -> str:
        return f"PlantText({str(self)!r}, zh={self.zh!r})"

    def render(self, translate: Translate) -> str:
        if self.zh and in_chinese(translate):
            return self.zh
        return str(self)


def plant_text(text: str, zh: str = "") -> str:
    """`text` as a `PlantText` when it has a Chinese version, else the plain text."""
    return PlantText(text, zh) if zh else text


def render(text: Any, translate: Translate) -> str:
    """A Message rendered with `translate`; any other text as it is ('' for None)."""
    if isinstance(text, Message):
        return text.render(translate)
    return "" if text is None else str(text)


__all__ = [
    "LANGUAGE_PROBE",
    "QT_TRANSLATE_NOOP",
    "Message",
    "PlantText",
    "Translate",
    "in_chinese",
    "plant_text",
    "render",
    "word",
]
