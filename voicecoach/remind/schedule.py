"""The reminder's schedule as text: systemd user units, or crontab lines. Pure."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

UNIT = "voicecoach-remind"
TAG = "# voicecoach-remind (voicecoach remind off removes this line)"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class BadTimes(ValueError):
    """--times was not a list of HH:MM times."""


def parse_times(text: str) -> tuple[str, ...]:
    """"8:00, 13:00,19:30" -> ("08:00", "13:00", "19:30"), sorted, without duplicates."""
    times = set()
    for part in text.split(","):
        match = _TIME.match(part.strip())
        if match is None:
            raise BadTimes(f"{part.strip()!r} is not a time; write times as HH:MM, e.g. --times 08:00,13:00,19:00")
        times.add(f"{int(match[1]):02d}:{match[2]}")
    if not times:
        raise BadTimes("give at least one time, e.g. --times 08:00,19:00")
    return tuple(sorted(times))


def _systemd_word(arg: str) -> str:
    """One ExecStart word: specifiers (%) and variables ($) escaped, quoted when it has spaces or quotes."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if re.search(r"[\s\"'\\;]", arg):
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def units(times: Sequence[str], command: Sequence[str]) -> dict[str, str]:
    """The service and timer files, by file name."""
    service = (
        "[Unit]\n"
        "Description=voicecoach: say which exercises are due\n"
        "# Written by \"voicecoach remind on\"; \"voicecoach remind off\" removes it.\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={' '.join(_systemd_word(a) for a in command)}\n"
    )
    calendar = "".join(f"OnCalendar=*-*-* {t}:00\n" for t in times)
    timer = (
        "[Unit]\n"
        f"Description=voicecoach exercise reminders at {', '.join(times)}\n"
        "# Written by \"voicecoach remind on\"; \"voicecoach remind off\" removes it.\n\n"
        "[Timer]\n"
        f"{calendar}"
        "AccuracySec=1min\n"
        f"Unit={UNIT}.service\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def timer_times(timer: str) -> tuple[str, ...]:
    """The HH:MM times of a timer file written by :func:`units`."""
    return tuple(m[1] for m in re.finditer(r"^OnCalendar=\*-\*-\* (\d\d:\d\d):00$", timer, re.M))


def cron_lines(times: Sequence[str], command: Sequence[str]) -> list[str]:
    """One tagged crontab line per time (cron's % is escaped)."""
    words = " ".join(shlex.quote(a) for a in command).replace("%", "\\%")
    return [f"{int(t[3:])} {int(t[:2])} * * * {words} >/dev/null 2>&1 {TAG}" for t in times]


def is_ours(line: str) -> bool:
    """A crontab line written by :func:`cron_lines`."""
    return line.rstrip().endswith(TAG)


def cron_times(lines: Sequence[str]) -> tuple[str, ...]:
    """The HH:MM times of our crontab lines."""
    found = []
    for line in lines:
        if is_ours(line):
            minute, hour = line.split()[:2]
            found.append(f"{int(hour):02d}:{int(minute):02d}")
    return tuple(sorted(found))
