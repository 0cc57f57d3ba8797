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


ROOM_FILES = ("test_voice_end_to_end.py", "test_voice_faults.py")
"""Files whose tests run in real time on a private PulseAudio room."""


def pytest_collection_modifyitems(config, items):
    """The tests that run in real time in a sound room go first and together: one xdist group, so with
    ``-n 2`` one worker runs the room (its cases one at a time, never two rooms talking over each other)
    while the other works through everything else. Without xdist this only changes the order."""
    in_room = [item for item in items
               if "pulse" in getattr(item, "fixturenames", ()) or item.path.name in ROOM_FILES]
    for item in in_room:
        item.add_marker(pytest.mark.xdist_group("room"))
    ids = {id(item) for item in in_room}
    items[:] = in_room + [item for item in items if id(item) not in ids]
