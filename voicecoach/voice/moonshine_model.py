"""The Moonshine base-en speech model: its two ONNX Runtime sessions and its tokenizer.

The models come in the ``moonshine-cpp`` wheel (MIT; encoder 21 MB, merged decoder 43 MB, tokenizer) and
are run with the ``onnxruntime`` package: memory arena off, the model bytes used in place, at most two
threads; the decoder unpacked ahead of time when it can be (its int8 weights multiplied as they are:
moonshine_unpack.py).
``VOICECOACH_MOONSHINE_DIR`` points at another folder holding the same three files.

Decoder protocol (measured): the first call has no cache, ``input_ids`` [[1]] and empty pasts; later
calls feed back the decoder key/values but keep the encoder key/values of the first call.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

ENV_DIR = "VOICECOACH_MOONSHINE_DIR"
FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")
START, END = 1, 2
REAL_TOKENS = 32000
"""The decoder's logits have 32768 columns; only the first 32000 are tokens."""
LAYERS, HEADS, HEAD_SIZE = 8, 8, 52
SPACE = "\u2581"

Floats = npt.NDArray[np.float32]


class MoonshineUnavailable(RuntimeError):
    """The Moonshine model or ONNX Runtime is missing or broken; the message says what to do."""


def model_dir() -> Path:
    """Where the model files are: ``$VOICECOACH_MOONSHINE_DIR``, else the moonshine-cpp wheel's base-en."""
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen)
    try:
        import moonshine_cpp  # noqa: PLC0415  (only its folder is used, never its code)
    except ImportError as error:
        raise MoonshineUnavailable(
            f"moonshine-cpp is not installed ({error}); install it with: pip install moonshine-cpp==0.1.4"
        ) from error
    return Path(moonshine_cpp.__file__).parent / "models" / "base-en"


def check_model(folder: Path | None = None) -> Path:
    """Check quickly (nothing loaded or imported) that the model files are there and not empty and that
    ONNX Runtime is installed; returns the folder or raises MoonshineUnavailable with the reason."""
    chosen = folder or model_dir()
    missing = [name for name in FILES if not (chosen / name).is_file()]
    if missing:
        raise MoonshineUnavailable(f"no Moonshine model in {chosen} (missing {', '.join(missing)})")
    empty = [name for name in FILES if (chosen / name).stat().st_size == 0]
    if empty:
        raise MoonshineUnavailable(f"the Moonshine model in {chosen} is damaged (empty {', '.join(empty)})")
    if importlib.util.find_spec("onnxruntime") is None:  # found, not imported: that takes ~0.4 s
        raise MoonshineUnavailable("onnxruntime is not installed; install it with: pip install onnxruntime")
    return chosen


