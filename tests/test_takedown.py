"""The takedown / deletion-support package: forms read back with pypdf, hostile text,
hash lists, manifest, custody log, opt-in captures, refusal and cancel paths, CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from evidence_kit.cli import main
from evidence_kit.core.common.errors import CancelledError, InputError
from evidence_kit.core.common.model import Item, ItemInput, Source
from evidence_kit.core.documents.takedown_model import TakedownOptions, TakedownResult
from evidence_kit.core.documents.takedown_pdf import distribution_flowables
from evidence_kit.core.service import EvidenceService
from tests.conftest import PASSPHRASE, fast_kdf
from tests.test_pdq_grouping import encode, photo

RTL = "\u202e"
HOSTILE_URL = 'https://x.com/u/status/1?q=<script>alert("x")</script>&b=1' + RTL + "gnp.exe"
LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 120  # wraps over ~25 lines
EMOJI_ACCOUNT = "\U0001f48bhot\x00acct<b>"
CHATROOM = "비밀방 </para><font name='Helvetica'>x"
CSV_PLATFORM = "=cmd|' /C calc'!A0"


@dataclass
class Built:
    service: EvidenceService
    case_id: str
    items: dict[int, Item]
    data: dict[int, bytes]
    result: TakedownResult
    root: Path


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _has_url(flat: str, url: str) -> bool:
    """The URL is in the (whitespace-free) text. A URL long enough to cross a page break is
    interrupted there by the footer and the repeated table header, so check it in pieces."""
    url = _norm(url.replace(RTL, "[U+202E]"))  # shown, not obeyed (one rule set, issue 19)
    if url in flat:
        return True
    cut_at_break = flat.count("a1b2c3d4e5") >= 115  # of 120: one may be cut at each break
    return url.startswith("https://example.org/") and url[:300] in flat and cut_at_break


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("takedown")
    svc = EvidenceService(root / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    case = svc.create_case("사건 <b>A</b> " + RTL, reference="REF-2026-1")
    a = photo(31)
    specs: list[tuple[str, bytes, Source]] = [
        ("a.jpg", encode(a, "JPEG", quality=92), Source(platform="Telegram", url="https://t.me/c/123/45",
                                                        account="@poster", posted_at="2026-11-01 21:00",
                                                        date_seen="2026-11-02")),
        ("a-q40.jpg", encode(a, "JPEG", quality=40), Source(platform="X", url=HOSTILE_URL)),
        ("b.png", encode(photo(32)), Source(platform="telegram", url="https://t.me/c/123/46")),
        ("long.png", encode(photo(33)), Source(platform="Website", url=LONG_URL, account=EMOJI_ACCOUNT)),
        ("kakao.png", encode(photo(34)), Source(platform="KakaoTalk", chatroom=CHATROOM)),
        ("discord.png", encode(photo(35)), Source(platform="Discord")),
        ("notes.txt", "메모 only".encode(), Source()),
        ("flat.png", encode(photo(36).convert("L").point(lambda _v: 77)), Source(platform="Telegram",
                                                                                 url="https://t.me/c/123/47")),
        ("..\\..\\evil" + RTL + "gnp.jpg", b"\xff\xd8\xff\xe0" + b"\x01" * 500,
         Source(platform=CSV_PLATFORM, url='=HYPERLINK("http://evil")')),
    ]
    items: dict[int, Item] = {}
    data: dict[int, bytes] = {}
    for name, blob, src in specs:
        res = svc.import_bytes(case.id, blob, ItemInput(name=name, method="import-file", source=src))
        items[res.item.exhibit] = res.item
        data[res.item.exhibit] = blob
    options = TakedownOptions(
        requester_name="홍길동 & <i>",
        requester_contact="010-0000-0000",
        request_types=("delete",),
        reasons=("deepfake",),
        keywords=("검색어 하나", "=SUM(1)"),
    )
    out = root / "user-output" / "package"
    out.parent.mkdir()
    result = svc.build_takedown(case.id, out, options)
    items = {i.exhibit: i for i in svc.items(case.id)}
    try:
        yield Built(svc, case.id, items, data, result, out)
    finally:
        svc.lock()


def test_package_files(built: Built) -> None:
    r = built.result
    names = sorted(p.relative_to(built.root).as_posix() for p in built.root.rglob("*") if p.is_file())
    assert names == sorted(r.files)
    assert {"00-guide.pdf", "00-guide.txt", "02-d4u-summary.pdf", "03-hashes.csv", "03-hashes.json",
            "manifest.json", "SHA256SUMS"} <= set(names)
    requests = [n for n in names if n.startswith("01-request-")]
    # One request per platform ("Telegram" and "telegram" are one); the hostile name is slugged.
    assert requests == [
        "01-request-01-telegram.pdf",
        "01-request-02-x.pdf",
        "01-request-03-website.pdf",
        "01-request-04-kakaotalk.pdf",
        "01-request-05-discord.pdf",
        "01-request-06-cmd-c-calc-a0.pdf",
    ]
    assert not (built.root / "captures").exists()
    assert not list(built.root.parent.glob(".*partial"))
    assert r.items == 9 and r.targets == 8


def test_request_forms_read_back(built: Built) -> None:
    by_platform = {
        "telegram": [1, 3, 8],
        "x": [2],
        "website": [4],
        "kakaotalk": [5],
        "discord": [6],
        "cmd-c-calc-a0": [9],
    }
    for n, (slug, exhibits) in enumerate(by_platform.items(), 1):
        text = _pdf_text(built.root / f"01-request-{n:02d}-{slug}.pdf")
        flat = _norm(text)
        assert "불법촬영물등유통신고·삭제요청서" in flat
        assert "「전기통신사업법」제22조의5제1항" in flat
        # Check box labels, with the options given ticked (▣) and the others empty (☐).
        for label in ("☐유통신고", "▣삭제요청", "☐불법촬영물", "▣허위영상물", "☐아동·청소년성착취물"):
            assert label in flat, (slug, label)
        assert "홍길동&<i>" in flat and "010-0000-0000" in flat
        assert "위와같이불법촬영물등의유통을신고하고삭제를요청합니다" in flat
        for ex in exhibits:
            assert f"증제{ex}호증" in flat, (slug, ex)
            url = built.items[ex].source.url
            if url:
                assert _has_url(flat, url), (slug, ex)
        assert RTL not in text
    telegram = _norm(_pdf_text(built.root / "01-request-01-telegram.pdf"))
    assert "https://t.me/c/123/45" in telegram and "@poster" in telegram and "2026-11-0121:00" in telegram


def test_hostile_text_is_shown_not_interpreted(built: Built) -> None:
    x = _pdf_text(built.root / "01-request-02-x.pdf")
    assert '<script>alert("x")</script>&b=1[U+202E]gnp.exe' in _norm(x)  # shown, not obeyed
    web = _norm(_pdf_text(built.root / "01-request-03-website.pdf"))
    assert _norm(LONG_URL) in web  # wrapped over many lines, nothing lost
    assert "[U+1F48B]hot[U+0000]acct<b>" in web  # emoji outside the font and NUL made visible
    kakao = _norm(_pdf_text(built.root / "01-request-04-kakaotalk.pdf"))
    assert _norm("비밀방 </para><font name='Helvetica'>x") in kakao
    assert "URL없음" in kakao and "검색어하나" in kakao
    discord = _norm(_pdf_text(built.root / "01-request-05-discord.pdf"))
    assert "손으로적어주세요" in discord


def _fonts(path: Path) -> list[tuple[str, bool]]:
    out = []
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            fonts_to_check = [font]
            if "/DescendantFonts" in font:
                fonts_to_check = [d.get_object() for d in font["/DescendantFonts"]]
            embedded = all(
                any(k in f["/FontDescriptor"].get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for f in fonts_to_check
                if "/FontDescriptor" in f
            ) and all("/FontDescriptor" in f for f in fonts_to_check)
            out.append((base, embedded))
    return out


def test_every_font_is_embedded_and_no_helvetica(built: Built) -> None:
    pdfs = sorted(built.root.glob("*.pdf"))
    assert len(pdfs) == 8
    for pdf in pdfs:
        fonts = _fonts(pdf)
        assert fonts, pdf.name
        for base, embedded in fonts:
            assert embedded, (pdf.name, base)
            assert "Helvetica" not in base and "EvidenceKitGothic" in base, (pdf.name, base)
        if shutil.which("pdffonts"):
            lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
            rows = lines.splitlines()[2:]
            assert rows and all(" yes " in row and "Helvetica" not in row for row in rows), lines


def test_d4u_summary(built: Built) -> None:
    text = _pdf_text(built.root / "02-d4u-summary.pdf")
    flat = _norm(text)
    assert "디지털성범죄피해자지원센터" in flat and "REF-2026-1" in flat
    for ex, item in built.items.items():
        if item.source.url:
            assert _has_url(flat, item.source.url), ex
    assert "검색어하나" in flat and "=SUM(1)" in flat
    assert "@poster" in flat and "2026-11-0121:00" in flat and "2026-11-02" in flat
    # Originals are held; the near-duplicate group (exhibits 1 and 2) is listed.
    assert "예(증제1호증)" in flat and "예(증제8호증)" in flat
    group = flat[flat.index("같은이미지가발견된곳") :]
    assert "묶음1" in group and "증제1호증" in group and "증제2호증" in group
    # Each problem line is in the summary, in Korean and English.
    for p in built.result.problems:
        assert _norm(p.message("ko")) in flat, p
        assert _norm(p.message("en")) in flat, p
    assert "이미지자체는이문서와폴더에넣지않았습니다" in flat


def test_problems_are_reported_not_raised(built: Built) -> None:
    got = {(p.exhibit, p.code) for p in built.result.problems}
    assert got == {(5, "no-url"), (6, "no-location"), (7, "no-source"), (8, "unreliable"), (9, "pdq")}
    (unreliable,) = [p for p in built.result.problems if p.code == "unreliable"]
    assert unreliable.quality is not None and unreliable.quality < 50
    (bad,) = [p for p in built.result.problems if p.code == "pdq"]
    assert bad.status == "undecodable"


def test_guide(built: Built) -> None:
    flat = _norm(_pdf_text(built.root / "00-guide.pdf"))
    txt = (built.root / "00-guide.txt").read_text(encoding="utf-8")
    for needle in ("02-735-8994", "1377", "112", "ECRM", "증거가다모이지않아도경찰에신고할수있습니다",
                   "01-request-01-telegram.pdf", "02-d4u-summary.pdf", "03-hashes.csv", "sha256sum-cSHA256SUMS"):
        assert needle in flat, needle
        assert needle in _norm(txt), needle
    assert "You can report to the police without having all the evidence" in txt
    for p in built.result.problems:
        assert p.message("ko") in txt


def test_hash_list_csv_and_json(built: Built) -> None:
    raw = (built.root / "03-hashes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [int(r["exhibit"]) for r in rows] == list(range(1, 10))
    for r in rows:
        item = built.items[int(r["exhibit"])]
        assert r["sha256"] == item.sha256 == hashlib.sha256(built.data[item.exhibit]).hexdigest()
        assert r["md5"] == hashlib.md5(built.data[item.exhibit]).hexdigest()
        assert r["exhibit_label"] == f"증 제{item.exhibit}호증"
        assert r["pdq"] == (item.pdq or "")
    assert rows[0]["pdq_reliable"] == "True" and rows[7]["pdq_status"] == "unreliable"
    assert rows[8]["pdq"] == "" and rows[8]["pdq_status"] == "undecodable"
    # Spreadsheet formula injection is defused in the CSV; RTL override stripped.
    assert rows[8]["platform"] == "'" + CSV_PLATFORM and rows[8]["url"].startswith("'=HYPERLINK")
    assert all(RTL not in v for r in rows for v in r.values())
    obj = json.loads((built.root / "03-hashes.json").read_text(encoding="utf-8"))
    assert obj["format"] == "evidence-kit-hash-list"
    assert obj["algorithms"]["pdq"]["match_threshold_bits"] == 31
    assert obj["algorithms"]["pdq"]["implementation"].startswith("pdqhash")
    by_ex = {i["exhibit"]: i for i in obj["items"]}
    assert by_ex[2]["url"] == HOSTILE_URL  # exact value kept in JSON
    assert by_ex[9]["platform"] == CSV_PLATFORM
    assert by_ex[1]["pdq"] == built.items[1].pdq and by_ex[1]["pdq_quality"] >= 50
    (group,) = obj["near_duplicate_groups"]
    assert group["exhibits"] == [1, 2] and 0 <= group["max_link_bits"] <= 31


def test_manifest_sums_and_custody_log(built: Built) -> None:
    sums = (built.root / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((built.root / name).read_bytes()).hexdigest() == digest, name
    assert set(listed) == set(built.result.files) - {"SHA256SUMS"}
    manifest_bytes = (built.root / "manifest.json").read_bytes()
    assert hashlib.sha256(manifest_bytes).hexdigest() == built.result.manifest_sha256
    manifest = json.loads(manifest_bytes)
    assert manifest["sent_anywhere"] is False and manifest["case"]["reference"] == "REF-2026-1"
    assert {f["path"] for f in manifest["files"]} == set(built.result.files) - {"SHA256SUMS", "manifest.json"}
    assert len(manifest["problems"]) == 5 and all(p["ko"] and p["en"] for p in manifest["problems"])
    events = [e for e in built.service.vault.events(case_id=built.case_id) if e.action == "takedown"]
    assert events and events[0].data["manifest_sha256"] == built.result.manifest_sha256
    assert events[0].data["package_id"] == built.result.package_id
    assert events[0].data["include_captures"] is False and events[0].data["sent_anywhere"] is False


def test_no_image_bytes_without_opt_in(built: Built) -> None:
    package = b"".join(p.read_bytes() for p in built.root.rglob("*") if p.is_file())
    for ex, blob in built.data.items():
        if built.items[ex].media_type.startswith("image/") and len(blob) > 600:
            assert blob[200:600] not in package, ex


def test_captures_only_when_chosen(built: Built) -> None:
    out = built.root.parent / "with-captures"
    res = built.service.build_takedown(built.case_id, out, TakedownOptions(include_captures=True))
    ext = {"image/jpeg": ".jpg", "image/png": ".png"}
    image_exhibits = [ex for ex, it in built.items.items() if it.media_type.startswith("image/")]
    assert image_exhibits == [1, 2, 3, 4, 5, 6, 8, 9]
    assert sorted(p.name for p in (out / "captures").iterdir()) == [
        f"exhibit-{ex:03d}{ext[built.items[ex].media_type]}" for ex in image_exhibits
    ]  # never the (hostile) original file name
    for ex in image_exhibits:
        (cap,) = list((out / "captures").glob(f"exhibit-{ex:03d}.*"))
        assert hashlib.sha256(cap.read_bytes()).hexdigest() == built.items[ex].sha256
        assert f"captures/{cap.name}" in res.captures
    exports = [e for e in built.service.vault.events(case_id=built.case_id) if e.action == "export-file"]
    assert len(exports) >= len(image_exhibits)
    assert "captures" in (out / "00-guide.txt").read_text(encoding="utf-8")
    flat = _norm(_pdf_text(out / "02-d4u-summary.pdf"))
    assert "함께넣은이미지사본" in flat and built.items[1].sha256 in flat
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_refuses_a_non_empty_folder_and_cleans_up_on_cancel(built: Built) -> None:
    parent = built.root.parent
    busy = parent / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(InputError) as e:
        built.service.build_takedown(built.case_id, busy)
    assert e.value.message("ko") and e.value.message("en")
    assert sorted(p.name for p in busy.iterdir()) == ["keep.txt"]
    with pytest.raises(InputError):
        built.service.build_takedown(built.case_id, parent / "missing-parent" / "pkg")
    with pytest.raises(InputError):
        built.service.build_takedown(built.case_id, parent / "x", TakedownOptions(reasons=("bogus",)))
    calls = {"n": 0}

    def cancel_later() -> bool:
        calls["n"] += 1
        return calls["n"] > 12  # after the PDQ pass, in the middle of writing

    with pytest.raises(CancelledError):
        built.service.build_takedown(built.case_id, parent / "cancelled",
                                     TakedownOptions(include_captures=True), cancel=cancel_later)
    assert not (parent / "cancelled").exists()
    assert not list(parent.glob(".*partial"))
    empty = parent / "empty"
    empty.mkdir()
    res = built.service.build_takedown(built.case_id, empty)
    assert (empty / "manifest.json").is_file() and res.path == empty


def test_url_longer_than_a_page_splits_instead_of_crashing(service: EvidenceService, tmp_path: Path) -> None:
    case = service.create_case("long")
    url = "https://example.org/?" + "a1b2c3d4e5" * 1500  # 15,000 characters
    service.import_bytes(case.id, encode(photo(41), "JPEG"), ItemInput(name="x.jpg", method="paste",
                                                                       source=Source(platform="Web", url=url)))
    out = tmp_path / "user-output" / "pkg"
    out.parent.mkdir()
    service.build_takedown(case.id, out)
    reader = PdfReader(out / "01-request-01-web.pdf")
    assert len(reader.pages) >= 3  # the cell continues over pages (splitInRow)
    text = "".join(p.extract_text() for p in reader.pages)
    assert _norm(url[:800]) in _norm(text)
    assert 800 <= _norm(text).count("a1b2c3d4e5") <= 8192 // 10  # shown up to URL_CHARS, then:
    assert "…(15,021)" in _norm(text)
    assert json.loads((out / "03-hashes.json").read_text())["items"][0]["url"] == url


def test_distribution_flowables_for_the_report(built: Built, tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    groups = built.service.near_duplicates(built.case_id)
    flow = distribution_flowables(groups, {i.id: i for i in built.items.values()})
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, initialFontName="EvidenceKitGothic").build(flow)
    text = _norm("".join(p.extract_text() for p in PdfReader(io.BytesIO(buf.getvalue())).pages))
    assert "증제1호증" in text and "증제2호증" in text and _norm("https://t.me/c/123/45") in text
    assert distribution_flowables([], {})  # "none found" text, never empty


def test_cli_takedown_json(built: Built, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    vault_path = str(built.service.vault_path)
    built.service.lock()  # the CLI takes the vault's lock
    try:
        monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
        out = built.root.parent / "cli-package"
        rc = main(["--vault", vault_path, "--lang", "en", "takedown", str(out), "--case", built.case_id,
                   "--keyword", "k1", "--type", "report", "--reason", "illegal-filming", "--json"])
        assert rc == 0
        obj = json.loads(capsys.readouterr().out)
        assert obj["sent_anywhere"] is False and Path(obj["path"]) == out
        assert {p["code"] for p in obj["problems"]} == {"no-url", "no-location", "no-source", "unreliable", "pdq"}
        assert all(p["message"] for p in obj["problems"])
        flat = _norm(_pdf_text(out / "01-request-01-telegram.pdf"))
        assert "▣유통신고" in flat and "☐삭제요청" in flat and "▣불법촬영물" in flat
        rc = main(["--vault", vault_path, "--lang", "ko", "takedown", str(out), "--case", built.case_id])
        assert rc == 7  # the folder is not empty now: a clear refusal, not a crash
        assert "비어 있지 않은 폴더" in capsys.readouterr().err
        rc = main(["--vault", vault_path, "--lang", "ko", "takedown", str(built.root.parent / "cli-ko"),
                   "--case", built.case_id])
        text = capsys.readouterr().out
        assert rc == 0 and "삭제 요청 묶음을 만들었습니다" in text and "확인이 필요한 항목 5건" in text
        assert "증 제6호증: URL도 위치 설명도 없습니다" in text
    finally:
        built.service.unlock(PASSPHRASE)
