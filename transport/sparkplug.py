"""Sparkplug B: the topic namespace, sequence numbers, aliases, metric data types, and encoding and
decoding of payloads with Eclipse Tahu's protobuf definition (transport/sparkplug_b_pb2.py).

Topics are `spBv1.0/<group>/<type>/<node>[/<device>]` and `spBv1.0/STATE/<host>`. A node's
births carry every metric with its name, alias and data type; data messages carry only the
metrics that changed, by alias, with the payload's `seq` (0..255, wrapping, the NBIRTH's 0).
The NBIRTH and the NDEATH (the MQTT will) carry the same `bdSeq`, so a host pairs a death with
the birth it ends. A value's quality travels as Ignition's "Quality" property (192 good, 64
uncertain, 0 bad); a metric without it is good.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

import numpy as np

from transport import sparkplug_b_pb2 as pb
from transport import wire

NAMESPACE = "spBv1.0"
QUALITY_PROPERTY = "Quality"
QUALITY_GOOD, QUALITY_UNCERTAIN, QUALITY_BAD = 192, 64, 0
BD_SEQ = "bdSeq"
REBIRTH = "Node Control/Rebirth"
PROPERTY_INT32 = 3


class MessageType(StrEnum):
    NBIRTH = "NBIRTH"
    NDATA = "NDATA"
    NDEATH = "NDEATH"
    NCMD = "NCMD"
    DBIRTH = "DBIRTH"
    DDATA = "DDATA"
    DDEATH = "DDEATH"
    DCMD = "DCMD"
    STATE = "STATE"


BIRTHS = (MessageType.NBIRTH, MessageType.DBIRTH)


class DataType(IntEnum):
    """The Sparkplug B data types Forewarn sends (the definition's DataType numbers)."""

    INT32 = 3
    INT64 = 4
    UINT64 = 8
    FLOAT = 9
    DOUBLE = 10
    BOOLEAN = 11
    STRING = 12
    DATETIME = 13
    TEXT = 14


VALUE_FIELD = {
    DataType.INT32: "int_value",
    DataType.INT64: "long_value",
    DataType.UINT64: "long_value",
    DataType.FLOAT: "float_value",
    DataType.DOUBLE: "double_value",
    DataType.BOOLEAN: "boolean_value",
    DataType.STRING: "string_value",
    DataType.DATETIME: "long_value",
    DataType.TEXT: "string_value",
}


class SparkplugError(ValueError):
    """A topic or payload that is not Sparkplug B as this module reads it."""


@dataclass(frozen=True)
class Topic:
    """One Sparkplug topic: `str(topic)` is its MQTT name, `Topic.parse` reads one back."""

    group: str
    type: MessageType
    node: str
    device: str | None = None

    def __str__(self) -> str:
        if self.type == MessageType.STATE:
            return f"{NAMESPACE}/STATE/{self.node}"
        tail = f"/{self.device}" if self.device is not None else ""
        return f"{NAMESPACE}/{self.group}/{self.type}/{self.node}{tail}"

    @classmethod
    def parse(cls, text: str) -> Topic:
        parts = text.split("/")
        if len(parts) < 3 or parts[0] != NAMESPACE:
            raise SparkplugError(f"not a Sparkplug B topic: {text!r}")
        if parts[1] == "STATE" and len(parts) == 3:
            return cls("", MessageType.STATE, parts[2])
        if len(parts) not in (4, 5):
            raise SparkplugError(f"not a Sparkplug B topic: {text!r}")
        try:
            kind = MessageType(parts[2])
        except ValueError:
            raise SparkplugError(f"unknown Sparkplug message type in {text!r}") from None
        device = parts[4] if len(parts) == 5 else None
        if (device is None) == kind.startswith("D"):
            raise SparkplugError(f"{kind} needs {'a' if device is None else 'no'} device: {text!r}")
        return cls(parts[1], kind, parts[3], device)


def state_topic(host: str) -> str:
    return str(Topic("", MessageType.STATE, host))


def state_payload(online: bool, timestamp_ms: int | None = None) -> bytes:
    """A Sparkplug 3.0 host's STATE message (JSON, retained)."""
    return json.dumps(
        {"online": online, "timestamp": now_ms() if timestamp_ms is None else timestamp_ms}
    ).encode()


def now_ms() -> int:
    return int(time.time() * 1000)


class Sequence:
    """A payload sequence number, 0..255 then 0 again; `birth()` restarts it (a birth carries 0)."""

    def __init__(self) -> None:
        self.value = -1

    def birth(self) -> int:
        self.value = 0
        return 0

    def next(self) -> int:
        self.value = (self.value + 1) % 256
        return self.value


class AliasTable:
    """Name -> alias of one edge node (its own metrics and its devices' share one alias space),
    numbered from `first`."""

    def __init__(self, first: int = 1) -> None:
        self.alias: dict[str, int] = {}
        self.first = first

    def of(self, name: str) -> int:
        a = self.alias.get(name)
        if a is None:
            a = self.alias[name] = len(self.alias) + self.first
        return a

    def names(self) -> dict[int, str]:
        return {a: n for n, a in self.alias.items()}


class Metric(NamedTuple):
    """One metric of a payload. In a birth it has a name, an alias and a data type; in data only
    the alias. `quality` is the Quality property (None: good, not sent)."""

    name: str | None
    alias: int | None
    datatype: DataType | None
    value: Any
    timestamp: int | None = None
    quality: int | None = None


class Payload(NamedTuple):
    timestamp: int | None
    seq: int | None
    metrics: list[Metric]


def encode(
    metrics: Iterable[Metric], *, timestamp_ms: int | None = None, seq: int | None = None, birth: bool = False
) -> bytes:
    """A Sparkplug B payload. `birth`: every metric with its name and data type."""
    p = pb.Payload()
    p.timestamp = now_ms() if timestamp_ms is None else timestamp_ms
    if seq is not None:
        p.seq = seq
    for m in metrics:
        out = p.metrics.add()
        if m.alias is not None:
            out.alias = m.alias
        if birth or m.alias is None:
            out.name = m.name
            out.datatype = m.datatype
        if m.timestamp is not None:
            out.timestamp = m.timestamp
        _set_value(out, m.datatype, m.value)
        if m.quality is not None and m.quality != QUALITY_GOOD:
            _set_quality(out, m.quality)
    return p.SerializeToString()


def encode_doubles(
    aliases: np.ndarray,
    values: np.ndarray,
    ts_ms: np.ndarray,
    quality: np.ndarray,
    *,
    seq: int,
    timestamp_ms: int | None = None,
    alias_rows: np.ndarray | None = None,
    into: wire.PayloadBuffer | None = None,
    layout=None,
) -> bytes | bytearray:
    """A data payload of Double metrics by alias (the fast path for tag values): a value that
    is not finite is sent as null; a quality other than good (`quality`: Sparkplug codes) as the
    Quality property. Written with numpy (transport/wire.py): the bytes the protobuf runtime
    would write for the same message. `alias_rows`: the aliases' varints, kept by the caller
    (`wire.varint_rows`); `into`: a `wire.PayloadBuffer` the usual scan batch is written into
    (the bytearray returned is overwritten by the next payload of its layout; `layout`: a key
    under which the aliases are always the same, in the same order: see wire.PayloadBuffer)."""
    ts = now_ms() if timestamp_ms is None else timestamp_ms
    return wire.data_payload(
        aliases,
        values,
        ts_ms,
        quality,
        QUALITY_GOOD,
        timestamp_ms=ts,
        seq=seq,
        alias_rows=alias_rows,
        into=into,
        layout=layout,
    )


def _set_value(out, datatype: DataType | None, value: Any) -> None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        out.is_null = True
        return
    if datatype is None:
        raise SparkplugError("a metric with a value needs a data type")
    setattr(out, VALUE_FIELD[datatype], value)


def _set_quality(out, quality: int) -> None:
    out.properties.keys.append(QUALITY_PROPERTY)
    out.properties.values.add(type=PROPERTY_INT32, int_value=quality)


def decode(
    data: bytes, names: dict[int, str] | None = None, types: dict[str, DataType] | None = None
) -> Payload:
    """Read a payload; `names` and `types` (from the birth) resolve metrics sent by alias only."""
    try:
        p = pb.Payload.FromString(data)
    except Exception as exc:  # the protobuf runtime's DecodeError and its kin
        raise SparkplugError(f"not a Sparkplug B payload: {exc}") from None
    metrics = []
    for m in p.metrics:
        alias = m.alias if m.HasField("alias") else None
        name = m.name if m.HasField("name") else (names or {}).get(alias)
        dt = m.datatype if m.HasField("datatype") else (types or {}).get(name)
        field = m.WhichOneof("value")
        value = None if m.is_null or field is None else getattr(m, field)
        quality = None
        if m.HasField("properties"):
            for k, v in zip(m.properties.keys, m.properties.values, strict=False):
                if k == QUALITY_PROPERTY:
                    quality = v.int_value
        ts = m.timestamp if m.HasField("timestamp") else None
        metrics.append(Metric(name, alias, _datatype(dt), value, ts, quality))
    return Payload(
        p.timestamp if p.HasField("timestamp") else None, p.seq if p.HasField("seq") else None, metrics
    )


def _datatype(dt):
    try:
        return DataType(dt)
    except ValueError:  # a type Forewarn does not send: its number
        return dt


def bd_seq_metric(bd_seq: int) -> Metric:
    """The birth/death sequence number metric of an NBIRTH and of its NDEATH (Int64, Sparkplug 3.0)."""
    return Metric(BD_SEQ, None, DataType.INT64, bd_seq % 256)


def death_payload(bd_seq: int) -> bytes:
    """An NDEATH: the bdSeq of the NBIRTH it ends (set as the MQTT will before connecting)."""
    return encode([bd_seq_metric(bd_seq)])
