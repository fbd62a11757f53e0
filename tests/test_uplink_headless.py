"""`headless` runs the regulator link of a plant that enables it, as a listener of its engine."""

from __future__ import annotations

import io

import pytest

from app.uplink.profile import UPLINK_RESOURCES, load_profile
from tests.uplink_fixtures import secret_store, uplink_yaml
from tests.uplink_platform import Platform


@pytest.mark.slow
def test_headless_reports_to_the_platform(tmp_path, monkeypatch):
    from cli.commands import headless

    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    secret_store(tmp_path)  # secrets.yaml in the data directory
    fast = tmp_path / "fast.yaml"  # the shipped profile, one snapshot a second
    fast.write_text(
        (UPLINK_RESOURCES / "steel.yaml")
        .read_text(encoding="utf-8")
        .replace("realtime_s: 60", "realtime_s: 1"),
        encoding="utf-8",
    )
    platform = Platform(load_profile(str(fast)), tmp_path / "certs").start()
    try:
        text = uplink_yaml(platform.url, platform.ca).replace(
            "  enabled: true\n", f"  enabled: true\n  profile: {fast}\n"
        )
        text = text.replace(
            "{name: d, protocol: modbus-tcp}", "{name: d, protocol: modbus-tcp, host: 127.0.0.1, port: 1}"
        )
        plant = tmp_path / "plant.yaml"
        plant.write_text(text, encoding="utf-8")
        out = io.StringIO()
        assert headless(str(plant), f"sqlite:///{tmp_path / 'h.db'}", 3.0, out) == 0
    finally:
        platform.stop()
    kinds = [k for k, _, _ in platform.received]
    assert kinds[:2] == ["base", "points"] and "realtime" in kinds
    snap = platform.of_kind("realtime")[0][1]
    assert {p["zt"] for p in snap["data"]} == {"3"}  # the device is out of reach: offline
