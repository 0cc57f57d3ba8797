"""The history: every session kept in a local SQLite file, the progression and the red flag it
carries into the next session, and the reports drawn from it."""
