"""Installing and removing the reminder: a systemd user timer where a user systemd runs, else crontab lines.

Both are the user's own (no root, no network); ``off`` removes exactly what ``on`` wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voicecoach.remind.schedule import UNIT, cron_lines, cron_times, is_ours, timer_times, units


class RemindError(Exception):
    """The reminder cannot be installed or removed; the message says why."""


@dataclass(frozen=True)
class State:
    """Whether reminders are on, how, and at which times."""

    via: str | None
    """systemd, cron, or None (off)."""
    times: tuple[str, ...] = ()
    active: bool = True
    """systemd: the timer is running (False: files there, timer not started)."""


def _run(args: Sequence[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(list(args), input=stdin, capture_output=True, text=True, timeout=30, check=False)
    except OSError as err:
        raise RemindError(f"Cannot run {args[0]}: {err.strerror or err}") from err


def unit_folder() -> Path:
    """Where user units live: $XDG_CONFIG_HOME/systemd/user (default ~/.config/systemd/user)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def user_systemd() -> bool:
    """A user systemd manager answers (systemctl --user)."""
    return shutil.which("systemctl") is not None and _run(["systemctl", "--user", "show-environment"]).returncode == 0


def choose(via: str) -> str:
    """auto -> systemd where a user systemd runs, else cron where crontab is installed."""
    if via != "auto":
        return via
    if user_systemd():
        return "systemd"
    if shutil.which("crontab"):
        return "cron"
    raise RemindError("Reminders need a user systemd (systemctl --user) or cron (crontab); neither is here. "
                      "On Debian/Ubuntu: sudo apt install cron")


# --- systemd ------------------------------------------------------------------------------------------

def _systemctl(*args: str) -> None:
    done = _run(["systemctl", "--user", *args])
    if done.returncode != 0:
        raise RemindError(f"systemctl --user {' '.join(args)} failed: {done.stderr.strip() or done.returncode}")


def systemd_on(times: Sequence[str], command: Sequence[str]) -> list[Path]:
    """Write the units, reload, enable and start the timer; returns the files written."""
    folder = unit_folder()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in units(times, command).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    _systemctl("daemon-reload")
    _systemctl("enable", "--now", f"{UNIT}.timer")
    return written


def systemd_off() -> list[Path]:
    """Stop and disable the timer, delete the units; returns the files removed."""
    folder = unit_folder()
    paths = [folder / f"{UNIT}.timer", folder / f"{UNIT}.service"]
    if not any(p.exists() for p in paths):
        return []
    if shutil.which("systemctl"):
        _run(["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"])  # a timer never started is fine
    removed = [p for p in paths if p.exists()]
    for path in removed:
        path.unlink()
    if shutil.which("systemctl"):
        _run(["systemctl", "--user", "daemon-reload"])
    return removed


def systemd_state() -> State | None:
    """The systemd reminder, if its timer file is there."""
    timer = unit_folder() / f"{UNIT}.timer"
    if not timer.exists():
        return None
    active = shutil.which("systemctl") is not None and _run(
        ["systemctl", "--user", "is-active", f"{UNIT}.timer"]).stdout.strip() == "active"
    return State("systemd", timer_times(timer.read_text(encoding="utf-8")), active)


# --- cron ---------------------------------------------------------------------------------------------

def _crontab() -> list[str] | None:
    """The user's crontab lines; None when there is none (or no crontab command)."""
    if shutil.which("crontab") is None:
        return None
    done = _run(["crontab", "-l"])
    if done.returncode != 0:
        if "no crontab" in done.stderr.lower():
            return None
        raise RemindError(f"crontab -l failed: {done.stderr.strip() or done.returncode}")
    return done.stdout.splitlines()


def _write_crontab(lines: list[str]) -> None:
    done = _run(["crontab", "-r"]) if not lines else _run(["crontab", "-"], stdin="\n".join(lines) + "\n")
    if done.returncode != 0:
        raise RemindError(f"crontab failed: {done.stderr.strip() or done.returncode}")


def cron_on(times: Sequence[str], command: Sequence[str]) -> list[str]:
    """Replace our crontab lines (others are kept as they are); returns the lines added."""
    if shutil.which("crontab") is None:
        raise RemindError("crontab is not installed (on Debian/Ubuntu: sudo apt install cron)")
    kept = [line for line in _crontab() or [] if not is_ours(line)]
    added = cron_lines(times, command)
    _write_crontab(kept + added)
    return added


def cron_off() -> list[str]:
    """Remove our crontab lines (the crontab itself when nothing else is left); returns the lines removed."""
    lines = _crontab()
    if lines is None:
        return []
    ours = [line for line in lines if is_ours(line)]
    if ours:
        _write_crontab([line for line in lines if not is_ours(line)])
    return ours


def cron_state() -> State | None:
    """The cron reminder, if our lines are there."""
    lines = _crontab()
    times = cron_times(lines or [])
    return State("cron", times) if times else None
