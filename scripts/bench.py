#!/usr/bin/env python3
"""The voice benchmark, as the person hears it: the real `voicecoach` process on a private PulseAudio
room (tests/pulse.py; the coach's output echoed into the room at -12 dB), a simulated person speaking
real people's recordings (tests/real_voices.py: stop, yes, no, number words), and the speaker's
output recorded (parec on speaker.monitor) and the room recorded (room.monitor).

    .venv/bin/python scripts/bench.py                 # all of it (~15 min), then the recogniser (--quick)
    .venv/bin/python scripts/bench.py --stops 6 --no-recogniser     # a shorter pass
    .venv/bin/python scripts/bench_readme.py          # README's performance section from the JSON

Measured (figure against goal, issue 12): count onsets against their schedule over a whole 3-set
exercise, alone and with a second process burning a core; "stop" said at random moments (in a gap,
over a count, over a sentence): caught or not, end of the word to silence at the speaker and to the
first sound of the reply, and whether a count started after the word; the end of each spoken answer
to the first sound of the coach's reply; launch to the first spoken word; CPU share while listening
idle and while counting; resident memory; false stops over the whole sessions. Prints one table,
writes bench-results/bench.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_analysis import (  # noqa: E402
    answer_replies,
    count_errors,
    cpu_share,
    locate_words,
    stop_trial,
    stop_trials,
    to_monotonic,
)
from tests.pulse import WARM_UP, start_pulse  # noqa: E402
from tests.real_voices import RealVoices, corpus_dir  # noqa: E402
from tests.recorder import MonitorRecorder  # noqa: E402
from tests.simulated_user import SimulatedUser  # noqa: E402

SCRIPT = Path(sys.executable).parent / "voicecoach"
ECHO_DB = -12
EXERCISE = "E2"
ANSWERS = {"PAIN_BEFORE": "three", "WORSE": "no", "CARRY_ON": "no", "PAIN_AFTER": "two"}
RESUME = {"Paused": "resume", "Still paused": "resume"}
"""An answer heard as "wait" or "pause" pauses the coach: the person then says resume."""
STOPS_PER_RUN = 5
"""Stops said in one run of the coach (each followed by "not worse" and "carry on")."""
RUN_TIMEOUT = 300.0
IDLE_WAIT = 6.0
"""Seconds the person waits before answering the first pain question: the coach listens, idle."""


@dataclass
class Run:
    """One run of the coach: what was recorded and seen."""

    events: list[dict[str, Any]]
    user: SimulatedUser
    speaker: Any
    speaker_t0: float
    room: Any
    room_t0: float
    launched: float
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    """(monotonic time, CPU seconds used so far, resident KiB) every 0.1 s."""
    exit_code: int = 0
    stderr: str = ""


def run_coach(server: str, workdir: Path, args: list[str], bank: RealVoices, *, commands: dict[Any, Any] | None = None,
              delays: dict[str, float] | None = None, busy: bool = False, answers: dict[str, str] | None = None
              ) -> Run:
    """Run the coach once by voice with the simulated person; record the speaker and the room."""
    workdir.mkdir(parents=True)
    transcript = workdir / "transcript.jsonl"
    user = SimulatedUser(transcript, {**ANSWERS, **(answers or {})}, workdir, bank=bank, commands=commands or {},
                         delays=delays or {}, default="yes", after_said=dict(RESUME))
    speaker, room = MonitorRecorder("speaker.monitor", 22050), MonitorRecorder("room.monitor", 16000)
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    time.sleep(0.5)
    env = {**os.environ, "PULSE_SERVER": server, "VOICECOACH_DATA_DIR": str(workdir / "data")}
    user.start()
    launched = time.monotonic()
    errors = (workdir / "stderr.txt").open("w")  # a file, not a pipe: a full pipe would stall the coach
    proc = subprocess.Popen([str(SCRIPT), *args, "--transcript", str(transcript), "--no-display", "--no-history"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, text=True, env=env)
    user.launched = launched
    samples = []
    tick = os.sysconf("SC_CLK_TCK")
    deadline = launched + RUN_TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            rss = int(Path(f"/proc/{proc.pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            samples.append((time.monotonic(), (int(stat[11]) + int(stat[12])) / tick, rss))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    errors.close()
    err = (workdir / "stderr.txt").read_text(errors="replace")
    time.sleep(0.3)
    user.stop()
    if burner is not None:
        burner.kill()
        burner.wait()
    speaker_clip, speaker_t0 = speaker.stop()
    room_clip, room_t0 = room.stop()
    events = [json.loads(line) for line in transcript.read_text().splitlines()] if transcript.exists() else []
    return Run(events, user, speaker_clip, speaker_t0, room_clip, room_t0, launched, samples, proc.returncode, err)


def false_stops(run: Run) -> int:
    """Stops the coach acted on that the person never said."""
    said = sum(1 for _, _, words in run.user.spoken if words in ("stop", "pause", "ouch"))
    acted = sum(1 for e in run.events if e["type"] == "command" and e["name"] in ("stop", "pause"))
    return max(0, acted - said)


def exercise_run(server: str, folder: Path, bank: RealVoices, args: argparse.Namespace, *,
                 busy: bool) -> dict[str, Any]:
    """A whole exercise of three sets: count timing, idle and counting CPU, memory, launch, replies."""
    name = "busy" if busy else "quiet"
    run = run_coach(server, folder / f"exercise-{name}", ["exercise", EXERCISE, "--sets", "3", "--reps",
                    str(args.reps), "--hold", str(args.hold)], bank, delays={"PAIN_BEFORE": IDLE_WAIT}, busy=busy)
    offset = run.user.session_to_monotonic()
    errors, missing = count_errors(run, offset)
    listening = next((to_monotonic(e, offset) for e in run.events
                      if e["type"] == "listening"), None)
    counts = [to_monotonic(e, offset) for e in run.events if e["type"] == "count"]
    words = locate_words(run)
    first_word = _first_onset_after(run, run.launched)
    return {
        "busy_neighbour": busy, "exit_code": run.exit_code, "counts": len(counts),
        "count_error_ms": [round(1000 * e, 1) for e in errors], "counts_not_found": missing,
        "launch_to_first_word_s": None if first_word is None else round(first_word - run.launched, 3),
        "cpu_idle_listening": cpu_share(run.samples, listening + 1.0, listening + IDLE_WAIT - 0.5)
        if listening is not None else None,
        "cpu_counting": cpu_share(run.samples, counts[0], counts[-1]) if len(counts) > 1 else None,
        "rss_max_mib": round(max((s[2] for s in run.samples), default=0) / 1024, 1),
        "answer_to_reply_s": answer_replies(run, words),
        "false_stops": false_stops(run),
        "counts_held_back": run.stderr.count("past the deadline for the person's word"),  # VOICECOACH_DEBUG=1
        "stderr_tail": run.stderr[-500:] if run.exit_code not in (0,) else "",
    }


def _first_onset_after(run: Run, t: float) -> float | None:
    from tests.onsets import onsets  # noqa: PLC0415

    found = [run.speaker_t0 + x for x in onsets(run.speaker)]
    return next((x for x in found if x >= t), None)


def stop_runs(server: str, folder: Path, bank: RealVoices, args: argparse.Namespace) -> list[dict[str, Any]]:
    """"stop" at random moments of a hold (in a gap, over a count), several in a run: each is followed by
    "not worse" and "carry on", and the hold goes on; then "stop" over a sentence, one run each."""
    rng = random.Random(args.seed)
    rows: list[dict[str, Any]] = []
    runs = -(-args.stops // STOPS_PER_RUN)
    for i in range(runs):
        stops = min(STOPS_PER_RUN, args.stops - i * STOPS_PER_RUN)
        hold = 2 * stops + 2
        commands: dict[Any, Any] = {}
        placed = {}
        for k in range(stops):
            where = ("gap", "over count")[(i * STOPS_PER_RUN + k) % 2]
            n = 2 + 2 * k  # two counts apart: the hold goes on from where it was after "carry on"
            after = rng.uniform(0.55, 0.75) if where == "gap" else rng.uniform(0.9, 1.15)  # over the next onset
            commands[(EXERCISE, 1, n)] = ("stop", after)
            placed[n] = (where, after)
        run = run_coach(server, folder / f"stops-{i}", ["exercise", EXERCISE, "--sets", "1", "--reps", "1", "--hold",
                        str(hold)], bank, commands=commands, answers={"CARRY_ON": "yes"})
        for row in stop_trials(run, locate_words(run)):
            n = int(row["label"].split(",")[-1].strip(" )"))  # "count ('E2', 1, 4)"
            where, after = placed[n]
            row.update({"where": where, "after_count": n, "offset_s": round(after, 3), "run": i,
                        "exit_code": run.exit_code, "false_stops_in_run": false_stops(run)})
            rows.append(row)
            print(f"  stop {len(rows)}/{args.stops}: {row}", flush=True)
    for i in range(args.sentence_stops):
        after = rng.uniform(0.3, 0.9)  # over the release cue and "And lower.", a rest to follow
        run = run_coach(server, folder / f"stop-sentence-{i}", ["exercise", EXERCISE, "--sets", "1", "--reps", "2",
                        "--hold", "8"], bank, commands={(EXERCISE, 1, 8): ("stop", after)})
        row = stop_trial(run, locate_words(run))
        row.update({"where": "sentence", "after_count": 8, "offset_s": round(after, 3), "exit_code": run.exit_code})
        rows.append(row)
        print(f"  stop over a sentence {i + 1}/{args.sentence_stops}: {row}", flush=True)
    return rows


def lower_bound(caught: int, trials: int, confidence: float = 0.95) -> float | None:
    """The one-sided Clopper-Pearson lower bound of the share caught: at least this, with ``confidence``."""
    if trials == 0:
        return None
    if caught == 0:
        return 0.0
    lo, hi = 0.0, 1.0
    for _ in range(60):  # the p at which P(X >= caught | trials, p) = 1 - confidence
        p = (lo + hi) / 2
        tail = sum(math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(caught, trials + 1))
        lo, hi = (p, hi) if tail < 1 - confidence else (lo, p)
    return lo


def recogniser_bench(args: argparse.Namespace) -> dict[str, Any] | None:
    """scripts/bench_recogniser.py (--quick unless --full-recogniser), when it is there."""
    script = ROOT / "scripts" / "bench_recogniser.py"
    if args.no_recogniser or not script.exists():
        return None
    out = ROOT / "bench-results" / "recogniser.json"
    cmd = [sys.executable, str(script), "--out", str(out)] + ([] if args.full_recogniser else ["--quick"])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return {"command": " ".join(str(Path(c).relative_to(ROOT)) if c.startswith(str(ROOT)) else c for c in cmd[1:]),
            "exit_code": done.returncode, "json": str(out.relative_to(ROOT)),
            "table": done.stdout[-3000:]}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def summary(quiet: dict[str, Any] | None, busy: dict[str, Any] | None,
            stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table: each figure, its goal, and whether it was met."""
    rows: list[dict[str, Any]] = []

    def add(figure: str, measured: Any, goal: str, met: bool | None) -> None:
        rows.append({"figure": figure, "measured": measured, "goal": goal, "met": met})

    for run in (quiet, busy):
        if run is None:
            continue
        errs = [abs(e) for e in run["count_error_ms"]]
        label = "with a busy neighbour" if run["busy_neighbour"] else "alone"
        worst = max(errs) if errs else None
        add(f"count onset vs schedule, {label} (worst of {len(errs)}, ms)", worst, "<= 50",
            worst is not None and worst <= 50 and not run["counts_not_found"])
    if quiet is None:
        quiet = {"launch_to_first_word_s": None, "cpu_idle_listening": None, "cpu_counting": None,
                 "rss_max_mib": None, "answer_to_reply_s": [], "false_stops": 0}
    add("launch -> first spoken word (s)", quiet["launch_to_first_word_s"], "<= 1.5",
        quiet["launch_to_first_word_s"] is not None and quiet["launch_to_first_word_s"] <= 1.5)
    idle = quiet["cpu_idle_listening"]
    add("CPU listening idle (% of one core)", idle, "<= 10", idle is not None and idle <= 10)
    add("CPU while counting (% of one core)", quiet["cpu_counting"], "-", None)
    add("resident memory (MiB)", quiet["rss_max_mib"], "-", None)
    replies = [r for run in (quiet, busy) if run for r in run["answer_to_reply_s"]]
    med = _median(replies)
    add(f"end of answer -> first sound of reply, median of {len(replies)} (s)", med, "<= 0.7",
        med is not None and med <= 0.7)
    caught_rows = [r for r in stops if r["where"] in ("gap", "over count")]
    caught = sum(1 for r in caught_rows if r["caught"])
    share = round(100 * caught / len(caught_rows)) if caught_rows else None
    speakers = len({str(r.get("recording")).split("__")[-1].rsplit("_", 1)[0] for r in caught_rows})
    add(f"stop caught in a gap or over a count ({caught}/{len(caught_rows)}, {speakers} speakers, %)", share, ">= 90",
        share is not None and share >= 90)
    bound = lower_bound(caught, len(caught_rows))
    add("stop caught, one-sided 95% lower bound (Clopper-Pearson, %)", None if bound is None else round(100 * bound, 1),
        ">= 90", bound is not None and bound >= 0.9)
    for where in ("gap", "over count"):
        part = [r for r in caught_rows if r["where"] == where]
        add(f"stop caught {'in a gap' if where == 'gap' else 'over a count'}", f"{sum(r['caught'] for r in part)}/"
            f"{len(part)}", "-", None)
    sentence = [r for r in stops if r["where"] == "sentence"]
    add("stop caught over a sentence", f"{sum(r['caught'] for r in sentence)}/{len(sentence)}", "-", None)
    to_reply = [r["word_end_to_reply_s"] for r in caught_rows if r.get("word_end_to_reply_s") is not None]
    add(f"end of stop (gap, count) -> reply at the speaker, median of {len(to_reply)} (s)", _median(to_reply),
        "<= 0.3", bool(to_reply) and statistics.median(to_reply) <= 0.3)
    add("end of stop (gap, count) -> reply at the speaker, worst (s)", max(to_reply, default=None), "<= 0.5",
        bool(to_reply) and max(to_reply) <= 0.5)
    silent = [r["word_end_to_silence_s"] for r in caught_rows if r.get("word_end_to_silence_s") is not None]
    add("end of stop (gap, count) -> silence at the speaker, worst (s)", max(silent, default=None), "-", None)
    late_reply = [r["word_end_to_reply_s"] for r in sentence if r.get("word_end_to_reply_s") is not None]
    add("end of stop (over a sentence) -> reply, worst (s)", max(late_reply, default=None),
        "-", None)
    late = sum(r["counts_after_word"] for r in caught_rows if r["caught"])
    add("counts starting after the end of a caught stop (gap, count)", late, "0", late == 0)
    false = quiet["false_stops"] + (busy["false_stops"] if busy else 0)
    add("false stops over the whole exercises (cues and echo)", false, "0", false == 0)
    runs = {r["run"]: r.get("false_stops_in_run", 0) for r in caught_rows if "run" in r}
    add(f"false stops in the stop trials' {len(runs)} runs", sum(runs.values()), "-", None)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    """The one table."""
    width = max(len(r["figure"]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':>10}  {'goal':>7}  met")
    for r in rows:
        met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"{r['figure']:<{width}}  {r['measured']!s:>10}  {r['goal']:>7}  {met}")


def resummarise(path: Path) -> int:
    """Redo the table of a JSON already written (the figures stay as measured)."""
    body = json.loads(path.read_text())
    body["table"] = summary(body["exercise"]["alone"], body["exercise"]["busy_neighbour"], body["stops"])
    print_table(body["table"])
    path.write_text(json.dumps(body, indent=2) + "\n")
    return 0


def main() -> int:
    """Run everything, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stops", type=int, default=30, help="stop trials in a gap or over a count (5 a run; 30 all "
                        "caught is the fewest that shows >= 90%% with 95%% confidence)")
    parser.add_argument("--sentence-stops", type=int, default=3, help="stop trials over a sentence (one run each)")
    parser.add_argument("--hold", type=int, default=5, help="seconds per hold in the 3-set exercise")
    parser.add_argument("--reps", type=int, default=2, help="holds per set in the 3-set exercise")
    parser.add_argument("--no-busy", action="store_true", help="skip the run with a busy neighbour")
    parser.add_argument("--no-exercise", action="store_true", help="only the stop trials (to try the harness)")
    parser.add_argument("--no-recogniser", action="store_true", help="skip scripts/bench_recogniser.py")
    parser.add_argument("--full-recogniser", action="store_true", help="the recogniser's full grid, not --quick")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--note", default="", help="a note kept with the figures (e.g. 'machine under load')")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "bench.json")
    parser.add_argument("--summarise", action="store_true", help="only redo the table of --out's figures")
    args = parser.parse_args()
    if args.summarise:
        return resummarise(args.out)
    folder_voices = corpus_dir()
    if folder_voices is None:
        print("The real-voices corpus is missing (../shared/corpus/real-voices or $VOICECOACH_REAL_VOICES).")
        return 2
    bank = RealVoices(folder_voices, seed=args.seed)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="voicecoach-bench-") as tmp:
        folder = Path(tmp)
        pulse, server = start_pulse(folder / "pulse")
        os.environ["PULSE_SERVER"] = pulse.server
        try:
            _echo_at(ECHO_DB)
            time.sleep(WARM_UP)
            quiet: dict[str, Any] | None = None
            if not args.no_exercise:
                print("a whole exercise, alone ...", flush=True)
                quiet = exercise_run(pulse.server, folder, bank, args, busy=False)
            busy = None
            if not (args.no_busy or args.no_exercise):
                print("a whole exercise, with a busy neighbour ...", flush=True)
                busy = exercise_run(pulse.server, folder, bank, args, busy=True)
            print("stop at random moments ...", flush=True)
            stops = stop_runs(pulse.server, folder, bank, args)
        finally:
            server.terminate()
            server.wait()
    recogniser = recogniser_bench(args)
    rows = summary(quiet, busy, stops)
    print_table(rows)
    body = {
        "benchmark": "voice end to end (issue 12)", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}: {platform.platform()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in
                                                                                          os.getloadavg()],
        "note": args.note, "echo_db": ECHO_DB, "where": "at the speaker's output (speaker.monitor), real process",
        "table": rows, "exercise": {"alone": quiet, "busy_neighbour": busy}, "stops": stops, "recogniser": recogniser,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(body, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


def _echo_at(db: float) -> None:
    """Turn the loopback (the coach's echo into the room) to ``db``."""
    listed = subprocess.run(["pactl", "list", "short", "sink-inputs"], capture_output=True, text=True, check=True)
    for line in listed.stdout.splitlines():
        if "module-loopback" in line or line.split("\t")[0].isdigit():
            subprocess.run(["pactl", "set-sink-input-volume", line.split("\t")[0], f"{db}dB"], check=True)


if __name__ == "__main__":
    raise SystemExit(main())
