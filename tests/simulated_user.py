"""A person in the virtual room: reads the coach's transcript as it is written and, when the coach
listens, speaks an answer (espeak-ng audio played into the PulseAudio sink the microphone hears)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.speech import say
from voicecoach.voice.pcm import write_wav


@dataclass
class SimulatedUser:
    """Answers the questions in ``answers`` (question id -> words) and says ``commands`` at counts."""

    transcript: Path
    answers: dict[str, str]
    workdir: Path
    voice: str = "en-us+m3"
    default: str = "no"
    commands: dict[tuple[str, int, int], str] = field(default_factory=dict)
    """(exercise, set, count n) -> a command to say right after that count."""
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
        clip = say(words, self.voice, self.voice_rate)
        write_wav(wav, clip)
        self.spoken.append((time.monotonic(), label, words))
        self.durations.append(clip.seconds)
        env = None if self.server is None else {**os.environ, "PULSE_SERVER": self.server}
        subprocess.run(["paplay", f"--device={self.device}", str(wav)], check=True, timeout=30, env=env)

    def answer_for(self, question: str, text: str) -> str:
        """What this person says to a question: their answer, or for "I heard X. Is that right?"
        the truth about whether X is what they said."""
        if question.endswith(".confirm"):
            said = self.said_to.get(question.removesuffix(".confirm"), "")
            meaning = _meaning(said)
            return "yes" if said and (f"heard {meaning}" in text.lower() or f"is {meaning} out of" in text) else "no"
        score, _, step = question.partition(".more_than_")
        if step.isdigit() and score in self.answers:  # a pain score narrowed down: "Is your pain more than 5?"
            value = _meaning(self.answers[score])
            return "yes" if value.isdigit() and int(value) > int(step) else "no"
        return self.answers.get(question, self.default)

    def _run(self) -> None:
        try:
            self._follow()
        except Exception as err:  # a broken test harness must show, not hang the test silently
            self.failure = err
            raise

    def _follow(self) -> None:
        last_question, last_text = None, ""
        for event in self._events():
            self.seen.append((time.monotonic(), event))
            if event["type"] == "asked":
                last_question, last_text = event["id"], event["text"]
            elif event["type"] == "listening" and last_question is not None:
                time.sleep(self.delay_seconds)
                words = self.answer_for(last_question, last_text)
                self.said_to[last_question] = words
                self.speak(last_question, words)
            elif event["type"] == "count":
                key = (event["exercise"], event["set"], event["n"])
                if key in self.commands:
                    time.sleep(self.command_delay_seconds)
                    self.speak(f"count {key}", self.commands.pop(key))

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


def _meaning(words: str) -> str:
    """How the coach says back what it heard ("yeah" is heard as "yes")."""
    from voicecoach.dialogue.understanding import Answer, understand  # noqa: PLC0415
    from voicecoach.ports import Expect, Vocabulary  # noqa: PLC0415

    meaning = understand(words, Expect.of(Vocabulary.YES_NO, Vocabulary.NUMBER))
    if isinstance(meaning, Answer):
        return meaning.value
    return str(meaning) if isinstance(meaning, int) else words
