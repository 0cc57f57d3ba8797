#!/usr/bin/env python3
"""Measure, end to end by voice, how soon the coach answers an answer, how soon it first speaks, and its memory.

A private PulseAudio server stands in for the sound card (tests/pulse.py); the real `voicecoach triage`
process asks its questions by voice; a simulated person (tests/simulated_user.py, espeak-ng) answers each.
Answer latency: from the end of the spoken answer (the moment its last sample was handed to the room, plus
the ~13 ms path to the microphone) to the coach's next `said` event (internal: the event is written as the
coach starts the line, before its audio; playback adds its own start-up, see bench_speech.py). First word:
from launching the process to its first `said` event. Memory: the process's resident set (VmRSS) sampled
every 50 ms, its peak (VmHWM) and the median over the last half of the session (settled).

    .venv/bin/python scripts/bench_answer_latency.py --recogniser moonshine    # bench-results/answer_latency.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.pulse import warm_room
from tests.simulated_user import SimulatedUser

SCRIPT = Path(sys.executable).parent / "voicecoach"
ROOM_PATH_SECONDS = 0.013


def _status(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) // 1024 for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def session(recogniser: str, voice: str, workdir: Path, server: str) -> dict[str, object]:
    """One triage by voice; the latencies, the first word and the memory."""
    transcript = workdir / "t.jsonl"
    answers = {"O1": "yes", **{f"R{n}": "no" for n in range(1, 9)}, "P1": "yes", "P2": "yes", "K0": "skip"}
    user = SimulatedUser(transcript, answers, workdir, voice=voice).start()
    env = {**os.environ, "PULSE_SERVER": server, "VOICECOACH_DATA_DIR": str(workdir / "data")}
    launched = time.monotonic()
    proc = subprocess.Popen([str(SCRIPT), "triage", "--recogniser", recogniser, "--transcript", str(transcript),
                             "--no-display", "--no-history"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    samples: list[tuple[float, int]] = []
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            status = _status(proc.pid)
            if status:
                samples.append((time.monotonic(), status["VmRSS"]))
                peak[0] = max(peak[0], status["VmHWM"])
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate(timeout=400)
    sampler.join()
    user.stop()
    offset = user.session_to_monotonic()
    said = sorted(e["t"] + offset for _, e in user.seen if e["type"] == "said")
    latencies = []
    for (start, label, _), duration in zip(user.spoken, user.durations, strict=True):
        end = start + duration + ROOM_PATH_SECONDS
        after = [t for t in said if t > end]
        if after and not label.startswith("count"):
            latencies.append(round(after[0] - end, 3))
    half = [rss for t, rss in samples if t >= (samples[0][0] + samples[-1][0]) / 2] if samples else [0]
    return {"recogniser": recogniser, "voice": voice, "exit_code": proc.returncode, "answers": len(latencies),
            "latencies_s": latencies, "first_word_s": round(said[0] - launched, 3) if said else None,
            "peak_rss_mb": peak[0], "settled_rss_mb": int(statistics.median(half)),
            "stderr": stderr.strip().splitlines()[-3:]}


def main() -> int:
    """Run the sessions, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recogniser", default="moonshine")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench-results/answer_latency.json"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder, warm_room(Path(folder) / "pulse") as pulse:
        os.environ["PULSE_SERVER"] = pulse.server
        for i in range(args.sessions):
            workdir = Path(folder) / f"s{i}"
            workdir.mkdir()
            rows.append(session(args.recogniser, ("en-us+m3", "en+f5", "en-gb-x-rp")[i % 3], workdir, pulse.server))
            print(rows[-1], flush=True)
    latencies = [x for r in rows for x in r["latencies_s"]]  # type: ignore[attr-defined]
    print(f"{'recogniser':<13}{'answers':>8}{'median s':>10}{'p90 s':>8}{'first word s':>14}{'peak MB':>9}"
          f"{'settled MB':>11}")
    for r in rows:
        ls = sorted(r["latencies_s"])  # type: ignore[type-var]
        med = statistics.median(ls) if ls else float("nan")
        p90 = ls[int(0.9 * (len(ls) - 1))] if ls else float("nan")
        print(f"{r['recogniser']:<13}{len(ls):>8}{med:>10.3f}{p90:>8.3f}{r['first_word_s']!s:>14}"
              f"{r['peak_rss_mb']:>9}{r['settled_rss_mb']:>11}")
    if latencies:
        print(f"all sessions: median {statistics.median(latencies):.3f} s over {len(latencies)} answers")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "answer_latency", "rows": rows}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
