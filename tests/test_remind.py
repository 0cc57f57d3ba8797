"""``voicecoach remind``: what a reminder says (pure), the unit files checked by systemd-analyze, and round
trips through the installed console script on a temporary HOME: the real crontab (this machine and CI have no
user systemd manager), and the systemd files with a recording stand-in for systemctl."""

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.history_helpers import URGENT, cli_session, invoke
from voicecoach.history.adherence import Rhythm
from voicecoach.history.records import ExerciseRecord, SessionRecord
from voicecoach.remind.due import Kind, what_is_due
from voicecoach.remind.schedule import TAG, BadTimes, cron_lines, parse_times, units

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
VOICECOACH = [sys.executable, "-m", "voicecoach"]


def record(exercise, status="completed"):
    return ExerciseRecord(exercise=exercise, side=None, level="standard", gentle=False, hold_seconds=10, reps=3,
                          sets=1, per_side=False, status=status, holds_done=3)


def session(when, exercises=(), outcome="SI_JOINT", how="finished"):
    return SessionRecord(id=1, started_at=when, ended_at=when, mode="text", command="session", how=how,
                         outcome=outcome, exercises=tuple(exercises))


def test_what_is_due_follows_the_plan_and_the_rhythm():
    rhythm = Rhythm({"E1": 3, "E2": 2})
    today = NOW.astimezone().date()
    assert what_is_due([], today, rhythm).kind is Kind.FIRST
    yesterday = session(NOW - timedelta(days=1), [record("E1"), record("E2")])
    morning = session(NOW, [record("E1"), record("E2", "stopped")])
    reminder = what_is_due([yesterday, morning], today, rhythm)
    assert reminder.kind is Kind.DUE
    assert [(d.exercise, d.done, d.target) for d in reminder.due] == [("E1", 1, 3), ("E2", 0, 2)]
    assert reminder.text == ("Time for your exercises: knee to chest (1 of 3 today), bridge (0 of 2 today). "
                             "Start with: voicecoach")
    full = [session(NOW + timedelta(minutes=m), [record("E1"), record("E2")]) for m in range(3)]
    assert what_is_due(full, today, rhythm).kind is Kind.DONE
    assert not what_is_due(full, today, rhythm).shown


def test_nothing_is_due_after_a_referral_it_says_to_see_a_doctor():
    referred = session(NOW, outcome="URGENT", how="referred")
    reminder = what_is_due([session(NOW - timedelta(days=1), [record("E1")]), referred], NOW.date(), Rhythm({"E1": 3}))
    assert reminder.kind is Kind.DOCTOR and not reminder.due
    assert "see a doctor" in reminder.text and "exercises:" not in reminder.text


def test_times_are_checked_and_cron_lines_escape_percent():
    assert parse_times(" 19:30,8:00,08:00") == ("08:00", "19:30")
    for bad in ("8", "25:00", "08:60", "noon", ""):
        with pytest.raises(BadTimes):
            parse_times(bad)
    line = cron_lines(["07:05"], ["/a b/python", "--data-dir", "/d/50%"])[0]
    assert line.startswith("5 7 * * * '/a b/python' --data-dir /d/50\\% ") and line.endswith(TAG)


def test_systemd_analyze_accepts_the_unit_files(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: 'bash scripts/install.sh test' installs the systemd package"
    folder = tmp_path / "units"
    folder.mkdir()
    data = tmp_path / "my data 100%"
    for name, text in units(["08:00", "13:00", "19:00"], [*VOICECOACH, "remind", "fire", "--data-dir",
                                                          str(data)]).items():
        (folder / name).write_text(text)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    done = subprocess.run([analyze, "--user", "verify", str(folder / "voicecoach-remind.timer"),
                           str(folder / "voicecoach-remind.service")], capture_output=True, text=True,
                          env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)}, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr
    service = (folder / "voicecoach-remind.service").read_text()
    assert f'"{data}"'.replace("%", "%%") in service, "a path with a space is quoted, % escaped"


def console(home, *args, path=None, **env):
    """The installed console script, with a temporary HOME and no session bus (no desktop notification)."""
    environ = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
               "DBUS_SESSION_BUS_ADDRESS": f"unix:path={home}/no-bus", **env}
    if path is not None:
        environ["PATH"] = path
    return subprocess.run([shutil.which("voicecoach") or f"{sys.prefix}/bin/voicecoach", *args],
                          capture_output=True, text=True, env=environ, timeout=120, check=False)


def crontab_now():
    done = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else None


