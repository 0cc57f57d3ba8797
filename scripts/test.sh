#!/usr/bin/env bash
# Installs everything the tests need, then runs the linter, the type checker and the tests.
# Extra arguments go to pytest, e.g. "bash scripts/test.sh -k coach".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
bash scripts/lint.sh
status=0
# Two workers (pytest-xdist): the real-time sound-room tests run on one, one at a time, while the other
# works through the rest (tests/conftest.py groups them); "-n 0" as an argument runs everything in order.
.venv/bin/pytest -n 2 --dist loadgroup "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a broken test setup, not a pass" >&2
    exit 1
fi
exit "$status"
