"""Passphrase-change (rekey) benchmark: a vault of 1,000 items / 5 GiB (issue 15).

A rekey re-wraps each blob's age header and re-seals the metadata; it never reads a
payload. So the vault is built quickly: 1,000 real items (real age files, real records,
real custody log), then each blob is extended, sparsely, to the size it would have in a
5 GiB vault (``--sparse``, the default: the tail is a hole, the header is real). Without
``--sparse`` every item is a real encrypted file (needs the disk space and much longer).

Measured in the same run against a peer: re-encrypting the same amount of data with stock
``age`` (throughput measured on a real file, scaled to the vault's size), which is what a
rekey that re-encrypted the evidence would have to do at the least.

Usage: python benchmarks/rekey.py [--items 1000] [--total-gib 5] [--no-sparse]
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
from evidence_kit.core.vault.vault import Vault

PASSPHRASE = "benchmark passphrase"
NEW = "benchmark passphrase, new"


def build(path: Path, items: int, per_item: int, sparse: bool) -> float:
    t0 = time.perf_counter()
    v = Vault.create(path, PASSPHRASE, kdf=floor_params())
    case = v.create_case("bench")
    for i in range(items):
        data = os.urandom(4096) if sparse else os.urandom(per_item)
        v.add_bytes(case.id, data, ItemInput(name=f"item-{i}.bin", method="paste"))
    v.lock()
    if sparse:
        for p in path.glob("blobs/*/*.age"):
            os.truncate(p, per_item)  # the header stays real; the rest becomes a hole
    return time.perf_counter() - t0


def age_throughput(workdir: Path, size: int = 256 * 1024 * 1024) -> float | None:
    """Bytes per second of stock `age -e` on a real file (None if age is not installed)."""
    exe = shutil.which("age")
    if exe is None:
        return None
    src = workdir / "plain.bin"
    with src.open("wb") as f:
        for _ in range(size // (1 << 20)):
            f.write(os.urandom(1 << 20))
    key = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True).stdout
    recipient = next(line.split(": ")[1] for line in key.splitlines() if line.startswith("# public key"))
    t0 = time.perf_counter()
    subprocess.run([exe, "-r", recipient, "-o", str(workdir / "out.age"), str(src)], check=True)
    elapsed = time.perf_counter() - t0
    src.unlink()
    (workdir / "out.age").unlink()
    return size / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--total-gib", type=float, default=5.0)
    ap.add_argument("--no-sparse", action="store_true")
    args = ap.parse_args()
    total = int(args.total_gib * (1 << 30))
    per_item = total // args.items
    work = Path(tempfile.mkdtemp(prefix="ek-rekey-bench-"))
    os.environ.setdefault("EVIDENCE_KIT_STATE_DIR", str(work / "state"))
    try:
        vpath = work / "vault"
        t_build = build(vpath, args.items, per_item, not args.no_sparse)
        apparent = sum(p.stat().st_size for p in vpath.glob("blobs/*/*.age"))
        print(f"vault: {args.items} items, {apparent / (1 << 30):.2f} GiB of blobs "
              f"({'sparse tails' if not args.no_sparse else 'real data'}), built in {t_build:.1f} s")

        t0 = time.perf_counter()
        v = Vault.unlock(vpath, PASSPHRASE)
        t_unlock = time.perf_counter() - t0
        res = v.change_passphrase(PASSPHRASE, NEW, kdf=floor_params())
        t1 = time.perf_counter()
        v.lock()
        t_lock = time.perf_counter() - t1
        print(f"rekey: {res.blobs_rewrapped} blob headers re-wrapped, metadata re-sealed, "
              f"{res.seconds:.2f} s (+ unlock {t_unlock:.2f} s, final seal {t_lock:.2f} s)")
        Vault.unlock(vpath, NEW).lock()
        rate = age_throughput(work)
        if rate:
            reencrypt = apparent / rate
            print(f"peer: stock age encrypts {rate / (1 << 20):.0f} MiB/s here -> re-encrypting "
                  f"{apparent / (1 << 30):.2f} GiB would take >= {reencrypt:.0f} s")
            print(f"ratio: rekey is {reencrypt / res.seconds:.0f}x faster than re-encrypting with age")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
