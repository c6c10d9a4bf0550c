#!/usr/bin/env bash
# Fetches real-world sample files for tests/test_realworld_images.py into .cache/samples/.
#
# The samples come from source distributions on PyPI (the only network CI has): Pillow's
# Tests/images (real camera JPEGs, TIFF, WebP, GIF, PNG, JPEG 2000 and the fuzzer crash,
# out-of-memory and timeout files Pillow collected), pillow-heif's tests/images (HEIC,
# AVIF, iPhone/Xiaomi/Canon files, truncated and corrupted ones) and moviepy's documentation
# media (a 55 s 720p H.264 Big Buck Bunny trailer, CC BY 3.0 Blender Foundation, and a few
# pictures). Each archive's SHA-256 is pinned here: a changed download is refused, never used. Any failure exits non-zero, so
# scripts/test.sh (and CI) fails instead of silently testing nothing.
# EK_SKIP_SAMPLES=1 skips the fetch (offline development); the test then skips too.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${EK_SKIP_SAMPLES:-}" = "1" ]; then
  echo "fetch-samples: EK_SKIP_SAMPLES=1, not fetching real-world samples" >&2
  exit 0
fi
PY="${PYTHON:-.venv/bin/python}"
CACHE=.cache/samples
mkdir -p "$CACHE/dl"
sha256() {  # the same on Linux, macOS (no sha256sum) and Git Bash on Windows
  "$PY" -c 'import hashlib, sys; print(hashlib.file_digest(open(sys.argv[1], "rb"), "sha256").hexdigest())' "$1"
}

# name version archive sha256 member-folder-inside-the-archive
SAMPLES=(
  "pillow 13.0.0 pillow-13.0.0.tar.gz cdcd1ba258178f7356d74170c9a81ba4eab6a5d55748bc402a5a2a6fe6be3510 pillow-13.0.0/Tests/images"
  "pillow-heif 1.8.1 pillow_heif-1.8.1.tar.gz 521ebffb8a181d56c3904e5a61f20903edee0d9d3275967b8fb345f866215c06 pillow_heif-1.8.1/tests/images"
  "moviepy 2.2.1 moviepy-2.2.1.tar.gz c80cb56815ece94e5e3e2d361aa40070eeb30a09d23a24c4e684d03e16deacb1 moviepy-2.2.1/docs/_static/medias"
)

for entry in "${SAMPLES[@]}"; do
  read -r name version file sha folder <<<"$entry"
  stamp="$CACHE/$name-$version.ok"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha" ]; then
    continue
  fi
  archive="$CACHE/dl/$file"
  if [ ! -f "$archive" ] || [ "$(sha256 "$archive")" != "$sha" ]; then
    rm -f "$archive"
    "$PY" -m pip download --quiet --no-binary :all: --no-deps "$name==$version" -d "$CACHE/dl"
  fi
  got=$(sha256 "$archive")
  if [ "$got" != "$sha" ]; then
    echo "fetch-samples: $archive has SHA-256 $got, expected $sha: refusing it" >&2
    exit 1
  fi
  rm -rf "${CACHE:?}/$name-$version"
  mkdir -p "$CACHE/$name-$version"
  # moviepy's docs also hold a 50 MB tutorial ZIP (a 10-minute video): left out to keep the test short.
  tar -xzf "$archive" -C "$CACHE/$name-$version" --exclude '*.zip' "$folder"
  echo "$sha" >"$stamp"
  echo "fetch-samples: $name $version: $(find "$CACHE/$name-$version" -type f | wc -l) files" >&2
done
