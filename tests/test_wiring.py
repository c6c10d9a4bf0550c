"""The pieces meet: timestamps and marked chat messages travel into the bundle, its
verification and the report (issues 6, 8, 11, 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader

from evidence_kit.core.documents.bundle import export_bundle
from evidence_kit.core.documents.bundle_result import report_lines
from evidence_kit.core.documents.bundle_verify import verify_bundle
from evidence_kit.core.service import EvidenceService

from .test_timestamp_flow import add, config, pkis, servers  # noqa: F401  (fixtures)
from .tsa_server import LocalTSA, Pki


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_stamped_bundle_verifies_and_report_says_sealed(
    service: EvidenceService,
    servers: dict[str, LocalTSA],  # noqa: F811
    pkis: tuple[Pki, Pki],  # noqa: F811
    tmp_path: Path,
) -> None:
    case = service.create_case("사건 A").id
    add(service, case, 1)
    run = service.stamp_now([config(servers["alpha"]), config(servers["beta"])], timeout=5)
    assert run.sealed
    add(service, case, 2)  # collected after the stamp: not yet sealed
    out = tmp_path / "user-output" / "bundle"
    out.parent.mkdir()
    export_bundle(service.vault, case, out, lang="en")
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "timestamps/index.json" in names and sum(n.endswith(".tsr") for n in names) == 2
    assert "openssl ts -verify" in (out / "README-VERIFY.txt").read_text()
    # the test TSAs' roots are not built in: their tokens count only when the verifier trusts them
    res = verify_bundle(out)
    assert not res.ok and {c.key for t in res.timestamps for c in t.checks if not c.ok} == {"ts_chain_untrusted"}
    roots = [p.root for p in pkis]
    res = verify_bundle(out, tsa_ca=roots)
    text = "\n".join(report_lines(res, "en"))
    assert res.ok, text
    assert len(res.timestamps) == 2 and "Alpha" in text
    report = pdf_text(out / "report.pdf")
    assert "Trusted timestamp" in report and "not yet sealed" in report.lower()

    # one token altered: verification fails and names it
    tsr = next(out.glob("timestamps/*.tsr"))
    data = bytearray(tsr.read_bytes())
    data[-10] ^= 1
    tsr.write_bytes(bytes(data))
    res = verify_bundle(out, tsa_ca=roots)
    text = "\n".join(report_lines(res, "ko"))
    assert not res.ok and tsr.name in text


def test_marked_chat_messages_appear_in_report(service: EvidenceService, tmp_path: Path) -> None:
    case = service.create_case("사건 B").id
    src = tmp_path / "canary-src"
    src.mkdir()
    export = src / "KakaoTalk_20251103_1420_11_123_group.txt"
    export.write_text(
        "반 단톡방 님과 카카오톡 대화\n저장한 날짜 : 2025-11-03 14:20:11\n\n"
        "--------------- 2025년 11월 3일 월요일 ---------------\n"
        "[김철수] [오후 2:01] 사진 올린다\n"
        "[이영희] [오후 2:02] 그거 지워 당장\n",
        encoding="utf-8",
    )
    res: Any = service.import_chat(case, [export])
    chat = service.chats(case)[0]
    msgs = list(service.chat_messages(chat.id))
    target = next(m for m in msgs if "지워" in (m.text or ""))
    service.mark_messages(case, [target.id])
    out = tmp_path / "user-output" / "report.pdf"
    out.parent.mkdir()
    from evidence_kit.core.documents.report import build_report

    build_report(service.vault, case, out, lang="ko")
    text = pdf_text(out)
    assert "그거 지워 당장" in text and "이영희" in text
    assert res is not None


def test_bundle_verification_reports_progress_and_can_be_cancelled(service: EvidenceService, tmp_path: Path) -> None:
    import pytest

    from evidence_kit.core.common.errors import CancelledError
    from evidence_kit.core.common.model import ItemInput

    case = service.create_case("사건 C").id
    for n in range(3):
        service.import_bytes(case, f"evidence {n}".encode() * 100, ItemInput(name=f"e{n}.txt", method="paste"))
    out = tmp_path / "user-output" / "bundle"
    out.parent.mkdir()
    export_bundle(service.vault, case, out, lang="en")
    seen: list[tuple[int, int]] = []
    assert verify_bundle(out, progress=lambda d, t: seen.append((d, t))).ok
    assert seen and seen[-1][0] == seen[-1][1]
    with pytest.raises(CancelledError):
        verify_bundle(out, cancel=lambda: len(seen) > 0)
