"""PDQ perceptual hashes and near-duplicate grouping (issue 10; reused by issue 9).

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

Grouping uses multi-index hashing: a 256-bit hash is cut into 16 chunks of 16 bits; two
hashes within 31 bits must agree on some chunk up to one bit (pigeonhole: 16 chunks with
two or more differing bits each would make 32), so only items sharing such a chunk are
compared. For 10,000 unrelated hashes that is ~10^5 comparisons instead of 5 * 10^7
(``benchmarks/pdq.py``). When hashes cluster so tightly that the index would compare more
pairs than a plain scan, a chunked numpy popcount scan is used instead.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
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
SCAN_BELOW = 2048  # up to this many hashes a plain popcount scan (~2M pairs) beats the index
_BATCH = 4_000_000  # candidate pairs verified at once by the index (~200 MB of temporaries)

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


def _compute_native(fn: Any, rgb: Any) -> tuple[str, int]:
    import numpy as np

    # Exactly pdqhash.compute's luma (float64 arithmetic, then float32).
    # pdqhash's luma: the same float64 operations in the same order, then float32; done a
    # band of rows at a time so the temporaries stay in cache (twice as fast, same bits).
    height, width = rgb.shape[0], rgb.shape[1]
    gray = np.empty((height, width), dtype=np.float32)
    for y in range(0, height, 64):
        band = rgb[y : y + 64]
        acc = band[:, :, 0] * 0.299
        acc += band[:, :, 1] * 0.587
        acc += band[:, :, 2] * 0.114
        gray[y : y + 64] = acc
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


def _compute(im: Any) -> tuple[str, int]:
    rgb = _rgb_array(im)
    fn = _native_hasher()
    if fn is not None:
        return _compute_native(fn, rgb)
    vector, quality = _pdqhash().compute(rgb)
    return _vector_to_hex(vector), int(quality)


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
    return {"algorithm": "PDQ", "implementation": impl, "decoder": decoder}


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


# --------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class NearDuplicateGroup:
    """Items whose PDQ hashes chain together within the threshold (single linkage).

    ``members`` keep the input order; ``nearest[k]`` is the distance from member k to the
    closest other member; ``max_link`` the largest distance among the links that joined the
    group (members at the two ends of a chain may be further apart than the threshold).
    """

    members: tuple[str, ...]
    nearest: tuple[int, ...]
    max_link: int


def _words(hexes: Sequence[str]) -> Any:
    import numpy as np

    raw = bytes.fromhex("".join(hexes))
    return np.frombuffer(raw, dtype=">u8").reshape(len(hexes), 4).astype(np.uint64)


def _pair_distances(words: Any, i: Any, j: Any) -> Any:
    import numpy as np

    return np.bitwise_count(words[i] ^ words[j]).sum(axis=1, dtype=np.int64)


def brute_force_pairs(words: Any, threshold: int) -> tuple[Any, Any, Any]:
    """All pairs (i < j) within ``threshold``: a chunked popcount scan, O(n^2) but vectorised."""
    import numpy as np

    n = len(words)
    out_i, out_j, out_d = [], [], []
    block = max(1, 2_000_000 // max(n, 1))
    for start in range(0, n, block):
        stop = min(n, start + block)
        d = np.bitwise_count(words[start:stop, None, :] ^ words[None, :, :]).sum(axis=2, dtype=np.int64)
        ii, jj = np.nonzero(d <= threshold)
        ii = ii + start
        keep = ii < jj
        out_i.append(ii[keep])
        out_j.append(jj[keep])
        out_d.append(d[ii[keep] - start, jj[keep]])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)


def _probe_masks(radius: int) -> list[int]:
    from itertools import combinations

    masks = [0]
    for r in range(1, radius + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(16), r)]
    return masks


def index_pairs(words: Any, threshold: int) -> tuple[Any, Any, Any] | None:
    """All pairs within ``threshold`` by multi-index hashing, or None when a scan is cheaper."""
    import numpy as np

    n = len(words)
    radius = threshold // 16
    if n < 2 or radius > 2:
        return None
    # 16 chunks of 16 bits, most significant first (byte order only matters consistently).
    chunks = np.ascontiguousarray(words.astype(">u8")).view(">u2").reshape(n, 16).astype(np.int64)
    masks = _probe_masks(radius)
    full = np.arange(65536)
    estimate = 0
    for c in range(16):
        counts = np.bincount(chunks[:, c], minlength=65536)
        for m in masks:
            estimate += int((counts * counts[full ^ m]).sum())
    if estimate // 2 > n * (n - 1) // 4:
        return None
    found_i, found_j, found_d = [], [], []
    idx = np.arange(n, dtype=np.int64)
    for c in range(16):
        keys = chunks[:, c]
        order = np.argsort(keys, kind="stable")  # item indices grouped by chunk value
        bucket = np.zeros(65537, dtype=np.int64)  # bucket[k]:bucket[k+1] = positions of value k
        np.cumsum(np.bincount(keys, minlength=65536), out=bucket[1:])
        for m in masks:
            q = keys ^ m
            lo = bucket[q]
            cnt = bucket[q + 1] - lo
            cum = np.cumsum(cnt)
            total = int(cum[-1])
            if total == 0:
                continue
            # Queries in slices of about _BATCH candidates, so memory stays bounded.
            cuts = [0, *np.searchsorted(cum, np.arange(_BATCH, total, _BATCH), "right").tolist(), n]
            for a, b in pairwise(cuts):
                sub = cnt[a:b]
                size = int(sub.sum())
                if size == 0:
                    continue
                ii = np.repeat(idx[a:b], sub)
                jj = order[np.repeat(lo[a:b] - (np.cumsum(sub) - sub), sub) + np.arange(size)]
                keep = ii < jj
                ii, jj = ii[keep], jj[keep]
                # Verify at once: only true matches are kept (de-duplicated at the end).
                d = _pair_distances(words, ii, jj)
                close = d <= threshold
                found_i.append(ii[close])
                found_j.append(jj[close])
                found_d.append(d[close])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    pairs, first = np.unique(np.concatenate(found_i) * n + np.concatenate(found_j), return_index=True)
    return pairs // n, pairs % n, np.concatenate(found_d)[first]


def _components(n: int, ii: Any, jj: Any) -> Any:
    """Connected-component labels (the smallest index in each component), vectorised."""
    import numpy as np

    labels = np.arange(n)
    if len(ii) == 0:
        return labels
    while True:
        li, lj = labels[ii], labels[jj]
        if (li == lj).all():
            return labels
        low = np.minimum(li, lj)
        np.minimum.at(labels, li, low)
        np.minimum.at(labels, lj, low)
        while True:  # pointer jumping until every node points at its root
            nxt = labels[labels]
            if (nxt == labels).all():
                break
            labels = nxt


def near_duplicate_groups(
    entries: Iterable[tuple[str, str | None, int | None]],
    *,
    threshold: int = MATCH_THRESHOLD,
    min_quality: int = MIN_QUALITY,
) -> list[NearDuplicateGroup]:
    """Group ``(key, pdq_hex, quality)`` entries whose hashes are within ``threshold`` bits.

    Entries without a valid hash, or with quality below ``min_quality``, are left out.
    Groups of two or more are returned, ordered by their first member's input position.
    """
    import numpy as np

    keys: list[str] = []
    hexes: list[str] = []
    for key, pdq, quality in entries:
        if pdq is not None and is_valid_hex(pdq) and quality is not None and quality >= min_quality:
            keys.append(key)
            hexes.append(pdq.lower())
    n = len(keys)
    if n < 2:
        return []
    words = _words(hexes)
    found = index_pairs(words, threshold) if n > SCAN_BELOW else None
    ii, jj, dd = found if found is not None else brute_force_pairs(words, threshold)
    if len(ii) == 0:
        return []
    labels = _components(n, ii, jj)
    nearest = np.full(n, 257, dtype=np.int64)
    np.minimum.at(nearest, ii, dd)
    np.minimum.at(nearest, jj, dd)
    link_max = np.zeros(n, dtype=np.int64)
    np.maximum.at(link_max, labels[ii], dd)
    sizes = np.bincount(labels, minlength=n)
    groups = []
    for root in np.flatnonzero(sizes >= 2):
        idx = np.flatnonzero(labels == root)
        groups.append(
            NearDuplicateGroup(
                members=tuple(keys[int(k)] for k in idx),
                nearest=tuple(int(nearest[int(k)]) for k in idx),
                max_link=int(link_max[root]),
            )
        )
    return groups
