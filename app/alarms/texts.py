"""The texts of level alarms: the engineer's own message, or the kind's text around the value and
limit (English; the GUI translates the templates). Limit alarms, the hot path, have the text
after the value made once, when the engine is configured (`prepare`), and shared between alarms
that read the same."""

from __future__ import annotations

import numpy as np

from core.alarm_types import HIGH, LIMIT_KINDS, Kind, alarm_text
from core.formatting import compact_beside, compact_number
from core.messages import QT_TRANSLATE_NOOP, plant_text
from core.schema.plant import PlantConfig

_SPACED = {k: f" {k} " for k in LIMIT_KINDS}  # between the tag's description and the value


class AlarmTexts:
    """Messages of one alarm engine's alarms (`engine`: its rate units and deviation setpoints)."""

    def __init__(self, config: PlantConfig, engine):
        self.engine = engine
        self.names = [t.name for t in config.tags]
        self.units = [t.unit for t in config.tags]
        # a PlantText where the plant gives a Chinese description: the texts built from it are shown
        # in Chinese on Chinese screens, and are the English text everywhere else
        self.descriptions = [plant_text(t.description or t.name, t.description_zh) for t in config.tags]
        self.custom_message = {
            i: t.alarms.message for i, t in enumerate(config.tags) if t.alarms and t.alarms.message
        }
        self._unit = [f" {u}" if u else "" for u in self.units]
        self._tails: dict[tuple[str, str, float], str] = {}  # (unit, kind, limit) -> text after the value
        # by flat index (tag * level kinds + kind): a limit alarm's text after the value, None
        # where there is none (`prepare`)
        self.level_tail: list[str | None] = []

    def prepare(self, limits: np.ndarray) -> None:
        """Make the text after the value of every limit alarm (`limits`: tags x level kinds, NaN
        where there is none), found by the alarm's flat index in the records of a pass
        (`app.alarms.records.AlarmRecords.levels`)."""
        n_kinds = limits.shape[1]
        tails: list[str | None] = [None] * limits.size
        for k, kind in enumerate(LIMIT_KINDS):
            col = limits[:, k]
            for i in np.flatnonzero(np.isfinite(col)).tolist():
                if i not in self.custom_message:
                    tails[i * n_kinds + k] = self._tail(i, kind, float(col[i]))
        self.level_tail = tails

    def text(self, kind: str, i: int, value: float, lim: float) -> str:
        """The alarm's message: the engineer's own, or its kind's text with the value and limit."""
        if i in self.custom_message:
            return self.custom_message[i]
        if kind in LIMIT_KINDS:
            return (
                self.descriptions[i] + _SPACED[kind] + compact_beside(value, lim) + self._tail(i, kind, lim)
            )
        return self._other(kind, i, value, lim)

    def _tail(self, i: int, kind: str, lim: float) -> str:
        """The text after the value of limit alarm (tag, kind): its unit and limit."""
        unit = self._unit[i]
        key = (unit, kind, lim)
        tail = self._tails.get(key)
        if tail is None:
            tail = f"{unit} {'>' if HIGH[kind] else '<'} {compact_number(lim)}{unit}"
            if lim == lim:  # never a NaN key: each NaN is a key of its own
                self._tails[key] = tail
        return tail

    def _other(self, kind: str, i: int, value: float, lim: float) -> str:
        desc = self.descriptions[i]
        unit = f" {self.units[i]}" if self.units[i] else ""
        if kind == Kind.STATE:
            if value >= 0.5:
                return alarm_text(QT_TRANSLATE_NOOP("alarms", "{tag}: ON"), tag=desc)
            return alarm_text(QT_TRANSLATE_NOOP("alarms", "{tag}: OFF"), tag=desc)
        if kind == Kind.BAD:
            return alarm_text(QT_TRANSLATE_NOOP("alarms", "{tag}: bad quality (no valid value)"), tag=desc)
        if kind == Kind.STALE:
            return alarm_text(
                QT_TRANSLATE_NOOP("alarms", "{tag}: value frozen for {n} s"), tag=desc, n=compact_number(lim)
            )
        if kind == Kind.ROC:
            per = "min" if self.engine.roc_per[i] == 60 else "s"
            return alarm_text(
                QT_TRANSLATE_NOOP("alarms", "{tag} rate {value}{unit}/{per}, limit {limit}{unit}/{per}"),
                tag=desc,
                value=compact_number(value),
                unit=unit,
                per=per,
                limit=compact_number(lim),
            )
        if kind == Kind.DEV:
            return alarm_text(
                QT_TRANSLATE_NOOP(
                    "alarms", "{tag} deviates {value}{unit} from {setpoint}, limit {limit}{unit}"
                ),
                tag=desc,
                value=compact_number(value),
                unit=unit,
                setpoint=self.names[self.engine.dev_sp[i]],
                limit=compact_number(lim),
            )
        raise ValueError(kind)
