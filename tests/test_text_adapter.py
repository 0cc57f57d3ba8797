"""Text mode's adapters on real file descriptors (os.pipe) and in-memory streams."""

import contextlib
import io
import os
import threading
import time

import pytest

from voicecoach.adapters.clock import ScaledClock
from voicecoach.adapters.text import FdLines, StreamLines, TextListener, TextSpeaker, lines_from
from voicecoach.ports import Expect, InputClosed, Vocabulary

QUESTION = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
COUNTING = Expect.of(Vocabulary.COMMANDS, background=True)


@pytest.fixture
def pipe():
    read_fd, write_fd = os.pipe()
    yield read_fd, write_fd
    for fd in (read_fd, write_fd):
        with contextlib.suppress(OSError):
            os.close(fd)


def test_fd_lines_reads_whole_lines_and_then_the_end(pipe):
    read_fd, write_fd = pipe
    os.write(write_fd, b"yes\r\nno\npartial")
    os.close(write_fd)
    lines = FdLines(read_fd)
    assert [lines.next_line(0), lines.next_line(0), lines.next_line(0)] == ["yes", "no", "partial"]
    with pytest.raises(EOFError):
        lines.next_line(0)


def test_fd_lines_times_out_when_nothing_is_typed(pipe):
    read_fd, _ = pipe
    assert FdLines(read_fd).next_line(0) is None


def test_a_line_typed_while_waiting_is_taken_at_once(pipe):
    read_fd, write_fd = pipe
    timer = threading.Timer(0.05, os.write, (write_fd, b"stop\n"))
    timer.start()
    assert FdLines(read_fd).next_line(5.0) == "stop"
    timer.join()


def test_lines_from_picks_the_source_by_stream():
    assert isinstance(lines_from(io.StringIO("x\n")), StreamLines)
    with open(os.devnull) as devnull:
        assert isinstance(lines_from(devnull), FdLines)


def listener(text, *, interactive=False):
    return TextListener(StreamLines(io.StringIO(text)), ScaledClock(0), interactive=interactive)


def test_scripted_answers_wait_for_their_question_while_counting():
    heard = listener("3\n")
    assert heard.listen(COUNTING, until=5.0) is None  # "3" is an answer, kept for the next question
    assert heard.listen(QUESTION, until=None).text == "3"


def test_at_a_terminal_anything_typed_while_counting_is_taken():
    heard = listener("hello\n", interactive=True)
    assert heard.listen(COUNTING, until=5.0).text == "hello"


def test_blank_lines_are_ignored():
    assert listener("\n  \nyes\n").listen(QUESTION, until=None).text == "yes"


def test_end_of_input_raises_input_closed_every_time():
    heard = listener("")
    for _ in range(2):
        with pytest.raises(InputClosed):
            heard.listen(QUESTION, until=None)


def test_a_deadline_with_no_input_advances_the_scaled_clock():
    clock = ScaledClock(0)
    heard = TextListener(StreamLines(io.StringIO("yes\n")), clock, interactive=False)
    assert heard.listen(COUNTING, until=12.5) is None
    assert clock.now() == 12.5


def test_the_speaker_prints_counts_at_their_deadline():
    out = io.StringIO()
    clock = ScaledClock(0)
    speaker = TextSpeaker(clock, out=out)
    speaker.say_at(3.0, "3")
    assert out.getvalue() == "3\n"
    assert clock.now() == 3.0


def test_scaled_clock_runs_faster_and_never_backwards():
    clock = ScaledClock(0.01)  # 100 times faster than real time
    before = time.monotonic()
    clock.sleep_until(clock.now() + 5.0)  # 5 s of coach time, 0.05 s of real time
    assert time.monotonic() - before < 5.0
    readings = [clock.now() for _ in range(100)]
    assert readings == sorted(readings)


def test_scaled_clock_rejects_a_negative_scale():
    with pytest.raises(ValueError, match="time scale"):
        ScaledClock(-1)


def test_a_command_behind_a_line_kept_for_the_next_question_acts_at_once():
    """Issue 13 part 2: a non-command line while counting never blocks the lines after it."""
    heard = listener("hello\nstop\nyes\n")
    assert heard.listen(COUNTING, until=5.0).text == "stop"
    assert heard.listen(QUESTION, until=None).text == "hello"  # kept, in order, for the questions
    assert heard.listen(QUESTION, until=None).text == "yes"


def test_a_wait_without_a_deadline_takes_any_line_even_in_the_background():
    """Holding a line back while waiting with no deadline would wait for ever (the pause hang)."""
    heard = listener("ready\nresume\n")
    assert heard.listen(COUNTING, until=None).text == "ready"
    assert heard.listen(COUNTING, until=None).text == "resume"


def test_lines_kept_for_later_survive_the_end_of_input_while_counting():
    heard = listener("3\n")
    assert heard.listen(COUNTING, until=5.0) is None
    assert heard.listen(COUNTING, until=6.0) is None  # end of input, but "3" still waits for its question
    assert heard.listen(QUESTION, until=None).text == "3"
    with pytest.raises(InputClosed):
        heard.listen(COUNTING, until=7.0)


def test_a_command_typed_on_a_real_pipe_behind_an_answer_is_heard_before_the_deadline(pipe):
    read_fd, write_fd = pipe
    os.write(write_fd, b"2\n")
    timer = threading.Timer(0.05, os.write, (write_fd, b"pause\n"))
    timer.start()
    heard = TextListener(FdLines(read_fd), ScaledClock(1.0), interactive=False)
    assert heard.listen(COUNTING, until=heard.clock.now() + 5.0).text == "pause"
    timer.join()
    assert heard.listen(QUESTION, until=None).text == "2"
