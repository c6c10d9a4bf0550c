"""Backup benchmark: a vault of 1,000 items / 5 GiB to another folder, first and incremental (issue 20).

Unlike the rekey benchmark, the blobs must be real age files: a backup decrypts and
authenticates every one of them before it says "complete". So the vault is built from
real random data (needs ~3x the size in free disk: vault, backup, cp copy).

Peer, measured in the same run on the same folder: ``cp -r`` (no fsync, no check), and
``cp -r`` followed by ``sync`` (what it takes for the copy to be on the disk at all). The
incremental run adds 10 items and backs up again; its peer is ``cp -r`` of the whole
folder again (what copying the vault by hand means).

Usage: python benchmarks/backup.py [--items 1000] [--total-gib 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.crypto.keys import floor_params
from evidence_kit.core.vault import backup as bk
from evidence_kit.core.vault.vault import Vault

PASSPHRASE = "benchmark passphrase"


def build(path: Path, items: int, per_item: int) -> float:
    t0 = time.perf_counter()
    v = Vault.create(path, PASSPHRASE, kdf=floor_params())
    case = v.create_case("bench")
    block = os.urandom(1 << 20)
    for i in range(items):
        # Distinct content per item (dedup), cheap to make: a random head and repeated filler.
        data = os.urandom(4096) + block * (per_item // len(block)) + block[: per_item % len(block)]
        v.add_bytes(case.id, data, ItemInput(name=f"item-{i}.bin", method="paste"))
    v.lock()
    return time.perf_counter() - t0


def cp(src: Path, dst: Path, sync: bool) -> float:
    shutil.rmtree(dst, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run(["cp", "-r", str(src), str(dst)], check=True)
    if sync:
        subprocess.run(["sync"], check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--total-gib", type=float, default=5.0)
    args = ap.parse_args()
    total = int(args.total_gib * (1 << 30))
    per_item = total // args.items
    work = Path(tempfile.mkdtemp(prefix="ek-backup-bench-", dir=os.environ.get("EK_BENCH_DIR")))
    os.environ.setdefault("EVIDENCE_KIT_STATE_DIR", str(work / "state"))
    try:
        vpath, dest, peer = work / "vault", work / "backup", work / "cp-copy"
        t_build = build(vpath, args.items, per_item)
        size = sum(p.stat().st_size for p in vpath.rglob("*") if p.is_file())
        print(f"vault: {args.items} items, {size / (1 << 30):.2f} GiB on disk, built in {t_build:.1f} s")

        v = Vault.unlock(vpath, PASSPHRASE)
        try:
            t0 = time.perf_counter()
            res = bk.backup(v, dest)
            t_first = time.perf_counter() - t0
            t_cp = cp(vpath, peer, sync=False)
            t_cps = cp(vpath, peer, sync=True)
            print(f"first backup: {t_first:.1f} s ({res.blobs_copied} files, {res.bytes_copied / (1 << 30):.2f} GiB "
                  f"copied, fsynced, read back; {res.items_verified} items decrypted and verified)")
            print(f"peer: cp -r {t_cp:.1f} s, cp -r + sync {t_cps:.1f} s")
            print(f"ratio first: backup / cp -r = {t_first / t_cp:.2f}, "
                  f"backup / (cp -r + sync) = {t_first / t_cps:.2f}")

            case = v.list_cases()[0]
            block = os.urandom(1 << 20)
            for i in range(10):
                v.add_bytes(case.id, os.urandom(4096) + block * (per_item >> 20),
                            ItemInput(name=f"new-{i}.bin", method="paste"))
            t0 = time.perf_counter()
            res2 = bk.backup(v, dest)
            t_incr = time.perf_counter() - t0
        finally:
            v.lock()
        t_cp2 = cp(vpath, peer, sync=False)
        t_cps2 = cp(vpath, peer, sync=True)
        print(f"incremental backup (+10 items): {t_incr:.1f} s ({res2.blobs_copied} files copied, "
              f"{res2.items_verified} items verified)")
        print(f"peer: cp -r {t_cp2:.1f} s, cp -r + sync {t_cps2:.1f} s")
        print(f"ratio incremental: backup / cp -r = {t_incr / t_cp2:.2f}, "
              f"backup / (cp -r + sync) = {t_incr / t_cps2:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
