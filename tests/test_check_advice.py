"""What ``voicecoach check`` tells the person to fix, from what it measured (pure)."""

from voicecoach.voice.check import CheckResult, advise, meter


def test_a_clear_yes_at_a_good_level_is_ok():
    result = CheckResult(heard="yes", confidence=0.9, peak_dbfs=-20, speech_dbfs=-25)
    assert result.ok
    assert advise(result) == ("Sound works: the coach can hear you. You can start with: voicecoach",)


def test_a_dead_microphone_points_at_mute_and_device_choice():
    (advice,) = advise(CheckResult(peak_dbfs=-90))
    assert "muted" in advice and "--mic" in advice


def test_rejected_speech_and_a_quiet_voice_get_both_hints():
    result = CheckResult(heard="", rejected=True, peak_dbfs=-40, speech_dbfs=-50)
    assert not result.ok
    advice = advise(result)
    assert any("not understood" in a for a in advice) and any("closer" in a for a in advice)


def test_no_is_not_ok_and_loud_speech_is_flagged():
    result = CheckResult(heard="no", confidence=0.9, peak_dbfs=-1, speech_dbfs=-2)
    assert not result.ok
    assert any("distorted" in a for a in advise(result))


def test_meter_spans_minus_sixty_to_zero():
    assert meter(-60.0, width=10).startswith("[----------]")
    assert meter(0.0, width=10).startswith("[##########]")
    assert meter(-30.0, width=10).startswith("[#####-----]")
