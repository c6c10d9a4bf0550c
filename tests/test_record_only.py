"""Record-only cases keep the proof of an image without the image (issue 9)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image
from pypdf import PdfReader

from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.crypto.age_stream import AgeReader
from evidence_kit.core.documents.bundle import export_bundle
from evidence_kit.core.documents.bundle_verify import verify_bundle
from evidence_kit.core.evidence.perceptual import hamming
from evidence_kit.core.evidence.redact import Rect
from evidence_kit.core.service import EvidenceService

from .conftest import CANARY, canary_hits
from .test_redact import photo_like


def canary_image(fmt: str) -> bytes:
    """A photo-like image whose first pixel row spells the canary, with canary EXIF text."""
    im = photo_like(256, 192, seed=3)
    arr = np.asarray(im).copy()
    row = np.frombuffer((CANARY * 50)[: 256 * 3], dtype=np.uint8).reshape(256, 3)
    arr[0, :, :] = row
    im = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x010E] = "desc " + CANARY.decode()
    buf = io.BytesIO()
    if fmt == "PNG":
        im.save(buf, "PNG", exif=exif.tobytes())
    else:
        im.save(buf, "JPEG", quality=97, exif=exif.tobytes())
    return buf.getvalue()


def pdq_hex(data: bytes) -> str:
    bits, _ = pdqhash.compute(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    return "".join(f"{int(''.join(str(int(b)) for b in bits[i : i + 4]), 2):x}" for i in range(0, 256, 4))


def windows_of(data: bytes, size: int = 4096) -> list[bytes]:
    return [data[i : i + size] for i in range(0, max(1, len(data) - size + 1), 1024)]


@pytest.fixture
def counselor(tmp_path: Path) -> EvidenceService:
    from .conftest import PASSPHRASE, fast_kdf

    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf(), role="counselor")
    yield svc
    svc.lock()


def test_record_only_import_keeps_no_trace_of_the_original(counselor: EvidenceService, tmp_path: Path) -> None:
    case = counselor.create_case("학생 A")
    assert case.policy == "record_only"
    src = tmp_path / "canary-src"
    src.mkdir()
    originals = {"photo.png": canary_image("PNG"), "photo.jpg": canary_image("JPEG")}
    for name, data in originals.items():
        (src / name).write_bytes(data)
        assert CANARY in data  # the EXIF text is really there
    summary = counselor.import_paths(case.id, [src / "photo.png", src / "photo.jpg"])
    assert len(summary.added) == 2 and not summary.problems
    vault = counselor.vault
    for item in counselor.items(case.id):
        data = originals[item.original_name]
        import hashlib

        assert not item.retained
        assert item.sha256 == hashlib.sha256(data).hexdigest()
        assert item.md5 == hashlib.md5(data).hexdigest() and item.sha1 == hashlib.sha1(data).hexdigest()
        assert item.size == len(data) and item.exif == {}
        assert item.pdq is not None and hamming(item.pdq, pdq_hex(data)) == 0
        stored = vault.read_item_bytes(item.id, log_view=False)
        assert stored != data and item.stored_sha256 == hashlib.sha256(stored).hexdigest()
        # the derivative decodes, is coarse blocks, carries no metadata and is far in PDQ
        im = Image.open(io.BytesIO(stored))
        assert im.format == "PNG" and not im.getexif()
        arr = np.asarray(im.convert("RGB"))
        assert CANARY not in arr.tobytes()
        assert len({tuple(p) for p in arr.reshape(-1, 3)}) <= 64
        assert hamming(pdq_hex(stored), item.pdq) > 64
        acq = vault.events(item_id=item.id)[0]
        assert acq.data["retained"] is False and "without retaining" in acq.data["note"]
    vault.flush()
    # Nowhere in the vault: not in any file as stored, not in any decrypted blob.
    assert canary_hits(vault.path) == []
    plaintexts = []
    for blob in vault.path.glob("blobs/*/*.age"):
        with blob.open("rb") as f:
            plaintexts.append(b"".join(AgeReader(f, [vault.keys.identity]).chunks()))
    everything = [p.read_bytes() for p in vault.path.rglob("*") if p.is_file()] + plaintexts
    for data in originals.values():
        probes = windows_of(data)
        for blob in everything:
            assert CANARY not in blob
            assert not any(w in blob for w in probes)
    for var in ("HOME", "TMPDIR"):
        assert canary_hits(Path(os.environ[var]), skip=("canary-src", "user-output")) == []
    assert vault.verify().ok


def test_screenshot_regions_blacked_out_context_kept(counselor: EvidenceService) -> None:
    case = counselor.create_case("학생 B")
    buf = io.BytesIO()
    photo_like(400, 300, seed=5).save(buf, "PNG")
    res = counselor.import_bytes(
        case.id,
        buf.getvalue(),
        ItemInput(name="capture.png", method="screen-capture"),
        regions=[Rect(100, 100, 150, 120)],
    )
    item = res.item
    assert not item.retained and item.derivation.startswith("blacked-out")
    arr = np.asarray(Image.open(io.BytesIO(counselor.vault.read_item_bytes(item.id))).convert("RGB"))
    assert (arr[100:220, 100:250] == 0).all()
    assert arr[10:60, 10:60].std() > 5  # the context (URL bar, names) is still there
    assert counselor.vault.events(item_id=item.id)[0].action == "capture"


def test_non_image_record_only_keeps_hashes_only(counselor: EvidenceService) -> None:
    case = counselor.create_case("학생 C")
    res = counselor.import_bytes(
        case.id, b"\x1a\x45\xdf\xa3 fake video " * 100, ItemInput(name="v.webm", method="paste")
    )
    assert not res.item.retained and res.item.stored_sha256 is None
    assert counselor.vault._item_blob(res.item.id) is None


def test_report_and_bundle_say_original_not_kept_and_verify(counselor: EvidenceService, tmp_path: Path) -> None:
    case = counselor.create_case("학생 D")
    data = canary_image("JPEG")
    item = counselor.import_bytes(case.id, data, ItemInput(name="seen.jpg", method="paste")).item
    out = tmp_path / "user-output" / "bundle"
    out.parent.mkdir()
    export_bundle(counselor.vault, case.id, out, lang="ko")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(out / "report.pdf")).pages)
    assert "원본 미보관" in text and item.sha256[:32] in text
    assert not (out / "evidence").exists() or not any((out / "evidence").iterdir())
    res = verify_bundle(out)
    assert res.ok
    manifest = (out / "manifest.json").read_text()
    assert item.sha256 in manifest and CANARY.decode() not in manifest


def test_redacted_copy_in_keep_originals_case_is_linked(service: EvidenceService) -> None:
    case = service.create_case("피해자")
    buf = io.BytesIO()
    photo_like(300, 200, seed=9).save(buf, "PNG")
    original = service.import_bytes(case.id, buf.getvalue(), ItemInput(name="shot.png", method="paste")).item
    assert original.retained
    copy = service.vault.derive_redacted_copy(original.id, regions=[Rect(0, 0, 100, 100)]).item
    assert copy.derived_from == original.id and copy.retained and copy.exhibit == 2
    assert copy.original_name == "shot-redacted.png"
    parent_events = [e for e in service.vault.events(item_id=original.id) if e.action == "derive"]
    assert parent_events and parent_events[0].data["copy"] == copy.id
    child = service.vault.events(item_id=copy.id)[0]
    assert child.action == "derive" and child.data["derived_from"] == original.id
    assert service.vault.verify().ok


def test_redacted_bundle_carries_only_copies_and_says_so(service: EvidenceService, tmp_path: Path) -> None:
    from evidence_kit.core.common.errors import InputError

    case = service.create_case("피해자 E")
    original_bytes = canary_image("PNG")
    original = service.import_bytes(case.id, original_bytes, ItemInput(name="shot.png", method="paste")).item
    out = tmp_path / "user-output"
    out.mkdir()
    with pytest.raises(InputError):  # nothing to share yet
        export_bundle(service.vault, case.id, out / "none", redacted_only=True)
    copy = service.vault.derive_redacted_copy(original.id, regions=[Rect(0, 0, 256, 100)]).item
    bundle = out / "for-school"
    export_bundle(service.vault, case.id, bundle, lang="ko", redacted_only=True)
    files = [p for p in bundle.rglob("*") if p.is_file()]
    evidence = [p for p in files if p.parent.name == "evidence"]
    assert len(evidence) == 1 and evidence[0].read_bytes() == service.vault.read_item_bytes(copy.id)
    probes = windows_of(original_bytes)
    for f in files:
        data = f.read_bytes()
        assert CANARY not in data and not any(w in data for w in probes), f
    manifest = (bundle / "manifest.json").read_text()
    assert '"redacted_copies_only":true' in manifest and original.sha256 not in manifest.split('"items"')[1]
    assert "원본은 없습니다" in (bundle / "README-VERIFY.txt").read_text()
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(bundle / "report.pdf")).pages)
    assert "가린 사본 묶음" in text
    assert verify_bundle(bundle).ok
    export = [e for e in service.vault.events(case_id=case.id) if e.action == "export"][-1]
    assert export.data["redacted_copies_only"] is True


def test_case_graph_links_copy_to_original_and_validates(service: EvidenceService, tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess
    import sys

    case = service.create_case("피해자 F")
    original = service.import_bytes(case.id, canary_image("PNG"), ItemInput(name="shot.png", method="paste")).item
    copy = service.vault.derive_redacted_copy(original.id).item
    out = tmp_path / "user-output" / "bundle"
    out.parent.mkdir()
    export_bundle(service.vault, case.id, out, lang="en")
    graph = json.loads((out / "case.jsonld").read_text())
    from evidence_kit.core.documents.casegraph import _iri

    vault_id = service.vault.vault_id
    derive = next(n for n in graph["@graph"] if n.get("uco-core:name") == "derive")
    assert derive["@id"] == _iri(vault_id, copy.id, "acquisition")
    assert {"@id": _iri(vault_id, original.id, "file")} in derive["uco-action:object"]
    exe = shutil.which("case_validate") or str(Path(sys.executable).parent / "case_validate")
    res = subprocess.run([exe, str(out / "case.jsonld")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "Conforms: True" in res.stdout, res.stdout[-2000:]
