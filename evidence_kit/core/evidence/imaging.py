"""Opening and decoding images in memory: the one place every image decode goes through.

* Formats: whatever Pillow reads, plus HEIC/HEIF through pillow-heif (iPhones' camera
  format). AVIF is Pillow's own. The HEIF opener is registered once, on first use.
* Limits: :func:`open_image` reads only the header and refuses more pixels than the
  caller's limit *before* anything is decoded, so each use states its own limit and no
  one depends on Pillow's process-wide ``MAX_IMAGE_PIXELS`` (left as a backstop).
* Size: :func:`decode` asks JPEG for a reduced decode (DCT scaling, 1/2 to 1/8) when the
  caller needs fewer pixels than the file has; PDQ, previews and facts each ask for what
  they need. Other formats decode at full size.
* Quiet: decoders' own messages never reach the terminal. Pillow's Python warnings
  ("Corrupt EXIF data", "Truncated File Read", decompression-bomb warnings) and libtiff's
  C-level error and warning handlers (which print straight to file descriptor 2, e.g.
  ``TIFFFillStrip: Read error``) are routed to this module's debug log. Where libtiff's
  handlers cannot be reached (a build with libtiff linked statically into Pillow), fd 2 is
  pointed at a pipe around each decode instead (:func:`quiet_stderr`).

No ``warnings.catch_warnings`` here: it swaps process-wide state and is not safe in the
worker threads that decode photos in parallel.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import io
import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

# Pillow's own backstop (it refuses at twice this); each use checks its own, lower limit.
BACKSTOP_PIXELS = 250_000_000
HEIF_MEDIA_TYPES = ("image/heic", "image/heif")

_setup_lock = threading.Lock()
_ready = False
_libtiff_hooked = False
_tiff_callbacks: list[Any] = []  # ctypes callbacks must outlive their registration


class ImageLimitError(ValueError):
    """More pixels than the caller allows (or no pixels at all): nothing was decoded."""

    def __init__(self, message: str, *, empty: bool = False) -> None:
        super().__init__(message)
        self.empty = empty


def _route_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    if "PIL" + os.sep in filename or "pillow_heif" in filename or "exifread" in filename:
        log.debug("decoder warning: %s: %s", category.__name__, message)
        return
    _previous_showwarning(message, category, filename, lineno, file, line)


_previous_showwarning = warnings.showwarning


def _libtiff_paths() -> list[str]:
    import PIL

    pil_dir = os.path.dirname(PIL.__file__)
    roots = [os.path.dirname(pil_dir), pil_dir, getattr(sys, "_MEIPASS", "")]
    found: list[str] = []
    for root in filter(None, roots):
        for pattern in ("pillow.libs/libtiff*", ".dylibs/libtiff*", "PIL/.dylibs/libtiff*", "libtiff*.so*"):
            found += glob.glob(os.path.join(root, pattern))
    return found


def _hook_libtiff() -> bool:
    """Point libtiff's global error and warning handlers at the debug log."""
    from PIL import features

    if not features.check_codec("libtiff"):
        return True  # nothing that could print
    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p)
    try:
        libc = ctypes.CDLL(None)
        vsnprintf = libc.vsnprintf
        vsnprintf.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p]
    except (OSError, AttributeError):
        vsnprintf = None

    def handler(module: bytes | None, fmt: bytes | None, args: int | None) -> None:
        try:
            text = (fmt or b"").decode("utf-8", "replace")
            if vsnprintf is not None and fmt:
                buf = ctypes.create_string_buffer(512)
                vsnprintf(buf, 512, fmt, args)
                text = buf.value.decode("utf-8", "replace")
            log.debug("libtiff: %s", text)
        except Exception:  # a callback from C must never raise
            return

    for path in _libtiff_paths():
        try:
            lib = ctypes.CDLL(path)
            cb = handler_type(handler)
            for name in ("TIFFSetErrorHandler", "TIFFSetWarningHandler"):
                fn = getattr(lib, name)
                fn.argtypes = [handler_type]
                fn.restype = ctypes.c_void_p
                fn(cb)
            _tiff_callbacks.append(cb)
            return True
        except (OSError, AttributeError):
            continue
    return False


