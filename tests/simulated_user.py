"""A person in the virtual room: reads the coach's transcript as it is written and, when the coach
listens, speaks an answer (played into the PulseAudio sink the microphone hears): a real person's
recording of the word when a bank of them is given (tests/real_voices.py), else espeak-ng."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.real_voices import RealVoices
from tests.speech import say
from voicecoach.voice.pcm import Clip, write_wav

PAPLAY_START_SECONDS = 0.03
"""About how long paplay takes from launch to its first sample in the room (FINDINGS.md Q5: 7-19 ms
to the microphone, plus starting the process)."""


@dataclass
class SimulatedUser:
    """Answers the questions in ``answers`` (question id -> words) and says ``commands`` at counts."""

    transcript: Path
    answers: dict[str, str | list[str]]
    """Question id -> the answer, or answers in turn (one per asking; the last one repeats)."""
    workdir: Path
    voice: str = "en-us+m3"
    default: str = "no"
    commands: dict[tuple[str, int, int], str | tuple[str, float]] = field(default_factory=dict)
    """(exercise, set, count n) -> a command to say right after that count, or (command, seconds): its
    speech to begin that long after the count's scheduled onset (negative: before it)."""
    delay_seconds: float = 0.4
    command_delay_seconds: float = 0.7
    """After a count is announced: its word plays ~0.15 s later and lasts ~0.4 s, so this is the pause."""
    device: str = "room"
    spoken: list[tuple[float, str, str]] = field(default_factory=list)
    """(monotonic time, question id or count, words) for everything it said."""
    said_to: dict[str, str] = field(default_factory=dict)
    durations: list[float] = field(default_factory=list)
    """How long each thing it said lasted (same order as ``spoken``)."""
    failure: Exception | None = None
    seen: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    """(monotonic time it was read, event) for every event of the transcript."""
    voice_rate: int = 140
    server: str | None = None
    """The PULSE_SERVER to speak into (None: this process's own), so several rooms can run at once."""
    bank: RealVoices | None = None
    """Real people's recordings: a word found there is said with one of them."""
    after_said: dict[str, str] = field(default_factory=dict)
    """Part of a sentence the coach says -> what to say once it has said it (e.g. "Paused" -> "resume")."""
    after_said_retries: int = 0
    """How many times to say an ``after_said`` reply again when the coach heard it but did not take it (a
    "heard" event not accepted), as a person would when nothing happens (0: said once)."""
    delays: dict[str, float] = field(default_factory=dict)
    """Question id -> seconds to wait before answering (default ``delay_seconds``)."""
    command_retries: int = 0
    """How many times to say a count's command again, as a person would, when the coach counts on two
    more seconds without acting on it (0: said once, whatever happens)."""
    command_tries: list[str] = field(default_factory=list)
    """Every command said at a count, retries included, in order."""
    clips: list[tuple[Clip, float]] = field(default_factory=list)
    """What was played for each thing said (same order as ``spoken``) and where its speech ends in it."""
    sources: list[str] = field(default_factory=list)
    """Which recording (file name) or voice said each thing (same order as ``spoken``)."""
    _source: str = ""
    launched: float | None = None
    """Set by the caller: when the coach's process was started (monotonic), to place commands on counts."""

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> SimulatedUser:
        """Begin following the transcript."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop following it."""
        self._stop.set()
        self._thread.join(timeout=5)

    def speak(self, label: str, words: str) -> None:
        """Say ``words`` into the room now."""
        wav = self.workdir / f"user-{len(self.spoken)}.wav"
        clip, _, end = self._clip(words)
        write_wav(wav, clip)
        self.spoken.append((time.monotonic(), label, words))
        self.durations.append(clip.seconds)
        self.clips.append((clip, end))
        self.sources.append(self._source)
        env = None if self.server is None else {**os.environ, "PULSE_SERVER": self.server}
        subprocess.run(["paplay", f"--device={self.device}", str(wav)], check=True, timeout=30, env=env)

    def _clip(self, words: str) -> tuple[Clip, float, float]:
        """The audio for ``words`` and where its speech starts and ends in it."""
        if self.bank is not None and self.bank.has(words):
            word = self.bank.pick(words)
            self._source = word.path.name
            return word.clip, word.start, word.end
        clip = say(words, self.voice, self.voice_rate)
        self._source = f"espeak-ng {self.voice}"
        return clip, 0.0, clip.seconds

    def answer_for(self, question: str, text: str) -> str:
        """What this person says to a question: their answer, or for "I heard X. Is that right?"
        the truth about whether X is what they said."""
        if question.endswith(".confirm"):
            said = self.said_to.get(question.removesuffix(".confirm"), "")
            meaning = _meaning(said)
            return "yes" if said and (f"heard {meaning}" in text.lower() or f"is {meaning} out of" in text) else "no"
        score, _, step = question.partition(".more_than_")
        if step.isdigit() and score in self.answers:  # a pain score narrowed down: "Is your pain more than 5?"
            answer = self.answers[score]
            value = _meaning(answer[-1] if isinstance(answer, list) else answer)  # a list: the last is the truth
            return "yes" if value.isdigit() and int(value) > int(step) else "no"
        answer = self.answers.get(question, self.default)
        if isinstance(answer, list):
            return answer.pop(0) if len(answer) > 1 else answer[0]
        return answer

    def _run(self) -> None:
        try:
            self._follow()
        except Exception as err:  # a broken test harness must show, not hang the test silently
            self.failure = err
            raise

    def _follow(self) -> None:
        last_question, last_text = None, ""
        unheard: tuple[str, float, int] | None = None  # a command said at a count, not yet acted on: (words,
        # seconds after the onset, counts to wait before saying it again)
        retries = self.command_retries
        pending_after: str | None = None  # an after_said reply said, not yet taken by the coach
        after_retries = self.after_said_retries
        for event in self._events():
            self.seen.append((time.monotonic(), event))
            if event["type"] == "heard" and pending_after is not None:
                if event.get("accepted"):
                    pending_after = None
                elif after_retries > 0:
                    after_retries -= 1
                    time.sleep(self.delay_seconds)
                    self.speak("after (again)", pending_after)
                continue
            if event["type"] == "command":
                unheard = None
            elif event["type"] == "count" and unheard is not None:
                words, after, wait = unheard
                if wait > 1:
                    unheard = (words, after, wait - 1)
                elif retries > 0:
                    retries -= 1
                    unheard = (words, after, 2)
                    key = (event["exercise"], event["set"], event["n"])
                    self._say_on_count(key, event, words, after)
                    continue
                else:
                    unheard = None
            if event["type"] == "asked":
                last_question, last_text = event["id"], event["text"]
            elif event["type"] == "listening" and last_question is not None:
                time.sleep(self.delays.get(last_question, self.delay_seconds))
                words = self.answer_for(last_question, last_text)
                self.said_to[last_question] = words
                self.speak(last_question, words)
            elif event["type"] == "said" and (said := next((k for k in self.after_said if k in event["text"]), None)):
                time.sleep(self.delay_seconds + _seconds_to_say(event["text"]))
                pending_after = self.after_said.pop(said)
                self.speak(f"after {said!r}", pending_after)
            elif event["type"] == "count":
                key = (event["exercise"], event["set"], event["n"])
                if key in self.commands:
                    command = self.commands.pop(key)
                    if isinstance(command, tuple):
                        self._say_on_count(key, event, *command)
                        unheard = (*command, 2) if self.command_retries else None
                    else:
                        time.sleep(self.command_delay_seconds)
                        self.speak(f"count {key}", command)

    def _say_on_count(self, key: tuple[str, int, int], event: dict[str, Any], words: str, after: float) -> None:
        """Say ``words`` so that their speech begins ``after`` seconds after the count's onset."""
        clip, start, end = self._clip(words)
        onset = event["scheduled"] + self.session_to_monotonic()
        wav = self.workdir / f"user-{len(self.spoken)}.wav"
        write_wav(wav, clip)
        wait = onset + after - start - PAPLAY_START_SECONDS - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.spoken.append((time.monotonic(), f"count {key}", words))
        self.command_tries.append(words)
        self.durations.append(clip.seconds)
        self.clips.append((clip, end))
        self.sources.append(self._source)
        subprocess.run(["paplay", f"--device={self.device}", str(wav)], check=True, timeout=30)

    def session_to_monotonic(self) -> float:
        """The offset that turns a transcript time ``t`` into this process's monotonic time (events
        are read within a poll of being written, so the smallest gap is the best estimate)."""
        return min(seen - event["t"] for seen, event in self.seen)

    def _events(self):  # type: ignore[no-untyped-def]
        while not self.transcript.exists():
            if self._stop.wait(0.05):
                return
        with self.transcript.open(encoding="utf-8") as stream:
            pending = ""
            while not self._stop.is_set():
                chunk = stream.readline()
                if not chunk:
                    time.sleep(0.02)
                    continue
                pending += chunk
                if pending.endswith("\n"):
                    line, pending = pending, ""
                    yield json.loads(line)


def _seconds_to_say(text: str) -> float:
    """About how long the coach takes to say ``text`` (the transcript has it when it starts)."""
    return 0.4 + 0.07 * len(text)


def _meaning(words: str) -> str:
    """How the coach says back what it heard ("yeah" is heard as "yes")."""
    from voicecoach.dialogue.understanding import understand  # noqa: PLC0415
    from voicecoach.domain.answers import Answer  # noqa: PLC0415
    from voicecoach.ports import Expect, Vocabulary  # noqa: PLC0415

    meaning = understand(words, Expect.of(Vocabulary.YES_NO, Vocabulary.NUMBER))
    if isinstance(meaning, Answer):
        return meaning.value
    return str(meaning) if isinstance(meaning, int) else words
