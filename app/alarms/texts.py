"""The texts of level alarms: the engineer's own message, or the kind's text around the value and
limit (English; the GUI translates the templates). Limit alarms, the hot path, have the text
around the value built once per alarm."""

from __future__ import annotations

from operator import add, itemgetter

from core.alarm_types import HIGH, LIMIT_KINDS, Kind, alarm_text
from core.formatting import compact_number
from core.messages import QT_TRANSLATE_NOOP
from core.schema.plant import PlantConfig

_first, _second = itemgetter(0), itemgetter(1)


class AlarmTexts:
    """Messages of one alarm engine's alarms (`engine`: its rate units and deviation setpoints)."""

    def __init__(self, config: PlantConfig, engine):
        self.engine = engine
        self.names = [t.name for t in config.tags]
        self.units = [t.unit for t in config.tags]
        self.descriptions = [t.description or t.name for t in config.tags]
        self.custom_message = {
            i: t.alarms.message for i, t in enumerate(config.tags) if t.alarms and t.alarms.message
        }
        self._around: dict[tuple[int, str], tuple[str, str]] = {}
        self._unit = [f" {u}" if u else "" for u in self.units]
        self._limit: dict[float, str] = {}  # compact_number of a limit: plants share a few values

    def text(self, kind: str, i: int, value: float, lim: float) -> str:
        """The alarm's message: the engineer's own, or its kind's text with the value and limit."""
        if i in self.custom_message:
            return self.custom_message[i]
        if kind in LIMIT_KINDS:  # the hot path: text around the value built once per alarm
            around = self._around.get((i, kind)) or self._parts(i, kind, lim)
            return around[0] + compact_number(value) + around[1]
        return self._other(kind, i, value, lim)

    def many(self, pairs: list[tuple[int, str]], values: list[float], limits: list[float]) -> list[str]:
        """`text` of many alarms ((tag, kind) pairs, values and limits aligned): the records of one
        pass. Limit alarms are their kept parts around the value, mapped in one go."""
        parts = list(map(self._around.get, pairs))
        if None in parts:  # the first time for some, or an engineer's message or another kind
            custom = self.custom_message
            parts = [
                self._parts(i, k, lim) if p is None and k in LIMIT_KINDS and i not in custom else p
                for p, (i, k), lim in zip(parts, pairs, limits, strict=True)
            ]
            if None in parts:  # one by one
                return [self.text(k, i, v, lim) for (i, k), v, lim in zip(pairs, values, limits, strict=True)]
        return list(map(add, map(add, map(_first, parts), map(compact_number, values)), map(_second, parts)))

    def _parts(self, i: int, kind: str, lim: float) -> tuple[str, str]:
        """The text of limit alarm (tag, kind) before and after its value, kept."""
        unit = self._unit[i]
        limit = self._limit.get(lim)
        if limit is None:
            limit = compact_number(lim)
            if lim == lim:  # never a NaN key: each NaN is a key of its own
                self._limit[lim] = limit
        around = self._around[(i, kind)] = (
            f"{self.descriptions[i]} {kind} ",
            f"{unit} {'>' if HIGH[kind] else '<'} {limit}{unit}",
        )
        return around

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
