#!/usr/bin/env python3
"""Offline: does the "stop" spotter act on the coach's own echo when microphone frames are stamped late,
and does judging the echo by level (voice/echo.py) fix that without losing real people's stops?

Rendered streams (no devices): the coach (espeak-ng) says "Pull your left knee towards you... now.
Hold.", plays the start cue and counts one to ten, its echo at -12 dB; a real person's "stop"
(../shared/corpus/real-voices, at -20 dBFS) starts 0.55-0.7 s after a count's start (over the next
count) or 0.05-0.2 s after it (after the count, in the gap); or nobody speaks. Frames are fed to the
spotter stamped ``--late`` seconds after their true time, as a busy machine's microphone thread does.
The echo is judged either by the playback log's spans (+0.15 s) or by level (EchoJudge).

    .venv/bin/python scripts/bench_echo.py --late 0.25          # prints a table, writes bench-results/echo.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.real_voices import RealVoices, corpus_dir
from tests.speech import say
from voicecoach.ports import Sound
from voicecoach.voice.cues import load_cues
from voicecoach.voice.echo import EchoJudge
from voicecoach.voice.segmenter import Segmenter
from voicecoach.voice.spotter import SpeakerAwareSpotter, StopSpotter

RATE, FRAME = 16000, 480
ECHO = 0.25
PLACES = {"over the next count": (0.55, 0.7), "after the count": (0.05, 0.2)}


class Levels:
    """What the coach played, as the playback log's level() gives it."""

    def __init__(self, played: np.ndarray) -> None:
        n = RATE // 100
        x = played[: len(played) // n * n].reshape(-1, n)
        self.envelope = np.sqrt((x**2).mean(axis=1))

    def level(self, start: float, end: float) -> float:
        lo, hi = max(0, int(start * 100)), min(len(self.envelope), int(end * 100) + 1)
        return float(self.envelope[lo:hi].max()) if hi > lo else 0.0


def stream(coach_voice: str, person: np.ndarray | None, at: float, seed: int):
    """The microphone's audio, what the coach played, the playback spans, and the hold's start."""
    played, spans, t = np.zeros(RATE * 16), [], 0.5

    def put(clip: np.ndarray, when: float) -> None:
        s = round(when * RATE)
        played[s : s + len(clip)] += clip
        spans.append((when, when + len(clip) / RATE))

    sentence = say("Pull your left knee towards you... now. Hold.", coach_voice).samples.astype(np.float64)
    put(sentence, t)
    t += len(sentence) / RATE + 0.1
    put(load_cues()[Sound.START].resampled(RATE).samples.astype(np.float64), t)
    hold = t + 0.2
    for n in range(1, 11):
        put(say(str(n), coach_voice).samples.astype(np.float64), hold + n)
    mic = played * ECHO + np.random.default_rng(seed).standard_normal(len(played)) * 60
    end = None
    if person is not None:
        s = round((hold + at) * RATE)
        mic[s : s + len(person)] += person
        end = (s + len(person)) / RATE
    return np.clip(mic, -32768, 32767).astype(np.int16), played, spans, end


def hits(mic: np.ndarray, played: np.ndarray, spans, late: float, by_level: bool) -> list[float]:
    """Times (true) of the hits the spotter acts on."""
    spotter, segmenter = SpeakerAwareSpotter(StopSpotter()), Segmenter(RATE)
    judge = EchoJudge(Levels(played))
    found = []
    for i in range(0, len(mic) - FRAME + 1, FRAME):
        stamp, frame = i / RATE + late, mic[i : i + FRAME]
        echo = any(a <= stamp + 0.015 <= b + 0.15 for a, b in spans)
        segmenter.push(frame, stamp, echo=echo)
        if by_level:
            echo = not judge.louder_than_echo(stamp, FRAME / RATE, segmenter.level,
                                              loud=segmenter.above_floor_db >= 9.0)
        hit = spotter.push(frame, stamp, echo=echo, above_floor_db=segmenter.above_floor_db)
        if hit is not None:
            found.append(hit.at - late)
    return found


def main() -> int:
    """Run both judgements over the same streams, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--late", type=float, default=0.25, help="seconds the microphone's stamps are late")
    parser.add_argument("--voices", default="en-us", help="the coach's voices, comma-separated")
    parser.add_argument("--out", type=Path, default=Path("bench-results/echo.json"))
    args = parser.parse_args()
    folder = corpus_dir()
    if folder is None:
        print("the real-voices corpus is missing")
        return 2
    bank = RealVoices(folder)
    stops = bank.paths("stop")
    rows = []
    for by_level in (False, True):
        row = {"echo judged": "by level" if by_level else "by the playback spans", "late_s": args.late}
        for voice in args.voices.split(","):
            for k, (place, (lo, hi)) in enumerate(PLACES.items()):
                caught = trials = false = 0
                for j, path in enumerate(stops):
                    at = lo + (hi - lo) * ((j + k) % 2)
                    mic, played, spans, end = stream(voice, bank.load(path).clip.samples.astype(np.float64),
                                                     4 + at, j)
                    found = hits(mic, played, spans, args.late, by_level)
                    near = [h for h in found if end - 0.5 <= h <= end + 1.0]
                    trials, caught, false = trials + 1, caught + bool(near), false + len(found) - len(near)
                row[f"caught {place}"] = f"{caught}/{trials}"
                row[f"false hits, {place} streams"] = false
            quiet_false = sum(len(hits(*stream(voice, None, 0, 100 + s)[:3], args.late, by_level)) for s in range(6))
            row["false hits, nobody speaking (6 streams)"] = quiet_false
        rows.append(row)
        print(row, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "echo", "rows": rows}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
