"""Previews of evidence, made in memory only: blurred by default.

Used by the PDF report (issue 8) and, later, by the desktop app. The evidence bytes are
decoded by Pillow with a pixel limit and with decompression-bomb warnings turned into
errors; nothing is ever written to disk here (the JPEG bytes returned are embedded in the
PDF, or shown on screen, by the caller).

Blurring is the default because the people who handle these reports (the victim, a
counselor, a desk officer) should not be shown abusive images by surprise: the image is
reduced to a coarse mosaic and then blurred, enough that it cannot be recognised while
its overall layout (a chat screenshot, a photo) stays visible. A clear preview is only made
when the caller asks for it explicitly.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Refuse to decode images larger than this (pixels), whatever the file size.
MAX_PREVIEW_PIXELS = 64_000_000
# Longest side of the preview image handed to the report or the GUI.
DEFAULT_MAX_SIDE = 480
# Blurred previews are made and embedded at this size (they carry no detail anyway).
BLURRED_SIDE = 200
# Mosaic cell size relative to the preview's longest side: about 20 blocks across.
_MOSAIC_DIVISOR = 20
_BLUR_RADIUS = 6

KIND_IMAGE = "image"
KIND_VIDEO = "video"
KIND_AUDIO = "audio"
KIND_PDF = "pdf"
KIND_TEXT = "text"
KIND_ARCHIVE = "archive"
KIND_OTHER = "other"


@dataclass(frozen=True)
class Preview:
    """A preview ready to show: ``jpeg`` is None when there is no picture to show."""

    kind: str  # one of the KIND_* values
    media_type: str
    jpeg: bytes | None = None
    width: int = 0
    height: int = 0
    blurred: bool = True
    problem: str = ""  # why there is no picture ("too-large", "undecodable", ...), for display


def kind_of(media_type: str) -> str:
    """The broad kind of a file, from its media type, for "shown by type" previews."""
    mt = media_type.lower()
    if mt.startswith("image/"):
        return KIND_IMAGE
    if mt.startswith("video/"):
        return KIND_VIDEO
    if mt.startswith("audio/"):
        return KIND_AUDIO
    if mt == "application/pdf":
        return KIND_PDF
    if mt.startswith("text/") or mt in ("application/json", "application/xml"):
        return KIND_TEXT
    if mt in (
        "application/zip",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/gzip",
        "application/x-tar",
    ):
        return KIND_ARCHIVE
    return KIND_OTHER


def _open_limited(data: bytes, max_pixels: int) -> Any:
    from . import imaging

    try:
        return imaging.open_image(data, max_pixels)
    except imaging.ImageLimitError as e:
        raise ValueError("image too large to preview") from e


def preview_image(
    data: bytes,
    *,
    blur: bool = True,
    max_side: int = DEFAULT_MAX_SIDE,
    max_pixels: int = MAX_PREVIEW_PIXELS,
) -> Any:
    """Decode ``data`` (in memory) into a small RGB ``PIL.Image``; blurred unless told otherwise.

    Raises ValueError (too many pixels) or any Pillow error for undecodable data; callers
    treat every failure as "no preview".
    """
    from PIL import Image, ImageFilter, ImageOps

    from . import imaging

    im = _open_limited(data, max_pixels)
    try:
        # JPEG can decode straight at a reduced scale: much faster for camera photos.
        target = min(max_side, BLURRED_SIDE) if blur else max_side
        im.draft("RGB", (target, target))
        imaging.decode(im)
        im = ImageOps.exif_transpose(im) or im
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGBA") if "A" in im.getbands() or im.mode == "P" else im.convert("RGB")
        if im.mode == "RGBA":
            bg = Image.new("RGB", im.size, (255, 255, 255))
            bg.paste(im, mask=im.getchannel("A"))
            im = bg
        elif im.mode != "RGB":
            im = im.convert("RGB")
        if blur:
            # Blurred previews need no detail: work (and embed) at a small size.
            side = min(max_side, BLURRED_SIDE)
            im.thumbnail((side, side), Image.Resampling.BILINEAR)
            w, h = im.size
            cell = max(1, max(w, h) // _MOSAIC_DIVISOR)
            small = im.resize((max(1, w // cell), max(1, h // cell)), Image.Resampling.BOX)
            im = small.resize((w, h), Image.Resampling.BILINEAR).filter(
                ImageFilter.GaussianBlur(_BLUR_RADIUS * side / DEFAULT_MAX_SIDE * 2)
            )
        else:
            im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        return im
    except BaseException:
        im.close()
        raise


def make_preview(
    data: bytes | None,
    media_type: str,
    *,
    blur: bool = True,
    max_side: int = DEFAULT_MAX_SIDE,
    max_pixels: int = MAX_PREVIEW_PIXELS,
    problem: str = "",
) -> Preview:
    """A preview for any file: a (blurred) JPEG for images, the kind alone for the rest.

    ``data`` may be None when the bytes are not available (record-only items, files too
    big to load): the result then carries only the kind and ``problem``.
    """
    kind = kind_of(media_type)
    if data is None or kind != KIND_IMAGE:
        return Preview(kind, media_type, blurred=blur, problem=problem)
    try:
        im = preview_image(data, blur=blur, max_side=max_side, max_pixels=max_pixels)
    except ValueError:
        return Preview(kind, media_type, blurred=blur, problem="too-large")
    except Exception as e:  # any decoder failure is "no preview", never a failed report
        log.info("preview unavailable: %s", type(e).__name__)
        return Preview(kind, media_type, blurred=blur, problem="undecodable")
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=80, optimize=False)
    w, h = im.size
    im.close()
    return Preview(kind, media_type, buf.getvalue(), w, h, blur)
