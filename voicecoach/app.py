"""The composition root: builds the adapters a Settings asks for and runs one session."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import platformdirs

from voicecoach import data
from voicecoach.adapters.clock import ScaledClock
from voicecoach.adapters.display import TerminalDisplay
from voicecoach.adapters.queued import QueuedSinks
from voicecoach.adapters.text import TextListener, TextSpeaker, lines_from
from voicecoach.adapters.transcript import TranscriptWriter
from voicecoach.adapters.voice_lock import VoiceBusy, VoiceLock
from voicecoach.dialogue.conversation import AskingPolicy, Conversation
from voicecoach.dialogue.device_return import DEVICE_WAIT_SECONDS, DeviceReturn
from voicecoach.domain.doses import PlanItem
from voicecoach.events import Emitter, EventSink
from voicecoach.history.link import HistoryLink, attach
from voicecoach.history.store import HistoryError
from voicecoach.session import Session, SessionReport
from voicecoach.settings import Settings
from voicecoach.triage import rules

if TYPE_CHECKING:
    from voicecoach.voice.rig import VoiceRig

TEXT_INSTEAD = "Using text mode instead: read the questions here and type your answers."
AFTER_DEVICE_LOST = (
    "Everything so far is kept (see 'voicecoach history'). Plug the device back in and start again "
    "(voicecoach check tests it), or use --text to type your answers."
)
VOICE_ANSWER_TIMEOUT_SECONDS = float(data.load("asking")["voice_answer_timeout_seconds"])
"""Voice mode: silence this long after a question counts as not understood (data/asking.toml)."""


__all__ = ["Settings", "SetupError", "data_dir", "data_dir_path", "run"]


class SetupError(Exception):
    """Something the user can fix stops the session from starting (a bad path, ...)."""


def data_dir_path(chosen: Path | None) -> Path:
    """Where the user's data is (not created): --data-dir, else $VOICECOACH_DATA_DIR, else the platform's."""
    if chosen is None:
        env = os.environ.get("VOICECOACH_DATA_DIR")
        chosen = Path(env) if env else Path(platformdirs.user_data_dir("voicecoach", appauthor=False))
    return chosen


def data_dir(chosen: Path | None) -> Path:
    """The folder for the user's data, created if needed (see data_dir_path)."""
    chosen = data_dir_path(chosen)
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
    """Run ``session``, ``triage`` or ``exercise`` by voice, or by text; returns the report.

    ``wall_clock`` gives the date and time the history records (tests inject one to simulate days).
    """
    try:
        rules.check_shipped()
    except rules.DataError as err:
        raise SetupError(f"the clinical data is broken: {err}") from err
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    folder = data_dir(settings.data_dir)
    lock = None if settings.text else _voice_lock(folder)
    try:
        return _run(command, settings, plan, folder, stdin=stdin, stdout=stdout, stderr=stderr, sinks=sinks,
                    wall_clock=wall_clock)
    finally:
        if lock is not None:
            lock.release()


def _voice_lock(folder: Path) -> VoiceLock:
    """One voice session per data folder (a second would talk over the first and hear it as the person)."""
    try:
        return VoiceLock.take(folder)
    except VoiceBusy as err:
        raise SetupError(str(err)) from None
    except OSError as err:
        raise SetupError(f"Cannot use the data folder {folder}: {err.strerror or err}") from err


def _run(command: str, settings: Settings, plan: Sequence[PlanItem], folder: Path, *, stdin: IO[str],
         stdout: IO[str], stderr: IO[str], sinks: Sequence[EventSink],
         wall_clock: Callable[[], datetime] | None) -> SessionReport:
    human = stderr if settings.json else stdout
    transcript = _open_transcript(settings.transcript)
    clock = ScaledClock(settings.time_scale)
    voice = None if settings.text else _open_voice(settings, clock, stderr)
    try:
        history = _history(folder, command, settings, stderr, wall_clock, voice=voice is not None)
    except SetupError:
        _close(voice, transcript)
        raise
    background = QueuedSinks()  # the history, the transcript and the display never hold up a count
    arms = [voice.barge_in] if voice is not None and voice.barge_in is not None else []
    emit = Emitter(clock.now, [*sinks, *arms, background])
    display = None
    try:
        history.connect(background)
        if transcript is not None:
            background.add(TranscriptWriter(transcript))
        if voice is not None and settings.display:
            display = _display(human, clock)
            background.add(display)
        conversation = _conversation(voice, clock, emit, stdin, human)
        if voice is not None and voice.watch is not None:
            conversation.device_return = DeviceReturn(
                voice.watch, device_wait_seconds(stderr),
                notify=(lambda line: None) if display is not None else _printer(human))
        report = Session(conversation, history.context, since_start=emit.since_start,
                         progression=history.progression).run(command, plan)
    finally:
        background.close()
        if display is not None:
            display.close()
        history.close()
        _close(voice, transcript)
    if report.device_fault:
        print(f"voicecoach: {report.device_fault}", file=stderr, flush=True)
        print(AFTER_DEVICE_LOST, file=stderr, flush=True)
    if settings.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False), file=stdout, flush=True)
    return report


