"""The clinician report's content and the ``report`` command: escaping, red flags from the data, --since,
--sessions, the default path, and clear errors. (Rendering in a real browser: test_report_browser.py.)"""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from tests.history_helpers import cli_session, invoke
from voicecoach.history import clinician, report_html
from voicecoach.history.adherence import Rhythm, adherence
from voicecoach.history.records import ExerciseRecord, SessionRecord
from voicecoach.triage.questions import questions

DAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def session(n, when, outcome="SI_JOINT", answers=None, exercises=(), how="finished", before=3, after=3):
    return SessionRecord(id=n, started_at=when, ended_at=when, mode="text", command="session", how=how,
                         outcome=outcome, answers=answers or {}, pain_before=before, pain_after=after,
                         exercises=tuple(exercises))


def done(exercise, status="completed"):
    return ExerciseRecord(exercise=exercise, side=None, level="standard", gentle=False, hold_seconds=None,
                          reps=10, sets=3, per_side=False, status=status, reps_done=30 if status == "completed" else 4)


def test_every_text_from_the_history_is_escaped():
    hostile = session(1, DAY, outcome="<script>alert(1)</script>", answers={"R1": "<img src=x>"})
    page = report_html.render(clinician.build([hostile], DAY))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x&gt;" in page


def test_red_flags_are_found_by_the_data_and_kept_from_before_the_period():
    red_ids = [q.id for q in questions() if q.is_red_flag or q.on_yes]
    assert len(red_ids) >= 8
    old = session(1, DAY, outcome="URGENT", answers={red_ids[-1]: "yes", red_ids[0]: "unclear"}, how="referred")
    later = session(2, DAY + timedelta(days=10), answers={q: "no" for q in red_ids})
    report = clinician.build([old, later], DAY + timedelta(days=10), since=date(2026, 3, 10))
    assert [s.id for s in report.sessions] == [2]
    assert [(r.id, r.answer) for r in report.red_flags] == [(red_ids[0], "unclear"), (red_ids[-1], "yes")]
    assert report.red_flags[1].text == next(q.question.text for q in questions() if q.id == red_ids[-1])
    assert [a.id for a in report.answers] == red_ids, "latest answers in the order the data asks them"


def test_adherence_counts_completed_exercises_per_day_against_the_rhythm_and_the_streaks():
    rhythm = Rhythm({"E2": 2, "E3": 2})
    day = [DAY + timedelta(days=d) for d in range(4)]
    sessions = [
        session(1, day[0], exercises=[done("E2"), done("E3")]),
        session(2, day[0] + timedelta(hours=9), exercises=[done("E2"), done("E3")]),
        session(3, day[1], exercises=[done("E2"), done("E3", "stopped")]),
        session(4, day[2], exercises=[done("E2"), done("E3")]),
        session(5, day[2] + timedelta(hours=9), exercises=[done("E2"), done("E3")]),
    ]
    result = adherence(sessions, day[3].date(), rhythm)
    assert [(d.sessions, d.done, d.on_rhythm) for d in result.days] == [
        (2, {"E2": 2, "E3": 2}, True), (1, {"E2": 1}, False), (2, {"E2": 2, "E3": 2}, True), (0, {}, False)]
    assert result.days[3].target == {"E2": 2, "E3": 2}, "a day without a session is due under the plan in force"
    assert result.streak_on_rhythm == 1, "today, not yet done, does not break the streak"
    assert result.streak_active == 3 and result.longest_on_rhythm == 1


def test_nothing_is_due_after_a_referral():
    result = adherence([session(1, DAY, exercises=[done("E2")]),
                        session(2, DAY + timedelta(days=1), outcome="URGENT", how="referred")],
                       (DAY + timedelta(days=2)).date(), Rhythm({"E2": 2}))
    assert [(d.referred, d.target) for d in result.days] == [(False, {"E2": 2}), (True, {}), (True, {})]


def test_report_command_writes_to_the_data_folder_and_honours_since_and_sessions(tmp_path):
    for before, after in ((4, 3), (3, 3), (3, 2)):
        cli_session(tmp_path, before, after)
    result = invoke(["report", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = next(tmp_path.glob("report-*.html"))
    assert f"Report of 3 session(s) written to {written}" in result.stdout
    assert "3 session(s) shown" in written.read_text()
    assert written.stat().st_mode & 0o777 == 0o600, "health data: readable by the user alone"
    two = invoke(["report", "--data-dir", str(tmp_path), "--sessions", "2", "--out", str(tmp_path / "two.html")])
    page = (tmp_path / "two.html").read_text()
    assert two.exit_code == 0 and "2 session(s) shown" in page and "3 stored in all" in page
    assert "4 \u2192 3" not in page and "3 \u2192 2" in page
    none = invoke(["report", "--data-dir", str(tmp_path), "--since", "2999-01-01", "--out", str(tmp_path / "n.html")])
    assert none.exit_code == 0 and "No sessions in this period" in (tmp_path / "n.html").read_text()
    assert "Report of 0 session(s) written to" in none.stdout


def test_report_user_errors_are_one_line_and_exit_2(tmp_path):
    bad_date = invoke(["report", "--data-dir", str(tmp_path), "--since", "last week"])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    bad_out = invoke(["report", "--data-dir", str(tmp_path), "--out", str(tmp_path / "no" / "such" / "r.html")])
    assert bad_out.exit_code == 2 and "Cannot write the report" in bad_out.stderr


def test_pdf_without_a_browser_says_what_to_install(tmp_path):
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "VOICECOACH_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "voicecoach", "report", "--pdf", "--out", str(tmp_path / "r.html")],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "needs Chromium" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "r.html").exists(), "the HTML is written all the same"


def test_the_report_says_what_the_coach_said_for_sharp_leg_pain():
    """SACROILIITIS_POSSIBLE through S4+S5 is spoken honestly (the SI joint or an irritated nerve); the
    report uses the same words, never the plainer inflammation wording the coach did not say."""
    leg = session(1, DAY, outcome="SACROILIITIS_POSSIBLE", answers={"S4": "yes", "S5": "yes"})
    assert "irritated nerve" in clinician.points_to(leg)
    inflammatory = session(2, DAY, outcome="SACROILIITIS_POSSIBLE", answers={"S4": "no", "A1": "yes"})
    assert clinician.points_to(inflammatory).startswith("Your answers point to a possible inflammation")
