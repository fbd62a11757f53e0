"""The horn's state machine, like a protocol: what sounds, what silence and acknowledgement do,
what never sounds; the tones it renders; the horn widget without an audio device."""

from __future__ import annotations

import wave

import pytest

from app.alarms.annunciation import (
    DEFAULT_PATTERNS,
    DEFAULT_WARNING_CHIME,
    QUIET,
    SILENCED,
    SOUNDING,
    Annunciator,
    Pattern,
    pattern_samples,
    render_wav,
)
from core.alarm_types import Alarm
from tests import helpers


def alarm(key="P:H", priority=2, **kw) -> Alarm:
    return helpers.alarm(key, 0, priority, **{"ts": 10.0, "since": 10.0, "message": key, **kw})


P = DEFAULT_PATTERNS


# ---------------------------------------------------------------- sounding


def test_quiet_at_start_and_with_nothing_new():
    a = Annunciator()
    assert a.update([]).state == QUIET
    assert a.update([]).loop is None


def test_new_unacked_alarm_sounds_its_priority_pattern():
    a = Annunciator()
    cmd = a.update([alarm(priority=2)])
    assert cmd.state == SOUNDING and cmd.loop == P[2] and cmd.changed
    assert a.sounding_keys == ["P:H"]


def test_highest_priority_wins_and_falls_back_when_acknowledged():
    a = Annunciator()
    assert a.update([alarm("A:H", 3)]).loop == P[3]
    assert a.update([alarm("B:HH", 1)]).loop == P[1]
    assert a.update([alarm("C:H", 2)]).loop == P[1]  # a lower priority does not take over
    assert a.update([alarm("B:HH", 1, acked=True)]).loop == P[2]
    assert a.update([alarm("C:H", 2, acked=True)]).loop == P[3]


def test_priority_patterns_are_ordered_fastest_and_highest_for_i():
    loops = [P[p] for p in (1, 2, 3)]
    assert [p.freq_hz for p in loops] == sorted((p.freq_hz for p in loops), reverse=True)
    assert [p.period_s / p.beeps for p in loops] == sorted(p.period_s / p.beeps for p in loops)
    assert P[4].loop is False  # IV: one short chime


def test_same_alarm_again_does_not_restart_or_change():
    a = Annunciator()
    a.update([alarm()])
    cmd = a.update([alarm(value=2.0)])
    assert cmd.state == SOUNDING and not cmd.changed and cmd.chimes == ()


# ---------------------------------------------------------------- silence


def test_silence_stops_sound_without_acknowledging():
    a = Annunciator()
    a.update([alarm()])
    cmd = a.silence()
    assert cmd.state == SILENCED and cmd.loop is None and cmd.changed
    assert a.sounding_keys == ["P:H"]  # still unacknowledged
    # updates of already known alarms keep it silenced
    assert a.update([alarm(active=False)]).state == SILENCED


def test_new_alarm_after_silence_sounds_again():
    a = Annunciator()
    a.update([alarm("A:H", 3)])
    a.silence()
    cmd = a.update([alarm("B:H", 3)])
    assert cmd.state == SOUNDING and cmd.loop == P[3]


def test_silence_when_quiet_is_a_no_op():
    a = Annunciator()
    assert a.silence().state == QUIET
    assert a.update([alarm()]).state == SOUNDING  # a later alarm sounds normally


def test_acknowledging_everything_after_silence_returns_to_quiet():
    a = Annunciator()
    a.update([alarm()])
    a.silence()
    cmd = a.update([alarm(acked=True)])
    assert cmd.state == QUIET and cmd.loop is None
    assert a.update([alarm("Q:H")]).state == SOUNDING  # silence does not outlive the alarms


def test_chime_only_alarm_does_not_lift_silence():
    a = Annunciator()
    a.update([alarm("A:H", 2)])
    a.silence()
    cmd = a.update([alarm("B:H", 4)])
    assert cmd.state == SILENCED and cmd.chimes == (P[4],)


# ---------------------------------------------------------------- acknowledgement


def test_acknowledging_all_sounding_alarms_stops_the_horn():
    a = Annunciator()
    a.update([alarm("A:H"), alarm("B:H")])
    assert a.update([alarm("A:H", acked=True)]).state == SOUNDING
    cmd = a.update([alarm("B:H", acked=True)])
    assert cmd.state == QUIET and cmd.loop is None and cmd.changed


def test_returned_unacked_keeps_sounding_until_acknowledged_and_normal_clears():
    a = Annunciator()
    a.update([alarm()])
    assert a.update([alarm(active=False)]).state == SOUNDING
    assert a.update([alarm(active=False, acked=True)]).state == QUIET


def test_realarm_after_acknowledge_sounds_again():
    a = Annunciator()
    a.update([alarm()])
    a.update([alarm(acked=True)])
    assert a.update([alarm()]).state == SOUNDING


def test_already_cleared_unacked_alarm_first_seen_does_not_sound():
    a = Annunciator()
    assert a.update([alarm(active=False)]).state == QUIET


def test_acked_active_alarm_never_sounds():
    a = Annunciator()
    assert a.update([alarm(acked=True)]).state == QUIET


# ---------------------------------------------------------------- hidden alarms


@pytest.mark.parametrize("flag", ["shelved", "suppressed", "out_of_service"])
def test_hidden_alarms_never_sound(flag):
    a = Annunciator()
    cmd = a.update([alarm(**{flag: True})])
    assert cmd.state == QUIET and cmd.chimes == ()


