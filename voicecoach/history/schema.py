"""The history's SQLite schema, as numbered migrations (``PRAGMA user_version`` is the number applied).

Add a migration by appending to MIGRATIONS; never edit one that has been released. A file whose
user_version is above len(MIGRATIONS) was written by a newer voicecoach and is not touched.
"""

from __future__ import annotations

V1 = """
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT NOT NULL,              -- ISO 8601, UTC
    ended_at      TEXT,                       -- NULL until the session says how it ended
    last_event_at TEXT,                       -- the last thing written (an interrupted session's end)
    mode          TEXT NOT NULL,              -- voice | text
    command       TEXT NOT NULL,              -- session | triage | exercise
    outcome       TEXT,
    side          TEXT,
    flags         TEXT NOT NULL DEFAULT '[]', -- JSON list
    advice        TEXT NOT NULL DEFAULT '[]', -- JSON list of advice ids
    pain_before   INTEGER,
    pain_after    INTEGER,
    how           TEXT,                       -- finished | stopped | referred | no_input | interrupted; NULL: running
    exit_code     INTEGER,
    pid           INTEGER NOT NULL,           -- the process that writes it (to tell a crash from a live session)
    host          TEXT NOT NULL,
    process_start TEXT                        -- the process's start time where the platform tells it
);

CREATE TABLE answers (
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    value       TEXT,
    t           REAL NOT NULL,                -- seconds since the session started
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE exercises (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    exercise       TEXT NOT NULL,
    side           TEXT,
    level          TEXT NOT NULL,
    gentle         INTEGER NOT NULL DEFAULT 0,
    hold_seconds   INTEGER,
    reps           INTEGER NOT NULL,
    sets           INTEGER NOT NULL,
    per_side       INTEGER NOT NULL DEFAULT 0,
    change         TEXT,                      -- up | down | lowest: the progression's change for today
    change_from    TEXT,
    status         TEXT NOT NULL,             -- planned | started | completed | skipped | stopped
    holds_done     INTEGER NOT NULL DEFAULT 0,
    reps_done      INTEGER NOT NULL DEFAULT 0,
    sets_done      INTEGER NOT NULL DEFAULT 0,
    hold_durations TEXT NOT NULL DEFAULT '[]', -- JSON list of seconds held
    commands       TEXT NOT NULL DEFAULT '[]'  -- JSON list of command names
);

CREATE INDEX exercises_by_session ON exercises(session_id, position);
CREATE INDEX sessions_by_start ON sessions(started_at);
"""

MIGRATIONS: tuple[str, ...] = (V1,)
"""MIGRATIONS[n] takes the schema from version n to n + 1."""

LATEST = len(MIGRATIONS)
"""The schema version this code writes."""
