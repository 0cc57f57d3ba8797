#!/usr/bin/env python3
"""Measure the coach's voice: synthesis latency (pyttsx3 vs the espeak-ng command line), cache hits,
and how close to its deadline each count of a hold is heard through a real sound server.

    .venv/bin/python scripts/bench_speech.py              # ~20 s; needs pulseaudio for the last part
    .venv/bin/python scripts/bench_speech.py --counts 5

The hold is played by the real PyAudio player into a private PulseAudio null sink ("speaker") and
recorded from its monitor with parec; onsets are found in the recording (tests/onsets.py). Prints a
table and writes JSON (default: bench-results/speech.json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.onsets import nearest, onsets  # noqa: E402
from tests.pulse import WARM_UP, start_pulse  # noqa: E402
from tests.recorder import MonitorRecorder  # noqa: E402
from voicecoach.voice.clips import ClipCache, coach_texts  # noqa: E402
from voicecoach.voice.synthesis import EspeakSynthesiser, Pyttsx3Synthesiser, Synthesiser  # noqa: E402

TEXTS = [*(str(n) for n in range(1, 11)), "and down", "Rest over.", "And lower.",
         "Get into position. We start in 5 seconds.", "Lift your pelvis off the floor... now. Hold."]


def ms(values: list[float]) -> dict[str, float]:
    """Median, 90th percentile and maximum, in milliseconds."""
    ordered = sorted(values)
    return {"median_ms": round(1000 * statistics.median(ordered), 2),
            "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 2),
            "max_ms": round(1000 * ordered[-1], 2), "n": len(ordered)}


def synthesis_latency(synthesiser: Synthesiser, rounds: int) -> dict[str, float]:
    """Seconds per clip, synthesis and tidying included."""
    synthesiser.synthesise("warm up")
    times = []
    for _ in range(rounds):
        for text in TEXTS:
            start = time.perf_counter()
            synthesiser.synthesise(text)
            times.append(time.perf_counter() - start)
    return ms(times)


def cache_latency(folder: Path) -> dict[str, Any]:
    """A memory hit, a disk hit (a fresh cache on a filled folder), and preparing every coach text."""
    texts = coach_texts()
    cache = ClipCache(Pyttsx3Synthesiser(), folder)
    start = time.perf_counter()
    cache.prepare(texts)
    prepare_all = time.perf_counter() - start
    cache.prepare(TEXTS)  # a few sentences with numbers filled in are not among the fixed texts
    memory = []
    for text in TEXTS:
        start = time.perf_counter()
        cache.get(text)
        memory.append(time.perf_counter() - start)
    fresh = ClipCache(Pyttsx3Synthesiser(), folder)
    disk = []
    for text in TEXTS:
        start = time.perf_counter()
        fresh.get(text)
        disk.append(time.perf_counter() - start)
    return {"memory_hit": ms(memory), "disk_hit": ms(disk),
            "prepare_all": {"texts": len(texts), "seconds": round(prepare_all, 3)}}


def hold_through_pulse(counts: int, folder: Path) -> dict[str, Any]:
    """Play counts 1..N one second apart through PulseAudio; the error of each onset against its deadline."""
    from voicecoach.voice.device_sink import DeviceSink  # noqa: PLC0415
    from voicecoach.voice.playback import Player  # noqa: PLC0415
    from voicecoach.voice.speaker import VoiceSpeaker  # noqa: PLC0415

    pulse, process = start_pulse(folder)
    os.environ["PULSE_SERVER"] = pulse.server
    try:
        time.sleep(WARM_UP)
        speaker = VoiceSpeaker(ClipCache(Pyttsx3Synthesiser(), folder / "clips"), Player(DeviceSink()))
        speaker.clips.prepare([str(n) for n in range(1, counts + 1)])
        recorder = MonitorRecorder("speaker.monitor")
        time.sleep(0.5)
        deadlines = [time.monotonic() + 1.0 + n for n in range(counts)]
        handed_early = []
        for n, deadline in enumerate(deadlines, 1):
            time.sleep(max(0.0, deadline - speaker.lead_seconds - time.monotonic()))
            handed_early.append(deadline - time.monotonic())
            speaker.say_at(deadline, str(n))
        speaker.player.wait()
        time.sleep(0.3)
        audio, first_sample_at = recorder.stop()
        latency = speaker.player.latency
        speaker.close()
    finally:
        process.terminate()
        process.wait(5)
    heard = [first_sample_at + t for t in onsets(audio)]
    errors = [nearest(heard, d) - d for d in deadlines]
    return {"counts": counts, "player_latency_ms": round(1000 * latency, 1),
            "lead_ms": round(1000 * statistics.mean(handed_early), 1),
            "errors_ms": [round(1000 * e, 2) for e in errors],
            "mean_ms": round(1000 * statistics.mean(errors), 2),
            "max_abs_ms": round(1000 * max(abs(e) for e in errors), 2),
            "spread_ms": round(1000 * (max(errors) - min(errors)), 2)}


def main() -> None:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--counts", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("bench-results/speech.json"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="voicecoach-bench-"))
    try:
        results: dict[str, Any] = {
            "benchmark": "speech",
            "synthesis": {"pyttsx3": synthesis_latency(Pyttsx3Synthesiser(), args.rounds),
                          "espeak_cli": synthesis_latency(EspeakSynthesiser(), args.rounds)},
            "cache": cache_latency(folder / "cache"),
        }
        if shutil.which("pulseaudio"):
            results["hold_through_pulseaudio"] = hold_through_pulse(args.counts, folder / "pulse")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'measure':<34} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}")
    rows = [("synthesis, pyttsx3", results["synthesis"]["pyttsx3"]),
            ("synthesis, espeak-ng CLI", results["synthesis"]["espeak_cli"]),
            ("cache hit, memory", results["cache"]["memory_hit"]),
            ("cache hit, disk", results["cache"]["disk_hit"])]
    for name, row in rows:
        print(f"{name:<34} {row['median_ms']:>10.2f} {row['p90_ms']:>8.2f} {row['max_ms']:>8.2f}")
    prep = results["cache"]["prepare_all"]
    print(f"prepare all {prep['texts']} coach texts: {prep['seconds']:.2f} s")
    hold = results.get("hold_through_pulseaudio")
    if hold is None:
        print("pulseaudio not installed: count onsets not measured")
    else:
        print(f"{hold['counts']} counts through PulseAudio (player latency {hold['player_latency_ms']} ms, "
              f"handed over {hold['lead_ms']} ms early): onset error mean {hold['mean_ms']} ms, "
              f"max |error| {hold['max_abs_ms']} ms, spread {hold['spread_ms']} ms")
        print("  per count (ms):", " ".join(f"{e:+.1f}" for e in hold["errors_ms"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
