"""The regulator link's configuration: SM4 against the published vectors, the profile's and the
point catalogue's errors with file, line and field (CSV: per row), check-config, the demo
catalogue."""

from __future__ import annotations

import io

import pytest
import yaml

from app.config import ConfigError, demo_config_path, load_config, parse_config_text
from app.uplink.build import check_uplink, located_problems
from app.uplink.catalogue import export_points_csv, import_points_csv, resolve
from app.uplink.crypto import CryptoError, Sealer, sm3, sm4_block, sm4_cbc_decrypt, sm4_cbc_encrypt
from app.uplink.profile import UPLINK_RESOURCES, load_profile, parse_profile_text
from cli.commands import check_config
from tests.uplink_fixtures import POINTS, secret_store, uplink_yaml

# GB/T 32907-2016, appendix A (example 1): one block
KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
CIPHER = bytes.fromhex("681edf34d206965e86b3e94f536e4246")
# CBC example of the SM4 description for the IETF (draft-ribose-cfrg-sm4, A.2.2.1)
CBC_IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
CBC_PLAIN = bytes.fromhex("aaaaaaaabbbbbbbbccccccccddddddddeeeeeeeeffffffffaaaaaaaabbbbbbbb")
CBC_CIPHER = bytes.fromhex("78ebb11cc40b0a48312aaeb2040244cb4cb7016951909226979b0d15dc6a8f6d")


def test_sm4_published_vectors():
    assert sm4_block(KEY, KEY) == CIPHER
    assert sm4_block(KEY, CIPHER, decrypt=True) == KEY
    sealed = sm4_cbc_encrypt(KEY, CBC_IV, CBC_PLAIN)
    assert sealed[:32] == CBC_CIPHER and len(sealed) == 48  # + one block of PKCS#7 padding
    assert sm4_cbc_decrypt(KEY, CBC_IV, sealed) == CBC_PLAIN


def test_sm3_published_vector_and_hmac_sm3():
    # GB/T 32905-2016, appendix A, example 1
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    s = Sealer("none", "salt", "", "", "HMAC-SM3", "key")
    sig = s.sign(["a", "bc"])
    assert (
        len(sig) == 64
        and s.verify(["ab", "c"], sig)
        and sig != Sealer("none", "salt", "", "", "HMAC-SHA256", "key").sign(["abc"])
    )


@pytest.mark.parametrize("iv", ["salt", "random"])
def test_seal_and_open_round_trip_and_sign(iv):
    s = Sealer("SM4-CBC", iv, KEY.hex(), CBC_IV.hex(), "HMAC-SHA256", "secret")
    text = '{"点位":"530100GA0001","value":5.0}'.encode()
    sealed = s.seal(text)
    assert s.open(sealed) == text
    assert (s.seal(text) == sealed) is (iv == "salt")
    sig = s.sign(["a", "1", sealed])
    assert s.verify(["a", "1", sealed], sig) and not s.verify(["a", "2", sealed], sig)
    with pytest.raises(CryptoError, match="16 bytes"):
        Sealer("SM4-CBC", iv, "0123", CBC_IV.hex(), "HMAC-SHA256", "secret")


def _profile_text(**changes) -> str:
    data = yaml.safe_load((UPLINK_RESOURCES / "steel.yaml").read_text(encoding="utf-8"))
    for k, v in changes.items():
        data[k] = v
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_the_shipped_profile_loads():
    p = load_profile("steel")
    assert p.encryption.algorithm == "SM4-CBC" and p.signature.algorithm == "HMAC-SHA256"
    assert set(p.paths) == {"realtime", "alarm", "response", "declaration", "base", "points"}


def test_profile_errors_name_file_line_and_field():
    bad = _profile_text(
        fields={"alarm": {"alarm_idd": "bjid"}},
        paths={"realtime": "/r"},
        realtime_s=0,
        envelope={"app_id": "appId"},
    )
    with pytest.raises(ConfigError) as got:
        parse_profile_text(bad, "hubei.yaml")
    text = str(got.value)
    assert "hubei.yaml:" in text
    assert "realtime_s:" in text and "paths: Value error" not in text and "missing path(s)" in text
    assert "missing envelope field(s)" in text
    lines = {i.field: i.line for i in got.value.issues}
    assert (
        lines["realtime_s"]
        == bad.splitlines().index(next(x for x in bad.splitlines() if x.startswith("realtime_s"))) + 1
    )


def test_profile_unknown_field_name_is_refused():
    with pytest.raises(ConfigError, match="alarm_idd"):
        parse_profile_text(_profile_text(fields={"alarm": {"alarm_idd": "bjid"}}), "p.yaml")


