"""Reading a recorded run of scripts/bench.py: where things happened at the speaker and in the room.

Times are on this machine's monotonic clock. A transcript time t (seconds since the coach's session
began) is t + offset (SimulatedUser.session_to_monotonic). The speaker's onsets come from its recorded
output (tests/onsets.py); the person's words are found in the room's recording by cross-correlation
with the clip that was played, so "the end of the word" is where it ended in the room.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.onsets import onsets

SEARCH_BEFORE = 0.2
SEARCH_AFTER = 0.8
"""Seconds around the nominal start (paplay's launch) to look for a played word in the room."""
COUNT_WINDOW = 0.25
"""A count's onset is the speaker onset nearest its schedule within this many seconds."""
LOUD_DB = -45.0


def to_monotonic(event: dict[str, Any], offset: float, key: str = "t") -> float:
    """An event's time (or its ``scheduled`` time) on the monotonic clock."""
    return float(event[key]) + offset


def speaker_onsets(run: Any) -> list[float]:
    """Every onset at the speaker (monotonic)."""
    return [run.speaker_t0 + x for x in onsets(run.speaker, threshold_db=LOUD_DB)]


def count_errors(run: Any, offset: float) -> tuple[list[float], int]:
    """Onset minus schedule for every count, and how many counts had no onset near their schedule."""
    found = speaker_onsets(run)
    errors, missing = [], 0
    for event in run.events:
        if event["type"] != "count":
            continue
        due = to_monotonic(event, offset, "scheduled")
        near = [x for x in found if abs(x - due) <= COUNT_WINDOW]
        if near:
            errors.append(min(near, key=lambda x: abs(x - due)) - due)
        else:
            missing += 1
    return errors, missing


def locate(recording: Any, t0: float, clip: Any, around: float, *, before: float = SEARCH_BEFORE,
           after: float = SEARCH_AFTER) -> float | None:
    """Where ``clip`` starts in ``recording`` (which began at monotonic ``t0``), searched near ``around``."""
    rate = recording.rate
    audio = recording.samples.astype(np.float64)
    ref = clip.resampled(rate).samples.astype(np.float64)
    lo = max(0, round((around - before - t0) * rate))
    hi = min(len(audio), round((around + after - t0) * rate) + len(ref))
    if hi - lo <= len(ref):
        return None
    window = audio[lo:hi]
    n = 1 << int(np.ceil(np.log2(len(window) + len(ref))))
    corr = np.fft.irfft(np.fft.rfft(window, n) * np.conj(np.fft.rfft(ref, n)), n)[: len(window) - len(ref) + 1]
    return t0 + (lo + int(np.argmax(corr))) / rate


def locate_words(run: Any) -> list[tuple[str, str, float, float]]:
    """(label, words, start, end of speech) in the room for everything the person said."""
    located = []
    for (said_at, label, words), (clip, speech_end) in zip(run.user.spoken, run.user.clips, strict=False):
        start = locate(run.room, run.room_t0, clip, said_at)
        if start is not None:
            located.append((label, words, start, start + speech_end))
    return located


def reply_start(run: Any, text: str, asked: float) -> float | None:
    """The first sound of the coach's sentence ``text`` at the speaker: its synthesised clip found in
    the speaker's recording (a reply that cuts into a count leaves no quiet gap to find an onset by)."""
    from voicecoach.voice.synthesis import LEAD_IN, Pyttsx3Synthesiser  # noqa: PLC0415

    clip = Pyttsx3Synthesiser().synthesise(text)
    start = locate(run.speaker, run.speaker_t0, clip, asked, before=0.3, after=1.5)
    return None if start is None else start + LEAD_IN


def answer_replies(run: Any, words: list[tuple[str, str, float, float]]) -> list[float]:
    """For each spoken answer (not a command): end of the word to the next sound at the speaker."""
    found = speaker_onsets(run)
    out = []
    for label, _, _, end in words:
        if label.startswith("count"):
            continue
        nxt = next((x for x in found if x > end), None)
        if nxt is not None:
            out.append(round(nxt - end, 3))
    return out


def cpu_share(samples: list[tuple[float, float, int]], start: float, end: float) -> float | None:
    """Percent of one core the process used between ``start`` and ``end``."""
    inside = [s for s in samples if start <= s[0] <= end]
    if len(inside) < 2:
        return None
    (t0, c0, _), (t1, c1, _) = inside[0], inside[-1]
    return round(100 * (c1 - c0) / (t1 - t0), 1)


def _loud_frames(run: Any) -> tuple[np.ndarray, float]:
    n = round(0.005 * run.speaker.rate)
    x = run.speaker.samples.astype(np.float64)
    frames = x[: len(x) // n * n].reshape(-1, n)
    level = np.sqrt((frames**2).mean(axis=1)) / 32768.0
    return level > 10 ** (LOUD_DB / 20), n / run.speaker.rate


CAUGHT_WITHIN = 2.5
"""A stop command acted on this long after the end of the word (or during it) is that word's."""


def stop_trials(run: Any, words: list[tuple[str, str, float, float]], *, within: float = CAUGHT_WITHIN
                ) -> list[dict[str, Any]]:
    """One row per "stop" the person said over the counting (a run may hold several: each is followed
    by "not worse" and "carry on"): caught or not; from the end of the word to silence at the speaker
    and to the reply's first sound; and how many counts started after the word ended."""
    offset = run.user.session_to_monotonic()
    said = [(label, w, src) for (_, label, w), src in zip(run.user.spoken, run.user.sources, strict=False)]
    stops = [(lab, s, e, next((src for label, w, src in said if label == lab and w == "stop"), None))
             for lab, w, s, e in words if lab.startswith("count") and w == "stop"]
    acted = [to_monotonic(e, offset) for e in run.events if e["type"] == "command" and e["name"] == "stop"]
    asked = [(to_monotonic(e, offset), e) for e in run.events if e["type"] == "asked" and e["id"] == "WORSE"]
    counts = [to_monotonic(e, offset, "scheduled") for e in run.events if e["type"] == "count"]
    found = speaker_onsets(run)
    loud, frame = _loud_frames(run)
    rows = []
    for label, start, end, source in stops:
        row: dict[str, Any] = {"label": label, "recording": source, "word_end_s": round(end - run.launched, 3),
                               "caught": any(start <= t <= end + within for t in acted)}
        question = next((e for t, e in asked if t >= start), None)
        reply = None
        if row["caught"] and question is not None:
            reply = reply_start(run, question["text"], to_monotonic(question, offset))
        upto = reply if reply is not None else end + min(within, CAUGHT_WITHIN)
        row["counts_after_word"] = sum(1 for due in counts if end < due < upto and any(
            abs(x - due) <= COUNT_WINDOW for x in found))
        if reply is not None:
            row["word_end_to_reply_s"] = round(reply - end, 3)
            first = max(0, int((end - run.speaker_t0) / frame))
            last = int((reply - run.speaker_t0) / frame) - 2
            still = np.flatnonzero(loud[first:max(first, last)])
            row["word_end_to_silence_s"] = round(float((still[-1] + 1) * frame), 3) if len(still) else 0.0
        rows.append(row)
    return rows


def stop_trial(run: Any, words: list[tuple[str, str, float, float]]) -> dict[str, Any]:
    """The one stop of a run (see :func:`stop_trials`): caught whenever the coach acted on it after the
    word began (over a sentence, it acts once the sentence has been said)."""
    rows = stop_trials(run, words, within=float("inf"))
    return rows[0] if rows else {"caught": False, "error": "the stop was not found in the room's recording"}
