"""Where Forewarn keeps its data: the user's data directory, or $FOREWARN_DATA_DIR."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    env = os.environ.get("FOREWARN_DATA_DIR")
    path = Path(env) if env else Path(platformdirs.user_data_dir("Forewarn", "Forewarn"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url(plant_name: str) -> str:
    """A SQLite file per plant in the data directory, e.g. .../demo-steel-works.db."""
    slug = re.sub(r"[^a-z0-9]+", "-", plant_name.lower()).strip("-") or "plant"
    return f"sqlite:///{data_dir() / (slug + '.db')}"
