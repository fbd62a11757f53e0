"""Languages: which one the operator reads, loading its translations, and the plant's vocabulary.

Forewarn is written in English and ships Simplified Chinese (`resources/translations/
forewarn_zh_CN.qm`, built from the `.ts` by `tools/update_translations.py`). The language is
chosen, in this order, by the QSettings key ``language``, the environment variable
``FOREWARN_LANG``, then the system locale (``zh*`` gives ``zh_CN``, anything else English).
`install_language(app)` is called once at start-up, before the first window is built: widgets
take their texts when they are made, so a change of language shows in windows opened after it.

The core (`app/`) has no Qt: its sentences are `core.messages.Message`s (English text that keeps
its template and arguments), and `text()` shows them in the installed language. A few of its
plain words (risk colours and grades, what raised a hazard source, hazard kinds) have
`colour()`, `grade()`, `level_text()`, `evidence()` and `hazard_kind()`; a boolean is shown as a
word with `yes_no()` ("yes"/"no", 是/否), never as "true".
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)

from core.alarm_types import ROMAN
from core.formatting import format_duration
from core.messages import render

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh_CN")
SETTINGS_KEY = "language"
ENV_VAR = "FOREWARN_LANG"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"

_installed: dict[int, list[QTranslator]] = {}  # id(app) -> translators we installed on it
_current = "en"


def available_languages() -> list[str]:
    """The languages Forewarn can be shown in: English (the source) and Simplified Chinese."""
    return list(LANGUAGES)


def normalise(lang: str | None) -> str | None:
    """'zh', 'zh_CN', 'zh-Hans-CN', 'zh_CN.UTF-8' -> 'zh_CN'; 'en_US' -> 'en'; unknown -> None."""
    if not lang:
        return None
    code = lang.strip().split(".")[0].replace("-", "_").lower()
    if code.startswith("zh"):
        return "zh_CN"
    if code.startswith("en") or code in ("c", "posix"):
        return "en"
    return None


def chosen_language(settings: QSettings | None = None) -> str:
    """The language to show: QSettings 'language', else $FOREWARN_LANG, else the system locale."""
    if settings is None:
        settings = QSettings()
    for raw in (settings.value(SETTINGS_KEY, None), os.environ.get(ENV_VAR)):
        lang = normalise(str(raw)) if raw else None
        if lang is not None:
            return lang
    return "zh_CN" if QLocale.system().name().lower().startswith("zh") else "en"


def current_language() -> str:
    """The language installed by the last `install_language` ('en' before any)."""
    return _current


def qm_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / f"forewarn_{lang}.qm"


def install_language(app: QCoreApplication, lang: str | None = None) -> bool:
    """Show `app` in `lang` (default: `chosen_language()`); returns whether that worked.

    Removes the translators a previous call installed, then, for a language other than English,
    loads Forewarn's `.qm` and, when PySide6 ships it, Qt's own `qtbase` translation (standard
    dialog buttons, context menus). English needs no file and always works. On failure the
    application is left in English and the reason is logged.
    """
    global _current
    lang = normalise(lang) if lang is not None else chosen_language()
    for t in _installed.pop(id(app), []):
        app.removeTranslator(t)
    _current = "en"
    if lang is None:
        log.warning("language: unknown language requested; showing English")
        return False
    if lang == "en":
        return True
    ours = QTranslator(app)
    if not ours.load(str(qm_path(lang))):
        log.warning("language: cannot load %s; showing English", qm_path(lang))
        return False
    app.installTranslator(ours)
    translators = [ours]
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(qtbase)
        translators.append(qtbase)
    else:
        log.info("language: no qtbase_%s in %s; Qt's own dialogs stay in English", lang, qt_dir)
    _installed[id(app)] = translators
    _current = lang
    log.info("language: %s", lang)
    return True


def save_language(lang: str, settings: QSettings | None = None) -> None:
    """Remember the operator's choice (QSettings 'language') for the next start."""
    if normalise(lang) not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    (settings or QSettings()).setValue(SETTINGS_KEY, normalise(lang))


# ---------------------------------------------------------------- the plant's vocabulary from app/

