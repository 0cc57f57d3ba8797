"""Mono 16-bit PCM audio as a value: WAV in and out, resampling, levels. numpy only, no devices."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True, eq=False)
class Clip:
    """A piece of mono 16-bit audio."""

    samples: Samples
    rate: int
    """Samples per second."""

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.rate

    def to_bytes(self) -> bytes:
        """Little-endian 16-bit PCM."""
        return self.samples.astype("<i2").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, rate: int) -> Clip:
        """From little-endian 16-bit PCM."""
        return cls(np.frombuffer(data, dtype="<i2").astype(np.int16), rate)

    @classmethod
    def silence(cls, seconds: float, rate: int) -> Clip:
        """Digital silence."""
        return cls(np.zeros(round(seconds * rate), dtype=np.int16), rate)

    def resampled(self, rate: int) -> Clip:
        """The same sound at another sample rate (linear interpolation after a low-pass when shrinking)."""
        if rate == self.rate or len(self.samples) == 0:
            return Clip(self.samples, rate)
        x = self.samples.astype(np.float64)
        if rate < self.rate:
            x = _low_pass(x, cutoff=0.45 * rate / self.rate)
        n_out = round(len(x) * rate / self.rate)
        positions = np.arange(n_out) * (self.rate / rate)
        y = np.interp(positions, np.arange(len(x)), x)
        return Clip(_to_int16(y), rate)

    def scaled(self, gain: float) -> Clip:
        """Louder or quieter by a linear gain, clipped to 16 bits."""
        return Clip(_to_int16(self.samples.astype(np.float64) * gain), self.rate)

    def trimmed(self, threshold: int = 200) -> Clip:
        """Without the leading and trailing stretch below ``threshold`` (absolute sample value)."""
        loud = np.flatnonzero(np.abs(self.samples.astype(np.int32)) > threshold)
        if len(loud) == 0:
            return Clip(self.samples[:0], self.rate)
        return Clip(self.samples[loud[0] : loud[-1] + 1], self.rate)

    def then(self, other: Clip) -> Clip:
        """This clip followed by ``other`` (same rate)."""
        if other.rate != self.rate:
            other = other.resampled(self.rate)
        return Clip(np.concatenate([self.samples, other.samples]), self.rate)


def rms(samples: Samples) -> float:
    """Root mean square level of the samples (0 for none)."""
    if len(samples) == 0:
        return 0.0
    x = samples.astype(np.float64)
    return float(np.sqrt(np.mean(x * x)))


def dbfs(samples: Samples) -> float:
    """Level relative to full scale, in dB (-120 for silence)."""
    return to_dbfs(rms(samples))


def to_dbfs(level: float) -> float:
    """An RMS level (of 32768) in dB relative to full scale (-120 for silence)."""
    return -120.0 if level <= 0 else float(20 * np.log10(level / 32768.0))


def read_wav(source: Path | bytes) -> Clip:
    """A mono or stereo 16-bit WAV file (or its bytes) as a mono clip."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    with stream, wave.open(stream, "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError("only 16-bit WAV files are supported")
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        channels = wav.getnchannels()
        if channels > 1:
            data = data.reshape(-1, channels).mean(axis=1)
        return Clip(data.astype(np.int16), wav.getframerate())


def wav_bytes(clip: Clip) -> bytes:
    """The clip as the bytes of a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(clip.rate)
        wav.writeframes(clip.to_bytes())
    return buffer.getvalue()


def write_wav(path: Path, clip: Clip) -> None:
    """Write the clip as a WAV file (atomically: a temporary name, then a rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(wav_bytes(clip))
    tmp.replace(path)


def _low_pass(x: npt.NDArray[np.float64], cutoff: float, taps: int = 63) -> npt.NDArray[np.float64]:
    """A windowed-sinc FIR low-pass; ``cutoff`` is a fraction of the input sample rate."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    return np.convolve(x, kernel, mode="same")


def _to_int16(x: npt.NDArray[np.float64]) -> Samples:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)
