"""The police-ready PDF report (issue 8), in Korean or English.

Built with reportlab platypus and an embedded TrueType Korean font (never the standard
Helvetica: reportlab's built-in Korean CID fonts are not embedded and render blank on a
reader without Korean fonts). Contents, in order:

1. cover: case, preparer, generation time (KST and UTC), tool, item count, report ID,
   signing-key fingerprint, manifest SHA-256 and a QR code of it;
2. 범죄사실: the incident summary the user wrote (일시, 장소·공간, 방법, 결과);
3. 증거자료 세부 목록: the complaint form's annex table (순번 | 증거 | 작성자(소유자) |
   제출 유무) plus 수집 일시 | 출처 | 입증하려는 내용 | 비고(SHA-256);
4. one page per exhibit: preview (blurred by default), every metadata field, EXIF,
   hashes, the exhibit's custody events;
5. 해시값 확인서: per exhibit file name, size, algorithm, hash, collection time and tool,
   the 원본과 상위없음 statement (confirmed only when this build re-verified every
   retained blob's SHA-256) and 서명·날인 lines;
6. the custody log and its signed head; 7. how to verify, with the exact commands.

Every page carries the report ID, "page X of Y" and the manifest SHA-256 in its footer.

Untrusted text (file names, EXIF, notes, URLs, even case fields) never reaches reportlab's
markup parser raw: :class:`TextCleaner` applies core/untrusted.py's one rule set (control
and format characters — RTL overrides, NULs, zero-width characters — and characters the
font lacks as ``[U+XXXX]``, undecodable file-name bytes as ``\\xNN``), caps the length,
then XML-escapes. Long words (hashes, URLs) wrap via reportlab's
``splitLongWords``.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ... import __version__
from ..common import untrusted
from ..common.clock import to_kst, utc_display
from ..common.errors import CancelledError, EvidenceKitError, IntegrityError
from ..common.model import CustodyEvent, Item
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..evidence.preview import (
    KIND_ARCHIVE,
    KIND_AUDIO,
    KIND_IMAGE,
    KIND_PDF,
    KIND_TEXT,
    KIND_VIDEO,
    Preview,
    make_preview,
)
from . import pdfstyle

if TYPE_CHECKING:
    from ..vault.vault import Vault
    from .snapshot import CaseSnapshot

log = logging.getLogger(__name__)

TOOL_NAME = pdfstyle.TOOL_NAME
FONT = pdfstyle.FONT
FONT_BOLD = pdfstyle.FONT_BOLD
FONT_FILES = pdfstyle.FONT_FILES

# Items larger than this get no preview (their hash is still re-verified by streaming).
PREVIEW_LOAD_LIMIT = 64 * 1024 * 1024

# Display caps for untrusted text (the exact values are in manifest.json).
LIST_CELL_CHARS = 300
FIELD_CHARS = 2000
LOG_DETAIL_CHARS = 400


class ReportError(EvidenceKitError):
    exit_code = 1
    ko = "보고서를 만들 수 없습니다."
    en = "The report could not be made."


def tool_label() -> str:
    return f"{TOOL_NAME} {__version__}"


# --------------------------------------------------------------------------- text

# Every report string, (Korean, English). A test checks both are present and non-empty.
TEXT: dict[str, tuple[str, str]] = {
    "title": ("증거자료 보고서", "Evidence Report"),
    "subtitle": (
        "디지털 증거 보관 기록 · 증거자료 세부 목록 · 해시값 확인서",
        "Digital evidence record · detailed evidence list · hash confirmation sheet",
    ),
    "case_name": ("사건명", "Case"),
    "case_ref": ("사건 참조번호", "Case reference"),
    "prepared_by": ("작성자", "Prepared by"),
    "role": ("작성자 구분", "Preparer's role"),
    "role_victim": ("피해자 본인", "The victim"),
    "role_counselor": ("상담사·지원기관", "Counselor / support organisation"),
    "organisation": ("소속 기관", "Organisation"),
    "not_given": ("(기재하지 않음)", "(not given)"),
    "pseudonym_note": (
        "작성자 이름은 가명일 수 있습니다. 실명 확인이 필요하면 제출 시 별도로 확인해 주세요.",
        "The preparer's name may be a pseudonym; confirm identity separately when the report is handed in.",
    ),
    "report_id": ("보고서 ID", "Report ID"),
    "generated": ("작성 일시", "Generated"),
    "tool": ("작성 도구", "Tool"),
    "item_count": ("증거 수", "Number of items"),
    "fingerprint": ("서명 키 지문 (SHA-256)", "Signing key fingerprint (SHA-256)"),
    "manifest_sha": ("매니페스트 SHA-256", "Manifest SHA-256"),
    "log_head": ("보관 기록 헤드", "Custody log head"),
    "log_head_value": ("기록 {size}건, 루트 {root}", "{size} entries, root {root}"),
    "qr_caption": ("QR 코드: 매니페스트(manifest.json)의 SHA-256", "QR code: SHA-256 of manifest.json"),
    "blur_notice": (
        "이 보고서의 이미지 미리보기는 식별할 수 없도록 흐리게 처리되어 있습니다. 원본 파일은 함께 "
        "제출한 묶음의 evidence/ 폴더에 있으며, 아래의 해시값으로 원본과 같은 파일인지 확인할 수 "
        "있습니다.",
        "Image previews in this report are blurred so that they cannot be recognised. The original files "
        "are in the evidence/ folder of the accompanying bundle; the hashes below show that they are the "
        "files collected.",
    ),
    "blur_notice_record_only": (
        "이 보고서의 이미지 미리보기는 식별할 수 없도록 흐리게 처리되어 있습니다. 이 사건은 기록 전용이라 "
        "원본 파일은 보관하지 않았습니다. 아래의 해시값은 수집할 때 원본에서 계산한 값이며, 증거 묶음의 "
        "redacted/ 폴더에는 가린 사본(원본 미보관)이 들어 있습니다.",
        "Image previews in this report are blurred so that they cannot be recognised. This case is record "
        "only: the original files were not kept. The hashes below were computed from the originals when they "
        "were collected; the redacted/ folder of the bundle holds the redacted versions (original not kept).",
    ),
    "blur_notice_mixed": (
        "이 보고서의 이미지 미리보기는 식별할 수 없도록 흐리게 처리되어 있습니다. 보관한 원본 파일은 제출 "
        "묶음의 evidence/ 폴더에 있습니다. '원본 미보관'으로 표시된 증거는 원본 없이 해시값만 기록했고, "
        "가린 사본이 redacted/ 폴더에 있습니다.",
        "Image previews in this report are blurred so that they cannot be recognised. The originals that were "
        "kept are in the evidence/ folder of the bundle. Exhibits marked 'original not kept' have only their "
        "hashes recorded; their redacted versions are in the redacted/ folder.",
    ),
    "clear_notice": (
        "주의: 이 보고서에는 흐리게 처리하지 않은 미리보기가 들어 있습니다. 열람과 배포에 주의하세요.",
        "Caution: this report contains clear (unblurred) previews. Take care when viewing or sharing it.",
    ),
    "tie_notice": (
        "이 보고서의 모든 쪽 아래에 적힌 매니페스트 SHA-256은 증거 묶음의 manifest.json 파일의 "
        "해시값이고, manifest.json에는 각 증거 파일의 해시값이 들어 있습니다. 매니페스트는 위 지문의 "
        "키로 서명되어 있습니다.",
        "The manifest SHA-256 printed at the foot of every page is the hash of manifest.json in the "
        "bundle, which lists every evidence file's hashes and is signed with the key whose fingerprint "
        "is shown above.",
    ),
    "jargon_notice": (
        "용어 설명: SHA-256(해시값)은 경찰이 파일이 바뀌지 않았는지 확인할 때 쓰는 값입니다. 매니페스트는 "
        "모든 증거와 그 해시값을 적은 서명된 목록입니다. 서명 키 지문은 이 목록에 서명한 키를 알려 주는 "
        "값입니다. 보관 기록 헤드는 그때까지의 보관 기록 전체를 요약한 서명된 값이고, 포함 증명은 어떤 "
        "기록이 그 요약 안에 들어 있음을 보여 주는 계산 자료입니다.",
        "Terms: SHA-256 (a hash) is the value police use to check that a file has not changed. The manifest "
        "is the signed list of every exhibit and its hash. The signing key fingerprint identifies the key "
        "that signed it. The custody log head is a signed summary of the whole custody log so far; an "
        "inclusion proof shows that one entry is part of that summary.",
    ),
    "footer": ("보고서 ID {rid}", "Report ID {rid}"),
    "page_of": ("{page} / {pages} 쪽", "Page {page} of {pages}"),
    "footer_manifest": ("매니페스트 SHA-256 {sha}", "Manifest SHA-256 {sha}"),
    "incident": ("범죄사실 (사건 개요)", "Incident summary"),
    "incident_intro": (
        "아래 내용은 작성자가 직접 적은 것입니다.",
        "The following was written by the preparer.",
    ),
    "inc_when": ("일시", "When"),
    "inc_where": ("장소·공간", "Where (place, platform, chat room)"),
    "inc_how": ("방법", "How"),
    "inc_result": ("결과", "Result / harm"),
    "case_description": ("사건 설명", "Description"),
    "platforms": ("관련 플랫폼", "Platforms involved"),
    "suspects": ("상대방(피고소인) 정보", "Other party (suspect) details"),
    "not_written": ("(작성하지 않음)", "(not written)"),
    "list_title": ("증거자료 세부 목록", "Detailed list of evidence"),
    "list_intro": (
        "고소장 별지 서식의 증거 목록 열(순번, 증거, 작성자(소유자), 제출 유무)을 그대로 두고 수집 일시, "
        "출처, 입증하려는 내용, 해시값(SHA-256)을 더했습니다. 같은 목록이 evidence-list.csv 파일로도 "
        "들어 있습니다. 제출 유무는 제출할 때 표시해 주세요.",
        "The columns of the evidence list in the annex to the Korean police complaint form (No., "
        "evidence, author (owner), submission) are kept, with collection time, source, what the item is "
        "meant to prove and its SHA-256 added. The same list is in evidence-list.csv. Tick the "
        "submission box when handing the evidence in.",
    ),
    "col_no": ("순번", "No."),
    "col_evidence": ("증거", "Evidence"),
    "col_author": ("작성자(소유자)", "Author (owner)"),
    "col_submit": ("제출 유무", "Submission"),
    "col_time": ("수집 일시", "Collected"),
    "col_source": ("출처", "Source"),
    "col_purpose": ("입증하려는 내용", "What it shows"),
    "col_note": ("비고(SHA-256)", "Note (SHA-256)"),
    "submit_boxes": ("☐ 접수시 제출\n☐ 수사 중 제출", "☐ at filing\n☐ during investigation"),
    "author_capture": ("고소인(화면 캡처)", "Complainant (screen capture)"),
    "author_unknown": ("미상", "Unknown"),
    "poster": ("게시자", "Posted by"),
    "not_retained": ("원본 미보관 — 해시값만 기록", "Original not kept — hash recorded only"),
    "src_platform": ("플랫폼", "Platform"),
    "src_url": ("URL", "URL"),
    "src_chatroom": ("채팅방/채널", "Chat room / channel"),
    "src_account": ("게시자 계정", "Posting account"),
    "src_date_seen": ("본 날짜", "Date seen"),
    "src_posted_at": ("게시 일시", "Posted at"),
    "src_description": ("설명", "Description"),
    "src_purpose": ("입증하려는 내용", "What it is meant to prove"),
    "item_pages": ("증거별 상세", "Exhibit details"),
    "preview_blurred": ("미리보기 (흐리게 처리됨)", "Preview (blurred)"),
    "preview_clear": ("미리보기 (선명, 열람 주의)", "Preview (clear — view with care)"),
    "kind_video": ("동영상 파일", "Video file"),
    "key_frames_blurred": (
        "동영상의 주요 장면 (흐리게 처리됨, 아래는 재생 시각)",
        "Key frames of the video (blurred; times below each)",
    ),
    "key_frames_clear": ("동영상의 주요 장면 (선명, 열람 주의)", "Key frames of the video (clear — view with care)"),
    "kind_audio": ("음성 파일", "Audio file"),
    "kind_pdf": ("PDF 문서", "PDF document"),
    "kind_text": ("텍스트 파일", "Text file"),
    "kind_archive": ("압축 파일", "Archive file"),
    "kind_other": ("파일", "File"),
    "kind_image": ("이미지 파일", "Image file"),
    "no_preview": ("미리보기 없음", "no preview"),
    "prob_too-large": ("미리보기를 만들기에는 너무 큽니다", "too large to preview"),
    "prob_undecodable": ("이미지를 읽을 수 없어 미리보기가 없습니다", "the image could not be decoded"),
    "prob_not-retained": ("원본을 보관하지 않아 미리보기가 없습니다", "the original is not kept"),
    "prob_not-loaded": ("미리보기를 만들지 않았습니다", "no preview was made"),
    "sec_basic": ("기본 정보", "Basic facts"),
    "sec_source": ("출처", "Source"),
    "sec_hashes": ("해시값", "Hashes"),
    "sec_image": ("이미지 정보", "Image facts"),
    "sec_exif": ("EXIF 메타데이터", "EXIF metadata"),
    "sec_capture": ("캡처 정보", "Capture details"),
    "sec_events": ("이 증거의 보관 기록", "Custody events for this exhibit"),
    "f_exhibit": ("증거번호", "Exhibit"),
    "f_name": ("원래 파일명", "Original file name"),
    "f_relpath": ("가져온 폴더 안의 경로", "Path in the imported folder"),
    "f_bundle_path": ("증거 묶음 안의 파일", "File in the bundle"),
    "f_size": ("크기", "Size"),
    "f_bytes": ("{n} 바이트", "{n} bytes"),
    "f_media": ("파일 형식", "Media type"),
    "f_acq_kst": ("수집 일시 (한국 시간)", "Collected (Korea time)"),
    "f_acq_utc": ("수집 일시 (UTC, 기기 시간대)", "Collected (UTC, device offset)"),
    "f_method": ("수집 방법", "Method"),
    "f_retained": ("원본 보관", "Original kept"),
    "yes": ("예", "yes"),
    "no": ("아니요", "no"),
    "f_derived": ("원본 증거", "Derived from"),
    "f_derivation": ("파생 방법", "Derivation"),
    "f_log_index": ("수집 기록 번호", "Custody log entry"),
    "redacted_bundle_notice": (
        "가린 사본 묶음: 이 보고서와 묶음에는 가린 사본만 있고 원본은 없습니다. 수사기관 제출용이 아닙니다.",
        "Redacted bundle: this report and bundle hold only redacted copies, no originals. Not for the police.",
    ),
    "f_sealed": ("신뢰 시점 확인(타임스탬프)", "Trusted timestamp"),
    "sec_timestamps": ("신뢰할 수 있는 시점 확인(RFC 3161 타임스탬프)", "Trusted timestamps (RFC 3161)"),
    "ts_none": (
        "아직 신뢰할 수 있는 시점 확인(타임스탬프)을 받지 않았습니다. 수집 시각은 이 컴퓨터 시계의 기록입니다.",
        "No trusted timestamp has been obtained yet. Collection times are this computer's clock.",
    ),
    "v_timestamps": (
        "신뢰할 수 있는 시점 확인 토큰은 timestamps/ 폴더에 있습니다. 아래 명령으로 확인하세요"
        " (TSA 인증서가 만료된 뒤에는 -attime <토큰 발급 시각의 유닉스 시간>을 덧붙입니다):",
        "Trusted timestamp tokens are in timestamps/. Check them with these commands (once the TSA"
        " certificate has expired, add -attime <the token's time as a Unix time>):",
    ),
    "f_notes": ("메모", "Notes"),
    "f_meta_note": ("메타데이터 참고", "Metadata note"),
    "f_group": ("묶음", "Group"),
    "f_stored_sha": ("보관본 SHA-256", "Stored copy SHA-256"),
    "none": ("없음", "none"),
    "method_import-file": ("파일 가져오기", "File import"),
    "method_import-folder": ("폴더 가져오기", "Folder import"),
    "method_paste": ("붙여넣기", "Paste"),
    "method_screen-capture": ("화면 캡처", "Screen capture"),
    "method_chat-export": ("대화 내보내기 가져오기", "Chat export import"),
    "method_derived": ("파생본", "Derived copy"),
    "ev_seq": ("번호", "#"),
    "ev_time": ("시각 (한국 시간)", "Time (Korea)"),
    "ev_action": ("동작", "Action"),
    "ev_item": ("증거", "Exhibit"),
    "ev_detail": ("내용", "Details"),
    "hash_title": ("해시값 확인서", "Hash confirmation sheet"),
    "hash_intro": (
        "아래 해시값은 {tool} 프로그램이 각 파일을 수집할 때 계산하여 보관 기록(custody log)에 남긴 값입니다. "
        "해시값이 같으면 파일 내용이 한 비트도 다르지 않다는 뜻입니다.",
        "The hashes below were computed by {tool} when each file was collected and were recorded in the "
        "custody log. Equal hashes mean the file contents do not differ by a single bit.",
    ),
    "h_exhibit": ("증거번호", "Exhibit"),
    "h_name": ("파일명", "File name"),
    "h_size": ("크기(바이트)", "Size (bytes)"),
    "h_alg": ("알고리즘", "Algorithm"),
    "h_value": ("해시값", "Hash value"),
    "h_time": ("수집 일시", "Collected"),
    "h_tool": ("계산 도구", "Computed by"),
    "identical_confirmed": (
        "■ 원본과 상위없음 — 확인됨. 이 보고서를 만드는 동안({time}) {tool} 프로그램이 보관된 각 파일의 "
        "SHA-256을 다시 계산하여 수집 당시의 값과 모두 일치함을 확인했습니다. 증거 묶음의 파일은 수집한 "
        "파일과 같습니다.",
        "■ Identical to the originals — confirmed. While making this report ({time}) {tool} recomputed "
        "the SHA-256 of every stored file and found each equal to the value recorded at collection. The "
        "files in the bundle are the files collected.",
    ),
    "identical_unconfirmed": (
        "☐ 원본과 상위없음 — 확인되지 않음. 이 보고서를 만드는 동안 다음 파일의 해시값을 다시 확인하지 "
        "못했습니다: {which}",
        "☐ Identical to the originals — NOT confirmed. While making this report the hashes of these "
        "files were not re-checked: {which}",
    ),
    "identical_none": (
        "☐ 원본과 상위없음 — 해당 없음 (보관된 원본이 없습니다).",
        "☐ Identical to the originals — not applicable (no originals are kept).",
    ),
    "record_only_excluded": (
        "원본 미보관 항목({which})은 해시값만 기록되어 있어 동일성 확인 대상이 아닙니다.",
        "Record-only items ({which}) have only their hash recorded and are not part of this confirmation.",
    ),
    "anchor_title": ("수사기관 확인용 값 (이 종이에서 읽어 입력하거나 전화로 불러 주세요)",
                     "For the investigator (read from this paper, type in or read out by phone)"),
    "anchor_intro": (
        "증거 묶음 안의 파일은 다른 키로 통째로 다시 만들 수 있으므로, 서명 키는 이 종이에 적힌 값으로만 확인됩니다: "
        "evidence-kit verify 묶음 --signer 서명키지문. 기록 건수가 이보다 적은 묶음은 이전 상태로 되돌린 것입니다.",
        "Everything inside the bundle can be rebuilt with another key, so the signing key is confirmed only "
        "against this paper: evidence-kit verify BUNDLE --signer FINGERPRINT. A bundle with fewer log entries "
        "than shown here has been rolled back.",
    ),
    "sign_date": ("작성일: ________년 ____월 ____일", "Date: ____________________"),
    "sign_preparer": (
        "작성자(고소인 또는 상담사) 성명: {name} (서명 또는 인)",
        "Preparer (complainant or counselor) name: {name} (signature or seal)",
    ),
    "sign_witness": (
        "참여인(선택) 성명: ______________________ (서명 또는 인)",
        "Witness (optional) name: ______________________ (signature or seal)",
    ),
    "log_title": ("보관 연속성 기록 (Chain of custody)", "Chain of custody log"),
    "log_intro": (
        "보관함에서 일어난 모든 일이 한 줄씩 기록되고, 기록 전체가 머클 트리(RFC 6962)로 묶여 "
        "서명됩니다. 아래 표는 이 사건과 보관함 전체에 관한 기록이며, 각 기록의 원문은 custody.jsonl "
        "파일에 있습니다.",
        "Everything done in the vault is logged, one line per event, and the whole log is bound into a "
        "signed Merkle tree (RFC 6962). The table lists the entries for this case and for the vault as a "
        "whole; the exact lines are in custody.jsonl.",
    ),
    "log_redacted": (
        "다른 사건의 기록 {n}건은 개인정보 보호를 위해 내용 없이 해시값만 들어 있습니다(서명 검증에는 "
        "지장이 없습니다).",
        "{n} entries belonging to other cases are included as hashes only, to protect other people's "
        "privacy (this does not affect verification).",
    ),
    "head_title": ("서명된 기록 헤드", "Signed log head"),
    "head_size": ("기록 수", "Entries"),
    "head_root": ("루트 해시", "Root hash"),
    "head_time": ("서명 시각", "Signed at"),
    "head_key": ("서명 키 지문", "Key fingerprint"),
    "head_body": ("헤드 원문 (custody-head.json)", "Head as signed (custody-head.json)"),
    "head_sig": ("서명 (Ed25519, 16진수)", "Signature (Ed25519, hex)"),
    "verify_title": ("무결성 확인 방법", "How to verify"),
    "verify_intro": (
        "증거 묶음(폴더 또는 ZIP을 푼 폴더)에서 다음 명령을 실행하면 누구나 확인할 수 있습니다. "
        "README-VERIFY.txt 파일에도 같은 설명이 있습니다.",
        "Anyone can check the bundle (the folder, or the unpacked ZIP) with the commands below. "
        "README-VERIFY.txt in the bundle says the same.",
    ),
    "v_step1": (
        "1. 모든 파일의 해시값 확인 (모든 줄 끝에 OK 또는 '완료'가 나와야 합니다)",
        "1. Check every file's hash (every line must say OK)",
    ),
    "v_step2": (
        "2. 서명 확인 (세 명령 모두 Signature Verified Successfully)",
        "2. Check the signatures (all three must print Signature Verified Successfully)",
    ),
    "v_step3": (
        "3. 공개키 지문이 제출자가 서명해 종이로 건넨 해시값 확인서(또는 전화로 확인한 값)의 지문과 같은지 확인 "
        "(묶음 안의 보고서는 묶음과 함께 위조될 수 있습니다)",
        "3. Check that the public key's fingerprint equals the one on the paper hash confirmation sheet the "
        "submitter signed (or confirmed by phone): the report inside the bundle can be forged with it",
    ),
    "v_step4": (
        "4. 매니페스트 해시가 이 보고서 아래쪽에 적힌 값과 같은지 확인",
        "4. Check that the manifest hash equals the one at the foot of each page",
    ),
    "v_step5": (
        "5. 전체 검증 (보관 기록, 포함 증명, 증거별 결과)",
        "5. Full check (custody log, inclusion proofs, per-exhibit results)",
    ),
    "v_windows": (
        "Windows에서는 certutil -hashfile manifest.json SHA256 으로 해시값을 볼 수 있습니다.",
        "On Windows, certutil -hashfile manifest.json SHA256 shows a file's hash.",
    ),
    "v_encrypted": (
        "암호화된 묶음(.zip.age)은 먼저 age -d -o bundle.zip bundle.zip.age 로 풉니다.",
        "An encrypted bundle (.zip.age) is opened first with age -d -o bundle.zip bundle.zip.age.",
    ),
    "v_expect": ("기대하는 값", "Expected values"),
    "act_create-vault": ("보관함 생성", "vault created"),
    "act_create-case": ("사건 생성", "case created"),
    "act_edit-case": ("사건 정보 수정", "case edited"),
    "act_import": ("가져오기", "imported"),
    "act_capture": ("화면 캡처", "captured"),
    "act_duplicate": ("중복 감지", "duplicate detected"),
    "act_view": ("열람", "viewed"),
    "act_edit": ("출처 정보 수정", "source edited"),
    "act_hash": ("해시 계산", "hashes computed"),
    "act_export-file": ("원본 내보내기", "original exported"),
    "act_report": ("보고서 작성", "report made"),
    "act_export": ("증거 묶음 내보내기", "bundle exported"),
    "act_checkpoint": ("체크포인트", "checkpoint"),
    "act_rekey": ("암호 변경", "passphrase changed"),
    "act_recovery-key": ("복구 키 생성", "recovery key made"),
    "act_export-identity": ("신원 파일 내보내기", "identity exported"),
    "act_recover": ("복구", "recovery"),
    "act_integrity-alert": ("무결성 경고", "integrity alert"),
    "act_verify": ("무결성 확인", "verified"),
    "act_policy": ("보관 정책 변경", "policy changed"),
    "act_derive": ("파생본 생성", "derived copy"),
    "act_stamp": ("타임스탬프", "timestamp"),
    "act_chat-import": ("대화 가져오기", "chat imported"),
    "act_mark": ("표시", "marked"),
    "act_takedown": ("삭제 요청", "takedown"),
    "act_backup": ("백업", "backup"),
    "act_restore": ("복원", "restore"),
}


def tr(key: str, lang: str, **kw: object) -> str:
    ko, en = TEXT[key]
    s = ko if lang == "ko" else en
    return s.format(**kw) if kw else s


def heading(key: str, lang: str) -> str:
    """Section title; English reports carry the Korean title too, in small text."""
    ko, en = TEXT[key]
    return ko if lang == "ko" else f"{en} <font size='9'>({ko})</font>"


# --------------------------------------------------------------------------- fonts

# One registration and one style sheet for every PDF (issue 24): core/pdfstyle.py.
fonts_dir = pdfstyle.fonts_dir
register_fonts = pdfstyle.register_fonts
two_pass_canvas = pdfstyle.two_pass_canvas


class TextCleaner:
    """Untrusted text for reportlab: core/untrusted.py's one rule set, with the font's glyphs."""

    def __init__(self, glyphs: Iterable[int]) -> None:
        self._glyphs = frozenset(glyphs)
        self._cache: dict[str, str] = {}

    @classmethod
    def for_font(cls) -> TextCleaner:
        return cls(pdfstyle.font_glyphs())

    def visible(self, text: object, limit: int | None = None, *, multiline: bool = False) -> str:
        """Plain text (no markup) with invisible/unrenderable characters shown as [U+XXXX]."""
        return untrusted.pdf_text(text, self._glyphs, limit, multiline=multiline)

    def para(self, text: object, limit: int | None = FIELD_CHARS, *, multiline: bool = False) -> str:
        """Escaped Paragraph markup for untrusted text."""
        key = f"{limit}\x00{int(multiline)}\x00{text}"
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out = untrusted.pdf_paragraph(text, self._glyphs, limit, multiline=multiline)
        if len(self._cache) < 4096:
            self._cache[key] = out
        return out


# --------------------------------------------------------------------------- input


@dataclass
class ReportOptions:
    lang: str = "ko"
    clear_previews: bool = False
    report_file: str = "report.pdf"


@dataclass
class ReportResult:
    path: Path | None
    report_id: str
    manifest_sha256: str
    pages: int
    items: int
    identical_confirmed: bool
    unverified: list[int] = field(default_factory=list)


@dataclass
class ItemEvidence:
    """What the report knows about one item's bytes from this build."""

    preview: Preview
    verified: bool  # SHA-256 of the stored blob recomputed during this build and equal
    frames: list[tuple[int, bytes]] = field(default_factory=list)  # videos: (ms, JPEG) key frames


