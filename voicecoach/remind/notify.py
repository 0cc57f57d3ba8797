"""Showing a reminder: a desktop notification (notify-send) where one can be shown, else a message kept for
the next time voicecoach starts in a terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

PENDING = "reminder-pending.txt"
"""In the data folder: the latest reminder nobody has seen yet."""


def _session_bus() -> dict[str, str]:
    """The environment, with the user's session bus found when cron left it out."""
    env = dict(os.environ)
    bus = Path(f"/run/user/{os.getuid()}/bus")
    if "DBUS_SESSION_BUS_ADDRESS" not in env and bus.exists():
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
    return env


def desktop(text: str) -> bool:
    """Show a desktop notification; False when there is no notify-send or it could not show one."""
    if shutil.which("notify-send") is None:
        return False
    try:
        done = subprocess.run(["notify-send", "--app-name=voicecoach", "voicecoach", text], env=_session_bus(),
                              capture_output=True, timeout=15, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def keep(folder: Path, text: str, now: datetime) -> Path:
    """Keep the reminder for the next terminal start (replacing an older one, which is out of date)."""
    path = folder / PENDING
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(f"Reminder ({now.astimezone():%a %d %b %H:%M}): {text}\n")
    return path


def take_pending(folder: Path) -> str | None:
    """The kept reminder, removed once read; None when there is none."""
    path = folder / PENDING
    try:
        text = path.read_text(encoding="utf-8").strip()
        path.unlink()
    except OSError:
        return None
    return text or None


def forget_pending(folder: Path) -> bool:
    """Remove a kept reminder; True when there was one."""
    path = folder / PENDING
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed
