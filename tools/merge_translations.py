"""Merge translations kept in a JSON file into the Qt .ts file, then (optionally) build the .qm.

    python3 tools/merge_translations.py zh.json                      # -> forewarn_zh_CN.ts
    python3 tools/merge_translations.py zh.json --add-missing --release
    python3 tools/merge_translations.py zh.json --check              # report only, change nothing

For translating many texts at once outside Qt Linguist. The JSON holds
``{"context": {"English text": "translation", ...}, ...}``. Every message of the .ts with that
context and source that is still unfinished (or empty) gets the translation and loses
``type="unfinished"``; finished translations are left alone. With ``--add-missing`` texts the
.ts does not hold yet (lupdate has not collected them) are added, finished; run
`tools/update_translations.py` first to collect them the normal way. A translation whose
``{placeholders}`` differ from its source's is refused. The .ts is edited as text, so the rest
of the file stays as lupdate wrote it; it stays the one place translations are kept.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import subprocess
import sys
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "forewarn_zh_CN.ts"

_CONTEXT = re.compile(r"<context>(.*?)</context>\n?", re.S)
_NAME = re.compile(r"<name>(.*?)</name>", re.S)
_MESSAGE = re.compile(r"(<message[^>]*>)(.*?)(</message>)", re.S)
_SOURCE = re.compile(r"<source>(.*?)</source>", re.S)
_TRANSLATION = re.compile(r"<translation(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</translation>)", re.S)


def escape(text: str) -> str:
    """XML text the way lupdate writes it."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_pending(pending: dict[str, dict[str, str]]) -> list[str]:
    """Problems of the JSON: translations whose placeholders differ from the template's."""
    problems = []
    for ctx, texts in pending.items():
        for source, target in texts.items():
            try:
                if placeholders(source) != placeholders(target):
                    problems.append(f"{ctx}: {source!r}: placeholders differ in {target!r}")
            except ValueError as exc:
                problems.append(f"{ctx}: {source!r}: {exc}")
    return problems


def merge(ts_text: str, pending: dict[str, dict[str, str]], add_missing: bool = False) -> tuple[str, dict]:
    """The .ts text with the pending translations filled in; and counts (filled, kept, added, missing)."""
    todo = {(ctx, src): dst for ctx, texts in pending.items() for src, dst in texts.items()}
    seen: set[tuple[str, str]] = set()
    counts = {"filled": 0, "kept": 0, "added": 0, "missing": 0}

    def fill_message(ctx: str, m: re.Match) -> str:
        head, body, tail = m.groups()
        src = _SOURCE.search(body)
        if src is None:
            return m.group(0)
        key = (ctx, unescape(src.group(1)))
        if key not in todo:
            return m.group(0)
        seen.add(key)
        tr = _TRANSLATION.search(body)
        done = tr is not None and "unfinished" not in tr.group("attrs") and (tr.group("text") or "").strip()
        if done:
            counts["kept"] += 1
            return m.group(0)
        new = f"<translation>{escape(todo[key])}</translation>"
        body = body[: tr.start()] + new + body[tr.end() :] if tr else body.rstrip() + f"\n        {new}\n    "
        counts["filled"] += 1
        return head + body + tail

    def fill_context(m: re.Match) -> str:
        block = m.group(0)
        name = _NAME.search(block)
        if name is None:
            return block
        ctx = unescape(name.group(1))
        block = _MESSAGE.sub(lambda mm: fill_message(ctx, mm), block)
        if add_missing:
            extra = [src for (c, src) in todo if c == ctx and (c, src) not in seen]
            if extra:
                block = block.replace(
                    "</context>", "".join(_message(s, todo[(ctx, s)]) for s in extra) + "</context>"
                )
                seen.update((ctx, s) for s in extra)
                counts["added"] += len(extra)
        return block

    out = _CONTEXT.sub(fill_context, ts_text)
    rest = [k for k in todo if k not in seen]
    if add_missing and rest:
        blocks = []
        for ctx in dict.fromkeys(c for c, _ in rest):
            msgs = "".join(_message(s, todo[(c, s)]) for c, s in rest if c == ctx)
            blocks.append(f"<context>\n    <name>{escape(ctx)}</name>\n{msgs}</context>\n")
        out = out.replace("</TS>", "".join(blocks) + "</TS>")
        counts["added"] += len(rest)
        rest = []
    counts["missing"] = len(rest)
    return out, counts


def _message(source: str, translation: str) -> str:
    return (
        "    <message>\n"
        f"        <source>{escape(source)}</source>\n"
        f"        <translation>{escape(translation)}</translation>\n"
        "    </message>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", type=Path, help="translations: {context: {English text: translation}}")
    parser.add_argument("--ts", type=Path, default=TS, help=f"the .ts to fill (default {TS.name})")
    parser.add_argument("--add-missing", action="store_true", help="add texts the .ts does not hold yet")
    parser.add_argument("--release", action="store_true", help="build the .qm afterwards (pyside6-lrelease)")
    parser.add_argument("--check", action="store_true", help="report what would change; write nothing")
    args = parser.parse_args(argv)
    pending = json.loads(args.json.read_text(encoding="utf-8"))
    problems = check_pending(pending)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    text, counts = merge(args.ts.read_text(encoding="utf-8"), pending, args.add_missing)
    print(
        f"{args.ts.name}: {counts['filled']} filled, {counts['kept']} already translated, "
        f"{counts['added']} added, {counts['missing']} not in the .ts"
        + (" (run tools/update_translations.py, or pass --add-missing)" if counts["missing"] else "")
    )
    if args.check:
        return 0
    args.ts.write_text(text, encoding="utf-8")
    if args.release:
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "update_translations.py"), "--release"], check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
