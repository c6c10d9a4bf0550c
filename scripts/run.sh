#!/usr/bin/env bash
# Sets up Evidence Kit (scripts/setup.sh) and starts it.
#   bash scripts/run.sh            start the desktop app
#   bash scripts/run.sh ARGS...    run the command line: evidence-kit ARGS...
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
if [ "$#" -gt 0 ]; then
  exec .venv/bin/evidence-kit "$@"
fi
if .venv/bin/python -c "import evidence_kit.gui.app" 2>/dev/null; then
  exec .venv/bin/evidence-kit-gui
fi
exec .venv/bin/evidence-kit --help
