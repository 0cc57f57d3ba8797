#!/usr/bin/env python3
"""Measure barge-in: does "stop" get heard while the coach counts, how soon, and does the coach's own
counting ever sound like "stop"?

Offline, on rendered audio (no devices): the coach (espeak, several voices, its echo at -6 dB) counts
one a second; a person (other voices) says "stop" in the gap after a count or over the next count;
room noise (a floor, white noise, babble) is mixed in. Every stream is fed frame by frame, as the
microphone would, to the always-on spotter (voicecoach.voice.spotter). Latency is measured from the
end of the spoken word to the frame that fired.

    .venv/bin/python scripts/bench_bargein.py            # prints a table, writes bench-results/bargein.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.speech import RATE, babble, counting, white_noise, with_noise
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import Segmenter
from voicecoach.voice.spotter import STOP_THRESHOLD, SpeakerAwareSpotter, StopSpotter, stop_heard_by

FRAME = 480
COACH_VOICES = ("en-us+f3", "en-us", "en+m3")
USER_VOICES = ("en+m3", "en-gb-x-rp", "en-us+m1", "en+f5", "en+klatt", "en-us+f1", "en+m7")
OFFSETS = {"gap": 0.6, "overlap": 0.2}
"""Seconds after a count starts that the person says stop: in the pause, or over the next count."""
NOISES = ("quiet", "white 20 dB", "babble 20 dB")


def stream(
    coach_voice: str, user_voice: str | None, offset: float, noise: str, seed: int
) -> tuple[Clip, float | None, list[tuple[float, float]]]:
    """Ten counts, optionally with "stop" after count 3; returns the audio, the end of the word, and
    when the coach was playing (what the player's log would say)."""
    words = [str(n) for n in range(1, 11)]
    if user_voice is None:
        clip, word_end, spans = counting(words, coach_voice, seed=seed)
    else:
        clip, word_end, spans = counting(words, coach_voice, user_word="stop", user_voice=user_voice,
                                         user_at=4 + offset, seed=seed)
    if noise.startswith("white"):
        clip = with_noise(clip, white_noise(12.0, seed), 20.0, seed)
    elif noise.startswith("babble"):
        clip = with_noise(clip, babble(), 20.0, seed)
    return clip, word_end, spans


def spot(clip: Clip, spans: list[tuple[float, float]], args: argparse.Namespace) -> tuple[list[float], float]:
    """Hit times as the coach would act on them, and the spotter's CPU seconds per audio second."""
    spotter = StopSpotter(threshold=args.threshold)
    opinion = None
    if args.second_opinion == "grammar":
        from voicecoach.voice.recognition import Recogniser  # noqa: PLC0415

        opinion = stop_heard_by(Recogniser())
    elif args.second_opinion == "moonshine":
        opinion = stop_heard_by(_moonshine())
    if opinion is not None:
        asked = opinion

        def opinion(heard: Clip, played: Clip) -> bool:  # timed: the coach waits for it before acting
            began = time.perf_counter()
            try:
                return asked(heard, played)
            finally:
                OPINION_MS.append(1000 * (time.perf_counter() - began))

    aware = SpeakerAwareSpotter(spotter, min_loud_seconds=args.min_loud, loud_db=args.loud_db, second_opinion=opinion)
    segmenter = Segmenter(RATE)
    hits = []
    began = time.process_time()
    for i in range(0, len(clip.samples) - FRAME + 1, FRAME):
        t = i / RATE
        frame = clip.samples[i : i + FRAME]
        echo = any(a <= t + FRAME / RATE / 2 <= b + args.echo_tail for a, b in spans)
        segmenter.push(frame, t, echo=echo)
        hit = spotter.push(frame, t) if args.spotter_alone else aware.push(
            frame, t, echo=echo, above_floor_db=segmenter.above_floor_db)
        if hit is not None:
            hits.append(hit.at)
    return hits, (time.process_time() - began) / clip.seconds


_MOONSHINE: list[object] = []
OPINION_MS: list[float] = []
"""Wall time of every second opinion asked (ms)."""


def _moonshine() -> object:
    """One Moonshine recogniser for the whole grid (loading it takes a while)."""
    if not _MOONSHINE:
        from voicecoach.voice.moonshine import MoonshineRecogniser  # noqa: PLC0415

        _MOONSHINE.append(MoonshineRecogniser())
    return _MOONSHINE[0]


def main() -> int:
    """Run the grid, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("bench-results/bargein.json"))
    parser.add_argument("--threshold", type=float, default=STOP_THRESHOLD)
    parser.add_argument("--spotter-alone", action="store_true", help="Act on every keyword hit (no room check).")
    parser.add_argument("--min-loud", type=float, default=0.06, help="Seconds of the person's own speech before a hit.")
    parser.add_argument("--loud-db", type=float, default=9.0, help="dB above the noise floor that counts as speech.")
    parser.add_argument("--second-opinion", choices=("none", "grammar", "moonshine"), default="none",
                        help="grammar: pocketsphinx's command grammar must hear a stop word too; moonshine: "
                        "Moonshine, understanding a stop word among the commands in the 1.2 s before the hit")
    parser.add_argument("--echo-tail", type=float, default=0.15, help="Seconds after a clip still counted as echo.")
    args = parser.parse_args()
    print(f"kws threshold {args.threshold:g}; " + ("spotter alone" if args.spotter_alone else
          f"room check: {args.min_loud} s at {args.loud_db} dB above the floor, outside echo (+{args.echo_tail} s)"))
    rows = []
    cpu = []
    seed = 0
    for noise in NOISES:
        for where, offset in OFFSETS.items():
            detected, late, false_hits = 0, [], 0
            trials = 0
            for coach in COACH_VOICES:
                for user in USER_VOICES:
                    seed += 1
                    clip, word_end, spans = stream(coach, user, offset, noise, seed)
                    hits, load = spot(clip, spans, args)
                    cpu.append(load)
                    trials += 1
                    assert word_end is not None
                    near = [h for h in hits if word_end - 0.4 <= h <= word_end + 1.0]
                    if near:
                        detected += 1
                        late.append(near[0] - word_end)
                    false_hits += len(hits) - len(near)
            rows.append({"noise": noise, "stop": where, "trials": trials, "detected": detected,
                         "within_0_5_s": sum(1 for x in late if x <= 0.5),
                         "latency_median_s": round(statistics.median(late), 3) if late else None,
                         "latency_max_s": round(max(late), 3) if late else None, "false_stops": false_hits})
        counted_words, false_counting = 0, 0
        for coach in COACH_VOICES:
            seed += 1
            clip, _, spans = stream(coach, None, 0.0, noise, seed)
            hits, _ = spot(clip, spans, args)
            counted_words += 10
            false_counting += len(hits)
        rows.append({"noise": noise, "stop": "none (counting only)", "trials": len(COACH_VOICES), "detected": None,
                     "within_0_5_s": None, "latency_median_s": None, "latency_max_s": None,
                     "false_stops": false_counting, "counted_words": counted_words})
    print(f"{'noise':<14}{'stop said':<22}{'detected':>10}{'<=0.5 s':>9}{'median s':>10}{'max s':>7}{'false':>7}")
    for r in rows:
        det = "-" if r["detected"] is None else f"{r['detected']}/{r['trials']}"
        within = "-" if r["within_0_5_s"] is None else str(r["within_0_5_s"])
        med = "-" if r["latency_median_s"] is None else f"{r['latency_median_s']:.2f}"
        mx = "-" if r["latency_max_s"] is None else f"{r['latency_max_s']:.2f}"
        false = f"{r['false_stops']}" + (f"/{r['counted_words']} words" if "counted_words" in r else "")
        print(f"{r['noise']:<14}{r['stop']:<22}{det:>10}{within:>9}{med:>10}{mx:>7}{false:>7}")
    print(f"spotter CPU: {statistics.mean(cpu):.3f} s per s of audio")
    if OPINION_MS:
        print(f"second opinion: {len(OPINION_MS)} asked, median {statistics.median(OPINION_MS):.0f} ms, "
              f"max {max(OPINION_MS):.0f} ms (the coach waits that long before acting)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    settings = vars(args) | {"out": str(args.out)}
    body = {"benchmark": "bargein", "settings": settings, "rows": rows, "cpu_per_audio_second": statistics.mean(cpu),
            "second_opinion_ms": [round(x, 1) for x in OPINION_MS]}
    args.out.write_text(json.dumps(body, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
