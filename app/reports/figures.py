"""The EEMUA 191 KPIs of a period as labelled figures (no Qt): `kpi_figures` turns a
`KpiReport` into what the history view shows and the shift report prints, with a target and
a status per figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.reports.kpi import KpiReport
from core.formatting import days, days_hours, hours, hours_minutes, minutes, minutes_seconds, seconds
from core.messages import QT_TRANSLATE_NOOP, Message, word


def fmt_duration(s: float | None) -> str:
    """``None`` -> "–"; 42 -> "42 s"; 125 -> "2 min 5 s"; 7500 -> "2 h 5 min"; days likewise
    (a Message: English, translated on screen)."""
    if s is None or not math.isfinite(s):
        return "–"
    s = max(0.0, float(s))
    if s < 60:
        return seconds(f"{s:.0f}")
    m, sec = divmod(round(s), 60)
    if m < 60:
        return minutes_seconds(m, sec) if sec else minutes(m)
    h, m = divmod(m, 60)
    if h < 24:
        return hours_minutes(h, m) if m else hours(h)
    d, h = divmod(h, 24)
    return days_hours(d, h) if h else days(d)


@dataclass(frozen=True)
class Figure:
    """One labelled KPI figure; ``status`` is "ok", "warn" (above target) or "" (no target).
    ``text`` and ``note`` may be `core.messages.Message`s (translated on screen)."""

    key: str
    label: str
    text: str
    status: str = ""
    note: str = ""


def kpi_figures(r: KpiReport) -> list[Figure]:
    """The KPI figures of a report, as the history view and the shift report print them."""
    per_op = r.operators > 1
    worst_share = max((share for _k, _n, share in r.bad_actors), default=0.0)
    split = r.priority_split_eemua
    split_text = " / ".join(f"{100 * split[k]:.0f}" for k in (1, 2, 3)) + " %"
    split_ok = r.activations == 0 or split[1] <= r.priority_target[1] * 2
    return [
        Figure("activations", "Activations", f"{r.activations}"),
        Figure(
            "per_hour",
            "Average rate",
            f"{r.per_hour_avg:.1f} /h",
            "warn" if r.per_hour_avg > r.target_per_hour else "ok",
            Message(
                "kpi", QT_TRANSLATE_NOOP("kpi", "target ≤ {n} /h per operator"), n=f"{r.target_per_hour:g}"
            )
            if per_op
            else Message("kpi", QT_TRANSLATE_NOOP("kpi", "target ≤ {n} /h"), n=f"{r.target_per_hour:g}"),
        ),
        Figure(
            "per_10min_max",
            "Peak 10 min",
            f"{r.per_10min_max:g}",
            "warn" if r.per_10min_max > 10 else "ok",
            word("kpi", QT_TRANSLATE_NOOP("kpi", "flood above 10")),
        ),
        Figure(
            "floods",
            "Floods",
            f"{len(r.floods)}",
            "warn" if r.floods else "ok",
            Message(
                "kpi",
                QT_TRANSLATE_NOOP("kpi", "{percent} % of the time"),
                percent=f"{r.percent_time_in_flood:.1f}",
            ),
        ),
        Figure(
            "chattering",
            "Chattering",
            f"{len(r.chattering)}",
            "warn" if r.chattering else "ok",
            word("kpi", QT_TRANSLATE_NOOP("kpi", "≥ 3 in 1 min")),
        ),
        Figure("standing", "Standing > 24 h", f"{len(r.standing)}", "warn" if r.standing else "ok"),
        Figure("ack_mean", "Ack time mean", fmt_duration(r.ack_mean_s)),
        Figure("ack_p90", "Ack time p90", fmt_duration(r.ack_p90_s)),
        Figure(
            "unacked_at_end", "Unacked at end", f"{r.unacked_at_end}", "warn" if r.unacked_at_end else "ok"
        ),
        Figure(
            "priority_split",
            "Priority I / II / III+IV",
            split_text,
            "ok" if split_ok else "warn",
            word("kpi", QT_TRANSLATE_NOOP("kpi", "target 5 / 15 / 80 %")),
        ),
        Figure(
            "top_actor",
            "Top bad actor share",
            f"{100 * worst_share:.0f} %",
            "warn" if worst_share > 0.2 and r.activations >= 20 else "",
        ),
        Figure(
            "assessment",
            "EEMUA 191 assessment",
            r.assessment,
            "ok" if r.per_10min_avg <= 2.0 else "warn",
            Message(
                "kpi", QT_TRANSLATE_NOOP("kpi", "{n} per 10 min per operator"), n=f"{r.per_10min_avg:.2f}"
            )
            if per_op
            else Message("kpi", QT_TRANSLATE_NOOP("kpi", "{n} per 10 min"), n=f"{r.per_10min_avg:.2f}"),
        ),
    ]
