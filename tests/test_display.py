"""The live terminal view: events from the real coach (on fakes) folded into a ViewState, drawn by rich on a
console of a fixed width, and written to a stream that is a terminal, a pipe, or broken."""

import io
import re
import sys
import threading

import pytest
from click.testing import CliRunner

from tests.fakes import Reply, rig
from tests.triage_helpers import ASKED_RED_FLAGS
from voicecoach.adapters.captions import status_line
from voicecoach.adapters.display import TerminalDisplay
from voicecoach.adapters.panel import big_digits, panel, terminal_console
from voicecoach.adapters.view import Phase, ViewState, apply, at
from voicecoach.cli import cli
from voicecoach.coach.catalogue import plan_item, timing
from voicecoach.coach.coach import ExerciseCoach
from voicecoach.domain.endings import How
from voicecoach.events import Count, Event, Rest, SessionEnd
from voicecoach.session import Session

SGR = re.compile(r"\x1b\[[0-9;]*m")
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ESCAPE = "\x1b"
ALT_SCREEN_ON = "\x1b[?1049h"
ALT_SCREEN_OFF = "\x1b[?1049l"
HIDE_CURSOR = "\x1b[?25l"
SHOW_CURSOR = "\x1b[?25h"
HOME = "\x1b[H"
HEIGHT = 30


class TtyStream(io.StringIO):
    """A terminal, as far as the display can tell."""

    def isatty(self):
        return True


class BrokenStream(io.StringIO):
    """A stream whose reader has gone (a closed pipe)."""

    def __init__(self, tty=False):
        super().__init__()
        self.tty = tty
        self.writes = 0

    def isatty(self):
        return self.tty

    def write(self, text):
        self.writes += 1
        raise BrokenPipeError(32, "Broken pipe")


class ManualClock:
    """A clock the test sets by hand."""

    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


def coach_events(item, replies=()):
    """The events the real coach emits for one exercise, with the fakes' clock."""
    r = rig(list(replies))
    ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit).run(item)
    return r.events


def session_events(command, replies, plan=()):
    r = rig(list(replies))
    Session(r.conversation).run(command, plan)
    return r.events


def fold(events, until=None):
    """Apply events in order (received at their own time) up to and including the first that ``until`` picks."""
    state = ViewState()
    for event in events:
        state = apply(state, event, event.t)
        if until is not None and until(event):
            return state
    assert until is None, "the event looked for never came"
    return state


def feed(display, events, clock):
    for event in events:
        clock.t = event.t
        display(event)


def count_of(hold=None, n=None, set_no=None, rep=None):
    def pick(event: Event) -> bool:
        return (isinstance(event, Count) and (hold is None or event.hold == hold) and (n is None or event.n == n)
                and (set_no is None or event.set == set_no) and (rep is None or event.rep == rep))
    return pick


def drawn(state, width=60, *, color=False):
    """The panel as rich draws it on a terminal ``width`` columns wide: its lines, escape codes and all."""
    out = io.StringIO()
    terminal_console(out, color=color, width=width, height=HEIGHT, env={}).print(panel(state))
    return out.getvalue().splitlines()


def inside(lines):
    """The text inside the panel's frame (the frame, its padding and trailing spaces taken off)."""
    plain = [CSI.sub("", line) for line in lines]
    top = next(i for i, line in enumerate(plain) if line[:1] in ("\u256d", "+"))
    bottom = next(i for i, line in enumerate(plain) if i > top and line[:1] in ("\u2570", "+"))
    return [line[2:-2].rstrip() for line in plain[top + 1:bottom]]


def render(state, width=60):
    """The lines of text the panel shows at ``width`` columns."""
    return inside(drawn(state, width))


def contains_block(lines, block):
    """The rows of ``block`` appear on consecutive lines, each starting at the same column."""
    for start in range(len(lines) - len(block) + 1):
        column = lines[start].find(block[0])
        if column >= 0 and all(lines[start + i][column:].startswith(row) for i, row in enumerate(block)):
            return True
    return False


# --- the state and the panel ---------------------------------------------------------------------

def test_the_count_is_drawn_in_big_digits_with_the_hold_it_belongs_to():
    events = coach_events(plan_item("E2"))
    state = fold(events, count_of(hold=2, n=7))
    assert (state.phase, state.exercise, state.hold, state.count) == (Phase.EXERCISE, "bridge", 2, 7)
    lines = render(state, 60)
    assert lines[0].startswith("EXERCISE  Bridge")
    assert "Hold 2 of 3, counting to 10" in lines
    assert contains_block(lines, big_digits(7))
    assert not contains_block(lines, big_digits(6))


