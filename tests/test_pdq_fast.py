"""PDQ's 64x64 downsample computed at the sampled points (core/evidence/pdq_fast.py) gives
the hashes and qualities of the C++ filter over every pixel, or steps aside."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from evidence_kit.core.evidence import pdq_fast
from evidence_kit.core.evidence import perceptual as pq
from tests.conftest import SHARED
from tests.test_pdq_grouping import encode
from tests.test_photos import camera_photo
from tests.test_realworld_images import sample_files

native = pytest.mark.skipif(pq._native_hasher() is None, reason="pdqhash without its C++ entry point")


def _box1d(vec: list[float], w: int) -> list[float]:
    """box1DFloat's four phases, written out as the C++ runs them (in float64)."""
    n, half = len(vec), (w + 2) // 2
    out = [0.0] * n
    total, size, li, ri, oi = 0.0, 0, 0, 0, 0
    for _ in range(half - 1):
        total += vec[ri]
        size += 1
        ri += 1
    for _ in range(w - half + 1):
        total += vec[ri]
        size += 1
        out[oi] = total / size
        ri += 1
        oi += 1
    for _ in range(n - w):
        total += vec[ri] - vec[li]
        out[oi] = total / size
        li += 1
        ri += 1
        oi += 1
    for _ in range(half - 1):
        total -= vec[li]
        size -= 1
        out[oi] = total / size
        li += 1
        oi += 1
    return out


@pytest.mark.parametrize("n", [64, 65, 127, 128, 129, 255, 700, 1004, 1512, 2016, 3024])
def test_filter_rows_are_box1d_twice_then_decimate(n: int) -> None:
    rnd = random.Random(n)
    vec = [rnd.uniform(0, 255) for _ in range(n)]
    w = pdq_fast.window_size(n)
    expected = _box1d(_box1d(vec, w), w)
    weights, spans = pdq_fast.filter_rows(n)
    got = weights.astype(np.float64) @ np.array(vec)
    for j, pos in enumerate(pdq_fast.sample_positions(n)):
        assert got[j] == pytest.approx(expected[pos], abs=1e-3)
        a, b = spans[j]
        assert a <= pos < b and not weights[j, :a].any() and not weights[j, b:].any()


def _both(im: Image.Image) -> tuple[tuple[str, int], tuple[str, int], bool]:
    """(pdqhash's way: numpy luma and the C++ filter over every pixel; the import's way:
    Pillow luma in bands of rows and the sampled filter unless rounding could matter;
    whether the sampled filter was used)."""
    rgb = pq._rgb_array(im)
    used = pdq_fast.downsample(pq._luma(rgb)) is not None
    return pq._compute_native(pq._native_hasher(), rgb), pq.pdq_from_image(im), used


@native
def test_photos_hash_the_same_both_ways_and_mostly_take_the_fast_path() -> None:
    fast = 0
    for seed in range(12):
        data = encode(camera_photo(300 + seed), "JPEG", quality=90)
        im = pq.decode_image(data, min_side=pq.PDQ_MIN_SIDE)  # 2016x1512, as at import
        full, quick, used = _both(im)
        assert quick == full, seed
        fast += used
    assert fast >= 6  # 7 of these 12: smooth, low-contrast scenes sit closer to the median


@native
def test_flat_screenshots_and_drawings_take_the_full_filter() -> None:
    im = Image.new("RGB", (1170, 2532), "white")  # a phone chat screenshot's layout
    draw = ImageDraw.Draw(im)
    for y in range(0, 2532, 120):
        draw.rounded_rectangle([40, y + 10, 700 + (y * 7) % 300, y + 90], 24, fill=(255, 235, 51))
        draw.text((70, y + 40), f"message {y}", fill="black")
    gradient = Image.fromarray(np.tile(np.linspace(0, 255, 2000, dtype=np.uint8), (1200, 1))).convert("RGB")
    for picture in (im, gradient, Image.new("RGB", (2000, 1500), (40, 40, 40))):
        full, quick, used = _both(picture)
        assert quick == full
        assert not used


@native
def test_small_images_take_the_full_filter() -> None:
    arr = np.random.default_rng(5).integers(0, 256, (700, 900, 3), dtype=np.uint8)
    assert pdq_fast.downsample(pq._luma(arr)) is None


@native
@pytest.mark.skipif(not (SHARED / "vectors" / "pdq").is_dir(), reason="shared PDQ vectors not present")
def test_reference_images_large_enough_take_the_fast_path_unless_rounding_could_matter() -> None:
    """The five vector images over 1 MP: four go through the fast path (and
    tests/test_pdq_vectors.py checks their rows exactly); bridge-1-original has two
    coefficients 0.0027 apart at the median, so it takes the C++ filter."""
    images = SHARED / "vectors" / "pdq" / "images"
    for name, fast in (("bridge-1-original.jpg", False), ("bridge-2-rotate-90.jpg", True), ("bridge-5-flipx.jpg", True),
                       ("bridge-mods-blur-a-lot.jpg", True), ("pytx-letterboxed_sample-b.jpg", True)):
        with Image.open(images / name) as im:
            im.load()
            full, quick, used = _both(im)
        assert quick == full, name
        assert used is fast, name


@native
def test_real_world_images_hash_the_same_both_ways() -> None:
    """Pillow's and pillow-heif's own test images (not ours) that are large enough."""
    checked = 0
    for path in sample_files():
        try:
            im = pq.decode_image(path.read_bytes(), min_side=pq.PDQ_MIN_SIDE)
        except pq.PerceptualHashError:
            continue
        with im:
            if im.width * im.height < pdq_fast.MIN_PIXELS:
                continue
            full, quick, _ = _both(im if im.mode == "RGB" else im.convert("RGB"))
        assert quick == full, path.name
        checked += 1
    assert checked >= 3


def test_pillow_f_conversion_is_pdqhash_luma_for_every_rgb_value() -> None:
    """perceptual._pillow_luma relies on Pillow's RGB -> "F" giving pdqhash's float64-then-
    float32 luma bit for bit: checked over all 2^24 colours, a quarter at a time."""
    for quarter in range(4):
        v = np.arange(quarter << 22, (quarter + 1) << 22, dtype=np.uint32)
        rgb = np.stack([(v >> 16) & 255, (v >> 8) & 255, v & 255], axis=-1).astype(np.uint8).reshape(1024, 4096, 3)
        expected = pq._luma(rgb)
        got = pq._pillow_luma(Image.fromarray(rgb, "RGB"))
        assert got.dtype == np.float32
        assert np.array_equal(got, expected), quarter


@native
def test_every_mode_hashes_as_python_threatexchange_does() -> None:
    """Grey, grey+alpha, palette, RGBA and 16-bit pictures go through RGB first, as before."""
    import pdqhash

    base = camera_photo(7, (1400, 1000))
    for mode in ("L", "LA", "P", "RGBA", "I;16", "CMYK"):
        im = base.convert("L").convert(mode) if mode in ("LA", "I;16") else base.convert(mode)
        vector, quality = pdqhash.compute(pq._rgb_array(im))
        assert pq.pdq_from_image(im) == (pq._vector_to_hex(vector), int(quality)), mode
