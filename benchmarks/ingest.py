"""Ingest benchmark: `evidence-kit add` of a big file against stock tools, in one run.

Generates a file (1 GiB by default), then measures on the same file, best of N:
  * `openssl dgst -sha256 FILE`                 (hashing alone)
  * `dd if=FILE of=COPY bs=1M conv=fsync`       (this disk's floor for a durable copy)
  * `evidence-kit add FILE` through the CLI, from process start to exit: SHA-256, MD5 and
    SHA-1, encryption, fsync, atomic rename and the committed record, all before it
    returns. The same command adding a 1-byte file (start-up, unlock, commit) is measured
    in the same vault and subtracted, as is its peak RSS.
Target: add - add(1 byte) <= 1.1 x max(openssl, dd); peak RSS above the 1-byte add < 150 MB.

Usage: python benchmarks/ingest.py [--size-mib 1024] [--repeat 2] [--dir DIR]
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

PASSPHRASE = "benchmark passphrase 1"
SETUP = r"""
import sys
from pathlib import Path
from evidence_kit.core.crypto.keys import floor_params
from evidence_kit.core.vault.vault import Vault
v = Vault.create(Path(sys.argv[1]), sys.argv[2], kdf=floor_params())
v.create_case("bench")
v.lock()
"""


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one child process, start to exit."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {err}")
    return wall, int(usage.ru_maxrss)


def single_core(mib: int = 256) -> dict[str, float]:
    """Seconds per GiB of each algorithm of the pass on one core, in this run: the floor for
    the whole pass is the slowest one (MD5 cannot be split; each block depends on the last)."""
    import hashlib

    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    buf = os.urandom(1 << 20)
    out: dict[str, float] = {}
    for name in ("md5", "sha1", "sha256"):
        h = hashlib.new(name)
        t0 = time.perf_counter()
        for _ in range(mib):
            h.update(buf)
        out[name] = (time.perf_counter() - t0) * 1024 / mib
    aead, nonce = ChaCha20Poly1305(os.urandom(32)), bytes(12)
    t0 = time.perf_counter()
    for _ in range(mib):
        aead.encrypt(nonce, buf, None)
    out["chacha20-poly1305"] = (time.perf_counter() - t0) * 1024 / mib
    return out


def cli() -> list[str]:
    exe = Path(sys.executable).with_name("evidence-kit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evidence_kit"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=2, help="take the best of N runs of each tool")
    ap.add_argument("--dir", help="where to put the test file (default: a temp folder)")
    args = ap.parse_args()
    if not shutil.which("openssl"):
        print("openssl not found: install it (scripts/setup.sh does)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="ek-bench-", dir=args.dir))
    env = dict(os.environ, EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)
    try:
        src = work / "input.bin"
        with src.open("wb") as f:
            block = os.urandom(1 << 20)
            for i in range(args.size_mib):
                f.write(block[i % 7 :] + block[: i % 7])
            f.flush()
            os.fsync(f.fileno())
        tiny = work / "one-byte.bin"
        tiny.write_bytes(b"x")
        openssl_t = min(timed(["openssl", "dgst", "-sha256", str(src)])[0] for _ in range(args.repeat))
        dd_runs = []
        for _ in range(args.repeat):
            out = work / "dd.out"
            dd_runs.append(timed(["dd", f"if={src}", f"of={out}", "bs=1M", "conv=fsync", "status=none"])[0])
            out.unlink()
        dd_t = min(dd_runs)
        runs = []
        for i in range(args.repeat):
            vault = work / f"vault{i}"
            subprocess.run([sys.executable, "-c", SETUP, str(vault), PASSPHRASE], check=True)
            small = timed([*cli(), "--vault", str(vault), "add", str(tiny)], env)
            big = timed([*cli(), "--vault", str(vault), "add", str(src)], env)
            runs.append((big[0] - small[0], big, small))
            shutil.rmtree(vault)
        net, big, small = min(runs)
        rss_extra_mb = max((b[1] - s[1]) for _, b, s in runs) / 1024
        floor = max(openssl_t, dd_t)
        size_mb = args.size_mib * 1.048576
        print(f"file: {args.size_mib} MiB, best of {args.repeat}, {os.cpu_count()} CPUs")
        print(f"openssl dgst -sha256        {openssl_t:7.3f} s  {size_mb / openssl_t:7.0f} MB/s")
        print(f"dd conv=fsync (disk)        {dd_t:7.3f} s  {size_mb / dd_t:7.0f} MB/s  (copy made durable, no crypto)")
        print(f"evidence-kit add (1 byte)   {small[0]:7.3f} s  (start-up, unlock, commit)")
        print(f"evidence-kit add (file)     {big[0]:7.3f} s  (SHA-256+MD5+SHA-1, sealed, durable, recorded)")
        print(f"  minus the 1-byte add      {net:7.3f} s  {size_mb / net:7.0f} MB/s")
        print(f"ratio add / max(openssl, dd)        {net / floor:5.2f}  (target <= 1.1)")
        print(f"ratio add / openssl sha256          {net / openssl_t:5.2f}")
        print(f"ratio add / dd conv=fsync           {net / dd_t:5.2f}")
        print(f"peak RSS of add (file)              {big[1] / 1024:6.1f} MB")
        print(f"peak RSS above the 1-byte add       {rss_extra_mb:6.1f} MB  (target < 150 MB)")
        cores = single_core()
        print("one core, same run (s/GiB): " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items())
              + f"; sum {sum(cores.values()):.2f} core-s/GiB; load average {os.getloadavg()[0]:.2f}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