def test_big_digits_are_five_lines_of_blocks_and_differ_per_digit():
    drawn = {d: big_digits(d) for d in range(10)}
    assert all(len(rows) == 5 for rows in drawn.values())
    assert len({tuple(rows) for rows in drawn.values()}) == 10
    assert big_digits(10)[0].startswith("  \u2588\u2588")  # "1" then "0", two columns apart
    assert set("".join(big_digits(8, glyph="#"))) <= {"#", " "}


def test_reps_show_set_2_of_3_and_the_rep():
    events = coach_events(plan_item("E3"))
    state = fold(events, count_of(set_no=2, rep=4))
    lines = render(state, 60)
    assert lines[0].startswith("EXERCISE  Back extension")
    assert lines[0].endswith("Set 2 of 3")
    assert "Rep 4 of 10" in lines
    assert contains_block(lines, big_digits(4))


def test_a_single_set_is_not_labelled_set_1_of_1():
    state = fold(coach_events(plan_item("E2")), count_of(n=1))
    assert "Set" not in render(state, 60)[0]


def test_the_rest_timer_counts_down_on_the_injected_clock():
    events = coach_events(plan_item("E3"))
    rest = next(e for e in events if isinstance(e, Rest))
    state = fold(events, lambda e: e is rest)
    assert state.phase is Phase.REST
    start = rest.t
    assert [at(state, start + dt).rest_left for dt in (0, 0.5, 1.0, 1.2, 29.2, 30, 45)] == [30, 30, 29, 29, 1, 0, 0]
    lines = render(at(state, start + 11), 60)
    assert "Next: Set 2 of 3" in lines
    assert contains_block(lines, big_digits(19))
    assert "seconds of rest left" in lines


def test_a_pause_in_a_rest_holds_the_timer_and_moves_its_end_as_the_coach_does():
    events = coach_events(plan_item("E2"), [Reply("pause", at=20.0), Reply("resume", at=25.0)])
    rest = next(e for e in events if isinstance(e, Rest))
    paused = fold(events, lambda e: e.type == "command")
    assert paused.phase is Phase.PAUSED
    assert paused.hint == "Say: resume or ready, or stop"
    frozen = paused.rest_left
    assert frozen == rest.t + rest.seconds - 20.0
    assert at(paused, 24.0).rest_left == frozen
    resumed = fold(events, lambda e: e.type == "said" and e.text == "Resuming.")
    assert resumed.phase is Phase.REST
    # the coach's next hold starts when its moved rest ends: the display reaches 0 then, not before
    go = next(e for e in events if e.type == "said" and e.t > 25.0 and "now. Hold." in e.text)
    assert at(resumed, go.t - 1.0).rest_left == 1
    assert at(resumed, go.t).rest_left == 0


def test_heard_text_is_shown_and_marked_when_not_understood():
    events = coach_events(plan_item("E2"), [Reply("mumble", at=4.5, confidence=0.31, rejected=True)])
    state = fold(events, lambda e: e.type == "heard")
    lines = render(state, 60)
    assert 'Heard: "mumble" - not understood (31%)' in lines
    understood = fold(session_events("exercise", ["3", "2"], [plan_item("E2")]), lambda e: e.type == "heard")
    assert 'Heard: "3"' in render(understood, 60)


def test_colour_marks_a_rejected_hearing_red_and_only_when_asked():
    events = coach_events(plan_item("E2"), [Reply("mumble", at=4.5, confidence=0.31, rejected=True)])
    state = fold(events, lambda e: e.type == "heard")
    assert not any(SGR.search(line) for line in drawn(state, 60))
    coloured = drawn(state, 60, color=True)
    heard = next(line for line in coloured if "Heard" in line)
    assert '\x1b[31mHeard: "mumble" - not understood (31%)\x1b[0m' in heard
    accepted = fold(session_events("exercise", ["3", "2"], [plan_item("E2")]), lambda e: e.type == "heard")
    assert '\x1b[32mHeard: "3"\x1b[0m' in "".join(drawn(accepted, 60, color=True))


def test_a_question_is_shown_with_the_words_that_answer_it():
    events = session_events("exercise", ["3", "2"], [plan_item("E2")])
    asked = fold(events, lambda e: e.type == "asked")
    assert asked.phase is Phase.TRIAGE
    lines = render(asked, 60)
    assert lines[0] == "QUESTIONS"
    assert any(line.startswith("On a scale of 0 to 10") for line in lines)
    assert lines[-1] == "Say a number from 0 to 10  (or skip, stop)"
    assert fold(events, lambda e: e.type == "answered").question is None


