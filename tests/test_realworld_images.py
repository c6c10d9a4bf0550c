"""Real-world and hostile image files, through the service into a real vault.

The samples are files nobody on this team wrote: Pillow's and pillow-heif's own test
images (real camera JPEGs and HEICs, every odd format Pillow reads, and the fuzzer crash,
out-of-memory, timeout and out-of-bounds files their maintainers collected), fetched from
PyPI by scripts/fetch-samples.sh into .cache/samples/ (pinned SHA-256). Without them this
test FAILS, unless EK_SKIP_SAMPLES=1 says this is an offline development run.

Each file is imported in a child process (tests/realworld_child.py) so a hang is caught
by a per-file time limit and anything a C decoder prints lands on a stderr we check.
Promises: every file is stored byte for byte (SHA-256 of what the vault gives back equals
the file's) or refused with a Korean and English message; never a traceback, never a
hang; no decoder output on stderr; preview and PDQ either there or plainly unavailable;
the vault verifies at the end; peak memory stays bounded.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf
from .test_cli import ek

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / ".cache" / "samples"
SETS = (
    SAMPLES / "pillow-13.0.0" / "pillow-13.0.0" / "Tests" / "images",
    SAMPLES / "pillow-heif-1.8.1" / "pillow_heif-1.8.1" / "tests" / "images",
    SAMPLES / "moviepy-2.2.1" / "moviepy-2.2.1" / "docs" / "_static" / "medias",
)
TRAILER = "trailer_bbb.mp4"  # 55 s of 1280x720 H.264 from moviepy's docs: a real camera-like video
# A file may take this long (a 33-megapixel 10-bit Canon HEIF takes ~8 s on one loaded core).
PER_FILE_SECONDS = 60.0
# The whole child (Python, Pillow, libheif, FFmpeg and the largest decoded photo) stays under this.
MAX_RSS_MIB = 1536
PREVIEW_STATES = {"jpeg", "undecodable", "too-large", "video", "audio", "pdf", "text", "archive", "other"}


def _drawn_by_pillow(path: Path) -> bool:
    """Pillow's own rendering references (text and shape drawing), not files from the world."""
    n = path.name
    return "imagedraw" in path.parts or (n.startswith(("imagedraw_", "test_")) and n.endswith(".png"))


def sample_files() -> list[Path]:
    missing = [s for s in SETS if not s.is_dir()]
    if missing:
        if os.environ.get("EK_SKIP_SAMPLES") == "1":
            pytest.skip("EK_SKIP_SAMPLES=1: real-world samples not fetched")
        pytest.fail(f"real-world samples missing ({missing[0]}): run scripts/fetch-samples.sh")
    files = sorted(p for s in SETS for p in s.rglob("*") if p.is_file() and not _drawn_by_pillow(p))
    return files


def run_child(
    vault: Path, files: list[Path], tmp: Path, policy: str = ""
) -> tuple[list[dict[str, Any]], str, list[str]]:
    """Import ``files`` in a child; returns its records, its stderr and the files it hung on."""
    records: list[dict[str, Any]] = []
    hangs: list[str] = []
    err_path = tmp / "child-stderr.txt"
    todo = list(files)
    with open(err_path, "wb") as err:
        while todo:
            listing = tmp / "list.txt"
            listing.write_text("\n".join(str(p) for p in todo) + "\n", "utf-8")
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.realworld_child", str(vault), str(listing), "verify"],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
                env={**os.environ, "EK_RW_POLICY": policy},
            )
            lines: queue.Queue[str | None] = queue.Queue()

            def pump(p: subprocess.Popen[str] = proc, q: queue.Queue[str | None] = lines) -> None:
                assert p.stdout is not None
                for line in p.stdout:
                    q.put(line)
                q.put(None)

            threading.Thread(target=pump, daemon=True).start()
            current, hung = -1, False
            while True:
                try:
                    line = lines.get(timeout=PER_FILE_SECONDS)
                except queue.Empty:
                    hung = True
                    proc.kill()
                    break
                if line is None:
                    break
                rec = json.loads(line)
                if "start" in rec:
                    current = rec["start"]
                    continue
                if "done" in rec:
                    rec["path"] = str(todo[rec["done"]])
                records.append(rec)
            proc.wait()
            if not hung:
                break
            hangs.append(str(todo[current]) if current >= 0 else "(before the first file)")
            todo = todo[current + 1 :]
    return records, err_path.read_text("utf-8", "replace"), hangs


