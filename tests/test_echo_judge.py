"""The echo judge (voice/echo.py) on a fake playback log: what was played is known, its echo comes back
at a fixed fraction, and a frame is the person's only when clearly louder than that."""

from voicecoach.voice.echo import EchoJudge


class Played:
    """The coach played at ``level`` (RMS) from ``start`` to ``end``."""

    def __init__(self, start: float, end: float, level: float) -> None:
        self.start, self.end, self.level_ = start, end, level

    def level(self, start: float, end: float) -> float:
        return self.level_ if start < self.end and end > self.start else 0.0


def test_with_nothing_played_every_frame_is_the_persons():
    judge = EchoJudge(Played(10.0, 11.0, 8000.0))
    assert judge.louder_than_echo(5.0, 0.03, 300.0)


def test_the_echo_gain_is_learned_and_only_a_clearly_louder_frame_is_the_persons():
    judge = EchoJudge(Played(0.0, 100.0, 8000.0))
    assert not judge.louder_than_echo(0.0, 0.03, 7000.0)  # before any is measured: the echo may be as loud
    for i in range(50):
        judge.louder_than_echo(i * 0.03, 0.03, 2000.0 - 10 * (i % 5))  # the echo at -12 dB
    assert 1900 / 8000 < judge.gain <= 2000 / 8000
    assert not judge.louder_than_echo(2.0, 0.03, 2500.0)  # the echo, a little louder: still the echo
    assert judge.louder_than_echo(2.0, 0.03, 5000.0)  # a person well above it


def test_the_echo_is_looked_for_a_while_after_the_clip_ended():
    """Microphone frames are stamped late and the echo arrives late: a frame 0.3 s after the clip ended
    is still compared with it; 0.4 s after, nothing was played."""
    judge = EchoJudge(Played(0.0, 1.0, 8000.0))
    assert not judge.louder_than_echo(1.3, 0.03, 3000.0)
    assert judge.louder_than_echo(1.4, 0.03, 3000.0)


def test_quiet_frames_do_not_teach_the_gain():
    judge = EchoJudge(Played(0.0, 100.0, 8000.0))
    for i in range(50):
        judge.louder_than_echo(i * 0.03, 0.03, 100.0, loud=False)
    assert judge.gain == 1.0