def test_the_knee_test_asks_for_ready_not_yes_or_no():
    replies = ["yes"] + ["no"] * (len(ASKED_RED_FLAGS) + 1) + ["no"] * 6 + ["no", "no"] + ["stop"]
    events = session_events("session", replies)
    knee = fold(events, lambda e: e.type == "asked" and e.id == "K0")
    assert knee.hint == "Say: ready, or skip  (or stop)"


def test_stop_mid_hold_shows_the_worse_question_then_counting_again():
    replies = [Reply("stop", at=5.5), "no", "yes"]
    events = coach_events(plan_item("E2"), replies)
    asked = fold(events, lambda e: e.type == "asked" and e.id == "WORSE")
    assert asked.phase is Phase.PAUSED
    assert "Is the pain worse than when you started?" in render(asked, 60)
    assert asked.hint == "Say: yes or no  (or repeat, help, stop)"
    carried_on = fold(events, lambda e: e.type == "said" and e.text == "Resuming.")
    assert carried_on.phase is Phase.EXERCISE and carried_on.question is None


def test_between_exercises_the_one_just_done_is_shown_until_a_question_comes():
    events = session_events("exercise", ["3", "2"], [plan_item("E2"), plan_item("E3")])
    done = fold(events, lambda e: e.type == "exercise_done")
    assert done.phase is Phase.EXERCISE and done.exercise_done == "completed"
    assert render(done, 60)[:3] == ["EXERCISE  Bridge", "", "Done"]
    assert done.hint == "Say stop at any time."
    nxt = fold(events, lambda e: e.type == "exercise_started" and e.exercise == "E3")
    assert (nxt.exercise, nxt.exercise_done, nxt.count) == ("back extension", None, None)
    assert "Get ready" in render(nxt, 60)
    after = fold(events, lambda e: e.type == "asked" and e.id == "PAIN_AFTER")
    assert (after.phase, after.exercise) == (Phase.TRIAGE, None)
    assert render(after, 60)[0] == "QUESTIONS"


def test_the_end_of_the_session_is_shown():
    events = session_events("exercise", ["3", "2"], [plan_item("E2")])
    state = fold(events)
    assert state.phase is Phase.DONE and state.ended == "finished"
    assert render(state, 60)[0] == "DONE  finished"
    assert status_line(state) == "Session over: finished"


@pytest.mark.parametrize("width", [1, 4, 12, 15, 16, 20, 30, 44, 80, 120])
def test_no_line_is_wider_than_the_terminal(width):
    events = session_events("exercise", ["3", Reply("mumble", at=30, rejected=True), "2"],
                            [plan_item("E3"), plan_item("E1", "both")])
    state = ViewState()
    for event in events:
        state = apply(state, event, event.t)
        lines = drawn(state, width, color=True)
        assert lines and all(len(SGR.sub("", line)) <= width for line in lines)


def test_a_narrow_terminal_gets_the_view_without_its_frame_and_the_phase_first():
    state = fold(coach_events(plan_item("E3")), count_of(set_no=2, rep=4))
    framed = [SGR.sub("", line) for line in drawn(state, 16)]
    assert framed[0].startswith("\u256d") and framed[1] == "\u2502 EXERCISE  Ba \u2502"
    bare = [line.rstrip() for line in drawn(state, 15)]
    assert bare[:2] == ["EXERCISE  Back", "Rep 4 of 10"]  # the set, on the right, gives way first
    assert contains_block(bare, big_digits(4))


def test_a_number_too_wide_for_the_terminal_is_written_plainly():
    state = fold(coach_events(plan_item("E3").with_dose(reps=120)), count_of(set_no=1, rep=100))
    assert "  100" in render(state, 20)
    assert contains_block(render(state, 40), big_digits(100))
    assert contains_block(render(state, 20), big_digits(10)) is False


# --- the terminal adapter -------------------------------------------------------------------------

