"""The CLI on a Korean (cp949), US (cp437) or ASCII console: output never crashes, and
Korean stays Korean wherever the encoding has it (issue 21). Real subprocesses with
PYTHONIOENCODING set, the way a Windows console or a redirect to a file presents itself."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_kit import console
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf

HOSTILE = ["CON.txt", "사진 <몰래>: \"촬영\" — 원본?.png", "e\u0301te\u2019 \u2713 \U0001f600.jpg", "nul .txt"]


def run(vault: Path, enc: str, *args: str, lang: str = "ko") -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, EVIDENCE_KIT_VAULT=str(vault), EVIDENCE_KIT_PASSPHRASE=PASSPHRASE,
               PYTHONIOENCODING=enc)
    return subprocess.run([sys.executable, "-m", "evidence_kit", "--lang", lang, *args],
                          capture_output=True, env=env, stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture(scope="module")
def vault_with_hostile_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("console")
    v = base / "vault"
    Vault.create(v, PASSPHRASE, kdf=fast_kdf()).lock()
    src = base / "src"
    src.mkdir()
    for i, n in enumerate(HOSTILE):
        (src / n.replace("<", "(").replace(">", ")")).write_bytes(f"evidence {i}".encode())
    r = run(v, "utf-8", "case", "new", "학생 A — 유포 사건")
    assert r.returncode == 0, r.stderr.decode()
    r = run(v, "utf-8", "add", str(src))
    assert r.returncode == 0, r.stderr.decode()
    return v


@pytest.mark.parametrize("enc", ["cp949", "ascii", "cp437"])
def test_cli_never_crashes_on_narrow_consoles(vault_with_hostile_names: Path, tmp_path: Path, enc: str) -> None:
    v = vault_with_hostile_names
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        run(v, enc, "list"),
        run(v, enc, "list", lang="en"),
        run(v, enc, "--json", "list"),
        run(v, enc, "show", "2"),
        run(v, enc, "verify"),
        run(v, enc, "log"),
        run(v, enc, "export", str(out / "bundle")),
        run(v, enc, "show", "999"),  # an error message, in Korean, on stderr
        run(v, enc, "--help"),
    ]
    for r in runs:
        text = (r.stdout + r.stderr).decode(enc)  # every byte is in the console's encoding
        assert "Traceback" not in text and "UnicodeEncodeError" not in text, text
        assert r.returncode != 1, (r.returncode, text)  # 1: an unexpected error
    ok = [r for r in runs if r.returncode == 0]
    assert len(ok) >= 7
    listed = runs[0].stdout.decode(enc)
    if enc == "cp949":
        # Hangul survives, and no Korean syllable turned into '?'.
        assert "사진" in listed and "촬영" in listed
        assert "?" not in listed.replace("원본?", "")
        assert "증 제" in runs[6].stdout.decode(enc) or "서명 키 지문" in runs[6].stdout.decode(enc)
    else:
        # Korean cannot be shown: it is escaped (recoverable), never '?'.
        assert "\\uc0ac\\uc9c4" in listed  # 사진
        assert "?" not in listed.replace("\\uc6d0\\ubcf8?", "")


def test_error_handler_rules() -> None:
    buf = io.BytesIO()
    s = io.TextIOWrapper(buf, encoding="cp949")
    console.setup_stream(s)
    s.write("서명 — “확인” … ✓ é \U0001f600\n")
    s.flush()
    assert buf.getvalue().decode("cp949") == "서명 - “확인” … v e \\U0001f600\n"  # cp949 has no é
    buf2 = io.BytesIO()
    s2 = io.TextIOWrapper(buf2, encoding="ascii")
    console.setup_stream(s2)
    s2.write("서 — é\n")
    s2.flush()
    assert buf2.getvalue() == b"\\uc11c - e\n"
    # UTF-8 streams are left alone.
    buf3 = io.BytesIO()
    s3 = io.TextIOWrapper(buf3, encoding="utf-8")
    console.setup_stream(s3)
    assert s3.errors == "strict"


def test_windows_branch_reconfigures_to_utf8_when_the_console_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    s = io.TextIOWrapper(buf, encoding="cp949")
    monkeypatch.setattr(console, "_windows_console_utf8", lambda stream: True)
    console.setup_stream(s, platform="win32")
    assert s.encoding == "utf-8"
    s.write("— 😀\n")
    s.flush()
    assert buf.getvalue().decode("utf-8") == "— 😀\n"
