"""Where Forewarn keeps its data: the user's data directory, or $FOREWARN_DATA_DIR.

The directory holds the history databases, the secret store and the audit key: it is made
readable by its owner only (0700), and tightened to that when found more open.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)


def data_dir() -> Path:
    env = os.environ.get("FOREWARN_DATA_DIR")
    path = Path(env) if env else Path(platformdirs.user_data_dir("Forewarn", "Forewarn"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        try:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(path, 0o700)
                log.info("data directory %s was mode %o: now 0700 (owner only)", path, mode)
        except OSError as exc:
            log.warning("cannot make the data directory %s owner-only: %s", path, exc.strerror or exc)
    return path


def plant_slug(plant_name: str) -> str:
    """A plant's name as a file name and a secret name prefix: `Demo Steel Works` -> `demo-steel-works`."""
    return re.sub(r"[^a-z0-9]+", "-", plant_name.lower()).strip("-") or "plant"


def default_db_url(plant_name: str) -> str:
    """A SQLite file per plant in the data directory, e.g. .../demo-steel-works.db."""
    return f"sqlite:///{data_dir() / (plant_slug(plant_name) + '.db')}"