def test_a_log_gets_plain_lines_only_when_something_changes():
    events = session_events("exercise", ["3", Reply("mumble", at=30, confidence=0.4, rejected=True), "2"],
                            [plan_item("E2")])
    out, clock = io.StringIO(), ManualClock()
    feed(TerminalDisplay(out, clock=clock, env={}), events, clock)
    text = out.getvalue()
    assert ESCAPE not in text
    lines = text.splitlines()
    assert lines == [
        "Question: On a scale of 0 to 10, where 0 is no pain and 10 is the worst pain you can imagine, how bad is "
        "your pain right now?",
        'Heard: "3"',
        "Exercise: Bridge, hold 1 of 3",
        "Rest 10 s: Bridge, next hold 2 of 3",
        "Exercise: Bridge, hold 2 of 3",
        'Heard: "mumble" - not understood (40%)',
        "Rest 10 s: Bridge, next hold 3 of 3",
        "Exercise: Bridge, hold 3 of 3",
        "Exercise: Bridge, done",
        "Question: Well done. On a scale of 0 to 10, how bad is your pain now?",
        'Heard: "2"',
        "Session over: finished",
    ]


def frames(out):
    """What each redraw put on the screen (a redraw starts at the top left corner)."""
    return [frame for frame in out.getvalue().split(HOME)[1:] if "\n" in frame]


def screen(frame):
    """A frame's lines on the screen, without escape codes."""
    return [CSI.sub("", line) for line in frame.split("\n")]


def test_a_terminal_is_redrawn_in_place_and_given_back_at_the_end():
    events = session_events("exercise", ["3", "2"], [plan_item("E2")])
    out, clock = TtyStream(), ManualClock()
    display = TerminalDisplay(out, clock=clock, width=60, height=HEIGHT, env={"TERM": "xterm"})
    feed(display, events, clock)
    text = out.getvalue()
    assert text.startswith(ALT_SCREEN_ON)
    assert text.count(ALT_SCREEN_ON) == 1
    assert text.index(HIDE_CURSOR) < text.index("QUESTIONS")
    drawn_frames = frames(out)
    counts = sum(isinstance(e, Count) for e in events)
    assert counts < len(drawn_frames) < len(events)  # one frame per change: every count, not every event
    for frame in drawn_frames[:-1]:  # each fills the screen, so nothing of the last one is left behind
        lines = screen(frame)
        assert len(lines) == HEIGHT and {len(line) for line in lines} == {60}
    assert SGR.search(text)
    assert text.endswith(SHOW_CURSOR + ALT_SCREEN_OFF + "Session over: finished\n")
    assert "DONE  finished" in inside(screen(drawn_frames[-1]))[0]
    holding = [inside(screen(f)) for f in drawn_frames if "counting to 10" in f]
    assert all(any(contains_block(lines, big_digits(n)) for lines in holding) for n in range(1, 11))
    assert not any(contains_block(lines, big_digits(11)) for lines in holding)


def test_no_colour_when_no_color_is_set_but_still_redrawn():
    events = coach_events(plan_item("E2"))
    out, clock = TtyStream(), ManualClock()
    feed(TerminalDisplay(out, clock=clock, width=60, env={"NO_COLOR": "1"}), events, clock)
    text = out.getvalue()
    assert len(frames(out)) > 30 and not SGR.search(text)


def test_a_dumb_terminal_gets_plain_lines():
    events = coach_events(plan_item("E2"))
    out, clock = TtyStream(), ManualClock()
    feed(TerminalDisplay(out, clock=clock, env={"TERM": "dumb"}), events, clock)
    assert ESCAPE not in out.getvalue()
    assert "Exercise: Bridge, hold 3 of 3" in out.getvalue().splitlines()


def test_tick_redraws_the_rest_timer_only_when_the_second_changes():
    events = coach_events(plan_item("E3"))
    rest = next(e for e in events if isinstance(e, Rest))
    out, clock = TtyStream(), ManualClock()
    display = TerminalDisplay(out, clock=clock, width=60, height=HEIGHT, env={})
    feed(display, events[: events.index(rest) + 1], clock)
    before = len(frames(out))
    display.tick(rest.t + 0.4)
    assert len(frames(out)) == before
    clock.t = rest.t + 1.0
    display.tick()
    assert len(frames(out)) == before + 1
    assert contains_block(inside(screen(frames(out)[-1])), big_digits(29))


def test_the_ticker_thread_redraws_until_stopped():
    events = coach_events(plan_item("E3"))
    rest = next(e for e in events if isinstance(e, Rest))
    out, clock = TtyStream(), ManualClock()
    display = TerminalDisplay(out, clock=clock, width=60, height=HEIGHT, env={"NO_COLOR": "1"})
    feed(display, events[: events.index(rest) + 1], clock)
    redrawn = threading.Event()
    clock.t = rest.t + 5.0
    display.start_ticker(0.01)
    try:
        for _ in range(200):
            if contains_block(inside(screen(frames(out)[-1])), big_digits(25)):
                redrawn.set()
                break
            redrawn.wait(0.01)
    finally:
        display.stop()
    assert redrawn.is_set()
    before = out.getvalue()
    clock.t = rest.t + 9.0
    threading.Event().wait(0.05)
    assert out.getvalue() == before


