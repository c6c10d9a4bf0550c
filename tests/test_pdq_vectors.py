"""PDQ against Meta's ThreatExchange reference images and hashes (../shared/vectors/pdq).

The README there says which rows come from the same C++ core as the PyPI ``pdqhash``
package (exact equality expected, with the preprocessing the row's note names) and which
come from other implementations (within 16 bits, as ThreatExchange's own tests accept).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from evidence_kit.core.evidence import pdq_groups
from evidence_kit.core.evidence import perceptual as pq
from tests.conftest import SHARED

VECTORS = SHARED / "vectors" / "pdq"
IMAGES = VECTORS / "images"

pytestmark = pytest.mark.skipif(not VECTORS.is_dir(), reason="shared PDQ vectors not present")


def _rows() -> list[dict[str, str]]:
    with (VECTORS / "expected.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _exact(row: dict[str, str]) -> bool:
    """Rows the README marks as pdqhash's C++ core (PyPI, threatexchange CLI, Java unit test)."""
    impl = row["implementation"]
    return impl.startswith(("pdqhash (PyPI)", "pdqhash via threatexchange CLI", "pdqhash dihedral", "Java unit test"))


def _data(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


ROWS = _rows() if VECTORS.is_dir() else []
EXACT = [r for r in ROWS if _exact(r)]
OTHER = [r for r in ROWS if not _exact(r)]


def _id(row: dict[str, str]) -> str:
    return f"{row['local_file']}:{row['implementation'][:30]}:{row['note'][:40]}"


def test_vector_images_are_intact() -> None:
    for line in (VECTORS / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")
        path = VECTORS / name if (VECTORS / name).is_file() else IMAGES / Path(name).name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name


def test_expected_csv_has_both_kinds() -> None:
    assert len(EXACT) >= 15  # 4 python-threatexchange + 8 dihedral + 3 CLI + 2 Java
    assert len(OTHER) >= 15
    assert sum("dihedral" in r["implementation"] for r in EXACT) == 8


def _cli_unletterbox_default(data: bytes) -> tuple[str, int]:
    """As `threatexchange hash --photo-preprocess=unletterbox` does it: crop black bars at the
    default threshold (15), save the crop in the original's format (JPEG, Pillow's default
    quality), hash that file."""
    with Image.open(io.BytesIO(data)) as im:
        cropped = pq.unletterbox(im, pq.UNLETTERBOX_THRESHOLD)
        buf = io.BytesIO()
        cropped.save(buf, format=im.format)
    return pq.pdq_from_bytes(buf.getvalue())


@pytest.mark.parametrize("row", EXACT, ids=_id)
def test_exact_rows(row: dict[str, str]) -> None:
    data = _data(row["local_file"])
    note = row["note"]
    if "dihedral" in row["implementation"]:
        transform = note.rsplit(":", 1)[1].strip()
        got, quality = pq.pdq_dihedral_from_bytes(data)[transform]
    elif "--black-threshold=25" in note:
        got, quality = pq.pdq_from_bytes(data, unletterbox_threshold=25)
    elif "unletterbox" in note:
        got, quality = _cli_unletterbox_default(data)
        # Without the CLI's JPEG round trip (our API hashes the cropped pixels) it is close.
        direct, _ = pq.pdq_from_bytes(data, unletterbox_threshold=pq.UNLETTERBOX_THRESHOLD)
        assert pq.hamming(direct, row["expected_pdq_hex"]) <= 16
    else:
        got, quality = pq.pdq_from_bytes(data)
    assert got == row["expected_pdq_hex"]
    if row["quality"]:
        assert quality == int(row["quality"])


@pytest.mark.parametrize("row", OTHER, ids=_id)
def test_other_implementations_within_16_bits(row: dict[str, str]) -> None:
    got, quality = pq.pdq_from_bytes(_data(row["local_file"]))
    assert pq.hamming(got, row["expected_pdq_hex"]) <= 16
    if row["quality"]:
        assert quality == int(row["quality"])


def test_grey_alpha_and_16_bit_images_are_converted_to_rgb() -> None:
    with Image.open(IMAGES / "pytx-LA.png") as im:
        assert im.mode == "LA"
    with Image.open(IMAGES / "pytx-I16.png") as im:
        assert im.mode == "I;16"
    assert pq.pdq_from_bytes(_data("pytx-I16.png"))[1] == 36  # quality as python-threatexchange


def test_bridge_variants_match_the_original() -> None:
    original, q = pq.pdq_from_bytes(_data("bridge-1-original.jpg"))
    assert q == 100
    for name in ("bridge-mods-blur-a-lot.jpg", "bridge-mods-shrink-a-lot.jpg", "bridge-mods-square-128x128.jpg"):
        variant, vq = pq.pdq_from_bytes(_data(name))
        assert pq.hamming(original, variant) <= pq.MATCH_THRESHOLD, name
        assert vq >= pq.MIN_QUALITY
    # The rotated/flipped files match the corresponding transform of the original.
    dihedral = pq.pdq_dihedral_from_bytes(_data("bridge-1-original.jpg"))
    assert pq.hamming(dihedral["ROTATE90"][0], pq.pdq_from_bytes(_data("bridge-2-rotate-90.jpg"))[0]) <= 16
    assert pq.hamming(dihedral["FLIPX"][0], pq.pdq_from_bytes(_data("bridge-5-flipx.jpg"))[0]) <= 16


def test_unrelated_image_is_far() -> None:
    bridge, _ = pq.pdq_from_bytes(_data("bridge-1-original.jpg"))
    wee, quality = pq.pdq_from_bytes(_data("wee.jpg"))
    assert quality >= pq.MIN_QUALITY
    assert pq.hamming(bridge, wee) > 3 * pq.MATCH_THRESHOLD  # ~half the bits, as for random hashes


def test_quality_zero_image_is_unreliable_and_never_matched() -> None:
    small, quality = pq.pdq_from_bytes(_data("small.jpg"))
    assert quality == 0
    assert not pq.is_reliable(quality)
    groups = pdq_groups.near_duplicate_groups([("small", small, quality), ("copy", small, quality)])
    assert groups == []  # identical hashes, but unreliable ones are not used for matching


def test_letterbox_threshold_25_recovers_the_clean_hash() -> None:
    clean, _ = pq.pdq_from_bytes(_data("bridge-1-original.jpg"))
    boxed, _ = pq.pdq_from_bytes(_data("pytx-letterboxed_sample-b.jpg"))
    unboxed, _ = pq.pdq_from_bytes(_data("pytx-letterboxed_sample-b.jpg"), unletterbox_threshold=25)
    assert unboxed == clean
    assert pq.hamming(boxed, clean) > pq.MATCH_THRESHOLD  # the bars alone break the match


def test_hasher_info_records_decoder_versions() -> None:
    info = pq.hasher_info()
    assert info["algorithm"] == "PDQ"
    assert info["implementation"].startswith("pdqhash 0.2.8")
    assert info["decoder"].startswith("Pillow ")
