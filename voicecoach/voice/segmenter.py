"""Cuts a stream of microphone frames into utterances by energy against an adaptive noise floor.

Pure: it is told each frame's samples and start time, never reads a clock, so "0.4 s of silence
ends an utterance" is tested instantly. Frames the coach's own voice may be in are marked ``echo``:
an utterance made only of such frames is dropped, because it is the coach hearing itself.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from voicecoach.voice.pcm import Clip, Samples, rms, to_dbfs


@dataclass(frozen=True)
class SegmenterSettings:
    """Thresholds of the segmenter, in seconds and decibels."""

    start_db: float = 9.0
    """A frame is speech when it is this much louder than the noise floor..."""
    min_level: float = 120.0
    """...and louder than this absolute RMS (16-bit), so a silent room's hiss never counts."""
    start_seconds: float = 0.06
    """Speech must last this long to open an utterance (a click does not)."""
    end_seconds: float = 0.35
    """This much quiet closes an utterance (the end of a word to "heard")."""
    early_seconds: float | None = None
    """After this much quiet a copy of the utterance so far is offered (:meth:`Segmenter.take_early`), so
    decoding can start before ``end_seconds`` closes it; None: never (see voice/speculation.py)."""
    pre_roll_seconds: float = 0.3
    """Audio kept from before the start, so the first consonant is not cut."""
    max_seconds: float = 6.0
    """An utterance longer than this is cut and marked too long (a sentence, or steady noise)."""
    min_speech_seconds: float = 0.12
    """Utterances with less speech than this are dropped (a tap, a knock)."""
    floor_window_seconds: float = 4.0
    """The noise floor is a low percentile of the frame levels over this long: a word does not lift
    it, a fan or a tap left running does (so steady noise ends an utterance and opens none)."""
    floor_percentile: float = 20.0


ECHO_SHARE = 0.6
"""An utterance whose speech overlapped the coach's playback this much or more is the coach's echo."""


@dataclass(frozen=True)
class Segment:
    """One utterance cut from the stream."""

    clip: Clip
    start: float
    """Time of its first sample (the microphone's clock)."""
    end: float
    speech_seconds: float
    """How much of it was above the speech threshold."""
    echo_seconds: float
    """How much of its speech overlapped the coach's own playback."""
    too_long: bool = False
    level_dbfs: float = -120.0
    """Speech level of the utterance, for the level meter and diagnostics."""

    def mostly_echo(self, share: float = ECHO_SHARE) -> bool:
        """True when the coach's own voice makes up ``share`` or more of the utterance's speech."""
        return self.speech_seconds > 0 and self.echo_seconds >= share * self.speech_seconds


RESTART_KEEP_SECONDS = 0.09
"""When an utterance that was only the coach's echo goes on with the person's voice, it starts again
there, keeping this much before (the first consonant): "two" (echo) then "pause" is "pause"."""


@dataclass
class _Open:
    frames: list[Samples] = field(default_factory=list)
    start: float = 0.0
    speech: float = 0.0
    echo: float = 0.0
    quiet: float = 0.0
    loud_levels: list[float] = field(default_factory=list)
    offered: bool = False
    """A copy was offered early in the current quiet gap."""


@dataclass(frozen=True)
class Early:
    """A copy of an utterance that has gone quiet for ``early_seconds`` but is not closed yet: decoding it
    at once saves the rest of ``end_seconds``. The closed segment follows with the same ``speech_seconds``
    when the person said nothing more (then only quiet was added), with more when speech resumed."""

    segment: Segment