def _check_record_only(path: str, rec: dict[str, Any], original: str) -> None:
    """A record-only item never holds the original: a pixelated copy whose hash the item
    records, or nothing but the hashes."""
    assert rec["retained"] is False, f"{path}: a record-only case kept the original"
    if rec["stored_sha256"] is None:
        assert rec["preview"] != "jpeg", path
        return
    assert rec["stored_sha256"] != original, f"{path}: the original's bytes are in the vault"
    assert rec["stored_sha256"] == rec["item_stored_sha256"], f"{path}: the copy is not the one recorded"
    assert rec["derivation"].startswith("pixelated"), (path, rec["derivation"])


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["", "record_only"])
def test_real_world_images_stored_or_refused_clearly(tmp_path: Path, policy: str) -> None:
    """``policy`` "" is a victim's case (originals kept); "record_only" a counselor's, where a
    picture is kept only as a pixelated copy and anything else only as its hashes."""
    files = sample_files()
    assert len(files) > 700, "the sample sets shrank: check scripts/fetch-samples.sh"
    t0 = time.monotonic()
    records, stderr, hangs = run_child(tmp_path / "vault", files, tmp_path, policy)
    elapsed = time.monotonic() - t0
    assert not hangs, f"no file may hang the import (limit {PER_FILE_SECONDS:.0f} s): {hangs}"
    assert stderr.strip() == "", f"nothing may reach stderr (decoder noise or a traceback):\n{stderr[:3000]}"

    done = {r["path"]: r for r in records if "done" in r}
    assert set(done) == {str(p) for p in files}
    crashes = {p: r["crash"] for p, r in done.items() if "crash" in r}
    assert not crashes, f"tracebacks instead of a stored item or a clear refusal: {crashes}"
    stored = 0
    for path, rec in done.items():
        if "refused" in rec:
            ref = rec["refused"]
            assert ref["en"] and ref["ko"] and ref["en"] != ref["ko"], path
            assert "Traceback" not in ref["en"] + ref["ko"], path
            continue
        stored += 1
        want = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        assert rec["sha256"] == want, f"{path}: the item's SHA-256 is not the file's"
        if policy == "record_only":
            _check_record_only(path, rec, want)
            continue
        assert rec["stored_sha256"] == want, f"{path}: the vault gives back other bytes"
        assert rec["preview"] in PREVIEW_STATES, (path, rec["preview"])
        if rec["media_type"].startswith(("image/", "video/")):
            # Facts (size, format, EXIF) are there, or the item says plainly they are unavailable.
            assert rec["image"] or "unavailable" in rec["metadata_note"], (path, rec["metadata_note"])
        if rec["preview"] == "jpeg" and rec["media_type"].startswith("image/"):
            # A picture the app can show is a picture it can hash perceptually.
            assert rec["pdq"] and len(rec["pdq"]) == 64, f"{path}: previewable but no PDQ"
        if rec["pdq"] is None:
            assert rec["preview"] != "jpeg" or not rec["media_type"].startswith("image/"), path
    assert stored > 600  # most of them are ordinary files in formats the app stores as they are
    (trailer,) = [r for p, r in done.items() if p.endswith(TRAILER)]
    assert trailer["media_type"] == "video/mp4"
    if not policy:
        # One PDQ per second of video (issue 23): 55 s give 55 or 56 frame hashes.
        assert 55 <= trailer["frames"] <= 56, trailer

    final = [r for r in records if "verify" in r]
    assert final and final[-1]["verify"] is True, final
    rss = max(r["maxrss_kib"] for r in records if "maxrss_kib" in r) // 1024
    assert rss < MAX_RSS_MIB, f"peak memory {rss} MiB"
    print(f"\nreal-world images ({policy or 'keep'}): {len(files)} files, {stored} stored, "
          f"{len(files) - stored} refused, peak RSS {rss} MiB, {elapsed:.1f} s")


def test_cli_add_of_hostile_tiffs_prints_no_decoder_noise(tmp_path: Path) -> None:
    """Through the CLI as a person runs it: Pillow logs "More samples per pixel than can be
    decoded" for these fuzzer files; the CLI saves them (they are evidence as they are) and
    prints only its own lines."""
    pillow = SETS[0]
    if not pillow.is_dir():
        sample_files()  # fails (or skips with EK_SKIP_SAMPLES=1) with the reason
    hostile = [*sorted(pillow.glob("oom-*.tif")), pillow / "libtiff_segfault.tif"]
    assert len(hostile) >= 2
    vault = tmp_path / "vault"
    Vault.create(vault, PASSPHRASE, kdf=fast_kdf()).lock()
    assert ek(vault, "case", "new", "fuzz").returncode == 0
    r = ek(vault, "add", *map(str, hostile))
    assert r.returncode == 0, r.stderr
    assert "More samples per pixel" not in r.stderr + r.stdout
    assert "Traceback" not in r.stderr
    assert ek(vault, "verify").returncode == 0
