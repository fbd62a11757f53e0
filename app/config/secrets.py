"""Device passwords kept out of the plant YAML: a small secret store in the data directory.

The plant file names a secret (`password: secret:bof_opc.password`); the value lives in
`<data>/secrets.yaml`, a mapping of name to value readable by its owner only (mode 0600),
written atomically. Nothing here logs a value; values leave the store only through `get`.

Several plants share the data directory, so a default secret name starts with the plant's slug:
`demo-steel-works/bof_opc.password`. A plant file that still names a flat default
(`secret:bof_opc.password`, as written before) loads as it did; saving it moves the value to the
plant's own name and leaves the flat one for any other plant that still names it. A name the
engineer chose (`secret:converter`) is kept as it is.

Values are read as text, always (YAML's base loader): `0123` stays `0123`, `yes` stays `yes`.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tempfile
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

REF_PREFIX = "secret:"
FILE_NAME = "secrets.yaml"
_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)?$")


def is_ref(value: object) -> bool:
    """True for a reference `secret:NAME` (as written in the YAML)."""
    return isinstance(value, str) and value.startswith(REF_PREFIX)


def ref_name(value: str) -> str:
    return value[len(REF_PREFIX) :].strip()


def make_ref(name: str) -> str:
    return REF_PREFIX + name


def secret_name_for(device: str, field: str = "password", plant: str | None = None) -> str:
    """The default secret name of a device's field in a plant: `demo-steel-works/bof_opc.password`
    (without a plant, the flat name of older files: `bof_opc.password`)."""
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "_", device).strip("_") or "device"
    name = f"{slug}.{field}"
    if plant is None:
        return name
    from core.paths import plant_slug

    return f"{plant_slug(plant)}/{name}"


def is_flat_default(name: str, device: str, field: str = "password") -> bool:
    """Whether `name` is the flat default name older files gave a device's secret: such a name
    may be shared by several plants, and is moved to the plant's own name on the next save."""
    return name == secret_name_for(device, field)


class SecretError(Exception):
    """The secret store cannot be read or written."""


class SecretStore:
    """Name -> value, in one YAML file of mode 0600."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @classmethod
    def default(cls) -> SecretStore:
        """The store of this installation: `secrets.yaml` in the data directory."""
        from core.paths import data_dir

        return cls(data_dir() / FILE_NAME)

    def _read(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        if os.name == "posix":
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if mode & 0o077:
                log.warning("%s is readable by others (mode %o): set it to 0600", self.path, mode)
        try:
            # every value as text: safe_load would read a password 0123 as the number 83
            data = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects
        except yaml.YAMLError:
            raise SecretError(f"{self.path} is not valid YAML") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise SecretError(f"{self.path} must be a mapping of name: value")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}

    def names(self) -> list[str]:
        return sorted(self._read())

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._read()

    def set(self, name: str, value: str) -> None:
        if not _NAME_RE.match(name):
            raise SecretError(
                f"bad secret name {name!r}: use letters, digits, '_', '.', '-' only (and one '/' after the plant)"
            )
        data = self._read()
        if data.get(name) == value:
            return
        data[name] = value
        self._write(data)

    def remove(self, name: str) -> bool:
        data = self._read()
        if data.pop(name, None) is None:
            return False
        self._write(data)
        return True

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            os.chmod(tmp, 0o600)  # mkstemp creates 0600 already; say so for any platform
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write("# Forewarn secrets: device passwords named by the plant file (secret:NAME)\n")
                yaml.safe_dump(dict(sorted(data.items())), f, allow_unicode=True, default_flow_style=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
