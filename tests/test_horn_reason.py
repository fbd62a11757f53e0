"""The horn says what is missing when QtMultimedia cannot be imported: the module, or a system
library the installed module cannot load."""

from __future__ import annotations

import sys

import pytest

from widgets.horn import SoundPlayer, import_failure_reason


def _not_installed() -> ImportError:
    return ModuleNotFoundError("No module named 'PySide6.QtMultimedia'", name="PySide6.QtMultimedia")


@pytest.mark.parametrize(
    ("exc", "says"),
    [
        (_not_installed(), "QtMultimedia is not installed (pip install PySide6-Addons"),
        (
            ImportError("libpulse.so.0: cannot open shared object file: No such file or directory"),
            "QtMultimedia cannot load libpulse.so.0 (a system audio library)",
        ),
        (
            ImportError("libasound.so.2: cannot open shared object file: No such file or directory"),
            "QtMultimedia cannot load libasound.so.2 (a system audio library)",
        ),
        (
            ImportError("libEGL.so.1: cannot open shared object file: No such file or directory"),
            "QtMultimedia cannot load libEGL.so.1 (a system library)",
        ),
        (
            ImportError(
                "DLL load failed while importing QtMultimedia: The specified module could not be found."
            ),
            "QtMultimedia cannot load a system library it needs: DLL load failed",
        ),
        (ImportError("undefined symbol: pa_stream_new"), "QtMultimedia cannot be loaded: undefined symbol"),
    ],
)
def test_the_reason_names_what_is_missing(exc, says):
    reason = import_failure_reason(exc)
    assert reason.startswith(says)
    if "cannot open shared object" in str(exc):
        assert "PySide6-Addons" not in reason


class _MissingLibrary:
    """An import hook that fails QtMultimedia's import the way a missing libpulse does."""

    def find_spec(self, name, path=None, target=None):
        if name == "PySide6.QtMultimedia":
            raise ImportError("libpulse.so.0: cannot open shared object file: No such file or directory")
        return None


def test_the_player_reports_a_missing_system_library(qtbot, monkeypatch, caplog):
    monkeypatch.delitem(sys.modules, "PySide6.QtMultimedia", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_MissingLibrary(), *sys.meta_path])
    player = SoundPlayer()
    assert not player.available
    assert player.reason == "QtMultimedia cannot load libpulse.so.0 (a system audio library)"
    assert "libpulse.so.0" in caplog.text
