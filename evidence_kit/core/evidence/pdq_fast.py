"""PDQ's 64x64 downsample of a large picture without filtering every pixel four times.

PDQ (``pdqFloat256FromFloatLuma`` in Meta's C++ core) blurs the whole luma image with a
Jarosz filter (a box filter along the rows, then along the columns, twice, in float32
running sums) and then keeps only 64 x 64 of the blurred pixels. For a 3-MP photo that
filter is ~30 ms of the hash, latency-bound on the running sum, and it is the largest
single cost of importing a phone photo.

The filter is linear and separable, and only 64 rows and 64 columns of its output are
read, so the same 64 x 64 values are ``Kv @ luma @ Kh.T`` where each row of ``Kh`` (``Kv``)
is the filter's response at one sampled column (row): at most ~2 window widths of
non-zero weights, derived below from the C++ ``box1DFloat`` exactly, shrinking windows at
the edges included. Applying them is ~1.5 ms for a 3-MP image.

The result is the same downsample up to rounding: the C++ float32 running sums drift
(over 1,000 generated 3-MP photos: up to 0.009 in a sampled value, 0.020 in a DCT
coefficient, 2 in the quality metric's gradient sum), ours far less. A PDQ bit is
"coefficient > median", so rounding can only change a bit when a DCT coefficient lies
within that drift of the median. :func:`downsample` therefore computes the 16 x 16
coefficients itself and gives up (returns None, and the caller runs the C++ filter over
every pixel as before) when any coefficient next to the median is closer than
:data:`GAP_TOLERANCE` (1.5x the largest difference measured), or when the quality could
move to another integer (:data:`QUALITY_MARGIN`); flat screenshots and drawings, whose
coefficients tie exactly, always take the C++ path (about one generated photo in five
does too). The hash is then computed by the same C++ function from the 64 x 64 buffer
(its filter is the identity at 64 x 64), so the DCT, quality and bits are the reference
code's.
tests/test_pdq_fast.py compares both ways on photos, the reference vectors, Pillow's test
images and generated sizes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

SIDE = 64
MIN_PIXELS = 1_000_000  # below this the C++ filter costs < 10 ms: not worth a second path
PASSES = 2  # PDQ_NUM_JAROSZ_XY_PASSES
GAP_TOLERANCE = 0.03  # coefficient units; largest C++-vs-this difference over 1,000 photos: 0.020
QUALITY_MARGIN = 3  # gradient-sum units; largest C++-vs-this difference over 1,000 photos: 2


def window_size(old: int, new: int = SIDE) -> int:
    """pdq::downscaling::computeJaroszFilterWindowSize."""
    return (old + 2 * new - 1) // (2 * new)


def sample_positions(n: int) -> Any:
    """decimateFloat's indices: (int)(((i + 0.5) * n) / 64)."""
    import numpy as np

    return ((np.arange(SIDE) + 0.5) * n / SIDE).astype(np.int64)


@functools.lru_cache(maxsize=8)
def filter_rows(n: int) -> tuple[Any, tuple[tuple[int, int], ...]]:
    """(64, n) float32 weights: the filter's response at the 64 sampled positions, and
    each row's non-zero span (start, end).

    ``box1DFloat`` with window ``w`` over ``n`` values writes, at output ``o``, the mean of
    the inputs ``o - (w - h) .. o + h - 1`` clipped to the vector (``h = (w + 2) // 2``):
    its four phases are exactly that window growing from the left edge, sliding, and
    shrinking at the right edge. Applying it ``PASSES`` times to a unit vector at each
    sampled position, transposed, gives the weights.
    """
    import numpy as np

    w = window_size(n)
    h = (w + 2) // 2
    o = np.arange(n)
    lo = np.maximum(o - (w - h), 0)
    hi = np.minimum(o + h - 1, n - 1)
    count = (hi - lo + 1).astype(np.float64)
    rows = np.zeros((SIDE, n))
    rows[np.arange(SIDE), sample_positions(n)] = 1.0
    for _ in range(PASSES):
        coef = rows / count  # weight each output position passes to its input window
        diff = np.zeros((SIDE, n + 1))
        for j in range(SIDE):
            np.add.at(diff[j], lo, coef[j])
            np.add.at(diff[j], hi + 1, -coef[j])
        rows = np.cumsum(diff, axis=1)[:, :n]
        rows[np.abs(rows) < 1e-12] = 0.0  # cumsum leaves ~1e-17 where the span ended
    spans = []
    for j in range(SIDE):
        nz = np.flatnonzero(rows[j])
        spans.append((int(nz[0]), int(nz[-1]) + 1))
    return rows.astype(np.float32), tuple(spans)


