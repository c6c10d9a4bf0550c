#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the whole test suite plus lint and type checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/ruff check evidence_kit tests benchmarks
.venv/bin/mypy evidence_kit/core
# Real-world samples (tests/test_realworld_*.py); a failed download fails the run.
bash scripts/fetch-samples.sh
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
