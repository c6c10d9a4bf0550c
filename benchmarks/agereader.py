"""Seekable sealed-file reader benchmark (issue 23: videos of any size).

A sealed blob of ``--gib`` GiB (random data, written by the project's own age writer) is read
start to end three ways, each in its own process so that its peak RSS is its own (os.wait4):

* through ``agereader.open_sealed`` (what compute_video, report key frames and the app use),
  in 1 MiB reads, hashing with SHA-256 as the vault's check does;
* through ``age.AgeReader.chunks()`` (the sequential decryptor), same hashing;
* ``age -d`` (stock Go age) to /dev/null: the peer.

Then 2,000 random 4 KiB reads through the seekable reader (what a demuxer does), per second.

Usage: python benchmarks/agereader.py [--gib 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evidence_kit.core.crypto import age

SEEKABLE = """
import hashlib, sys
from evidence_kit.core.crypto import age
from evidence_kit.core.crypto.agereader import open_sealed
ident = age.X25519Identity.from_bech32(open(sys.argv[2]).read().split()[-1])
h = hashlib.sha256()
with open(sys.argv[1], "rb") as raw, open_sealed(raw, [ident]) as f:
    while b := f.read(1 << 20):
        h.update(b)
"""
SEQUENTIAL = """
import hashlib, sys
from evidence_kit.core.crypto import age
ident = age.X25519Identity.from_bech32(open(sys.argv[2]).read().split()[-1])
h = hashlib.sha256()
with open(sys.argv[1], "rb") as raw:
    for b in age.AgeReader(raw, [ident]).chunks():
        h.update(b)
"""
RANDOM = """
import random, sys, time
from evidence_kit.core.crypto import age
from evidence_kit.core.crypto.agereader import open_sealed
ident = age.X25519Identity.from_bech32(open(sys.argv[2]).read().split()[-1])
rng = random.Random(1)
with open(sys.argv[1], "rb") as raw, open_sealed(raw, [ident]) as f:
    size = f.seek(0, 2)
    t0 = time.perf_counter()
    for _ in range(2000):
        f.seek(rng.randrange(size - 4096))
        assert len(f.read(4096)) == 4096
    print(f"{2000 / (time.perf_counter() - t0):.0f}")
"""


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB, stdout of a child process. RSS comes from /usr/bin/time: Linux
    keeps a process's peak RSS across exec, so a child forked from this (large) process would
    report at least this process's size."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    t0 = time.perf_counter()
    proc = subprocess.run([time_bin, "-f", "%M", *cmd], capture_output=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.decode(errors='replace')}")
    rss_kib = int(proc.stderr.decode().strip().splitlines()[-1])
    return seconds, rss_kib / 1024, proc.stdout.decode().strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.0)
    args = ap.parse_args()
    size = int(args.gib * (1 << 30))
    age_bin = shutil.which("age")
    with tempfile.TemporaryDirectory() as tmp:
        ident = age.X25519Identity.generate()
        key = Path(tmp) / "key.txt"
        key.write_text(ident.to_bech32() + "\n")
        blob = Path(tmp) / "blob.age"
        block = os.urandom(1 << 24)
        with open(blob, "wb") as out, age.AgeWriter(out, [ident.recipient()]) as w:
            for _ in range(size // len(block)):
                w.write(block)
            w.write(block[: size % len(block)])
        mib = size / (1 << 20)
        py = [sys.executable, "-c"]
        rows = [
            ("seekable reader (agereader)", measure([*py, SEEKABLE, str(blob), str(key)])),
            ("sequential AgeReader", measure([*py, SEQUENTIAL, str(blob), str(key)])),
        ]
        if age_bin:
            rows.append(("age -d (Go, peer)", measure([age_bin, "-d", "-i", str(key), "-o", "/dev/null", str(blob)])))
        _, _, rand = measure([*py, RANDOM, str(blob), str(key)])
    print(f"sealed blob: {mib:.0f} MiB")
    for name, (sec, rss, _) in rows:
        print(f"{name:30s} {sec:7.2f} s  {mib / sec:7.0f} MiB/s  peak RSS {rss:6.0f} MiB")
    if age_bin:
        print(f"ratio seekable reader / age -d: {rows[0][1][0] / rows[2][1][0]:.2f}x the time")
    print(f"random 4 KiB reads through the seekable reader: {rand} per second")


if __name__ == "__main__":
    main()
