"""PDQ benchmark: hashing throughput on 12-megapixel photos, and near-duplicate grouping.

1. Throughput: photo-like 4000 x 3000 images are generated in memory (1/f^2 coloured noise,
   shapes, sensor noise), JPEG-encoded (quality 90), then hashed the way ingest does it
   (``pdq_from_bytes``: decode in memory + pdqhash). Decode and hash times are also shown
   separately. Nothing touches the disk.
2. Grouping: N random 256-bit hashes (unrelated pictures are ~128 bits apart) plus planted
   near-duplicates (copies with 0-30 bits flipped), grouped with ``near_duplicate_groups``
   (multi-index hashing); the planted groups must all be found. For comparison the plain
   numpy popcount scan is timed on the same hashes, and the index on 10x more.

Usage: python benchmarks/pdq.py [--images 6] [--items 10000] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from evidence_kit.core.evidence import pdq_groups
from evidence_kit.core.evidence import perceptual as pq


def photo(seed: int, w: int, h: int) -> Image.Image:
    r = np.random.default_rng(seed)
    fy = np.fft.fftfreq(h).astype(np.float32)[:, None]
    fx = np.fft.fftfreq(w).astype(np.float32)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    chans = []
    for _ in range(3):
        spec = np.fft.fft2(r.standard_normal((h, w), dtype=np.float32)) / f**2
        spec[0, 0] = 0
        img = np.real(np.fft.ifft2(spec)).astype(np.float32)
        chans.append((img - img.mean()) / img.std())
    arr = 128 + 45 * np.stack(chans, axis=2) + r.normal(0, 4, (h, w, 3)).astype(np.float32)
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(4):
        x0, y0 = int(r.integers(0, w * 0.8)), int(r.integers(0, h * 0.8))
        s = int(r.integers(w // 8, w // 3))
        d.ellipse([x0, y0, x0 + s, y0 + s], fill=tuple(int(v) for v in r.integers(0, 256, 3)))
    return im


def throughput(n: int) -> dict[str, float]:
    jpegs = []
    for i in range(n):
        buf = io.BytesIO()
        photo(100 + i, 4000, 3000).save(buf, format="JPEG", quality=90)
        jpegs.append(buf.getvalue())
    pq.pdq_from_bytes(jpegs[0])  # warm up (imports, first allocation)
    t0, c0 = time.perf_counter(), time.process_time()
    qualities = [pq.pdq_from_bytes(data)[1] for data in jpegs]
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    t_decode = 0.0
    for data in jpegs:
        t = time.perf_counter()
        im = pq.decode_image(data)
        t_decode += time.perf_counter() - t
        im.close()
    return {
        "images": n,
        "megapixels": 12.0,
        "mean_jpeg_mib": sum(map(len, jpegs)) / n / 2**20,
        "seconds_per_image": total / n,
        "images_per_second": n / total,
        "cpu_seconds_per_image": cpu / n,  # less sensitive to other load on a shared machine
        "decode_seconds_per_image": t_decode / n,
        "hash_seconds_per_image": (total - t_decode) / n,
        "min_quality": min(qualities),
    }


def planted_hashes(n_random: int, n_groups: int, seed: int) -> tuple[list[str], list[set[int]]]:
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, (n_random, 32), dtype=np.uint8)
    hexes = [bytes(row).hex() for row in raw]
    truth = []
    for g in range(n_groups):
        members = {g}
        for _ in range(int(rng.integers(1, 4))):  # 1-3 re-posts of picture g
            v = int(hexes[g], 16)
            for b in rng.choice(256, int(rng.integers(0, 16)), replace=False):
                v ^= 1 << int(b)  # at most 15 bits from the original: chains stay within 31
            members.add(len(hexes))
            hexes.append(f"{v:064x}")
        truth.append(members)
    return hexes, truth


def grouping(n_items: int) -> dict[str, float]:
    n_groups = n_items // 20
    n_random = n_items - 2 * n_groups  # about two planted copies per group
    hexes, truth = planted_hashes(n_random, n_groups, seed=1)
    entries = [(str(i), h, 100) for i, h in enumerate(hexes)]
    t0, c0 = time.perf_counter(), time.process_time()
    groups = pdq_groups.near_duplicate_groups(entries)
    t_index, c_index = time.perf_counter() - t0, time.process_time() - c0
    found = {frozenset(int(k) for k in g.members) for g in groups}
    expected = {frozenset(t) for t in truth}
    words = pdq_groups.hash_words(hexes)
    t0 = time.perf_counter()
    scan = pdq_groups.brute_force_pairs(words, pq.MATCH_THRESHOLD)
    t_scan = time.perf_counter() - t0
    big, _ = planted_hashes(10 * n_random, 10 * n_groups, seed=2)
    t0, c0 = time.perf_counter(), time.process_time()
    big_groups = pdq_groups.near_duplicate_groups((str(i), h, 100) for i, h in enumerate(big))
    t_big, c_big = time.perf_counter() - t0, time.process_time() - c0
    return {
        "items": len(hexes),
        "planted_groups": len(expected),
        "groups_found": len(groups),
        "all_planted_found_exactly": found == expected,
        "index_seconds": t_index,
        "index_cpu_seconds": c_index,
        "scan_seconds": t_scan,
        "scan_pairs_within_threshold": len(scan[0]),
        "items_10x": len(big),
        "index_seconds_10x": t_big,
        "index_cpu_seconds_10x": c_big,
        "groups_found_10x": len(big_groups),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=6, help="12-megapixel photos to hash")
    ap.add_argument("--items", type=int, default=10_000, help="hashes to group")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else -1.0
    res = {
        "hasher": pq.hasher_info(),
        "cpus": os.cpu_count(),
        "load_average_1min_at_start": load,
        "throughput": throughput(args.images),
        "grouping": grouping(args.items),
    }
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    t, g = res["throughput"], res["grouping"]
    print(f"hasher: {res['hasher']['implementation']}, {res['hasher']['decoder']}; "
          f"{res['cpus']} CPUs, load average {load:.1f} at start (wall times suffer when it exceeds the CPUs)")
    print(
        f"PDQ on 12 MP JPEG photos ({t['mean_jpeg_mib']:.1f} MiB each, {t['images']} images): "
        f"{t['images_per_second']:.2f} images/s ({t['seconds_per_image'] * 1000:.0f} ms each: "
        f"decode {t['decode_seconds_per_image'] * 1000:.0f} ms + hash {t['hash_seconds_per_image'] * 1000:.0f} ms; "
        f"CPU {t['cpu_seconds_per_image'] * 1000:.0f} ms); min quality {t['min_quality']}"
    )
    print(
        f"grouping {g['items']:,} hashes: {g['index_seconds']:.2f} s "
        f"(CPU {g['index_cpu_seconds']:.2f} s, multi-index), "
        f"{g['groups_found']} groups, all {g['planted_groups']} planted groups found exactly: "
        f"{g['all_planted_found_exactly']}; numpy popcount scan of all pairs: {g['scan_seconds']:.2f} s"
    )
    print(
        f"grouping {g['items_10x']:,} hashes: {g['index_seconds_10x']:.2f} s (CPU {g['index_cpu_seconds_10x']:.2f} s, "
        f"{g['groups_found_10x']} groups)"
    )
    return 0 if g["all_planted_found_exactly"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
