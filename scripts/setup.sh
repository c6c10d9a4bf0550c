#!/usr/bin/env bash
# Sets up everything Evidence Kit needs on a fresh Debian machine: system packages
# (when missing and we may install them) and a virtualenv in .venv with the app and
# its test extras. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Qt (offscreen and X11)
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  # headless X server for capture tests, window manager and window tools
  xvfb xauth openbox xdotool x11-utils
  # Korean font and PDF checks, stock age for interop
  fonts-nanum poppler-utils age openssl
  # compilers for packages built from source
  g++ python3-dev python3-venv
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# pip runs again only when pyproject.toml changed (its hash is kept in .venv), so starting the
# app stays quick and quiet; pip's own chatter is shown only when it fails.
stamp=.venv/.evidence-kit-setup
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -x .venv/bin/evidence-kit ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "Evidence Kit is set up in .venv"
  exit 0
fi
rm -f "$stamp"
out="$(.venv/bin/python -m pip install -q --upgrade pip 2>&1 && .venv/bin/python -m pip install -q -e ".[test]" 2>&1)" || {
  printf '%s\n' "$out" >&2
  echo "Setting up .venv failed (see pip's messages above)." >&2
  exit 1
}
echo "$want" >"$stamp"
echo "Evidence Kit is set up in .venv"
