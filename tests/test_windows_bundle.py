"""Bundles a Windows PC can unpack and check (issue 21).

Hostile file names go into a real vault and out as real folder and ZIP bundles; every path
is checked against Windows' rules, the ZIP's UTF-8 flag bits are read, and the PowerShell
block in README-VERIFY.txt is run through a faithful Python re-implementation of its
parsing (no PowerShell on this machine: Debian's archive does not carry one).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from evidence_kit.core.common import winnames
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.documents import bundle
from evidence_kit.core.documents.bundle_verify import verify_bundle
from evidence_kit.core.documents.winverify import POWERSHELL_CHECK, SUMS_LINE_REGEX
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf

HOSTILE_NAMES = [
    "CON",
    "con.txt",
    "Nul .tar.gz",
    "COM1.jpg",
    "lpt9",
    "CONIN$",
    "photo.JPG",
    "PHOTO.jpg",
    "사진 <1>: \"몰래\" | 촬영?*.png",
    "trailing dots... ",
    "ctrl\x01\x1f\x7fname.txt",
    "..\\..\\windows\\system32\\evil.dll",
    "../../etc/passwd",
    "가" * 200 + ".mp4",
    "a" * 300,
    "\u202egnp.exe",
    "",
    " ",
    ".",
]


@dataclass
class Bundles:
    folder: Path
    zip: Path
    names: list[str]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundles]:
    base = tmp_path_factory.mktemp("winbundle")
    out = base / "user-output"
    out.mkdir()
    v = Vault.create(base / "vault", PASSPHRASE, kdf=fast_kdf())
    try:
        case = v.create_case("윈도우 이름 사건")
        for i, name in enumerate(HOSTILE_NAMES):
            v.add_bytes(case.id, f"evidence {i} {name}".encode(), ItemInput(name=name or "x", method="paste"))
        bundle.export_bundle(v, case.id, out / "bundle", kind="folder", lang="ko")
        bundle.export_bundle(v, case.id, out / "bundle.zip", kind="zip", lang="en")
        yield Bundles(out / "bundle", out / "bundle.zip", [n or "x" for n in HOSTILE_NAMES])
    finally:
        v.lock()


# ------------------------------------------------------------------ winnames unit rules


@pytest.mark.parametrize(
    "name",
    ["CON", "con", "Con.txt", "nul.tar.gz", "NUL .txt", "com1", "COM9.log", "lpt1.x", "LPT5", "aux", "prn.pdf",
     "conin$", "COM\u00b9"],
)
def test_reserved_device_names_any_case_any_extension(name: str) -> None:
    assert winnames.is_reserved(name)
    fixed = winnames.safe_component(name)
    assert winnames.component_problem(fixed) is None, fixed
    assert not winnames.is_reserved(fixed)


@pytest.mark.parametrize("name", ["CONSOLE.txt", "com10", "LPT0", "nulls", "auxiliary.doc", "사진.jpg", "E001_CON.txt"])
def test_not_reserved(name: str) -> None:
    assert not winnames.is_reserved(name)
    assert winnames.safe_component(name) == name


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_component_is_valid(name: str) -> None:
    fixed = winnames.safe_component(name)
    assert winnames.component_problem(fixed) is None, (name, fixed)
    assert len(fixed) <= 120
    assert not set(fixed) & set('<>:"|?*\\/')
    assert not fixed.endswith((".", " "))


def test_unique_paths_resolves_case_insensitive_collisions_and_length() -> None:
    rels = ["evidence/a.JPG", "evidence/A.jpg", "evidence/a.jpg", "Evidence/A.JPG", "evidence/CON",
            "evidence/" + "긴이름" * 120 + ".png", "evidence/" + "긴이름" * 120 + ".PNG"]
    out = winnames.unique_paths(rels, taken=["evidence/con"])
    assert len(out) == len(rels)
    assert len({p.casefold() for p in out}) == len(out)
    assert "evidence/con" not in {p.casefold() for p in out}
    for p in out:
        assert winnames.path_problem(p) is None, p
    assert out[0] == "evidence/a.JPG"
    assert out[1] == "evidence/A (2).jpg"
    assert out[2] == "evidence/a (3).jpg"
    assert out[-1].endswith(" (2).PNG") and out[-2].endswith(".png")


def test_path_problem_catches_each_rule() -> None:
    assert winnames.path_problem("evidence/E001_x.png") is None
    assert winnames.path_problem("evidence/aux.png") == "reserved device name"
    assert winnames.path_problem("evidence/x.") == "trailing dot or space"
    assert winnames.path_problem("evidence/a:b") == "forbidden character"
    assert winnames.path_problem("evidence/a\tb") == "forbidden character"
    assert winnames.path_problem("x" * 241) is not None
    assert winnames.path_problem("/abs") is not None
    assert winnames.path_problem("a//b") == "empty or dot name"


# ------------------------------------------------------------------ real bundles


def _all_rel_paths(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_folder_bundle_every_path_valid_on_windows(bundles: Bundles) -> None:
    rels = _all_rel_paths(bundles.folder)
    assert sum(r.startswith("evidence/") for r in rels) >= len(HOSTILE_NAMES)
    for r in rels:
        assert winnames.path_problem(r) is None, r
    assert len({r.casefold() for r in rels}) == len(rels)
    # The manifest keeps each original name exactly (NFC), next to the Windows-safe path.
    manifest = json.loads((bundles.folder / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(manifest, ensure_ascii=False)
    for name in ("PHOTO.jpg", "photo.JPG", "사진 <1>: \"몰래\" | 촬영?*.png", "CONIN$"):
        assert json.dumps(name, ensure_ascii=False) in text, name
    assert verify_bundle(bundles.folder).ok


def test_zip_entries_valid_and_utf8_flagged(bundles: Bundles) -> None:
    with zipfile.ZipFile(bundles.zip) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert len({n.casefold() for n in names}) == len(names)
    korean = [i for i in infos if any("\uac00" <= ch <= "\ud7a3" for ch in i.filename)]
    assert korean, "the hostile Korean names should be in the ZIP"
    for i in infos:
        assert winnames.path_problem(i.filename) is None, i.filename
        if not i.filename.isascii():
            # General purpose bit 11: names are UTF-8. Without it Explorer on a Korean
            # PC reads them as cp949 and shows mojibake.
            assert i.flag_bits & 0x800, i.filename
    # Read the raw local headers too, not only zipfile's view of the central directory.
    raw = bundles.zip.read_bytes()
    for i in korean:
        off = i.header_offset
        assert raw[off:off + 4] == b"PK\x03\x04"
        flags = int.from_bytes(raw[off + 6:off + 8], "little")
        assert flags & 0x800, i.filename
        n = int.from_bytes(raw[off + 26:off + 28], "little")
        assert raw[off + 30:off + 30 + n].decode("utf-8") == i.filename


# ------------------------------------------------------------------ PowerShell check, re-implemented


def powershell_check(folder: Path) -> list[str]:
    """What the README's PowerShell block prints, step by step as Windows PowerShell 5.1
    runs it: Get-Content -Encoding UTF8 (BOM dropped, lines split on CR LF or LF, endings
    removed); -match is case-insensitive; Test-Path -PathType Leaf; Get-FileHash gives
    upper-case hex; -eq on strings is case-insensitive; paths with / work on Windows."""
    # The regex is taken from the script itself so the two cannot drift apart.
    m = re.search(r"-match '([^']+)'", POWERSHELL_CHECK)
    assert m and m.group(1) == SUMS_LINE_REGEX
    rx = re.compile(m.group(1), re.IGNORECASE)
    text = (folder / "SHA256SUMS").read_bytes().decode("utf-8-sig", errors="replace")
    out: list[str] = []
    ok = bad = 0
    for line in re.split(r"\r\n|\n|\r", text.rstrip("\r\n")) if text else []:
        mm = rx.match(line)
        if mm:
            want, f = mm.group(1), mm.group(2)
            got = ""
            p = folder / f
            if p.is_file():
                got = hashlib.sha256(p.read_bytes()).hexdigest().upper()
            if got.casefold() == want.casefold():
                out.append(f"OK      {f}")
                ok += 1
            else:
                out.append(f"FAILED  {f}")
                bad += 1
        elif line.strip() != "":
            out.append(f"FAILED  (unreadable line) {line}")
            bad += 1
    out.append(f"ALL OK: {ok} files" if bad == 0 and ok > 0 else f"FAILED: {bad} of {ok + bad} files")
    return out


def test_readme_has_windows_commands_in_both_languages(bundles: Bundles) -> None:
    readme = (bundles.folder / "README-VERIFY.txt").read_text(encoding="utf-8")
    assert readme.count("Get-FileHash -Algorithm SHA256 -LiteralPath $f") == 2
    assert readme.count("certutil -hashfile manifest.json SHA256") >= 2
    assert "PowerShell 창 열기" in readme and "Open PowerShell window" in readme
    assert "evidence-kit verify <묶음> --signer" in readme and "OpenSSL 3.0" in readme
    # The signer-fingerprint instructions still come first.
    assert readme.index("먼저 누가 서명했는지") < readme.index("Get-FileHash")
    for line in POWERSHELL_CHECK.splitlines():
        assert "    " + line in readme


def test_powershell_logic_good_bundle(bundles: Bundles, tmp_path: Path) -> None:
    out = powershell_check(bundles.folder)
    assert out[-1].startswith("ALL OK: ")
    n = len((bundles.folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert out[-1] == f"ALL OK: {n} files"
    assert sum(line.startswith("OK      evidence/") for line in out) >= len(HOSTILE_NAMES)


def test_powershell_logic_one_byte_changed(bundles: Bundles, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundles.folder, copy)
    victim = sorted((copy / "evidence").iterdir())[3]
    data = bytearray(victim.read_bytes())
    data[0] ^= 1
    victim.write_bytes(bytes(data))
    out = powershell_check(copy)
    rel = victim.relative_to(copy).as_posix()
    assert f"FAILED  {rel}" in out
    assert out[-1] == "FAILED: 1 of " + out[-1].split(" of ")[1]


def test_powershell_logic_missing_file_and_garbled_sums(bundles: Bundles, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(bundles.folder, copy)
    (copy / "report.pdf").unlink()
    out = powershell_check(copy)
    assert "FAILED  report.pdf" in out and out[-1].startswith("FAILED: 1 of ")
    # CRLF line endings (a Windows editor saved it) and a BOM still parse; junk is a failure.
    sums = (copy / "SHA256SUMS").read_bytes()
    (copy / "SHA256SUMS").write_bytes(b"\xef\xbb\xbf" + sums.replace(b"\n", b"\r\n") + b"garbage line\r\n")
    out2 = powershell_check(copy)
    assert "FAILED  report.pdf" in out2
    assert any(line.startswith("FAILED  (unreadable line) garbage") for line in out2)
    assert out2[-1].startswith("FAILED: 2 of ")
    # An empty SHA256SUMS never says ALL OK.
    (copy / "SHA256SUMS").write_bytes(b"")
    assert powershell_check(copy) == ["FAILED: 0 of 0 files"]
