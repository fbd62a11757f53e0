"""The records of tag alarms: the immutable `Alarm` an alarm engine hands out after a transition,
one at a time (`record`: an operator's action, a shelve that expires) or the many of one pass
in bulk (`records`, from one aligned list per field: a flood raises hundreds in one scan; and
`levels`, the limit alarms of a pass, from what each alarm's record keeps from configuration).

Pure Python, no Qt; `app.alarms.engine.AlarmEngine` owns one and reads its state arrays.
"""

from __future__ import annotations

from functools import partial
from itertools import repeat

import numpy as np

from core.alarm_types import LEVEL_KINDS, Alarm, Kind
from core.formatting import compact_beside, compact_number, near_limit

NO_LIMIT_SHOWN = frozenset({Kind.STATE, Kind.BAD})  # an on/off or quality alarm shows no limit
_new_alarm = partial(tuple.__new__, Alarm)  # Alarm._make without its check: zip(strict) makes the rows


class AlarmRecords:
    """Builds the records of one alarm engine's tag alarms (`engine`: its state and texts)."""

    def __init__(self, engine):
        self.engine = engine
        # by tag: what the records of its limit alarms keep from configuration, (source, the
        # description in their texts, hazard source, by level kind: (kind, priority, limit, text
        # after the value, how near the limit a value may read as it, the limit as a message writes
        # it) or None), the entries shared between alarms that read the same; and by
        # flat index of the limit block (tag * level kinds + kind) whether the alarm has one (`prepare`)
        self.cells: list[tuple | None] = []
        self.has_cell = np.zeros(0, dtype=bool)
        self.all_cells = False  # every level alarm there is has one: a pass need not look

    def prepare(self) -> None:
        """Make `cells` once the engine's limits, priorities, texts and hazard sources are set."""
        e = self.engine
        b, texts, hazard = e.block, e.texts, e.hazard_of
        limit, priority, tails = b.limit.tolist(), b.priority.tolist(), texts.level_tail
        shared: dict[tuple, tuple] = {}
        cells: list[tuple | None] = []
        n_kinds = len(LEVEL_KINDS)
        for i, name in enumerate(e.names):
            kinds = tuple(
                None if tail is None else shared.setdefault(entry, entry)
                for k, tail in enumerate(tails[i * n_kinds : (i + 1) * n_kinds])
                for lim in (limit[i][k],)
                for entry in (
                    (LEVEL_KINDS[k], priority[i][k], lim, tail, near_limit(lim), compact_number(lim)),
                )
            )
            has = any(x is not None for x in kinds)
            cells.append((name, texts.descriptions[i], hazard.get(i, ""), kinds) if has else None)
        self.cells = cells
        self.has_cell = np.array([x is not None for x in tails], dtype=bool)
        self.all_cells = bool(self.has_cell[np.isfinite(b.limit).reshape(-1)].all())

    def record(self, kind: str, i: int, ts: float, user: str = "", comment: str = "") -> Alarm:
        """The record of one alarm as it stands."""
        e = self.engine
        lv = e.levels[kind]
        value = float(e.latest[i] if kind in LEVEL_KINDS else lv.value[i])
        return self.records(
            [kind],
            [i],
            [ts],
            [int(lv.priority[i])],
            [bool(lv.active[i])],
            [bool(lv.acked[i])],
            [float(lv.since[i])],
            [value],
            [float(lv.limit[i])],
            [bool(lv.shelved_until[i] > ts)],
            [self.is_suppressed(kind, i)],
            [bool(lv.oos[i])],
            [bool(lv.latched[i])],
            [bool(lv.first_out[i])],
            user,
            comment,
        )[0]

    def records(
        self,
        kinds: list[str],
        tags: list[int],
        ts: list[float],
        priority: list[int],
        active: list[bool],
        acked: list[bool],
        since: list[float],
        value: list[float],
        limit: list[float],
        shelved: list[bool],
        suppressed: list[bool],
        oos: list[bool],
        latched: list[bool],
        first_out: list[bool],
        user: str = "",
        comment: str = "",
        messages: list[str] | None = None,
    ) -> list[Alarm]:
        """The records of these alarms, from one aligned list per field (in `Alarm`'s order
        less what is added here: key, source, the limit shown and the hazard source; the messages
        too unless given). Each column is mapped in one go and the rows are zipped straight into
        `Alarm`s."""
        e = self.engine
        names, hazard = e.names, e.hazard_of
        keys = [names[i] + ":" + k for i, k in zip(tags, kinds, strict=True)]
        if messages is None:
            text = e.texts.text
            messages = [text(k, i, v, lim) for k, i, v, lim in zip(kinds, tags, value, limit, strict=True)]
        if not NO_LIMIT_SHOWN.isdisjoint(kinds):
            limit = [None if k in NO_LIMIT_SHOWN else x for k, x in zip(kinds, limit, strict=True)]
        n = len(keys)
        return list(
            map(
                _new_alarm,
                zip(
                    keys,
                    map(names.__getitem__, tags),
                    tags,
                    kinds,
                    priority,
                    active,
                    acked,
                    ts,
                    since,
                    value,
                    limit,
                    messages,
                    repeat(user, n),
                    repeat(comment, n),
                    shelved,
                    suppressed,
                    oos,
                    latched,
                    first_out,
                    map(hazard.get, tags, repeat("")) if hazard else repeat("", n),
                    repeat(None, n),
                    repeat(None, n),
                    strict=True,
                ),
            )
        )

    def levels(
        self,
        tags: list[int],
        kinds: list[int],
        ts: list[float],
        active: list[bool],
        acked: list[bool],
        since: list[float],
        value: list[float],
        shelved: list[bool],
        suppressed: list[bool],
        oos: list[bool],
        latched: list[bool],
        first_out: list[bool],
    ) -> list[Alarm]:
        """The records of the limit alarms of one pass (tags and level kind indexes, all with
        `cells`; every value finite) from the other fields, one aligned list each: what `records`
        makes of them, each record in one step from its cell. The message is the texts around
        `core.formatting.compact_number` of the value, written out here (`compact_beside` when it
        reads as its limit, as the cell has it written, without being it)."""
        cells = self.cells
        return [
            _new_alarm(
                (
                    source + ":" + kind,
                    source,
                    i,
                    kind,
                    priority,
                    on,
                    ack,
                    t,
                    t0,
                    v,
                    limit,
                    f"{desc} {kind} {text}{tail}"
                    if text != shown or v == limit or abs(v - limit) >= near
                    else f"{desc} {kind} {compact_beside(v, limit)}{tail}",
                    "",
                    "",
                    sh,
                    su,
                    out,
                    la,
                    first,
                    hazard,
                    None,
                    None,
                )
            )
            for i, k, t, on, ack, t0, v, sh, su, out, la, first in zip(
                tags,
                kinds,
                ts,
                active,
                acked,
                since,
                value,
                shelved,
                suppressed,
                oos,
                latched,
                first_out,
                strict=True,
            )
            for source, desc, hazard, entries in [cells[i]]
            for kind, priority, limit, tail, near, shown in [entries[k]]
            for text in [f"{v:.3g}" if -100.0 < v < 100.0 else f"{v:.0f}"]
        ]

    def is_suppressed(self, kind: str, i: int) -> bool:
        """By design (suppress_when; an operating state; a BAD alarm while its device's COMM alarm stands) or by hand."""
        e = self.engine
        return bool(
            e.suppressed[i]
            or e.by_state.alarms_off[i]
            or e.levels[kind].msup[i]
            or (kind == Kind.BAD and (e.device_down[i] or e.diag_on[i]))
        )
