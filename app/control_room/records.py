"""Forewarn's records as the control room sends them: an alarm, a hazard source's risk and a
device's status to JSON text and back, so a station rebuilds exactly what the server's engine
holds. A `Message` keeps its context, template and arguments, so a station shows it in its own
language."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from core.alarm_types import Alarm
from core.messages import Message
from core.operating import Declaration
from core.risk_types import Inherent, RiskState, TraceItem
from core.samples import DeviceState, DeviceStatus


def text_out(text: Any) -> Any:
    """A Message as {context, template, args}; any other value as it is."""
    if isinstance(text, Message):
        return {"context": text.context, "template": text.template, "args": dict(text.args)}
    return text


def text_in(data: Any) -> Any:
    if isinstance(data, dict) and "template" in data:
        return Message(data["context"], data["template"], **data.get("args", {}))
    return data


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def alarm_json(a: Alarm) -> str:
    d = a._asdict()
    d["message"] = text_out(a.message)
    d["comment"] = text_out(a.comment)
    return dumps(d)


def alarm_from_json(text: str) -> Alarm:
    d = json.loads(text)
    d["message"] = text_in(d["message"])
    d["comment"] = text_in(d.get("comment", ""))
    return Alarm(**{k: v for k, v in d.items() if k in Alarm._fields})


def risk_json(s: RiskState) -> str:
    inherent = {f.name: text_out(getattr(s.inherent, f.name)) for f in dataclasses.fields(Inherent)}
    trace = [
        {
            "indicator": t.indicator,
            "what": t.what,
            "level": t.level,
            "detail": text_out(t.detail),
            "since": t.since,
        }
        for t in s.trace
    ]
    return dumps(
        {
            "hazard": s.hazard,
            "kind": s.kind,
            "inherent": inherent,
            "level": s.level,
            "previous": s.previous,
            "since": s.since,
            "trace": trace,
            "ts": s.ts,
            "operating": None if s.operating is None else s.operating.as_dict(),
            "evidence_counted": s.evidence_counted,
        }
    )


def risk_from_json(text: str) -> RiskState:
    d = json.loads(text)
    inherent = Inherent(**{k: text_in(v) for k, v in d["inherent"].items()})
    trace = tuple(
        TraceItem(t["indicator"], t["what"], int(t["level"]), text_in(t["detail"]), float(t["since"]))
        for t in d["trace"]
    )
    operating = None if d.get("operating") is None else Declaration.from_dict(d["operating"])
    return RiskState(
        d["hazard"],
        d["kind"],
        inherent,
        int(d["level"]),
        d["previous"],
        float(d["since"]),
        trace,
        float(d["ts"]),
        operating,
        bool(d.get("evidence_counted", True)),
    )


def status_json(s: DeviceStatus) -> str:
    d = dataclasses.asdict(s)
    d["state"] = s.state.name
    return dumps(d)


def status_from_json(text: str) -> DeviceStatus:
    d = json.loads(text)
    d["state"] = DeviceState[d["state"]]
    return DeviceStatus(**d)
