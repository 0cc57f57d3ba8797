"""Moonshine's decoder unpacked ahead of time (voicecoach/voice/moonshine_unpack.py): the rewriting on small
hand-built graphs, then the real decoder unpacked against the wheel's packed one on real people's recordings,
and the fallback to the packed decoder when unpacking cannot be done."""

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="onnx unpacks the decoder (a dependency: scripts/install.sh installs it)")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime runs the Moonshine model")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from voicecoach.voice.moonshine_model import MoonshineModel  # noqa: E402
from voicecoach.voice.moonshine_unpack import ENV_CACHE, UnpackFailed, unpack_weights, unpacked_decoder  # noqa: E402
from voicecoach.voice.pcm import read_wav  # noqa: E402

CLIPS = Path(__file__).parent / "data" / "real-voices"
CLIP = CLIPS / "yes__an4_fjam_1.wav"
X = np.array([[1.5, -2.0]], dtype=np.float32)
IDS = np.array([2, 0], dtype=np.int64)


def packed(name, values, scale, offset):
    """The wheel's form of a weight: name = Cast(int8) * scale + offset, three top-level nodes."""
    inits = [numpy_helper.from_array(np.array(values, dtype=np.int8), f"{name}_quantized"),
             numpy_helper.from_array(np.array([scale], dtype=np.float32), f"{name}_scale"),
             numpy_helper.from_array(np.array([offset], dtype=np.float32), f"{name}_offset")]
    nodes = [helper.make_node("Cast", [f"{name}_quantized"], [f"{name}_cast"], to=TensorProto.FLOAT),
             helper.make_node("Mul", [f"{name}_cast", f"{name}_scale"], [f"{name}_mul"]),
             helper.make_node("Add", [f"{name}_mul", f"{name}_offset"], [name])]
    return inits, nodes


