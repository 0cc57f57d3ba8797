"""Make docs/report-sample.html and docs/report-sample.png: a week and a half of sessions, typed through the
real app (text mode) on a simulated calendar ending today, then ``voicecoach report`` and a headless Chromium
screenshot of it.

    .venv/bin/python scripts/make_report_sample.py
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.history_helpers import SI_JOINT
from voicecoach import app
from voicecoach.history.pdf import find_browser, headless

DOCS = Path(__file__).resolve().parent.parent / "docs"
DAYS = (  # (days before today, hour, pain before, pain after); a day may hold one to three sessions
    (9, 8, 5, 4), (9, 19, 5, 4), (8, 8, 4, 4), (8, 13, 4, 3), (8, 19, 4, 4), (7, 9, 4, 3), (6, 8, 4, 4),
    (6, 19, 3, 3), (5, 8, 3, 5), (5, 19, 4, 3), (3, 8, 3, 3), (3, 19, 3, 2), (2, 8, 3, 2), (1, 8, 2, 2),
    (1, 19, 2, 2), (0, 8, 2, 1),
)


class Calendar:
    """A wall clock that starts each session at its simulated hour and moves a second per reading."""

    def __init__(self) -> None:
        self.now = datetime.now().astimezone()

    def set(self, days_ago: int, hour: int) -> None:
        """Start the next session at that time."""
        self.now = (datetime.now().astimezone() - timedelta(days=days_ago)).replace(hour=hour, minute=5, second=0)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def main() -> None:
    """Build the history, write the report, take the screenshot."""
    browser = find_browser()
    if browser is None:
        raise SystemExit("Chromium is needed for the screenshot: bash scripts/install.sh test")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        calendar = Calendar()
        for days_ago, hour, before, after in DAYS:
            calendar.set(days_ago, hour)
            settings = app.Settings(text=True, time_scale=0, data_dir=data)
            app.run("session", settings, stdin=io.StringIO(f"{SI_JOINT}{before}\n{after}\n"), stdout=io.StringIO(),
                    stderr=io.StringIO(), wall_clock=calendar)
        out = DOCS / "report-sample.html"
        subprocess.run([sys.executable, "-m", "voicecoach", "report", "--data-dir", str(data), "--out", str(out)],
                       check=True)
    done = headless(browser, [f"--screenshot={DOCS / 'report-sample.png'}", "--window-size=900,2300",
                              "--hide-scrollbars"], out)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    print(f"Wrote {out} and {DOCS / 'report-sample.png'}")


if __name__ == "__main__":
    main()
