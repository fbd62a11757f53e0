"""What the engine answers with: a live reconfiguration's result and a tag as it stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from app.config import PlantConfig


@dataclass(frozen=True)
class Reconfigured:
    """What a live configuration change did."""

    devices_restarted: list[str]
    devices_added: list[str]
    devices_removed: list[str]
    tags_added: int
    tags_removed: int
    transitions: list = field(default_factory=list)


class TagNow(NamedTuple):
    """A tag as it stands (Engine.tag_now): the configuration it belongs to, the tag (None: no
    such tag), its latest value (None: none valid) and its scaling (raw * scale + offset)."""

    config: PlantConfig
    tag: object
    value: float | None
    scale: float
    offset: float
