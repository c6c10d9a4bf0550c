"""Every string of the police-ready report, in Korean and English (issue 8).

``TEXT`` maps a key to its (Korean, English) pair; a test checks both are present and
non-empty. README-VERIFY.txt in a bundle reads the same table, so the report and the
bundle say the same thing in the same words.
"""

from __future__ import annotations

from ... import __version__
from .pdfstyle import TOOL_NAME


def tool_label() -> str:
    return f"{TOOL_NAME} {__version__}"


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

