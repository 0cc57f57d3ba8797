#!/usr/bin/env bash
# The linter and the type checker, as CI runs them (after scripts/install.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check voicecoach tests scripts
.venv/bin/mypy
