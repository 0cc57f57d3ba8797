"""Moonshine's decoder unpacked once, ahead of time: its int8 weights multiplied as they are, instead of
turned back into floats at every decoder call.

The wheel's decoder keeps each weight matrix as int8 with a scale and an offset, and turns them back into
floats (Cast, Mul, Add) at the start of every call: about 120 MB written and thrown away each time, which
made one decoder call cost 130-230 ms on a 2-core machine whatever its size. Unpacked here, each matrix
product reads the int8 weight directly (ONNX Runtime's DynamicQuantizeMatMul: the activations are
quantised on the fly, the weights keep the very int8 values, scale and zero point the model was shipped
with), and the token embedding turns only the rows it looks up into floats. Answers decode about twice as
fast as with the weights unpacked to floats (this module's first form) and four to six times as fast as
packed, and the weights take 55 MB instead of 165 MB (figures in the README's voice section). The scores
move by about 0.1 nat (median) from the float decoder's; the decision thresholds were calibrated on this
decoder (data/moonshine_tuning.toml).

:func:`unpack_decoder` exports the wheel's ``decoder_model_merged.ort`` to ONNX with ONNX Runtime,
rewrites the weight chains (:func:`unpack_weights`), and saves the result beside the virtual environment
(``<prefix>/share/voicecoach/moonshine``, or ``$VOICECOACH_MOONSHINE_CACHE``): a small graph and one 55 MB
weights file that ONNX Runtime maps in place. The installer runs it (``python -m
voicecoach.voice.moonshine_unpack``); a voice session that finds no unpacked decoder makes it while the
welcome is spoken, or uses the packed one when it cannot.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

ENV_CACHE = "VOICECOACH_MOONSHINE_CACHE"
FORMAT = 2
"""Bumped when the unpacked form changes, so an older one is made again."""
GRAPH, WEIGHTS = "decoder_unpacked.onnx", "decoder_unpacked.weights"
PACKED = "decoder_model_merged.ort"
FOLDED_OPS = ("Cast", "Mul", "Add")
MICROSOFT = "com.microsoft"
"""The domain of ONNX Runtime's own operators (DynamicQuantizeMatMul)."""


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


def _drop_older(home: Path) -> None:
    """Remove the unpacked decoders of earlier formats or models beside ``home`` (named v<format>-<size>-<time>);
    one that cannot be removed is left."""
    for other in home.parent.iterdir():
        if other != home and other.is_dir() and re.fullmatch(r"v\d+-\d+-\d+", other.name):
            shutil.rmtree(other, ignore_errors=True)


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
            unpack_weights(model)
            made = Path(scratch) / "made"
            made.mkdir()
            onnx.save_model(model, str(made / GRAPH), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=WEIGHTS, size_threshold=1024)
            for made_file in made.iterdir():
                made_file.chmod(0o644)  # onnx writes the weights owner-only; any user of the environment reads them
            if home.exists():
                shutil.rmtree(home)
            made.rename(home)
        _drop_older(home)
    except UnpackFailed:
        raise
    except Exception as error:  # OSError (disk, permissions), ONNX Runtime's and onnx's own errors
        raise UnpackFailed(f"cannot unpack the Moonshine decoder: {str(error).splitlines()[0][:200]}") from error
    return home / GRAPH


@dataclass(frozen=True)
class Packed:
    """One packed weight of the wheel's decoder: ``output`` = Add(Mul(Cast(quantized), scale), offset), a
    top-level chain of constants."""

    output: str
    quantized: str
    scale: str
    offset: str
    nodes: tuple[str, str, str]
    """The outputs of its Cast, Mul and Add nodes."""
    zero_point: int | None
    """Its int8 zero point when it has one (a per-tensor scale, offset = -zero_point * scale), else None."""


