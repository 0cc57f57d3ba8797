"""``report --pdf``: the report printed to PDF by a headless Chromium, the engine its test renders it with.

No network (the page has no link, script or font to fetch, and the browser's background services are off),
a fresh browser profile each time, removed afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HEADLESS_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--mute-audio")
PAPERS = {"a4": "A4", "letter": "letter"}
INSTALL_HINT = ("Making a PDF needs Chromium (on Debian/Ubuntu: sudo apt install chromium). Without it, open the "
                "HTML report in a browser and print it to PDF.")


class PdfUnavailable(Exception):
    """No headless browser to print with."""


def find_browser() -> str | None:
    """The first Chromium-family browser on the PATH."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def with_paper(html: str, paper: str) -> str:
    """The page with its paper size fixed (``a4`` or ``letter``), for printing to a file."""
    return html.replace("</head>", f"<style>@page {{ size: {PAPERS[paper]}; }}</style></head>", 1)


def headless(browser: str, args: list[str], page: Path, timeout: float = 90.0) -> subprocess.CompletedProcess[str]:
    """Run the browser headless on a local page with a fresh profile; returns the finished process."""
    with tempfile.TemporaryDirectory(prefix="voicecoach-browser-") as profile:
        return subprocess.run([browser, *HEADLESS_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                              capture_output=True, text=True, timeout=timeout, check=False)


def print_pdf(html: str, out: Path, paper: str = "a4", browser: str | None = None) -> None:
    """Print the page to a PDF file on the given paper. Raises PdfUnavailable, or OSError when it fails."""
    browser = browser or find_browser()
    if browser is None:
        raise PdfUnavailable(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="voicecoach-report-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(with_paper(html, paper), encoding="utf-8")
        target = out.resolve()
        done = headless(browser, ["--no-pdf-header-footer", f"--print-to-pdf={target}"], page)
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise OSError(f"{Path(browser).name} could not print the PDF ({detail[0]})")
