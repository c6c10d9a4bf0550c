"""Redacted derivatives: irreversible, metadata-free, not recognisable (issue 9)."""

from __future__ import annotations

import io

import numpy as np
import pdqhash
import pytest
from PIL import Image

from evidence_kit.core.common.errors import InputError
from evidence_kit.core.evidence.redact import Rect, black_out, pixelate

from .conftest import CANARY, SHARED


def photo_like(w: int = 320, h: int = 240, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // w), (y * 255 // h), ((x + y) * 255 // (w + h))], axis=-1)
    noise = rng.integers(0, 40, (h, w, 3))
    arr = np.clip(base + noise, 0, 255).astype(np.uint8)
    arr[h // 4 : h // 2, w // 3 : w // 2] = [250, 20, 20]
    return Image.fromarray(arr)


def jpeg_with_canary_exif() -> bytes:
    im = photo_like()
    exif = Image.Exif()
    exif[0x010E] = CANARY.decode()  # ImageDescription
    exif[0x013B] = "photographer " + CANARY.decode()  # Artist
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95, exif=exif.tobytes())
    return buf.getvalue()


def pdq_of(data: bytes) -> np.ndarray:
    h, _ = pdqhash.compute(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    return h


def test_pixelate_is_coarse_clean_and_far() -> None:
    src = jpeg_with_canary_exif()
    out, w, h = pixelate(src)
    assert (w, h) == (320, 240)
    assert CANARY not in out
    im = Image.open(io.BytesIO(out))
    assert im.format == "PNG" and not im.getexif() and "exif" not in im.info
    arr = np.asarray(im.convert("RGB"))
    # at most 8 blocks across the longer side: few distinct colours, each a flat block
    assert len({tuple(p) for p in arr.reshape(-1, 3)}) <= 8 * 6
    block = 320 // 8
    tile = arr[0:block, 0:block].reshape(-1, 3)
    assert (tile == tile[0]).all()
    assert int((pdq_of(src) != pdq_of(out)).sum()) > 64  # match threshold is 31


def test_pixelate_bridge_reference_photo_far() -> None:
    data = (SHARED / "vectors" / "pdq" / "images" / "bridge-1-original.jpg").read_bytes()
    out, _, _ = pixelate(data)
    assert int((pdq_of(data) != pdq_of(out)).sum()) > 64


def test_black_out_regions_uniform_rest_kept() -> None:
    im = photo_like()
    buf = io.BytesIO()
    im.save(buf, "PNG")
    out, _, _ = black_out(buf.getvalue(), [Rect(10, 20, 50, 30), Rect(300, 200, 100, 100)])
    arr = np.asarray(Image.open(io.BytesIO(out)).convert("RGB"))
    assert (arr[20:50, 10:60] == 0).all()
    assert (arr[200:240, 300:320] == 0).all()
    orig = np.asarray(im)
    assert (arr[100:150, 100:150] == orig[100:150, 100:150]).all()


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"not an image"])
def test_undecodable_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(InputError) as ei:
        pixelate(data)
    assert "가린 사본" in ei.value.message("ko")


def test_black_out_needs_regions() -> None:
    buf = io.BytesIO()
    photo_like().save(buf, "PNG")
    with pytest.raises(InputError):
        black_out(buf.getvalue(), [])