def unpack_weights(model: Any) -> tuple[int, int]:
    """Rewrite the packed weights of ``model`` (an ONNX ModelProto, changed in place) so that no call turns
    them back into floats. A weight read only by matrix products (directly or transposed) or by a row lookup
    (the token embedding), whose offset is a whole number of scale steps, stays int8: each product becomes
    ONNX Runtime's DynamicQuantizeMatMul (the int8 weight, its scale and zero point), a lookup turns just
    the rows it gathers back into floats. Any other constant Cast/Mul/Add is computed once, in float32.
    Returns (weights kept as int8, weights folded to float32). Raises UnpackFailed when nothing is packed."""
    from onnx import helper  # noqa: PLC0415

    graph = model.graph
    constants = {i.name: i for i in graph.initializer}
    readers = _readers(graph)
    int8 = {p.output: p for p in _packed_weights(graph, constants) if _multipliable(p, readers)}
    skipped = {name for p in int8.values() for name in p.nodes}
    graph_nodes = [n for n in graph.node if n.output[0] not in skipped]
    del graph.node[:]
    graph.node.extend(graph_nodes)
    folded = _fold(graph)
    if not int8 and not folded:
        raise UnpackFailed("no packed weights found in the decoder")
    transposed = {node.output[0]: p for p in int8.values() for node, _ in readers[p.output]
                  if node.op_type == "Transpose"}
    graph.initializer.extend(_int8_constants(int8, constants, {p.output for p in transposed.values()}))
    _rewrite(graph, int8, transposed)
    _drop_unread(graph)
    if int8 and not any(o.domain == MICROSOFT for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MICROSOFT, 1))
    return len(int8), folded


def _packed_weights(graph: Any, constants: dict[str, Any]) -> list[Packed]:
    """The top-level Add(Mul(Cast(int8 constant), constant), constant) chains."""
    from onnx import TensorProto  # noqa: PLC0415

    made = {o: n for n in graph.node for o in n.output}
    found = []
    for add in graph.node:
        if add.op_type != "Add" or len(add.input) != 2 or add.input[1] not in constants:
            continue
        mul: Any = made.get(add.input[0])
        if mul is None or mul.op_type != "Mul" or mul.input[1] not in constants:
            continue
        cast: Any = made.get(mul.input[0])
        if cast is None or cast.op_type != "Cast":
            continue
        quantized = constants.get(cast.input[0])
        if quantized is not None and quantized.data_type == TensorProto.INT8:
            found.append(Packed(add.output[0], cast.input[0], mul.input[1], add.input[1],
                                (cast.output[0], mul.output[0], add.output[0]),
                                _zero_point(constants[mul.input[1]], constants[add.input[1]])))
    return found


def _readers(graph: Any, into: dict[str, list[tuple[Any, int]]] | None = None) -> dict[str, list[tuple[Any, int]]]:
    """Value name -> the (node, input position) pairs that read it, in this graph and the graphs inside it."""
    from onnx import AttributeProto  # noqa: PLC0415

    found = into if into is not None else {}
    for node in graph.node:
        for position, name in enumerate(node.input):
            found.setdefault(name, []).append((node, position))
        for attribute in node.attribute:
            if attribute.type == AttributeProto.GRAPH:
                _readers(attribute.g, found)
    return found


def _read_names(graph: Any) -> set[str]:
    """Every value name that a node (in this graph or the graphs inside it) or the graph's output reads."""
    return _readers(graph).keys() | {o.name for o in graph.output}


def _zero_point(scale_tensor: Any, offset_tensor: Any) -> int | None:
    """The int8 zero point of a per-tensor packed weight (offset = -zero_point * scale), or None."""
    from onnx import numpy_helper  # noqa: PLC0415

    scale, offset = (numpy_helper.to_array(t).astype(np.float64) for t in (scale_tensor, offset_tensor))
    if scale.size != 1 or offset.size != 1 or float(scale.flat[0]) == 0.0:
        return None
    steps = -float(offset.flat[0]) / float(scale.flat[0])
    whole = round(steps)
    return whole if abs(steps - whole) < 1e-3 and -128 <= whole <= 127 else None


def _multipliable(packed: Packed, readers: dict[str, list[tuple[Any, int]]]) -> bool:
    """Whether a packed weight can stay int8: a whole zero point, and read only as the right-hand side of a
    MatMul (also through a 2-D Transpose) or as the table of a row Gather; its chain's inner values read
    by nothing else."""
    if packed.zero_point is None:
        return False
    if any(len(readers.get(name, [])) != 1 for name in packed.nodes[:2]):
        return False
    uses = readers.get(packed.output, [])
    for node, position in uses:
        if node.op_type == "MatMul" and position == 1:
            continue
        if node.op_type == "Gather" and position == 0 and _attribute(node, "axis", 0) == 0:
            continue
        if node.op_type == "Transpose" and _attribute(node, "perm", [1, 0]) == [1, 0] and all(
                n.op_type == "MatMul" and k == 1 for n, k in readers.get(node.output[0], [])):
            continue
        return False
    return bool(uses)


