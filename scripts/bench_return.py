#!/usr/bin/env python3
"""How long from launch to the first exercise: a first session against a quick return (issue 14 part 0).

Runs the installed ``voicecoach`` console script twice on one fresh data folder, in text mode with
piped answers: a first session (every question: a full triage to the SI joint plan), then a second
session the same day (the quick return: the check-in R0, the pain score, the plan). For each it reports:

* ``text_s``: measured wall time from launching the process to the ``exercise_started`` event (read from
  the transcript as it is written). Answers come from a pipe, so this is the machine's own time.
* ``speech_s``: the time the coach's words before the first exercise take when spoken: every line it
  says is synthesised with espeak-ng at the coach's default rate (150 words a minute, the engine
  pyttsx3 drives in voice mode) and the audio's length is summed. This is real speech audio, not a
  guess, but it is not played through the voice rig: there is no microphone here.
* ``answers_s``: an allowance of ``--reply-seconds`` per answer (default 2.0 s: about 1 s to react,
  0.45 s to say "no", 0.35 s of silence for the segmenter to close the utterance, ~0.1 s to decode;
  docs/voice-lab/FINDINGS.md). An estimate, stated as one.
* ``voice_estimate_s`` = speech_s + answers_s: what the session would take by voice.

    .venv/bin/python scripts/bench_return.py
    .venv/bin/python scripts/bench_return.py --reply-seconds 3

Prints a table and writes JSON (default: bench-results/return.json). Figures taken while other
processes load the machine overstate text_s; speech_s does not depend on load.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.history_helpers import QUICK, SI_JOINT  # noqa: E402  (the scripted answers the tests use)
from voicecoach.settings import DEFAULT_RATE_WPM  # noqa: E402
from voicecoach.voice.espeak import espeak  # noqa: E402

RATE_WPM = DEFAULT_RATE_WPM


def run(data_dir: Path, script: str, transcript: Path) -> tuple[float, list[dict[str, object]]]:
    """One session; returns the wall seconds from launch to the first exercise, and the events."""
    command = Path(sys.executable).parent / "voicecoach"
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(command), "--text", "--time-scale", "0", "--data-dir", str(data_dir), "--transcript", str(transcript)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write(script)
    proc.stdin.close()
    first_exercise = None
    while first_exercise is None and proc.poll() is None:
        if transcript.exists() and '"exercise_started"' in transcript.read_text():
            first_exercise = time.monotonic() - started
        else:
            time.sleep(0.005)
    proc.wait(timeout=60)
    if first_exercise is None:
        first_exercise = time.monotonic() - started
    events = [json.loads(line) for line in transcript.read_text().splitlines()]
    return first_exercise, events


def before_first_exercise(events: list[dict[str, object]]) -> list[dict[str, object]]:
    index = next(i for i, e in enumerate(events) if e["type"] == "exercise_started")
    return events[:index]


def measure(name: str, text_s: float, events: list[dict[str, object]], reply_seconds: float) -> dict[str, object]:
    """One row: questions, lines said, speech seconds (espeak-ng audio), the answer allowance."""
    early = before_first_exercise(events)
    said = [str(e["text"]) for e in early if e["type"] == "said"]
    speech = sum(espeak(text, rate=RATE_WPM).seconds for text in said)
    answered = [e for e in early if e["type"] == "answered"]
    return {
        "session": name,
        "questions": len(answered),
        "lines_said": len(said),
        "words_said": sum(len(text.split()) for text in said),
        "text_s": round(text_s, 3),
        "speech_s": round(speech, 1),
        "answers_s": round(reply_seconds * len(answered), 1),
        "voice_estimate_s": round(speech + reply_seconds * len(answered), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reply-seconds", type=float, default=2.0, help="allowance per spoken answer")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "return.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="voicecoach-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        first_s, first = run(data_dir, f"{SI_JOINT}3\n3\n", Path(tmp) / "first.jsonl")
        again_s, again = run(data_dir, f"{QUICK}3\n3\n", Path(tmp) / "again.jsonl")
    asked = [e["id"] for e in before_first_exercise(again) if e["type"] == "asked"]
    assert "R0" in asked and "R1" not in asked, f"the second session was not a quick return: {asked}"
    rows = [measure("first (full triage)", first_s, first, args.reply_seconds),
            measure("returning (quick return)", again_s, again, args.reply_seconds)]
    header = ("session", "questions", "lines_said", "words_said", "text_s", "speech_s", "answers_s", "voice_estimate_s")
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[h]) for h in header))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "return", "rate_wpm": RATE_WPM, "reply_seconds": args.reply_seconds,
                                    "rows": rows}, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
