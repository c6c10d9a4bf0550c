"""Report PDFs that archive well (issue 24): every font embedded in every variant, document
metadata that helps archives and leaks nothing, and one deterministic render per export.

Real parts: a real vault, a real chat export, a local RFC 3161 TSA, real PDFs read back with
poppler's pdffonts and pypdf.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from evidence_kit import __version__
from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.documents import bundle, pdfstyle, report, report_input
from evidence_kit.core.documents.takedown import TakedownOptions
from evidence_kit.core.service import EvidenceService
from evidence_kit.core.timestamps.tsa_defaults import TsaConfig

from . import fixtures_chat as fx
from .conftest import PASSPHRASE, fast_kdf
from .test_report_data import HOSTILE_NAME, HOSTILE_TEXT, add_record_only, make_case, pdffonts, png
from .tsa_server import LocalTSA, make_pki, pem

# PDF syntax and XMP a hostile name might try to smuggle into the document's metadata.
INJECT = (
    ") /Author (evil) /Title (x) >> endobj 99 0 obj << /S /JavaScript /JS (app.alert(1)) >> "
    '</rdf:li></rdf:Alt></dc:title><dc:creator>evil</dc:creator><?xpacket end="w"?> \x00 \\'
)
BASE14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")


@dataclass
class Matrix:
    svc: EvidenceService
    root: Path
    pdfs: dict[str, Path]
    hostile_case: str
    plain_case: str


def _mark_chat(svc: EvidenceService, case_id: str, root: Path) -> None:
    res = svc.import_chat(case_id, [fx.telegram_export(root)])
    msgs = svc.chat_messages(res.chats[0].id)
    refs = [m.id for m in msgs[1:6]]
    svc.mark_messages(case_id, refs, note=HOSTILE_TEXT)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    root = tmp_path_factory.mktemp("pdfa")
    out = root / "user-output"
    out.mkdir()
    svc = EvidenceService(root / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    v = svc.vault
    # A hostile case: hostile names everywhere, chats, a record-only item, a redacted copy,
    # a trusted timestamp.
    case, items = make_case(v, hostile=True, name="사건 " + INJECT)
    _mark_chat(svc, case.id, root / "chat")
    add_record_only(v, case.id, name=INJECT + ".jpg")
    v.derive_redacted_copy(items[0].id)
    pki = make_pki("Archive TSA", "rsa")
    tsa = LocalTSA(pki, root / "tsa", name="Archive")
    tsa.start()
    try:
        run = svc.stamp_now(
            [TsaConfig(name=tsa.name, url=tsa.url, root_sha256=(pki.root_sha256,), roots_pem=pem(pki.root))],
            timeout=10,
        )
        assert run.sealed
    finally:
        tsa.stop()
    # A plain case: no chats, no timestamps after the stamp above, ordinary names.
    plain = svc.create_case("평범한 사건")
    svc.import_bytes(plain.id, png((10, 200, 10)), ItemInput(name="capture.png", method="paste"))
    pdfs: dict[str, Path] = {}
    for lang in ("ko", "en"):
        for label, cid in (("hostile", case.id), ("plain", plain.id)):
            p = out / f"report-{label}-{lang}.pdf"
            svc.make_report(cid, p, lang=lang)
            pdfs[f"report-{label}-{lang}"] = p
        b = out / f"bundle-{lang}"
        svc.export_bundle(case.id, b, lang=lang)
        pdfs[f"bundle-{lang}"] = b / "report.pdf"
        r = out / f"redacted-{lang}"
        svc.export_bundle(case.id, r, lang=lang, redacted_only=True)
        pdfs[f"redacted-{lang}"] = r / "report.pdf"
    # Takedown forms for the hostile case (hostile platform, URL, requester).
    v.update_source(items[1].id, Source(platform="X " + INJECT, url="https://x.com/a/status/1", account=INJECT))
    td = out / "takedown"
    svc.build_takedown(case.id, td, TakedownOptions(requester_name=INJECT, keywords=(INJECT,)))
    for p in sorted(td.rglob("*.pdf")):
        pdfs["takedown-" + p.stem] = p
    try:
        yield Matrix(svc, root, pdfs, case.id, plain.id)
    finally:
        svc.lock()


def test_every_variant_embeds_every_font(matrix: Matrix) -> None:
    assert len([k for k in matrix.pdfs if k.startswith("takedown-")]) >= 3
    assert len(matrix.pdfs) >= 11
    for key, path in matrix.pdfs.items():
        rows = pdffonts(path)
        assert rows, f"{key}: no fonts listed"
        for row in rows:
            # columns: name type [type2] encoding emb sub uni object ID
            assert not any(b in row[0] for b in BASE14), f"{key}: base-14 font {row}"
            assert row[-5] == "yes", f"{key}: font not embedded: {row}"
            assert "EvidenceKitGothic" in row[0], f"{key}: unexpected font {row}"


def test_chat_section_is_in_the_hostile_reports(matrix: Matrix) -> None:
    from .test_report_data import pdf_text

    assert "대화 내보내기: 표시한 메시지" in pdf_text(matrix.pdfs["report-hostile-ko"])
    assert "Chat exports: marked messages" in pdf_text(matrix.pdfs["report-hostile-en"])


def _xmp(reader: PdfReader) -> ET.Element:
    meta = reader.trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in meta  # PDF/A: metadata stream unfiltered
    return ET.fromstring(meta.get_data().decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])


NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def test_metadata_reads_back_and_leaks_nothing(matrix: Matrix) -> None:
    producer = f"Evidence Kit {__version__}"
    for key, path in matrix.pdfs.items():
        raw = path.read_bytes()
        reader = PdfReader(path)
        info = reader.metadata
        assert info is not None
        assert set(info) <= {"/Title", "/Subject", "/Creator", "/Producer", "/CreationDate", "/ModDate"}, key
        assert "/Author" not in info and "/Keywords" not in info
        assert info["/Producer"] == producer and info["/Creator"] == producer
        assert str(info["/CreationDate"]).endswith("+00'00'") and info["/CreationDate"] == info["/ModDate"]
        # no file path, no case name, no hostile text anywhere in the info or XMP
        root = reader.trailer["/Root"]
        xmp_raw = root["/Metadata"].get_object().get_data()
        for needle in (str(matrix.root), "사건", "evil", "JavaScript", "user-output"):
            assert needle not in str(dict(info)), (key, needle)
            assert needle.encode() not in xmp_raw, (key, needle)
        assert str(matrix.root).encode() not in raw
        x = _xmp(reader)
        desc = x.find("rdf:RDF/rdf:Description", NS)
        assert desc is not None
        assert desc.findtext("pdfaid:part", namespaces=NS) == "2"
        assert desc.findtext("pdfaid:conformance", namespaces=NS) == "B"
        assert desc.findtext("pdf:Producer", namespaces=NS) == producer
        assert desc.find("dc:creator", NS) is None
        title = desc.findtext("dc:title/rdf:Alt/rdf:li", namespaces=NS)
        assert title == info["/Title"]
        created = desc.findtext("xmp:CreateDate", namespaces=NS) or ""
        d = str(info["/CreationDate"])
        assert created == f"{d[2:6]}-{d[6:8]}-{d[8:10]}T{d[10:12]}:{d[12:14]}:{d[14:16]}Z"
        intents = root["/OutputIntents"]
        assert intents[0]["/S"] == "/GTS_PDFA1"
        icc = intents[0]["/DestOutputProfile"].get_object()
        assert icc["/N"] == 3 and icc.get_data()[36:40] == b"acsp"
        lang = root["/Lang"]
        if key.startswith("report-") or key.startswith("bundle-") or key.startswith("redacted-"):
            want = "ko-KR" if key.endswith("-ko") else "en"
            assert lang == want, key
            assert desc.findtext("dc:language/rdf:Bag/rdf:li", namespaces=NS) == want
            rid = title.split()[0]
            assert rid.startswith("EK-") and "증거자료 보고서" in title
            assert len(reader.pages) > 3
        else:
            assert lang == "ko-KR" and title.startswith("TD-")


def test_xmp_packet_escapes_every_value() -> None:
    meta = pdfstyle.DocumentMeta(title=INJECT, lang="en", created_utc="2026-11-27T03:04:05Z", subject=INJECT)
    root = ET.fromstring(pdfstyle.xmp_packet(meta).decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    desc = root.find("rdf:RDF/rdf:Description", NS)
    assert desc is not None
    assert desc.find("dc:creator", NS) is None  # the injected element did not appear
    assert desc.findtext("dc:title/rdf:Alt/rdf:li", namespaces=NS) == INJECT.replace("\x00", "")
    assert desc.findtext("xmp:CreateDate", namespaces=NS) == "2026-11-27T03:04:05Z"
    assert meta.pdf_date() == "D:20261127030405+00'00'"


def test_hostile_file_names_render_as_text_not_syntax(matrix: Matrix) -> None:
    from .test_report_data import pdf_text, squash

    path = matrix.pdfs["report-hostile-en"]
    reader = PdfReader(path)
    assert "/JavaScript" not in str(reader.trailer["/Root"]) and "/OpenAction" not in reader.trailer["/Root"]
    flat = squash(pdf_text(path))
    assert squash("/S /JavaScript /JS (app.alert(1))") in flat  # shown as text
    assert squash(HOSTILE_NAME.split("&")[0]) in flat


# --------------------------------------------------------------------------- render once


def test_export_renders_once_and_matches_a_report_from_the_same_snapshot(
    service: EvidenceService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = service.vault
    case, _items = make_case(v, hostile=True)
    _mark_chat(service, case.id, tmp_path / "chat")
    add_record_only(v, case.id)
    renders: list[int] = []
    snaps: list[bundle.CaseSnapshot] = []
    real_render = report.render_report
    real_snapshot = bundle.snapshot_case

    def counting_render(*a: Any, **kw: Any) -> int:
        renders.append(1)
        return real_render(*a, **kw)

    def keep_snapshot(*a: Any, **kw: Any) -> bundle.CaseSnapshot:
        snaps.append(real_snapshot(*a, **kw))
        return snaps[-1]

    monkeypatch.setattr(report, "render_report", counting_render)
    monkeypatch.setattr(bundle, "snapshot_case", keep_snapshot)
    out = tmp_path / "user-output" / "b"
    out.parent.mkdir()
    res = service.export_bundle(case.id, out, lang="en")
    assert len(renders) == 1 and len(snaps) == 1
    bundled = (out / "report.pdf").read_bytes()
    # a report made from the same snapshot, now, after the export's own log events
    snap = snaps[0]
    evidence = report_input.collect_item_evidence(v, snap.items, clear_previews=False)
    again = io.BytesIO()
    real_render(snap, res.manifest_sha256, again, evidence, report_input.ReportOptions("en", False, bundle.REPORT))
    assert again.getvalue() == bundled
    assert hashlib.sha256(bundled).hexdigest() == next(
        e.data["pdf_sha256"] for e in reversed(v.events(case_id=case.id)) if e.action == "report"
    )
    # the standalone report renders once too
    renders.clear()
    service.make_report(case.id, tmp_path / "user-output" / "r.pdf", lang="ko")
    assert len(renders) == 1