def _attribute(node: Any, name: str, default: Any) -> Any:
    from onnx import helper  # noqa: PLC0415

    for attribute in node.attribute:
        if attribute.name == name:
            value = helper.get_attribute_value(attribute)
            return list(value) if isinstance(value, list | tuple) else value
    return default


def _int8_constants(int8: dict[str, Packed], constants: dict[str, Any], through_transpose: set[str]) -> list[Any]:
    """The scalar scale and int8 zero point of each int8 weight, and the transposed int8 table of those read
    through a Transpose."""
    from onnx import numpy_helper  # noqa: PLC0415

    made: dict[str, np.ndarray[Any, Any]] = {}
    for p in int8.values():
        made[f"{p.output}__int8_scale"] = numpy_helper.to_array(constants[p.scale]).astype(np.float32).reshape(())
        made[f"{p.output}__int8_zero_point"] = np.array(p.zero_point, dtype=np.int8)
        if p.output in through_transpose:
            table = numpy_helper.to_array(constants[p.quantized])
            made[f"{p.quantized}__transposed"] = np.ascontiguousarray(table.T)
    return [numpy_helper.from_array(value, name) for name, value in made.items()]


def _rewrite(graph: Any, int8: dict[str, Packed], transposed: dict[str, Packed]) -> None:
    """Make the readers of int8 weights read them as int8, in this graph and the graphs inside it
    (``transposed``: the output of each Transpose of an int8 weight; its MatMul reads the transposed int8
    table instead, and the Transpose goes)."""
    from onnx import AttributeProto, TensorProto, helper  # noqa: PLC0415

    nodes = []
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == AttributeProto.GRAPH:
                if not attribute.g.name:  # ONNX Runtime's export leaves nested graphs unnamed; onnx rejects that
                    attribute.g.name = f"{node.name or node.op_type}_{attribute.name}"
                _rewrite(attribute.g, int8, transposed)
        weight = node.input[1] if node.op_type == "MatMul" else node.input[0] if node.input else ""
        if node.op_type == "MatMul" and (weight in int8 or weight in transposed):
            p = int8.get(weight) or transposed[weight]
            table = p.quantized if weight in int8 else f"{p.quantized}__transposed"
            ins = [node.input[0], table, f"{p.output}__int8_scale", f"{p.output}__int8_zero_point"]
            nodes.append(helper.make_node("DynamicQuantizeMatMul", ins, list(node.output),
                                          name=f"{node.output[0]}__int8", domain=MICROSOFT))
        elif node.op_type == "Transpose" and node.output[0] in transposed:
            continue
        elif node.op_type == "Gather" and weight in int8:
            p, out = int8[weight], node.output[0]
            nodes += [helper.make_node("Gather", [p.quantized, node.input[1]], [f"{out}_int8"], axis=0),
                      helper.make_node("Cast", [f"{out}_int8"], [f"{out}_cast"], to=TensorProto.FLOAT),
                      helper.make_node("Mul", [f"{out}_cast", p.scale], [f"{out}_mul"]),
                      helper.make_node("Add", [f"{out}_mul", p.offset], [out])]
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)


def _fold(graph: Any) -> int:
    """Replace the top-level Cast/Mul/Add nodes whose inputs are all constants by their float32 results
    (numpy, the same arithmetic as the nodes). Returns how many weights were folded."""
    from onnx import TensorProto, numpy_helper  # noqa: PLC0415

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
    del graph.node[:]
    graph.node.extend(kept)
    read = _read_names(graph)
    folded = {name: value for name, value in values.items() if name in read}
    graph.initializer.extend(numpy_helper.from_array(value, name) for name, value in folded.items())
    return len(folded)


def _drop_unread(graph: Any) -> None:
    """Drop the initializers that nothing reads any more (the float copies, the folded chains' inputs)."""
    read = _read_names(graph)
    kept = [i for i in graph.initializer if i.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept)


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
