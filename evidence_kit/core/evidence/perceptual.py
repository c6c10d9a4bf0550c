"""PDQ perceptual hashes of pictures, computed in memory (issue 10; reused by issue 9).

PDQ (Meta's 256-bit perceptual hash) finds the same picture after it was re-encoded,
resized, lightly cropped or re-posted. Hashes are computed in memory from decoded pixels,
never from a file on disk, by the PyPI ``pdqhash`` package (bindings to Meta's reference
C++ code) behind the narrow typed wrappers below, so the rest of the core never touches an
untyped module.

Decoding follows python-threatexchange, so our hashes equal those of the reference test
data exactly: Pillow decodes (with a pixel limit, no EXIF rotation: the reference hasher
does not apply it), grey, grey+alpha, 16-bit and palette images are converted to RGB, and
an alpha channel is dropped. Results still depend on the decoder, so
:func:`hasher_info` records the pdqhash, Pillow and libjpeg versions with every hash.

PDQ hashes are compared by Hamming distance, never by string equality (the reference
implementations disagree by up to ~10 bits on the same image). Two hashes at most
:data:`MATCH_THRESHOLD` (31) bits apart are taken as the same picture; a hash whose quality
is below :data:`MIN_QUALITY` (50) is "unreliable" (flat, tiny or almost empty images) and
is shown but never used for matching.

Large pictures are hashed faster without changing the result: a JPEG is decoded at the
smallest DCT scale keeping :data:`PDQ_MIN_SIDE` pixels (within 4 bits of the full-size hash
on photos), and PDQ's blur is evaluated only where it is sampled (:mod:`.pdq_fast`, which
hands back to the C++ filter whenever rounding could change a bit).

Grouping near-duplicates by these hashes is :mod:`.pdq_groups`.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..common.errors import EvidenceKitError

if TYPE_CHECKING:
    from ..common.model import Item

log = logging.getLogger(__name__)

MATCH_THRESHOLD = 31  # bits: at most this far apart = the same picture
MIN_QUALITY = 50  # below: "unreliable", not used for matching
MAX_PDQ_BYTES = 64 * 1024 * 1024  # larger image files are not decoded for PDQ
MAX_PDQ_PIXELS = 50_000_000  # decoding + pdqhash's float buffers need ~35 bytes a pixel
# JPEGs are decoded for PDQ at the smallest DCT scale (1/2..1/8) that keeps at least this
# many pixels on the short side. PDQ box-filters every image down to 64x64 anyway, so the
# detail lost is detail it averages away: a 12-MP photo decodes at 2016x1512 and its hash
# costs ~13x less. At 1024 every reference vector hashes exactly as before (at 512, the
# 2000x1404 letterboxed sample moved 4 bits); benchmarks/photos.py reports the spread
# against full-size hashes on generated photos.
PDQ_MIN_SIDE = 1024
MAX_HEADER_PIXELS = 250_000_000  # a JPEG this big still decodes at 1/8 under MAX_PDQ_PIXELS
UNLETTERBOX_THRESHOLD = 15  # python-threatexchange's default black threshold (per channel)
HASH_HEX_LEN = 64

# Why an item has no usable PDQ hash (PdqOutcome.status).
STATUS_OK = "ok"
STATUS_UNRELIABLE = "unreliable"  # hashed, but quality < MIN_QUALITY
STATUS_NOT_IMAGE = "not-image"
STATUS_NOT_RETAINED = "not-retained"  # record-only item with no stored PDQ
STATUS_TOO_LARGE = "too-large"
STATUS_UNDECODABLE = "undecodable"
STATUS_UNAVAILABLE = "unavailable"  # pdqhash is not installed

# Names of the eight dihedral transforms, in python-threatexchange's order.
DIHEDRAL = (
    "ORIGINAL",
    "ROTATE90",
    "ROTATE180",
    "ROTATE270",
    "FLIPX",
    "FLIPY",
    "FLIPPLUS1",
    "FLIPMINUS1",
)


class PerceptualHashError(EvidenceKitError):
    exit_code = 7
    status = STATUS_UNDECODABLE
    ko = "이미지를 읽을 수 없어 PDQ 해시를 만들 수 없습니다."
    en = "The image could not be decoded, so no PDQ hash could be made."


class ImageTooLargeError(PerceptualHashError):
    status = STATUS_TOO_LARGE
    ko = "이미지가 너무 커서 PDQ 해시를 만들지 않았습니다."
    en = "The image is too large to decode for a PDQ hash."


class PdqUnavailableError(PerceptualHashError):
    exit_code = 1
    status = STATUS_UNAVAILABLE
    ko = "PDQ 해시 모듈(pdqhash)이 설치되어 있지 않습니다."
    en = "The PDQ hash module (pdqhash) is not installed."


# --------------------------------------------------------------------- hashing


def _pdqhash() -> Any:
    try:
        import pdqhash
    except ImportError as e:  # a broken install or a frozen app without the module
        raise PdqUnavailableError("pdqhash") from e
    return pdqhash


def _vector_to_hex(vector: Any) -> str:
    import numpy as np

    bits = np.asarray(vector, dtype=np.uint8)
    if bits.shape != (256,):
        raise PerceptualHashError(f"unexpected PDQ vector shape {bits.shape}")
    return bytes(np.packbits(bits)).hex()


def _rgb_array(im: Any) -> Any:
    """An H x W x 3 uint8 array, converted the way python-threatexchange does."""
    import numpy as np

    if im.mode != "RGB":
        im = im.convert("RGB")
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


_NATIVE_SYMBOL = "_ZN8facebook3pdq7hashing23pdqHash256FromFloatLumaEPfS2_iiPA64_fS4_PA16_fRNS1_7Hash256ERi"
_native_lock = threading.Lock()
_native: list[Any] = []  # [function or None], resolved once


def _native_hasher() -> Any:
    """pdqhash's own C++ entry point (``pdqHash256FromFloatLuma``, exported by its extension
    module), called through ctypes so that the GIL is released while it runs.

    ``pdqhash.compute`` holds the GIL for the whole hash (~0.1 s for a 3-MP photo), which
    would serialise the import's PDQ workers; the same C++ function with the same float
    luma buffer gives bit-identical results (tests/test_pdq_vectors.py checks both ways).
    None when the symbol is not there (another build of pdqhash): then the slow path.
    """
    with _native_lock:
        if not _native:
            fn = None
            try:
                lib = ctypes.CDLL(_pdqhash().bindings.__file__)
                fn = getattr(lib, _NATIVE_SYMBOL)
                f32 = ctypes.POINTER(ctypes.c_float)
                fn.argtypes = [f32, f32, ctypes.c_int, ctypes.c_int, f32, f32, f32,
                               ctypes.POINTER(ctypes.c_uint16 * 16), ctypes.POINTER(ctypes.c_int)]
                fn.restype = None
            except (OSError, AttributeError, PdqUnavailableError) as e:
                log.debug("pdqhash native entry point unavailable: %s", type(e).__name__)
                fn = None
            _native.append(fn)
        return _native[0]


def _luma(rgb: Any) -> Any:
    """pdqhash.compute's luma exactly: float64 arithmetic in the same order, then float32;
    done a band of rows at a time so the temporaries stay in cache (twice as fast, same bits)."""
    import numpy as np

    height, width = rgb.shape[0], rgb.shape[1]
    gray = np.empty((height, width), dtype=np.float32)
    for y in range(0, height, 64):
        band = rgb[y : y + 64]
        acc = band[:, :, 0] * 0.299
        acc += band[:, :, 1] * 0.587
        acc += band[:, :, 2] * 0.114
        gray[y : y + 64] = acc
    return gray


def _hash_luma(fn: Any, gray: Any) -> tuple[str, int]:
    """pdqHash256FromFloatLuma over an H x W float32 luma buffer (which it overwrites)."""
    import numpy as np

    scratch = np.zeros_like(gray)
    b64 = np.zeros((64, 64), dtype=np.float32)
    b16x64 = np.zeros((16, 64), dtype=np.float32)
    b16 = np.zeros((16, 16), dtype=np.float32)
    words = (ctypes.c_uint16 * 16)()
    quality = ctypes.c_int(0)
    f32 = ctypes.POINTER(ctypes.c_float)
    fn(gray.ctypes.data_as(f32), scratch.ctypes.data_as(f32), gray.shape[0], gray.shape[1],
       b64.ctypes.data_as(f32), b16x64.ctypes.data_as(f32), b16.ctypes.data_as(f32),
       ctypes.byref(words), ctypes.byref(quality))
    # pdqhash's hash_to_vector: bit k is (w[k >> 4] >> (k & 15)) & 1, listed from k = 255 down.
    bits = [(words[(k & 255) >> 4] >> (k & 15)) & 1 for k in range(255, -1, -1)]
    return _vector_to_hex(bits), int(quality.value)


def _compute_native(fn: Any, rgb: Any) -> tuple[str, int]:
    """PDQ of an H x W x 3 uint8 array exactly as pdqhash.compute makes it (numpy luma, the
    C++ filter over every pixel): the reference the import's faster path is tested against."""
    return _hash_luma(fn, _luma(rgb))


LUMA_BAND = 256  # rows of luma made at a time from a decoded picture


def _pillow_luma_bands(rgb: Any) -> Iterator[tuple[int, Any]]:
    """pdqhash's luma through Pillow's own RGB -> "F" conversion, a band of rows at a time:
    bit-identical for every one of the 2^24 RGB values (tests/test_pdq_fast.py checks them
    all) and ~3x cheaper than packing the pixels into an RGB array and weighting them in
    numpy; bands keep every buffer small (no fresh pages for a 132-MB luma of 33 MP)."""
    import numpy as np

    for y in range(0, rgb.height, LUMA_BAND):
        band = rgb.crop((0, y, rgb.width, min(rgb.height, y + LUMA_BAND)))
        yield y, np.asarray(band.convert("F"))


def _pillow_luma(im: Any) -> Any:
    """The whole luma of a picture as one writable H x W float32 array (see the bands)."""
    import numpy as np

    rgb = im if im.mode == "RGB" else im.convert("RGB")
    gray = np.empty((rgb.height, rgb.width), dtype=np.float32)
    for y, band in _pillow_luma_bands(rgb):
        gray[y : y + band.shape[0]] = band
    return gray


def _compute(im: Any) -> tuple[str, int]:
    from . import pdq_fast

    fn = _native_hasher()
    if fn is None:
        vector, quality = _pdqhash().compute(_rgb_array(im))
        return _vector_to_hex(vector), int(quality)
    rgb = im if im.mode == "RGB" else im.convert("RGB")
    small = pdq_fast.downsample_strips(_pillow_luma_bands(rgb), rgb.height, rgb.width)
    if small is not None:
        return _hash_luma(fn, small)
    return _hash_luma(fn, _pillow_luma(rgb))  # the C++ filter over every pixel, in place


def decode_image(data: bytes, *, max_pixels: int = MAX_PDQ_PIXELS, min_side: int = 0) -> Any:
    """Decode ``data`` (in memory) into a loaded ``PIL.Image`` (first frame, no EXIF rotation).

    ``min_side`` > 0 lets a JPEG decode at a reduced DCT scale that keeps at least that
    many pixels on its short side (see :data:`PDQ_MIN_SIDE`); 0 decodes at full size.
    Raises :class:`ImageTooLargeError` or :class:`PerceptualHashError`; never writes anything.
    """
    from . import imaging

    try:
        # A reduced JPEG decode may bring a huge file under the limit: the header may say more.
        im = imaging.open_image(data, max(max_pixels, MAX_HEADER_PIXELS) if min_side else max_pixels)
    except imaging.ImageLimitError as e:
        if e.empty:
            raise PerceptualHashError("empty image") from e
        raise ImageTooLargeError(str(e)) from e
    except Exception as e:  # UnidentifiedImageError, OSError, ValueError, struct.error...
        raise PerceptualHashError(type(e).__name__) from e
    try:
        return imaging.decode(im, min_side, max_pixels)
    except imaging.ImageLimitError as e:
        im.close()
        raise ImageTooLargeError(str(e)) from e
    except Exception as e:  # truncated data, bad codec state
        im.close()
        raise PerceptualHashError(type(e).__name__) from e


