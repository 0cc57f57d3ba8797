#!/usr/bin/env python3
"""Choose the Moonshine decision thresholds on the tuning half of the real-voices speakers.

    .venv/bin/python scripts/calibrate_moonshine.py --corpus ../shared/corpus/real-voices \
        --noise ../shared/corpus/real-voices/noise__sc_bg-running-tap_1.wav     # hear, then search
    .venv/bin/python scripts/calibrate_moonshine.py                              # search the saved hearings

Each tuning-half clip is heard once clean, once as an 8 kHz recording cut at the word (three of the corpus's
six 8 kHz speakers are in the tuning half: this makes 8 kHz versions of the others), and with --noise at
10 dB; then every threshold combination of the grid is scored against the safety rules first (no wrong
answer accepted with confidence; non-answers accepted at most 2%, with confidence at most 1%: the
acceptance bounds of the real-voices issue), also when every threshold is made a little more permissive (a
buffer); among those that keep them, the one with the most right answers wins (sure answers count double,
wrong ones -3). The buffer is the smallest of BUFFERS whose choices keep the safety rules on speakers they
were not chosen on (choose_buffer: two folds of the tuning speakers, each searched on one and checked on the
other). Zero non-answers with confidence cannot be asked of the tuning half: with running-tap noise
at 10 dB, a few 8 kHz digits ("four", "two", "nine") are heard as "No.", "Yeah." or "Yes. Yes." with
margins of 2.6-5.5 nats, above any sure_margin that leaves real answers sure. The
held-out half is never read here.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench_recogniser import CONTEXTS, label_of, want_in
from scripts.calibration_split import FSDD, fsdd_rank, in_split, speaker_hash, speakers_of
from tests.real_voices import speech_span
from tests.speech import with_noise
from voicecoach.dialogue.understanding import understand
from voicecoach.voice.moonshine_scoring import Tuning, judge
from voicecoach.voice.moonshine_scoring import label as meaning_label
from voicecoach.voice.pcm import Clip, read_wav

GRID = {
    "sure_margin": [2.0],  # kept by hand (see data/moonshine_tuning.toml): only sure answers turn confirmed
    "agree_margin": [0.0, 0.5, 1.0],
    "confirm_margin": [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0],
    "confirm_gap": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0],
    "decoy_slack": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
}
SURE = 0.6
BUFFERS = (0.0, 0.5, 1.0)
"""Nats of buffer on every threshold (see loosened) tried by choose_buffer, smallest first."""


def telephone_cut(clip: Clip) -> Clip:
    """The clip as an 8 kHz recording trimmed to the word (how the FSDD speakers were recorded): band-limited
    to 4 kHz and cut 25 ms outside the word."""
    start, end = speech_span(clip, 25.0)
    first, last = max(0, round(start * clip.rate) - 400), min(len(clip.samples), round(end * clip.rate) + 400)
    return Clip(clip.samples[first:last].copy(), clip.rate).resampled(8000).resampled(clip.rate)


def hear_all(corpus: Path, noise: Path | None, out: Path) -> None:
    """Write one JSON line per tuning clip and condition: the transcript and the scores."""
    from voicecoach.voice.moonshine import MoonshineRecogniser  # noqa: PLC0415
    from voicecoach.voice.moonshine_decoding import HORIZON  # noqa: PLC0415
    from voicecoach.voice.moonshine_guards import audio_problem  # noqa: PLC0415

    rec = MoonshineRecogniser(horizon=HORIZON)  # the grid's thresholds go beyond the shipped ones
    speakers = speakers_of(corpus)
    noise_samples = None if noise is None else read_wav(noise).resampled(16000).samples
    with out.open("w", encoding="utf-8") as f:
        for i, path in enumerate(sorted(corpus.glob("*.wav"))):
            lab = label_of(path)
            if lab is None or not in_split(speakers.get(path.name, path.name), "tune"):
                continue
            clean = read_wav(path).resampled(16000)
            versions = [("clean", clean), ("8kHz-cut", telephone_cut(clean))]
            if noise_samples is not None:
                versions.append(("10dB", with_noise(clean, noise_samples, 10, seed=i)))
            for condition, clip in versions:
                problem = audio_problem(clip, rec.limits)
                h = None if problem else rec.hear(clip, *(e for e, _ in CONTEXTS.values()))
                row: dict[str, Any] = {"file": path.name, "label": lab, "condition": condition, "audio": problem}
                if h is not None:
                    row |= {"text": h.transcript.text, "lp": h.transcript.logprob, "ended": h.transcript.ended,
                            "trusted": h.problem is None, "scores": h.scores}
                f.write(json.dumps(row) + "\n")


def evaluate(rows: list[dict[str, Any]], tuning: Tuning, only: str | None = None) -> dict[str, dict[str, int]]:
    """Counts per context (or for context ``only``) for one threshold setting."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        for context, (expect, _) in CONTEXTS.items():
            if only is not None and context != only:
                continue
            kind, want = want_in(row["label"], context)
            if kind == "skip":
                continue
            c = out.setdefault(context, dict.fromkeys(("n", "right", "right_sure", "wrong", "wrong_sure", "oov",
                                                       "oov_acc", "oov_sure"), 0))
            if row["audio"]:
                got, sure = None, False
            else:
                trusted = row.get("trusted", row.get("problem") is None)
                v = judge(row["text"], row["lp"], ended=row["ended"], trusted=trusted, scores=row["scores"],
                          expect=expect, settings=tuning)
                got = None if v.rejected else meaning_label(understand(v.text, expect))
                sure = got is not None and v.confidence >= SURE
            if kind == "oov":
                c["oov"] += 1
                c["oov_acc"] += got is not None
                c["oov_sure"] += sure
            else:
                c["n"] += 1
                c["right"] += got == want
                c["right_sure"] += sure and got == want
                c["wrong"] += got is not None and got != want
                c["wrong_sure"] += sure and got != want
    return out


