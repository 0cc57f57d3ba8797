"""Moonshine's decoder with its weights unpacked once, ahead of time, instead of at every decoder call.

The wheel's decoder keeps each weight matrix as int8 with a scale and an offset, and turns them back into
floats (Cast, Mul, Add) at the start of every call: about 120 MB written and thrown away each time, which
made one decoder call cost 130-230 ms on a 2-core machine whatever its size. Done once here, a call
costs 20-90 ms (a whole answer decodes 3-4 times faster) and the session's peak memory does not grow,
since the per-call copies are gone (figures in the README's voice section).

:func:`unpack_decoder` exports the wheel's ``decoder_model_merged.ort`` to ONNX with ONNX Runtime,
computes the constant weight chains with numpy (the same float32 arithmetic as the model's own nodes), and
saves the result beside the virtual environment (``<prefix>/share/voicecoach/moonshine``, or
``$VOICECOACH_MOONSHINE_CACHE``): a small graph and one 165 MB weights file that ONNX Runtime maps in place.
The installer runs it (``python -m voicecoach.voice.moonshine_unpack``); a voice session that finds no
unpacked decoder makes it while the welcome is spoken, or uses the packed one when it cannot.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

ENV_CACHE = "VOICECOACH_MOONSHINE_CACHE"
FORMAT = 1
"""Bumped when the unpacked form changes, so an older one is made again."""
GRAPH, WEIGHTS = "decoder_unpacked.onnx", "decoder_unpacked.weights"
PACKED = "decoder_model_merged.ort"
FOLDED_OPS = ("Cast", "Mul", "Add")


class UnpackFailed(RuntimeError):
    """The decoder could not be unpacked; the message says why (the packed decoder still works)."""


def cache_root() -> Path:
    """Where unpacked decoders are kept: ``$VOICECOACH_MOONSHINE_CACHE``, else beside the environment."""
    chosen = os.environ.get(ENV_CACHE)
    return Path(chosen) if chosen else Path(sys.prefix) / "share" / "voicecoach" / "moonshine"


def _home_of(model_folder: Path) -> Path:
    """The unpacked decoder's folder for one packed model (its size and time name it)."""
    packed = (model_folder / PACKED).stat()
    return cache_root() / f"v{FORMAT}-{packed.st_size}-{packed.st_mtime_ns}"


def unpacked_decoder(model_folder: Path) -> Path | None:
    """The unpacked decoder's graph for the model in ``model_folder``, when it has been made."""
    try:
        home = _home_of(model_folder)
    except OSError:
        return None
    graph = home / GRAPH
    return graph if graph.is_file() and (home / WEIGHTS).is_file() else None


def ready_decoder(model_folder: Path) -> Path:
    """The unpacked decoder's graph, made now if it has not been (see :func:`unpack_decoder`)."""
    return unpacked_decoder(model_folder) or unpack_decoder(model_folder)


def unpack_decoder(model_folder: Path) -> Path:
    """Make the unpacked decoder (a few seconds, once); its graph's path. Raises UnpackFailed."""
    try:
        import onnx  # noqa: PLC0415  (only to make the unpacked decoder)
        import onnxruntime as ort  # noqa: PLC0415
    except ImportError as error:
        raise UnpackFailed(f"cannot unpack the Moonshine decoder: {error}") from error
    try:
        home = _home_of(model_folder)
        home.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=home.parent, prefix=".unpacking-") as scratch:
            exported = Path(scratch) / "exported.onnx"
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            options.optimized_model_filepath = str(exported)
            options.log_severity_level = 3
            ort.InferenceSession(str(model_folder / PACKED), options, providers=["CPUExecutionProvider"])
            model = onnx.load(str(exported))
            fold_weights(model.graph)
            made = Path(scratch) / "made"
            made.mkdir()
            onnx.save_model(model, str(made / GRAPH), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=WEIGHTS, size_threshold=1024)
            for made_file in made.iterdir():
                made_file.chmod(0o644)  # onnx writes the weights owner-only; any user of the environment reads them
            if home.exists():
                shutil.rmtree(home)
            made.rename(home)
    except UnpackFailed:
        raise
    except Exception as error:  # OSError (disk, permissions), ONNX Runtime's and onnx's own errors
        raise UnpackFailed(f"cannot unpack the Moonshine decoder: {str(error).splitlines()[0][:200]}") from error
    return home / GRAPH


def fold_weights(graph: Any) -> int:
    """Replace the top-level Cast/Mul/Add nodes whose inputs are all constants by their float32 results,
    drop the initializers nothing reads any more, and name the nested graphs (ONNX Runtime's export
    leaves them unnamed, which onnx rejects). Returns how many weights were folded."""
    from onnx import AttributeProto, TensorProto, numpy_helper  # noqa: PLC0415

    constants = {i.name: i for i in graph.initializer}
    values: dict[str, np.ndarray[Any, Any]] = {}
    kept = []
    for node in graph.node:
        if node.op_type not in FOLDED_OPS or not all(n in constants or n in values for n in node.input):
            kept.append(node)
            continue
        ins = [values[n] if n in values else numpy_helper.to_array(constants[n]) for n in node.input]
        if node.op_type == "Cast":
            (to,) = [a.i for a in node.attribute if a.name == "to"]
            if to != TensorProto.FLOAT:
                raise UnpackFailed(f"unexpected cast to type {to} in the decoder")
            values[node.output[0]] = ins[0].astype(np.float32)
        elif node.op_type == "Mul":
            values[node.output[0]] = np.multiply(ins[0], ins[1], dtype=np.float32)
        else:
            values[node.output[0]] = np.add(ins[0], ins[1], dtype=np.float32)
    read: set[str] = {o.name for o in graph.output}

    def reads(nodes: Any) -> None:
        for node in nodes:
            read.update(node.input)
            for attribute in node.attribute:
                if attribute.type == AttributeProto.GRAPH:
                    if not attribute.g.name:
                        attribute.g.name = f"{node.name or node.op_type}_{attribute.name}"
                    reads(attribute.g.node)

    reads(kept)
    folded = {name: value for name, value in values.items() if name in read}
    if not folded:
        raise UnpackFailed("no packed weights found in the decoder")
    initializers = [i for i in graph.initializer if i.name in read and i.name not in values]
    initializers += [numpy_helper.from_array(value, name) for name, value in folded.items()]
    del graph.node[:]
    graph.node.extend(kept)
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    return len(folded)


def main() -> None:
    """Unpack the installed model's decoder (the installer runs this)."""
    from voicecoach.voice.moonshine_model import MoonshineUnavailable, check_model  # noqa: PLC0415

    try:
        folder = check_model()
        graph = ready_decoder(folder)
    except (MoonshineUnavailable, UnpackFailed, OSError) as error:
        print(f"Speech model not unpacked ({error}); recognition still works, more slowly.", file=sys.stderr)
        return
    size = (graph.parent / WEIGHTS).stat().st_size / 1e6
    print(f"Speech model unpacked for fast recognition: {graph.parent} ({size:.0f} MB)")


if __name__ == "__main__":
    main()
