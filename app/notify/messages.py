"""The texts of notifications, in each recipient's language (Simplified Chinese or English).

Each text is a `core.messages.Message` (context "notify"), rendered without Qt: the Chinese
comes from the project's one translation file (`resources/translations/forewarn_zh_CN.ts`, read
once), so the e-mail a supervisor reads at home says what the console would say. The alarm's
own text (a Message too) is rendered the same way.

A notice names the plant, the hazard source, the tag, the value and the limit, the priority
(alarms) or level (early warnings), the time on the plant's clock and how long the alarm has
stood unacknowledged.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from app.notify.rules import DUAL_PREVENTION
from core.alarm_types import ROMAN, Alarm, Kind
from core.formatting import format_duration, format_number
from core.messages import QT_TRANSLATE_NOOP, Message, Translate, render

TS_FILE = Path(__file__).resolve().parents[2] / "resources" / "translations" / "forewarn_zh_CN.ts"
CTX = "notify"


@lru_cache(maxsize=2)
def _ts_table(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> finished translation, from a Qt .ts file ({} when it is missing)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    out: dict[tuple[str, str], str] = {}
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not tr.text:
                continue
            out[(name, m.findtext("source") or "")] = tr.text
    return out


def translator(language: str) -> Translate:
    """A `Translate` for `language` ("zh": from the .ts file; anything else: English)."""
    if language != "zh":
        return lambda context, text: text
    table = _ts_table(TS_FILE)
    return lambda context, text: table.get((context, text), text)


def local_time(ts: float, utc_offset_h: float) -> str:
    tz = timezone(timedelta(hours=utc_offset_h)) if utc_offset_h else UTC
    stamp = datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S")
    sign = "+" if utc_offset_h >= 0 else "-"
    return f"{stamp} UTC{sign}{abs(utc_offset_h):g}"


def _number(x: float | None) -> str:
    return (
        "-"
        if x is None or (isinstance(x, float) and not math.isfinite(x))
        else format_number(x).removesuffix(".0")
    )


def subject(plant: str, alarm: Alarm, unacked_s: float) -> Message:
    """'[Plant] Priority I alarm: BF1.HEARTH.TC01' (or an early warning, or unacknowledged for ...)."""
    roman = ROMAN.get(alarm.priority, str(alarm.priority))
    if alarm.kind == DUAL_PREVENTION:
        what = Message(CTX, QT_TRANSLATE_NOOP("notify", "Level {roman} hidden danger"), roman=roman)
    elif alarm.is_warning:
        what = Message(CTX, QT_TRANSLATE_NOOP("notify", "Level {roman} early warning"), roman=roman)
    elif alarm.kind == Kind.SYSTEM:
        what = Message(CTX, QT_TRANSLATE_NOOP("notify", "System alarm"))
    else:
        what = Message(CTX, QT_TRANSLATE_NOOP("notify", "Priority {roman} alarm"), roman=roman)
    said = {"plant": plant, "what": what, "source": alarm.source}
    if unacked_s > 0:
        late = QT_TRANSLATE_NOOP("notify", "[{plant}] {what}: {source}, unacknowledged for {duration}")
        return Message(CTX, late, **said, duration=format_duration(unacked_s))
    return Message(CTX, QT_TRANSLATE_NOOP("notify", "[{plant}] {what}: {source}"), **said)


def body(plant: str, alarm: Alarm, unacked_s: float, rule: str, utc_offset_h: float) -> Message:
    """The lines of one notice."""
    lines: list[Message | str] = [alarm.message]
    if alarm.kind != DUAL_PREVENTION:  # a hidden danger has no tag, value or limit
        lines.append(
            Message(
                CTX,
                QT_TRANSLATE_NOOP("notify", "Tag: {tag}  Value: {value}  Limit: {limit}"),
                tag=alarm.source,
                value=_number(alarm.value),
                limit=_number(alarm.limit),
            )
        )
    if alarm.hazard:
        lines.append(
            Message(CTX, QT_TRANSLATE_NOOP("notify", "Hazard source: {hazard}"), hazard=alarm.hazard)
        )
    if alarm.eta is not None:
        lines.append(
            Message(
                CTX,
                QT_TRANSLATE_NOOP("notify", "Limit expected at {time}"),
                time=local_time(alarm.eta, utc_offset_h),
            )
        )
    lines.append(
        Message(
            CTX,
            QT_TRANSLATE_NOOP("notify", "Plant: {plant}  Time: {time}"),
            plant=plant,
            time=local_time(alarm.since or alarm.ts, utc_offset_h),
        )
    )
    if unacked_s > 0:
        lines.append(
            Message(
                CTX,
                QT_TRANSLATE_NOOP("notify", "Not acknowledged for {duration}"),
                duration=format_duration(unacked_s),
            )
        )
    lines.append(Message(CTX, QT_TRANSLATE_NOOP("notify", "Notification rule: {rule}"), rule=rule))
    return Message.join("\n", lines)


def digest_subject(plant: str, n: int, quiet: bool) -> Message:
    if quiet:
        return Message(
            CTX,
            QT_TRANSLATE_NOOP("notify", "[{plant}] {n} notices held during quiet hours"),
            plant=plant,
            n=n,
        )
    return Message(CTX, QT_TRANSLATE_NOOP("notify", "[{plant}] Alarm flood: {n} notices"), plant=plant, n=n)


def digest_body(notices: list, max_lines: int, utc_offset_h: float) -> Message:
    """One line per notice (at most `max_lines`, then how many more)."""
    lines: list[Message | str] = []
    for n in notices[:max_lines]:
        a = n.alarm
        lines.append(
            Message(
                CTX,
                QT_TRANSLATE_NOOP("notify", "{time} {roman} {source}: {message}"),
                time=local_time(a.since or a.ts, utc_offset_h),
                roman=ROMAN.get(a.priority, str(a.priority)),
                source=a.source,
                message=a.message,
            )
        )
    if len(notices) > max_lines:
        lines.append(
            Message(CTX, QT_TRANSLATE_NOOP("notify", "... and {n} more"), n=len(notices) - max_lines)
        )
    return Message.join("\n", lines)


def trial_texts(plant: str) -> tuple[Message, Message]:
    """The subject and text of the settings' "Send test message"."""
    return (
        Message(CTX, QT_TRANSLATE_NOOP("notify", "[{plant}] Test message"), plant=plant),
        Message(
            CTX,
            QT_TRANSLATE_NOOP(
                "notify", "This is a test of Forewarn's notifications for {plant}. Nothing needs doing."
            ),
            plant=plant,
        ),
    )


def channel_text(channel: str, error: str | None) -> Message:
    """The SYSTEM alarm of a notification channel: failing (with why) or delivering again."""
    if error is None:
        return Message(
            "alarms",
            QT_TRANSLATE_NOOP("alarms", "Notification channel {channel} delivering again"),
            channel=channel,
        )
    return Message(
        "alarms",
        QT_TRANSLATE_NOOP("alarms", "Notification channel {channel} failing, messages lost: {error}"),
        channel=channel,
        error=error,
    )


def as_text(message, language: str) -> str:
    """A Message (or text) in `language`."""
    return render(message, translator(language))