@pytest.mark.parametrize("flag", ["shelved", "suppressed", "out_of_service"])
def test_sounding_alarm_taken_off_the_list_stops(flag):
    a = Annunciator()
    a.update([alarm()])
    assert a.update([alarm(**{flag: True})]).state == QUIET


def test_unshelved_standing_alarm_sounds_again():
    a = Annunciator()
    a.update([alarm()])
    a.update([alarm(shelved=True)])
    assert a.update([alarm()]).state == SOUNDING


def test_hidden_warning_does_not_chime():
    a = Annunciator()
    assert a.update([alarm("F:FORECAST", shelved=True)]).chimes == ()


# ---------------------------------------------------------------- warnings and configuration


@pytest.mark.parametrize("kind", ["FORECAST", "ANOMALY", "RULE"])
def test_warning_chimes_once_and_never_holds_the_horn(kind):
    a = Annunciator()
    cmd = a.update([alarm(f"F:{kind}", 3)])
    assert cmd.chimes == (DEFAULT_WARNING_CHIME,) and cmd.state == QUIET and cmd.loop is None
    assert a.update([alarm(f"F:{kind}", 3, value=5.0)]).chimes == ()  # once


def test_burst_of_warnings_is_one_chime():
    a = Annunciator()
    cmd = a.update([alarm(f"F{i}:FORECAST") for i in range(5)])
    assert cmd.chimes == (DEFAULT_WARNING_CHIME,)


def test_warnings_can_be_silent():
    a = Annunciator(warning_chime=None)
    assert a.update([alarm("F:ANOMALY")]).chimes == ()


def test_priority_iv_chime_and_silent_configuration():
    a = Annunciator()
    cmd = a.update([alarm("A:H", 4)])
    assert cmd.chimes == (P[4],) and cmd.state == QUIET
    silent = Annunciator(patterns={**DEFAULT_PATTERNS, 4: None})
    cmd = silent.update([alarm("A:H", 4)])
    assert cmd.chimes == () and cmd.state == QUIET


def test_priority_iv_can_be_configured_to_loop():
    loud = Pattern("p4loop", 660.0, 0.2, 2.0, loop=True)
    a = Annunciator(patterns={**DEFAULT_PATTERNS, 4: loud})
    assert a.update([alarm("A:H", 4)]).loop == loud


def test_reset_forgets_everything():
    a = Annunciator()
    a.update([alarm()])
    a.silence()
    assert a.reset().state == QUIET
    assert a.update([alarm()]).state == SOUNDING


# ---------------------------------------------------------------- tones


def test_pattern_samples_and_wav(tmp_path):
    p = P[1]
    data = pattern_samples(p, 8000)
    assert data.dtype.str == "<i2"
    assert len(data) == pytest.approx(p.period_s * 8000, abs=p.beeps * 2)
    assert abs(int(data[0])) < 200  # ramps in: no click
    assert data.max() > 20000
    path = render_wav(p, tmp_path / "sounds" / "p1.wav", 8000)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        assert w.getnframes() == len(data)


# ---------------------------------------------------------------- the horn widget


def test_horn_without_audio_is_silent_but_tracks_state(qtbot, caplog):
    from widgets.horn import Horn, HornIndicator, SoundPlayer

    horn = Horn()  # offscreen test machines: no QtMultimedia or no device
    indicator = HornIndicator()
    qtbot.addWidget(indicator)
    horn.stateChanged.connect(indicator.set_state)
    indicator.silenceRequested.connect(horn.silence)
    indicator.set_audible(horn.audible, getattr(horn.player, "reason", ""))
    if not horn.audible:
        assert isinstance(horn.player, SoundPlayer) and horn.player.reason
    assert not indicator.button.isEnabled()
    with qtbot.waitSignal(horn.stateChanged) as sig:
        horn.update_alarms([alarm(priority=1)])
    assert sig.args == [SOUNDING] and indicator.property("state") == SOUNDING
    assert indicator.button.isEnabled() and indicator.label.text() == "HORN"
    with qtbot.waitSignal(horn.stateChanged) as sig:
        indicator.button.click()
    assert sig.args == [SILENCED] and indicator.label.text() == "Horn silenced"
    horn.update_alarms([alarm(priority=1, acked=True)])
    assert horn.state == QUIET and indicator.property("state") == QUIET
    horn.close()


def test_horn_survives_a_player_that_fails(qtbot, caplog):
    from widgets.horn import Horn

    class Broken:
        available = True
        reason = ""

        def play(self, command):
            raise RuntimeError("device vanished")

        def close(self):
            pass

    def no_device(_parent):
        raise OSError("no audio output device")

    horn = Horn(player_factory=no_device)
    assert horn.player is None and not horn.audible
    horn.update_alarms([alarm()])
    assert horn.state == SOUNDING

    horn = Horn(player_factory=lambda _p: Broken())
    horn.update_alarms([alarm()])  # logged, not raised; the state still reaches the indicator
    assert horn.state == SOUNDING and horn.player is None
    assert "playing a sound failed" in caplog.text


def test_sound_player_without_multimedia_logs_a_notice(qtbot, caplog):
    from widgets.horn import SoundPlayer

    player = SoundPlayer()
    if player.available:
        pytest.skip("this machine has QtMultimedia and an audio device")
    assert "horn is silent" in caplog.text
    player.play(Annunciator().update([alarm()]))  # a no-op, never a crash
    player.close()
