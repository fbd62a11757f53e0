"""The plant's own words on Chinese screens: `description_zh` of tags and `name_zh` of hazard sources
and rules are what the Chinese screens show (alarm texts, the banner, the map's plates, plant risk,
the tag browser); the records, the journal and every other language keep the names as written."""

from __future__ import annotations

import numpy as np
import pytest

from app.alarms.texts import AlarmTexts
from app.config import demo_config_path, load_config
from app.config.tag_rows import TAG_COLUMNS, export_tags_csv, import_tags_csv, row_to_tag, tag_to_row
from core.alarm_types import Kind
from core.formatting import compact_beside, compact_number
from core.messages import PlantText
from tests.helpers import plant
from views import i18n
from widgets.alarm_model import shown
from widgets.plant_map import PlantMap
from widgets.plant_words import WORDS
from widgets.tag_browser import TagTreeModel

CFG = plant(
    [
        "{name: GAS.CO.05, description: 'CO detector, gas pipeline 5', description_zh: '煤气管道 5 号 CO 检测器',"
        " unit: ppm, device: d, address: 'hr:0', range: [0, 1000], alarms: {H: 24, HH: 160}}",
        "{name: T2, description: Plain, unit: kPa, device: d, address: 'hr:2', alarms: {H: 5}}",
        "{name: LANCE.DIFF, unit: m³/h, device: d, address: 'hr:4', alarms: {HH: 8,"
        " message: 'Lance water leak: raise the lance', message_zh: '氧枪漏水：提枪'}}",
    ],
    extra="""
    hazard_sources:
      - {name: Gas pipeline network, name_zh: 煤气管网, tags: [GAS.CO.05]}
    rules:
      - {name: Gas leak spreading, name_zh: 煤气泄漏扩散, when: GAS.CO.05 > 10}
    """,
)


@pytest.fixture
def chinese(qapp):
    assert i18n.install_language(qapp, "zh_CN")
    WORDS.use(CFG)
    yield qapp
    WORDS.use(None)
    assert i18n.install_language(qapp, "en")


class _Engine:
    roc_per = np.array([1, 1])
    dev_sp = np.array([0, 0])


def test_a_limit_alarm_and_the_engines_texts_show_the_chinese_description(chinese):
    texts = AlarmTexts(CFG, _Engine())
    limit = texts.text(Kind.HH, 0, 161.0, 160.0)
    assert limit == "CO detector, gas pipeline 5 HH 161 ppm > 160 ppm"  # the record keeps the plant's words
    assert shown(limit) == "煤气管道 5 号 CO 检测器 HH 161 ppm > 160 ppm"
    assert shown(texts.text(Kind.H, 1, 6.0, 5.0)) == "Plain H 6 kPa > 5 kPa"  # no Chinese given
    bad = texts.text(Kind.BAD, 0, float("nan"), float("nan"))
    assert str(bad).startswith("CO detector, gas pipeline 5:")
    assert shown(bad).startswith("煤气管道 5 号 CO 检测器")
    assert shown("a journal row as written") == "a journal row as written"


def test_a_limit_alarms_own_message_reads_its_chinese_and_the_record_keeps_it(chinese, tmp_path):
    texts = AlarmTexts(CFG, _Engine())
    own = texts.text(Kind.HH, 2, 8.3, 8.0)
    assert own == "Lance water leak: raise the lance"  # the record and the journal keep it as written
    assert shown(own) == "氧枪漏水：提枪"
    # the tag editor keeps it (a setting beyond the table's columns) and so does the plant file
    tag, errors = row_to_tag(tag_to_row(CFG.tags[2]), {d.name: d for d in CFG.devices})
    assert not errors and tag.alarms.message_zh == "氧枪漏水：提枪"
    demo = load_config(demo_config_path())
    own = [t for t in demo.tags if t.alarms and t.alarms.message]
    assert own and all(t.alarms.message_zh for t in own)  # the demo's own messages read Chinese too


def test_in_english_everything_stays_as_written(qapp):
    WORDS.use(CFG)
    try:
        texts = AlarmTexts(CFG, _Engine())
        assert shown(texts.text(Kind.HH, 0, 161.0, 160.0)).startswith("CO detector, gas pipeline 5 HH")
        assert WORDS.name("Gas pipeline network") == "Gas pipeline network"
        assert shown(texts.text(Kind.HH, 2, 8.3, 8.0)) == "Lance water leak: raise the lance"
    finally:
        WORDS.use(None)


def test_names_of_hazard_sources_and_rules_and_the_tag_browser(chinese):
    assert WORDS.name("Gas pipeline network") == "煤气管网"
    assert WORDS.name("Gas leak spreading") == "煤气泄漏扩散"
    assert WORDS.name("GAS.CO.05") == "GAS.CO.05"  # tag names are identifiers, never translated
    model = TagTreeModel(CFG.tags)
    texts = []
    for g in range(model.rowCount()):
        group = model.index(g, 0)
        for r in range(model.rowCount(group)):
            texts += [model.index(r, c, group).data() for c in range(model.columnCount(group))]
    assert "煤气管道 5 号 CO 检测器" in texts


def test_the_demo_map_plates_read_chinese_names_and_keep_their_keys(chinese, qtbot):
    cfg = load_config(demo_config_path())
    WORDS.use(cfg)
    view = PlantMap(cfg)
    qtbot.addWidget(view)
    area = view.hazards["Blast furnace 1"]
    assert area.name == "Blast furnace 1" and area.full_text.startswith("1# 高炉")


def test_the_demo_plant_gives_every_tag_hazard_source_and_rule_its_chinese_words():
    cfg = load_config(demo_config_path())
    assert all(t.description_zh for t in cfg.tags)
    assert all(h.name_zh for h in cfg.hazard_sources)
    assert all(r.name_zh for r in cfg.rules)


def test_the_tags_csv_carries_the_chinese_description_and_an_older_file_keeps_it():
    text = export_tags_csv(CFG.tags)
    assert TAG_COLUMNS[-1] == "description_zh" and "煤气管道 5 号 CO 检测器" in text
    tags, errors = import_tags_csv(text.encode("utf-8-sig"), CFG)
    assert errors == [] and tags[0].description_zh == "煤气管道 5 号 CO 检测器"
    old = "\r\n".join(line.rsplit(",", 1)[0] for line in text.strip().splitlines())  # no description_zh
    tags, errors = import_tags_csv(old.encode("utf-8"), CFG)
    assert errors == [] and tags[0].description_zh == "煤气管道 5 号 CO 检测器"


def test_a_plant_text_is_its_english_text_everywhere_but_on_screen():
    t = PlantText("Gas holder 1", "1# 煤气柜")
    assert t == "Gas holder 1" and f"{t}" == "Gas holder 1" and t + "!" == "Gas holder 1!"


@pytest.mark.parametrize(
    "value, limit, text",
    [(160.2, 160.0, "160.2"), (160.04, 160.0, "160.04"), (24.03, 24.0, "24.03"), (472.2, 160.0, "472")]
    + [(24.3, 24.0, "24.3"), (-5.001, -5.0, "-5.001"), (160.0, 160.0, "160")],
)
def test_a_value_beside_the_limit_it_crossed_never_reads_as_the_limit(value, limit, text):
    assert compact_beside(value, limit) == text
    texts = AlarmTexts(CFG, _Engine())
    if value > limit:
        assert f"HH {text} ppm > {compact_number(limit)} ppm" in texts.text(Kind.HH, 0, value, limit)
