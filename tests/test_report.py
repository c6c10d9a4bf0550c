"""The police-ready PDF report (issue 8), read back with pypdf and poppler."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageFilter, ImageStat
from pypdf import PdfReader

from evidence_kit.core.common.errors import CancelledError, IntegrityError
from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.documents import bundle, snapshot
from evidence_kit.core.documents.pdfstyle import FONT_FILES, fonts_dir
from evidence_kit.core.documents.report import build_report, render_report
from evidence_kit.core.documents.report_input import ItemEvidence, ReportOptions
from evidence_kit.core.documents.report_layout import TextCleaner
from evidence_kit.core.documents.report_text import TEXT
from evidence_kit.core.evidence import preview
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf
from .test_report_data import (
    HOSTILE_TEXT,
    LONG_URL,
    add_record_only,
    make_case,
    pdf_text,
    pdffonts,
    png,
    squash,
)

LIST_HEADERS_KO = [
    "순번",
    "증거",
    "작성자(소유자)",
    "제출유무",
    "수집일시",
    "출처",
    "입증하려는내용",
    "비고(SHA-256)",
]


def check_fonts_embedded(pdf: Path) -> None:
    fonts = pdffonts(pdf)
    assert fonts, "no fonts listed"
    for row in fonts:
        name = row[0]
        assert "Helvetica" not in name, f"standard font used: {row}"
        # columns: name type [type2] encoding emb sub uni object ID -> emb is 5th from the end
        assert row[-5] == "yes", f"font not embedded: {row}"


def test_korean_report_contents(vault: Vault, tmp_path: Path) -> None:
    case, items = make_case(vault)
    out = tmp_path / "보고서.pdf"
    res = build_report(vault, case.id, out, lang="ko")
    assert res.pages >= 4 + len(items) and res.identical_confirmed

    text = pdf_text(out)
    flat = squash(text)
    for needle in [
        "증거자료 보고서",
        "범죄사실",
        "증거자료 세부 목록",
        "해시값 확인서",
        "보관 연속성 기록",
        "무결성 확인 방법",
        "접수시 제출",
        "수사 중 제출",
        "원본과 상위없음",
        "확인됨",
        "2026년 11월 1일 밤 10시경",
        "텔레그램 비공개 채널",
        "김지원(가명)",
        "서명 또는 인",
        "sha256sum -c SHA256SUMS",
        "openssl pkeyutl -verify",
    ]:
        assert squash(needle) in flat, needle
    for h in LIST_HEADERS_KO:
        assert h in flat, h
    for item in items:
        assert f"증제{item.exhibit}호증" in flat
        assert item.sha256 in flat, f"SHA-256 of exhibit {item.exhibit} missing"
        assert item.md5 and item.md5 in flat and item.sha1 and item.sha1 in flat
    assert (
        res.manifest_sha256 in flat
        and vault.keys.public_key_raw()
        and snapshot.key_fingerprint(vault.keys.public_key_raw()) in flat
    )

    # every page: report ID, "page X of Y" and the manifest SHA-256
    reader = PdfReader(out)
    assert len(reader.pages) == res.pages
    for n, page in enumerate(reader.pages, 1):
        t = squash(page.extract_text())
        assert res.report_id in t and res.manifest_sha256 in t, f"footer missing on page {n}"
        assert f"{n}/{res.pages}쪽" in t, f"page number missing on page {n}"
    check_fonts_embedded(out)

    # the footer hash is the SHA-256 of the signed manifest written beside the report
    manifest = out.with_name("보고서.manifest.json").read_bytes()
    assert hashlib.sha256(manifest).hexdigest() == res.manifest_sha256
    pem = tmp_path / "signer.pub.pem"
    pem.write_bytes(bundle.public_key_pem(vault.keys.public_key_raw()))
    subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(pem),
            "-rawin",
            "-in",
            str(out.with_name("보고서.manifest.json")),
            "-sigfile",
            str(out.with_name("보고서.manifest.sig")),
        ],
        check=True,
        capture_output=True,
    )
    ev = vault.events(case_id=case.id)[-1]
    assert ev.action == "report" and ev.data["manifest_sha256"] == res.manifest_sha256
    assert ev.data["pdf_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    # the other case in the vault never shows up
    assert "OTHER-CASE-SECRET-NAME" not in text and "OTHER-FILE-SECRET" not in text


def test_english_report(vault: Vault, tmp_path: Path) -> None:
    case, items = make_case(vault, other_case=False)
    out = tmp_path / "report.pdf"
    res = build_report(vault, case.id, out, lang="en")
    flat = squash(pdf_text(out))
    for needle in [
        "Evidence Report",
        "Detailed list of evidence",
        "Hash confirmation sheet",
        "Identical to the originals — confirmed",
        "Chain of custody log",
        "How to verify",
        "at filing",
        "during investigation",
        f"Page 1 of {res.pages}",
    ]:
        assert squash(needle) in flat, needle
    # English headings carry the Korean ones in small text
    for h in [*LIST_HEADERS_KO, "증거자료 세부 목록", "해시값 확인서"]:
        assert squash(h) in flat, h
    for item in items:
        assert f"Exhibit{item.exhibit}" in flat and item.sha256 in flat
    check_fonts_embedded(out)


def test_hostile_strings_everywhere(vault: Vault, tmp_path: Path) -> None:
    case, items = make_case(vault, hostile=True)
    out = tmp_path / "hostile.pdf"
    res = build_report(vault, case.id, out, lang="ko")
    check_fonts_embedded(out)  # the injected <font face='Helvetica'> did not take effect
    text = pdf_text(out)
    flat = squash(text)
    assert "<para>para</para>" in text and "<fontface='Helvetica'name='Helvetica'>inject</font>" in flat
    assert "&amp;&" in flat and "<b>bold</b>" in flat
    assert "[U+202E]" in text and "[U+0000]" in text and "[U+200B]" in text
    assert "[U+1F600]" in text  # no emoji glyph in the font: shown, not dropped
    assert LONG_URL not in flat and "(10,0" in flat  # the 10,000-char URL is capped and says so
    for item in items:
        assert item.sha256 in flat
    # every page renders
    subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(out), str(tmp_path / "pg")], check=True, capture_output=True
    )
    assert len(list(tmp_path.glob("pg-*.png"))) == res.pages


def test_record_only_and_unconfirmed(vault: Vault, tmp_path: Path) -> None:
    case, _items = make_case(vault, other_case=False)
    ro = add_record_only(vault, case.id)
    snap = snapshot.snapshot_case(vault, case.id)
    evidence = {i.exhibit: ItemEvidence(preview.make_preview(None, i.media_type), False) for i in snap.items}
    out = tmp_path / "r.pdf"
    with out.open("wb") as f:
        buf = io.BytesIO()
        render_report(snap, "0" * 64, buf, evidence, ReportOptions("ko"))
        f.write(buf.getvalue())
    flat = squash(pdf_text(out))
    assert flat.count(squash("원본 미보관 — 해시값만 기록")) >= 3  # list, item page, hash sheet
    assert squash("원본과 상위없음 — 확인되지 않음") in flat and ro.sha256 in flat
    assert squash("원본 미보관 항목(증 제5호증)") in flat

    # the real build verifies the blobs: confirmed, with the record-only item excluded
    res = build_report(vault, case.id, tmp_path / "ok.pdf")
    assert res.identical_confirmed and res.unverified == []
    assert squash("원본과 상위없음 — 확인됨") in squash(pdf_text(tmp_path / "ok.pdf"))


def test_changed_blob_stops_the_report(vault: Vault, tmp_path: Path) -> None:
    case, _items = make_case(vault, other_case=False)
    blob = next((vault.path / "blobs").glob("*/*.age"))
    data = bytearray(blob.read_bytes())
    data[-20] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        build_report(vault, case.id, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_cancel_writes_nothing(vault: Vault, tmp_path: Path) -> None:
    case, _ = make_case(vault, other_case=False)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    outdir = tmp_path / "user-output"
    outdir.mkdir()
    with pytest.raises(CancelledError):
        build_report(vault, case.id, outdir / "r.pdf", cancel=cancel)
    assert list(outdir.iterdir()) == []


def test_rendered_pages_are_not_blank(vault: Vault, tmp_path: Path) -> None:
    case, _ = make_case(vault, other_case=False)
    out = tmp_path / "r.pdf"
    res = build_report(vault, case.id, out)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "pg")], check=True, capture_output=True
    )
    pages = sorted(tmp_path.glob("pg-*.png"))
    assert len(pages) == res.pages
    for p in pages:
        with Image.open(p) as im:
            dark = sum(ImageStat.Stat(im.convert("L").point(lambda v: 255 if v < 128 else 0)).sum) / 255
        assert dark > 60, f"{p.name} looks blank"


def test_500_items(tmp_path: Path) -> None:
    v = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=fast_kdf())
    try:
        case = v.create_case("500")
        tiny = png((10, 200, 10), (4, 4))
        for i in range(500):
            data = tiny + i.to_bytes(4, "big") if i % 2 else f"text item {i}\n".encode()
            v.add_bytes(
                case.id,
                data,
                ItemInput(
                    name=f"item_{i:03d}.{'png' if i % 2 else 'txt'}",
                    method="import-file",
                    source=Source(url=f"https://x.test/{i}"),
                ),
            )
        out = tmp_path / "r.pdf"
        res = build_report(v, case.id, out)
        assert res.items == 500 and res.pages >= 500 + 6
        flat = squash(pdf_text(out))
        items = v.list_items(case.id)
        assert all(i.sha256 in flat for i in items)
        assert "증제500호증" in flat and f"{res.pages}/{res.pages}쪽" in flat
    finally:
        v.lock()


# ------------------------------------------------------------------ previews


def _detail(im: Image.Image) -> float:
    return float(ImageStat.Stat(im.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0])


def test_preview_is_blurred_by_default() -> None:
    im = Image.new("RGB", (400, 300), "white")
    for x in range(0, 400, 6):
        for y in range(300):
            im.putpixel((x, y), (0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    blurred = preview.make_preview(buf.getvalue(), "image/png")
    clear = preview.make_preview(buf.getvalue(), "image/png", blur=False)
    assert blurred.jpeg and clear.jpeg and blurred.blurred and not clear.blurred
    with Image.open(io.BytesIO(blurred.jpeg)) as b, Image.open(io.BytesIO(clear.jpeg)) as c:
        assert _detail(b) < _detail(c) / 10


def test_preview_refuses_bombs_and_garbage() -> None:
    big = Image.new("1", (12_000, 12_000))  # 144 Mpx, a few KiB as PNG
    buf = io.BytesIO()
    big.save(buf, "PNG")
    assert preview.make_preview(buf.getvalue(), "image/png").problem == "too-large"
    assert preview.make_preview(b"\x89PNG\r\n\x1a\n garbage", "image/png").problem == "undecodable"
    assert preview.make_preview(b"\xff\xd8\xff" + b"\x00" * 100, "image/jpeg").jpeg is None
    v = preview.make_preview(b"anything", "video/mp4")
    assert v.kind == preview.KIND_VIDEO and v.jpeg is None


# ------------------------------------------------------------------ text


def test_text_cleaner() -> None:
    tc = TextCleaner.for_font()
    assert tc.para("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert tc.visible("a\u202eb\x00c") == "a[U+202E]b[U+0000]c"
    assert tc.visible("한글 ABC ☐") == "한글 ABC ☐"
    assert tc.visible("😀") == "[U+1F600]"
    assert tc.visible("x" * 50, 10) == "x" * 10 + " … (50)"
    assert tc.para("a\nb", multiline=True) == "a<br/>b"
    assert tc.para("a\nb", multiline=False) == "a b"


def test_report_text_table_is_complete_and_renderable() -> None:
    from fontTools.ttLib import TTFont

    glyphs: dict[str, set[int]] = {}
    for name, fn in FONT_FILES.items():
        glyphs[name] = set(TTFont(fonts_dir() / fn).getBestCmap())
    placeholder = re.compile(r"{(\w+)}")
    for key, (ko, en) in TEXT.items():
        assert ko.strip() and en.strip(), key
        assert sorted(placeholder.findall(ko)) == sorted(placeholder.findall(en)), key
        for s in (ko, en):
            missing = {ch for ch in s if ch not in "\n" and all(ord(ch) not in g for g in glyphs.values())}
            assert not missing, f"{key}: no glyph for {missing}"
    assert (fonts_dir() / "OFL.txt").is_file()


def test_i18n_messages_complete() -> None:
    from evidence_kit.core.common.i18n import MESSAGES

    placeholder = re.compile(r"{(\w+)}")
    for key, (ko, en) in MESSAGES.items():
        assert ko.strip() and en.strip(), key
        assert sorted(placeholder.findall(ko)) == sorted(placeholder.findall(en)), key


def test_hostile_case_text_constant_has_markup() -> None:
    # guards the fixtures themselves: the hostile corpus must keep its teeth
    assert "<" in HOSTILE_TEXT and "\u202e" in HOSTILE_TEXT and "\x00" in HOSTILE_TEXT
