"""A small plant with a regulator link, its secret store, history database and the test platform."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.config import parse_config_text
from app.config.secrets import SecretStore
from app.uplink.build import build_uplink
from app.uplink.profile import load_profile
from core.samples import Quality, SampleBatch
from storage.audit import AuditLog
from storage.schema import create_schema, make_engine
from tests.conftest import wait_until as poll
from tests.helpers import Clock, plant_yaml
from tests.uplink_platform import SECRETS, Platform

T0 = 1_800_000_000.0  # a multiple of 60 s: the link's snapshots fall on whole minutes
TAGS = """\
- {name: BF1.T.01, device: d, address: "hr:0", unit: degC, range: [0, 1500], alarms: {H: 1200, HH: 1300}}
- {name: GAS.CO.01, device: d, address: "hr:2", unit: ppm, range: [0, 1000], alarms: {H: 24, HH: 50}}
- {name: GAS.CO.02, device: d, address: "hr:4", unit: ppm, range: [0, 1000]}
"""
POINTS = """\
      - {tag: BF1.T.01, code: "530100BF0001", indicator: temperature, equipment: BF1 hearth}
      - {tag: GAS.CO.01, code: "530100GA0001", indicator: gas_concentration, calibrated: 2026-06-01}
      - {tag: GAS.CO.02, code: "530100GA0002", indicator: gas_concentration}
"""


def uplink_yaml(url: str, ca: Path | None, *, extra: str = "", points: str = POINTS) -> str:
    ca_line = f"  ca_file: {ca}\n" if ca is not None else ""
    return plant_yaml(
        TAGS,
        name="Link Works",
        extra=f"""
hazard_sources:
  - {{name: Blast furnace 1, kind: blast_furnace, tags: [BF1.T.01]}}
  - {{name: Gas area, kind: gas_area, tags: [GAS.CO.01, GAS.CO.02]}}
uplink:
  enabled: true
  endpoint: {url}
{ca_line}  credentials: {{app_id: "secret:reg.app_id", app_secret: "secret:reg.app_secret", key: "secret:reg.key", salt: "secret:reg.salt"}}
  enterprise: {{code: "91530100TEST", name: Link Works, district: "530100"}}
  link_down_alarm_min: 10
  points:
{points}{extra}""",
    )


def secret_store(tmp_path: Path, prefix: str = "reg") -> SecretStore:
    """The platform's credentials as `PREFIX.app_id` ... in `tmp_path`/secrets.yaml."""
    store = SecretStore(tmp_path / "secrets.yaml")
    for name, value in SECRETS.items():
        store.set(f"{prefix}.{name}", value)
    return store


class Rig:
    """A platform (HTTPS unless `tls=False`), the plant, its history database and the link on `clock`."""

    def __init__(
        self, tmp_path: Path, clock, *, tls: bool = True, extra: str = "", audit: bool = False, **kw
    ):
        self.profile = load_profile("steel")
        self.platform = Platform(self.profile, tmp_path / "certs" if tls else None).start()
        self.ca = getattr(self.platform, "ca", None)
        self.cfg = parse_config_text(uplink_yaml(self.platform.url, self.ca, extra=extra))
        self.db = make_engine(f"sqlite:///{tmp_path / 'history.db'}")
        create_schema(self.db)
        self.store = secret_store(tmp_path)
        self.clock = clock
        self.link = self.build(**kw)
        if audit:
            self.link.audit = AuditLog(self.db, clock, data_dir=tmp_path / "audit")

    def build(self, **kw):
        kw.setdefault("retry_s", 0.02)
        kw.setdefault("retry_cap_s", 0.1)
        return build_uplink(self.cfg, self.db, secret_store=self.store, clock=self.clock, **kw)

    def samples(self, t: float, values=(1000.0, 5.0, 3.0), quality=Quality.GOOD) -> None:
        n = len(values)
        self.link.on_samples(SampleBatch.build(np.arange(n), t, np.array(values, dtype=float), quality))

    def close(self) -> None:
        self.link.stop()
        self.platform.stop()
        self.db.dispose()


def wait_until(cond, timeout: float = 20.0, what: str = "condition") -> None:
    """The suite's wait (tests/conftest.py), with the link's longer default."""
    poll(cond, timeout, interval=0.01, what=what)


def deliver(rig: Rig) -> None:
    """Let the link take rounds until nothing is left to send."""
    wait_until(lambda: rig.link.step() is not None and rig.link.store.backlog()[0] == 0, what="delivery")


def rig_fixtures(**kw):
    """A test module's `clock` (at T0) and `rig` (a `Rig` with `kw`) fixtures:
    `clock, rig = rig_fixtures(tls=False)`."""

    @pytest.fixture
    def clock():
        return Clock(T0)

    @pytest.fixture
    def rig(tmp_path, clock):
        r = Rig(tmp_path, clock, **kw)
        yield r
        r.close()

    return clock, rig
