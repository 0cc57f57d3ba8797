"""The session runner: the opening, the triage, the pain scores and today's exercises, in order.

Whatever happens (a stop, a referral, the end of input, Ctrl-C) the session ends with one
SessionEnd event and a SessionReport; nothing that was said or done is lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from voicecoach import data
from voicecoach.coach.catalogue import plan_items, timing
from voicecoach.coach.coach import ExerciseCoach
from voicecoach.dialogue.conversation import Conversation
from voicecoach.domain.answers import Answer
from voicecoach.domain.doses import PlanItem
from voicecoach.domain.endings import EXIT_CODES, ExitCode, How, SessionOver
from voicecoach.domain.questions import Question, QuestionKind
from voicecoach.events import Event, LevelChanged, OutcomeReached, PainScore, PlanMade, SessionEnd
from voicecoach.history.records import ExerciseRecord
from voicecoach.ports import DeviceLost, InputClosed
from voicecoach.record import Tally, step
from voicecoach.thresholds import HIGH_PAIN, PAIN_RISE_STEP_DOWN
from voicecoach.triage.decision import TriageResult
from voicecoach.triage.engine import TriageEngine
from voicecoach.triage.guards import TriageContext
from voicecoach.triage.questions import by_id

Progression = Callable[[TriageResult], tuple[tuple[PlanItem, ...], tuple[LevelChanged, ...]]]
"""Adjusts the triage's plan from the history: today's plan and the level changes to announce."""


@dataclass
class SessionReport:
    """Everything a session produced: the summary printed with --json and kept in the history."""

    command: str
    triage: TriageResult | None = None
    plan: tuple[PlanItem, ...] = ()
    answers: dict[str, str] = field(default_factory=dict)
    exercises: tuple[ExerciseRecord, ...] = ()
    """The exercises begun, in order, as the session's events tell them (the fold of voicecoach.record)."""
    pain_before: int | None = None
    pain_after: int | None = None
    how: How = How.FINISHED
    device_fault: str | None = None
    """Set when a sound device failed mid-session (the session then ends as interrupted)."""
    quick_return_from: datetime | None = None
    """A quick return: when the full triage was whose answers and outcome it carried over."""

    @property
    def exit_code(self) -> int:
        """The process exit code for this ending."""
        return int(ExitCode.DEVICE) if self.device_fault else int(EXIT_CODES[self.how])

    @property
    def pain_rose(self) -> bool:
        """True when pain rose by the step-down amount or more."""
        if self.pain_before is None or self.pain_after is None:
            return False
        return self.pain_after - self.pain_before >= PAIN_RISE_STEP_DOWN

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable summary (CLINICAL.md section 6 fields plus the session's)."""
        triage = self.triage.to_dict() if self.triage else {
            "outcome": None, "side": None, "points_to": None, "flags": [], "advice": [],
            "max_supine_seconds": None,
        }
        triage["plan"] = [item.to_dict() for item in self.plan]
        triage["answers"] = dict(self.answers)
        return {
            "command": self.command,
            **triage,
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "pain_rose": self.pain_rose,
            "exercises": [e.to_report_dict() for e in self.exercises],
            "how": self.how.value,
            "exit_code": self.exit_code,
            "device_fault": self.device_fault,
            "quick_return_from": self.quick_return_from.isoformat() if self.quick_return_from else None,
        }


class Session:
    """Runs one session on a Conversation."""

    def __init__(self, conversation: Conversation, context: TriageContext | None = None,
                 since_start: Callable[[float], float] | None = None,
                 progression: Progression | None = None) -> None:
        self.talk = conversation
        self.tally = Tally()
        """The session record folded from every event the session emits."""
        self._sinks = conversation.emit
        conversation.emit = self._emit
        self.engine = TriageEngine(context)
        self.progression = progression
        """The history's say on today's levels (``session`` only); None: the triage's levels."""
        self._changes: tuple[LevelChanged, ...] = ()
        self.since_start = since_start or (lambda t: t)
        """Turns clock deadlines into session time (the ``scheduled`` field of count events)."""
        self.phrases = data.load("phrases")
        self._quick = False
        """This session is a quick return (shorter words where the person has heard them before)."""

    def run(self, command: str, plan: Sequence[PlanItem] = ()) -> SessionReport:
        """Run ``session`` (triage then plan), ``triage`` alone, or ``exercise`` (the given plan)."""
        report = SessionReport(command=command, plan=tuple(plan))
        try:
            report.how = self._run(report)
        except SessionOver as over:
            report.how = over.how
            if over.how is How.STOPPED:
                self.talk.say(self.phrases["asking"]["stopped"])
        except DeviceLost as lost:
            report.how = How.INTERRUPTED
            report.device_fault = str(lost)
            self._say_quietly(self.phrases["closing"]["interrupted"])
        except InputClosed:
            report.how = How.NO_INPUT
            self._say_quietly(self.phrases["closing"]["input_ended"])
        except KeyboardInterrupt:
            report.how = How.INTERRUPTED
            self._say_quietly(self.phrases["closing"]["interrupted"])
        self.talk.emit(SessionEnd(how=report.how, exit_code=report.exit_code))
        report.exercises = self.tally.begun
        return report

    def _emit(self, event: Event) -> None:
        """Hand an event to the conversation's sinks, and fold it into the session record."""
        self._sinks(event)
        self.tally = step(self.tally, event)

    def _run(self, report: SessionReport) -> How:
        self.talk.say(self.phrases["opening"]["notice"])
        if report.command != "exercise":
            self._wait_until_ready(report)
            result = self._triage(report)
            report.plan = plan_items(result.plan)
            if result.red_flag:
                return How.REFERRED
            if report.command == "triage":
                return How.FINISHED
            if self.progression is not None:
                report.plan, self._changes = self.progression(result)
        elif self.engine.context.carried_over is not None and not self._cleared(report):
            return How.REFERRED
        return self._exercise(report)

    def _cleared(self, report: SessionReport) -> bool:
        """C1 before a direct ``exercise`` command when an earlier red flag is not yet cleared."""
        value = self.talk.ask(by_id("C1").question)
        answer = value if isinstance(value, Answer) else Answer.UNCLEAR
        report.answers["C1"] = answer.value
        if answer is Answer.YES:
            return True
        result = self.engine.result({"C1": answer})
        report.triage, report.plan = result, ()
        self.talk.emit(OutcomeReached(outcome=result.outcome, side=None,
                                      advice=tuple(a.id for a in result.advice)))
        for line in (result.points_to, *(a.text for a in result.advice)):
            self.talk.say(line)
        return False

    def _wait_until_ready(self, report: SessionReport) -> None:
        """O1: asks until the person is ready; never times out into a yes."""
        opening = self.phrases["opening"]
        question = Question("O1", opening["ready_question"], tuple(opening["ready_rephrase"]), numbness_refers=False)
        if self.talk.ask(question) is not Answer.YES:
            self.talk.wait_for_ready(opening["wait_for_ready"])
        report.answers["O1"] = Answer.YES.value

    def _triage(self, report: SessionReport) -> TriageResult:
        answers: dict[str, Answer] = {}
        quick = self.phrases["quick_return"]
        if self.engine.context.quick is not None:
            self.talk.say(quick["intro"])
        while (question := self.engine.next_question(answers)) is not None:
            value = self.talk.ask(question.question)
            answers[question.id] = value if isinstance(value, Answer) else Answer.UNCLEAR
            report.answers[question.id] = answers[question.id].value
            if question.id == "R0" and answers["R0"] is not Answer.NO:
                self.talk.say(quick["full"])
        result = self.engine.result(answers)
        report.triage = result
        self.talk.emit(OutcomeReached(
            outcome=result.outcome, side=result.side, advice=tuple(a.id for a in result.advice),
            flags=result.flags,
        ))
        if self.engine.context.quick is not None and self.engine.is_quick(answers):
            report.quick_return_from = self.engine.context.quick.when
            self._quick = True
            self.talk.say(quick["kept"])
            self.talk.say(result.points_to)
            return result
        self.talk.say(result.points_to)
        for advice in result.advice:
            self.talk.say(advice.text)
        return result

    def _exercise(self, report: SessionReport) -> How:
        pain = self.phrases["pain"]
        if not report.plan:
            self.talk.say(self.phrases["closing"]["no_exercises"])
            return How.FINISHED
        self.talk.emit(PlanMade(items=tuple(item.entry() for item in report.plan)))
        report.pain_before = self._pain_score("PAIN_BEFORE", "before")
        if report.pain_before is not None and report.pain_before >= HIGH_PAIN:
            self.talk.say(pain["high"])
            go_on = self.talk.ask(Question("HIGH_PAIN", pain["high_confirm"], tuple(pain["high_confirm_rephrase"]),
                                           safety=True))
            if go_on is not Answer.YES:
                self.talk.say(pain["high_declined"])
                return How.FINISHED
        for change in self._changes:
            self.talk.emit(change)
            self.talk.say(change.said)
        names = ", ".join(item.exercise.name for item in report.plan)
        self.talk.say(self.phrases["exercise"]["plan_intro"].format(names=names))
        max_supine = report.triage.max_supine_seconds if report.triage else None
        coach = ExerciseCoach(self.talk, timing(), clock=self.talk.clock, emit=self._emit, since_start=self.since_start,
                              max_supine_seconds=max_supine)
        try:
            for item in report.plan:
                coach.run(item)
        except SessionOver as over:
            if over.how is How.STOPPED:
                with contextlib.suppress(SessionOver, InputClosed):
                    self._after(report)
            raise
        self._after(report)
        self.talk.say(self.phrases["closing"]["finished"])
        return How.FINISHED

    def _after(self, report: SessionReport) -> None:
        report.pain_after = self._pain_score("PAIN_AFTER", "after")
        if report.pain_rose:
            assert report.pain_before is not None and report.pain_after is not None
            delta = report.pain_after - report.pain_before
            self.talk.say(self.phrases["pain"]["rose"].format(delta=delta))

    def _pain_score(self, qid: str, when: str) -> int | None:
        pain = self.phrases["pain"]
        text = pain[when]
        if when == "before" and self._quick:
            text = self.phrases["quick_return"]["pain_before"]
        question = Question(qid, text, tuple(pain[f"{when}_rephrase"]), kind=QuestionKind.NUMBER, skippable=True)
        value = self.talk.ask(question)
        score = value if isinstance(value, int) and not isinstance(value, Answer) else None
        self.talk.emit(PainScore(when=when, value=score))
        if score is None and when == "before":
            self.talk.say(pain["not_given"])
        return score

    def _say_quietly(self, text: str) -> None:
        """Say a closing line when the speaker itself may be what failed (not waiting for it again)."""
        self.talk.device_return = None
        with contextlib.suppress(Exception):  # the session is ending; the message is a courtesy
            self.talk.hush()  # what was playing or queued is cut: the closing line comes at once
            self.talk.say(text)
