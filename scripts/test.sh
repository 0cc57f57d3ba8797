#!/usr/bin/env bash
# Installs everything the tests need, then runs the linter, the type checker and the tests.
# Extra arguments go to pytest, e.g. "bash scripts/test.sh -k coach".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
bash scripts/lint.sh
status=0
# One process: the real-time sound-room tests need the CPU when they run (on 2 cores, a second worker
# beside them made answers go unheard). Where there are cores to spare, "-n 2 --dist loadgroup" runs
# the room tests on one worker while the other takes the rest (tests/conftest.py groups them).
.venv/bin/pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a broken test setup, not a pass" >&2
    exit 1
fi
exit "$status"