def _open_voice(settings: Settings, clock: ScaledClock, stderr: IO[str]) -> VoiceRig | None:
    """The voice adapters, or None (after saying why, and that text mode follows) when voice cannot work."""
    from voicecoach.voice.errors import VoiceError  # noqa: PLC0415  (text mode loads no audio library)
    from voicecoach.voice.rig import open_voice  # noqa: PLC0415

    def warn(message: str) -> None:
        print(f"voicecoach: {message}", file=stderr, flush=True)

    try:
        return open_voice(settings.voice, to_player=clock.monotonic_at, clock=clock, warn=warn)
    except VoiceError as err:
        print(f"voicecoach: {err}", file=stderr, flush=True)
        print(TEXT_INSTEAD, file=stderr, flush=True)
        return None


def _conversation(voice: VoiceRig | None, clock: ScaledClock, emit: Emitter, stdin: IO[str], human: IO[str]
                  ) -> Conversation:
    """The conversation on the voice adapters (with the keyboard as the last resort), or on text."""
    typed = TextListener(lines_from(stdin), clock, interactive=_is_terminal(stdin))
    if voice is None:
        return Conversation(speaker=TextSpeaker(clock, out=human), listener=typed, clock=clock, emit=emit,
                            policy=AskingPolicy(answer_timeout_seconds=None))
    return Conversation(
        speaker=voice.speaker,
        listener=voice.listener,
        clock=clock,
        emit=emit,
        policy=AskingPolicy(answer_timeout_seconds=VOICE_ANSWER_TIMEOUT_SECONDS),
        keyboard=typed if _is_terminal(stdin) else None,
    )


def device_wait_seconds(stderr: IO[str]) -> float:
    """How long a sound device lost mid-session is waited for: VOICECOACH_DEVICE_WAIT seconds, else a minute."""
    raw = os.environ.get("VOICECOACH_DEVICE_WAIT")
    if raw is None:
        return DEVICE_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        print(f"voicecoach: VOICECOACH_DEVICE_WAIT={raw!r} is not a number of seconds from 0 to 3600; "
              f"waiting {DEVICE_WAIT_SECONDS:g} seconds for a lost device", file=stderr, flush=True)
        return DEVICE_WAIT_SECONDS
    return seconds


def _printer(stream: IO[str]) -> Callable[[str], None]:
    def show(line: str) -> None:
        print(f"voicecoach: {line}", file=stream, flush=True)

    return show


def _display(stream: IO[str], clock: ScaledClock) -> TerminalDisplay:
    display = TerminalDisplay(stream, clock=clock.now)
    display.start_ticker()
    return display


def _close(voice: VoiceRig | None, transcript: IO[str] | None) -> None:
    if voice is not None:
        voice.close()
    if transcript is not None:
        transcript.close()


def _history(folder: Path, command: str, settings: Settings, stderr: IO[str],
             wall_clock: Callable[[], datetime] | None, *, voice: bool = False) -> HistoryLink:
    """The session's tie to the history in the data folder (none with --no-history)."""
    if not settings.history:
        return HistoryLink.detached()

    def warn(message: str) -> None:
        print(f"voicecoach: {message}", file=stderr, flush=True)

    try:
        return attach(folder, command, mode="voice" if voice else "text", wall_clock=wall_clock, warn=warn,
                      full_triage=settings.full_triage)
    except HistoryError as err:
        raise SetupError(str(err)) from err


def _open_transcript(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    try:  # the transcript holds health answers: readable by the user alone, like the history
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if os.fstat(fd).st_mode & 0o077:  # an existing file others could read
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "w", encoding="utf-8")
    except OSError as err:
        raise SetupError(f"Cannot write the transcript {path}: {err.strerror or err}") from err


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
