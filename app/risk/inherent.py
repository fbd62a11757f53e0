"""The inherent risk of a hazard source: how its level is reached, with the inputs.

1. Direct determination. A major hazard (GB 18218-2018: S = sum(q/Q) >= 1) is a major risk:
   risk-grading standards determine it directly (Shandong DB37/T 2882-2016, named by
   `RiskModel.direct_basis`), so its level is at least `RiskModel.major_hazard_level` (default
   1, red) whatever its evaluation. The same holds for another condition of the standard
   declared on the source (`direct: {reason: ...}`). GB 18218's R = alpha x sum(beta x q/Q)
   grade (`RiskModel.gb18218_cutoffs`) ranks a major hazard for registration and inspection;
   it is shown as that, never used as a risk colour.
2. Evaluation, for every other source and beneath the floor: LEC, D = L x E x C graded with
   `RiskModel.lec_cutoffs` (D below the first: IV; then III, II; at or above the last: I); LS,
   R = L x S graded with `RiskModel.ls_cutoffs`; or the engineer's `inherent_level`.

Pure Python, no Qt. Levels are 1 (I, red) to 4 (IV, blue); a smaller number is more severe.
"""

from __future__ import annotations

from bisect import bisect_right

from app.config import HazardSource, LecRisk, LsRisk, MajorHazard, RiskModel
from core.alarm_types import ROMAN
from core.formatting import compact_number
from core.messages import QT_TRANSLATE_NOOP, Message
from core.risk_types import DIRECT, ENGINEER, GRADE, LEC, LS, Inherent, level_label


def _m(template: str, **args) -> Message:
    return Message("risk", template, **args)


def grade(x: float, cutoffs: tuple[float, float, float]) -> int:
    """Level 4 below the first cut-off, 3 from it, 2 from the second, 1 from the third."""
    return 4 - bisect_right(cutoffs, x)


def exposure_alpha(people: int) -> float:
    """GB 18218-2018 alpha from the people exposed outside the plant within 500 m."""
    if people >= 100:
        return 2.0
    if people >= 50:
        return 1.5
    if people >= 30:
        return 1.2
    if people >= 1:
        return 1.0
    return 0.5


def evaluation(h: HazardSource, model: RiskModel) -> tuple[int, str, float | None, Message]:
    """The LEC or LS evaluation of `inherent`, else the engineer's `inherent_level`: (level,
    method, value, text)."""
    r = h.inherent
    if isinstance(r, LecRisk):
        d = r.L * r.E * r.C
        lv = grade(d, model.lec_cutoffs)
        text = _m(
            QT_TRANSLATE_NOOP("risk", "LEC D = {d} (L {l} × E {e} × C {c}) → {roman} {grade}"),
            d=compact_number(d),
            l=f"{r.L:g}",
            e=f"{r.E:g}",
            c=f"{r.C:g}",
            roman=ROMAN[lv],
            grade=GRADE[lv],
        )
        return lv, LEC, d, text
    if isinstance(r, LsRisk):
        v = float(r.L * r.S)
        lv = grade(v, model.ls_cutoffs)
        text = _m(
            QT_TRANSLATE_NOOP("risk", "LS R = {r} (L {l} × S {s}) → {roman} {grade}"),
            r=compact_number(v),
            l=f"{r.L}",
            s=f"{r.S}",
            roman=ROMAN[lv],
            grade=GRADE[lv],
        )
        return lv, LS, v, text
    return h.inherent_level, ENGINEER, None, _m(QT_TRANSLATE_NOOP("risk", "set by the engineer"))


def identification(m: MajorHazard, model: RiskModel) -> tuple[float, float, int | None, Message]:
    """GB 18218-2018: (S, R, registration grade or None below S = 1, the text)."""
    s = sum(x.q_t / x.critical_t for x in m.substances)
    weighted = sum(x.factor * x.q_t / x.critical_t for x in m.substances)
    alpha = exposure_alpha(m.people_exposed)
    r = alpha * weighted
    if s < 1.0:
        text = _m(QT_TRANSLATE_NOOP("risk", "GB 18218: S = {s} < 1, not a major hazard"), s=compact_number(s))
        return s, r, None, text
    g = grade(r, model.gb18218_cutoffs)
    text = _m(
        QT_TRANSLATE_NOOP(
            "risk",
            "GB 18218 grade {grade} (R = {r} = α {alpha} × Σ β·q/Q {weighted}), the registration grade",
        ),
        grade=g,
        r=compact_number(r),
        alpha=f"{alpha:.1f}",
        weighted=compact_number(weighted),
    )
    return s, r, g, text


def inherent_risk(h: HazardSource, model: RiskModel) -> Inherent:
    """A hazard source's inherent level and how it was reached (see the module's docstring)."""
    ev = evaluation(h, model)
    s = r = reg = None
    gb_text = None
    if h.major_hazard is not None:
        s, r, reg, gb_text = identification(h.major_hazard, model)
    major = None if s is None else s >= 1.0
    conditions = []
    if major:
        conditions.append(_m(QT_TRANSLATE_NOOP("risk", "major hazard (S = {s} ≥ 1)"), s=compact_number(s)))
    if h.direct is not None:
        conditions.append(h.direct.reason)
    fields = dict(
        s=s, major_hazard=major, r=r, registration_grade=reg, reason=h.direct.reason if h.direct else ""
    )
    if not conditions:
        level, method, value, text = ev
        parts = [text] if gb_text is None else [text, gb_text]
        return Inherent(
            level, method, value, explanation=Message.join("; ", parts), evaluated=level, **fields
        )

    floor = model.major_hazard_level
    # beneath a floor, the engineer's level counts only where the engineer wrote one
    written = ev[1] != ENGINEER or "inherent_level" in h.model_fields_set
    evaluated = ev[0] if written else None
    condition = Message.join("; ", conditions)
    if evaluated is not None and evaluated < floor:  # the evaluation is more severe than the floor
        level, method, value = evaluated, ev[1], ev[2]
        head = _m(
            QT_TRANSLATE_NOOP("risk", "{evaluation}; {condition}: at least {level} by direct determination"),
            evaluation=ev[3],
            condition=condition,
            level=level_label(floor),
        )
    else:
        level, method, value = floor, DIRECT, None
        head = _m(
            QT_TRANSLATE_NOOP("risk", "{condition}: {level} by direct determination ({basis})"),
            condition=condition,
            level=level_label(floor),
            basis=model.direct_basis,
        )
        if evaluated is not None and evaluated != floor:
            head = _m(
                QT_TRANSLATE_NOOP("risk", "{head}, without it {evaluation}"), head=head, evaluation=ev[3]
            )
    parts = [head] if gb_text is None else [head, gb_text]
    return Inherent(
        level,
        method,
        value,
        explanation=Message.join("; ", parts),
        evaluated=evaluated,
        floor_applied=method == DIRECT and (evaluated is None or evaluated > floor),
        **fields,
    )


__all__ = ["evaluation", "exposure_alpha", "grade", "identification", "inherent_risk"]