def acceptable(counts: dict[str, dict[str, int]]) -> bool:
    """The safety rules: no sure wrong answer; non-answers accepted at most 2%, sure at most 1%."""
    return all(c["wrong_sure"] == 0 and c["oov_sure"] <= 0.01 * c["oov"] and c["oov_acc"] <= 0.02 * c["oov"]
               for c in counts.values())


def loosened(t: Tuning, buffer: float) -> Tuning:
    """The same setting ``buffer`` nats more permissive: the safety rules must hold here too (so that the
    choice does not sit on the edge of the few tuning clips)."""
    return Tuning(sure_margin=t.sure_margin - buffer, agree_margin=max(0.0, t.agree_margin - buffer / 2),
                  confirm_margin=t.confirm_margin - buffer, confirm_gap=t.confirm_gap + buffer,
                  decoy_slack=t.decoy_slack + buffer if t.decoy_slack > 0 else 0.0)


def worth(counts: dict[str, dict[str, int]]) -> float:
    """Right answers (sure ones count double), minus wrong ones."""
    return sum(c["right"] + c["right_sure"] - 3 * c["wrong"] for c in counts.values())


def main() -> None:
    """Hear the tuning half (unless --hearings), then search the grid and print the best settings."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--noise", type=Path, default=None)
    parser.add_argument("--buffer", type=float, default=None,
                        help="nats of buffer on every threshold (default: chosen by choose_buffer)")
    parser.add_argument("--speakers", type=Path, default=None,
                        help="the corpus whose manifest names the speakers, for choose_buffer's folds (default: "
                             "--corpus, else ../shared/corpus/real-voices beside the repository)")
    parser.add_argument("--hearings", type=Path, nargs="+", default=[Path("bench-results/moonshine-hearings.jsonl")])
    args = parser.parse_args()
    if args.corpus is not None:
        args.hearings[0].parent.mkdir(parents=True, exist_ok=True)
        hear_all(args.corpus, args.noise, args.hearings[0])
    rows = [json.loads(line) for path in args.hearings for line in path.read_text(encoding="utf-8").splitlines()]
    print(f"{len(rows)} hearings")
    corpus = args.speakers or args.corpus or Path(__file__).resolve().parents[2] / "shared/corpus/real-voices"
    buffer = args.buffer if args.buffer is not None else choose_buffer(rows, speakers_of(corpus))
    print(f"buffer: {buffer} nats")
    for context in CONTEXTS:  # each context has its own thresholds ([decision.CONTEXT] in the tuning file)
        found = search(rows, context, buffer)
        if found is None:
            print(f"  {context:9} no setting of the grid keeps the safety rules")
            continue
        print(f"  {context:9} {found[0]}\n            {found[1][context]}")


def search(rows: list[dict[str, Any]], context: str,
           buffer: float) -> tuple[Tuning, dict[str, dict[str, int]]] | None:
    """The grid's best setting for one context that keeps the safety rules, also loosened by ``buffer``."""
    best: tuple[float, Tuning, dict[str, dict[str, int]]] | None = None
    for values in itertools.product(*GRID.values()):
        tuning = Tuning(**dict(zip(GRID, values, strict=True)))
        if tuning.agree_margin > tuning.sure_margin:
            continue
        counts = evaluate(rows, tuning, context)
        if not acceptable(counts) or (best is not None and worth(counts) <= best[0]):
            continue
        if acceptable(evaluate(rows, loosened(tuning, buffer), context)):
            best = (worth(counts), tuning, counts)
    return None if best is None else (best[1], best[2])


def fold_of(row: dict[str, Any], speakers: dict[str, str]) -> int:
    """Which of two folds of the tuning half a hearing's speaker is in (the second byte of the hash of the
    speaker's id; the 8 kHz speakers alternate, as in calibration_split)."""
    speaker = speakers.get(row["file"], row["file"])
    if speaker in FSDD:  # the tuning ones hold the even places: 0, 2, 4 -> folds 0, 1, 0
        return fsdd_rank(speaker) // 2 % 2
    return speaker_hash(speaker)[1] % 2


def choose_buffer(rows: list[dict[str, Any]], speakers: dict[str, str]) -> float:
    """The smallest buffer (BUFFERS) whose choices keep the safety rules on speakers they were not chosen on:
    the tuning half is split in two folds of speakers, each context is searched on one fold and checked on
    the other, both ways round. The largest buffer when none does."""
    folds = [[r for r in rows if fold_of(r, speakers) == k] for k in (0, 1)]
    for buffer in BUFFERS:
        kept = True
        for context in CONTEXTS:
            for fit, check in ((folds[0], folds[1]), (folds[1], folds[0])):
                found = search(fit, context, buffer)
                counts = evaluate(check, found[0], context) if found else None
                print(f"  buffer {buffer}: {context:9} {found[0] if found else None}\n      other fold: {counts}")
                kept = kept and counts is not None and acceptable(counts)
        if kept:
            return buffer
    return BUFFERS[-1]

if __name__ == "__main__":
    main()
