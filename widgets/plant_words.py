"""The plant's own words on Chinese screens: hazard sources' and rules' `name_zh` and tags'
`description_zh` from the plant file, shown wherever those names and descriptions are shown
when the screens are in Simplified Chinese. The records keep the plant's names as written (they
are keys: the journal, the filters, the map and the risk states use them), so the words are
looked up only when they are drawn.

A limit alarm's message is plain text built on the acquisition thread ("CO detector, gas
pipeline 5 HH 161 ppm > 160 ppm"): its description is swapped for the Chinese one here, at
display. The other texts the core builds carry the description as a `core.messages.PlantText`
and are rendered in the language by `render` itself.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.alarm_types import LIMIT_KINDS
from core.messages import in_chinese

_KIND_SPACED = tuple(f" {k} " for k in LIMIT_KINDS)


class PlantWords:
    """The Chinese names and descriptions of one plant configuration (`use`)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # hazard source or rule name -> its Chinese name
        self.descriptions: dict[str, str] = {}  # a tag's description as written -> Chinese
        self.messages: dict[str, str] = {}  # a limit alarm's own message as written -> Chinese
        self.zh = False  # the screens are in Chinese (read at `use`: a language switch reopens the window)

    def use(self, config) -> None:
        """Take the words of `config` (a PlantConfig; None forgets them) for the installed language."""
        self.names, self.descriptions, self.messages = {}, {}, {}
        self.zh = config is not None and in_chinese(QCoreApplication.translate)
        if config is None:
            return
        for item in (*config.hazard_sources, *config.rules):
            if item.name_zh:
                self.names[item.name] = item.name_zh
        for t in config.tags:
            if t.description_zh:
                self.descriptions[t.description or t.name] = t.description_zh
            if t.alarms is not None and t.alarms.message and t.alarms.message_zh:
                self.messages[t.alarms.message] = t.alarms.message_zh

    def name(self, name: str) -> str:
        """A hazard source's or rule's name as the screens show it."""
        if self.zh and name in self.names:
            return self.names[name]
        return name

    def description(self, text: str) -> str:
        """A tag's description as the screens show it."""
        if self.zh and text in self.descriptions:
            return self.descriptions[text]
        return text

    def limit_message(self, text: str) -> str:
        """A limit alarm's plain message with its tag's description in Chinese on Chinese screens
        ("煤气管网 5 号 CO 检测器 HH 161 ppm > 160 ppm"), or the alarm's own message in Chinese
        (`alarms.message_zh`); any other text as it is."""
        if not self.zh:
            return text
        own = self.messages.get(text)
        if own is not None:
            return own
        if not self.descriptions:
            return text
        for spaced in _KIND_SPACED:
            at = text.find(spaced)
            if at > 0:
                zh = self.descriptions.get(text[:at])
                return text if zh is None else zh + text[at:]
        return text


WORDS = PlantWords()  # the running plant's (the main window sets it when it takes a configuration)
