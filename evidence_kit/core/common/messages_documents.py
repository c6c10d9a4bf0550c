"""Korean and English messages: report, export bundle, bundle verification, PDQ, takedown.

What leaves the vault: the report, the export bundle and its verification by the police,
perceptual hashes and the takedown package (lookups live in i18n.py).
"""

from __future__ import annotations

DOCUMENT_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Korean, English)
    # -- report, export bundle and bundle verification (issue 8)
    "report_written": (
        "보고서를 만들었습니다: {path} ({pages}쪽, 증거 {items}개)\n보고서 ID {rid}, 매니페스트 SHA-256 {sha}",
        "Report written: {path} ({pages} pages, {items} item(s))\nReport ID {rid}, manifest SHA-256 {sha}",
    ),
    "report_unconfirmed": (
        "주의: 일부 파일의 해시값을 다시 확인하지 못해 '원본과 상위없음'을 확인됨으로 표시하지 않았습니다.",
        "Note: some files' hashes were not re-checked, so 'identical to the originals' is not marked as confirmed.",
    ),
    "bundle_private_tsa": (
        "참고: {tsas}의 타임스탬프는 Evidence Kit에 들어 있지 않은 루트 인증서로 확인됩니다. 수사관이 "
        "같은 루트 인증서를 받아 'evidence-kit verify 묶음 --tsa-ca 루트.pem'으로 확인해야 인정됩니다. "
        "그 인증서 파일을 묶음과 따로 전달하세요.",
        "Note: the timestamps from {tsas} chain to a root certificate that is not built into Evidence "
        "Kit. They count only when the investigator has the same root and runs 'evidence-kit verify "
        "BUNDLE --tsa-ca ROOT.pem'. Hand that certificate file over separately from the bundle.",
    ),
    "bundle_written": (
        "증거 묶음을 만들었습니다: {path} (파일 {files}개, 증거 {items}개, 보고서 {pages}쪽)\n서명 키 "
        "지문 {fp}\n매니페스트 SHA-256 {sha}",
        "Bundle written: {path} ({files} files, {items} item(s), {pages}-page report)\nSigning key "
        "fingerprint {fp}\nManifest SHA-256 {sha}",
    ),
    "bundle_passphrase_new": ("증거 묶음 암호(10자 이상): ", "Bundle passphrase (10+ characters): "),
    "bundle_passphrase_again": ("증거 묶음 암호 다시 입력: ", "Repeat the bundle passphrase: "),
    "bundle_passphrase": ("증거 묶음 암호: ", "Bundle passphrase: "),
    "bv_header": ("증거 묶음 검증: {path}", "Verifying bundle: {path}"),
    "bv_fingerprint": (
        "서명 키 지문(SHA-256): {fp}\n  → 묶음 밖에서 받은 값(제출자가 서명한 종이 해시값 확인서, 또는 전화 확인)과 "
        "비교하세요. 묶음 안의 보고서는 묶음과 함께 위조될 수 있습니다.",
        "Signing key fingerprint (SHA-256): {fp}\n  → compare it with a copy that did not travel inside the bundle "
        "(the paper hash confirmation sheet signed by the submitter, or a phone call); the report inside the "
        "bundle can be forged together with it.",
    ),
    "bv_manifest_sha": (
        "매니페스트 SHA-256: {sha}\n  → 보고서 각 쪽 아래에 적힌 값과 같아야 합니다.",
        "Manifest SHA-256: {sha}\n  → must equal the value at the foot of every report page.",
    ),
    "bv_report_id": ("보고서 ID: {rid}", "Report ID: {rid}"),
    "bv_pass": ("통과", "PASS"),
    "bv_fail": ("실패", "FAIL"),
    "bv_not_retained": ("(원본 미보관 — 해시값만 기록)", "(original not kept — hash recorded only)"),
    "bv_check_sums": (
        "모든 파일의 해시값 (SHA256SUMS, 파일 {n}개)",
        "Every file's hash (SHA256SUMS, {n} files)",
    ),
    "bv_check_sums_sig": ("SHA256SUMS 서명", "SHA256SUMS signature"),
    "bv_check_manifest_sig": ("manifest.json 서명", "manifest.json signature"),
    "bv_check_fingerprint": (
        "manifest.json의 키 지문과 signer.pub.pem 일치",
        "Key fingerprint in manifest.json matches signer.pub.pem",
    ),
    "bv_check_head_sig": (
        "보관 기록 헤드 서명 (custody-head.json, 기록 {n}건)",
        "Custody log head signature (custody-head.json, {n} entries)",
    ),
    "bv_check_log": (
        "보관 기록(custody.jsonl)이 서명된 헤드와 일치",
        "Custody log (custody.jsonl) matches the signed head",
    ),
    "bv_exhibit_ok": (
        "{label} {path}: SHA-256 일치, 보관 기록 #{seq} 수집 기록과 포함 증명 확인",
        "{label} {path}: SHA-256 matches; custody log entry #{seq} and its inclusion proof verified",
    ),
    "bv_verdict_ok": (
        "결과: 통과 — 모든 검사를 통과했고 (증거 {n}개), 서명 키가 입력한 지문(--signer)과 일치합니다: {fp}",
        "Result: PASS — every check passed ({n} exhibit(s)) and the signing key matches the fingerprint "
        "given with --signer: {fp}",
    ),
    "bv_verdict_unconfirmed": (
        "결과: 내부적으로 일관됨 — 서명자 미확인. 모든 검사를 통과했고 (증거 {n}개) 묶음은 키 {fp} 로 "
        "서명되어 있습니다. 그러나 누구든 자기 키로 일관된 묶음을 새로 만들 수 있으므로, 이 지문을 종이 "
        "해시값 확인서의 지문과 비교하거나 제출자에게 전화로 확인하기 전까지 서명자는 확인되지 않은 것입니다. "
        "확인한 뒤 --signer 지문 으로 다시 검증하세요.",
        "Result: INTERNALLY CONSISTENT — SIGNER NOT CONFIRMED. Every check passed ({n} exhibit(s)) and the "
        "bundle is signed by key {fp}. Anyone can build a consistent bundle with a key of their own, so the "
        "signer is unconfirmed until this fingerprint is compared with the paper hash confirmation sheet or "
        "confirmed by phone with the submitter. Then verify again with --signer FINGERPRINT.",
    ),
    "bv_verdict_fail": (
        "결과: 실패 — 문제 {n}건. 이 묶음은 만들어진 뒤 바뀌었거나 손상되었거나, 기대한 키로 서명되지 않았습니다.",
        "Result: FAIL — {n} problem(s). This bundle was changed or damaged after it was made, or was not "
        "signed by the expected key.",
    ),
    "bv_verdict_not_bundle": (
        "결과: 실패 — Evidence Kit 증거 묶음이 아닙니다.",
        "Result: FAIL — this is not an Evidence Kit bundle.",
    ),
    "bv_head": (
        "보관 기록 헤드: 기록 {size}건, 루트 {root}\n"
        "  → 종이 확인서의 값보다 작거나 다르면 이전 상태로 되돌린 묶음입니다.",
        "Custody log head: {size} entries, root {root}\n  → fewer entries than, or a root different from, "
        "the paper sheet means an older (rolled-back) bundle.",
    ),
    "bv_check_signer": (
        "서명 키가 입력한 지문과 일치 (--signer {fp})",
        "Signing key matches the fingerprint given (--signer {fp})",
    ),
    "bvp_signer": (
        "서명 키가 입력한 지문과 다릅니다: 기대 {want}, 실제 {got}. 다른 키로 다시 서명된 묶음일 수 있습니다.",
        "The signing key is not the one given: expected {want}, bundle signed by {got}. The bundle may have "
        "been re-signed with another key.",
    ),
    "bvp_missing": ("{path}: 파일이 없습니다", "{path}: file is missing"),
    "bvp_timestamp": (
        "신뢰 시점 확인 토큰 검증 실패: {path}",
        "A trusted timestamp token failed verification: {path}",
    ),
    "bvp_extra": (
        "{path}: SHA256SUMS에 없는 파일이 들어 있습니다 (추가됨)",
        "{path}: file is not listed in SHA256SUMS (added)",
    ),
    "bvp_hash": (
        "{path}: 해시값이 SHA256SUMS와 다릅니다 (변경됨)",
        "{path}: hash differs from SHA256SUMS (changed)",
    ),
    "bvp_read": ("{path}: 읽을 수 없습니다 ({why})", "{path}: cannot be read ({why})"),
    "bvp_sums_line": ("SHA256SUMS {line}번째 줄을 읽을 수 없습니다", "SHA256SUMS line {line} cannot be read"),
    "bvp_sig": ("{path}: 서명({sig})이 맞지 않습니다", "{path}: its signature ({sig}) is not valid"),
    "bv_exhibit_record_only": (
        "{label} {path}: 보관 기록 #{seq} 수집 기록과 포함 증명 확인 (파일 없음)",
        "{label} {path}: custody log entry #{seq} and its inclusion proof verified (no file)",
    ),
    "bvp_pubkey": (
        "{path}: 공개키를 읽을 수 없습니다 ({why})",
        "{path}: the public key cannot be read ({why})",
    ),
    "bvp_fingerprint": (
        "{path}: 키 지문이 signer.pub.pem과 다릅니다",
        "{path}: key fingerprint differs from signer.pub.pem",
    ),
    "bvp_manifest": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not a valid manifest ({why})"),
    "bvp_head": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not a valid log head ({why})"),
    "bvp_head_key": (
        "{path}: 키 지문이 signer.pub.pem과 다릅니다",
        "{path}: key fingerprint differs from signer.pub.pem",
    ),
    "bvp_head_mismatch": (
        "{path}: 적힌 기록 헤드가 custody-head.json과 다릅니다",
        "{path}: its custody log head differs from custody-head.json",
    ),
    "bvp_log_line": ("{path} {line}번째 줄: {why}", "{path} line {line}: {why}"),
    "bvp_log_root": (
        "{path}: 기록이 서명된 헤드와 일치하지 않습니다 (기록 {got}건, 헤드 {want}건)",
        "{path}: entries do not match the signed head ({got} entries, head says {want})",
    ),
    "bvp_log_chain": (
        "{path}: 기록 #{seq}의 앞 기록과의 해시 연결이 끊겼습니다",
        "{path}: entry #{seq} breaks the hash chain",
    ),
    "bvp_proofs": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not valid ({why})"),
    "bvp_evidence_unlisted": (
        "{path}: manifest.json에 없는 증거 파일입니다",
        "{path}: evidence file not in manifest.json",
    ),
    "bvp_ex_path": (
        "매니페스트의 파일 경로가 올바르지 않습니다",
        "the file path in the manifest is not valid",
    ),
    "bvp_ex_file_missing": ("{path}: 파일이 없습니다", "{path}: file is missing"),
    "bvp_ex_file_hash": (
        "{path}: 파일의 SHA-256 또는 크기가 매니페스트와 다릅니다",
        "{path}: the file's SHA-256 or size differs from the manifest",
    ),
    "bvp_ex_log": (
        "보관 기록 #{seq}의 수집 기록과 맞지 않습니다",
        "does not match its acquisition entry #{seq} in the custody log",
    ),
    "bvp_ex_proof": (
        "보관 기록 #{seq}의 포함 증명이 맞지 않습니다",
        "the inclusion proof for log entry #{seq} does not verify",
    ),
    "bvp_ex_proof_missing": ("포함 증명이 없습니다", "no inclusion proof"),
    "bvp_unsafe_name": (
        "안전하지 않은 파일 이름이라 거부합니다: {path} ({why})",
        "Refused: unsafe file name {path} ({why})",
    ),
    "bvp_symlink": ("심볼릭 링크가 있어 거부합니다: {path}", "Refused: symbolic link {path}"),
    "bvp_not_regular": (
        "일반 파일이 아닌 항목이 있어 거부합니다: {path}",
        "Refused: not a regular file: {path}",
    ),
    "bvp_duplicate": ("같은 이름의 항목이 두 번 있어 거부합니다: {path}", "Refused: duplicate entry {path}"),
    "bvp_zip_bomb": ("압축 폭탄으로 보여 거부합니다 ({why})", "Refused: looks like a zip bomb ({why})"),
    "bvp_zip_overlap": (
        "ZIP 항목이 서로 겹쳐 거부합니다: {path}",
        "Refused: overlapping ZIP entries: {path}",
    ),
    "bvp_zip_bad": (
        "ZIP 파일을 읽을 수 없어 거부합니다 ({why})",
        "Refused: the ZIP file cannot be read ({why})",
    ),
    "bvp_age": ("암호화된 묶음을 풀 수 없습니다 ({why})", "The encrypted bundle cannot be decrypted ({why})"),
    "bvp_not_bundle": (
        "증거 묶음이 아닙니다 (폴더, .zip 또는 .zip.age 파일이어야 합니다)",
        "Not a bundle (expected a folder, a .zip or a .zip.age file)",
    ),
    # -- bundle trust against an adversary (issue 15)
    "bvp_not_ek_bundle": (
        "Evidence Kit 증거 묶음이 아닙니다 ({why})",
        "Not an Evidence Kit bundle ({why})",
    ),
    "bvp_nested_bundle": (
        "이 ZIP의 맨 위는 Evidence Kit 증거 묶음이 아닙니다. 묶음이 {path}/ 폴더 안에 있는 것 같습니다: "
        "압축을 풀고 그 폴더를 검증하세요.",
        "The top of this ZIP is not an Evidence Kit bundle; a bundle seems to be inside the folder {path}/: "
        "unzip it and verify that folder.",
    ),
    "bvp_zip_gap": (
        "ZIP 항목 사이에 숨은 데이터가 있어 거부합니다: {path} 앞, {at}번째 바이트부터 {n}바이트",
        "Refused: hidden data between ZIP entries: {n} byte(s) at offset {at}, before {path}",
    ),
    "bvp_zip_bomb_entry": (
        "압축 폭탄으로 보여 거부합니다: {path} 항목이 압축 {packed}바이트에서 {size}바이트로 풀린다고 적혀 있습니다",
        "Refused: looks like a zip bomb: entry {path} claims {size} bytes from {packed} compressed bytes",
    ),
    "ts_name_unverified": ("{name} (확인되지 않은 이름, index.json)", "{name} (unverified name from index.json)"),
    "ts_chain_untrusted": (
        "인증서 체인이 Evidence Kit에 내장된 루트나 --tsa-ca로 준 루트에서 끝나지 않습니다 "
        "('{name}', SHA-256 {fp}). 묶음이 스스로 자기 타임스탬프 기관을 보증할 수는 없습니다.",
        "The certificate chain does not end at a root built into Evidence Kit or given with --tsa-ca "
        "('{name}', SHA-256 {fp}); a bundle cannot vouch for its own timestamp authority.",
    ),
    "ts_time_before": (
        "타임스탬프 시각 {gen}이(가) 체크포인트 서명 시각 {signed}보다 {min}분 넘게 앞섭니다: 날짜를 앞당긴 토큰입니다",
        "The timestamp time {gen} is more than {min} minutes before the checkpoint's own signed time "
        "{signed}: a back-dated token",
    ),
    "ts_time_ok": (
        "타임스탬프 시각 {gen}이(가) 체크포인트 서명 시각 {signed} 이후입니다 (허용 오차 {min}분)",
        "Timestamp time {gen} is not before the checkpoint's signed time {signed} (allowance {min} minutes)",
    ),
    "ts_time_unknown": ("체크포인트의 서명 시각을 읽을 수 없습니다", "The checkpoint's signed time cannot be read"),
    "bvp_too_deep": (
        "{path}: JSON이 {limit}단계보다 깊게 중첩되어 거부합니다 (Evidence Kit 파일은 이렇게 깊지 않습니다)",
        "Refused: {path} nests JSON more than {limit} levels deep (no Evidence Kit file does)",
    ),
    # -- perceptual hashes and takedown package (issue 10)
    "pdq_item": (
        "{exhibit}  PDQ {pdq}  품질 {quality}{flag}  {name}",
        "{exhibit}  PDQ {pdq}  quality {quality}{flag}  {name}",
    ),
    "pdq_flag_unreliable": (
        "  [신뢰 낮음: 품질 50 미만, 비교에 쓰지 않음]",
        "  [unreliable: quality below 50, not used for matching]",
    ),
    "pdq_item_none": ("{exhibit}  PDQ 없음 — {reason}  {name}", "{exhibit}  no PDQ — {reason}  {name}"),
    "pdq_group": (
        "같은 이미지로 보이는 묶음 {n}: {exhibits} (연결 거리 최대 {dist}비트)",
        "Near-duplicate group {n}: {exhibits} (largest link {dist} bits)",
    ),
    "pdq_frame_match": (
        "  {picture}: 영상 {video}의 {at} 장면과 같은 그림 ({bits}비트 차이)",
        "  {picture} shows the frame at {at} of video {video} ({bits} bits apart)",
    ),
    "pdq_no_groups": (
        "같은 이미지로 보이는 항목이 없습니다 (PDQ 거리 {threshold}비트 이하).",
        "No near-duplicates (PDQ distance {threshold} bits or less).",
    ),
    "pdq_summary": (
        "이미지 {images}개: 새로 계산 {computed}개, 신뢰 낮음 {unreliable}개, 해시 없음 {missing}개.",
        "{images} image(s): {computed} newly hashed, {unreliable} unreliable, {missing} without a hash.",
    ),
    "pdqs_unreliable": (
        "품질이 낮음(50 미만): 이미지가 너무 작거나 단조로워 비교에 쓰지 않습니다",
        "low quality (below 50): the image is too small or too plain to compare reliably",
    ),
    "pdqs_not-image": ("이미지가 아님", "not an image"),
    "pdqs_not-retained": (
        "원본 미보관(기록 전용)이고 기록된 PDQ가 없음",
        "original not kept (record only) and no PDQ was recorded",
    ),
    "pdqs_too-large": (
        "이미지가 너무 큼(64 MiB 또는 5천만 화소 초과)",
        "image too large (over 64 MiB or 50 megapixels)",
    ),
    "pdqs_undecodable": (
        "이미지를 읽을 수 없음(손상되었거나 지원하지 않는 형식)",
        "the image cannot be decoded (damaged or an unsupported format)",
    ),
    "pdqs_unavailable": ("PDQ 모듈(pdqhash)이 설치되지 않음", "the PDQ module (pdqhash) is not installed"),
    "takedown_written": (
        "삭제 요청 묶음을 만들었습니다: {path}\n파일 {files}개, 플랫폼 {platforms}곳, 유포 위치 {targets}곳, "
        "증거 {items}개. 인터넷으로 아무것도 보내지 않았습니다.\n묶음 ID {pid}, manifest.json SHA-256 {sha}",
        "Takedown package written: {path}\n{files} files, {platforms} platform(s), {targets} place(s), "
        "{items} item(s). Nothing was sent anywhere.\nPackage ID {pid}, manifest.json SHA-256 {sha}",
    ),
    "takedown_file": ("  {path}", "  {path}"),
    "takedown_problems": (
        "확인이 필요한 항목 {n}건 (요약 문서와 안내문에도 적었습니다):",
        "{n} thing(s) to check (also listed in the summary and the guide):",
    ),
    "tdp_no-url": (
        "{exhibit}: URL이 없어 요청서에 위치 설명·검색어를 적었습니다. 가능하면 URL을 추가하세요.",
        "{exhibit}: no URL; the request describes where it is instead. Add the URL if you can.",
    ),
    "tdp_no-location": (
        "{exhibit}: URL도 위치 설명도 없습니다. 요청서에 손으로 적어 주세요.",
        "{exhibit}: neither a URL nor a description of where it is; write it on the form by hand.",
    ),
    "tdp_no-source": (
        "{exhibit}: 출처(플랫폼·URL·계정)가 적혀 있지 않아 요청서에 넣지 않았습니다. "
        "'evidence-kit edit'으로 추가할 수 있습니다.",
        "{exhibit}: no source (platform, URL, account) recorded, so it is not in any request; "
        "add one with 'evidence-kit edit'.",
    ),
    "tdp_pdq": ("{exhibit}: PDQ 해시 없음 — {reason}", "{exhibit}: no PDQ hash — {reason}"),
    "tdp_unreliable": (
        "{exhibit}: PDQ 품질 {quality} — {reason}",
        "{exhibit}: PDQ quality {quality} — {reason}",
    ),
}
