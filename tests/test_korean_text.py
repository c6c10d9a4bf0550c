"""Korean readers get Korean (issue 16): the report has no English sentences outside proper
nouns, hashes, commands, URLs and the small raw-field lines; custody events read as
sentences; CLI warnings are translated."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from evidence_kit.core.common.event_text import event_fields, event_sentence
from evidence_kit.core.common.i18n import warning_text
from evidence_kit.core.common.model import CustodyEvent, ItemInput, Source
from evidence_kit.core.service import EvidenceService
from evidence_kit.core.vault.custody import ACTIONS

from .conftest import PASSPHRASE, fast_kdf

# Names, units and terms that stay in Latin letters in Korean text.
PROPER = {
    "sha", "md5", "sha-1", "sha-256", "pdq", "exif", "utc", "kst", "url", "id", "zip", "pdf", "csv", "json",
    "evidence", "kit", "telegram", "kakaotalk", "openssl", "windows", "certutil", "age", "chain", "of", "custody",
    "qr", "manifest", "readme-verify", "png", "jpeg", "https", "t.me", "ed25519", "case", "uco", "rfc",
}
LATIN_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'-]+\b[ ,;:]+){3,}[A-Za-z][A-Za-z'-]+")


def english_sentences(text: str) -> list[str]:
    bad = []
    for line in text.splitlines():
        s = line.strip()
        # Raw recorded fields (key=value), commands, JSON and file lists are meant to be literal.
        if not s or "=" in s or s.startswith(("{", "openssl", "evidence-kit", "sha256sum", "age ", "certutil")):
            continue
        for run in LATIN_RUN.findall(s):
            words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'.-]+", run)]
            if sum(w not in PROPER for w in words) >= 3:
                bad.append(s)
                break
    return bad


def test_the_check_finds_english_and_spares_names_and_commands() -> None:
    assert english_sentences("기록 전용: record only: EXIF and embedded thumbnails were not kept")
    assert not english_sentences("텔레그램(Telegram) Evidence Kit SHA-256 값")
    assert not english_sentences("openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in manifest.json")


def picture(colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(buf, fmt)
    return buf.getvalue()


def test_korean_report_has_no_english_sentences(tmp_path: Path) -> None:
    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf(), role="counselor")
    ro = svc.create_case("상담")
    svc.import_bytes(ro.id, picture((250, 250, 250)),
                     ItemInput(name="pasted-20261204-120000.png", method="paste",
                               source=Source(platform="KakaoTalk", url="https://t.me/x")))
    keep = svc.create_case("피해", policy="keep_originals")
    r = svc.import_bytes(keep.id, picture((10, 200, 10), "JPEG"),
                         ItemInput(name="photo.jpg", method="import-file", source=Source(platform="Telegram")))
    svc.vault.read_item_bytes(r.item.id)  # a view event
    svc.update_source(r.item.id, Source(platform="Telegram", purpose="게시 사실"))
    problems: dict[str, list[str]] = {}
    for case in (ro, keep):
        out = tmp_path / f"{case.id}.pdf"
        svc.make_report(case.id, out, lang="ko")
        text = "\n".join(p.extract_text() for p in PdfReader(str(out)).pages)
        assert "recorded without retaining" not in text.split("note=")[0]
        bad = english_sentences(text)
        if bad:
            problems[case.name] = bad
        # The record-only report says where things are and does not claim originals in evidence/.
        if case is ro:
            assert "원본 파일은 보관하지 않았습니다" in text
            assert "형식" in text and "너비" in text  # image facts in Korean, not format/width
            assert "기록 전용: 원본의 EXIF" in text
    svc.lock()
    assert not problems, problems


def test_every_custody_action_reads_as_a_sentence() -> None:
    for action in ACTIONS:
        ev = CustodyEvent(seq=1, time_utc="2026-12-04T03:00:00Z", tz_offset="+09:00", action=action,
                          case_id=None, item_id=None, data={"retained": False, "derivation": "pixelated: 8 blocks",
                                                            "method": "paste", "copy_exhibit": 2}, line=b"")
        ko, en = event_sentence(ev, "ko"), event_sentence(ev, "en")
        assert ko != action and en != action, action
        assert re.search(r"[가-힣]", ko), ko
        assert not re.search(r"[가-힣]", en), en
        assert "=" not in ko and "=" in event_fields(ev)


def test_chat_warnings_are_translated() -> None:
    w = ("this export has no date_unixtime (Telegram Desktop before 3.7.6): the time zone is unknown; give the "
         "zone the exporting computer used to get UTC times")
    ko = warning_text(w, "ko")
    assert "시간대" in ko and "--zone" in ko and "unknown" not in ko
    assert warning_text(w, "en") == w
    assert (warning_text("folder/a.png: symbolic link not followed", "ko")
            == "folder/a.png: 바로가기(심볼릭 링크)는 따라가지 않습니다")


def test_pictures_the_app_named_read_as_words() -> None:
    from evidence_kit.core.common.event_text import made_here_name

    assert made_here_name("pasted-20261204-213005.png", "paste", "ko") == "붙여넣은 이미지 2026-12-04 21:30:05"
    assert (made_here_name("screen-capture-20261204-213005-part02.png", "screen-capture", "en")
            == "Screen capture 2026-12-04 21:30:05 (part 2)")
    assert made_here_name("pasted-20261204-213005.png", "import-file", "ko") is None  # a file someone named so
    assert made_here_name("photo.jpg", "paste", "ko") is None
