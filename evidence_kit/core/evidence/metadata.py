"""Facts about a file, parsed defensively from bytes already hashed and sealed.

Hash first, parse later: by the time we get here the bytes are already hashed and sealed.
Parsers (Pillow, pillow-heif, exifread) see bytes held in memory: a bounded prefix, or the
whole plaintext of a small image kept by the ingest pass. Only headers are read here (the
pixels are decoded once, for PDQ, in perceptual); any failure becomes "metadata
unavailable", never a failed import.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import unicodedata
from typing import Any

from . import imaging

log = logging.getLogger(__name__)

HEAD_BYTES = 1024 * 1024
HEIF_TYPES = ("image/heic", "image/heif", "image/avif")
_EXIFREAD_TYPES = ("image/jpeg", "image/tiff", "image/webp", "image/png")
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
    # JPEG 2000: the JP2 signature box, and a bare codestream (.j2k/.j2c, which Python's
    # mimetypes does not know and which were typed application/octet-stream).
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", 0, "image/jp2"),
    (b"\xff\x4f\xff\x51", 0, "image/j2c"),
]


def sniff_media_type(head: bytes, name: str) -> str:
    for magic, off, mt in _MAGIC:
        if head[off : off + len(magic)] == magic:
            return mt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"):
            return "image/heic"
        if brand in (b"mif1", b"msf1"):
            # A generic HEIF brand: the compatible brands say whether it is AVIF inside.
            return "image/avif" if b"avif" in head[16:64] else "image/heif"
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


def _facts_of(im: Any) -> dict[str, Any]:
    return {
        "format": str(im.format or ""),
        "width": int(im.width),
        "height": int(im.height),
        "mode": str(im.mode),
        "frames": int(getattr(im, "n_frames", 1)),
    }


def image_facts(head: bytes) -> dict[str, Any]:
    with imaging.open_image(head, MAX_PIXELS) as im:
        return _facts_of(im)


def exif_tags(head: bytes) -> dict[str, str]:
    import exifread

    # exifread raises a zoo of exceptions on malformed input (IndexError, EOFError,
    # NotImplementedError, struct.error...); the caller treats any of them the same way.
    logging.getLogger("exifread").setLevel(logging.CRITICAL)
    tags = exifread.process_file(io.BytesIO(head), details=False, extract_thumbnail=False)
    return _clean_tags(tags)


def _clean_tags(tags: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in sorted(tags)[:MAX_EXIF_TAGS]:
        if "Thumbnail" in key or key in ("JPEGThumbnail", "TIFFThumbnail"):
            continue
        out[clean_text(str(key), 100)] = clean_text(str(tags[key]))
    return out


def extract(
    head: bytes, name: str, data: bytes | None = None
) -> tuple[str, dict[str, Any], dict[str, str], str]:
    """(media type, image facts, EXIF, note). Never raises for bad content.

    ``data``, the whole plaintext when the ingest pass kept it (small images), lets formats
    whose header may lie beyond ``head`` (HEIC) be read; pixels are never decoded here.
    """
    media_type = sniff_media_type(head, name)
    facts: dict[str, Any] = {}
    exif: dict[str, str] = {}
    notes: list[str] = []
    if media_type.startswith("image/"):
        im: Any = None
        try:
            im = imaging.open_image(data if data is not None else head, MAX_PIXELS)
            facts = _facts_of(im)
        except Exception as e:  # any parser failure is "metadata unavailable"
            log.info("image facts unavailable: %s", type(e).__name__)
            notes.append("image facts unavailable")
        try:
            if media_type in HEIF_TYPES:
                exif = heif_exif(im) if im is not None else {}
            elif media_type in _EXIFREAD_TYPES:
                exif = exif_tags(head)
        except Exception as e:
            log.info("EXIF unavailable: %s", type(e).__name__)
            notes.append("EXIF unavailable")
        finally:
            if im is not None:
                im.close()
    elif media_type.startswith("video/") and data is not None:
        from .video import video_facts

        facts, note = video_facts(data)  # never raises; a note says why when it cannot read
        if note:
            notes.append(note)
    return media_type, facts, exif, "; ".join(notes)


def heif_exif(im: Any) -> dict[str, str]:
    """EXIF of an opened HEIC/HEIF/AVIF image: the TIFF block Pillow found, read by exifread
    (so keys and values look exactly as for a JPEG: "EXIF DateTimeOriginal", "GPS ...")."""
    raw = im.info.get("exif")
    if not isinstance(raw, bytes | bytearray) or not raw:
        return {}
    raw = bytes(raw[: HEAD_BYTES])
    if raw.startswith(b"Exif\x00\x00"):
        raw = raw[6:]
    return exif_tags(raw)

