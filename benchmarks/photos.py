"""Photo import benchmark: `evidence-kit add` of a camera roll against Pillow decoding it.

Generates a folder of photo-like 12-MP JPEGs (smooth scenes with soft-edged shapes,
gradients and sensor grain, with iPhone-style EXIF; not noise) and HEIC photos made with
pillow-heif, then measures in the same run:
  * Pillow fully decoding every file once, one after another (the work any importer that
    looks at the pixels must at least do);
  * `evidence-kit add FOLDER` through the CLI, start to exit: hashes, sealing, durable
    commit, metadata and PDQ of every photo all done before it returns, minus the fixed
    start-up/unlock cost (the same command adding a 1-byte file).
Target: add - fixed cost <= 1.0 x Pillow's full decode.

It also reports how far the PDQ hashes of the reduced JPEG decode used at import are from
full-size hashes of the same files (bits; target <= 4 on typical photos).

A third set, "real HEIC", is the camera HEIC/HEIF photos (5 MP and more) among
pillow-heif's own test files, which scripts/fetch-samples.sh downloads into .cache/samples:
an iPhone's pug and arrow (12 MP), a Xiaomi (5 MP), Canon .hif files (12 and 33 MP, the
latter 10-bit), an Apple spatial photo; nobody here made them.

Usage: python benchmarks/photos.py [--jpegs 1000] [--heics 20] [--pdq-sample 40] [--dir DIR]
                                  [--bases 50 --cache /tmp/ek-photo-set] [--no-real-heic]
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

PASSPHRASE = "benchmark passphrase 1"
SIZE = (4032, 3024)  # a 12-MP phone camera
SETUP = r"""
import sys
from pathlib import Path
from evidence_kit.core.crypto.keys import floor_params
from evidence_kit.core.vault.vault import Vault
v = Vault.create(Path(sys.argv[1]), sys.argv[2], kdf=floor_params())
v.create_case("bench")
v.lock()
"""


def photo_like(seed: int, size: tuple[int, int] = SIZE) -> object:
    """A camera-like scene: sky/ground gradient, soft-edged shapes, fine grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    w, h = size[0] // 8, size[1] // 8
    top = tuple(rnd.randrange(256) for _ in range(3))
    bottom = tuple(rnd.randrange(256) for _ in range(3))
    ramp = Image.linear_gradient("L").resize((w, h))
    im = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), ramp)
    draw = ImageDraw.Draw(im)
    for _ in range(rnd.randrange(8, 40)):
        x0, y0 = rnd.randrange(-50, w), rnd.randrange(-50, h)
        box = [x0, y0, x0 + rnd.randrange(10, w // 2), y0 + rnd.randrange(10, h // 2)]
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=colour)
    im = im.filter(ImageFilter.GaussianBlur(rnd.uniform(0.5, 3))).resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, rnd.uniform(8, 30)).convert("RGB")
    return Image.blend(im, grain, 0.12)


def _exif(seed: int) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15 Pro"
    exif[0x8769] = {0x9003: f"2026:11:{1 + seed % 28:02d} 12:{seed % 60:02d}:00"}
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, float(seed % 60)), 3: "E", 4: (126.0, 58.0, 41.0)}
    return exif.tobytes()


def _make(job: tuple[Path, int, str]) -> int:
    path, seed, kind = job
    im = photo_like(seed)
    if kind == "heic":
        import pillow_heif

        buf = io.BytesIO()
        pillow_heif.from_pillow(im).save(buf, format="HEIF", quality=80, exif=_exif(seed))
        path.write_bytes(buf.getvalue())
    else:
        im.save(path, "JPEG", quality=90, exif=_exif(seed))  # type: ignore[attr-defined]
    return path.stat().st_size


def _make_derived(job: tuple[Path, int, int, int]) -> int:
    """One base scene per worker call, then ``count`` photos of it that differ in content and
    bytes: shifted by a few hundred pixels (as a second shot of the same scene is), brighter or
    darker, other EXIF times. Generating 1,000 scenes from scratch takes ~25 min here; this
    takes a few minutes and each photo is still a full 12-MP JPEG the importer must decode."""
    from PIL import ImageChops, ImageEnhance

    folder, base_seed, first, count = job
    base = photo_like(base_seed)
    rnd = random.Random(base_seed)
    size = 0
    for k in range(count):
        i = first + k
        im = ImageChops.offset(base, rnd.randrange(-400, 400), rnd.randrange(-300, 300))
        im = ImageEnhance.Brightness(im).enhance(rnd.uniform(0.8, 1.2))
        path = folder / f"IMG_{i:04d}.jpg"
        im.save(path, "JPEG", quality=90, exif=_exif(i))  # type: ignore[attr-defined]
        size += path.stat().st_size
    return size


