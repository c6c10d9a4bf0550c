"""Phone photos (issue 17): HEIC/AVIF, one decode at the size PDQ needs, a folder of
photos with PDQ beside the import, and decoders that never print to the terminal."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from evidence_kit.core.common.errors import CancelledError
from evidence_kit.core.common.model import POLICY_RECORD_ONLY, ItemInput
from evidence_kit.core.evidence import imaging, redact
from evidence_kit.core.evidence import perceptual as pq
from evidence_kit.core.evidence.preview import make_preview
from evidence_kit.core.service import EvidenceService
from evidence_kit.core.vault.reading import ItemReader
from tests.conftest import SHARED
from tests.test_pdq_grouping import encode, photo

pillow_heif = pytest.importorskip("pillow_heif")

REPO = Path(__file__).resolve().parents[1]


def camera_photo(seed: int, size: tuple[int, int] = (4032, 3024)) -> Image.Image:
    """A 12-MP camera-like picture: natural-image spectrum, upscaled, with sensor grain."""
    base = photo(seed, size[0] // 4, size[1] // 4).resize(size, Image.Resampling.BICUBIC)
    grain = np.random.default_rng(seed).normal(0, 4, (size[1], size[0], 1))
    arr = np.clip(np.asarray(base, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "RGB")


def iphone_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15 Pro"
    exif[0x8769] = {0x9003: "2026:11:20 21:14:05"}
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    return exif.tobytes()


def heic(im: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    pillow_heif.from_pillow(im).save(buf, format="HEIF", quality=80, **kw)
    return buf.getvalue()


# ------------------------------------------------------------------- HEIC / AVIF


def test_heic_photo_gets_size_exif_pdq_preview_and_redaction(service: EvidenceService, tmp_path: Path) -> None:
    im = photo(71, 1200, 900)
    data = heic(im, exif=iphone_exif())
    assert data[4:12] == b"ftypheic"
    f = tmp_path / "IMG_0001.HEIC"
    f.write_bytes(data)
    case = service.create_case("c")
    item = service.import_paths(case.id, [f]).added[0]
    assert item.media_type == "image/heic"
    assert (item.image["width"], item.image["height"], item.image["format"]) == (1200, 900, "HEIF")
    assert item.exif["Image Make"] == "Apple" and item.exif["Image Model"] == "iPhone 15 Pro"
    assert item.exif["EXIF DateTimeOriginal"] == "2026:11:20 21:14:05"
    assert item.exif["GPS GPSLatitude"] == "[37, 33, 59]" and item.exif["GPS GPSLongitudeRef"] == "E"
    assert item.metadata_note == ""
    # PDQ of the HEIC is the picture's: near the lossless original's.
    assert item.pdq and pq.hamming(item.pdq, pq.pdq_from_bytes(encode(im))[0]) <= pq.MATCH_THRESHOLD
    assert item.md5 == hashlib.md5(data).hexdigest() and item.sha1 == hashlib.sha1(data).hexdigest()
    pv = make_preview(data, item.media_type)
    assert pv.jpeg and pv.problem == "" and max(pv.width, pv.height) <= 480
    png, w, h = redact.pixelate(data)
    assert (w, h) == (1200, 900) and png.startswith(b"\x89PNG")
    copy = service.vault.derive_redacted_copy(item.id, regions=[redact.Rect(0, 0, 100, 100)]).item
    assert copy.derived_from == item.id and copy.image["width"] == 1200


def test_heic_in_a_record_only_case_keeps_proof_not_picture(service: EvidenceService, tmp_path: Path) -> None:
    data = heic(photo(72, 800, 600), exif=iphone_exif())
    f = tmp_path / "IMG_0002.HEIC"
    f.write_bytes(data)
    case = service.create_case("counselor", policy=POLICY_RECORD_ONLY)
    item = service.import_paths(case.id, [f]).added[0]
    assert not item.retained and item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.media_type == "image/heic" and item.image["width"] == 800
    assert item.pdq and item.derivation.startswith("pixelated")
    assert item.exif == {}  # the original's EXIF is not kept in record-only cases


def test_avif_photo(service: EvidenceService) -> None:
    buf = io.BytesIO()
    photo(73, 640, 480).save(buf, format="AVIF", exif=iphone_exif())
    case = service.create_case("c")
    item = service.import_bytes(case.id, buf.getvalue(), ItemInput(name="x.avif", method="paste")).item
    assert item.media_type == "image/avif" and item.image["width"] == 640
    assert item.exif["Image Make"] == "Apple" and item.pdq


def _ispe(data: bytes, w: int, h: int) -> bytes:
    i = data.index(b"ispe")
    return data[: i + 8] + w.to_bytes(4, "big") + h.to_bytes(4, "big") + data[i + 16 :]


def test_hostile_heic_is_stored_with_metadata_unavailable(service: EvidenceService) -> None:
    good = heic(photo(74, 640, 480))
    corrupt = bytearray(good)
    for i in range(len(good) // 2, len(good), 7):
        corrupt[i] ^= 0x5A
    hostile = {
        "truncated.heic": good[: len(good) // 2],
        "corrupt.heic": bytes(corrupt),
        "empty.heic": b"",
        "ftyp-only.heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        "huge.heic": _ispe(good, 60000, 60000),  # 3.6 gigapixels declared
        "garbage.heic": b"\x00\x00\x00\x18ftypheic" + os.urandom(4000),
    }
    case = service.create_case("c")
    for name, data in hostile.items():
        item = service.import_bytes(case.id, data, ItemInput(name=name, method="paste")).item
        assert item.sha256 == hashlib.sha256(data).hexdigest(), name
        assert item.media_type == "image/heic", name
        if name not in ("corrupt.heic", "truncated.heic"):  # their header (at the start) is intact
            assert "unavailable" in item.metadata_note and item.image == {}, name
        if name == "corrupt.heic":
            continue  # HEVC conceals damaged slices: garbled pixels may still decode, and that is fine
        assert pq.status_of(item) in (pq.STATUS_UNDECODABLE, pq.STATUS_TOO_LARGE), name
        assert make_preview(data, "image/heic").jpeg is None, name
    with pytest.raises(Exception, match="cannot decode"):
        redact.pixelate(hostile["huge.heic"])
    assert service.vault.verify().ok


def test_pixel_limit_holds_before_any_decode() -> None:
    data = _ispe(heic(photo(75, 64, 64)), 20000, 20000)
    with pytest.raises(imaging.ImageLimitError):
        imaging.open_image(data, 100_000_000)
    with pytest.raises(pq.ImageTooLargeError):
        pq.pdq_from_bytes(data)


# --------------------------------------------------------- one decode, reduced


def test_reduced_jpeg_decode_for_pdq_stays_within_4_bits_of_full_size() -> None:
    for seed in (81, 82, 83):
        data = encode(camera_photo(seed), "JPEG", quality=90)
        reduced = pq.decode_image(data, min_side=pq.PDQ_MIN_SIDE)
        assert reduced.size == (2016, 1512)  # 1/2 scale of 4032x3024, short side >= 1024
        reduced.close()
        full, _ = pq.pdq_from_bytes(data, min_side=0)
        fast, quality = pq.pdq_from_bytes(data)
        assert quality >= pq.MIN_QUALITY
        assert pq.hamming(full, fast) <= 4, seed


@pytest.mark.skipif(not (SHARED / "vectors" / "pdq").is_dir(), reason="shared PDQ vectors not present")
def test_native_pdq_core_gives_pdqhash_bits_on_every_vector() -> None:
    import pdqhash

    assert pq._native_hasher() is not None  # the fast path is the one in use
    for path in sorted((SHARED / "vectors" / "pdq" / "images").iterdir()):
        with Image.open(path) as im:
            rgb = pq._rgb_array(im)
        vector, quality = pdqhash.compute(rgb)
        assert pq._compute_native(pq._native_hasher(), rgb) == (pq._vector_to_hex(vector), int(quality)), path.name


@pytest.mark.skipif(not (SHARED / "vectors" / "pdq").is_dir(), reason="shared PDQ vectors not present")
def test_enlarged_reference_photo_hashes_within_4_bits_when_reduced() -> None:
    with Image.open(SHARED / "vectors" / "pdq" / "images" / "bridge-1-original.jpg") as im:
        big = im.resize((im.width * 3, im.height * 3), Image.Resampling.LANCZOS)
    data = encode(big, "JPEG", quality=95)
    assert pq.hamming(pq.pdq_from_bytes(data, min_side=0)[0], pq.pdq_from_bytes(data)[0]) <= 4


# ------------------------------------------------------------ many photos


def _folder(tmp_path: Path, n: int) -> Path:
    src = tmp_path / "DCIM"
    src.mkdir()
    for i in range(n):
        im = photo(90 + i, 1600, 1200)
        if i % 3 == 2:
            (src / f"IMG_{i:04d}.HEIC").write_bytes(heic(im, exif=iphone_exif()))
        else:
            (src / f"IMG_{i:04d}.JPG").write_bytes(encode(im, "JPEG", quality=88, exif=iphone_exif()))
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 300)
    return src


def test_folder_of_photos_one_progress_pdq_beside_import(
    service: EvidenceService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _folder(tmp_path, 6)
    files = sorted(src.iterdir())
    total = sum(p.stat().st_size for p in files)

    def no_second_read(*_a: object, **_k: object) -> None:
        raise AssertionError("the sealed copy was read back")

    monkeypatch.setattr(ItemReader, "iter_plaintext", no_second_read)
    byte_ticks: list[tuple[int, int]] = []
    item_ticks: list[tuple[int, int]] = []
    case = service.create_case("c")
    summary = service.import_paths(
        case.id,
        [src],
        progress=lambda d, t: byte_ticks.append((d, t)),
        item_progress=lambda d, t: item_ticks.append((d, t)),
    )
    assert item_ticks == [(i, len(files)) for i in range(len(files) + 1)]  # (0, n) once planned
    assert byte_ticks[-1] == (total, total)
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(byte_ticks))
    by_name = {i.original_name: i for i in summary.added}
    assert [i.exhibit for i in summary.added] == list(range(1, len(files) + 1))  # folder order
    for path in files:
        item = by_name[path.name]
        assert item.md5 == hashlib.md5(path.read_bytes()).hexdigest()
        if path.name == "broken.jpg":
            assert item.pdq is None
            continue
        # Recorded on the stored item, with its own custody event, before import_paths returned.
        assert item.pdq and service.vault.get_item(item.id).pdq == item.pdq
        (ev,) = [e.data for e in service.item_events(item.id) if e.action == "hash"]
        assert ev["pdq"] == item.pdq and ev["from"].startswith("ingest bytes")
        assert item.exif["Image Make"] == "Apple"
    monkeypatch.undo()
    assert service.vault.verify().ok


def test_cancelled_folder_import_keeps_what_was_saved(service: EvidenceService, tmp_path: Path) -> None:
    src = _folder(tmp_path, 6)
    case = service.create_case("c")
    saved: list[str] = []
    with pytest.raises(CancelledError):
        service.import_paths(
            case.id, [src], on_item=lambda res: saved.append(res.item.id), cancel=lambda: len(saved) >= 3
        )
    items = service.items(case.id)
    assert [i.id for i in items] == saved and len(saved) == 3
    assert not list((service.vault.path / "staging").iterdir())
    assert service.vault.verify().ok
    # The PDQ hashes still in flight at the cancel can be made later, from the sealed copies.
    outcomes = service.compute_pdq(case.id)
    assert all(o.pdq for o in outcomes)


# -------------------------------------------------------------- quiet decoders


def _corrupt_lzw_tiff() -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((1500, 1500)).convert("RGB").save(buf, "TIFF", compression="tiff_lzw")
    data = bytearray(buf.getvalue())
    for i in range(200, len(data) // 2, 97):
        data[i] ^= 0xFF
    return bytes(data)


def test_decoder_messages_never_reach_stderr(tmp_path: Path) -> None:
    """libtiff prints from C ("Using code not yet in table", "TIFFFillStrip: Read error")
    and Pillow warns in Python ("Corrupt EXIF data"): none of it on the terminal, all of it
    in the debug log."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "lzw.tif").write_bytes(_corrupt_lzw_tiff())
    good = io.BytesIO()
    Image.linear_gradient("L").resize((600, 600)).save(good, "TIFF", compression="tiff_lzw")
    (src / "short.tif").write_bytes(good.getvalue()[:-4000])
    (src / "exif.tif").write_bytes(good.getvalue()[:8] + b"\x00\x00\xff\xff" + good.getvalue()[12:])
    (src / "bad.heic").write_bytes(heic(photo(76, 256, 256))[:2000])
    script = textwrap.dedent(
        f"""
        import io, logging, sys
        from pathlib import Path
        log = io.StringIO()
        logging.basicConfig(level=logging.DEBUG, stream=log)
        from evidence_kit.core.service import EvidenceService
        from tests.conftest import fast_kdf
        svc = EvidenceService(Path({str(tmp_path / "vault")!r}))
        svc.create_vault("correct horse battery staple 1", kdf=fast_kdf())
        case = svc.create_case("c")
        s = svc.import_paths(case.id, [Path({str(src)!r})])
        from evidence_kit.core.evidence import preview, redact
        for p in sorted(Path({str(src)!r}).iterdir()):
            preview.make_preview(p.read_bytes(), "image/tiff")
            try:
                redact.pixelate(p.read_bytes())
            except Exception:
                pass
        svc.lock()
        print(len(s.added), "libtiff: Using code not yet in table" in log.getvalue())
        """
    )
    r = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.split() == ["4", "True"]


@pytest.mark.parametrize(
    ("name", "kind"), [("scan.jp2", "image/jp2"), ("scan.j2k", "image/j2c"), ("SCAN.J2C", "image/j2c")]
)
def test_jpeg_2000_is_typed_as_an_image_with_size_pdq_and_preview(
    service: EvidenceService, tmp_path: Path, name: str, kind: str
) -> None:
    """Scanners and some forensic tools write JPEG 2000: a bare codestream used to be typed
    application/octet-stream, so it got no dimensions, PDQ or preview."""
    im = photo(73, 640, 480)
    buf = io.BytesIO()
    im.save(buf, format="JPEG2000", no_jp2=name.lower().endswith((".j2k", ".j2c")))
    f = tmp_path / name
    f.write_bytes(buf.getvalue())
    case = service.create_case("c")
    item = service.import_paths(case.id, [f]).added[0]
    assert item.media_type == kind
    assert (item.image["width"], item.image["height"]) == (640, 480)
    assert item.pdq and pq.hamming(item.pdq, pq.pdq_from_bytes(encode(im))[0]) <= pq.MATCH_THRESHOLD
    assert make_preview(buf.getvalue(), item.media_type).jpeg
