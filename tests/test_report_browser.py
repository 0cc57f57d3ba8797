"""Issue 14's acceptance for the clinician report, as a person sees it: a history made through the real CLI
(six sessions, as the history tests build it), the report written by ``voicecoach report``, then rendered by a
real headless Chromium to a PNG and printed to PDF on A4 and on Letter."""

import io
import re
import shutil
import unicodedata
from datetime import datetime, timedelta

import numpy as np
import pytest
from matplotlib import image
from pypdf import PdfReader

from tests.history_helpers import SI_JOINT, URGENT, cli_session, invoke, run_session
from voicecoach.history.pdf import find_browser, headless, with_paper

RISE_RGB = (0xC0, 0x39, 0x2B)


@pytest.fixture(scope="module")
def browser():
    found = find_browser()
    assert found, "Chromium is missing: 'bash scripts/install.sh test' installs it (Debian package chromium)"
    return found


@pytest.fixture(scope="module")
def six_sessions(tmp_path_factory):
    """Pain 3 -> 3 four times, 3 -> 5 (a rise of 2: the back extension steps down next time), 3 -> 3."""
    data = tmp_path_factory.mktemp("history")
    for before, after in ((3, 3), (3, 3), (3, 3), (3, 3), (3, 5), (3, 3)):
        assert cli_session(data, before, after).exit_code == 0
    return data


def write_report(data, out, *args):
    result = invoke(["report", "--data-dir", str(data), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    assert f"written to {out}" in result.stdout
    return out.read_text(encoding="utf-8")


def pdf_pages(browser, html, paper, folder):
    page = folder / f"report-{paper}.html"
    page.write_text(with_paper(html, paper), encoding="utf-8")
    pdf = folder / f"report-{paper}.pdf"
    done = headless(browser, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"], page)
    assert done.returncode == 0, done.stderr[-2000:]
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    return reader.pages


def page_text(pages):
    """The printed text, with the font's ligatures (fi, fl) undone and white space collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pages)))


def screenshot(browser, page, png, height=2200):
    done = headless(browser, [f"--screenshot={png}", f"--window-size=900,{height}", "--hide-scrollbars"], page)
    assert done.returncode == 0, done.stderr[-2000:]
    return (image.imread(png)[..., :3] * 255).round()


def test_the_report_renders_on_one_or_two_pages_with_the_chart_the_outcome_and_the_red_flags(
        browser, six_sessions, tmp_path):
    html = write_report(six_sessions, tmp_path / "report.html")
    assert not re.search(r"<script|<link|@import|url\(http|src=\"http", html), "self-contained: no script, no link"

    for paper, size in (("a4", (595, 842)), ("letter", (612, 792))):
        pages = pdf_pages(browser, html, paper, tmp_path)
        assert 1 <= len(pages) <= 2, f"{paper}: {len(pages)} pages"
        box = pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size, f"printed on {paper}"
        text = page_text(pages)
        for seen in ("Where the answers point", "SI_JOINT", "Your answers point to the SI joint on the right side. "
                     "This is not a diagnosis.", "Red flags", "No red-flag question was answered yes in the 6 stored "
                     "session(s)", "Pain before and after each session", "Pain rose by 2 or more in 1",
                     "pain rose by 2 or more", "3 \u2192 5", "210 of 210 lifts", "18 of 18 holds",
                     "E3 down, 15 lifts \u2192 standard", "Adherence to the rhythm", "Latest triage answers",
                     "It is not a diagnosis", "call emergency services"):
            assert seen in text, f"{paper}: {seen!r} not on the page"
        assert not re.search(r"\b(ibuprofen|paracetamol|naproxen|diclofenac|mg)\b", text, re.I)
        assert not re.search(r"you have (an? )?(sacroiliitis|spondylitis|inflammation|an? si joint)", text, re.I)

    rgb = screenshot(browser, tmp_path / "report.html", tmp_path / "report.png")
    assert rgb.std() > 20, "the page is not blank"
    assert (rgb.min(axis=-1) < 128).mean() > 0.02, "there is dark text on the page"
    rise = np.all(np.abs(rgb - RISE_RGB) < 12, axis=-1)
    assert rise.sum() > 40, "the pain chart draws the rise of 2 as a red arrow"


def test_a_red_flag_answered_yes_is_listed_with_its_question_and_date(browser, six_sessions, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(six_sessions, data)
    # --full-triage: the six sessions are recent, so this one would otherwise be a quick return (R0 first)
    referred = invoke(["--text", "--time-scale", "0", "--full-triage", "--data-dir", str(data)], URGENT)
    assert referred.exit_code == 3
    html = write_report(data, tmp_path / "report.html")
    pages = pdf_pages(browser, html, "a4", tmp_path)
    assert len(pages) <= 2
    text = page_text(pages)
    assert "A red-flag question was answered yes" in text
    assert "R3 Do you have new weakness in a leg, such as your foot dragging or your leg giving way? yes URGENT" in text
    assert "Latest triage, " in text and "URGENT" in text and "Your answers need a doctor's check today." in text
    rgb = screenshot(browser, tmp_path / "report.html", tmp_path / "report.png")
    referred_band = np.all(np.abs(rgb - (0xF4, 0xCC, 0xCC)) < 6, axis=-1)
    assert referred_band.sum() > 500, "the referred session is shaded in the pain chart"


def test_pdf_option_prints_beside_the_html(browser, six_sessions, tmp_path):
    out = tmp_path / "r.html"
    result = invoke(["report", "--data-dir", str(six_sessions), "--out", str(out), "--pdf", "--paper", "letter"])
    assert result.exit_code == 0, result.output
    assert "PDF (Letter) written to" in result.stdout
    reader = PdfReader(io.BytesIO((tmp_path / "r.pdf").read_bytes()))
    assert 1 <= len(reader.pages) <= 2
    assert round(float(reader.pages[0].mediabox.height)) == 792


def test_the_default_fourteen_sessions_over_ten_days_still_fit_two_pages(browser, tmp_path):
    """The longest report by default: 14 sessions (and two more before them, cut off) over ten days."""
    data = tmp_path / "data"
    clock = {"now": None}

    def wall_clock():
        clock["now"] += timedelta(seconds=1)
        return clock["now"]

    for n in range(16):
        clock["now"] = (datetime.now().astimezone() - timedelta(days=9 - n * 9 // 15)).replace(hour=8 + n % 3 * 5)
        run_session(data, wall_clock, f"{SI_JOINT}{3 + n % 2}\n{3 + (n == 7) * 2}\n")
    html = write_report(data, tmp_path / "report.html")
    assert "14 session(s) shown" in html and "16 stored in all" in html
    for paper in ("a4", "letter"):
        pages = pdf_pages(browser, html, paper, tmp_path)
        assert len(pages) <= 2, f"{paper}: {len(pages)} pages"
        assert "Latest triage answers" in page_text(pages[-1:]), f"{paper}: the last section is printed"
