"""The KPI panel's bad-actors chart as it is painted: every bar carries its alarm's name (long
keys elided to the axis, the chattering mark kept) and the count axis reads whole numbers."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.reports.kpi import compute  # noqa: E402
from tests.test_kpi import cycle  # noqa: E402

KEYS = [
    "BF1.TUYERE.07.COOLING.FLOW:L",
    "PCI1.FILTER.TEMP.03:H",
    "BOF1.LANCE.FLOW_DIFF:HH",
    "GH1.CO.01:H",
    "BF1.HEARTH.TEMP.SOUTH.12:H",
    "CW.FLOW:L",
    "BF1.TOP.PRESSURE:HH",
    "SINTER1.BURNTHROUGH.POINT.TEMP:L",
    "rule:Dust collector smoulder:FAULT",
    "T:H",
]


def painted(plot, axis_name: str, monkeypatch) -> list[tuple[float, float, str]]:
    """(top, bottom, text) of the labels the axis draws in a real paint of the plot."""
    import pyqtgraph as pg

    axis = plot.getAxis(axis_name)
    seen = []
    real = pg.AxisItem.generateDrawSpecs

    def spy(self, p):
        specs = real(self, p)
        if self is axis and specs is not None:
            seen.append([(r.top(), r.bottom(), text) for r, _flags, text in specs[2]])
        return specs

    monkeypatch.setattr(pg.AxisItem, "generateDrawSpecs", spy)
    axis.picture = None  # drawn again, not from its cache
    plot.grab()
    monkeypatch.undo()
    assert seen, "the axis was not painted"
    return seen[-1]


@pytest.mark.parametrize("most", [1, 3, 7, 12, 37, 260])
def test_every_bad_actor_bar_is_labelled_and_the_count_axis_is_whole(qtbot, monkeypatch, most):
    from views.kpi_panel import KpiPanel

    rows, t = [], 0.0
    for i, key in enumerate(KEYS):  # the first key most often, the last once
        for _ in range(max(1, round(most * (len(KEYS) - i) / len(KEYS)))):
            rows += cycle(t, key)
            t += 100.0
    rows += cycle(t, "CW.FLOW:L") + cycle(t + 15, "CW.FLOW:L") + cycle(t + 30, "CW.FLOW:L")  # chattering
    report = compute(rows, 0.0, t + 100)
    assert len(report.bad_actors) == 10 and "CW.FLOW:L" in dict(report.chattering)

    panel = KpiPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 1100)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_report(report)
    plot = panel.actor_plot

    labels = painted(plot, "left", monkeypatch)
    keys = [k for k, *_ in report.bad_actors]
    assert len(labels) == len(keys), labels  # none dropped
    by_row = sorted(labels)  # top to bottom: the bars in report order
    for (_top, _bottom, text), key in zip(by_row, keys, strict=True):
        name = text.removesuffix(" ⟳")
        assert key == name or (name.endswith("…") and key.startswith(name[:-1])), (key, text)
        assert text.endswith(" ⟳") == (key == "CW.FLOW:L")
    for (_t0, b0, _a), (t1, _b1, _b) in zip(by_row, by_row[1:], strict=False):
        assert b0 <= t1, by_row  # one under the other, not overlapping

    counts = [text for _top, _bottom, text in painted(plot, "bottom", monkeypatch)]
    assert counts, "no count axis labels"
    assert all(c.isdigit() for c in counts), counts  # whole numbers, no 2.5 or 1e+02
    assert int(counts[-1]) <= report.bad_actors[0][1]
