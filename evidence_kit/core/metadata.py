"""Facts about a file, from its first bytes, parsed defensively.

Hash first, parse later: by the time we get here the bytes are already hashed and sealed.
Parsers (Pillow, exifread) see only a bounded prefix held in memory, with Pillow's pixel
limit on; any failure becomes "metadata unavailable", never a failed import.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import unicodedata
import warnings
from typing import Any

log = logging.getLogger(__name__)

HEAD_BYTES = 1024 * 1024
MAX_PIXELS = 200_000_000
MAX_EXIF_TAGS = 200
MAX_EXIF_VALUE = 500

_MAGIC: list[tuple[bytes, int, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"BM", 0, "image/bmp"),
    (b"\x1a\x45\xdf\xa3", 0, "video/webm"),
    (b"OggS", 0, "audio/ogg"),
]


def sniff_media_type(head: bytes, name: str) -> str:
    for magic, off, mt in _MAGIC:
        if head[off : off + len(magic)] == magic:
            return mt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    guessed, _ = mimetypes.guess_type(name)
    if guessed:
        return guessed
    try:
        head[:4096].decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


def clean_text(value: str, limit: int = MAX_EXIF_VALUE) -> str:
    """Drop control and format characters (RTL overrides, NULs) from parser output."""
    out = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch in "\t")
    return out[:limit]


def image_facts(head: bytes) -> dict[str, Any]:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Corrupt EXIF" and friends: hostile input is expected
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(head)) as im:
            return {
                "format": str(im.format or ""),
                "width": int(im.width),
                "height": int(im.height),
                "mode": str(im.mode),
                "frames": int(getattr(im, "n_frames", 1)),
            }


def exif_tags(head: bytes) -> dict[str, str]:
    import exifread

    # exifread raises a zoo of exceptions on malformed input (IndexError, EOFError,
    # NotImplementedError, struct.error...); the caller treats any of them the same way.
    logging.getLogger("exifread").setLevel(logging.CRITICAL)
    tags = exifread.process_file(io.BytesIO(head), details=False, extract_thumbnail=False)
    out: dict[str, str] = {}
    for key in sorted(tags)[:MAX_EXIF_TAGS]:
        if "Thumbnail" in key or key in ("JPEGThumbnail", "TIFFThumbnail"):
            continue
        out[clean_text(str(key), 100)] = clean_text(str(tags[key]))
    return out


def extract(head: bytes, name: str) -> tuple[str, dict[str, Any], dict[str, str], str]:
    """(media type, image facts, EXIF, note). Never raises for bad content."""
    media_type = sniff_media_type(head, name)
    facts: dict[str, Any] = {}
    exif: dict[str, str] = {}
    notes: list[str] = []
    if media_type.startswith("image/"):
        try:
            facts = image_facts(head)
        except Exception as e:  # any parser failure is "metadata unavailable"
            log.info("image facts unavailable: %s", type(e).__name__)
            notes.append("image facts unavailable")
        if media_type in ("image/jpeg", "image/tiff", "image/heic", "image/webp", "image/png"):
            try:
                exif = exif_tags(head)
            except Exception as e:
                log.info("EXIF unavailable: %s", type(e).__name__)
                notes.append("EXIF unavailable")
    return media_type, facts, exif, "; ".join(notes)
