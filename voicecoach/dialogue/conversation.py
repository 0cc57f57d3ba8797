"""Asking questions and hearing commands over the Speaker and Listener ports.

Implements CLINICAL.md's asking rules: not understood -> re-ask (rephrased) up to 2 more times, then
the answer is "unclear"; silence is never an answer; an answer to a safety question that the
recogniser is unsure of is confirmed aloud (so is a pain score); for safety questions, voice mode
finally offers the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum, auto
from typing import Any

from voicecoach import data
from voicecoach.dialogue.understanding import Answer, Command, CommandWord, Meaning, understand
from voicecoach.endings import How, SessionOver
from voicecoach.events import Answered, Asked, EventSink, Heard, Listening, Said
from voicecoach.ports import Clock, Expect, InputClosed, Listener, Sound, Speaker, Utterance, Vocabulary


class _Again(Enum):
    """Marker: ask the same attempt again (after "repeat", "help" or a pause)."""

    AGAIN = auto()


_AGAIN = _Again.AGAIN


class QuestionKind(StrEnum):
    """What kind of reply a question wants."""

    YES_NO = "yes_no"
    READY = "ready"
    NUMBER = "number"


_EXPECT = {
    QuestionKind.YES_NO: Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS),
    QuestionKind.READY: Expect.of(Vocabulary.READY, Vocabulary.COMMANDS),
    QuestionKind.NUMBER: Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS),
}
_COMMANDS_ONLY = Expect.of(Vocabulary.COMMANDS, background=True)


@dataclass(frozen=True)
class Question:
    """One question as asked: its id, its wording and re-wordings, and how it is handled."""

    id: str
    text: str
    rephrase: tuple[str, ...] = ()
    kind: QuestionKind = QuestionKind.YES_NO
    safety: bool = False
    """Confirm an answer the recogniser is unsure of; offer the keyboard before giving up."""
    skippable: bool = False
    """"skip" is an answer (Answer.SKIPPED)."""

    @property
    def confirms_unsure(self) -> bool:
        """An unsure hearing of the answer is confirmed aloud: safety answers, and numbers (a pain
        score decides whether the plan steps down next time)."""
        return self.safety or self.kind is QuestionKind.NUMBER

    def wording(self, attempt: int) -> str:
        """The text for attempt 1, 2, 3...: the question, then its rephrasings."""
        if attempt <= 1 or not self.rephrase:
            return self.text
        return self.rephrase[min(attempt - 2, len(self.rephrase) - 1)]


@dataclass
class AskingPolicy:
    """The numbers behind asking."""

    attempts: int = 3
    """The first asking plus the re-asks."""
    answer_timeout_seconds: float | None = None
    """Silence this long counts as not understood; None waits without limit (typed input)."""
    confirm_below: float = 0.6
    """A safety answer with a recogniser confidence below this is confirmed aloud."""
    keyboard_timeout_seconds: float = 60.0


@dataclass
class Conversation:
    """The coach's mouth and ears: every line said and heard also becomes an event."""

    speaker: Speaker
    listener: Listener
    clock: Clock
    emit: EventSink
    policy: AskingPolicy = field(default_factory=AskingPolicy)
    keyboard: Listener | None = None
    """Voice mode: where a safety question that stays unclear is finally answered by typing."""
    phrases: dict[str, Any] = field(default_factory=lambda: data.load("phrases")["asking"])

    def say(self, text: str) -> None:
        """Say a sentence."""
        self.emit(Said(text=text))
        self.speaker.say(text)

    def say_at(self, deadline: float, text: str) -> None:
        """Say a short cue at a deadline: the sound is scheduled first, then the sinks are told."""
        self.speaker.say_at(deadline, text)
        self.emit(Said(text=text))

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        """Play a cue sound (now, or at a deadline)."""
        self.speaker.cue(sound, deadline)

    def hush(self) -> None:
        """Fall silent at once: what plays and what is queued (a count) is cut."""
        self.speaker.hush()

    @property
    def lead(self) -> float:
        """How long before a deadline the speaker must be given a count or a cue."""
        return self.speaker.lead_seconds

    def ask(self, question: Question) -> Answer | int | None:
        """Ask until understood or out of attempts; returns the answer (None: no number given)."""
        attempt = 1
        while attempt <= self.policy.attempts:
            wording = question.wording(attempt)
            self.emit(Asked(id=question.id, text=wording, attempt=attempt))
            self.say(wording)
            reply = self._reply(question)
            if isinstance(reply, _Again):
                continue
            if reply is not None:
                return self._answered(question, reply)
            if attempt < self.policy.attempts:
                self.say(self._not_understood(question.kind))
            attempt += 1
        return self._answered(question, self._last_resort(question))

    def hear_command(self, until: float | None) -> CommandWord | None:
        """Listen for a command until the deadline; None when it passes with no command."""
        while True:
            heard = self._listen(_COMMANDS_ONLY, until)
            if heard is None:
                return None
            utterance, meaning = heard
            self._heard(utterance, accepted=isinstance(meaning, CommandWord))
            if isinstance(meaning, CommandWord):
                return meaning
            if not utterance.rejected:
                self.say(data.load("phrases")["exercise"]["not_a_command"])

    def _reply(self, question: Question) -> Answer | int | _Again | None:
        """One reply: a fitting meaning, None (not understood or silence), or _AGAIN (ask again)."""
        expect = _EXPECT[question.kind]
        timeout = self.policy.answer_timeout_seconds
        until = None if timeout is None else self.clock.now() + timeout
        heard = self._listen(expect, until)
        if heard is None:
            return None
        utterance, meaning = heard
        answer = self._fitting(question, meaning)
        self._heard(utterance, accepted=answer is not None or isinstance(meaning, CommandWord))
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
            case _:
                return None

    def wait_for_ready(self, prompt: str) -> None:
        """Say the prompt, then wait without a time limit for "ready" (or yes); "stop" ends the session.

        Anything else understood as speech gets the prompt again; noise the recogniser rejected does not.
        """
        expect = _EXPECT[QuestionKind.READY]
        self.emit(Asked(id="READY", text=prompt, attempt=1))
        self.say(prompt)
        while True:
            heard = self._listen(expect, None)
            if heard is None:
                continue
            utterance, meaning = heard
            self._heard(utterance, accepted=meaning is Answer.READY)
            if meaning is Answer.READY:
                self.emit(Answered(id="READY", value=Answer.READY.value))
                return
            if isinstance(meaning, CommandWord) and meaning.command is Command.STOP:
                raise SessionOver(How.STOPPED)
            if not utterance.rejected:
                self.say(prompt)

    def wait_for_resume(self) -> float:
        """Pause until "resume" (or "stop", which raises); returns the seconds spent paused."""
        talk = data.load("phrases")["exercise"]
        started = self.clock.now()
        self.say(talk["paused"])
        while True:
            word = self.hear_command(None)
            if word is None:
                continue
            if word.command is Command.RESUME:
                self.say(talk["resumed"])
                return self.clock.now() - started
            if word.command is Command.STOP:
                raise SessionOver(How.STOPPED)
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
        return None

    def _unsure(self, utterance: Utterance) -> bool:
        return utterance.confidence is not None and utterance.confidence < self.policy.confirm_below

    def _confirmed(self, question: Question, meaning: Answer | int) -> bool:
        """Ask "I heard yes. Is that right?"; only a clear yes confirms."""
        check = Question(id=f"{question.id}.confirm", text=self.phrases["confirm"].format(answer=meaning))
        self.emit(Asked(id=check.id, text=check.text, attempt=1))
        self.say(check.text)
        reply = self._reply(check)
        return reply is Answer.YES

    def _last_resort(self, question: Question) -> Answer | None:
        """After the re-asks: the keyboard for a safety question in voice mode, else unclear."""
        if self.keyboard is not None and question.safety and question.kind is QuestionKind.YES_NO:
            self.say(self.phrases["keyboard_offer"])
            until = self.clock.now() + self.policy.keyboard_timeout_seconds
            try:
                typed = self.keyboard.listen(_EXPECT[QuestionKind.YES_NO], until)
            except InputClosed:  # no keyboard after all (stdin closed): the answer stays unclear
                typed = None
            if typed is not None:
                meaning = understand(typed.text, _EXPECT[QuestionKind.YES_NO])
                self._heard(typed, accepted=meaning in (Answer.YES, Answer.NO))
                if meaning in (Answer.YES, Answer.NO):
                    return meaning
        if question.kind is QuestionKind.NUMBER:
            return None
        if question.kind is QuestionKind.READY:
            return Answer.SKIPPED
        return Answer.UNCLEAR

    def _answered(self, question: Question, value: Answer | int | None) -> Answer | int | None:
        self.emit(Answered(id=question.id, value=value.value if isinstance(value, Answer) else value))
        return value

    def _listen(self, expect: Expect, until: float | None) -> tuple[Utterance, Meaning | None] | None:
        """The next utterance and what it means (None for speech the recogniser rejected)."""
        if not expect.background:
            self.emit(Listening(expect=tuple(sorted(v.value for v in expect.vocabularies))))
        utterance = self.listener.listen(expect, until)
        if utterance is None:
            return None
        return utterance, None if utterance.rejected else understand(utterance.text, expect)

    def _heard(self, utterance: Utterance, *, accepted: bool) -> None:
        self.emit(Heard(text=utterance.text, confidence=utterance.confidence, accepted=accepted))

    def _not_understood(self, kind: QuestionKind) -> str:
        key = {
            QuestionKind.YES_NO: "not_understood_yes_no",
            QuestionKind.NUMBER: "not_understood_number",
            QuestionKind.READY: "not_understood_ready",
        }[kind]
        return str(self.phrases[key])


