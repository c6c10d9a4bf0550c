"""Ingest benchmark: our hash+encrypt+fsync+commit against stock tools, in one run.

Generates a file (1 GiB by default), then measures on the same file:
  * `openssl dgst -sha256 FILE`
  * `age -r RECIPIENT -o OUT FILE`
  * our `Vault.add_file` in a child process: wall time from call to acknowledgement
    (SHA-256 + encryption + fsync + atomic rename + committed record), the child's
    peak RSS, and separately the deferred MD5/SHA-1 pass over the sealed copy.
Prints ratios. Usage: python benchmarks/ingest.py [--size-mib 1024] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from evidence_kit.core.keys import floor_params
from evidence_kit.core.vault import Vault
src, vpath = Path(sys.argv[1]), Path(sys.argv[2])
v = Vault.create(vpath, "benchmark passphrase", kdf=floor_params())
case = v.create_case("bench")
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
item = v.add_file(case.id, src).item
t_ack = time.perf_counter() - t0
t1 = time.perf_counter()
v.complete_legacy_hashes(item.id)
t_legacy = time.perf_counter() - t1
v.lock()
print(json.dumps({"ack": t_ack, "legacy": t_legacy, "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_before_kib": rss_before}))
"""


def timed(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=2, help="take the best of N runs of each tool")
    ap.add_argument("--dir", help="where to put the test file (default: a temp folder)")
    args = ap.parse_args()
    for tool in ("openssl", "age"):
        if not shutil.which(tool):
            print(f"{tool} not found: install it (scripts/setup.sh does)", file=sys.stderr)
            return 2
    work = Path(tempfile.mkdtemp(prefix="ek-bench-", dir=args.dir))
    try:
        src = work / "input.bin"
        with src.open("wb") as f:
            block = os.urandom(1 << 20)
            for i in range(args.size_mib):
                f.write(block[i % 7 :] + block[: i % 7])
            f.flush()
            os.fsync(f.fileno())
        # A recipient for age: any X25519 key will do.
        from evidence_kit.core.age import X25519Identity

        recipient = X25519Identity.generate().recipient().to_bech32()
        openssl_t = min(timed(["openssl", "dgst", "-sha256", str(src)]) for _ in range(args.repeat))
        age_runs = []
        for _ in range(args.repeat):
            out = work / "age.out"
            age_runs.append(timed(["age", "-r", recipient, "-o", str(out), str(src)]))
            out.unlink()
        age_t = min(age_runs)
        # The disk's own floor for "durable": a plain copy with fsync, no hashing at all.
        dd_runs = []
        for _ in range(args.repeat):
            out = work / "dd.out"
            dd_runs.append(timed(["dd", f"if={src}", f"of={out}", "bs=1M", "conv=fsync", "status=none"]))
            out.unlink()
        dd_t = min(dd_runs)
        ours = []
        for i in range(args.repeat):
            r = subprocess.run(
                [sys.executable, "-c", CHILD, str(src), str(work / f"vault{i}")],
                check=True,
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
            )
            ours.append(json.loads(r.stdout))
            shutil.rmtree(work / f"vault{i}")
        best = min(ours, key=lambda o: o["ack"])
        peak_mb = max(o["rss_kib"] for o in ours) / 1024
        size_mb = args.size_mib * 1.048576
        print(f"file: {args.size_mib} MiB, best of {args.repeat}, {os.cpu_count()} CPUs")
        print(f"openssl dgst -sha256     {openssl_t:7.3f} s  {size_mb / openssl_t:7.0f} MB/s")
        print(f"age -r                   {age_t:7.3f} s  {size_mb / age_t:7.0f} MB/s")
        print(f"openssl then age         {openssl_t + age_t:7.3f} s")
        print(f"dd conv=fsync (disk)     {dd_t:7.3f} s  {size_mb / dd_t:7.0f} MB/s  (copy made durable, no crypto)")
        print(f"evidence-kit ingest      {best['ack']:7.3f} s  {size_mb / best['ack']:7.0f} MB/s  (saved = durable)")
        print(f"  then MD5+SHA-1 pass    {best['legacy']:7.3f} s  (from the sealed copy, after saving)")
        print(f"ratio ingest / openssl sha256        {best['ack'] / openssl_t:5.2f}  (target <= 1.2)")
        print(f"ratio ingest / (openssl + age)       {best['ack'] / (openssl_t + age_t):5.2f}  (target < 1.0)")
        print(f"ratio ingest / dd conv=fsync         {best['ack'] / dd_t:5.2f}  (durability floor of this disk)")
        print(f"peak RSS of the ingest process       {peak_mb:6.1f} MB  (target < 150 MB)")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