def _jpeg_set(folder: Path, n: int, bases: int) -> int:
    """``n`` JPEGs in ``folder`` from ``bases`` scenes; an existing complete set is reused."""
    have = sorted(folder.glob("IMG_*.jpg"))
    marker = folder.parent / f"{folder.name}.complete-{n}-{bases}"  # beside it: the folder is what gets added
    if marker.exists() and len(have) == n:
        return sum(p.stat().st_size for p in have)
    for p in have:
        p.unlink()
    per = -(-n // bases)
    jobs = [(folder, b, b * per, min(per, n - b * per)) for b in range(bases) if b * per < n]
    with Pool(os.cpu_count() or 1) as pool:
        total = sum(pool.map(_make_derived, jobs, chunksize=1))
    marker.write_text("")
    return total


REAL_HEIC = Path(__file__).resolve().parents[1] / ".cache" / "samples" / "pillow-heif-1.8.1" / "pillow_heif-1.8.1"
REAL_HEIC_FILES = (
    "tests/images/heif_other/pug.heic",
    "tests/images/heif_other/arrow.heic",
    "tests/images/heif_other/cat.hif",
    "tests/images/heif_other/spatial_photo.heic",
    "tests/images/heif_special/xiaomi.heic",
    "tests/images/heif_special/aux_YCbCr.heic",
    "tests/images/heif_special/guitar_cw90.hif",
)


def _real_heic_set(folder: Path) -> int:
    """Copies of the real camera HEIC/HEIF samples (renamed IMG_* so the set is globbed alike)."""
    n = 0
    for i, rel in enumerate(REAL_HEIC_FILES):
        src = REAL_HEIC / rel
        if src.is_file():
            shutil.copyfile(src, folder / f"IMG_{9000 + i:04d}{src.suffix}")
            n += 1
    return n


def cli() -> list[str]:
    exe = Path(sys.executable).with_name("evidence-kit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evidence_kit"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t0


def pillow_decode_all(files: list[Path]) -> float:
    from PIL import Image

    from evidence_kit.core.evidence import imaging

    imaging.setup()  # registers the HEIF opener, nothing else that costs time
    t0 = time.perf_counter()
    for f in files:
        with Image.open(f) as im:
            im.load()
    return time.perf_counter() - t0


def pdq_spread(files: list[Path], sample: int) -> collections.Counter[int]:
    from evidence_kit.core.evidence import perceptual as pq

    spread: collections.Counter[int] = collections.Counter()
    for f in [f for f in files if f.suffix == ".jpg"][:sample]:
        data = f.read_bytes()
        spread[pq.hamming(pq.pdq_from_bytes(data, min_side=0)[0], pq.pdq_from_bytes(data)[0])] += 1
    return spread


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jpegs", type=int, default=1000)
    ap.add_argument("--heics", type=int, default=20)
    ap.add_argument("--pdq-sample", type=int, default=40, help="JPEGs hashed at full size too")
    ap.add_argument("--dir", help="where to put the photos (default: a temp folder)")
    ap.add_argument("--bases", type=int, default=0,
                    help="derive the JPEGs from this many scenes (shifted, brightness, EXIF); 0 = every one new")
    ap.add_argument("--cache", help="keep the generated JPEGs in this folder and reuse them next time")
    ap.add_argument("--no-real-heic", action="store_true", help="skip the real camera HEIC samples")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ek-photos-", dir=args.dir))
    env = dict(os.environ, EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)
    try:
        sets = {"JPEG": Path(args.cache) if args.cache else work / "jpeg", "HEIC": work / "heic",
                "real HEIC": work / "real-heic"}
        for folder in sets.values():
            folder.mkdir(parents=True, exist_ok=True)
        if not args.no_real_heic and not _real_heic_set(sets["real HEIC"]):
            print("real HEIC samples not found: run scripts/fetch-samples.sh (or pass --no-real-heic)")
        t0 = time.perf_counter()
        total = 0
        jobs = [(sets["HEIC"] / f"IMG_{5000 + i:04d}.heic", 5000 + i, "heic") for i in range(args.heics)]
        if args.bases:
            total += _jpeg_set(sets["JPEG"], args.jpegs, args.bases)
        else:
            jobs += [(sets["JPEG"] / f"IMG_{i:04d}.jpg", i, "jpeg") for i in range(args.jpegs)]
        with Pool(os.cpu_count() or 1) as pool:
            total += sum(pool.map(_make, jobs, chunksize=2))
        made = time.perf_counter() - t0
        print(f"generated {args.jpegs} JPEG + {args.heics} HEIC 4032x3024 ({total / 1e6:.0f} MB) in {made:.0f} s")
        subprocess.run(["sync"], check=False)
        tiny = work / "one-byte.bin"
        tiny.write_bytes(b"x")
        print(f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
        for kind, folder in sets.items():
            files = sorted(folder.glob("IMG_*"))
            if not files:
                continue
            for f in files:  # warm the page cache for both contenders alike
                f.read_bytes()
            decode_t = min(pillow_decode_all(files) for _ in range(2))
            vault = work / f"vault-{kind.replace(' ', '-')}"
            subprocess.run([sys.executable, "-c", SETUP, str(vault), PASSPHRASE], check=True)
            fixed = timed([*cli(), "--vault", str(vault), "add", str(tiny)], env)
            whole = timed([*cli(), "--vault", str(vault), "add", str(folder)], env)
            net = whole - fixed
            listed = subprocess.run(
                [*cli(), "--vault", str(vault), "--json", "list"], env=env, capture_output=True, text=True, check=False
            ).stdout
            n = len(files)
            print(f"--- {n} {kind} files")
            print(f"Pillow full decode, all files    {decode_t:8.2f} s  {decode_t / n * 1000:6.1f} ms/photo")
            print(f"evidence-kit add (1 byte)        {fixed:8.2f} s  (start-up, unlock)")
            print(f"evidence-kit add FOLDER          {whole:8.2f} s")
            print(f"  minus the fixed cost           {net:8.2f} s  {net / n * 1000:6.1f} ms/photo")
            print(f"ratio add / Pillow decode        {net / decode_t:8.2f}  (target <= 1.0)")
            with_pdq = sum(1 for it in json.loads(listed or "[]") if it.get("pdq"))
            print(f"items with a PDQ hash            {with_pdq} of {n}")
        spread = pdq_spread(sorted(sets["JPEG"].glob("IMG_*")), args.pdq_sample)
        dist = ", ".join(f"{bits} bits: {count}" for bits, count in sorted(spread.items()))
        print(f"PDQ of the reduced decode vs full size ({sum(spread.values())} JPEGs): {dist}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
