"""Redacted derivatives of images, made in memory (issue 9).

Two kinds, both irreversible: the output is a brand-new PNG built from pixel values only,
so no EXIF, ICC profile, text chunk or embedded thumbnail of the original survives.

* ``pixelate``: the whole picture replaced by coarse blocks (each block one flat colour, the
  average of what it covered), then the colours quantised. Beyond recognition by design:
  a record-only case keeps proof that the image existed (hashes, where and when it was seen)
  without keeping a recognisable image.
* ``black_out``: chosen rectangles filled with solid black, the rest kept as it was, so the
  context of a screenshot (URL bar, account names, times, chat title) stays readable.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..common.errors import InputError

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 100_000_000
# Blocks across the longer side. Few enough that faces, bodies and text are gone.
DEFAULT_BLOCKS = 8
# Colour levels per channel after pixelation; coarse, so even block colours carry little.
DEFAULT_LEVELS = 4


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int


def _open(data: bytes) -> Image.Image:
    from . import imaging

    try:
        im = imaging.open_image(data, MAX_PIXELS)
        with im:
            # Only the first frame of an animation; and pixels only, in a plain mode.
            converted: Image.Image = imaging.decode(im).convert("RGB")
            return converted
    except Exception as e:  # any decoder failure (or too many pixels): the caller says "cannot redact"
        raise InputError(
            f"cannot decode image ({type(e).__name__})",
            ko="이미지를 읽을 수 없어 가린 사본을 만들 수 없습니다.",
            en="The image could not be read, so no redacted copy can be made.",
        ) from e


def _png(im: Image.Image) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    # A fresh image from raw pixels: nothing of the original file's metadata comes along.
    clean = Image.frombytes("RGB", im.size, im.tobytes())
    clean.save(out, "PNG", optimize=False)
    return out.getvalue()


def pixelate(data: bytes, *, blocks: int = DEFAULT_BLOCKS, levels: int = DEFAULT_LEVELS) -> tuple[bytes, int, int]:
    """(png bytes, width, height): the picture at its own size, as ``blocks`` coarse blocks."""
    from PIL import Image

    im = _open(data)
    w, h = im.size
    scale = max(w, h) / max(1, blocks)
    bw, bh = max(1, round(w / scale)), max(1, round(h / scale))
    small = im.resize((bw, bh), Image.Resampling.BOX)
    step = 256 // levels
    small = small.point(lambda v: min(255, (v // step) * step + step // 2))
    big = small.resize((w, h), Image.Resampling.NEAREST)
    return _png(big), w, h


def black_out(data: bytes, regions: list[Rect]) -> tuple[bytes, int, int]:
    """(png bytes, width, height) with each region filled solid black."""
    from PIL import ImageDraw

    if not regions:
        raise InputError(
            "no regions",
            ko="가릴 영역을 하나 이상 고르세요.",
            en="Choose at least one area to black out.",
        )
    im = _open(data)
    draw = ImageDraw.Draw(im)
    for r in regions:
        x0, y0 = max(0, r.x), max(0, r.y)
        x1, y1 = min(im.width, r.x + r.w), min(im.height, r.y + r.h)
        if x1 > x0 and y1 > y0:
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=(0, 0, 0))
    return _png(im), im.width, im.height
