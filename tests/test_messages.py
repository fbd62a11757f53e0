"""Texts the core builds (`core.messages.Message`): English as before, every template collected for
translation and translated in the .ts, and rendered by the GUI in
the installed language with an English fallback."""

from __future__ import annotations

import ast
import copy
import json
import pickle
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from app.reports import report_data
from core.formatting import format_duration
from core.messages import QT_TRANSLATE_NOOP, Message
from core.risk_types import held_duration, level_label
from views import i18n

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("core", "app", "cli")
TS = ROOT / "resources" / "translations" / "forewarn_zh_CN.ts"
sys.path.insert(0, str(ROOT / "tools"))
import merge_translations as apply  # noqa: E402


def marked_templates() -> dict[tuple[str, str], str]:
    """Every QT_TRANSLATE_NOOP(context, template) in core/, app/ and cli/ -> where it is."""
    found = {}
    for path in sorted(p for d in CORE_PACKAGES for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QT_TRANSLATE_NOOP":
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                # lupdate reads only literal text: no f-string, no variable
                assert len(node.args) == 2, where
                assert all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args), where
                found[(node.args[0].value, node.args[1].value)] = where
    return found


def ts_translations() -> dict[tuple[str, str], str]:
    out = {}
    for c in ET.parse(TS).getroot().iter("context"):
        for m in c.iter("message"):
            tr = m.find("translation")
            if tr is not None and tr.get("type") != "unfinished" and (tr.text or "").strip():
                out[(c.findtext("name"), m.findtext("source"))] = tr.text
    return out


# ---------------------------------------------------------------- English as before


