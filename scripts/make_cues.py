#!/usr/bin/env python3
"""Write the cue sounds (get ready, start, release, rest over, set done) to voicecoach/audio/.

    .venv/bin/python scripts/make_cues.py

The sounds come from voicecoach.voice.cues.synthesise_cues (deterministic); a test checks that the
files shipped in the package are exactly what this script writes.
"""

from __future__ import annotations

from pathlib import Path

from voicecoach.voice.cues import file_name, synthesise_cues
from voicecoach.voice.pcm import write_wav

FOLDER = Path(__file__).resolve().parent.parent / "voicecoach" / "audio"


def main() -> None:
    """Write every cue and print what was written."""
    FOLDER.mkdir(exist_ok=True)
    for sound, clip in synthesise_cues().items():
        path = FOLDER / file_name(sound)
        write_wav(path, clip)
        print(f"{path.relative_to(FOLDER.parent.parent)}  {clip.seconds:.2f} s")


if __name__ == "__main__":
    main()
