"""PDQ on generated photo-like images, near-duplicate grouping, and hostile image bytes."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from evidence_kit.core.evidence import pdq_groups
from evidence_kit.core.evidence import perceptual as pq


def photo(seed: int, w: int = 640, h: int = 480) -> Image.Image:
    """A photo-like picture: 1/f^2 coloured noise (the spectrum of natural images), a few
    large shapes and sensor noise. Flat colours would have PDQ quality 0."""
    r = np.random.default_rng(seed)
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    chans = []
    for _ in range(3):
        spec = (r.normal(size=(h, w)) + 1j * r.normal(size=(h, w))) / f**2
        spec[0, 0] = 0
        img = np.real(np.fft.ifft2(spec))
        chans.append((img - img.mean()) / img.std())
    mix = r.normal(size=(3, 3)) * 0.4 + np.eye(3)
    arr = 128 + 45 * np.tensordot(np.stack(chans, axis=2), mix, axes=([2], [1])) + r.normal(0, 4, (h, w, 3))
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(3):
        x0, y0 = int(r.integers(0, w * 0.8)), int(r.integers(0, h * 0.8))
        s = int(r.integers(w // 8, w // 3))
        d.ellipse([x0, y0, x0 + s, y0 + s], fill=tuple(int(v) for v in r.integers(0, 256, 3)))
    return im


def encode(im: Image.Image, fmt: str = "PNG", **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def edits(im: Image.Image) -> dict[str, bytes]:
    """The re-posting edits the issue names."""
    w, h = im.size
    overlay = im.copy()
    ImageDraw.Draw(overlay).text((12, h - 28), "@reposter 2026-11-20", fill=(255, 255, 255))
    return {
        "resize": encode(im.resize((w // 2, h // 2), Image.Resampling.BILINEAR), "JPEG", quality=85),
        "jpeg40": encode(im, "JPEG", quality=40),
        "overlay": encode(overlay, "JPEG", quality=90),
        "crop10": encode(im.crop((w // 20, h // 20, w - w // 20, h - h // 20)), "JPEG", quality=90),
    }


SEEDS = (11, 12, 13, 14)


@pytest.fixture(scope="module")
def hashed() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for seed in SEEDS:
        im = photo(seed)
        out[f"{seed}/original"] = pq.pdq_from_bytes(encode(im))
        for name, data in edits(im).items():
            out[f"{seed}/{name}"] = pq.pdq_from_bytes(data)
    return out


def test_generated_photos_have_reliable_quality(hashed: dict[str, tuple[str, int]]) -> None:
    for key, (_h, quality) in hashed.items():
        assert quality >= pq.MIN_QUALITY, key


def test_edits_are_grouped_with_their_original(hashed: dict[str, tuple[str, int]]) -> None:
    groups = pdq_groups.near_duplicate_groups((k, h, q) for k, (h, q) in hashed.items())
    expected = {
        frozenset(f"{s}/{e}" for e in ("original", "resize", "jpeg40", "overlay")) for s in SEEDS
    }
    assert {frozenset(g.members) for g in groups} == expected
    for g in groups:
        assert g.max_link <= pq.MATCH_THRESHOLD
        assert all(0 <= d <= pq.MATCH_THRESHOLD for d in g.nearest)


def test_ten_percent_crop_is_beyond_pdq(hashed: dict[str, tuple[str, int]]) -> None:
    """PDQ is not crop-tolerant: cutting 5% off each side moves the 64x64 DCT grid enough to
    flip about a third of the bits. Stated here so nobody relies on it (docs/takedown.md)."""
    for seed in SEEDS:
        d = pq.hamming(hashed[f"{seed}/original"][0], hashed[f"{seed}/crop10"][0])
        assert d > pq.MATCH_THRESHOLD, seed


def test_different_pictures_are_far_apart(hashed: dict[str, tuple[str, int]]) -> None:
    originals = [hashed[f"{s}/original"][0] for s in SEEDS]
    for i, a in enumerate(originals):
        for b in originals[i + 1 :]:
            assert pq.hamming(a, b) > 2 * pq.MATCH_THRESHOLD


def _flip(hex_hash: str, bits: list[int]) -> str:
    v = int(hex_hash, 16)
    for b in bits:
        v ^= 1 << b
    return f"{v:064x}"


def test_threshold_is_inclusive_and_quality_gates_matching() -> None:
    base = "f" * 16 + "0" * 16 + "a5" * 16
    at = _flip(base, list(range(31)))
    over = _flip(base, list(range(32)))
    assert pq.hamming(base, at) == 31 and pq.hamming(base, over) == 32
    assert [g.members for g in pdq_groups.near_duplicate_groups([("a", base, 100), ("b", at, 100)])] == [("a", "b")]
    assert pdq_groups.near_duplicate_groups([("a", base, 100), ("b", over, 100)]) == []
    assert pdq_groups.near_duplicate_groups([("a", base, 100), ("b", at, 49)]) == []
    assert pdq_groups.near_duplicate_groups([("a", base, 100), ("b", at, 50)]) != []
    # Missing, malformed or quality-less entries are skipped, never an error.
    junk = [("x", None, 100), ("y", "zz" * 32, 100), ("z", base[:-2], 100), ("w", base, None)]
    assert pdq_groups.near_duplicate_groups([("a", base, 100), *junk]) == []


def test_single_linkage_chains() -> None:
    a = "0" * 64
    b = _flip(a, list(range(20)))
    c = _flip(b, list(range(100, 120)))
    assert pq.hamming(a, c) == 40
    (g,) = pdq_groups.near_duplicate_groups([("a", a, 100), ("b", b, 100), ("c", c, 100)])
    assert g.members == ("a", "b", "c")
    assert g.nearest == (20, 20, 20)
    assert g.max_link == 20


def _random_with_planted(n: int, planted: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    hexes = [bytes(row).hex() for row in base]
    for k in range(planted):
        bits = rng.choice(256, int(rng.integers(0, 36)), replace=False).tolist()
        hexes.append(_flip(hexes[k], bits))
    return hexes


def _pairs(found: tuple[object, object, object] | None) -> set[tuple[int, int, int]]:
    assert found is not None
    i, j, d = found
    return set(zip(i.tolist(), j.tolist(), d.tolist(), strict=True))  # type: ignore[attr-defined]


def test_multi_index_equals_brute_force(monkeypatch: pytest.MonkeyPatch) -> None:
    hexes = _random_with_planted(2000, 150, seed=7)
    words = pdq_groups.hash_words(hexes)
    for threshold in (31, 20, 8):
        assert _pairs(pdq_groups.index_pairs(words, threshold)) == _pairs(
            pdq_groups.brute_force_pairs(words, threshold)
        )
    monkeypatch.setattr(pdq_groups, "_BATCH", 97)  # candidates verified in many small slices: same answer
    assert _pairs(pdq_groups.index_pairs(words, 31)) == _pairs(pdq_groups.brute_force_pairs(words, 31))
    assert len(_pairs(pdq_groups.brute_force_pairs(words, 31))) >= 100  # the planted ones (distance 0..35)


def test_tight_clusters_fall_back_to_a_scan() -> None:
    rng = np.random.default_rng(3)
    root = bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex()
    cluster = [_flip(root, rng.choice(256, 3, replace=False).tolist()) for _ in range(400)]
    words = pdq_groups.hash_words(cluster)
    assert pdq_groups.index_pairs(words, 31) is None  # the index would compare nearly every pair anyway
    groups = pdq_groups.near_duplicate_groups((str(i), h, 100) for i, h in enumerate(cluster))
    assert len(groups) == 1 and len(groups[0].members) == 400


def test_hostile_bytes_are_outcomes_not_crashes() -> None:
    with pytest.raises(pq.PerceptualHashError) as e:
        pq.pdq_from_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    assert e.value.status == pq.STATUS_UNDECODABLE
    truncated = encode(photo(1), "JPEG", quality=90)[:2000]
    try:
        _h, quality = pq.pdq_from_bytes(truncated)
    except pq.PerceptualHashError as err:
        assert err.status == pq.STATUS_UNDECODABLE
    else:
        assert 0 <= quality <= 100
    # A PNG header claiming 60000 x 60000 pixels: refused before any pixel is allocated.
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    with pytest.raises(pq.ImageTooLargeError) as big:
        pq.pdq_from_bytes(png + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    assert big.value.status == pq.STATUS_TOO_LARGE
    assert big.value.message("ko") and big.value.message("en")


def test_modes_are_converted_like_threatexchange() -> None:
    im = photo(5, 160, 120)
    rgb, _ = pq.pdq_from_image(im)
    rgba = im.convert("RGBA")
    rgba.putalpha(7)
    assert pq.pdq_from_image(rgba)[0] == rgb  # alpha is dropped, not composited
    grey = im.convert("L")
    assert pq.pdq_from_image(grey) == pq.pdq_from_image(grey.convert("RGB"))
    for mode in ("P", "CMYK", "1", "I", "F"):
        hex_hash, quality = pq.pdq_from_image(im.convert(mode))
        assert len(hex_hash) == 64 and 0 <= quality <= 100
    _tiny, q = pq.pdq_from_bytes(encode(Image.new("RGB", (1, 1), (200, 10, 10))))
    assert q < pq.MIN_QUALITY and not pq.is_reliable(q)


def test_no_exif_rotation() -> None:
    """The reference hasher ignores EXIF orientation; so do we (a rotated view is another hash)."""
    im = photo(6, 320, 240)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    tagged = encode(im, "JPEG", quality=95, exif=exif.tobytes())
    plain = encode(im, "JPEG", quality=95)
    assert pq.pdq_from_bytes(tagged) == pq.pdq_from_bytes(plain)


def test_hamming_and_validation() -> None:
    assert pq.hamming("0" * 64, "f" * 64) == 256
    assert pq.hamming("0" * 63 + "1", "0" * 64) == 1
    assert pq.is_valid_hex("ab" * 32) and not pq.is_valid_hex("g" * 64) and not pq.is_valid_hex(None)
