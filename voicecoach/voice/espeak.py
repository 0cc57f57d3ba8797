"""espeak-ng's command line as a synthesiser: text -> clip, any voice, variant, rate and pitch.

The coach's own voice goes through pyttsx3 (see ``synthesis``); this direct path serves the test
corpora and the benchmarks, which need variants and pitches pyttsx3 does not expose, and is the
fallback when pyttsx3 cannot synthesise.
"""

from __future__ import annotations

import shutil
import subprocess

from voicecoach.settings import DEFAULT_RATE_WPM, DEFAULT_VOICE
from voicecoach.voice.pcm import Clip, read_wav


class EspeakMissing(RuntimeError):
    """espeak-ng is not installed."""


def espeak_path() -> str:
    """The espeak-ng executable, or EspeakMissing with what to install."""
    path = shutil.which("espeak-ng")
    if path is None:
        raise EspeakMissing("espeak-ng is not installed (Debian/Ubuntu: sudo apt-get install espeak-ng)")
    return path


def espeak(text: str, voice: str = DEFAULT_VOICE, rate: int = DEFAULT_RATE_WPM, pitch: int = 50,
           amplitude: int = 100) -> Clip:
    """Synthesise ``text`` with the espeak-ng command line (22050 Hz mono).

    ``voice`` may carry a variant (``en-us+f3``, ``en+klatt``); ``rate`` is words per minute.
    """
    command = [espeak_path(), "--stdout", "-v", voice, "-s", str(rate), "-p", str(pitch), "-a", str(amplitude), text]
    result = subprocess.run(command, capture_output=True, check=False, timeout=30)
    if result.returncode != 0 or len(result.stdout) < 44:
        message = result.stderr.decode(errors="replace").strip() or f"exit {result.returncode}"
        raise RuntimeError(f"espeak-ng failed for voice {voice!r}: {message}")
    return read_wav(result.stdout)
