"""What the exercise coach does on each command it hears while it explains, counts or rests
(CLINICAL.md section 8: "stop" asks about pain at once; pause, skip, repeat, slower, faster...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voicecoach.coach.prompting import Prompter
from voicecoach.coach.timeline import Pace
from voicecoach.domain.answers import Answer, Command, CommandWord
from voicecoach.domain.doses import Kind, PlanItem
from voicecoach.domain.endings import How, SessionOver
from voicecoach.domain.questions import Question
from voicecoach.events import CommandHeard, EventSink

_SILENCING = frozenset({Command.STOP, Command.PAUSE, Command.NUMBNESS, Command.SKIP})
"""Commands that cut the coach's sound at once: nothing queued is said after them."""


class SkipExercise(Exception):
    """The person said "skip"."""


class Reactions:
    """The coach's answers to commands; ExerciseCoach supplies the exercise under way and the rest."""

    talk: Prompter
    emit: EventSink
    phrases: dict[str, Any]
    pace: Pace
    _instruction: str
    _left: Callable[[], str]

    @property
    def _current(self) -> PlanItem:
        """The exercise under way."""
        raise NotImplementedError

    def _act(self, word: CommandWord) -> bool:
        """Carry out a command; True when the current hold or repetition must start again."""
        command = word.command
        if command in _SILENCING:
            self.talk.hush()  # the counting stops the moment the word is heard; the reply follows at once
        self.emit(CommandHeard(name=command.value, exercise=self._current.exercise.id))
        match command:
            case Command.STOP:
                self._stop()
                return True
            case Command.PAUSE:
                try:
                    self.talk.wait_for_resume()
                except SessionOver as over:
                    if over.how is not How.STOPPED:
                        raise
                    self._stop()
                return True
            case Command.NUMBNESS:
                self.talk.numbness()
            case Command.SKIP:
                raise SkipExercise
            case Command.REPEAT:
                self._say(self._instruction)
            case Command.HELP:
                self._say(self.phrases["help"])
            case Command.HOW_MANY_LEFT:
                self._say(self._left())
            case Command.SLOWER | Command.FASTER:
                self._change_pace(command)
            case Command.RESUME:
                self._say(self.phrases["not_paused"])
        return False

    def _stop(self) -> None:
        """Stop at once and ask whether the pain is worse (CLINICAL.md section 8).

        Worse, or unclear -> stop for today. Not worse -> carry on only on a clear yes.
        """
        worse = self._ask_or_stop("WORSE", "worse_question", "worse_rephrase", safety=True)
        if worse is not Answer.NO:
            self._say(self.phrases["worse_advice"])
            raise SessionOver(How.STOPPED)
        carry_on = self._ask_or_stop("CARRY_ON", "carry_on_question", "carry_on_rephrase")
        if carry_on is not Answer.YES:
            self._say(self.phrases["stopping"])
            raise SessionOver(How.STOPPED)
        self._say(self.phrases["resumed"])

    def _ask_or_stop(self, qid: str, text: str, rephrase: str, *, safety: bool = False) -> object:
        question = Question(qid, self.phrases[text], tuple(self.phrases[rephrase]), safety=safety)
        try:
            return self.talk.ask(question)
        except SessionOver as over:
            if over.how is not How.STOPPED:  # numbness reported: the referral, not a plain stop
                raise
            return None

    def _change_pace(self, command: Command) -> None:
        if self._current.exercise.kind is Kind.HOLD:
            self._say(self.phrases["pace_holds"])
        changed = self.pace.slower() if command is Command.SLOWER else self.pace.faster()
        if changed is None:
            self._say(self.phrases["slowest" if command is Command.SLOWER else "fastest"])
            return
        self.pace = changed
        self._say(self.phrases[command.value].format(cadence=spoken_seconds(changed.seconds)))

    def _say(self, text: str) -> None:
        self.talk.say(text)


def spoken_seconds(value: float) -> str:
    """Seconds as spoken: whole numbers without ".0"."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)
