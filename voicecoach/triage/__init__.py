"""The triage: CLINICAL.md sections 1-6 as data (data/triage.toml, data/outcomes.toml) and a pure engine."""
