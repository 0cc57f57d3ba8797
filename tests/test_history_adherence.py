"""Adherence in ``history`` (issue 14 part 4): sessions per day against the seed's rhythm, and the streaks, in
the table, the JSON and the CSV; over several simulated days through the real app."""

import csv
import io
import json
from datetime import datetime, timedelta

from tests.history_helpers import SI_JOINT, URGENT, invoke, run_session


class Days:
    """A wall clock on a simulated calendar: each session starts at the time set."""

    def __init__(self):
        self.now = None

    def at(self, days_ago, hour):
        self.now = (datetime.now().astimezone() - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0)

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


def build(data):
    days = Days()
    for days_ago, hour in ((3, 8), (3, 19), (2, 8), (2, 13), (2, 19), (1, 8)):
        days.at(days_ago, hour)
        run_session(data, days, f"{SI_JOINT}3\n3\n")
    days.at(0, 0)
    run_session(data, days, URGENT)


def day(days_ago):
    return (datetime.now().astimezone() - timedelta(days=days_ago)).date().isoformat()


def test_table_json_and_csv_show_each_day_against_the_rhythm_and_the_streaks(tmp_path):
    build(tmp_path)
    table = invoke(["history", "--data-dir", str(tmp_path)]).stdout.splitlines()
    start = table.index("Adherence to the rhythm (E1 3 a day, E2 2 a day, E3 2 a day), done / due each day:")
    rows = [line.split() for line in table[start + 1:start + 6]]
    assert rows[0] == ["day", "sessions", "E1", "E2", "E3", "on", "rhythm"]
    assert rows[1] == [day(3), "2", "2/3", "2/2", "2/2", "no"]
    assert rows[2] == [day(2), "3", "3/3", "3/2", "3/2", "yes"]
    assert rows[3] == [day(1), "1", "1/3", "1/2", "1/2", "no"]
    assert rows[4] == [day(0), "0", "-", "-", "-", "referred"]
    assert table[start + 6] == "Streak: 3 day(s) in a row with exercises, 0 on the rhythm (longest 1)."

    sessions = json.loads(invoke(["history", "--json", "--data-dir", str(tmp_path)]).stdout)
    third_day = [s["adherence"] for s in sessions
                 if datetime.fromisoformat(s["started_at"]).astimezone().date().isoformat() == day(2)]
    assert [a["session_of_day"] for a in third_day] == [1, 2, 3]
    assert third_day[0]["day"] == {"date": day(2), "sessions": 3, "done": {"E1": 3, "E2": 3, "E3": 3},
                                   "target": {"E1": 3, "E2": 2, "E3": 2}, "referred": False, "on_rhythm": True}
    assert (third_day[0]["streak_active_days"], third_day[0]["streak_on_rhythm_days"]) == (2, 1)
    assert sessions[-1]["adherence"]["day"]["referred"] is True

    rows = list(csv.DictReader(io.StringIO(invoke(["history", "--csv", "--data-dir", str(tmp_path)]).stdout)))
    assert [(r["sessions_that_day"], r["day_on_rhythm"]) for r in rows][:3] == [("2", "no"), ("2", "no"), ("3", "yes")]