def pdq_from_image(im: Any) -> tuple[str, int]:
    """PDQ hex and quality (0-100) of a decoded ``PIL.Image`` (e.g. a redacted derivative)."""
    try:
        return _compute(im)
    except EvidenceKitError:
        raise
    except Exception as e:  # a mode Pillow cannot convert to RGB (LAB, HSV...)
        raise PerceptualHashError(type(e).__name__) from e


def pdq_from_bytes(
    data: bytes,
    *,
    max_pixels: int = MAX_PDQ_PIXELS,
    unletterbox_threshold: int | None = None,
    min_side: int = PDQ_MIN_SIDE,
) -> tuple[str, int]:
    """PDQ hex and quality of an image file's bytes, decoded in memory (a JPEG at a
    reduced scale, see :data:`PDQ_MIN_SIDE`; ``min_side=0`` decodes at full size).

    ``unletterbox_threshold``: first crop black bars (rows/columns whose every pixel has
    all channels at or below it), as python-threatexchange's ``--photo-preprocess=unletterbox``.
    """
    im = decode_image(data, max_pixels=max_pixels, min_side=min_side)
    try:
        if unletterbox_threshold is not None:
            cropped = unletterbox(im, unletterbox_threshold)
            im.close()
            im = cropped
        return pdq_from_image(im)
    finally:
        im.close()


def pdq_dihedral_from_bytes(data: bytes, *, max_pixels: int = MAX_PDQ_PIXELS) -> dict[str, tuple[str, int]]:
    """PDQ of the image and its seven rotations/flips (``threatexchange hash --photo-preprocess=rotations``).

    Each transform is done on the pixels by Pillow and hashed separately (this is what the
    reference rows were made with; ``pdqhash.compute_dihedral``'s coefficient trick gives
    different bits on some images).
    """
    from PIL import Image

    t = Image.Transpose
    im = decode_image(data, max_pixels=max_pixels)
    try:
        base = im if im.mode == "RGB" else im.convert("RGB")
        variants = {
            "ORIGINAL": base,
            "ROTATE90": base.rotate(90, expand=True),
            "ROTATE180": base.rotate(180, expand=True),
            "ROTATE270": base.rotate(270, expand=True),
            "FLIPX": base.transpose(t.FLIP_TOP_BOTTOM),
            "FLIPY": base.transpose(t.FLIP_LEFT_RIGHT),
            "FLIPPLUS1": base.transpose(t.ROTATE_270).transpose(t.FLIP_LEFT_RIGHT),
            "FLIPMINUS1": base.transpose(t.ROTATE_90).transpose(t.FLIP_LEFT_RIGHT),
        }
        return {name: pdq_from_image(variants[name]) for name in DIHEDRAL}
    finally:
        im.close()


def unletterbox(im: Any, black_threshold: int = UNLETTERBOX_THRESHOLD) -> Any:
    """Crop black bars: outer rows/columns whose pixels all have R, G and B <= the threshold."""
    import numpy as np

    rgb: Any = np.asarray(im if im.mode == "RGB" else im.convert("RGB"))
    black: Any = (rgb <= black_threshold).all(axis=2)
    h, w = black.shape
    rows = np.flatnonzero(~black.all(axis=1))
    cols = np.flatnonzero(~black.all(axis=0))
    if rows.size == 0 or cols.size == 0:
        return im.copy()  # all black: nothing sensible to crop to
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    if box == (0, 0, w, h):
        return im.copy()
    return im.crop(box)


