"""What follows a tag alarm's becoming active or clearing (its state already moved by the engine's
pass): acknowledgement, latch, since when, first-out of a burst, the end of a one-shot shelve,
and the record handed out. One alarm at a time (`one`) or the many of one pass at once (`many`:
a flood raises hundreds in one scan), which move the same states and hand out the same records.

`AlarmFlips` is a component of `app.alarms.engine.AlarmEngine` (`alarm_engine.flips`); it works on
the engine's public state (`levels`, `block`, `latch`, `hazard_of`, `last_activation`,
`off_list`, `suppressed`, `latest`) and builds records with its `recorder` and `texts`.
Pure Python + numpy, no Qt.
"""

from __future__ import annotations

import math

import numpy as np

from core.alarm_types import LEVEL_KINDS, Alarm

FIRST_OUT_BURST_S = 60.0  # a new alarm of a hazard source this long after the last one starts a burst


class AlarmFlips:
    """The bookkeeping and records of alarms that flipped, for one `AlarmEngine`."""

    def __init__(self, alarms):
        self.alarms = alarms  # the AlarmEngine whose state this changes

    def one(self, kind: str, i: int, t: float, on: bool) -> Alarm:
        """Alarm (kind, tag) became active (on) or cleared at `t`; its record."""
        lv = self.alarms.levels[kind]
        if on:
            lv.acked[i], lv.latched[i], lv.since[i] = False, False, t
            lv.first_out[i] = self.first_out(i, t)
        else:
            if self.alarms.latch[i] and not lv.acked[i]:  # held after clearing until acknowledged
                lv.latched[i] = True
            if lv.shelved_until[i] == np.inf:  # one-shot shelve ends when the alarm clears
                lv.shelved_until[i] = 0.0
                lv.shelve_reason.pop(i, None)
        return self.alarms.record(kind, i, t)

    def many(
        self, tags: np.ndarray, kinds: np.ndarray, f: np.ndarray, t: np.ndarray, on: np.ndarray
    ) -> list[Alarm]:
        """`one` of many level alarms of one pass at once (tags, kind indexes, flat indexes in the
        limit block, times and whether each became active, in the pass's order); the records of
        those not off the list. Each field is moved for all of them at once, then gathered."""
        e = self.alarms
        flat, flags = e.block.flat, e.block.flags
        raised = f[on]  # unacknowledged, not latched, since now, the first of a burst or not
        flags[:, raised] = False
        flat["since"][raised] = t[on]
        if e.hazard_of:
            for j in np.flatnonzero(on & e.has_hazard[tags]).tolist():
                flat["first_out"][f[j]] = self.first_out(int(tags[j]), float(t[j]))
        if e.any_latch:  # cleared unacknowledged: held until acknowledged
            flat["latched"][f[~on & e.latch[tags] & ~flat["acked"][f]]] = True
        acked_latched_first, since = flags[:, f], flat["since"][f]
        if e.off_list:
            until = flat["shelved_until"][f]
            one_shot = ~on & (until == np.inf)  # a one-shot shelve ends when the alarm clears
            if np.count_nonzero(one_shot):
                until[one_shot] = 0.0
                flat["shelved_until"][f] = until
                for x, y in zip(tags[one_shot].tolist(), kinds[one_shot].tolist(), strict=True):
                    e.levels[LEVEL_KINDS[y]].shelve_reason.pop(x, None)
            shelved = until > t
            suppressed = e.suppressed[tags] | e.by_state.alarms_off[tags] | flat["msup"][f]
            oos = flat["oos"][f]
            keep = ~(shelved | suppressed | oos)  # off the list: recorded, not handed out
            if np.count_nonzero(keep) < len(keep):
                keep = np.flatnonzero(keep)
                tags, kinds, t, f, on, since = (x[keep] for x in (tags, kinds, t, f, on, since))
                acked_latched_first = acked_latched_first[:, keep]
                shelved, suppressed, oos = shelved[keep], suppressed[keep], oos[keep]
            shelved, suppressed, oos = shelved.tolist(), suppressed.tolist(), oos.tolist()
        else:  # nothing was ever taken off the list
            shelved = suppressed = oos = [False] * len(f)
        acked, latched, first_out = acked_latched_first.tolist()
        values = e.latest[tags].tolist()
        # limit alarms with their texts made at configuration, every value a number (a sum of
        # finite values that is not finite, an overflow, goes the long way too): from their cells
        if (e.recorder.all_cells or e.recorder.has_cell[f].all()) and math.isfinite(sum(values)):
            return e.recorder.levels(
                tags.tolist(),
                kinds.tolist(),
                t.tolist(),
                on.tolist(),
                acked,
                since.tolist(),
                values,
                shelved,
                suppressed,
                oos,
                latched,
                first_out,
            )
        names = list(map(LEVEL_KINDS.__getitem__, kinds.tolist()))
        tags, limits = tags.tolist(), flat["limit"][f].tolist()
        return e.recorder.records(
            names,
            tags,
            t.tolist(),
            flat["priority"][f].tolist(),
            on.tolist(),
            acked,
            since.tolist(),
            values,
            limits,
            shelved,
            suppressed,
            oos,
            latched,
            first_out,
        )

    def first_out(self, i: int, ts: float) -> bool:
        """Whether an alarm of tag `i` raised at `ts` is the first of a burst of its hazard source."""
        e = self.alarms
        hazard = e.hazard_of.get(i)
        if hazard is None:
            return False
        last = e.last_activation.get(hazard)
        e.last_activation[hazard] = ts
        return last is None or ts - last > FIRST_OUT_BURST_S
