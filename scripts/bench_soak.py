#!/usr/bin/env python3
"""Soak: one long voice session on the private PulseAudio rig, watching for slow failures.

The real `voicecoach` process coaches the full plan's three exercises (knee to chest on both sides,
bridge, back extension) set after set for about ``--minutes``, by voice, with a simulated person
answering the pain questions (tests/simulated_user.py). Meanwhile this script samples the process's
memory (VmRSS) and threads every few seconds from /proc, and records the speaker's monitor; at the
end it finds each count's onset in the recording and compares it with the count's deadline from
the transcript (the first sound of a count is due at its deadline), and reads the history back.

Nothing is time-scaled: counts are real seconds and their clips real speech, so a scaled clock
would squeeze the counts into each other and measure the squeeze, not the coach. (Rests could be
shortened honestly, but the command line has no option for it; they run at their real length.)

    .venv/bin/python scripts/bench_soak.py --minutes 30     # writes bench-results/soak.json
    .venv/bin/python scripts/bench_soak.py --exercises E2 --sets 1 --hogs 1   # counts beside a busy CPU

Figures are measured at the speaker's output (its monitor), through the real process; a shared
or loaded machine distorts them (say so when reporting).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.onsets import onsets  # noqa: E402
from tests.pulse import WARM_UP, start_pulse  # noqa: E402
from tests.recorder import MonitorRecorder  # noqa: E402
from tests.simulated_user import SimulatedUser  # noqa: E402

SCRIPT = Path(sys.executable).parent / "voicecoach"
SECONDS_PER_SET = 350.0
"""About how long one set of all three exercises takes (explanations, holds, rests), measured."""
SAMPLE_EVERY = 5.0
WINDOW = 0.35
"""A count's onset is looked for this close to its deadline."""


def sample(pid: int) -> dict[str, float] | None:
    """The process's resident memory (MiB) and thread count now; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {"rss_mib": int(fields["VmRSS"].split()[0]) / 1024, "threads": int(fields["Threads"])}


def slope_per_10_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of value against time, per 10 minutes."""
    if len(points) < 2:
        return 0.0
    ts, vs = zip(*points, strict=True)
    mt, mv = statistics.fmean(ts), statistics.fmean(vs)
    den = sum((t - mt) ** 2 for t in ts)
    return 0.0 if den == 0 else 600 * sum((t - mt) * (v - mv) for t, v in zip(ts, vs, strict=True)) / den


