"""A transcript written by a real session (the console script, text mode) read back into events and folded
gives the same session record that the history stored, and the exercises ``--json`` printed (issue 15)."""

import json
import subprocess

import pytest

from tests.history_helpers import SI_JOINT
from tests.test_subprocess import SCRIPT
from voicecoach.domain.doses import Dose, PlanEntry
from voicecoach.domain.endings import How
from voicecoach.domain.outcomes import ExerciseStatus, Outcome
from voicecoach.events import Event, ExerciseDone, ExerciseStarted, OutcomeReached, PlanMade, SessionEnd
from voicecoach.history.recorder import Recorder
from voicecoach.history.store import HistoryStore
from voicecoach.record import fold

pytestmark = pytest.mark.subprocess


def real_session(tmp_path, *args, typed):
    """Run the console script; returns (transcript events, the --json summary, the session the history kept)."""
    transcript, data = tmp_path / "t.jsonl", tmp_path / "data"
    proc = subprocess.run([str(SCRIPT), *args, "--text", "--time-scale", "0", "--json", "--data-dir", str(data),
                           "--transcript", str(transcript)], input=typed, capture_output=True, text=True,
                          timeout=120, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    lines = transcript.read_text().splitlines()
    events = [Event.from_dict(json.loads(line)) for line in lines]
    assert [json.dumps(e.to_dict()) for e in events] == lines, "read back, each event is written the same again"
    [kept] = HistoryStore.open(data).sessions()
    return events, summary, kept, proc.returncode


def same_record(events, kept):
    tally = fold(events)
    assert (tally.outcome, tally.side, tally.flags, tally.advice) == (kept.outcome, kept.side, kept.flags,
                                                                      kept.advice)
    assert tally.answers == kept.answers
    assert (tally.pain_before, tally.pain_after) == (kept.pain_before, kept.pain_after)
    assert tally.exercises == kept.exercises
    assert (tally.how, tally.exit_code) == (kept.how, kept.exit_code)
    return tally


def test_a_whole_session_replays_into_the_record_the_history_kept(tmp_path):
    events, summary, kept, code = real_session(tmp_path, "session", "--full-triage", typed=SI_JOINT + "3\n2\n")
    assert code == 0
    tally = same_record(events, kept)
    assert tally.outcome is Outcome.SI_JOINT and tally.how is How.FINISHED
    assert [e.status for e in kept.exercises] == ["completed"] * 3 and kept.exercises[0].holds_done == 3
    assert summary["exercises"] == [e.to_report_dict() for e in tally.begun]
    [outcome] = [e for e in events if isinstance(e, OutcomeReached)]
    assert outcome.outcome is Outcome.SI_JOINT
    [plan] = [e for e in events if isinstance(e, PlanMade)]
    assert plan.items[0] == PlanEntry("E1", "knee to chest", "right", False, Dose("standard", 10, 3, 1))
    assert isinstance(next(e for e in events if isinstance(e, ExerciseStarted)).dose, Dose)
    assert events[-1] == SessionEnd(how=How.FINISHED, exit_code=0)


def test_a_transcript_replayed_into_a_new_history_keeps_the_same_session(tmp_path):
    events, _, kept, _ = real_session(tmp_path, "session", "--full-triage", typed=SI_JOINT + "3\n2\n")
    (tmp_path / "again").mkdir()
    store = HistoryStore.open(tmp_path / "again")
    recorder = Recorder(store, "session", "text")
    for event in events:
        recorder(event)
    [again] = store.sessions()
    assert (again.outcome, again.side, again.flags, again.advice, again.answers) == (
        kept.outcome, kept.side, kept.flags, kept.advice, kept.answers)
    assert (again.pain_before, again.pain_after, again.how, again.exit_code) == (
        kept.pain_before, kept.pain_after, kept.how, kept.exit_code)
    assert again.exercises == kept.exercises


def test_a_skipped_exercise_and_its_command_replay_the_same(tmp_path):
    events, summary, kept, code = real_session(tmp_path, "exercise", "bridge", "back-extension",
                                               typed="3\nskip\n4\n")
    assert code == 0
    tally = same_record(events, kept)
    assert [(e.exercise, e.status, e.commands) for e in tally.exercises] == [
        ("E2", ExerciseStatus.SKIPPED, ("skip",)), ("E3", ExerciseStatus.COMPLETED, ())]
    assert [e.status for e in events if isinstance(e, ExerciseDone)] == ["skipped", "completed"]
    assert summary["exercises"] == [e.to_report_dict() for e in tally.begun]
    assert (summary["pain_before"], summary["pain_after"]) == (3, 4)


def test_an_unknown_event_type_or_a_wrong_value_is_an_error():
    with pytest.raises(ValueError, match="not an event type"):
        Event.from_dict({"t": 0.0, "type": "nonsense"})
    with pytest.raises(ValueError):
        Event.from_dict({"t": 0.0, "type": "session_end", "how": "exploded", "exit_code": 0})
    with pytest.raises(ValueError, match="without all its fields"):
        Event.from_dict({"t": 0.0, "type": "count", "exercise": "E2"})
    later = {"t": 1.5, "type": "exercise_done", "exercise": "E2", "status": "completed", "added_later": 1}
    assert Event.from_dict(later) == ExerciseDone(exercise="E2", status=ExerciseStatus.COMPLETED)
