"""The bundle's files a person reads: evidence-list.csv, README-VERIFY.txt, and the receipt.

The CSV is UTF-8 with BOM for Excel, every cell guarded against formula injection; the
README says, in Korean and English, how to check the bundle step by step (OpenSSL,
PowerShell on Windows, timestamps); the receipt is the out-of-band anchor shown when an
export finishes.
"""

from __future__ import annotations

import csv
import io

from ..common import untrusted
from ..common.clock import to_kst
from ..crypto.anchor import readable
from .snapshot import CaseSnapshot, redacted_path
from .winverify import windows_lines

# --------------------------------------------------------------------------- CSV

CSV_HEADER = [
    "순번 (No.)",
    "증거 (Exhibit)",
    "원래 파일명 (Original name)",
    "작성자(소유자) (Author/owner)",
    "제출 유무 (Submission)",
    "수집 일시 KST (Collected, KST)",
    "수집 일시 UTC (Collected, UTC)",
    "플랫폼 (Platform)",
    "URL",
    "채팅방/채널 (Chat room)",
    "게시자 계정 (Account)",
    "게시 일시 (Posted at)",
    "입증하려는 내용 (What it shows)",
    "SHA-256",
    "크기 바이트 (Size, bytes)",
    "번들 내 파일 (File in bundle)",
    "비고 (Note)",
]


def evidence_csv(snap: CaseSnapshot) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for item in snap.items:
        s = item.source
        author = s.account or (
            "고소인(화면 캡처)" if item.method == "screen-capture" else snap.case.prepared_by
        )
        w.writerow(
            [
                untrusted.csv_cell(x)
                for x in (
                    item.exhibit,
                    item.exhibit_label_ko,
                    item.relative_path or item.original_name,
                    author,
                    "☐ 접수시 제출 ☐ 수사 중 제출",
                    to_kst(item.acquired_utc),
                    item.acquired_utc,
                    s.platform,
                    s.url,
                    s.chatroom,
                    s.account,
                    s.posted_at,
                    s.purpose,
                    item.sha256,
                    item.size,
                    snap.paths.get(item.exhibit) or redacted_path(item, snap.items) or "",
                    "" if item.retained else "원본 미보관 — 해시값만 기록 (original not kept, hash only)",
                )
            ]
        )
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- README-VERIFY


def readme_text(snap: CaseSnapshot, manifest_sha256: str) -> bytes:
    lines: list[str] = _redacted_bundle_banner() if snap.redacted_only else []
    for lang in ("ko", "en"):
        lines += _intro_lines(snap, manifest_sha256, lang)
        lines += _command_lines(snap, lang)
        lines += _file_guide_lines(lang)
    if any(redacted_path(i, snap.items) for i in snap.items) and not snap.redacted_only:
        # Issue 16: say where a record-only case's pictures are, and that no original is here.
        lines += _redacted_folder_note()
    return ("\n".join(lines) + "\n").encode("utf-8")


def _redacted_bundle_banner() -> list[str]:
    return [
        "가린 사본 묶음: 이 묶음에는 가린(흐리게 하거나 검게 칠한) 사본만 들어 있고 원본은 없습니다.",
        "수사기관 제출용 묶음이 아닙니다. 원본은 피해자(또는 보관자)의 보관함에 봉인되어 있습니다.",
        "Redacted bundle: this bundle holds only redacted (pixelated or blacked-out) copies, no originals.",
        "It is not the bundle for the police; the originals stay sealed in the victim's (or keeper's) vault.",
        "",
    ]


def _intro_lines(snap: CaseSnapshot, manifest_sha256: str, lang: str) -> list[str]:
    """Who signed it (and how to compare that out of band), then how to start."""
    from .report_text import tool_label

    if lang == "ko":
        return [
            "증거 묶음 확인 방법 (README-VERIFY)",
            "=" * 40,
            "",
            f"보고서 ID: {snap.report_id}",
            f"작성 도구: {tool_label()}",
            f"서명 키 지문 (SHA-256): {snap.fingerprint}",
            f"매니페스트 SHA-256: {manifest_sha256}",
            f"보관 기록 헤드: 기록 {snap.head.size}건, 루트 {snap.head.root.hex()}",
            "",
            "먼저 누가 서명했는지 확인하세요. 이 묶음 안의 모든 것(이 파일과 보고서 포함)은 다른 키로 통째로",
            "다시 만들어 서명할 수 있습니다. 위 서명 키 지문을 묶음과 따로 받은 값 — 제출자가 서명해 건넨 종이",
            "'해시값 확인서'의 지문, 또는 제출자(상담사)와의 전화 확인 — 과 비교하세요. Evidence Kit이 있으면:",
            "    evidence-kit verify <묶음> --signer <종이에 적힌 지문(16자 이상, 띄어쓰기 무시)>",
            "다른 키로 서명된 묶음은 실패(종료 코드 6)합니다. --signer 없이 검증하면 '내부적으로 일관됨 — 서명자",
            "미확인'으로만 표시됩니다. 종이의 기록 건수보다 적으면 이전 상태로 되돌린 묶음입니다.",
            "",
            "이 폴더(또는 ZIP을 푼 폴더)에서 터미널을 열고 아래 명령을 차례로 실행하세요.",
            "서명 확인에는 OpenSSL 3.0 이상이 필요합니다.",
            "",
        ]
    return [
        "",
        "How to verify this evidence bundle (README-VERIFY)",
        "=" * 50,
        "",
        f"Report ID: {snap.report_id}",
        f"Tool: {tool_label()}",
        f"Signing key fingerprint (SHA-256): {snap.fingerprint}",
        f"Manifest SHA-256: {manifest_sha256}",
        f"Custody log head: {snap.head.size} entries, root {snap.head.root.hex()}",
        "",
        "First establish who signed it. Everything inside this bundle (this file and the report too) can be",
        "rebuilt and re-signed with another key. Compare the fingerprint above with a copy that did not",
        "travel with the bundle: the paper hash confirmation sheet the submitter signed and handed over, or",
        "a phone call with the submitter (or counselor). With Evidence Kit:",
        "    evidence-kit verify <bundle> --signer <fingerprint from the paper>",
        "(16 or more hex digits of it; spaces are ignored.)",
        "A bundle signed by any other key FAILS (exit code 6). Without --signer the result only says",
        "'internally consistent, signer not confirmed'. Fewer log entries than on the paper means an older",
        "(rolled-back) bundle.",
        "",
        "Open a terminal in this folder (or in the folder the ZIP was unpacked to) and run:",
        "Signature checks need OpenSSL 3.0 or later.",
        "",
    ]


