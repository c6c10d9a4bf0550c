"""Custody events as sentences a person reads (issue 16), in Korean or English.

The log itself stays exactly as recorded (custody.jsonl); the report and the app show a
sentence first and the raw fields on a small second line, instead of ``key=value`` text.
"""

from __future__ import annotations

import re
from typing import Any

from .model import CustodyEvent

_METHOD = {
    "import-file": ("파일 가져오기", "file import"),
    "import-folder": ("폴더 가져오기", "folder import"),
    "paste": ("클립보드에서 붙여넣기", "pasted from the clipboard"),
    "screen-capture": ("화면 캡처", "screen capture"),
    "chat-export": ("대화 내보내기 파일", "chat export"),
    "derived": ("가린 사본", "redacted copy"),
}

_PLAIN = {
    "create-vault": ("보관함을 만들었습니다.", "The vault was created."),
    "create-case": ("사건을 만들었습니다.", "The case was created."),
    "edit-case": ("사건 정보를 고쳤습니다.", "The case details were edited."),
    "report": ("보고서를 만들었습니다.", "A report was made."),
    "export": ("증거 묶음을 내보냈습니다.", "A bundle was exported."),
    "checkpoint": ("보관 기록의 체크포인트를 만들었습니다.", "A checkpoint of the custody log was taken."),
    "rekey": ("보관함 암호를 바꿨습니다.", "The vault passphrase was changed."),
    "recovery-key": ("복구 키를 만들었습니다.", "A recovery key was made."),
    "export-identity": ("보관함 신원 파일을 내보냈습니다.", "The vault identity was exported."),
    "recover": ("중단된 작업을 정리하고 보관함을 복구했습니다.", "The vault recovered after an interruption."),
    "integrity-alert": ("무결성 경고가 기록되었습니다.", "An integrity alert was recorded."),
    "verify": ("보관함 전체의 무결성을 확인했습니다.", "The whole vault's integrity was checked."),
    "stamp": ("신뢰할 수 있는 타임스탬프를 요청했습니다.", "Trusted timestamps were requested."),
    "chat-import": ("대화 내보내기 파일에서 메시지를 가져왔습니다.", "Messages were imported from a chat export."),
    "mark": ("보고서에 넣을 메시지를 표시했습니다.", "Messages were marked for the report."),
    "takedown": ("삭제 요청 자료를 만들었습니다.", "A takedown package was made."),
    "backup": ("보관함을 백업했습니다.", "The vault was backed up."),
    "restore": ("백업에서 보관함을 되살렸습니다.", "The vault was restored from a backup."),
}


def _derivation(text: str, lang: str) -> str:
    m = re.fullmatch(r"blacked-out: (\d+) region\(s\)", text)
    if m:
        n = m.group(1)
        return f"{n}개 영역을 검게 가림" if lang == "ko" else f"{n} area(s) blacked out"
    m = re.fullmatch(r"pixelated: (\d+) blocks", text)
    if m:
        return "전체 모자이크" if lang == "ko" else "pixelated whole"
    return text


def event_sentence(ev: CustodyEvent, lang: str) -> str:
    """One sentence saying what happened (the app's or the report's language)."""
    ko = lang == "ko"
    d: dict[str, Any] = ev.data if isinstance(ev.data, dict) else {}
    a = ev.action
    if a in ("import", "capture"):
        method = _METHOD.get(str(d.get("method", "")), (str(d.get("method", "")),) * 2)[0 if ko else 1]
        if d.get("retained") is False:
            how = _derivation(str(d.get("derivation", "")), lang)
            return (f"{method}로 수집했습니다. 원본은 보관하지 않고 해시값과 가린 사본({how})만 저장했습니다."
                    if ko else f"Collected by {method}. The original was not kept: only its hashes and a "
                    f"redacted version ({how}) were stored.")
        if d.get("derived_from"):
            how = _derivation(str(d.get("derivation", "")), lang)
            return f"원본에서 가린 사본을 만들었습니다({how})." if ko else f"Made as a redacted copy ({how})."
        return (f"{method}로 수집하고 해시값(SHA-256, MD5, SHA-1)을 계산했습니다." if ko
                else f"Collected by {method}; its hashes (SHA-256, MD5, SHA-1) were computed.")
    if a == "duplicate":
        n = d.get("same_as_exhibit")
        return (f"같은 파일을 다시 가져오려 했지만 이미 증 제{n}호증으로 저장되어 있어 다시 저장하지 않았습니다."
                if ko else f"The same file was added again; it is already Exhibit {n}, so it was not stored twice.")
    if a == "view":
        if d.get("stage") == "before-recording":
            return ("기록하기 전에 사진을 선명하게 보았습니다(원본은 저장하지 않음)." if ko
                    else "The picture was shown clearly before it was recorded (the original is not stored).")
        return "증거를 선명하게 열람했습니다." if ko else "The evidence was viewed clearly."
    if a == "edit":
        changes = d.get("changes")
        n = len(changes) if isinstance(changes, dict) else 0
        return (f"출처 정보 {n}개 항목을 고쳤습니다(이전 값과 새 값이 기록됨)." if ko
                else f"{n} source field(s) were edited (old and new values are recorded).")
    if a == "hash":
        what = "PDQ" if "pdq" in d else "MD5, SHA-1"
        return f"해시값({what})을 계산했습니다." if ko else f"Hashes ({what}) were computed."
    if a == "export-file":
        return ("증거 파일의 사본을 내보냈습니다(SHA-256 확인)." if ko
                else "A copy of the file was exported (SHA-256 checked).")
    if a == "derive":
        how = _derivation(str(d.get("derivation", "")), lang)
        n = d.get("copy_exhibit")
        return (f"이 증거의 가린 사본을 증 제{n}호증으로 만들었습니다({how})." if ko
                else f"A redacted copy of this exhibit was made as Exhibit {n} ({how}).")
    if a == "policy":
        return "사건의 보관 정책을 바꿨습니다." if ko else "The case's evidence policy was changed."
    ko_en = _PLAIN.get(a)
    if ko_en is not None:
        return ko_en[0] if ko else ko_en[1]
    return a