@pytest.mark.subprocess
def test_cron_round_trip_keeps_the_users_own_lines_and_leaves_nothing_after_off(tmp_path):
    assert shutil.which("crontab"), "crontab is missing: 'bash scripts/install.sh test' installs the cron package"
    before = crontab_now()
    own = (before or "") + "# a line of the user's own\n"
    subprocess.run(["crontab", "-"], input=own, text=True, check=True)
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    try:
        on = console(home, "remind", "on", "--via", "cron", "--data-dir", str(data))
        assert on.returncode == 0, on.stderr
        assert "Reminders are on, through your crontab, at 08:00, 13:00, 19:00" in on.stdout
        lines = crontab_now().splitlines()
        ours = [line for line in lines if line.endswith(TAG)]
        assert [line.split()[:2] for line in ours] == [["0", "8"], ["0", "13"], ["0", "19"]]
        assert "remind fire --data-dir" in ours[0] and "# a line of the user's own" in lines
        again = console(home, "remind", "on", "--via", "cron", "--times", "07:30", "--data-dir", str(data))
        assert again.returncode == 0
        replaced = [line for line in crontab_now().splitlines() if line.endswith(TAG)]
        assert len(replaced) == 1 and replaced[0].startswith("30 7 * * * ")
        status = console(home, "remind", "status", "--data-dir", str(data))
        assert "Reminders are on, through your crontab, at 07:30." in status.stdout
        off = console(home, "remind", "off", "--data-dir", str(data))
        assert off.returncode == 0 and "Removed: 1 crontab line(s)" in off.stdout
        assert crontab_now() == own
        assert "Reminders are off." in console(home, "remind", "status", "--data-dir", str(data)).stdout
        assert list(home.iterdir()) == [], "nothing written in HOME"
    finally:
        subprocess.run(["crontab", "-"], input=before, text=True, check=True) if before is not None else \
            subprocess.run(["crontab", "-r"], capture_output=True, check=False)
    assert crontab_now() == before


@pytest.mark.subprocess
def test_systemd_round_trip_writes_enables_and_removes_the_user_units(tmp_path):
    # No user systemd manager runs here (nor in CI's container), so systemctl is a stand-in that records its
    # arguments; the files it is asked to enable are checked by the real systemd-analyze above.
    home, data, bin_dir = tmp_path / "home", tmp_path / "data", tmp_path / "bin"
    home.mkdir()
    bin_dir.mkdir()
    log = tmp_path / "systemctl.log"
    stand_in = bin_dir / "systemctl"
    stand_in.write_text(f'#!/bin/sh\necho "$@" >> {log}\n[ "$2" = is-active ] && echo active\nexit 0\n')
    stand_in.chmod(0o755)
    path = f"{bin_dir}:{os.environ['PATH']}"
    on = console(home, "remind", "on", "--data-dir", str(data), path=path)
    assert on.returncode == 0, on.stderr
    assert "through a systemd user timer" in on.stdout
    folder = home / ".config" / "systemd" / "user"
    assert sorted(p.name for p in folder.iterdir()) == ["voicecoach-remind.service", "voicecoach-remind.timer"]
    assert "OnCalendar=*-*-* 13:00:00" in (folder / "voicecoach-remind.timer").read_text()
    assert "Reminders are on, through a systemd user timer, at 08:00, 13:00, 19:00." in console(
        home, "remind", "status", "--data-dir", str(data), path=path).stdout
    off = console(home, "remind", "off", "--data-dir", str(data), path=path)
    assert off.returncode == 0 and "Reminders are off." in off.stdout
    assert list(folder.iterdir()) == []
    calls = log.read_text().splitlines()
    assert "--user enable --now voicecoach-remind.timer" in calls
    assert "--user disable --now voicecoach-remind.timer" in calls
    assert all(call.startswith("--user ") for call in calls), "only the user's own manager, never the system's"


def test_fire_without_a_desktop_keeps_the_reminder_for_the_next_start(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    cli_session(data, 3, 3)
    fired = invoke(["remind", "fire", "--data-dir", str(data)])
    assert fired.exit_code == 0
    expected = "Time for your exercises: knee to chest (1 of 3 today), bridge (1 of 2 today), back extension (1 of 2"
    assert expected in fired.stdout
    assert "kept for the next start of voicecoach" in fired.stdout
    shown = invoke(["--data-dir", str(data), "history"])
    assert expected in shown.stderr and "Reminder (" in shown.stderr
    assert expected not in invoke(["--data-dir", str(data), "history"]).stderr, "shown once"


def test_fire_after_a_referral_says_to_see_a_doctor(tmp_path):
    data = tmp_path / "data"
    assert invoke(["--text", "--time-scale", "0", "--data-dir", str(data)], URGENT).exit_code == 3
    status = invoke(["remind", "status", "--data-dir", str(data)])
    assert "Now it would say: No exercises for now" in status.stdout and "see a doctor" in status.stdout


def test_bad_times_are_a_usage_error(tmp_path):
    result = invoke(["remind", "on", "--times", "8 am", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "HH:MM" in result.output
