#!/usr/bin/env bash
# Installs everything the tests need, then runs the linter, the type checker and the tests.
# Extra arguments go to pytest, e.g. "bash scripts/test.sh -k coach".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
bash scripts/lint.sh
status=0
# Two workers: the real-time sound-room cases are split in two groups (tests/conftest.py), one per
# worker, each on its own private PulseAudio server; the other tests fill in around them. On a quiet
# 2-core machine this halves the time (one process: about 20 minutes). VOICECOACH_TEST_WORKERS=0 runs
# everything in one process (a machine already busy with other work: the room cases need the CPU).
workers="${VOICECOACH_TEST_WORKERS:-2}"
if [ "$workers" = "0" ]; then
    .venv/bin/pytest "$@" || status=$?
else
    .venv/bin/pytest -n "$workers" --dist loadgroup "$@" || status=$?
fi
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a broken test setup, not a pass" >&2
    exit 1
fi
exit "$status"
