"""The exercise coach: explains, counts every second of a hold and every repetition, rests, and
reacts at once to the person's commands (CLINICAL.md sections 7 and 8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voicecoach import data
from voicecoach.coach.catalogue import Timing
from voicecoach.coach.prompting import Prompter
from voicecoach.coach.reactions import Reactions, SkipExercise, spoken_seconds
from voicecoach.coach.timeline import CueKind, Pace, hold_cues, rep_cues, rest_reminder_at
from voicecoach.domain.doses import Kind, PlanItem
from voicecoach.domain.endings import SessionOver
from voicecoach.domain.outcomes import ExerciseStatus
from voicecoach.events import Count, EventSink, ExerciseDone, ExerciseStarted, HoldDone, Rest, SetDone
from voicecoach.ports import Clock, DeviceReturned, Sound


@dataclass
class Interruption:
    """What happened while waiting for a deadline."""

    resumed: bool = False
    """The person paused (or stopped and chose to carry on): restart the current hold or rep."""
    paused_seconds: float = 0.0
    """How long the interruption lasted."""


@dataclass
class _MovingDeadline:
    """The end of a rest or a get-ready: pauses move it back, and "how many left" reads it."""

    at: float


class ExerciseCoach(Reactions):
    """Coaches one exercise at a time: speaks and hears through a Prompter, tells what happens through
    ``emit``, reads the time from ``clock``."""

    def __init__(
        self,
        talk: Prompter,
        timing: Timing,
        *,
        clock: Clock,
        emit: EventSink,
        since_start: Callable[[float], float] = lambda t: t,
        max_supine_seconds: float | None = None,
    ) -> None:
        self.talk = talk
        self.clock = clock
        self.emit = emit
        self.timing = timing
        self.since_start = since_start
        """Converts a clock deadline into session time for the ``scheduled`` field of counts."""
        self.max_supine_seconds = max_supine_seconds
        self.pace = Pace(
            timing.cadence_seconds, timing.cadence_min_seconds, timing.cadence_max_seconds,
            timing.cadence_step_seconds,
        )
        self.phrases: dict[str, Any] = data.load("phrases")["exercise"]
        self._instruction = ""
        self._left: Callable[[], str] = lambda: ""
        self._item: PlanItem | None = None

    @property
    def _current(self) -> PlanItem:
        """The exercise under way."""
        if self._item is None:
            raise RuntimeError("no exercise is under way")
        return self._item

    def run(self, item: PlanItem) -> ExerciseStatus:
        """Coach one exercise; how it ended. Raises SessionOver when the person stops for today.

        What was done is told only through events (the session record is their fold, voicecoach.record).
        """
        self._item, status = item, ExerciseStatus.STARTED
        exercise = item.exercise
        self.emit(ExerciseStarted(exercise=exercise.id, side=item.side, dose=item.dose))
        try:
            for index, side in enumerate(item.sides()):
                self._side(item, side, first=index == 0)
            status = ExerciseStatus.COMPLETED
            self._say(self.phrases["exercise_done"].format(name=exercise.name))
        except SkipExercise:
            status = ExerciseStatus.SKIPPED
            self._say(self.phrases["skipping"].format(name=exercise.name))
        except SessionOver:
            status = ExerciseStatus.STOPPED
            raise
        finally:
            self.emit(ExerciseDone(exercise=exercise.id, status=status))
        return status

    # --- the structure of an exercise -------------------------------------------------------

    def _side(self, item: PlanItem, side: str | None, *, first: bool) -> None:
        exercise = item.exercise
        if side is not None and len(item.sides()) > 1:
            self._say(self.phrases["side_intro" if first else "switch_sides"].format(side=side))
        words = _side_words(side)
        explain = " ".join(
            part for part in (
                exercise.explain.format(side=words),
                item.dose.explain_extra.format(side=words),
                exercise.gentle_note if item.gentle else "",
            ) if part
        )
        self._instruct(explain)
        self._get_ready()
        for set_no in range(1, item.dose.sets + 1):
            if item.dose.sets > 1:
                self._say(self.phrases["set_intro"].format(set=set_no, sets=item.dose.sets))
            started = self.clock.now()
            if exercise.kind is Kind.HOLD:
                done = self._hold_set(item, side, set_no)
            else:
                done = self._rep_set(item, side, set_no)
            self.emit(SetDone(
                exercise=exercise.id, set=set_no, side=side, reps=done,
                duration_seconds=round(self.clock.now() - started, 3),
            ))
            self.talk.cue(Sound.SET_DONE)
            if set_no < item.dose.sets:
                self._say(self.phrases["set_done"].format(set=set_no, sets=item.dose.sets))
                self._rest(item, set_no, self.timing.rest_between_sets_seconds)

    def _get_ready(self) -> None:
        seconds = self.timing.get_ready_seconds
        self.talk.cue(Sound.GET_READY)
        self._say(self.phrases["get_ready"].format(seconds=spoken_seconds(seconds)))
        end = _MovingDeadline(self.clock.now() + seconds)
        self._left = lambda: self.phrases["left_resting"].format(seconds=spoken_seconds(end.at - self.clock.now()))
        self._wait_extending(end)

    def _hold_set(self, item: PlanItem, side: str | None, set_no: int) -> int:
        for hold_no in range(1, item.dose.reps + 1):
            self._hold(item, side, set_no, hold_no)
            if hold_no < item.dose.reps:
                self._rest(item, set_no, self.timing.rest_between_holds_seconds)
        return item.dose.reps

    def _hold(self, item: PlanItem, side: str | None, set_no: int, hold_no: int) -> None:
        """One hold: the go cue, a count every second on absolute deadlines, the release."""
        exercise, seconds = item.exercise, int(item.dose.hold_seconds or 0)
        go = exercise.go.format(side=_side_words(side))
        self._instruct(go)
        self.talk.cue(Sound.START)
        start, done = self.clock.now(), 0
        holds_after = item.dose.reps - hold_no
        self._left = lambda: self._left_with_more(
            self.phrases["left_in_hold"].format(seconds=spoken_seconds(max(0.0, start + seconds - self.clock.now()))),
            holds_after)
        cues = hold_cues(start, seconds)
        while cues:
            cue = cues.pop(0)
            if self._wait(cue.at - self.talk.lead).resumed:
                self._instruct(go)
                start = self.clock.now() - done
                cues = hold_cues(start, seconds, done)
                continue
            if cue.kind is CueKind.COUNT:
                done = cue.n
                self._count(item, side, set_no, cue.at, cue.n, hold=hold_no)
        end = start + seconds
        self.talk.cue(Sound.RELEASE, end)
        held = max(self.clock.now(), end) - start  # not counting the time it takes to say "release"
        self._say(exercise.release)
        self.emit(HoldDone(
            exercise=exercise.id, set=set_no, hold=hold_no, side=side, held_seconds=round(held, 3)))

    def _rep_set(self, item: PlanItem, side: str | None, set_no: int) -> int:
        """One set of repetitions at the current pace: each count starts a repetition."""
        reps, lead = item.dose.reps, self.timing.count_lead_seconds
        self._instruct(item.exercise.go)
        self.talk.cue(Sound.START)
        rep_start, n = self.clock.now() + lead, 1
        sets_after = item.dose.sets - set_no
        self._left = lambda: self._left_with_more(self.phrases["left_in_set"].format(reps=reps - n + 1), sets_after)
        while n <= reps:
            cadence = self.pace.seconds
            for cue in rep_cues(rep_start, n, cadence, self.timing.lower_cue_fraction):
                if self._wait(cue.at - self.talk.lead).resumed:
                    self._instruct(item.exercise.go)
                    rep_start = self.clock.now() + lead
                    break
                if cue.kind is CueKind.COUNT:
                    self._count(item, side, set_no, cue.at, n, rep=n)
                else:
                    self.talk.say_at(cue.at, self.phrases["lower"])
            else:
                rep_start += cadence
                n += 1
        while self._wait(rep_start - self.talk.lead).resumed:
            rep_start = self.clock.now()
        self.talk.cue(Sound.RELEASE, rep_start)
        self._say(item.exercise.release)
        return reps

    def _count(self, item: PlanItem, side: str | None, set_no: int, at: float, n: int, *,
               hold: int | None = None, rep: int | None = None) -> None:
        """Schedule the count's sound first, then tell the event sinks (history, transcript, display)."""
        self.talk.say_at(at, str(n))
        self.emit(Count(
            exercise=item.exercise.id, n=n, set=set_no, hold=hold, rep=rep, side=side,
            scheduled=round(self.since_start(at), 3),
        ))

    def _rest(self, item: PlanItem, set_no: int, seconds: float) -> None:
        """A rest: announced, reminded near its end when long, extended by a pause."""
        self.emit(Rest(exercise=item.exercise.id, set=set_no, seconds=seconds))
        on_side = self.max_supine_seconds is not None and item.exercise.position == "supine"
        self._say(self.phrases["rest_on_side" if on_side else "rest"].format(seconds=spoken_seconds(seconds)))
        now = self.clock.now()
        end = _MovingDeadline(now + seconds)
        self._left = lambda: self.phrases["left_resting"].format(seconds=spoken_seconds(end.at - self.clock.now()))
        reminder = rest_reminder_at(now, seconds, self.timing.rest_reminder_min_seconds)
        if reminder is not None:
            self._wait_extending(end, before=end.at - reminder)
            self._say(self.phrases["rest_reminder"].format(seconds=spoken_seconds(end.at - self.clock.now())))
        self._wait_extending(end)
        self.talk.cue(Sound.REST_OVER)

    # --- listening while counting ------------------------------------------------------------

    def _wait(self, deadline: float) -> Interruption:
        """Listen for commands until the deadline, acting on each at once."""
        while True:
            try:
                word = self.talk.hear_command(deadline)
            except DeviceReturned as back:  # a lost sound device came back: start the hold or rep again
                return Interruption(resumed=True, paused_seconds=back.away_seconds)
            if word is None:
                return Interruption()
            before = self.clock.now()
            if self._act(word):
                return Interruption(resumed=True, paused_seconds=self.clock.now() - before)

    def _wait_extending(self, end: _MovingDeadline, before: float = 0.0) -> None:
        """Wait until ``before`` seconds ahead of ``end``; a pause moves ``end`` back by its length."""
        while (gap := self._wait(end.at - before)).resumed:
            end.at += gap.paused_seconds

    def _left_with_more(self, left: str, more: int) -> str:
        """ "6 seconds left in this hold." plus "Then 2 more." when more holds or sets follow."""
        return f"{left} {self.phrases['left_after'].format(more=more)}" if more else left

    def _instruct(self, text: str) -> None:
        """Say an instruction and remember it for "repeat"."""
        self._instruction = text
        self._say(text)


def _side_words(side: str | None) -> str:
    return side if side in ("left", "right") else "painful"

