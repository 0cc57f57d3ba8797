"""Text mode never imports the audio libraries, so it starts fast and works where PortAudio is broken; nor rich,
which only the live terminal view of voice mode draws with."""

import subprocess
import sys

AUDIO = ("pyaudio", "speech_recognition", "pyttsx3", "pocketsphinx", "onnxruntime")
NOT_IN_TEXT_MODE = (*AUDIO, "rich")


def test_a_text_session_imports_no_audio_library_nor_rich():
    code = (
        "import sys, io\n"
        "from voicecoach import app\n"
        "settings = app.Settings(text=True, time_scale=0)\n"
        "app.run('exercise', settings, [__import__('voicecoach.coach.catalogue', fromlist=['x']).plan_item('E2')],"
        " stdin=io.StringIO('1\\n1\\n'), stdout=io.StringIO())\n"
        f"print(sorted(m for m in {NOT_IN_TEXT_MODE!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == "[]"
