"""Shared fixtures: a private PulseAudio server for the voice tests, and for every test its own empty
data folder, so no test reads or writes the real history (or another test's: a red flag kept by one
test would be carried into the next one's triage)."""

import pytest

from tests.pulse import pulse

__all__ = ["pulse"]


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("VOICECOACH_DATA_DIR", str(folder))
    return folder
