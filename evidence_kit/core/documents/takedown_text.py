"""The takedown package's document text, Korean with English (issue 10).

Every sentence the request forms, the d4u summary and the guide print lives here, as
(Korean, English) pairs; the statutory form's wording must be checked against the
current 별지 서식 before a release.
"""

from __future__ import annotations

D4U_PHONE = "02-735-8994"
KCSC_PHONE = "1377"
POLICE_PHONE = "112"
WOMEN_HOTLINE = "1366"

# Document text, (Korean, English). Korean leads; English follows in smaller type.
TEXT: dict[str, tuple[str, str]] = {
    "form_title": ("불법촬영물등 유통 신고·삭제요청서", "Report of distribution and request for deletion"),
    "form_law": (
        "「전기통신사업법」 제22조의5제1항",
        "Telecommunications Business Act, Article 22-5(1): illegally filmed material, etc.",
    ),
    "form_provider": ("접수 사업자(플랫폼)", "Service provider (platform)"),
    "form_requester": ("신고·요청인", "Requester"),
    "form_name": ("성명(기관명)", "Name (organisation)"),
    "form_contact": ("연락처", "Contact"),
    "form_type": ("신고·요청 구분", "Type of request"),
    "form_reason": ("신고·요청 사유", "Reason"),
    "form_targets": ("신고·요청 대상", "Material reported"),
    "form_col_no": ("번호", "No."),
    "form_col_where": (
        "인터넷 주소(URL) 또는 위치 설명·검색어",
        "Address (URL), or where it is / search terms",
    ),
    "form_col_exhibit": ("증거(화면 캡처)", "Exhibit (capture)"),
    "form_col_posted": ("게시 계정·일시", "Posted by / when"),
    "form_attach": ("첨부", "Attached"),
    "form_attach_text": (
        "불법촬영물등임을 확인할 수 있는 화면 캡처 등: {exhibits} (이 요청서에는 이미지를 넣지 않았습니다)",
        "Captures identifying the material: {exhibits} (no images are included in this form)",
    ),
    "form_closing": (
        "「전기통신사업법」 제22조의5제1항에 따라 위와 같이 불법촬영물등의 유통을 신고하고 삭제를 요청합니다.",
        "Under Article 22-5(1) of the Telecommunications Business Act, I report the distribution of "
        "the material above and request its deletion.",
    ),
    "form_date": ("년{gap}월{gap}일", "(year / month / day)"),
    "form_sign": ("신고·요청인{gap}(서명 또는 인)", "Requester (signature or seal)"),
    "form_to": ("{platform} 귀하", "To: {platform}"),
    "form_no_url": ("URL 없음", "no URL"),
    "form_fill_by_hand": (
        "위치를 알 수 없음 — 손으로 적어 주세요: ____________________",
        "location unknown: please write it in by hand",
    ),
    "form_chatroom": ("채팅방", "chat room"),
    "form_account": ("계정", "account"),
    "form_keywords": ("검색어", "search terms"),
    "form_posted": ("게시", "posted"),
    "form_seen": ("확인", "seen"),
    "unknown_platform": ("플랫폼 미상", "platform unknown"),
    "blank": ("________________________________", ""),
    # d4u summary
    "d4u_title": (
        "삭제지원 요청 요약 — 디지털성범죄피해자지원센터 제출용",
        "Deletion-support summary for the Digital Sex Crime Victim Support Center (d4u)",
    ),
    "d4u_intro": (
        "지원센터가 삭제 지원에 필요로 하는 정보(유포 URL, 검색어, 이를 확인할 수 있는 화면 캡처의 "
        "증거 번호, "
        "게시 일시와 계정, 원본 보유 여부)를 정리했습니다. {images}",
        "What the centre needs to support deletion: the URLs, search terms, the exhibit numbers of the "
        "captures that identify the material, when and under which account it was posted, and whether the "
        "original is held. {images}",
    ),
    "d4u_no_images": (
        "이미지 자체는 이 문서와 폴더에 넣지 않았습니다. 지원센터가 요청하면 증거 보관함에서 따로 꺼내 주세요.",
        "The images themselves are not in this document or folder; export them from the vault if the centre asks.",
    ),
    "d4u_with_images": (
        "사용자가 선택하여 이미지 사본을 captures 폴더에 함께 넣었습니다. 꼭 필요한 곳에만 전달하세요.",
        "At the user's choice, copies of the images are in the captures folder: hand them only to those who need them.",
    ),
    "d4u_case": ("사건", "Case"),
    "d4u_case_ref": ("사건 참조번호", "Case reference"),
    "d4u_generated": ("작성 일시", "Prepared"),
    "d4u_package": ("묶음 ID", "Package ID"),
    "d4u_counts": ("증거 / 유포 위치 / 원본 보관", "Items / places / originals held"),
    "d4u_where": ("1. 유포 위치", "1. Where the material was posted"),
    "d4u_col_platform": ("플랫폼", "Platform"),
    "d4u_col_when": ("게시 계정·일시 / 확인 일시", "Posted by, when / seen"),
    "d4u_col_original": ("원본 보관", "Original held"),
    "d4u_yes": ("예", "yes"),
    "d4u_no": ("아니요(기록만)", "no (record only)"),
    "d4u_keywords": ("2. 검색어", "2. Search terms"),
    "d4u_keywords_none": (
        "입력한 검색어가 없습니다. 채팅방 이름·계정명으로 검색할 수 있습니다.",
        "No search terms were given; chat room and account names may find it.",
    ),
    "d4u_groups": ("3. 같은 이미지가 발견된 곳 (유포 경로)", "3. Where the same picture was found"),
    "d4u_groups_intro": (
        "PDQ 지각 해시 거리가 {threshold}비트 이하인 항목은 같은 사진이 다시 올려지거나 잘리거나 다시 "
        "압축된 것으로 봅니다 (품질 {quality} 미만 해시는 비교하지 않음). 영상은 1초마다 뽑은 장면으로 "
        "비교하고, 화면 캡처가 영상의 한 장면과 같으면 그 장면의 시각을 적습니다.",
        "Items whose PDQ perceptual hashes are at most {threshold} bits apart are taken as the same "
        "picture re-posted, cropped or recompressed (hashes below quality {quality} are not compared). "
        "Videos are compared by frames taken once a second; a capture that shows a video's frame is "
        "listed with the time of that frame.",
    ),
    "d4u_groups_none": ("같은 이미지로 보이는 항목이 없습니다.", "No near-duplicates were found."),
    "d4u_group": ("묶음 {n}", "Group {n}"),
    "d4u_distance": ("가장 가까운 항목과의 거리 {d}비트", "{d} bits from its nearest match"),
    "d4u_frame": ("{video}의 {at} 장면", "frame at {at} of {video}"),
    "d4u_problems": ("4. 확인이 필요한 항목", "4. Please check"),
    "d4u_problems_none": ("없음", "None"),
    "d4u_captures": (
        "5. 함께 넣은 이미지 사본 (captures 폴더)",
        "5. Image copies included (captures folder)",
    ),
    # guide
    "guide_title": (
        "이 폴더 안내 — 삭제 요청과 신고를 위한 자료",
        "About this folder: documents for takedown and reporting",
    ),
    "guide_intro": (
        "이 폴더는 증거 보관함에 있는 자료로 만들었습니다. 인터넷으로 아무것도 보내지 않았습니다. "
        "필요한 곳에 "
        "직접 가져가거나 보내세요. 이 일은 당신의 잘못이 아닙니다.",
        "This folder was made from what is in your evidence vault. Nothing was sent over the internet: "
        "take or send it where it is needed. What happened is not your fault.",
    ),
    "guide_files": ("무엇이 들어 있나요", "What is in it"),
    "guide_col_file": ("파일", "File"),
    "guide_col_what": ("무엇인가요", "What it is"),
    "guide_col_where": ("어디에 보내나요", "Where to send it"),
    "guide_f_guide": ("이 안내문", "This guide"),
    "guide_f_guide_to": ("보내지 않아도 됩니다", "Keep it for yourself"),
    "guide_f_request": (
        "플랫폼별 신고·삭제요청서 ({platforms}). 요청 구분·사유에 표시하고, 이름·연락처를 적고 서명하세요.",
        "One request form per platform ({platforms}). Tick the type and reason, fill in name and contact, and sign.",
    ),
    "guide_f_request_to": (
        "해당 플랫폼(사업자)의 불법촬영물 신고 창구, 또는 방송통신심의위원회",
        "The platform's reporting channel for illegally filmed material, or the KCSC",
    ),
    "guide_f_d4u": (
        "삭제지원 요약: 유포 URL, 검색어, 캡처 증거 번호, 게시 정보, 같은 이미지 묶음",
        "Deletion-support summary: URLs, search terms, exhibit numbers, posting details, near-duplicates",
    ),
    "guide_f_d4u_to": (
        "디지털성범죄피해자지원센터 (d4u)",
        "The Digital Sex Crime Victim Support Center (d4u)",
    ),
    "guide_f_hashes": (
        "해시값 목록: 파일마다 SHA-256·MD5(같은 파일 확인)와 PDQ(같은 사진 확인). 이미지가 아닌 '지문'입니다.",
        "Hash list: SHA-256 and MD5 (the exact file) and PDQ (the same picture) per item. Fingerprints, not images.",
    ),
    "guide_f_hashes_to": (
        "경찰, 지원센터, 해시로 재유포를 막는 서비스",
        "Police, the support centre, hash-matching services",
    ),
    "guide_f_captures": (
        "이미지 사본 (선택하여 넣음). 민감한 자료입니다.",
        "Image copies (you chose to include them). Sensitive.",
    ),
    "guide_f_captures_to": ("꼭 필요한 기관에만", "Only to those who need them"),
    "guide_f_manifest": (
        "이 폴더의 파일 목록과 해시값: 파일이 바뀌지 않았는지 확인할 때",
        "List of this folder's files and their hashes, to check nothing was changed",
    ),
    "guide_f_manifest_to": ("함께 두세요", "Keep them with the folder"),
    "guide_contacts": ("어디에 연락하나요", "Who to contact"),
    "guide_c_d4u": (
        f"디지털성범죄피해자지원센터 (d4u) {D4U_PHONE}: 삭제 지원, 상담, 수사·법률·의료 지원 연계",
        f"Digital Sex Crime Victim Support Center (d4u) {D4U_PHONE}: deletion support, counselling, "
        "referral to legal and medical help",
    ),
    "guide_c_kcsc": (
        f"방송통신심의위원회 {KCSC_PHONE} (국번 없이): 불법촬영물 신고, 삭제·접속차단 심의",
        f"Korea Communications Standards Commission {KCSC_PHONE}: reports, deletion and blocking",
    ),
    "guide_c_police": (
        f"경찰 {POLICE_PHONE} (긴급) · 사이버범죄 신고시스템 ECRM (ecrm.police.go.kr) · 가까운 경찰서",
        f"Police {POLICE_PHONE} (emergency) · ECRM cyber crime reporting (ecrm.police.go.kr) · any police station",
    ),
    "guide_c_1366": (
        f"여성긴급전화 {WOMEN_HOTLINE} (24시간)",
        f"Women's emergency line {WOMEN_HOTLINE} (24 hours)",
    ),
    "guide_police_note": (
        "증거가 다 모이지 않아도 경찰에 신고할 수 있습니다. 지금 가진 것만으로 시작해도 됩니다. 지원센터나 "
        "지정된 기관이 신고와 삭제 요청을 대신하거나 함께 해 줄 수 있습니다.",
        "You can report to the police without having all the evidence: what you have now is enough to "
        "start. The support centre or a designated organisation can make the report and the deletion "
        "request for you or with you.",
    ),
    "guide_care": (
        "이미지를 다른 사람에게 다시 보내지 마세요. 이 폴더에는 이미지가 들어 있지 않습니다. 보관함의 "
        "원본은 그대로 안전합니다.",
        "Do not forward the images to anyone. This folder contains no images; the originals stay safe in your vault.",
    ),
    "guide_care_captures": (
        "이미지를 다른 사람에게 다시 보내지 마세요. 선택한 대로 captures 폴더에 이미지 사본이 들어 "
        "있으니, 꼭 필요한 기관에만 직접 건네세요. 보관함의 원본은 그대로 안전합니다.",
        "Do not forward the images to anyone. As you chose, the captures folder holds copies of the "
        "images: hand them only to the organisation that needs them. The originals stay safe in your vault.",
    ),
    "guide_todo": ("손으로 채우거나 확인할 것", "To fill in or check"),
    "guide_todo_always": (
        "요청서의 요청 구분·사유 칸에 표시하고, 신고·요청인 이름과 연락처를 적고, 날짜와 서명을 넣으세요.",
        "On each request form tick the type and reason, write the requester's name and contact, date and sign it.",
    ),
    "guide_verify": (
        "파일이 바뀌지 않았는지 확인: sha256sum -c SHA256SUMS (이 폴더에서)",
        "To check nothing was changed: sha256sum -c SHA256SUMS (in this folder)",
    ),
    # near-duplicate section for the main report ("유포 경로")
    "dist_title": ("유포 경로 — 같은 이미지가 발견된 곳", "Distribution: where the same picture was found"),
    "page_of": ("{page} / {pages}쪽", "page {page} of {pages}"),
}


def bilingual(key: str, **kw: object) -> tuple[str, str]:
    """One TEXT entry with its fields filled in: (Korean, English)."""
    ko, en = TEXT[key]
    return ko.format(**kw), en.format(**kw)