def _command_lines(snap: CaseSnapshot, lang: str) -> list[str]:
    """The verification commands: OpenSSL steps, Windows, encrypted bundles, timestamps."""
    from .report_text import tr
    from .report_verify import verification_steps

    lines: list[str] = []
    for step, cmds in verification_steps():
        lines.append(tr(step, lang))
        lines += [f"    {c}" for c in cmds]
        lines.append("")
    lines += windows_lines(lang)
    lines.append(tr("v_windows", lang))
    lines.append(tr("v_encrypted", lang))
    if snap.timestamp_files:
        from ..timestamps.bundle import openssl_commands

        lines.append("")
        lines.append(tr("v_timestamps", lang))
        lines += [f"    {c}" for c in openssl_commands(snap.timestamp_files)]
    return lines


def _file_guide_lines(lang: str) -> list[str]:
    if lang == "ko":
        return [
            "",
            "파일 안내: evidence/ 원본 증거(파일 이름의 E001은 증 제1호증),",
            "manifest.json 증거 목록과 해시값(정확한 원래 파일 이름 포함), custody.jsonl 보관 기록,",
            "report.pdf 보고서, evidence-list.csv 증거 목록(엑셀), case.jsonld CASE/UCO 형식 자료.",
        ]
    return [
        "",
        "Files: evidence/ the original files (E001 is Exhibit 1), manifest.json the list of exhibits",
        "and their hashes (with exact original names), custody.jsonl the custody log, report.pdf the",
        "report, evidence-list.csv the evidence list for Excel, case.jsonld the same facts as",
        "CASE/UCO.",
    ]


def _redacted_folder_note() -> list[str]:
    return [
        "",
        "redacted/ 가린 사본 — 원본 미보관: 기록 전용 증거는 원본을 보관하지 않았고, 해시값은 원본에서 계산한",
        "값입니다. 이 폴더의 파일은 보관된 가린 사본이며 manifest.json의 redacted_version에 해시값이 있습니다.",
        "redacted/ redacted — original not kept: for record-only exhibits the original was not kept; their",
        "hashes are the original's. These files are the stored redacted versions (see redacted_version in",
        "manifest.json).",
    ]


# --------------------------------------------------------------------------- receipt


def receipt_lines(fingerprint: str, manifest_sha256: str, head_size: int, head_root: str, lang: str) -> list[str]:
    """The out-of-band anchor as shown when an export finishes (CLI and app), to be
    written on or compared with the paper 해시값 확인서 and read out on the phone."""
    if lang == "ko":
        return [
            "— 수사기관 확인용 (종이 해시값 확인서에 인쇄된 값과 같습니다) —",
            f"서명 키 지문:       {readable(fingerprint, lang)}",
            f"매니페스트 SHA-256: {readable(manifest_sha256, lang)}",
            f"보관 기록 헤드:     기록 {head_size}건, 루트 {readable(head_root, lang)}",
            "수사관은 evidence-kit verify 묶음 --signer 서명키지문 으로 확인합니다.",
            "지문은 묶음과 따로(종이, 전화) 전하세요.",
        ]
    return [
        "— For the investigator (the same values are printed on the paper hash confirmation sheet) —",
        f"Signing key fingerprint: {readable(fingerprint)}",
        f"Manifest SHA-256:        {readable(manifest_sha256)}",
        f"Custody log head:        {head_size} entries, root {readable(head_root)}",
        "The investigator runs evidence-kit verify BUNDLE --signer FINGERPRINT. Give the fingerprint separately "
        "from the bundle (on paper, by phone).",
    ]
