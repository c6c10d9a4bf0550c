"""Shared builders for the report and bundle tests (issue 8); holds no tests itself.

Real parts only: a real vault (KDF at the safe floor), real images made with Pillow, and
hostile strings in every text field a person or a file can set.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from PIL import Image

from evidence_kit.core.common.clock import iso_utc
from evidence_kit.core.common.model import Case, Item, ItemInput, Source
from evidence_kit.core.vault.vault import Vault

LONG_URL = "https://example.com/watch?v=" + "a" * 10_000
HOSTILE = [
    "<para>para</para>",
    "&amp; & &#0; <b>bold</b> <br/>",
    "<font face='Helvetica' name='Helvetica'>inject</font>",
    "\u202egpj.exe",
    "nul\x00byte\x07bell\x1b[31mred",
    "zero\u200bwidth",
    "😀 emoji 中文 證據",
    "]]> <![CDATA[ x ]]> <img src='x'/>",
]
HOSTILE_TEXT = " ".join(HOSTILE)
HOSTILE_NAME = "<para>증거</para> & \u202egpj.exe\x00<font face='Helvetica'>x</font>.jpg"


def png(color: tuple[int, int, int], size: tuple[int, int] = (64, 48), marker: str = "") -> bytes:
    im = Image.new("RGB", size, color)
    for x in range(0, size[0], 8):
        for y in range(size[1]):
            im.putpixel((x, y), (0, 0, 0))
    buf = io.BytesIO()
    info = None
    if marker:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", marker)
    im.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def jpeg_with_exif(text: str, size: tuple[int, int] = (80, 60)) -> bytes:
    im = Image.new("RGB", size, (20, 120, 220))
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    exif[0x010F] = "Make <b>&amp;</b>"
    exif[0x0110] = "Model \u202eevil"
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def make_case(
    vault: Vault,
    *,
    hostile: bool = False,
    other_case: bool = True,
    name: str = "불법촬영물 유포 사건",
    canary: str = "",
) -> tuple[Case, list[Item]]:
    """A case with a PNG, a JPEG with EXIF, a PDF and a video-like file; optionally hostile text."""
    h = HOSTILE_TEXT if hostile else ""
    case = vault.create_case(
        (name + " " + h).strip(),
        prepared_by="김지원(가명)" + (" " + h if hostile else ""),
        organisation=("해바라기센터 " + h).strip(),
        reference="2026-서울-0123" + (" " + h if hostile else ""),
        description="지인이 단체방에 영상을 올렸습니다." + (" " + h if hostile else ""),
        incident={
            "일시": "2026년 11월 1일 밤 10시경" + (" " + h if hostile else ""),
            "장소": "텔레그램 비공개 채널 '○○방'" + (" " + LONG_URL if hostile else ""),
            "방법": "동의 없이 촬영한 영상을 유포",
            "결과": "지인 수십 명이 시청" + (" " + h if hostile else ""),
            **({h[:40]: h} if hostile else {}),
        },
        platforms=["Telegram", h] if hostile else ["Telegram"],
        suspects=["@badguy_01", h] if hostile else ["@badguy_01"],
    )
    if other_case:
        other = vault.create_case("OTHER-CASE-SECRET-NAME")
        vault.add_bytes(
            other.id,
            b"other victim's data OTHER-FILE-SECRET",
            ItemInput(name="OTHER-FILE-SECRET.txt", method="paste"),
        )
    src = Source(
        platform="Telegram" + (" " + h if hostile else ""),
        url=LONG_URL if hostile else "https://t.me/c/123/456",
        chatroom=("○○방 " + h).strip(),
        account="@badguy_01" + (" " + h if hostile else ""),
        date_seen="2026-11-02",
        posted_at="2026-11-01 22:10",
        description=h or "영상 게시물 캡처",
        purpose="유포 사실과 게시 계정" + (" " + h if hostile else ""),
    )
    items = [
        vault.add_bytes(
            case.id,
            png((200, 30, 30), marker=canary),
            ItemInput(
                name=HOSTILE_NAME if hostile else "채널_캡처_01.png",
                method="screen-capture",
                source=src,
                notes=h or "첫 게시물",
                capture={"window": h or "Telegram", "scale": 2},
            ),
        ).item,
        vault.add_bytes(
            case.id,
            jpeg_with_exif(h or "photo"),
            ItemInput(name="사진 02.jpg", method="import-file", source=src),
        ).item,
        vault.add_bytes(
            case.id,
            b"%PDF-1.4\n% fake pdf " + canary.encode() + b"\n",
            ItemInput(name="대화내용.pdf", method="import-file", relative_path="내보내기/대화내용.pdf"),
        ).item,
        vault.add_bytes(
            case.id,
            b"\x1a\x45\xdf\xa3 webm-ish " + canary.encode(),
            ItemInput(name="영상.webm", method="import-file"),
        ).item,
    ]
    vault.flush()
    return case, items


def add_record_only(vault: Vault, case_id: str, name: str = "원본없음.jpg") -> Item:
    """A record-only item (creating these through the app lands in a later issue)."""
    sha = uuid.uuid4().hex * 2
    item = Item(
        id=str(uuid.uuid4()),
        case_id=case_id,
        exhibit=0,
        original_name=name,
        size=12345,
        sha256=sha,
        acquired_utc=iso_utc(vault.clock.now()),
        tz_offset="+09:00",
        method="import-file",
        media_type="image/jpeg",
        retained=False,
    )
    with vault._write():
        vault._insert_item(item, None, vault.keys.index_tag("sha256", case_id, sha))
    vault.flush()
    return item


def pdf_text(path: Path) -> str:
    """All text of a PDF via poppler's pdftotext (fast; pypdf is used for per-page checks)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def squash(s: str) -> str:
    return "".join(s.split())


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def have(tool: str) -> bool:
    """A tool on PATH or installed beside this Python (the venv's console scripts)."""
    return shutil.which(tool) is not None or (Path(sys.executable).parent / tool).is_file()