def event_fields(ev: CustodyEvent, limit: int = 400) -> str:
    """The recorded fields, compact, for the small second line."""
    parts: list[str] = []
    for k in sorted(ev.data):
        v = ev.data[k]
        if v is None or v == "" or k == "blob_sha256_of":
            continue
        parts.append(f"{k}={_flat(v)}")
    text = ", ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _flat(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={_flat(x)}" for k, x in sorted(v.items()))
    if isinstance(v, (list, tuple)):
        return ", ".join(_flat(x) for x in v)
    return str(v)


_NOTES = {
    "record only: EXIF and embedded thumbnails of the original were not kept": (
        "기록 전용: 원본의 EXIF와 내장 미리보기 이미지는 보관하지 않았습니다",
        "record only: the original's EXIF and embedded thumbnails were not kept",
    ),
    "image facts unavailable": ("이미지 정보를 읽을 수 없음", "image facts unavailable"),
    "EXIF unavailable": ("EXIF를 읽을 수 없음", "EXIF unavailable"),
    "video facts unavailable": ("동영상 정보를 읽을 수 없음", "video facts unavailable"),
    "video too large to read facts": ("동영상이 너무 커서 정보를 읽지 않음", "video too large to read facts"),
}

IMAGE_FIELDS = {
    "format": ("형식", "Format"),
    "width": ("너비(픽셀)", "Width (pixels)"),
    "height": ("높이(픽셀)", "Height (pixels)"),
    "mode": ("색 방식", "Colour mode"),
    "frames": ("프레임 수", "Frames"),
    # Videos (issue 23)
    "container": ("컨테이너 형식", "Container"),
    "duration_ms": ("재생 시간(밀리초)", "Duration (milliseconds)"),
    "frame_rate": ("초당 프레임 수", "Frame rate (fps)"),
    "video_codec": ("영상 코덱", "Video codec"),
    "audio_codec": ("음성 코덱", "Audio codec"),
    "creation_time": ("촬영·생성 시각(파일 기록)", "Creation time (as recorded in the file)"),
    "make": ("기기 제조사", "Device make"),
    "model": ("기기 모델", "Device model"),
    "software": ("소프트웨어", "Software"),
    "location": ("위치(파일 기록)", "Location (as recorded in the file)"),
    "rotation": ("회전(도)", "Rotation (degrees)"),
}


def metadata_note_text(note: str, lang: str) -> str:
    """The core's metadata notes (``"; "``-joined English phrases) in the reader's language."""
    out = []
    for part in note.split("; "):
        pair = _NOTES.get(part)
        out.append(pair[0 if lang == "ko" else 1] if pair else part)
    return "; ".join(out)


def image_field_label(key: str, lang: str) -> str:
    pair = IMAGE_FIELDS.get(key)
    return (pair[0] if lang == "ko" else pair[1]) if pair else key


# How Korean readers write these platform names (issue 16); the stored value stays English.
KO_PLATFORMS = {
    "Telegram": "텔레그램",
    "KakaoTalk": "카카오톡",
    "X/Twitter": "X(트위터)",
    "Instagram": "인스타그램",
    "Discord": "디스코드",
    "Facebook": "페이스북",
    "WhatsApp": "왓츠앱",
    "YouTube": "유튜브",
    "TikTok": "틱톡",
    "Website": "웹사이트",
    "Other": "기타",
}


def platform_text(value: str, lang: str) -> str:
    return KO_PLATFORMS.get(value, value) if lang == "ko" else value


_MADE_HERE = re.compile(r"(pasted|dropped|screen-capture)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})"
                        r"(?:-part(\d{2}))?(?:-redacted)?\.png")


def made_here_name(name: str, method: str, lang: str, *, derived: bool = False) -> str | None:
    """"붙여넣은 이미지 2026-12-04 21:30:05" for a picture the app named itself
    (``pasted-20261204-213005.png``); None for any other name (issue 16)."""
    m = _MADE_HERE.fullmatch(name)
    if m is None or method not in ("paste", "screen-capture", "derived"):
        return None
    kind, y, mo, d, h, mi, sec, part = m.groups()
    ko = lang == "ko"
    if kind == "screen-capture":
        what = "화면 캡처" if ko else "Screen capture"
    else:
        what = "붙여넣은 이미지" if ko else "Pasted image"
    shown = f"{what} {y}-{mo}-{d} {h}:{mi}:{sec}"
    if part:
        shown += f" ({int(part)}번째 부분)" if ko else f" (part {int(part)})"
    if derived:
        shown += " (가린 사본)" if ko else " (redacted copy)"
    return shown
