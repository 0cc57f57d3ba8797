"""Asking questions over a Channel (dialogue/channel.py: the speaking and listening).

Implements CLINICAL.md's asking rules: not understood -> re-ask (rephrased) up to 2 more times, then
the answer is "unclear"; silence is never an answer; an answer to a safety question that the
recogniser is unsure of is confirmed aloud (so is a pain score); for safety questions, voice mode
finally offers the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any, NoReturn

from voicecoach import data
from voicecoach.dialogue.channel import Channel
from voicecoach.dialogue.narrowing import Narrowing, spoken_number
from voicecoach.dialogue.question import EXPECT, AskingPolicy
from voicecoach.dialogue.understanding import normalise, understand, words
from voicecoach.domain.answers import Answer, Command, CommandWord, Meaning
from voicecoach.domain.endings import How, SessionOver
from voicecoach.domain.questions import Question, QuestionKind
from voicecoach.events import Answered, Asked
from voicecoach.ports import DeviceLost, DeviceReturned, Expect, InputClosed, Listener, Utterance, Vocabulary


class _Again(Enum):
    """Marker: ask the same attempt again (after "repeat", "help" or a pause)."""

    AGAIN = auto()


_AGAIN = _Again.AGAIN
__all__ = ["AskingPolicy", "Conversation"]  # the asking policy lives in question.py


_PAUSED = Expect.of(Vocabulary.READY, Vocabulary.COMMANDS)
"""While paused: "resume" or "ready" carries on (a plain "yes" does not: it may be an echo or a guess)."""


def _says_ready(utterance: Utterance, meaning: Meaning | None) -> bool:
    """True when the words themselves are a "ready" phrase (not a yes that a READY context would accept)."""
    return meaning is Answer.READY and words().answers.get(normalise(utterance.text)) is Answer.READY


@dataclass
class Conversation(Channel):
    """The asking policy over a Channel: questions, re-asks, confirmation, the keyboard, pauses."""

    policy: AskingPolicy = field(default_factory=AskingPolicy)
    keyboard: Listener | None = None
    """Voice mode: where a safety question that stays unclear is finally answered by typing."""
    phrases: dict[str, Any] = field(default_factory=lambda: data.load("phrases")["asking"])

    def _recover(self, lost: DeviceLost) -> NoReturn:
        """Wait for the device (raises DeviceReturned, SessionOver or DeviceLost); without a way to wait,
        the loss ends the session."""
        if self.device_return is None:
            raise lost
        self.device_return.recover(self, lost)

    def ask(self, question: Question) -> Answer | int | None:
        """Ask until understood or out of attempts; returns the answer (None: no number given)."""
        attempt = 1
        attempts = self.policy.number_attempts if question.kind is QuestionKind.NUMBER else self.policy.attempts
        while attempt <= attempts:
            wording = question.wording(attempt)
            self.emit(Asked(id=question.id, text=wording, attempt=attempt))
            self.say(wording)
            reply = self._reply(question)
            if isinstance(reply, _Again):
                continue
            if reply is not None:
                return self._answered(question, reply)
            if attempt < attempts:
                self.say(self._not_understood(question.kind))
            attempt += 1
        if question.kind is QuestionKind.NUMBER:
            return self._answered(question, self._narrow(question))
        return self._answered(question, self._last_resort(question))

    def _narrow(self, question: Question) -> Answer | int | None:
        """A number not understood twice: "Is it more than five?"... by yes/no, then confirmed aloud.

        "skip" skips it; an unclear step or a denied result gives no number: a score is never guessed.
        """
        self.say(self.phrases["narrow_intro"])
        narrowing = Narrowing()
        while not narrowing.done:
            n = spoken_number(narrowing.threshold)
            step = Question(f"{question.id}.more_than_{narrowing.threshold}", self.phrases["narrow"].format(n=n),
                            tuple(r.format(n=n) for r in self.phrases["narrow_rephrase"]), skippable=True)
            reply = self.ask(step)
            if reply is Answer.SKIPPED:
                return reply
            if reply not in (Answer.YES, Answer.NO):
                return None
            narrowing.answer(reply is Answer.YES)
        check = self.phrases["narrow_confirm"].format(n=narrowing.value)
        return narrowing.value if self._confirmed(question, narrowing.value, check) else None

    def _reply(self, question: Question) -> Answer | int | _Again | None:
        """One reply: a fitting meaning, None (not understood or silence), or _AGAIN (ask again)."""
        expect = EXPECT[question.kind]
        timeout = self.policy.answer_timeout_seconds
        until = None if timeout is None else self.clock.now() + timeout
        self._returned = None  # the question was (said again and) is asked now
        try:
            heard = self._listen(expect, until)
        except DeviceReturned:
            return _AGAIN
        if heard is None:
            return None
        utterance, meaning = heard
        answer = self._fitting(question, meaning)
        self._heard(utterance, meaning, accepted=answer is not None or isinstance(meaning, CommandWord))
        if isinstance(meaning, CommandWord):
            return self._question_command(question, meaning)
        if answer is not None and question.confirms_unsure and self._unsure(utterance):
            return answer if self._confirmed(question, answer) else None
        return answer

    def _question_command(self, question: Question, word: CommandWord) -> Answer | _Again | None:
        match word.command:
            case Command.STOP:
                raise SessionOver(How.STOPPED)
            case Command.SKIP if question.skippable:
                return Answer.SKIPPED
            case Command.REPEAT:
                return _AGAIN
            case Command.HELP:
                self.say(self.phrases["help_question"])
                return _AGAIN
            case Command.PAUSE:
                self.wait_for_resume()
                return _AGAIN
            case Command.NUMBNESS if question.numbness_refers:
                self.numbness()
            case _:
                return None
        return None

    def numbness(self) -> None:
        """New numbness or tingling: stop, see a doctor (raises SessionOver, referred)."""
        self.say(data.load("phrases")["exercise"]["numbness"])
        raise SessionOver(How.REFERRED)

    def wait_for_ready(self, prompt: str) -> None:
        """Say the prompt, then wait without a time limit for "ready" (or yes); "stop" ends the session.

        Anything else understood as speech gets the prompt again; noise the recogniser rejected does not.
        """
        expect = EXPECT[QuestionKind.READY]
        self.emit(Asked(id="READY", text=prompt, attempt=1))
        self.say(prompt)
        self._returned = None  # the prompt was (said again and) is waited on now
        while True:
            try:
                heard = self._listen(expect, None)
            except DeviceReturned:
                self.say(prompt)
                continue
            if heard is None:
                continue
            utterance, meaning = heard
            self._heard(utterance, meaning, accepted=meaning is Answer.READY)
            if meaning is Answer.READY:
                self.emit(Answered(id="READY", value=Answer.READY.value))
                return
            if isinstance(meaning, CommandWord) and meaning.command is Command.STOP:
                raise SessionOver(How.STOPPED)
            if not utterance.rejected:
                self.say(prompt)

    def wait_for_resume(self) -> float:
        """Pause until "resume" or "ready" (the prompt says "say resume when you are ready"); "stop"
        raises. Returns the seconds spent paused.

        While paused the coach waits without a deadline for the person, so every reply is taken and
        answered (never held back for a later question, which would wait for ever).
        """
        talk = data.load("phrases")["exercise"]
        started = self.clock.now()
        self.say(talk["paused"])
        while True:
            try:
                heard = self._listen(_PAUSED, None)
            except DeviceReturned:
                self.say(talk["paused"])
                continue
            if heard is None:
                continue
            utterance, meaning = heard
            resumes = _says_ready(utterance, meaning) or (
                isinstance(meaning, CommandWord) and meaning.command is Command.RESUME)
            self._heard(utterance, meaning, accepted=resumes or isinstance(meaning, CommandWord))
            if resumes:
                self.say(talk["resumed"])
                return self.clock.now() - started
            if isinstance(meaning, CommandWord) and meaning.command is Command.STOP:
                raise SessionOver(How.STOPPED)
            if isinstance(meaning, CommandWord) and meaning.command is Command.NUMBNESS:
                self.numbness()
            if not utterance.rejected:
                self.say(talk["still_paused"])

    @staticmethod
    def _fitting(question: Question, meaning: Meaning | None) -> Answer | int | None:
        """The meaning when it answers this kind of question, else None."""
        match question.kind, meaning:
            case QuestionKind.YES_NO, Answer.YES | Answer.NO:
                return meaning
            case QuestionKind.READY, Answer.READY:
                return meaning
            case QuestionKind.NUMBER, int() if not isinstance(meaning, Answer):
                return meaning
            case QuestionKind.CHECK_IN, Answer.YES | Answer.NO | Answer.CHECK_ALL:
                return meaning
        return None

    def _unsure(self, utterance: Utterance) -> bool:
        return utterance.confidence is not None and utterance.confidence < self.policy.confirm_below

    def _confirmed(self, question: Question, meaning: Answer | int, text: str | None = None) -> bool:
        """Ask "I heard yes. Is that right?" (or ``text``); only a clear yes confirms. A reply not
        understood (a cough, the tap running) is asked for once more rather than taken as a no: a score
        narrowed down over five questions must not be lost to one unclear word."""
        check = Question(id=f"{question.id}.confirm", text=text or self.phrases["confirm"].format(answer=meaning))
        for attempt in (1, 2):
            self.emit(Asked(id=check.id, text=check.text, attempt=attempt))
            self.say(check.text)
            reply = self._reply(check)
            if reply is not None and not isinstance(reply, _Again):
                return reply is Answer.YES
            if reply is None and attempt == 1:
                self.say(self._not_understood(QuestionKind.YES_NO))
        return False

    def _last_resort(self, question: Question) -> Answer | None:
        """After the re-asks: the keyboard for a safety question in voice mode, else unclear."""
        if self.keyboard is not None and question.safety and question.kind in (QuestionKind.YES_NO,
                                                                                 QuestionKind.CHECK_IN):
            self.say(self.phrases["keyboard_offer"])
            until = self.clock.now() + self.policy.keyboard_timeout_seconds
            try:
                typed = self.keyboard.listen(EXPECT[question.kind], until)
            except InputClosed:  # no keyboard after all (stdin closed): the answer stays unclear
                typed = None
            if typed is not None:
                meaning = understand(typed.text, EXPECT[question.kind])
                answer = self._fitting(question, meaning)
                self._heard(typed, meaning, accepted=answer is not None)
                if isinstance(answer, Answer):
                    return answer
        if question.kind is QuestionKind.NUMBER:
            return None
        if question.kind is QuestionKind.READY:
            return Answer.SKIPPED
        return Answer.UNCLEAR

    def _answered(self, question: Question, value: Answer | int | None) -> Answer | int | None:
        self.emit(Answered(id=question.id, value=value.value if isinstance(value, Answer) else value))
        return value

    def _not_understood(self, kind: QuestionKind) -> str:
        key = {
            QuestionKind.YES_NO: "not_understood_yes_no",
            QuestionKind.NUMBER: "not_understood_number",
            QuestionKind.READY: "not_understood_ready",
            QuestionKind.CHECK_IN: "not_understood_check_in",
        }[kind]
        return str(self.phrases[key])