class Tokenizer:
    """Moonshine's tokenizer.bin: entry i (a length byte, then that many bytes) is token i."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces
        self._encoded: dict[str, list[int]] = {}
        self._ids: dict[bytes, int] = {}
        for i, piece in enumerate(pieces):
            if i > 258 and piece:  # 0-2 are specials, 3-258 raw bytes (fallback only)
                self._ids.setdefault(piece, i)

    @classmethod
    def load(cls, path: Path) -> Tokenizer:
        """Read tokenizer.bin."""
        data = path.read_bytes()
        pieces: list[bytes] = []
        i = 0
        while i < len(data):
            n = data[i]
            pieces.append(data[i + 1 : i + 1 + n])
            i += 1 + n
        if len(pieces) < REAL_TOKENS:
            raise MoonshineUnavailable(f"{path} is not a Moonshine tokenizer ({len(pieces)} entries)")
        return cls(pieces)

    def decode(self, ids: list[int]) -> str:
        """Token ids to text (bytes that are not UTF-8 become U+FFFD, never an error)."""
        raw = b"".join(self._piece(i) for i in ids if i > END)
        return raw.decode("utf-8", errors="replace").replace(SPACE, " ").strip()

    def encode(self, text: str) -> list[int]:
        """Text to token ids as the model's own (SentencePiece BPE) tokenizer does it: start from characters
        and keep merging the adjacent pair whose joined piece has the lowest id (the earliest merge); a
        character with no piece falls back to its UTF-8 bytes. A leading space is added, as the model writes."""
        if text not in self._encoded:
            self._encoded[text] = self._bpe(text)
        return list(self._encoded[text])

    def _bpe(self, text: str) -> list[int]:
        parts = [c.encode("utf-8") for c in SPACE + text.replace(" ", SPACE)]
        while len(parts) > 1:
            ranked = [(self._ids.get(parts[i] + parts[i + 1]), i) for i in range(len(parts) - 1)]
            found = [(rank, i) for rank, i in ranked if rank is not None]
            if not found:
                break
            _, i = min(found)
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        ids: list[int] = []
        for part in parts:
            piece = self._ids.get(part)
            ids += [piece] if piece is not None else [3 + byte for byte in part]
        return ids

    def piece(self, text: str) -> int:
        """The id of the piece that is exactly ``text`` (e.g. "." for the full stop)."""
        return self._ids[text.replace(" ", SPACE).encode("utf-8")]

    def is_word(self, word: str) -> bool:
        """True when ``word`` with a leading space is a single token (a common word for the model)."""
        return (SPACE + word).encode("utf-8") in self._ids

    def _piece(self, i: int) -> bytes:
        if 3 <= i <= 258:
            return bytes([i - 3])
        return self.pieces[i] if i < len(self.pieces) else b""


@dataclass
class Start:
    """The decoder after ``<s>``: first-token log-probabilities and the caches to continue from."""

    hidden: Floats
    logprobs: Floats
    decoder_cache: dict[str, Floats]
    encoder_cache: dict[str, Floats]


def log_softmax(logits: Floats) -> Floats:
    """Log-probabilities over the real tokens of the last axis."""
    real = logits[..., :REAL_TOKENS].astype(np.float32)
    top = real.max(axis=-1, keepdims=True)
    shifted = real - top
    out: Floats = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return out


class MoonshineModel:
    """Moonshine's encoder and decoder sessions and its tokenizer, loaded once."""

    def __init__(self, folder: Path | None = None, threads: int = 2, *, unpacked: bool = True) -> None:
        """Load the models (about 0.4 s); raises MoonshineUnavailable with the reason.

        ``unpacked``: the decoder with its weights unpacked ahead of time (moonshine_unpack.py), made now when
        missing (a few seconds, once), or the wheel's packed one when it cannot be; False: the packed one."""
        self.folder = check_model(folder)
        self.tokenizer = Tokenizer.load(self.folder / FILES[2])
        self.threads = max(1, min(2, threads))
        try:
            import onnxruntime as ort  # noqa: PLC0415  (heavy, voice mode only)
        except ImportError as error:
            raise MoonshineUnavailable(f"onnxruntime cannot be imported ({error})") from error

        options = self._options(ort)
        options.add_session_config_entry("session.use_ort_model_bytes_directly", "1")
        options.add_session_config_entry("session.use_ort_model_bytes_for_initializers", "1")
        cpu = ["CPUExecutionProvider"]
        graph = _unpacked_decoder(self.folder) if unpacked else None
        try:
            self._encoder = ort.InferenceSession(str(self.folder / FILES[0]), options, providers=cpu)
            decoder = self._unpacked_session(ort, graph, cpu) if graph else None
            self.unpacked = decoder is not None
            """True when the decoder's weights were unpacked ahead of time (fast), False: the wheel's packed one."""
            self._decoder = decoder or ort.InferenceSession(str(self.folder / FILES[1]), options, providers=cpu)
        except Exception as error:  # ONNX Runtime raises its own exception types for a bad file
            raise MoonshineUnavailable(f"ONNX Runtime could not load the Moonshine model in {self.folder}: "
                                       f"{str(error).splitlines()[0][:200]}") from error
        self._outputs = [o.name for o in self._decoder.get_outputs()]

    def _options(self, ort: Any) -> Any:
        """Session options both decoders share: memory arena off, this many threads, no spinning."""
        options = ort.SessionOptions()
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # spinning starves a busy machine
        return options

    def _unpacked_session(self, ort: Any, graph: Path, cpu: list[str]) -> Any:
        """The unpacked decoder's session (None when it will not load: the packed one is used)."""
        options = self._options(ort)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.add_session_config_entry("session.disable_prepacking", "1")  # the mapped weights are not copied again
        try:
            return ort.InferenceSession(str(graph), options, providers=cpu)
        except Exception as error:  # a damaged or unreadable unpacked decoder: the packed one still works
            log.warning("the unpacked decoder %s did not load (%s); using the packed one", graph,
                        str(error).splitlines()[0][:200])
            return None

    def start(self, samples: Floats) -> Start:
        """Encode 16 kHz audio (floats in -1..1) and run the decoder's first step."""
        hidden = self._encoder.run(None, {"input_values": samples.reshape(1, -1)})[0]
        empty = np.zeros((1, HEADS, 0, HEAD_SIZE), dtype=np.float32)
        feeds: dict[str, Any] = {
            "input_ids": np.array([[START]], dtype=np.int64),
            "encoder_hidden_states": hidden,
            "use_cache_branch": np.array([False]),
        }
        for layer in range(LAYERS):
            for part in ("decoder", "encoder"):
                for kind in ("key", "value"):
                    feeds[f"past_key_values.{layer}.{part}.{kind}"] = empty
        out = dict(zip(self._outputs, self._decoder.run(None, feeds), strict=True))
        return Start(
            hidden=hidden,
            logprobs=log_softmax(out["logits"][0, -1]),
            decoder_cache={_past(k): v for k, v in out.items() if ".decoder." in k},
            encoder_cache={_past(k): v for k, v in out.items() if ".encoder." in k},
        )

    def step(self, start: Start, ids: npt.NDArray[np.int64], cache: dict[str, Floats]
             ) -> tuple[Floats, dict[str, Floats]]:
        """One cached decoder call on token ids [B, L] after ``cache``: log-probabilities [B, L, V], new cache."""
        batch = ids.shape[0]
        feeds: dict[str, Any] = {
            "input_ids": ids,
            "encoder_hidden_states": np.repeat(start.hidden, batch, axis=0) if batch > 1 else start.hidden,
            "use_cache_branch": np.array([True]),
        }
        for name, value in (*cache.items(), *start.encoder_cache.items()):
            feeds[name] = np.repeat(value, batch, axis=0) if batch > 1 and value.shape[0] == 1 else value
        out = dict(zip(self._outputs, self._decoder.run(None, feeds), strict=True))
        new_cache = {_past(k): v for k, v in out.items() if ".decoder." in k}
        return log_softmax(out["logits"]), new_cache


def _unpacked_decoder(folder: Path) -> Path | None:
    """The unpacked decoder's graph, made now if missing; None: use the packed one."""
    from voicecoach.voice.moonshine_unpack import UnpackFailed, ready_decoder  # noqa: PLC0415

    try:
        return ready_decoder(folder)
    except UnpackFailed as error:
        log.warning("%s; using the packed decoder (slower)", error)
        return None


def _past(present_name: str) -> str:
    return present_name.replace("present", "past_key_values", 1)
