"""Moonshine's decoder with its weights unpacked ahead of time (voicecoach/voice/moonshine_unpack.py): the
folding on a small hand-built graph, then the real decoder unpacked against the wheel's packed one on a real
person's recording, and the fallback to the packed decoder when unpacking cannot be done."""

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="onnx unpacks the decoder (a dependency: scripts/install.sh installs it)")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime runs the Moonshine model")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from voicecoach.voice.moonshine_model import MoonshineModel  # noqa: E402
from voicecoach.voice.moonshine_unpack import ENV_CACHE, UnpackFailed, fold_weights, unpacked_decoder  # noqa: E402
from voicecoach.voice.pcm import read_wav  # noqa: E402

CLIP = Path(__file__).parent / "data" / "real-voices" / "yes__an4_fjam_1.wav"


def packed_graph():
    """y = x @ W inside an If (as the merged decoder has it), W = int8 * scale + offset at the top level."""
    weights = np.array([[-3, 7], [12, -128]], dtype=np.int8)
    inits = [numpy_helper.from_array(weights, "w_quantized"),
             numpy_helper.from_array(np.array([0.05], dtype=np.float32), "w_scale"),
             numpy_helper.from_array(np.array([0.25], dtype=np.float32), "w_offset")]
    nodes = [helper.make_node("Cast", ["w_quantized"], ["w_cast"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["w_cast", "w_scale"], ["w_mul"]),
             helper.make_node("Add", ["w_mul", "w_offset"], ["w"])]

    def branch(op):
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])
        return helper.make_graph([helper.make_node(op, ["x", "w"] if op == "MatMul" else ["x"], ["y"])], op, [],
                                 [out])

    nodes.append(helper.make_node("If", ["flag"], ["y"], then_branch=branch("MatMul"), else_branch=branch("Relu")))
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2]),
                                           helper.make_tensor_value_info("flag", TensorProto.BOOL, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def run(model):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": np.array([[1.5, -2.0]], dtype=np.float32), "flag": np.array([True])})[0]


def test_folding_computes_the_weights_once_and_the_graph_gives_the_same_result():
    model = packed_graph()
    before = run(model)
    for attribute in model.graph.node[-1].attribute:
        attribute.g.name = ""  # as ONNX Runtime's export leaves them
    assert fold_weights(model.graph) == 1
    assert [n.op_type for n in model.graph.node] == ["If"]
    (weight,) = model.graph.initializer
    assert weight.name == "w" and weight.data_type == TensorProto.FLOAT
    expected = np.array([[-3, 7], [12, -128]], dtype=np.float32) * np.float32(0.05) + np.float32(0.25)
    np.testing.assert_array_equal(numpy_helper.to_array(weight), expected)
    assert all(a.g.name for a in model.graph.node[0].attribute)  # onnx.checker rejects unnamed graphs
    onnx.checker.check_model(model)
    np.testing.assert_array_equal(run(model), before)


def test_a_graph_with_nothing_packed_is_refused():
    model = packed_graph()
    fold_weights(model.graph)
    with pytest.raises(UnpackFailed, match="no packed weights"):
        fold_weights(model.graph)


@pytest.fixture(scope="module")
def samples():
    clip = read_wav(CLIP).resampled(16000)
    return (clip.samples.astype(np.float32) / 32768.0).astype(np.float32)


def test_the_unpacked_decoder_hears_what_the_packed_one_does(samples):
    unpacked, packed = MoonshineModel(), MoonshineModel(unpacked=False)
    assert unpacked.unpacked, "not unpacked here: python -m voicecoach.voice.moonshine_unpack says why"
    assert not packed.unpacked
    starts = [m.start(samples) for m in (unpacked, packed)]
    np.testing.assert_allclose(starts[0].logprobs, starts[1].logprobs, atol=2e-3)
    ids = np.array([[unpacked.tokenizer.encode("Yes")[0], 2], [unpacked.tokenizer.encode("No")[0], 2]])
    steps = [m.step(s, ids, s.decoder_cache)[0] for m, s in zip((unpacked, packed), starts, strict=True)]
    np.testing.assert_allclose(steps[0], steps[1], atol=2e-3)
    assert int(np.argmax(starts[0].logprobs)) == int(np.argmax(starts[1].logprobs))


def test_when_the_decoder_cannot_be_unpacked_the_packed_one_is_used(tmp_path, monkeypatch, samples):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(ENV_CACHE, str(blocker / "cache"))
    model = MoonshineModel()
    assert not model.unpacked
    assert np.isfinite(model.start(samples).logprobs).all()


def test_a_damaged_unpacked_decoder_is_passed_over_for_the_packed_one(tmp_path, monkeypatch, samples):
    monkeypatch.setenv(ENV_CACHE, str(tmp_path))
    folder = MoonshineModel(unpacked=False).folder
    graph = unpacked_decoder(folder)
    assert graph is None  # nothing unpacked in the new cache yet
    from voicecoach.voice.moonshine_unpack import GRAPH, WEIGHTS, _home_of  # noqa: PLC0415

    home = _home_of(folder)
    home.mkdir(parents=True)
    (home / GRAPH).write_bytes(b"\x00garbage")
    (home / WEIGHTS).write_bytes(b"")
    model = MoonshineModel()
    assert not model.unpacked
    assert np.isfinite(model.start(samples).logprobs).all()