_COLOUR = {
    1: QT_TRANSLATE_NOOP("risk", "red"),
    2: QT_TRANSLATE_NOOP("risk", "orange"),
    3: QT_TRANSLATE_NOOP("risk", "yellow"),
    4: QT_TRANSLATE_NOOP("risk", "blue"),
}
_GRADE = {
    1: QT_TRANSLATE_NOOP("risk", "major"),
    2: QT_TRANSLATE_NOOP("risk", "large"),
    3: QT_TRANSLATE_NOOP("risk", "general"),
    4: QT_TRANSLATE_NOOP("risk", "low"),
}
_EVIDENCE = {  # app.risk.engine: what raised a hazard source
    "alarm": QT_TRANSLATE_NOOP("risk", "alarm"),
    "warning": QT_TRANSLATE_NOOP("risk", "warning"),
    "blind spot": QT_TRANSLATE_NOOP("risk", "blind spot"),
    "hidden alarm": QT_TRANSLATE_NOOP("risk", "hidden alarm"),
    "interlock bypassed": QT_TRANSLATE_NOOP("risk", "interlock bypassed"),
    "interlock unknown": QT_TRANSLATE_NOOP("risk", "interlock state unknown"),
    "escalation": QT_TRANSLATE_NOOP("risk", "escalation"),
    "work permit": QT_TRANSLATE_NOOP("risk", "work permit"),
    "hidden danger": QT_TRANSLATE_NOOP("risk", "hidden danger"),
    "inspection overdue": QT_TRANSLATE_NOOP("risk", "inspection overdue"),
}
_HAZARD_KIND = {  # app.config.HazardKind
    "blast_furnace": QT_TRANSLATE_NOOP("risk", "blast furnace"),
    "hot_stove": QT_TRANSLATE_NOOP("risk", "hot stoves"),
    "pci": QT_TRANSLATE_NOOP("risk", "pulverised-coal injection"),
    "converter": QT_TRANSLATE_NOOP("risk", "converter"),
    "eaf": QT_TRANSLATE_NOOP("risk", "electric arc furnace"),
    "gas_recovery": QT_TRANSLATE_NOOP("risk", "gas recovery"),
    "waste_heat_boiler": QT_TRANSLATE_NOOP("risk", "waste-heat boiler"),
    "gas_holder": QT_TRANSLATE_NOOP("risk", "gas holder"),
    "gas_area": QT_TRANSLATE_NOOP("risk", "gas area"),
    "gas_water_seal": QT_TRANSLATE_NOOP("risk", "gas water seal / drain"),
    "oxygen_station": QT_TRANSLATE_NOOP("risk", "oxygen station"),
    "ammonia": QT_TRANSLATE_NOOP("risk", "ammonia storage"),
    "dust_collector": QT_TRANSLATE_NOOP("risk", "dust collector"),
    "caster": QT_TRANSLATE_NOOP("risk", "caster"),
    "crane": QT_TRANSLATE_NOOP("risk", "crane"),
    "deep_well_casting": QT_TRANSLATE_NOOP("risk", "deep-well casting"),
    "other": QT_TRANSLATE_NOOP("risk", "other"),
}
_YES_NO = {True: QT_TRANSLATE_NOOP("values", "yes"), False: QT_TRANSLATE_NOOP("values", "no")}
_UNKNOWN = QT_TRANSLATE_NOOP("values", "unknown")


def text(message: object) -> str:
    """A text built by the core (`core.messages.Message`) in the installed language, its
    arguments too; English where a translation is missing or does not fit. Other text is shown
    as it is ('' for None)."""
    return render(message, QCoreApplication.translate)


def duration(seconds: float) -> str:
    """A time span as people say it, in the installed language: '6 min' / '6 分钟'."""
    return text(format_duration(seconds))


def _risk(text: str) -> str:
    return QCoreApplication.translate("risk", text)


def colour(level: int) -> str:
    """A risk level's colour word: 'red' / '红'."""
    return _risk(_COLOUR[level]) if level in _COLOUR else "?"


def grade(level: int) -> str:
    """A risk level's grade word: 'major' / '重大'."""
    return _risk(_GRADE[level]) if level in _GRADE else "?"


def level_text(level: int) -> str:
    """'II orange' / 'II 橙'."""
    return f"{ROMAN.get(level, '?')} {colour(level)}"


def evidence(what: str) -> str:
    """What raised a hazard source ('alarm', 'blind spot', ...), translated; other text unchanged."""
    return _risk(_EVIDENCE[what]) if what in _EVIDENCE else what


def yes_no(value: bool | None) -> str:
    """A truth value as a word in the installed language: 'yes' / '是', 'no' / '否'; None (not
    known, e.g. not enough data) 'unknown' / '未知'."""
    if value is None:
        return QCoreApplication.translate("values", _UNKNOWN)
    return QCoreApplication.translate("values", _YES_NO[bool(value)])


def hazard_kind(kind: str) -> str:
    """A hazard source's kind ('gas_holder') as words: 'gas holder' / '煤气柜'."""
    return _risk(_HAZARD_KIND[kind]) if kind in _HAZARD_KIND else kind.replace("_", " ")


__all__ = [
    "ENV_VAR",
    "LANGUAGES",
    "SETTINGS_KEY",
    "available_languages",
    "chosen_language",
    "colour",
    "current_language",
    "duration",
    "evidence",
    "grade",
    "hazard_kind",
    "install_language",
    "level_text",
    "normalise",
    "save_language",
    "text",
    "yes_no",
]
