#!/usr/bin/env bash
# Build the one-folder app with PyInstaller (build.spec) and run the frozen self-check offscreen.
#
#   bash scripts/build.sh          -> dist/EvidenceKit/{evidence-kit-gui,evidence-kit}
#
# Needs the "build" extra (pyinstaller==6.22.3); installs it into .venv when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! .venv/bin/python -c "import PyInstaller" 2>/dev/null; then
  .venv/bin/python -m pip install -q -e ".[build]"
fi

start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
echo "built in $(( $(date +%s) - start )) s: $(du -sh dist/EvidenceKit | cut -f1) in dist/EvidenceKit"

# The CLI starts and knows its version.
dist/EvidenceKit/evidence-kit --version

# The GUI's self-check: offscreen even without a display (it forces the offscreen platform),
# loads fonts and translations, round-trips a throwaway vault (ciphertext only on disk), renders.
env -u DISPLAY -u WAYLAND_DISPLAY dist/EvidenceKit/evidence-kit-gui --self-check
echo "frozen self-check passed"
