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
FIRST_ROOM = ("test_voice_faults.py", "test_a_whole_session_by_voice_alone", "test_a_red_flag_said_yes_by_voice")
"""The room cases of the first xdist group (about half the room's time: the whole session and the device
faults); every other room case is in the second."""


def pytest_collection_modifyitems(config, items):
    """The tests that run in real time in a sound room go first, in two xdist groups: with ``-n 2`` each
    worker runs one group's cases one at a time on its own private PulseAudio server (the ``pulse``
    fixture is per worker), and both take the rest of the tests when their room is done. Without xdist
    this only changes the order."""
    in_room = [item for item in items
               if "pulse" in getattr(item, "fixturenames", ()) or item.path.name in ROOM_FILES]
    for item in in_room:
        first = item.path.name in FIRST_ROOM or item.name.split("[")[0] in FIRST_ROOM
        item.add_marker(pytest.mark.xdist_group("room-1" if first else "room-2"))
    ids = {id(item) for item in in_room}
    items[:] = in_room + [item for item in items if id(item) not in ids]
