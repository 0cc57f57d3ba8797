"""Choosing the recogniser: Moonshine by default, pocketsphinx when Moonshine cannot load (the reason said),
text mode when neither can. Real failures: a missing model folder, model files that are not models."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pulse import Pulse
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.engines import POCKETSPHINX_ENV, BackgroundMoonshine, open_recogniser
from voicecoach.voice.errors import VoiceError
from voicecoach.voice.moonshine_model import ENV_DIR, FILES, model_dir
from voicecoach.voice.pcm import read_wav
from voicecoach.voice.recognition import Recogniser

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the fallback under test")
pytest.importorskip("onnxruntime", reason="onnxruntime runs the Moonshine model under test")

YES = read_wav(Path(__file__).parent / "data" / "real-voices" / "yes__an4_mmal_1.wav")
QUESTION = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
SCRIPT = Path(sys.executable).parent / "voicecoach"


def test_a_missing_moonshine_model_falls_back_to_pocketsphinx_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    said: list[str] = []
    recogniser = open_recogniser("moonshine", said.append)
    assert isinstance(recogniser, Recogniser)
    assert len(said) == 1 and "Moonshine cannot be used" in said[0] and "missing encoder_model.ort" in said[0]
    assert said[0].endswith("using pocketsphinx instead.")
    assert not recogniser.recognise(YES, QUESTION).text.startswith("no")


def test_model_files_that_are_not_models_fail_in_the_background_then_pocketsphinx_takes_over(tmp_path, monkeypatch):
    for name in FILES[:2]:
        (tmp_path / name).write_bytes(b"not an ONNX Runtime model" * 100)
    shutil.copy(model_dir() / FILES[2], tmp_path / FILES[2])
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    said: list[str] = []
    recogniser = open_recogniser("moonshine", said.append)
    assert isinstance(recogniser, BackgroundMoonshine) and said == []  # the quick check passes; loading fails later
    recogniser.recognise(YES, QUESTION)
    assert isinstance(recogniser.engine, Recogniser)
    assert len(said) == 1 and "ONNX Runtime could not load the Moonshine model" in said[0], said


def test_pocketsphinx_chosen_outright_and_an_unknown_engine(monkeypatch):
    assert isinstance(open_recogniser("pocketsphinx", print), Recogniser)
    with pytest.raises(VoiceError, match="unknown recogniser"):
        open_recogniser("whisper", print)


def test_with_no_recogniser_at_all_voice_mode_says_so_and_the_session_runs_in_text_mode(pulse: Pulse, tmp_path):
    env = {**os.environ, "PULSE_SERVER": pulse.server, "VOICECOACH_DATA_DIR": str(tmp_path / "data"),
           ENV_DIR: str(tmp_path / "none"), POCKETSPHINX_ENV: str(tmp_path / "none")}
    proc = subprocess.run([str(SCRIPT), "triage", "--recogniser", "moonshine", "--time-scale", "0"],
                          input="yes\nno\n", capture_output=True, text=True, timeout=120, env=env, check=False)
    assert "Moonshine cannot be used (no Moonshine model in" in proc.stderr, proc.stderr
    assert "no pocketsphinx English model" in proc.stderr
    assert "Using text mode instead" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Are you ready to answer a few questions?" in proc.stdout  # printed, answered by typing
    assert "Input ended, so the session is over" in proc.stdout, proc.stdout


def test_moonshine_without_its_unpacked_decoder_still_hears_and_says_it_is_slower(tmp_path, monkeypatch):
    from voicecoach.voice.moonshine_unpack import ENV_CACHE  # noqa: PLC0415

    blocker = tmp_path / "a-file"
    blocker.write_text("the unpacked decoder cannot be written under a file")
    monkeypatch.setenv(ENV_CACHE, str(blocker / "cache"))
    said: list[str] = []
    recogniser = BackgroundMoonshine(said.append)
    heard = recogniser.recognise(YES, QUESTION)
    assert len(said) == 1 and "packed decoder" in said[0] and "moonshine_unpack" in said[0]
    assert heard.text == "yes" and not heard.rejected
