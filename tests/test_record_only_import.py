"""Record-only imports keep chat screenshots readable (issue 16): the CLI's --black-out and
--pixelate-all, the message naming the default, options after the subcommand, export-file
of a record-only item, and the bundle carrying the stored redacted versions."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from evidence_kit.core.service import EvidenceService
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf


def screenshot(path: Path, size: tuple[int, int] = (200, 120)) -> Path:
    """White with a blue "address bar" row: text-like content that must stay readable."""
    im = Image.new("RGB", size, (250, 250, 250))
    for x in range(size[0]):
        for y in range(10):
            im.putpixel((x, y), (40, 90, 200))
    im.putpixel((3, 50), (10, 200, 10))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def ek(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)
    env.pop("EVIDENCE_KIT_VAULT", None)
    return subprocess.run([sys.executable, "-m", "evidence_kit", *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL)


def counselor_vault(tmp_path: Path) -> Path:
    v = tmp_path / "vault"
    Vault.create(v, PASSPHRASE, kdf=fast_kdf(), role="counselor").lock()
    return v


def stored_image(v: Path, exhibit: int) -> Image.Image:
    svc = EvidenceService(v)
    svc.unlock(PASSPHRASE)
    try:
        case = svc.cases()[0]
        item = next(i for i in svc.items(case.id) if i.exhibit == exhibit)
        return Image.open(io.BytesIO(svc.vault.read_item_bytes(item.id, log_view=False))).convert("RGB")
    finally:
        svc.lock()


def test_cli_black_out_keeps_the_rest_readable_and_default_is_named(tmp_path: Path) -> None:
    v = counselor_vault(tmp_path)
    # Options after the subcommand, as the README promises for every command.
    assert ek(v, "case", "new", "상담", "--vault", str(v), "--lang", "en").returncode == 0
    shot = screenshot(tmp_path / "chat.png")
    r = ek(v, "add", str(shot), "--case", "상담", "--black-out", "20,30,80,60", "--vault", str(v), "--json")
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)["added"]
    assert len(added) == 1 and added[0]["retained"] is False
    assert "Record-only case" not in r.stderr  # an explicit choice: no reminder
    im = stored_image(v, 1)
    assert im.getpixel((50, 50)) == (0, 0, 0)  # blacked out
    assert im.getpixel((150, 5)) == (40, 90, 200)  # the address bar stays readable
    assert im.getpixel((3, 50)) == (10, 200, 10)

    # No choice given: pixelated whole, and the message says that this is the default and how to avoid it.
    shot2 = screenshot(tmp_path / "chat2.png", (210, 120))
    r = ek(v, "--lang", "ko", "add", str(shot2), "--case", "상담", "--vault", str(v))
    assert r.returncode == 0, r.stderr
    assert "기본값" in r.stderr and "--black-out" in r.stderr
    r = ek(v, "add", str(screenshot(tmp_path / "c3.png", (220, 120))), "--case", "상담", "--vault", str(v),
           "--lang", "en")
    assert "pixelated whole is stored (the default)" in r.stderr
    r = ek(v, "add", str(screenshot(tmp_path / "c4.png", (230, 120))), "--case", "상담", "--pixelate-all",
           "--vault", str(v))
    assert r.returncode == 0 and "default" not in r.stderr
    r = ek(v, "add", str(shot), "--case", "상담", "--pixelate-all", "--black-out", "0,0,5,5", "--vault", str(v))
    assert r.returncode != 0 and "either" in r.stderr.lower()

    # `list --json` after the subcommand works (it was an argparse error).
    r = ek(v, "list", "--case", "상담", "--json", "--vault", str(v))
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert [i["exhibit"] for i in listed] == [1, 2, 3, 4]

    # export-file of a record-only item says it wrote the redacted version.
    out = tmp_path / "out.png"
    r = ek(v, "--lang", "en", "export-file", "1", str(out), "--case", "상담", "--vault", str(v))
    assert r.returncode == 0, r.stderr
    assert "redacted version" in r.stdout and "Original exported" not in r.stdout
    assert Image.open(out).convert("RGB").getpixel((50, 50)) == (0, 0, 0)


def test_record_only_bundle_carries_the_redacted_versions(tmp_path: Path) -> None:
    from pypdf import PdfReader

    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf(), role="counselor")
    case = svc.create_case("상담")
    shot = screenshot(tmp_path / "shot.png")
    from evidence_kit.core.evidence.redact import Rect

    s = svc.import_paths(case.id, [shot], regions={str(shot): [Rect(20, 30, 80, 60)]})
    item = s.added[0]
    assert not item.retained and item.derivation.startswith("blacked-out")
    res = svc.export_bundle(case.id, tmp_path / "bundle", lang="ko")
    files = sorted(p.relative_to(tmp_path / "bundle").as_posix() for p in (tmp_path / "bundle").rglob("*")
                   if p.is_file())
    assert not any(f.startswith("evidence/") for f in files)
    red = [f for f in files if f.startswith("redacted/")]
    assert len(red) == 1
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text(encoding="utf-8"))
    rv = manifest["items"][0]["redacted_version"]
    assert rv["path"] == red[0] and rv["label_en"] == "redacted — original not kept"
    assert rv["sha256"] == item.stored_sha256
    assert f"  {red[0]}" in (tmp_path / "bundle" / "SHA256SUMS").read_text()
    assert svc.verify_bundle(tmp_path / "bundle").ok
    assert "redacted — original not kept" in (tmp_path / "bundle" / "README-VERIFY.txt").read_text(encoding="utf-8")
    assert red[0] in (tmp_path / "bundle" / "evidence-list.csv").read_text(encoding="utf-8-sig")
    # Report page 1 no longer says the originals are in evidence/.
    first = PdfReader(str(tmp_path / "bundle" / "report.pdf")).pages[0].extract_text()
    assert "evidence/" not in first and "redacted/" in first
    assert res.items == 1
    svc.lock()


def test_case_edit_completes_the_report_summary_from_the_command_line(tmp_path: Path) -> None:
    v = counselor_vault(tmp_path)
    assert ek(v, "--vault", str(v), "case", "new", "상담").returncode == 0
    r = ek(v, "case", "edit", "상담", "--when", "2026-11-20 21:00", "--where", "반 단체 대화방",
           "--how", "합성 사진 게시", "--result", "사진이 퍼짐", "--platform", "KakaoTalk", "--platform", "Telegram",
           "--account", "@poster", "--preparer", "김 교사", "--organisation", "○○중학교",
           "--police-case", "2026-123", "--vault", str(v), "--json")
    assert r.returncode == 0, r.stderr
    case = json.loads(r.stdout)
    assert case["incident"] == {"when": "2026-11-20 21:00", "where": "반 단체 대화방", "how": "합성 사진 게시",
                                "result": "사진이 퍼짐"}
    assert case["platforms"] == ["KakaoTalk", "Telegram"] and case["suspects"] == ["@poster"]
    assert case["prepared_by"] == "김 교사" and case["organisation"] == "○○중학교"
    assert case["reference"] == "2026-123"
    svc = EvidenceService(v)
    svc.unlock(PASSPHRASE)
    try:
        edits = [e for e in svc.vault.events() if e.action == "edit-case"]
        assert len(edits) == 1 and set(edits[0].data["changes"]) >= {"incident", "platforms", "reference"}
    finally:
        svc.lock()
    r = ek(v, "--lang", "ko", "case", "edit", "상담", "--vault", str(v))
    assert r.returncode == 0 and "바꿀 내용이 없습니다" in r.stdout