def test_credentials_in_plain_text_are_refused_with_their_line():
    text = uplink_yaml("https://127.0.0.1:1/api", None).replace('"secret:reg.key"', '"0123456789abcdef"')
    with pytest.raises(ConfigError) as got:
        parse_config_text(text, "plant.yaml")
    (issue,) = got.value.issues
    assert issue.field == "uplink.credentials.key" and "secret-store reference" in issue.message
    assert issue.line == next(n for n, x in enumerate(text.splitlines(), 1) if "credentials:" in x)


def test_catalogue_checked_against_plant_and_profile(tmp_path):
    points = POINTS.replace("indicator: temperature", "indicator: heat") + (
        '      - {tag: NO.SUCH, code: "530100BF0001", indicator: flow, hazard: Nowhere}\n'
    )
    path = tmp_path / "plant.yaml"
    path.write_text(uplink_yaml("https://127.0.0.1:1/api", None, points=points), encoding="utf-8")
    cfg = load_config(path)
    issues = located_problems(cfg, path, secret_store(tmp_path))
    text = "\n".join(str(i) for i in issues)
    lines = path.read_text().splitlines()
    heat_line = next(n for n, x in enumerate(lines, 1) if "indicator: heat" in x)
    assert f"plant.yaml:{heat_line}: uplink.points[0].indicator: 'heat' is not an indicator type" in text
    assert "uplink.points[3].tag: no tag 'NO.SUCH'" in text
    assert "uplink.points[3].hazard: no hazard source 'Nowhere'" in text
    assert "uplink.points[3].code: code '530100BF0001' given twice (first at points[0])" in text


def test_missing_secrets_are_named(tmp_path):
    cfg = parse_config_text(uplink_yaml("https://127.0.0.1:1/api", None))
    from app.config.secrets import SecretStore

    problems = dict(check_uplink(cfg, SecretStore(tmp_path / "empty.yaml")))
    assert "unknown secret 'reg.key'" in problems[("uplink", "credentials", "key")]


def test_points_csv_round_trip_and_per_row_errors(tmp_path):
    cfg = parse_config_text(uplink_yaml("https://127.0.0.1:1/api", None))
    text = export_points_csv(list(cfg.uplink.points))
    got, errors = import_points_csv(text)
    assert errors == [] and got == list(cfg.uplink.points)
    bad = (
        text.replace("2026-06-01", "2026-13-01").replace(",temperature,", ",,")
        + "GAS.CO.09,X1,flow,,abc,,,,,,\r\n"
    )
    got, errors = import_points_csv(bad.encode("gb18030"))
    assert got == []
    assert any(e.startswith("row 2, indicator:") for e in errors)
    assert any(e.startswith("row 3, calibrated:") for e in errors)
    assert any(e.startswith("row 5, range_low:") for e in errors)
    _, errors = import_points_csv("tag,code,nonsense\r\n")
    assert errors == ["row 1, nonsense: unknown column", "row 1: missing column 'indicator'"]


def test_check_config_reports_the_catalogue_csv_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    (tmp_path / "points.csv").write_text("tag,code,indicator\r\nBF1.T.01,P1,heat\r\n", encoding="utf-8")
    text = uplink_yaml("https://127.0.0.1:1/api", None, points="      []\n").replace(
        "  points:\n", "  points_csv: points.csv\n  points:\n"
    )
    path = tmp_path / "plant.yaml"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    assert check_config(str(path), out=io.StringIO(), err=err) == 2
    assert "uplink.points_csv: points.csv row 2, indicator: 'heat' is not an indicator type" in err.getvalue()


def test_the_demo_catalogue_fits_the_demo_plant(tmp_path):
    demo = load_config(demo_config_path())
    snippet = yaml.safe_load((UPLINK_RESOURCES / "demo_uplink.yaml").read_text(encoding="utf-8"))
    assert snippet["uplink"]["enabled"] is False
    data = yaml.safe_load(demo_config_path().read_text(encoding="utf-8"))
    data.update(snippet)
    assert (
        demo_config_path().parent / snippet["uplink"]["points_csv"]
    ).is_file()  # as the demo file names it
    data["uplink"]["points_csv"] = str(UPLINK_RESOURCES / "demo_points.csv")
    data["plant"]["map"] = str(demo.map_path())
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cfg = load_config(path)
    assert check_uplink(cfg) == []
    from app.uplink.catalogue import catalogue_of

    points, _, errors = catalogue_of(cfg)
    assert errors == [] and len(points) > 100
    resolved = resolve(demo, points)
    assert all(p.index >= 0 and p.unit for p in resolved)
    assert any(p.hazard for p in resolved)