def hamming(a: str, b: str) -> int:
    """Bits that differ between two PDQ hashes (hex)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_valid_hex(value: object) -> bool:
    if not isinstance(value, str) or len(value) != HASH_HEX_LEN:
        return False
    try:
        int(value, 16)
    except ValueError:
        return False
    return True


def is_reliable(quality: int | None) -> bool:
    return quality is not None and quality >= MIN_QUALITY


def hasher_info() -> dict[str, str]:
    """What made the hash: recorded with it, since decoders change the bits slightly."""
    from PIL import __version__ as pillow_version
    from PIL import features

    try:
        impl = f"pdqhash {_pdqhash().__version__}"
    except PdqUnavailableError:
        impl = "pdqhash (not installed)"
    libs = []
    for feature, label in (("libjpeg_turbo", "libjpeg-turbo"), ("zlib", "zlib")):
        try:
            v = features.version(feature)
        except Exception:  # a Pillow build without the feature
            v = None
        if v:
            libs.append(f"{label} {v}")
    decoder = f"Pillow {pillow_version}" + (f" ({', '.join(libs)})" if libs else "")
    # How to reproduce it, for a reviewer re-hashing the file: JPEGs decoded at the DCT scale
    # keeping PDQ_MIN_SIDE px, the blur evaluated at its samples (pdq_fast) unless rounding
    # could matter. An identifier, not a sentence: reports print event fields as recorded.
    method = f"jpeg-min-side-{PDQ_MIN_SIDE}; sampled-jarosz-v1 (docs/takedown.md)"
    return {"algorithm": "PDQ", "implementation": impl, "decoder": decoder, "method": method}


# ------------------------------------------------------------- items and outcomes


@dataclass(frozen=True)
class PdqResult:
    """A PDQ computation done away from the vault (an import worker), to be recorded."""

    pdq: str | None
    quality: int | None
    status: str
    detail: str = ""


def pdq_job(data: bytes) -> PdqResult:
    """PDQ of an image's bytes, as an import worker runs it: never raises for bad pixels."""
    try:
        pdq, quality = pdq_from_bytes(data)
    except PerceptualHashError as e:
        return PdqResult(None, None, e.status, e.detail)
    return PdqResult(pdq, quality, STATUS_OK if is_reliable(quality) else STATUS_UNRELIABLE)


@dataclass(frozen=True)
class PdqOutcome:
    """The PDQ state of one item after a (re)computation attempt."""

    item: Item
    status: str
    computed: bool = False  # a new value was recorded by this call
    detail: str = ""  # why there is no hash (exception name, size), for logs and the package

    @property
    def pdq(self) -> str | None:
        return self.item.pdq

    @property
    def quality(self) -> int | None:
        return self.item.pdq_quality

    @property
    def reliable(self) -> bool:
        return self.status == STATUS_OK


def is_image(item: Item) -> bool:
    return item.media_type.lower().startswith("image/")


def status_of(item: Item) -> str:
    """The status of an item's stored PDQ without computing anything."""
    if item.pdq and is_valid_hex(item.pdq):
        return STATUS_OK if is_reliable(item.pdq_quality) else STATUS_UNRELIABLE
    if not is_image(item):
        return STATUS_NOT_IMAGE
    if not item.retained:
        return STATUS_NOT_RETAINED
    if item.size > MAX_PDQ_BYTES:
        return STATUS_TOO_LARGE
    return STATUS_UNDECODABLE


def needs_bytes(item: Item, *, force: bool = False) -> bool:
    """Whether a (re)computation should read this item's bytes."""
    if not is_image(item):
        return False
    if item.pdq and is_valid_hex(item.pdq) and not force:
        return False
    return item.size <= MAX_PDQ_BYTES