class StampedRecorder(MonitorRecorder):
    """MonitorRecorder keeping each chunk's arrival, so that a position in a long recording is timed by
    the chunks around it: the sink's sample clock and time.monotonic() differ by ~100 ppm (measured in a
    23-minute soak: 130 ms), so one anchor for the whole recording would show that as a drift."""

    def _read(self) -> None:
        assert self._process.stdout is not None
        self.arrivals: list[tuple[float, int]] = []
        while chunk := self._process.stdout.read1(4096):
            self._chunks.append(chunk)
            self._bytes += len(chunk)
            self.arrivals.append((time.monotonic(), self._bytes // 2))

    def time_of(self, position: float, around: float = 20.0) -> float:
        """The monotonic time of ``position`` seconds into the recording (anchored within ``around`` s)."""
        near = [at - n / self.rate for at, n in self.arrivals if abs(n / self.rate - position) <= around]
        return min(near) + position


def count_errors(events: list[dict[str, Any]], offset: float, recording: Any,
                 recorder: StampedRecorder) -> list[tuple[float, float]]:
    """(session time, onset - deadline in seconds) for each count found in the recording."""
    found = [recorder.time_of(t) for t in onsets(recording)]
    out = []
    for event in events:
        if event["type"] != "count":
            continue
        due = event["scheduled"] + offset  # monotonic
        near = [t for t in found if abs(t - due) <= WINDOW]
        if near:
            out.append((event["scheduled"], min(near, key=lambda t: abs(t - due)) - due))
    return out


def summarise(samples: list[dict[str, float]], errors: list[tuple[float, float]], counts: int, *,
              history: list[dict[str, Any]], summary: dict[str, Any], exit_code: int) -> dict[str, Any]:
    """The figures: growth of memory and threads, drift of the count schedule, the history."""
    warm = [s for s in samples if s["t"] >= 120] or samples
    tenth = max(1, len(warm) // 10)
    rss_first = statistics.median(s["rss_mib"] for s in warm[:tenth])
    rss_last = statistics.median(s["rss_mib"] for s in warm[-tenth:])
    errs = [e for _, e in errors]
    fifth = max(1, len(errors) // 5)
    early = [e for _, e in errors[:fifth]]
    late = [e for _, e in errors[-fifth:]]
    (session,) = history if len(history) == 1 else (None,)
    return {
        "minutes": round(samples[-1]["t"] / 60, 2) if samples else 0,
        "exit_code": exit_code,
        "rss_mib": {"after_warm_up": round(rss_first, 1), "at_end": round(rss_last, 1),
                    "max": round(max(s["rss_mib"] for s in samples), 1),
                    "slope_mib_per_10_min": round(slope_per_10_min([(s["t"], s["rss_mib"]) for s in warm]), 2)},
        "threads": {"min": min(int(s["threads"]) for s in samples), "max": max(int(s["threads"]) for s in samples),
                    "at_end": int(samples[-1]["threads"])},
        "counts": {"said": counts, "found_in_recording": len(errors),
                   "median_ms": round(1000 * statistics.median(errs), 1) if errs else None,
                   "max_abs_ms": round(1000 * max(abs(e) for e in errs), 1) if errs else None,
                   "within_50_ms": sum(abs(e) <= 0.05 for e in errs),
                   "first_fifth_median_ms": round(1000 * statistics.median(early), 1) if early else None,
                   "last_fifth_median_ms": round(1000 * statistics.median(late), 1) if late else None,
                   "drift_ms_per_10_min": round(1000 * slope_per_10_min(errors), 2)},
        "history": {"sessions": len(history), "how": session["how"] if session else None,
                    "exercises": [(e.get("exercise"), e.get("status")) for e in session.get("exercises", [])]
                    if session else None,
                    "summary_exercises": [(e["exercise"], e["status"], e.get("holds_done"), e.get("reps_done"),
                                           e.get("sets_done")) for e in summary.get("exercises", [])]},
    }


def run(minutes: float, workdir: Path, server: str, exercises: list[str], *, sets: int | None = None,
        hogs: int = 0) -> dict[str, Any]:
    """One soak session (with ``hogs`` processes spinning at 100% CPU beside it); returns the figures."""
    spinning = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(hogs)]
    try:
        return _run(minutes, workdir, server, exercises, sets)
    finally:
        for hog in spinning:
            hog.kill()
            hog.wait()


def _run(minutes: float, workdir: Path, server: str, exercises: list[str], sets: int | None) -> dict[str, Any]:
    sets = sets or max(1, round(minutes * 60 / SECONDS_PER_SET))
    transcript = workdir / "transcript.jsonl"
    # Only the pain questions are planned; a "stop" the coach hears anyway (a false stop) is answered
    # "not worse" and "carry on", so the soak goes on, and it is counted.
    answers = {"PAIN_BEFORE": "three", "PAIN_AFTER": "two", "WORSE": "no", "CARRY_ON": "yes", "DEVICE_BACK": "yes"}
    user = SimulatedUser(transcript, answers, workdir).start()
    env = {**os.environ, "PULSE_SERVER": server, "VOICECOACH_DATA_DIR": str(workdir / "data")}
    recorder = StampedRecorder("speaker.monitor")
    began = time.monotonic()
    coach = subprocess.Popen(
        [str(SCRIPT), "exercise", *exercises, "--sets", str(sets), "--transcript", str(transcript),
         "--no-display", "--json"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env)
    samples: list[dict[str, float]] = []

    def watch() -> None:
        while (now := sample(coach.pid)) is not None and coach.poll() is None:
            samples.append({"t": time.monotonic() - began, **now})
            time.sleep(SAMPLE_EVERY)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = coach.communicate(timeout=minutes * 60 * 3 + 600)
    watcher.join(10)
    recording, _ = recorder.stop()
    user.stop()
    events = [json.loads(line) for line in transcript.read_text().splitlines()]
    keep = os.environ.get("SOAK_KEEP_TRANSCRIPT")
    if keep:
        Path(keep).write_text(transcript.read_text())
    errors = count_errors(events, user.session_to_monotonic(), recording, recorder)
    history = json.loads(subprocess.run([str(SCRIPT), "history", "--json"], capture_output=True, text=True,
                                        env=env, check=True).stdout)
    summary = json.loads(out) if out.strip() else {}
    figures = summarise(samples, errors, sum(e["type"] == "count" for e in events), history=history,
                        summary=summary, exit_code=coach.returncode)
    figures["sets"] = sets
    figures["commands_heard"] = [e["name"] for e in events if e["type"] == "command"]
    figures["device_faults"] = [(e["state"], e["devices"]) for e in events if e["type"] == "device"]
    figures["traceback"] = "Traceback" in err
    figures["rss_samples"] = [(round(s["t"]), s["rss_mib"], s["threads"]) for s in samples]
    figures["count_errors_ms"] = [(round(t, 1), round(1000 * e, 1)) for t, e in errors]
    return figures


def main() -> int:
    """Run the soak, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sets", type=int, default=None, help="sets of each exercise (default: from --minutes)")
    parser.add_argument("--exercises", nargs="+", default=["E1", "E2", "E3"])
    parser.add_argument("--hogs", type=int, default=0, help="processes spinning at 100%% CPU beside the coach")
    parser.add_argument("--out", type=Path, default=Path("bench-results/soak.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pulse, server = start_pulse(Path(folder) / "pulse")
        os.environ["PULSE_SERVER"] = pulse.server
        time.sleep(WARM_UP)
        try:
            figures = run(args.minutes, Path(folder), pulse.server, args.exercises, sets=args.sets, hogs=args.hogs)
            figures["hogs"] = args.hogs
        finally:
            server.terminate()
            server.wait()
    rss, threads, counts, history = figures["rss_mib"], figures["threads"], figures["counts"], figures["history"]
    print(f"soak: {figures['minutes']} min, {figures['sets']} sets of {' '.join(args.exercises)}, "
          f"{args.hogs} process(es) at 100% CPU beside it, "
          f"exit code {figures['exit_code']}, traceback {'YES' if figures['traceback'] else 'no'}")
    print(f"{'figure':<34}{'value':>14}")
    rows = [
        ("RSS after warm-up (MiB)", rss["after_warm_up"]), ("RSS at end (MiB)", rss["at_end"]),
        ("RSS max (MiB)", rss["max"]), ("RSS slope (MiB / 10 min)", rss["slope_mib_per_10_min"]),
        ("threads min / max / end", f"{threads['min']}/{threads['max']}/{threads['at_end']}"),
        ("counts said / found", f"{counts['said']}/{counts['found_in_recording']}"),
        ("count onset median (ms)", counts["median_ms"]), ("count onset max |err| (ms)", counts["max_abs_ms"]),
        ("counts within +-50 ms", f"{counts['within_50_ms']}/{counts['found_in_recording']}"),
        ("first fifth median (ms)", counts["first_fifth_median_ms"]),
        ("last fifth median (ms)", counts["last_fifth_median_ms"]),
        ("drift (ms / 10 min)", counts["drift_ms_per_10_min"]),
        ("history sessions / how", f"{history['sessions']}/{history['how']}"),
        ("commands heard (none said)", len(figures["commands_heard"])),
        ("device faults", len(figures["device_faults"])),
    ]
    for name, value in rows:
        print(f"{name:<34}{value!s:>14}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "soak", **figures}, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
