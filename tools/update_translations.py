"""Update the Simplified Chinese translation: collect every tr() text, then build the .qm.

    python3 tools/update_translations.py            # lupdate + lrelease
    python3 tools/update_translations.py --release  # lrelease only (after editing the .ts)

`pyside6-lupdate` reads every Python file of widgets/ and views/ (also texts other views add
later), and of app/, where it finds only the templates marked with `core.messages`'
QT_TRANSLATE_NOOP (the core has no tr()), and merges them into resources/translations/forewarn_zh_CN.ts: new texts arrive as
unfinished, texts no longer in the code are dropped. Translate them in the .ts (Qt Linguist, or
any editor), then `pyside6-lrelease` builds forewarn_zh_CN.qm, which `views.i18n` loads. Commit
both files: the .qm is what a plain `pip install` ships.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("widgets", "views", "app", "core", "cli")
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def python_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for d in SOURCES for p in (ROOT / d).rglob("*.py"))


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found: it comes with PySide6 (pip install PySide6-Essentials)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="only build the .qm from the .ts")
    args = parser.parse_args(argv)
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        ts = TRANSLATIONS / f"forewarn_{lang}.ts"
        if not args.release:
            cmd = [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *python_sources()]
            subprocess.run(
                [*cmd, "-target-language", lang, "-ts", str(ts.relative_to(ROOT))], cwd=ROOT, check=True
            )
        subprocess.run(
            [tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], cwd=ROOT, check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