def test_a_message_is_its_english_text():
    m = Message("risk", QT_TRANSLATE_NOOP("risk", "{tag} bad quality"), tag="GH1.CO.01")
    assert m == "GH1.CO.01 bad quality" and str(m) == m and type(str(m)) is str
    assert m.context == "risk" and m.template == "{tag} bad quality" and dict(m.args) == {"tag": "GH1.CO.01"}
    assert (
        m.startswith("GH1") and f"<{m}>" == "<GH1.CO.01 bad quality>" and {m: 1}["GH1.CO.01 bad quality"] == 1
    )
    assert json.dumps([m]) == '["GH1.CO.01 bad quality"]'
    for again in (copy.copy(m), copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert again == m and isinstance(again, Message) and again.template == m.template
    with pytest.raises(AttributeError):
        m.context = "x"
    nested = Message("risk", "{level} since {time}", level=level_label(2), time="14:02:11")
    assert nested == "II orange since 14:02:11"
    joined = Message.join("; ", [nested, "x {y}", format_duration(30)])
    assert joined == "II orange since 14:02:11; x {y}; 30 s"


def test_durations_read_as_before():
    assert [format_duration(s) for s in (5, 89.4, 100, 3600, 4000, float("nan"))] == [
        "5 s",
        "89 s",
        "2 min",
        "1 h",
        "1 h 7 min",
        "?",
    ]
    assert [held_duration(s) for s in (59, 61, 3900)] == ["59 s", "1 min", "1 h 05 min"]
    assert [report_data.fmt_duration(s) for s in (42, 125, 120, 7500, 90000, None)] == [
        "42 s",
        "2 min 5 s",
        "2 min",
        "2 h 5 min",
        "1 d 1 h",
        "–",
    ]


# ---------------------------------------------------------------- collected and translated


def test_every_template_of_the_core_has_a_chinese_translation():
    found = marked_templates()
    assert len(found) > 100
    translated = ts_translations()
    missing = [f"{where}: {key}" for key, where in found.items() if key not in translated]
    assert missing == []
    ours = {}
    for (c, s), t in translated.items():
        if (c, s) in found:
            ours.setdefault(c, {})[s] = t
    assert apply.check_pending(ours) == []  # placeholders kept in every translation


@pytest.mark.skipif(shutil.which("pyside6-lupdate") is None, reason="pyside6-lupdate not installed")
def test_lupdate_collects_every_template_of_the_core(tmp_path):
    ts = tmp_path / "app.ts"
    sources = [str(p.relative_to(ROOT)) for d in CORE_PACKAGES for p in sorted((ROOT / d).rglob("*.py"))]
    subprocess.run(
        ["pyside6-lupdate", "-locations", "none", *sources, "-ts", str(ts)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    collected = {
        (c.findtext("name"), m.findtext("source"))
        for c in ET.parse(ts).getroot().iter("context")
        for m in c.iter("message")
    }
    assert collected == set(marked_templates())  # everything, and nothing else (no junk from app/)


def test_update_translations_reads_the_core():
    import update_translations

    assert set(CORE_PACKAGES) <= set(update_translations.SOURCES)
    assert "core/messages.py" in update_translations.python_sources()
    assert "app/alarms/engine.py" in update_translations.python_sources()


def test_pending_translations_merge_into_a_ts():
    ts = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>risk</name>
    <message>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <source>{tag} bad quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it&apos;s &lt;odd&gt;</source>
        <translation type="unfinished"/>
    </message>
</context>
</TS>
"""
    pending = {
        "risk": {"red": "赤", "{tag} bad quality": "{tag} 坏值", "it's <odd>": "“怪”"},
        "warning": {"Anomaly on {tag}": "{tag} 异常"},
    }
    out, counts = apply.merge(ts, pending)
    assert counts == {"filled": 2, "kept": 1, "added": 0, "missing": 1}
    assert "<translation>红</translation>" in out  # a finished translation is kept
    assert "<translation>{tag} 坏值</translation>" in out and "unfinished" not in out
    out, counts = apply.merge(ts, pending, add_missing=True)
    assert counts["added"] == 1 and counts["missing"] == 0
    root = ET.fromstring(out.split("\n", 2)[2])  # without the prolog and doctype
    got = {
        (c.findtext("name"), m.findtext("source")): m.findtext("translation")
        for c in root
        for m in c.iter("message")
    }
    assert got[("warning", "Anomaly on {tag}")] == "{tag} 异常" and got[("risk", "it's <odd>")] == "“怪”"
    assert apply.check_pending({"risk": {"{tag} bad quality": "{name} 坏值"}}) != []


# ---------------------------------------------------------------- shown by the GUI


class _Dictionary(QTranslator):
    def __init__(self, texts: dict[tuple[str, str], str]):
        super().__init__()
        self.texts = texts

    def isEmpty(self) -> bool:  # noqa: N802
        return False

    def translate(self, context, source, disambiguation=None, n=-1):
        return self.texts.get((context, source), "")


@pytest.fixture
def dictionary(qapp):
    core = marked_templates()
    texts = {key: t for key, t in ts_translations().items() if key in core}
    del texts[("risk", "{tag} bad quality")]  # no translation: English
    texts[("risk", "{tag} = 0: interlock out of service")] = "{name} 联锁"  # a wrong placeholder: English
    t = _Dictionary(texts)
    QCoreApplication.installTranslator(t)
    yield t
    QCoreApplication.removeTranslator(t)


def test_the_gui_shows_core_texts_translated_with_english_fallback(dictionary):
    m = Message("risk", "{count} indicators at {level}: one step more severe", count=3, level=level_label(2))
    assert i18n.text(m) == "3 项指标处于 II 橙：风险升高一级"  # the argument is translated too
    assert i18n.duration(4000) == "1 小时 7 分钟" and i18n.duration(30) == "30 秒"
    assert i18n.text(Message("risk", "{tag} bad quality", tag="GH1.CO.01")) == "GH1.CO.01 bad quality"
    wrong = Message("risk", "{tag} = 0: interlock out of service", tag="IL.1")
    assert i18n.text(wrong) == "IL.1 = 0: interlock out of service"
    assert i18n.text("plain text") == "plain text" and i18n.text(None) == ""
    lines = Message.join("\n", [m, format_duration(125)])
    assert i18n.text(lines) == "3 项指标处于 II 橙：风险升高一级\n2 分钟"


def test_without_a_translation_the_gui_shows_english(qapp):
    m = Message("warning", "Forecast for {tag}", tag="BF1.TOP.PRESSURE")
    assert i18n.text(m) == "Forecast for BF1.TOP.PRESSURE" == m