def test_closing_gives_the_terminal_back_once_even_after_an_error():
    out, clock = TtyStream(), ManualClock()
    with pytest.raises(RuntimeError), TerminalDisplay(out, clock=clock, width=60, env={}) as display:
        display(coach_events(plan_item("E2"))[0])
        raise RuntimeError("the session failed")
    text = out.getvalue()
    assert text.count(ALT_SCREEN_OFF) == text.count(SHOW_CURSOR) == 1
    display.close()
    assert out.getvalue() == text
    assert text.index(ALT_SCREEN_ON) < text.index(HIDE_CURSOR) < text.index(SHOW_CURSOR) < text.index(ALT_SCREEN_OFF)


def test_events_from_several_threads_never_tear_a_frame_nor_draw_after_the_terminal_is_given_back():
    """The event queue's thread and the ticker draw while the session's thread closes the display."""
    events = [e for e in session_events("exercise", ["3", "2"], [plan_item("E3")]) if not isinstance(e, SessionEnd)]
    out, clock = TtyStream(), ManualClock()
    display = TerminalDisplay(out, clock=clock, width=60, height=HEIGHT, env={})

    def keep_feeding(part):
        while display.enabled:
            feed(display, part, clock)

    threads = [threading.Thread(target=keep_feeding, args=(part,)) for part in (events[::2], events[1::2])]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as the interpreter can make them
    try:
        display.start_ticker(0.001)
        for thread in threads:
            thread.start()
        while len(frames(out)) < 20:
            threading.Event().wait(0.001)
        display.close()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    text = out.getvalue()
    assert display.error is None and display._ticker is None
    assert text.count(ALT_SCREEN_ON) == 1 and text.count(SHOW_CURSOR + ALT_SCREEN_OFF) == 1
    after = text.split(SHOW_CURSOR + ALT_SCREEN_OFF)[1]
    assert ESCAPE not in after and after.count("\n") == 1  # the summary line, and nothing drawn after it
    for frame in frames(out)[:-1]:
        lines = screen(frame)
        assert len(lines) == HEIGHT and {len(line) for line in lines} == {60}


@pytest.mark.parametrize("tty", [False, True])
def test_a_broken_stream_turns_the_display_off_without_raising(tty):
    events = coach_events(plan_item("E2"))
    out, clock = BrokenStream(tty=tty), ManualClock()
    display = TerminalDisplay(out, clock=clock, env={})
    feed(display, events, clock)
    display.tick()
    display.close()
    assert not display.enabled
    assert isinstance(display.error, BrokenPipeError)
    assert out.writes <= 3  # it gave up at once (and tried to give the terminal back)


def test_a_closed_stream_does_not_raise():
    out = io.StringIO()
    out.close()
    display = TerminalDisplay(out, env={})
    display(SessionEnd(how=How.FINISHED, exit_code=0))
    display.tick()
    assert not display.enabled


def test_a_terminal_that_cannot_show_blocks_gets_hashes():
    class AsciiTty(io.TextIOWrapper):
        def isatty(self):
            return True

    raw = io.BytesIO()
    out, clock = AsciiTty(raw, encoding="ascii"), ManualClock()
    events = coach_events(plan_item("E2"))
    display = TerminalDisplay(out, clock=clock, width=60, height=HEIGHT, env={})
    feed(display, events, clock)
    out.flush()
    assert display.error is None
    text = raw.getvalue().decode("ascii")
    assert "######" in text
    assert "+----" in text  # rich's frame in ASCII too


# --- the command line ------------------------------------------------------------------------------

def test_no_display_is_a_common_option_and_leaves_text_mode_output_alone():
    def run(args):
        return CliRunner().invoke(cli, args, input="3\n2\n", catch_exceptions=False)

    plain = run(["exercise", "E2", "--text", "--time-scale", "0"])
    after = run(["exercise", "E2", "--text", "--time-scale", "0", "--no-display"])
    before = run(["--no-display", "exercise", "E2", "--text", "--time-scale", "0"])
    assert plain.exit_code == after.exit_code == before.exit_code == 0
    assert after.output == plain.output == before.output
    assert "--no-display" in run(["session", "--help"]).output
