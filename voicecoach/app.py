"""The composition root: builds the adapters a Settings asks for and runs one session."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import platformdirs

from voicecoach.adapters.clock import ScaledClock
from voicecoach.adapters.text import TextListener, TextSpeaker, lines_from
from voicecoach.adapters.transcript import TranscriptWriter
from voicecoach.coach.catalogue import PlanItem
from voicecoach.dialogue.conversation import AskingPolicy, Conversation
from voicecoach.events import Emitter, EventSink
from voicecoach.history.link import HistoryLink, attach
from voicecoach.history.store import HistoryError
from voicecoach.session import Session, SessionReport

VOICE_NOT_YET = "Voice mode is not available in this version yet; running in text mode (type your answers)."


class SetupError(Exception):
    """Something the user can fix stops the session from starting (a bad path, ...)."""


@dataclass(frozen=True)
class Settings:
    """What the command line chose."""

    text: bool = False
    json: bool = False
    transcript: Path | None = None
    time_scale: float = 1.0
    data_dir: Path | None = None
    display: bool = True
    """Voice mode: show the live terminal view (--no-display turns it off)."""
    voice: str = "en-us"
    """espeak-ng voice for voice mode (``voicecoach voices``); a variant may follow "+"."""
    rate: int = 150
    """Words per minute."""
    volume: float = 1.0
    """0 to 1, for speech and cue sounds."""
    history: bool = True
    """Read and keep the history (--no-history: a one-off session)."""


def data_dir(chosen: Path | None) -> Path:
    """The folder for the user's data: --data-dir, else $VOICECOACH_DATA_DIR, else the platform's."""
    if chosen is None:
        env = os.environ.get("VOICECOACH_DATA_DIR")
        chosen = Path(env) if env else Path(platformdirs.user_data_dir("voicecoach", appauthor=False))
    try:
        chosen.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as err:
        raise SetupError(f"Cannot use the data folder {chosen}: {err.strerror or err}") from err
    return chosen


def run(
    command: str,
    settings: Settings,
    plan: Sequence[PlanItem] = (),
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    sinks: Sequence[EventSink] = (),
    wall_clock: Callable[[], datetime] | None = None,
) -> SessionReport:
    """Run ``session``, ``triage`` or ``exercise`` with text adapters; returns the report.

    ``wall_clock`` gives the date and time the history records (tests inject one to simulate days).
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    human = stderr if settings.json else stdout
    if not settings.text:
        print(VOICE_NOT_YET, file=stderr, flush=True)
    folder = data_dir(settings.data_dir)
    history = _history(folder, command, settings, stderr, wall_clock)
    try:
        transcript = _open_transcript(settings.transcript)
    except SetupError:
        history.close()
        raise
    clock = ScaledClock(settings.time_scale)
    emit = Emitter(clock.now, list(sinks))
    try:
        history.connect(emit)
        if transcript is not None:
            emit.add(TranscriptWriter(transcript))
        conversation = Conversation(
            speaker=TextSpeaker(clock, out=human),
            listener=TextListener(lines_from(stdin), clock, interactive=_is_terminal(stdin)),
            clock=clock,
            emit=emit,
            policy=AskingPolicy(answer_timeout_seconds=None),
        )
        report = Session(conversation, history.context, since_start=emit.since_start,
                         progression=history.progression).run(command, plan)
    finally:
        history.close()
        if transcript is not None:
            transcript.close()
    if settings.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False), file=stdout, flush=True)
    return report


def _history(folder: Path, command: str, settings: Settings, stderr: IO[str],
             wall_clock: Callable[[], datetime] | None) -> HistoryLink:
    """The session's tie to the history in the data folder (none with --no-history)."""
    if not settings.history:
        return HistoryLink.detached()

    def warn(message: str) -> None:
        print(f"voicecoach: {message}", file=stderr, flush=True)

    try:
        return attach(folder, command, mode="text", wall_clock=wall_clock, warn=warn)  # voice mode: "voice"
    except HistoryError as err:
        raise SetupError(str(err)) from err


def _open_transcript(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return path.open("w", encoding="utf-8")
    except OSError as err:
        raise SetupError(f"Cannot write the transcript {path}: {err.strerror or err}") from err


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