def packed_graph(offset=0.25):
    """Inside an If, as in the merged decoder: y = x @ W, rows = E[ids], logits = x @ E^T; W and E packed at
    the top level (E like the token embedding, read by a lookup and, transposed, by the output product).
    With the default offsets both are a whole number of scale steps from zero."""
    w_inits, w_nodes = packed("w", [[-3, 7], [12, -128]], 0.05, offset)
    e_inits, e_nodes = packed("e", [[1, -2], [30, 4], [-5, 6]], 0.1, -0.3)
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in ("y", "rows", "logits")]

    def branch(name):
        nodes = [helper.make_node("MatMul", ["x", "w"], ["y"]),
                 helper.make_node("Gather", ["e", "ids"], ["rows"], axis=0),
                 helper.make_node("Transpose", ["e"], ["e_t"]),
                 helper.make_node("MatMul", ["x", "e_t"], ["logits"])]
        return helper.make_graph(nodes, name, [], outs)

    nodes = [*w_nodes, *e_nodes, helper.make_node("If", ["flag"], ["y", "rows", "logits"],
                                                  then_branch=branch("then"), else_branch=branch("else"))]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2]),
              helper.make_tensor_value_info("ids", TensorProto.INT64, [2]),
              helper.make_tensor_value_info("flag", TensorProto.BOOL, [1])]
    graph = helper.make_graph(nodes, "g", inputs, outs, w_inits + e_inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def run(model):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": X, "ids": IDS, "flag": np.array([True])})


def ops(model):
    return sorted(n.op_type for n in model.graph.node[-1].attribute[0].g.node)


def test_int8_weights_stay_int8_and_the_graph_gives_nearly_the_same_result():
    model = packed_graph()
    before = run(model)
    for attribute in model.graph.node[-1].attribute:
        attribute.g.name = ""  # as ONNX Runtime's export leaves them
    assert unpack_weights(model) == (2, 0)
    assert [n.op_type for n in model.graph.node] == ["If"]
    assert ops(model) == ["Add", "Cast", "DynamicQuantizeMatMul", "DynamicQuantizeMatMul", "Gather", "Mul"]
    types = {i.name: i.data_type for i in model.graph.initializer}
    assert types["w_quantized"] == types["e_quantized"] == types["e_quantized__transposed"] == TensorProto.INT8
    assert TensorProto.FLOAT not in {types[n] for n in types if n.endswith("quantized")}
    assert all(a.g.name for a in model.graph.node[0].attribute)  # onnx rejects the unnamed graphs of the export
    after = run(model)
    np.testing.assert_array_equal(after[1], before[1])  # the looked-up rows: the same float arithmetic
    for got, want in ((after[0], before[0]), (after[2], before[2])):  # products: activations quantised
        np.testing.assert_allclose(got, want, atol=0.02 * np.abs(want).max())


def test_a_weight_whose_offset_is_no_whole_zero_point_is_folded_to_floats_exactly():
    model = packed_graph(offset=0.013)
    before = run(model)
    assert unpack_weights(model) == (1, 1)
    w = next(i for i in model.graph.initializer if i.name == "w")
    expected = np.array([[-3, 7], [12, -128]], dtype=np.float32) * np.float32(0.05) + np.float32(0.013)
    np.testing.assert_array_equal(numpy_helper.to_array(w), expected)
    np.testing.assert_array_equal(run(model)[0], before[0])


def test_a_graph_with_nothing_packed_is_refused():
    model = packed_graph()
    unpack_weights(model)
    with pytest.raises(UnpackFailed, match="no packed weights"):
        unpack_weights(model)


@pytest.fixture(scope="module")
def samples():
    clip = read_wav(CLIP).resampled(16000)
    return (clip.samples.astype(np.float32) / 32768.0).astype(np.float32)


@pytest.mark.parametrize("name", ["yes__an4_fjam_1.wav", "no__an4_fbbh_1.wav", "five__fsdd_theo_1.wav"])
def test_the_unpacked_decoder_hears_what_the_packed_one_does(name):
    """Same first choice of token, and log-probabilities within a nat of the packed decoder's (the int8
    products quantise the activations on the fly: measured here 0.03-0.9 nat on the likely tokens; a wrong
    scale or zero point moves them by tens of nats)."""
    clip = read_wav(CLIPS / name).resampled(16000)
    samples = (clip.samples.astype(np.float32) / 32768.0).astype(np.float32)
    unpacked, packed = MoonshineModel(), MoonshineModel(unpacked=False)
    assert unpacked.unpacked, "not unpacked here: python -m voicecoach.voice.moonshine_unpack says why"
    assert not packed.unpacked
    starts = [m.start(samples) for m in (unpacked, packed)]
    likely = np.argsort(-starts[1].logprobs)[:5]
    assert int(np.argmax(starts[0].logprobs)) == int(likely[0])
    np.testing.assert_allclose(starts[0].logprobs[likely], starts[1].logprobs[likely], atol=1.0)
    ids = np.array([[unpacked.tokenizer.encode("Yes")[0], 2], [unpacked.tokenizer.encode("No")[0], 2]])
    steps = [m.step(s, ids, s.decoder_cache)[0] for m, s in zip((unpacked, packed), starts, strict=True)]
    for row in range(2):
        top = np.argsort(-steps[1][row, 0])[:5]
        np.testing.assert_allclose(steps[0][row, 0, top], steps[1][row, 0, top], atol=1.0)


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


def test_unpacking_again_removes_older_unpacked_decoders_only(tmp_path, monkeypatch):
    from voicecoach.voice.moonshine_unpack import FORMAT, unpack_decoder  # noqa: PLC0415

    monkeypatch.setenv(ENV_CACHE, str(tmp_path))
    (tmp_path / "v1-42703232-17961292").mkdir()  # the float form of an earlier install
    (tmp_path / "notes").mkdir()
    graph = unpack_decoder(MoonshineModel(unpacked=False).folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["notes", graph.parent.name])
    assert graph.parent.name.startswith(f"v{FORMAT}-")