def setup() -> None:
    """Register the HEIF opener and quiet the decoders; idempotent, thread-safe."""
    global _ready, _libtiff_hooked
    if _ready:
        return
    with _setup_lock:
        if _ready:
            return
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = BACKSTOP_PIXELS
        try:
            from pillow_heif import register_heif_opener

            register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
        except ImportError:  # a build without it: HEIC stays "image facts unavailable"
            log.warning("pillow-heif is not installed: HEIC/HEIF photos cannot be decoded")
        if warnings.showwarning is not _route_warning:
            globals()["_previous_showwarning"] = warnings.showwarning
            warnings.showwarning = _route_warning
        try:
            _libtiff_hooked = _hook_libtiff()
        except Exception as e:  # never let quieting break decoding
            log.debug("libtiff handlers not set: %s", type(e).__name__)
            _libtiff_hooked = False
        _ready = True


def libtiff_hooked() -> bool:
    """Whether libtiff's own handlers log its messages (else fd 2 is redirected around decodes)."""
    setup()
    return _libtiff_hooked


def heif_available() -> bool:
    setup()
    from PIL import Image

    return "HEIF" in Image.OPEN


_fd_lock = threading.Lock()
_fd_users = 0
_fd_saved = -1
_fd_reader: threading.Thread | None = None


def _drain(fd: int) -> None:
    with os.fdopen(fd, "rb", buffering=0) as r:
        while chunk := r.read(4096):
            log.debug("decoder stderr: %s", chunk.decode("utf-8", "replace").rstrip())


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point fd 2 at a pipe read into the debug log, while any thread decodes.

    Only used when libtiff's handlers could not be hooked. Reference-counted: the first
    decoder in redirects, the last one out restores the terminal.
    """
    global _fd_users, _fd_saved, _fd_reader
    setup()
    if _libtiff_hooked:
        yield
        return
    with _fd_lock:
        if _fd_users == 0:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            r, w = os.pipe()
            _fd_saved = os.dup(2)
            os.dup2(w, 2)
            os.close(w)
            _fd_reader = threading.Thread(target=_drain, args=(r,), name="ek-stderr", daemon=True)
            _fd_reader.start()
        _fd_users += 1
    try:
        yield
    finally:
        with _fd_lock:
            _fd_users -= 1
            if _fd_users == 0:
                os.dup2(_fd_saved, 2)  # closes the pipe's last write end: the reader ends
                os.close(_fd_saved)
                if _fd_reader is not None:
                    _fd_reader.join(timeout=1)


def open_image(data: bytes, max_pixels: int) -> Any:
    """Open ``data`` (header only) as a ``PIL.Image``; refuse more than ``max_pixels``.

    Raises :class:`ImageLimitError` for too many (or zero) pixels and whatever Pillow
    raises for data it cannot identify; nothing has been decoded yet when it returns.
    """
    setup()
    from PIL import Image

    try:
        im = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
        raise ImageLimitError("decompression bomb") from e
    w, h = im.size
    if w <= 0 or h <= 0 or w * h > max_pixels:
        im.close()
        raise ImageLimitError(f"{w}x{h} pixels", empty=w <= 0 or h <= 0)
    return im


def decode(im: Any, min_side: int = 0, max_pixels: int = 0) -> Any:
    """Load the first frame of an opened image; a JPEG at a reduced scale when it keeps
    at least ``min_side`` pixels on both sides (0: full size). Returns the same image.

    ``max_pixels`` (0: no check) applies to the size actually decoded, so a huge JPEG that
    a reduced decode brings under the limit is decoded, and anything else is refused.
    """
    if min_side > 0:
        im.draft(None, (min_side, min_side))  # JPEG only; a no-op for other formats
    if max_pixels and im.width * im.height > max_pixels:
        raise ImageLimitError(f"{im.width}x{im.height} pixels to decode")
    with quiet_stderr():
        im.seek(0)
        im.load()
    return im