def collect_item_evidence(
    vault: Vault,
    items: Sequence[Item],
    *,
    clear_previews: bool,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> dict[int, ItemEvidence]:
    """Re-verify every retained item's SHA-256 and make its preview, in memory.

    A mismatch is an :class:`IntegrityError` (the report must not claim anything about
    a changed file); a missing blob too.
    """
    out: dict[int, ItemEvidence] = {}
    for i, item in enumerate(items):
        if cancel():
            raise CancelledError()
        out[item.exhibit] = item_evidence(vault, item, clear_previews=clear_previews)
        progress(i + 1, len(items))
    return out


def item_evidence(
    vault: Vault, item: Item, *, clear_previews: bool, data: bytes | None = None, verified: bool = False
) -> ItemEvidence:
    blur = not clear_previews
    if not item.retained:
        return ItemEvidence(make_preview(None, item.media_type, blur=blur, problem="not-retained"), False)
    is_image = item.media_type.startswith("image/")
    if data is None and is_image and item.size <= PREVIEW_LOAD_LIMIT:
        data = vault.read_item_bytes(item.id, limit=PREVIEW_LOAD_LIMIT, log_view=False)  # checks SHA-256
        verified = True
    elif data is None and not item.media_type.startswith("video/"):  # videos: checked below
        h = hashlib.sha256()
        n = 0
        for chunk in vault.iter_plaintext(item.id):
            h.update(chunk)
            n += len(chunk)
        if h.hexdigest() != item.sha256 or n != item.size:
            raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
        verified = True
    problem = "" if data is not None else ("too-large" if is_image else "")
    frames: list[tuple[int, bytes]] = []
    if item.media_type.startswith("video/") and data is None:
        from ..evidence import video

        # Key frames decoded in memory through a seekable reader over the sealed copy, whose
        # SHA-256 it checks first: a few chunks in memory whatever the size (issue 23).
        with vault.open_item_stream(item.id) as f:
            frames = video.contact_sheet(f, blur=blur, duration_ms=item.image.get("duration_ms"))
        verified = True
    pv = make_preview(data if is_image else None, item.media_type, blur=blur, problem=problem)
    return ItemEvidence(pv, verified, frames)


# --------------------------------------------------------------------------- building


def build_report(
    vault: Vault,
    case_id: str,
    out: Path,
    *,
    lang: str = "ko",
    manifest_sha256: str | None = None,
    report_id: str | None = None,
    clear_previews: bool = False,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> ReportResult:
    """A standalone report: checkpoint, snapshot, manifest, PDF, and a "report" log event.

    The footer hash is the SHA-256 of the manifest this report describes, computed exactly
    as an export bundle would; it is written next to the PDF as ``<name>.manifest.json``
    (with ``.manifest.sig``) so the footer can be checked with ``sha256sum``. Passing
    ``manifest_sha256`` skips that (the caller owns the manifest, as the bundle does).
    """
    from . import snapshot as bundle

    out = Path(out)
    stem = out.with_suffix("")
    sidecars = [stem.with_name(stem.name + ".manifest.json"), stem.with_name(stem.name + ".manifest.sig")]
    for p in [out, *sidecars] if manifest_sha256 is None else [out]:
        bundle.check_output_path(vault, p)
    snap = bundle.snapshot_case(vault, case_id, report_id=report_id, report_file=out.name)
    manifest_bytes = bundle.canonical_manifest(snap, lang=lang)
    sha = manifest_sha256 or hashlib.sha256(manifest_bytes).hexdigest()
    evidence = collect_item_evidence(vault, snap.items, clear_previews=clear_previews, progress=progress, cancel=cancel)
    buf = io.BytesIO()
    pages = render_report(snap, sha, buf, evidence, ReportOptions(lang, clear_previews, out.name), cancel=cancel)
    from ..common.fsutil import atomic_write_bytes

    if manifest_sha256 is None:
        atomic_write_bytes(sidecars[0], manifest_bytes)
        atomic_write_bytes(sidecars[1], vault.keys.signing_key.sign(manifest_bytes))
    atomic_write_bytes(out, buf.getvalue())
    unverified = sorted(e for e, ev in evidence.items() if not ev.verified and _retained(snap, e))
    confirmed = not unverified and any(i.retained for i in snap.items)
    vault.log_event(
        "report",
        case_id=case_id,
        data={
            "report_id": snap.report_id,
            "manifest_sha256": sha,
            "pdf_sha256": hashlib.sha256(buf.getvalue()).hexdigest(),
            "lang": lang,
            "pages": pages,
            "items": len(snap.items),
            "clear_previews": clear_previews,
            "identical_confirmed": confirmed,
            "standalone": True,
        },
    )
    return ReportResult(out, snap.report_id, sha, pages, len(snap.items), confirmed, unverified)


def _retained(snap: CaseSnapshot, exhibit: int) -> bool:
    return any(i.exhibit == exhibit and i.retained for i in snap.items)


def render_report(
    snap: CaseSnapshot,
    manifest_sha256: str,
    out: io.BytesIO | Path,
    evidence: dict[int, ItemEvidence],
    options: ReportOptions,
    *,
    cancel: Cancel = never_cancel,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Lay out and write the PDF; returns the number of pages.

    The one place a report is rendered (the standalone report and the bundle both come
    here). The output depends only on its arguments: reportlab runs in invariant mode and
    the document's dates come from the snapshot, so the same snapshot gives the same bytes.
    """
    register_fonts()
    builder = _ReportBuilder(snap, manifest_sha256, evidence, options)
    return builder.build(out, cancel=cancel, on_page=on_page)


# --------------------------------------------------------------------------- layout


def _styles() -> dict[str, Any]:
    return pdfstyle.style_sheet()


CELL_SIZE = 7.0
CELL_LEADING = 8.8
CELL_PAD = 3.0


def _grid(header_rows: int = 0, bold_first_col: bool = False) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e4e4e4")))
        cmds.append(("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"))
    if bold_first_col:
        cmds.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")))
        cmds.append(("FONTNAME", (0, 0), (0, -1), FONT_BOLD))
    return TableStyle(cmds)


def _numbered_canvas(
    lang: str,
    report_id: str,
    manifest_sha256: str,
    pages_out: list[int],
    on_page: Callable[[int], None] | None,
    meta: pdfstyle.DocumentMeta | None = None,
) -> Any:
    """The report's footer: tool, report ID, page X of Y, and the manifest SHA-256."""
    from reportlab.lib import colors

    def footer(c: Any, page: int, total: int) -> None:
        w, _h = c._pagesize
        c.setFillColor(colors.HexColor("#333333"))
        c.setStrokeColor(colors.HexColor("#999999"))
        c.setLineWidth(0.4)
        c.line(40, 40, w - 40, 40)
        c.setFont(FONT, 7)
        c.drawString(40, 30, f"{TOOL_NAME} · " + tr("footer", lang, rid=report_id))
        c.drawRightString(w - 40, 30, tr("page_of", lang, page=page, pages=total))
        c.setFont(FONT, 6.5)
        c.drawString(40, 21, tr("footer_manifest", lang, sha=manifest_sha256))

    return two_pass_canvas(footer, pages_out, on_page, meta)


class _ReportBuilder:
    """Turns a snapshot into platypus flowables.

    Speed matters (a 1,000-item report is 1,000+ pages): table cells are plain strings,
    drawn without any markup parsing, whenever the (cleaned) text fits its column;
    only text that must wrap becomes an (escaped) Paragraph.
    """

    def __init__(
        self,
        snap: CaseSnapshot,
        manifest_sha256: str,
        evidence: dict[int, ItemEvidence],
        options: ReportOptions,
    ) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self._width = stringWidth
        self.snap = snap
        self.sha = manifest_sha256
        self.evidence = evidence
        self.lang = options.lang if options.lang in ("ko", "en") else "ko"
        self.opts = options
        self.s = _styles()
        self.tc = TextCleaner.for_font()
        self.by_id = {i.id: i for i in snap.items}
        self.events_by_item: dict[str, list[CustodyEvent]] = {}
        for ev in snap.events:
            if ev.item_id:
                self.events_by_item.setdefault(ev.item_id, []).append(ev)

    # ---------------------------------------------------------------- helpers

    def t(self, key: str, **kw: object) -> str:
        """Report text as Paragraph markup (escaped)."""
        return escape(tr(key, self.lang, **kw))

    def tp(self, key: str, **kw: object) -> str:
        """Report text as plain text (for plain table cells)."""
        return tr(key, self.lang, **kw)

    def P(self, markup: str, style: str = "base") -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.s[style])

    def u(self, text: object, limit: int | None = FIELD_CHARS, style: str = "cell") -> Any:
        """A Paragraph of untrusted text."""
        return self.P(self.tc.para(text, limit, multiline=True), style)

    def fit(self, text: object, width: float, *, bold: bool = False, limit: int | None = FIELD_CHARS) -> Any:
        """A plain cell if the cleaned text fits ``width`` on at most 8 lines, else a Paragraph."""
        v = self.tc.visible(text, limit, multiline=True)
        lines = v.split("\n")
        font = FONT_BOLD if bold else FONT
        if len(lines) <= 8 and all(self._width(ln, font, CELL_SIZE) <= width - 2 * CELL_PAD for ln in lines):
            return v
        return self.P(escape(v).replace("\n", "<br/>"), "cellb" if bold else "cell")

    def label(self, item: Item) -> str:
        return item.exhibit_label_ko if self.lang == "ko" else item.exhibit_label_en

    def kst(self, iso: str) -> str:
        try:
            return to_kst(iso)
        except ValueError:
            return self.tc.visible(iso, 64)

    def utc(self, iso: str, offset: str = "") -> str:
        try:
            s = utc_display(iso)
        except ValueError:
            return self.tc.visible(iso, 64)
        return f"{s} ({self.tc.visible(offset, 16)})" if offset else s

    def kv_table(self, rows: Sequence[tuple[str, Any]], widths: tuple[float, float] = (130, 385)) -> Any:
        """Two columns: label (plain text) and value (plain text, or a flowable as is)."""
        from reportlab.platypus import Table

        data = [
            [
                self.fit(k, widths[0], bold=True, limit=200),
                self.fit(v, widths[1]) if isinstance(v, str) else v,
            ]
            for k, v in rows
        ]
        return Table(data, colWidths=list(widths), style=_grid(bold_first_col=True), hAlign="LEFT")

    def header_row(self, keys: Sequence[str]) -> list[Any]:
        if self.lang == "ko":
            return [self.P(self.t(c), "head") for c in keys]
        return [self.P(f"{self.t(c)}<br/><font size='5.5'>{escape(TEXT[c][0])}</font>", "head") for c in keys]

    # ---------------------------------------------------------------- build

    def build(self, out: io.BytesIO | Path, *, cancel: Cancel, on_page: Callable[[int], None] | None) -> int:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

        pw, ph = A4
        lw, lh = landscape(A4)
        margin, bottom = 40, 52
        doc = BaseDocTemplate(
            out if isinstance(out, io.BytesIO) else str(out),
            pagesize=A4,
            initialFontName=FONT,
            invariant=1,
        )

        def frame(w: float, h: float, fid: str) -> Any:
            return Frame(
                margin,
                bottom,
                w - 2 * margin,
                h - bottom - margin,
                id=fid,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )

        doc.addPageTemplates(
            [
                PageTemplate("portrait", [frame(pw, ph, "p")], pagesize=A4),
                PageTemplate("landscape", [frame(lw, lh, "l")], pagesize=landscape(A4)),
            ]
        )

        def page_hook(n: int) -> None:
            if cancel():
                raise CancelledError()
            if on_page is not None:
                on_page(n)

        story: list[Any] = []
        story += self.cover()
        story += [PageBreak(), *self.incident()]
        story += [NextPageTemplate("landscape"), PageBreak(), *self.evidence_list()]
        story += [NextPageTemplate("portrait")]
        for item in self.snap.items:
            if cancel():
                raise CancelledError()
            story += [PageBreak(), *self.item_page(item)]
        if self.snap.chat_section is not None:
            story += [PageBreak(), *self.snap.chat_section(self.lang)]
        story += [PageBreak(), *self.hash_sheet()]
        story += [NextPageTemplate("landscape"), PageBreak(), *self.custody_log()]
        story += [NextPageTemplate("portrait"), PageBreak(), *self.verification()]
        pages: list[int] = []
        canvas = _numbered_canvas(self.lang, self.snap.report_id, self.sha, pages, page_hook, self.meta())
        doc.build(story, canvasmaker=canvas)
        return pages[0] if pages else 0

    def meta(self) -> pdfstyle.DocumentMeta:
        """The document's own description: report ID and title, never a case name or a path."""
        return pdfstyle.DocumentMeta(
            title=f"{self.snap.report_id} {TEXT['title'][0]}" + ("" if self.lang == "ko" else f" ({TEXT['title'][1]})"),
            lang=self.lang,
            created_utc=self.snap.created_utc,
            subject=f"{self.snap.report_id} manifest SHA-256 {self.sha}",
        )

    # ---------------------------------------------------------------- cover

    def cover(self) -> list[Any]:
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing
        from reportlab.platypus import Spacer, Table

        snap, case = self.snap, self.snap.case
        role = {"victim": "role_victim", "counselor": "role_counselor"}.get(case.role)
        not_given = self.tp("not_given")
        rows: list[tuple[str, Any]] = [
            (self.tp("case_name"), self.u(case.name, 500)),
            (self.tp("case_ref"), self.u(case.reference or not_given, 500)),
            (self.tp("prepared_by"), self.u(case.prepared_by or not_given, 300)),
            (self.tp("role"), self.tp(role) if role else case.role),
            (self.tp("organisation"), self.u(case.organisation or not_given, 300)),
            (self.tp("report_id"), snap.report_id),
            (
                self.tp("generated"),
                f"{self.kst(snap.created_utc)}\n{self.utc(snap.created_utc, snap.tz_offset)}",
            ),
            (self.tp("tool"), tool_label()),
            (self.tp("item_count"), str(len(snap.items))),
            (self.tp("fingerprint"), snap.fingerprint),
            (self.tp("manifest_sha"), self.sha),
            (self.tp("log_head"), self.tp("log_head_value", size=snap.head.size, root=snap.head.root.hex())),
        ]
        qr = QrCodeWidget(self.sha, barLevel="M")
        x0, y0, x1, y1 = qr.getBounds()
        size = 100.0
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.initialFontName = FONT  # else reportlab's graphics state pulls in Helvetica
        drawing.add(qr)
        qr_block = Table(
            [[drawing], [self.P(self.t("qr_caption"), "center")]],
            colWidths=[150],
            style=[("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTNAME", (0, 0), (-1, -1), FONT)],
        )
        notice = "clear_notice" if self.opts.clear_previews else "blur_notice"
        kept = [i.retained for i in snap.items if not i.derived_from]
        if notice == "blur_notice" and kept and not all(kept):  # never claim originals that are not there
            notice = "blur_notice_mixed" if any(kept) else "blur_notice_record_only"
        out: list[Any] = [
            Spacer(1, 30),
            self.P(self.t("title"), "title"),
            self.P(self.t("subtitle"), "subtitle"),
            self.kv_table(rows),
            Spacer(1, 12),
            qr_block,
            *([self.P(f"<b>{self.t('redacted_bundle_notice')}</b>", "notice")] if snap.redacted_only else []),
            self.P(self.t(notice), "notice"),
            self.P(self.t("tie_notice"), "small"),
            self.P(self.t("jargon_notice"), "small"),
        ]
        if case.prepared_by:
            out.append(self.P(self.t("pseudonym_note"), "small"))
        return out

    # ---------------------------------------------------------------- incident

    _INCIDENT_KEYS = (
        ("inc_when", ("일시", "when", "datetime", "time", "date")),
        ("inc_where", ("장소·공간", "장소/공간", "장소", "where", "place")),
        ("inc_how", ("방법", "how", "method")),
        ("inc_result", ("결과", "result", "outcome", "harm")),
    )

    def incident(self) -> list[Any]:
        case = self.snap.case
        incident = {str(k): str(v) for k, v in (case.incident or {}).items()}
        used: set[str] = set()
        rows: list[tuple[str, Any]] = []
        for key, aliases in self._INCIDENT_KEYS:
            value = ""
            hits = (k for a in aliases for k in incident if k.strip().lower() == a and k not in used)
            match = next(hits, None)
            if match is not None:
                used.add(match)
                value = incident[match]
            rows.append((self.tp(key), self.u(value or self.tp("not_written"), 6000, "prose")))
        for k, v in incident.items():
            if k not in used:
                rows.append((k, self.u(v, 6000, "prose")))
        if case.description:
            rows.append((self.tp("case_description"), self.u(case.description, 6000, "prose")))
        if case.platforms:
            from ..common.event_text import platform_text

            shown = ", ".join(platform_text(str(p), self.lang) for p in case.platforms)
            rows.append((self.tp("platforms"), self.u(shown, 2000, "prose")))
        if case.suspects:
            rows.append((self.tp("suspects"), self.u("\n".join(map(str, case.suspects)), 4000, "prose")))
        # Prose of any length: label and paragraph (which can split across pages), never a
        # table cell (a cell taller than a page cannot be laid out).
        out: list[Any] = [
            self.P(heading("incident", self.lang), "h1"),
            self.P(self.t("incident_intro"), "small"),
        ]
        for label, value in rows:
            out += [self.P(self.tc.para(label, 200), "field"), value]
        return out

    # ---------------------------------------------------------------- evidence list

    def author(self, item: Item) -> str:
        """작성자(소유자) as plain text: the posting account, else who collected it."""
        if item.source.account:
            return f"{self.tp('poster')}: {item.source.account}"
        if item.method == "screen-capture":
            return self.tp("author_capture")
        return self.snap.case.prepared_by or self.tp("author_unknown")

    def source_text(self, item: Item) -> str:
        parts = []
        from ..common.event_text import platform_text

        for f in ("platform", "url", "chatroom", "account", "posted_at"):
            v = getattr(item.source, f)
            if f == "platform":
                v = platform_text(v, self.lang)
            if v:
                parts.append(f"{self.tp('src_' + f)}: {self.tc.visible(v, LIST_CELL_CHARS)}")
        return "\n".join(parts) or "—"

    def evidence_list(self) -> list[Any]:
        from reportlab.platypus import LongTable

        cols = [
            "col_no",
            "col_evidence",
            "col_author",
            "col_submit",
            "col_time",
            "col_source",
            "col_purpose",
            "col_note",
        ]
        widths = [26, 128, 70, 72, 62, 150, 112, 142]  # 762 = landscape A4 frame
        rows: list[list[Any]] = [self.header_row(cols)]
        submit = self.tp("submit_boxes")
        for item in self.snap.items:
            name = self.tc.para(item.relative_path or item.original_name, LIST_CELL_CHARS)
            size = self.t("f_bytes", n=f"{item.size:,}")
            ev = (
                f"<b>{escape(self.label(item))}</b><br/>{name}<br/>"
                f"<font size='6'>{self.tc.para(item.media_type, 80)}, {size}</font>"
            )
            note = f"SHA-256:\n{item.sha256[:32]}\n{item.sha256[32:]}"
            if not item.retained:
                note += "\n" + self.tp("not_retained")
            rows.append(
                [
                    self.fit(str(item.exhibit), widths[0]),
                    self.P(ev, "cell"),
                    self.fit(self.author(item), widths[2], limit=LIST_CELL_CHARS),
                    self.fit(submit, widths[3]),
                    self.fit(self.kst(item.acquired_utc).replace(" ", "\n"), widths[4]),
                    self.fit(self.source_text(item), widths[5], limit=None),
                    self.fit(item.source.purpose or "—", widths[6], limit=LIST_CELL_CHARS),
                    self.fit(note, widths[7], limit=None),
                ]
            )
        table = LongTable(rows, colWidths=widths, repeatRows=1, style=_grid(1), hAlign="LEFT")
        return [self.P(heading("list_title", self.lang), "h1"), self.P(self.t("list_intro"), "small"), table]

    # ---------------------------------------------------------------- item pages

    def contact_sheet(self, frames: list[tuple[int, bytes]], blurred: bool) -> list[Any]:
        """A video's key frames, three to a row, each with its time (issue 23)."""
        from reportlab.platypus import Image, Table

        from ..evidence.video import format_ms

        cells = []
        for ms, jpeg in frames:
            w, h = _jpeg_size(jpeg)
            scale = min(160.0 / w, 100.0 / h)
            cells.append([Image(io.BytesIO(jpeg), width=w * scale, height=h * scale), self.P(format_ms(ms), "center")])
        rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
        rows[-1] += [["", ""]] * (3 - len(rows[-1]))
        grid = Table(rows, colWidths=[170] * 3, style=[("ALIGN", (0, 0), (-1, -1), "CENTER")])
        cap = self.t("key_frames_blurred" if blurred else "key_frames_clear")
        return [grid, self.P(cap, "center")]

    def preview_flowable(self, item: Item) -> list[Any]:
        from reportlab.lib import colors
        from reportlab.platypus import Image, Table

        ev = self.evidence.get(item.exhibit)
        pv = ev.preview if ev else make_preview(None, item.media_type, problem="not-loaded")
        if ev and ev.frames:
            return self.contact_sheet(ev.frames, pv.blurred)
        if pv.jpeg:
            max_w, max_h = 300.0, 230.0
            scale = min(max_w / pv.width, max_h / pv.height)
            img = Image(io.BytesIO(pv.jpeg), width=pv.width * scale, height=pv.height * scale)
            cap = self.t("preview_blurred" if pv.blurred else "preview_clear")
            return [
                Table(
                    [[img], [self.P(cap, "center")]],
                    style=[("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTNAME", (0, 0), (-1, -1), FONT)],
                )
            ]
        kinds = {
            KIND_VIDEO: "kind_video",
            KIND_AUDIO: "kind_audio",
            KIND_PDF: "kind_pdf",
            KIND_TEXT: "kind_text",
            KIND_ARCHIVE: "kind_archive",
            KIND_IMAGE: "kind_image",
        }
        what = self.t(kinds.get(pv.kind, "kind_other"))
        why = self.t(f"prob_{pv.problem}") if pv.problem else self.t("no_preview")
        if not item.retained:
            why = self.t("not_retained")
        box = Table(
            [[self.P(f"<b>{what}</b> ({self.tc.para(item.media_type, 80)})<br/>{why}", "center")]],
            colWidths=[300],
            rowHeights=[70],
            style=[
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
            ],
        )
        return [box]

    def item_page(self, item: Item) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer, Table

        tp = self.tp
        path = self.snap.paths.get(item.exhibit)
        method_key = f"method_{item.method}"
        basic: list[tuple[str, Any]] = [
            (tp("f_exhibit"), self.label(item)),
            (tp("f_name"), item.original_name),
        ]
        if item.relative_path:
            basic.append((tp("f_relpath"), item.relative_path))
        basic += [
            (tp("f_bundle_path"), path or tp("not_retained")),
            (tp("f_size"), tp("f_bytes", n=f"{item.size:,}")),
            (tp("f_media"), item.media_type),
            (tp("f_acq_kst"), self.kst(item.acquired_utc)),
            (tp("f_acq_utc"), self.utc(item.acquired_utc, item.tz_offset)),
            (tp("f_method"), tp(method_key) if method_key in TEXT else item.method),
            (tp("f_retained"), tp("yes") if item.retained else tp("not_retained")),
            (tp("f_log_index"), f"#{item.log_index}"),
        ]
        seal = self.snap.seal_lines.get(item.exhibit, {}).get(self.lang, [])
        if len(seal) > 1:  # the first line restates the collection time shown above
            basic.append((tp("f_sealed"), " / ".join(seal[1:])))
        if item.derived_from:
            parent = self.by_id.get(item.derived_from)
            basic.append((tp("f_derived"), self.label(parent) if parent else item.derived_from))
            basic.append((tp("f_derivation"), item.derivation or "—"))
        if item.group_id:
            basic.append((tp("f_group"), f"{item.group_id} #{item.group_part}"))
        if item.notes:
            basic.append((tp("f_notes"), item.notes))
        if item.metadata_note:
            from ..common.event_text import metadata_note_text

            basic.append((tp("f_meta_note"), metadata_note_text(item.metadata_note, self.lang)))
        from ..common.event_text import platform_text

        src_rows = [
            (tp(f"src_{f}"), platform_text(item.source.platform, self.lang) if f == "platform"
             else getattr(item.source, f))
            for f in (
                "platform",
                "url",
                "chatroom",
                "account",
                "date_seen",
                "posted_at",
                "description",
                "purpose",
            )
            if getattr(item.source, f)
        ]
        hashes: list[tuple[str, Any]] = [
            ("SHA-256", item.sha256),
            ("MD5", item.md5 or "—"),
            ("SHA-1", item.sha1 or "—"),
        ]
        if item.stored_sha256 and item.stored_sha256 != item.sha256:
            hashes.append((tp("f_stored_sha"), item.stored_sha256))

        from ..common.event_text import made_here_name

        shown = made_here_name(item.original_name, item.method, self.lang, derived=bool(item.derived_from))
        title = f"{escape(self.label(item))} — {self.tc.para(shown or item.relative_path or item.original_name, 200)}"
        out: list[Any] = [self.P(title, "h1"), *self.preview_flowable(item)]
        out += [Spacer(1, 6), self.P(self.t("sec_basic"), "h2"), self.kv_table(basic)]
        if src_rows:
            out += [self.P(self.t("sec_source"), "h2"), self.kv_table(src_rows)]
        out.append(KeepTogether([self.P(self.t("sec_hashes"), "h2"), self.kv_table(hashes)]))
        if item.image:
            from ..common.event_text import image_field_label

            rows = [(image_field_label(str(k), self.lang), _flat(v)) for k, v in sorted(item.image.items())]
            out += [self.P(self.t("sec_image"), "h2"), self.kv_table(rows)]
        if item.exif:
            rows = [(str(k), str(v)) for k, v in sorted(item.exif.items())]
            out += [self.P(self.t("sec_exif"), "h2"), self.kv_table(rows, (170, 345))]
        if item.capture:
            rows = [(str(k), _flat(v)) for k, v in sorted(item.capture.items())]
            out += [self.P(self.t("sec_capture"), "h2"), self.kv_table(rows)]
        events = self.events_by_item.get(item.id, [])
        if events:
            widths = [36, 100, 80, 299]
            table_rows: list[list[Any]] = [self.header_row(["ev_seq", "ev_time", "ev_action", "ev_detail"])]
            for ev in events:
                table_rows.append(
                    [
                        self.fit(f"#{ev.seq}", widths[0]),
                        self.fit(self.kst(ev.time_utc), widths[1]),
                        self.fit(self.action(ev.action), widths[2]),
                        self.event_cell(ev, widths[3]),
                    ]
                )
            out += [
                self.P(self.t("sec_events"), "h2"),
                Table(table_rows, colWidths=widths, repeatRows=1, style=_grid(1), hAlign="LEFT"),
            ]
        return out

    def action(self, action: str) -> str:
        key = f"act_{action}"
        return self.tp(key) if key in TEXT else self.tc.visible(action, 40)

    def event_cell(self, ev: CustodyEvent, width: float) -> Any:
        """The event as a sentence, with the recorded fields small on a second line (issue 16)."""
        from ..common.event_text import event_fields, event_sentence

        sentence = escape(self.tc.visible(event_sentence(ev, self.lang), LOG_DETAIL_CHARS, multiline=True))
        fields = escape(self.tc.visible(event_fields(ev), LOG_DETAIL_CHARS, multiline=True))
        small = f"<br/><font size='5.5' color='#555555'>{fields}</font>" if fields else ""
        return self.P(sentence + small, "cell")

    def detail(self, ev: CustodyEvent) -> str:
        """A one-line summary of an event's data (the exact line is in custody.jsonl)."""
        parts = []
        for k in sorted(ev.data):
            v = ev.data[k]
            if v is None or v == "" or k == "blob_sha256_of":
                continue
            parts.append(f"{k}={_flat(v)}")
        return ", ".join(parts)

    # ---------------------------------------------------------------- hash sheet

    def hash_sheet(self) -> list[Any]:
        from reportlab.platypus import KeepTogether, LongTable, Spacer

        snap = self.snap
        cols = ["h_exhibit", "h_name", "h_size", "h_alg", "h_value", "h_time", "h_tool"]
        widths = [48, 91, 44, 46, 146, 72, 68]  # 515 = portrait A4 frame
        rows: list[list[Any]] = [[self.P(self.t(c), "head") for c in cols]]
        tool = tool_label().replace(" ", "\n", 1)
        for item in snap.items:
            name = self.tc.visible(item.relative_path or item.original_name, LIST_CELL_CHARS)
            if not item.retained:
                name += "\n" + self.tp("not_retained")
            rows.append(
                [
                    self.fit(self.label(item), widths[0]),
                    self.fit(name, widths[1], limit=None),
                    self.fit(f"{item.size:,}", widths[2]),
                    self.fit("SHA-256", widths[3]),
                    self.fit(f"{item.sha256[:32]}\n{item.sha256[32:]}", widths[4]),
                    self.fit(self.kst(item.acquired_utc).replace(" ", "\n", 1), widths[5]),
                    self.fit(tool, widths[6]),
                ]
            )
        table = LongTable(rows, colWidths=widths, repeatRows=1, style=_grid(1), hAlign="LEFT")
        retained = [i for i in snap.items if i.retained]
        unverified = [i for i in retained if not (self.evidence.get(i.exhibit) and self.evidence[i.exhibit].verified)]
        if not retained:
            statement = self.t("identical_none")
        elif unverified:
            which = ", ".join(self.label(i) for i in unverified[:50]) + (" …" if len(unverified) > 50 else "")
            statement = self.t("identical_unconfirmed", which=which)
        else:
            statement = self.t("identical_confirmed", time=self.kst(snap.created_utc), tool=tool_label())
        out: list[Any] = [
            self.P(heading("hash_title", self.lang), "h1"),
            self.P(self.t("hash_intro", tool=tool_label()), "small"),
            Spacer(1, 4),
            table,
        ]
        tail: list[Any] = [self.P(f"<b>{statement}</b>", "statement")]
        stamped = snap.checkpoint_lines.get(self.lang, [])
        tail.append(self.P(self.t("sec_timestamps"), "h2"))
        for line in stamped or [self.tp("ts_none")]:
            tail.append(self.P(self.tc.para(line, 400), "small"))
        record_only = [i for i in snap.items if not i.retained]
        if record_only:
            which = ", ".join(self.label(i) for i in record_only[:50]) + (" …" if len(record_only) > 50 else "")
            tail.append(self.P(self.t("record_only_excluded", which=which), "small"))
        tail += self.anchor_block()
        name = self.tc.para(snap.case.prepared_by, 100) if snap.case.prepared_by else "_" * 22
        tail += [
            Spacer(1, 14),
            self.P(self.t("sign_date"), "statement"),
            Spacer(1, 14),
            self.P(self.t("sign_preparer", name="\x00").replace("\x00", name), "statement"),
            Spacer(1, 14),
            self.P(self.t("sign_witness"), "statement"),
        ]
        out.append(KeepTogether(tail))
        return out

    def anchor_block(self) -> list[Any]:
        """The out-of-band anchor (issue 15): fingerprint, manifest SHA-256 and log head,
        grouped with check codes, on the sheet the submitter signs and hands over on paper."""
        from reportlab.platypus import Spacer

        from ..crypto.anchor import readable

        head = self.snap.head
        rows = [
            (self.tp("fingerprint"), readable(self.snap.fingerprint)),
            (self.tp("manifest_sha"), readable(self.sha)),
            (self.tp("log_head"), self.tp("log_head_value", size=head.size, root=readable(head.root.hex()))),
        ]
        return [Spacer(1, 8), self.P(self.t("anchor_title"), "h2"), self.P(self.t("anchor_intro"), "small"),
                self.kv_table(rows)]

    # ---------------------------------------------------------------- custody log

    def custody_log(self) -> list[Any]:
        from reportlab.platypus import LongTable, Spacer

        snap = self.snap
        widths = [40, 120, 90, 70, 442]
        rows: list[list[Any]] = [self.header_row(["ev_seq", "ev_time", "ev_action", "ev_item", "ev_detail"])]
        for ev in snap.events:
            item = self.by_id.get(ev.item_id or "")
            rows.append(
                [
                    self.fit(f"#{ev.seq}", widths[0]),
                    self.fit(f"{self.kst(ev.time_utc)}\n{ev.time_utc} ({ev.tz_offset})", widths[1], limit=80),
                    self.fit(self.action(ev.action), widths[2]),
                    self.fit(self.label(item) if item else "—", widths[3]),
                    self.event_cell(ev, widths[4]),
                ]
            )
        out: list[Any] = [self.P(heading("log_title", self.lang), "h1"), self.P(self.t("log_intro"), "small")]
        if snap.redacted:
            out.append(self.P(self.t("log_redacted", n=snap.redacted), "small"))
        out += [Spacer(1, 4), LongTable(rows, colWidths=widths, repeatRows=1, style=_grid(1), hAlign="LEFT")]
        head = snap.head.fields
        rows2: list[tuple[str, Any]] = [
            (self.tp("head_size"), str(head.get("size"))),
            (self.tp("head_root"), str(head.get("root"))),
            (self.tp("head_time"), f"{self.kst(str(head.get('time')))} / {head.get('time')}"),
            (self.tp("head_key"), str(head.get("key"))),
            (self.tp("head_body"), self.u(snap.head.body.decode("utf-8"), 2000)),
            (self.tp("head_sig"), snap.head.signature.hex()),
        ]
        out += [Spacer(1, 8), self.P(self.t("head_title"), "h2"), self.kv_table(rows2, (170, 592))]
        return out

    # ---------------------------------------------------------------- verification

    def verification(self) -> list[Any]:
        snap = self.snap
        out: list[Any] = [
            self.P(heading("verify_title", self.lang), "h1"),
            self.P(self.t("verify_intro"), "base"),
        ]
        for step, cmds in verification_steps():
            out.append(self.P(f"<b>{self.t(step)}</b>", "base"))
            out += [self.P(escape(c), "cmd") for c in cmds]
        out += [
            self.P(self.t("v_windows"), "small"),
            self.P(self.t("v_encrypted"), "small"),
            self.P(self.t("v_expect"), "h2"),
            self.kv_table(
                [
                    (self.tp("fingerprint"), snap.fingerprint),
                    (self.tp("manifest_sha"), self.sha),
                    (self.tp("report_id"), snap.report_id),
                    (
                        self.tp("log_head"),
                        self.tp("log_head_value", size=snap.head.size, root=snap.head.root.hex()),
                    ),
                ]
            ),
        ]
        return out


def verification_steps() -> list[tuple[str, list[str]]]:
    """The exact commands, shared by the report and README-VERIFY.txt."""
    verify = "openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in {0} -sigfile {1}"
    return [
        ("v_step1", ["sha256sum -c SHA256SUMS"]),
        (
            "v_step2",
            [
                verify.format("manifest.json", "manifest.sig"),
                verify.format("SHA256SUMS", "SHA256SUMS.sig"),
                verify.format("custody-head.json", "custody-head.sig"),
            ],
        ),
        ("v_step3", ["openssl pkey -pubin -in signer.pub.pem -outform DER | tail -c 32 | sha256sum"]),
        ("v_step4", ["sha256sum manifest.json"]),
        ("v_step5", ["evidence-kit verify ."]),
    ]


def _jpeg_size(jpeg: bytes) -> tuple[int, int]:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(jpeg)) as im:
        return im.size


def _flat(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={_flat(x)}" for k, x in sorted(v.items()))
    if isinstance(v, (list, tuple)):
        return ", ".join(_flat(x) for x in v)
    return str(v)


__all__ = [
    "FONT",
    "FONT_BOLD",
    "TEXT",
    "ItemEvidence",
    "ReportError",
    "ReportOptions",
    "ReportResult",
    "TextCleaner",
    "build_report",
    "collect_item_evidence",
    "register_fonts",
    "render_report",
    "tr",
    "verification_steps",
]