class Segmenter:
    """Turns frames into :class:`Segment` s."""

    def __init__(self, rate: int, settings: SegmenterSettings | None = None) -> None:
        self.rate = rate
        self.settings = settings or SegmenterSettings()
        self.floor = 0.0
        self._levels: deque[float] = deque()
        self.level = 0.0
        """RMS of the last frame (for a level meter)."""
        self._pre: deque[tuple[float, Samples]] = deque()
        self._pre_seconds = 0.0
        self._run = 0.0
        self._open: _Open | None = None
        self._early: Early | None = None

    def take_early(self) -> Early | None:
        """The copy offered by the last :meth:`push` (once), or None."""
        early, self._early = self._early, None
        return early

    @property
    def above_floor_db(self) -> float:
        """How much louder than the noise floor the last frame was, in dB."""
        return self.db_above_floor(self.level)

    def db_above_floor(self, level: float) -> float:
        """How much louder than the current noise floor a frame of RMS ``level`` is, in dB."""
        if level <= 0:
            return -99.0
        return float(20 * np.log10(level / max(self.floor, 1.0)))

    def push(self, samples: Samples, start: float, *, echo: bool = False, level: float | None = None
             ) -> Segment | None:
        """Feed one frame that began at ``start`` (``level``: its RMS, when the caller measured it);
        returns an utterance when this frame ends one."""
        seconds = len(samples) / self.rate
        self.level = level = rms(samples) if level is None else level
        self._follow_floor(level, seconds)
        loud = self._is_speech(level)
        if self._open is None:
            self._idle(samples, start, loud=loud, echo=echo, level=level)
            return None
        return self._continue(samples, loud=loud, echo=echo, level=level)

    def flush(self) -> Segment | None:
        """End any open utterance now (the stream stopped)."""
        return self._close(too_long=False) if self._open is not None else None

    def _is_speech(self, level: float) -> bool:
        s = self.settings
        threshold = max(s.min_level, self.floor * 10 ** (s.start_db / 20))
        return level > threshold

    def _follow_floor(self, level: float, seconds: float) -> None:
        self._levels.append(level)
        if len(self._levels) * seconds > self.settings.floor_window_seconds:
            self._levels.popleft()
        self.floor = float(np.percentile(self._levels, self.settings.floor_percentile))

    def _idle(self, samples: Samples, start: float, *, loud: bool, echo: bool, level: float) -> None:
        seconds = len(samples) / self.rate
        self._pre.append((start, samples))
        self._pre_seconds += seconds
        self._run = self._run + seconds if loud else 0.0
        if self._run >= self.settings.start_seconds - 1e-9:
            frames = list(self._pre)
            self._open = _Open(
                frames=[f for _, f in frames],
                start=frames[0][0],
                speech=self._run,
                echo=self._run if echo else 0.0,
                loud_levels=[level],
            )
            self._pre.clear()
            self._pre_seconds = 0.0
            self._run = 0.0
            return
        while self._pre and self._pre_seconds - len(self._pre[0][1]) / self.rate >= self.settings.pre_roll_seconds:
            _, old = self._pre.popleft()
            self._pre_seconds -= len(old) / self.rate

    def _continue(self, samples: Samples, *, loud: bool, echo: bool, level: float) -> Segment | None:
        seconds = len(samples) / self.rate
        current = self._open
        assert current is not None
        if loud and echo and current.quiet > 0:
            # the person had stopped speaking: the coach's next count (its echo) neither carries the
            # utterance on nor joins it ("pause" said between counts ends before the next count)
            loud, samples = False, np.zeros_like(samples)
        if loud and not echo and current.speech > 0 and current.echo >= current.speech - 1e-9:
            self._restart(current, samples, level)  # all so far was the coach's echo: the person starts here
            return None
        current.frames.append(samples)
        if loud:
            current.speech += seconds
            current.quiet = 0.0
            current.loud_levels.append(level)
            current.offered = False
            if echo:
                current.echo += seconds
        else:
            current.quiet += seconds
        early = self.settings.early_seconds
        if early is not None and not current.offered and early - 1e-9 <= current.quiet < self.settings.end_seconds:
            current.offered = True
            segment = self._segment(current, too_long=False)
            self._early = Early(segment) if segment is not None else None
        total = sum(len(f) for f in current.frames) / self.rate
        if current.quiet >= self.settings.end_seconds - 1e-9:
            return self._close(too_long=False)
        if total >= self.settings.max_seconds:
            return self._close(too_long=True)
        return None

    def _restart(self, current: _Open, samples: Samples, level: float) -> None:
        """Begin the utterance again at this frame, keeping only ``RESTART_KEEP_SECONDS`` before it."""
        keep = max(0, round(RESTART_KEEP_SECONDS * self.rate))
        before = np.concatenate(current.frames)[-keep:] if keep and current.frames else np.zeros(0, np.int16)
        frame_start = current.start + sum(len(f) for f in current.frames) / self.rate
        seconds = len(samples) / self.rate
        self._open = _Open(frames=[before, samples], start=frame_start - len(before) / self.rate, speech=seconds,
                           loud_levels=[level])

    def _close(self, *, too_long: bool) -> Segment | None:
        current = self._open
        assert current is not None
        self._open = None
        self._early = None
        return self._segment(current, too_long=too_long)

    def _segment(self, current: _Open, *, too_long: bool) -> Segment | None:
        if current.speech < self.settings.min_speech_seconds and not too_long:
            return None
        samples = np.concatenate(current.frames)
        clip = Clip(samples, self.rate)
        speech_level = float(np.sqrt(np.mean(np.square(current.loud_levels)))) if current.loud_levels else 0.0
        return Segment(
            clip=clip,
            start=current.start,
            end=current.start + clip.seconds,
            speech_seconds=current.speech,
            echo_seconds=current.echo,
            too_long=too_long,
            level_dbfs=to_dbfs(speech_level),
        )