@functools.lru_cache(maxsize=1)
def _dct_matrix() -> Any:
    """pdq::hashing's 16 x 64 DCT matrix (the DC row is skipped)."""
    import numpy as np

    i = np.arange(1, 17)[:, None]
    j = np.arange(SIDE)[None, :]
    return np.sqrt(2.0 / SIDE) * np.cos(np.pi / 2 / SIDE * i * (2 * j + 1))


def _robust(buf: Any) -> bool:
    """Whether rounding differences of the measured size cannot change the C++ result
    computed from ``buf``: its bits (coefficients near the median) or its quality."""
    import numpy as np

    d = _dct_matrix()
    values = np.sort(np.einsum("ai,ij,bj->ab", d, buf.astype(np.float64), d, optimize=False).ravel())
    mid = len(values) // 2
    # Torben's median picks one of the two middle values: keep both clear of their neighbours.
    if np.diff(values[mid - 2 : mid + 2]).min() <= GAP_TOLERANCE:
        return False
    # computePDQImageDomainQualityMetric, in its float32 arithmetic: the sum over neighbour
    # pairs of |(int)((u - v) * 100 / 255)|, divided by 90, capped at 100. The C++ computes
    # it from this very buffer; what may differ is the sum over its own buffer, by the few
    # terms whose value sits within rounding of an integer (measured: at most 2).
    f = buf.astype(np.float32)
    scale, denom = np.float32(100), np.float32(255)
    down = ((f[1:] - f[:-1]) * scale / denom).ravel()
    across = ((f[:, 1:] - f[:, :-1]) * scale / denom).ravel()
    terms = np.concatenate([down, across])
    total = int(np.abs(np.trunc(terms)).sum())
    return min(100, (total - QUALITY_MARGIN) // 90) == min(100, (total + QUALITY_MARGIN) // 90)


def applies(height: int, width: int) -> bool:
    """Whether a picture this size takes the fast path at all (small ones: the C++ filter)."""
    return height * width >= MIN_PIXELS and min(height, width) >= SIDE


def downsample_strips(strips: Iterable[tuple[int, Any]], height: int, width: int) -> Any | None:
    """Like :func:`downsample`, from the luma given a band of rows at a time: ``(first row,
    rows x width float32)`` in order. A 33-MP picture then never needs its whole luma in
    memory (132 MB, plus a copy), only one band and a height x 64 array of partial sums."""
    import numpy as np

    if not applies(height, width):
        return None
    # einsum, not matmul: numpy's matmul hands these to OpenBLAS, whose own threads then
    # spin beside the import's workers (measured: +40% CPU for the same import).
    along_rows, spans = filter_rows(width)
    partial = np.empty((height, SIDE), dtype=np.float64)
    for y, band in strips:
        rows = partial[y : y + band.shape[0]]
        for j, (a, b) in enumerate(spans):
            rows[:, j] = np.einsum("ij,j->i", band[:, a:b], along_rows[j, a:b])
    along_cols, col_spans = filter_rows(height)
    out = np.empty((SIDE, SIDE), dtype=np.float64)
    for i, (a, b) in enumerate(col_spans):
        out[i] = np.einsum("j,jk->k", along_cols[i, a:b].astype(np.float64), partial[a:b])
    buf = out.astype(np.float32)
    return buf if _robust(buf) else None


def downsample(gray: Any) -> Any | None:
    """The 64 x 64 float32 buffer PDQ would sample from ``gray`` (H x W float32 luma), or
    None when the image is small or rounding could matter (then use the C++ filter)."""
    height, width = gray.shape
    return downsample_strips([(0, gray)], height, width)
