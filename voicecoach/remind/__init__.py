"""Local exercise reminders (CLINICAL.md section 9b): a systemd user timer or a crontab line that runs
``voicecoach remind fire``, which says which exercises are due."""
