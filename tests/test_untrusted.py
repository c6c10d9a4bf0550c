"""One path for untrusted text (issue 19): the rule set, each sink, and every CLI command with
hostile names (ESC sequences, CR, RLO, NUL, invalid UTF-8) printing no raw control byte.

The CLI runs as real processes so the bytes checked are the bytes a terminal would get.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from evidence_kit.core.common import untrusted
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.vault.vault import Vault
from evidence_kit.gui.display import safe_text

from .conftest import PASSPHRASE, fast_kdf
from .test_report_data import png

ESC_CLEAR = "\x1b[2J\x1b[H\x1b[32mResult: PASS\x1b[0m"
HOSTILE_BITS = [ESC_CLEAR, "\rCR-overwrite", "\u202egpj.exe", "nul\x00", "\x9b31m", "\u2028sep", "\x07bell"]
HOSTILE = "".join(HOSTILE_BITS)
# bytes that are not UTF-8 at all, as a POSIX file name can hold them
BAD_UTF8 = b"bad\xff\xfe\xc3("


def assert_terminal_safe(raw: bytes, where: str) -> str:
    """Valid UTF-8 with no control or format character except our own newline and tab."""
    text = raw.decode("utf-8")  # strict: a raw invalid byte would fail here
    for ch in text:
        if ch in "\n\t":
            continue
        cat = unicodedata.category(ch)
        assert cat not in untrusted.INVISIBLE, f"{where}: raw U+{ord(ch):04X} in {text[:400]!r}"
    return text


# --------------------------------------------------------------------------- the rule set


def test_one_rule_set_for_every_sink() -> None:
    line = untrusted.terminal_line(HOSTILE)
    assert "\x1b" not in line and "\r" not in line and "\u202e" not in line and "\x00" not in line
    assert "[U+001B][2J" in line and "[U+202E]gpj.exe" in line and "nul[U+0000]" in line
    assert "[U+009B]31m" in line and "[U+2028]sep" in line and " CR-overwrite" in line
    # the same characters are shown the same way in every sink
    glyphs = None
    assert untrusted.pdf_text(HOSTILE, glyphs) == line
    assert safe_text(HOSTILE) == line
    assert untrusted.csv_cell(HOSTILE) == line
    assert untrusted.pdf_paragraph("<b>&" + HOSTILE, glyphs) == "&lt;b&gt;&amp;" + line
    # several lines where the sink allows them; CR LF is one newline
    assert untrusted.terminal_text("a\r\nb\nc\rd") == "a\nb\nc d"
    assert untrusted.pdf_paragraph("a\nb", glyphs, multiline=True) == "a<br/>b"
    # characters the font lacks are shown, not drawn as boxes
    assert untrusted.pdf_text("가😀", frozenset(map(ord, "가"))) == "가[U+1F600]"
    # limits say how long the text was
    assert untrusted.terminal_line("x" * 50, 10) == "x" * 10 + " … (50)"


def test_invalid_utf8_file_names_stay_visible_as_hex() -> None:
    name = os.fsdecode(BAD_UTF8)  # surrogateescape on POSIX
    assert untrusted.os_name(name) == "bad\\xff\\xfe\\xc3("
    assert untrusted.os_name(BAD_UTF8) == "bad\\xff\\xfe\\xc3("
    assert untrusted.terminal_line(name) == "bad\\xff\\xfe\\xc3("
    assert untrusted.json_text(name).encode("utf-8")  # encodable
    assert untrusted.json_text("\ud800x") == "\\ud800x"  # a lone surrogate from elsewhere
    info = ItemInput(name=name, method="import-file", relative_path="dir/" + name)
    assert info.name == "bad\\xff\\xfe\\xc3(" and info.relative_path == "dir/bad\\xff\\xfe\\xc3("


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "' =1"),  # a tab becomes a space, the formula is still defused
        ("\r=1", "' =1"),
        (' =HYPERLINK("x")', '\' =HYPERLINK("x")'),
        ("|calc", "'|calc"),
        ("plain", "plain"),
        ("\u202e=1", "[U+202E]=1"),
    ],
)
def test_csv_cells_are_never_formulas(value: str, expected: str) -> None:
    assert untrusted.csv_cell(value) == expected


# --------------------------------------------------------------------------- the CLI


def ek(vault: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, EVIDENCE_KIT_VAULT=str(vault), EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)
    return subprocess.run(
        [sys.executable, "-m", "evidence_kit", *args],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )


def kakao_export(title: str, sender: str, text: str) -> bytes:
    lines = [
        f"{title} 님과 카카오톡 대화\r\n",
        "저장한 날짜 : 2025-03-25 08:20:41\r\n",
        "\r\n",
        "--------------- 2023년 1월 5일 목요일 ---------------\r\n",
        f"[{sender}] [오전 8:48] {text}\r\n",
        "[김민수] [오전 8:49] 보통 메시지\r\n",
    ]
    return "".join(lines).encode("utf-8")


def test_every_cli_command_prints_no_raw_control_byte(tmp_path: Path) -> None:
    vault_dir = tmp_path / "vault"
    v = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("사건 " + HOSTILE, description=HOSTILE)
    # fields no file system allows (NUL) go in through the API, with hostile metadata
    from evidence_kit.core.common.model import Source

    v.add_bytes(
        case.id,
        png((1, 2, 3)),
        ItemInput(
            name="api" + HOSTILE + ".png",
            method="paste",
            source=Source(platform="X" + HOSTILE, url="https://x/" + HOSTILE, account=HOSTILE),
            notes=HOSTILE,
        ),
    )
    v.flush()
    v.lock()
    # a folder of files whose names carry ESC, CR, RLO and bytes that are not UTF-8
    src = tmp_path / "canary-src" / "import"
    src.mkdir(parents=True)
    names = [
        b"esc\x1b[2J\x1b[31mred.txt",
        b"cr\rResult PASS.txt",
        "rlo\u202egpj.exe".encode(),
        BAD_UTF8 + b".txt",
        b"c1\xc2\x9b31m.txt",
        b"good.txt",
    ]
    for i, n in enumerate(names):
        with open(os.fsencode(src) + b"/" + n, "wb") as f:
            f.write(f"file {i}".encode())
    (tmp_path / "canary-src" / "k.txt").write_bytes(kakao_export("방" + HOSTILE, "김" + ESC_CLEAR, HOSTILE))
    ref = case.id[:8]

    def run(*args: str, ok: tuple[int, ...] = (0,)) -> str:
        res = ek(vault_dir, "--lang", "en", *args)
        assert res.returncode in ok, (args, res.returncode, res.stderr.decode("utf-8", "replace"))
        out = assert_terminal_safe(res.stdout, f"{args} stdout")
        assert_terminal_safe(res.stderr, f"{args} stderr")
        return out

    out = run("add", str(src), "--case", ref, "--platform", "Y" + ESC_CLEAR)
    assert "6 saved" in out and "0 failed" in out  # the invalid UTF-8 name did not abort the folder
    assert "bad\\xff\\xfe\\xc3(.txt" in out and "[U+001B][2J" in out
    # command-line text that is not UTF-8 (a name, a source field) is stored as \xNN too
    run("case", "new", os.fsdecode(b"N\xfe") + ESC_CLEAR)
    run("edit", "3", "--case", ref, "--platform", os.fsdecode(b"P\xff") + HOSTILE_BITS[1])
    assert "P\\xff CR-overwrite" in run("show", "3", "--case", ref)
    cases = run("case", "list")
    assert "[U+001B]" in cases and "N\\xfe[U+001B][2J" in cases
    listing = run("list", "--case", ref)
    assert "bad\\xff\\xfe\\xc3(.txt" in listing and "[U+202E]" in listing and "[U+009B]" in listing
    for n in range(1, 8):
        run("show", str(n), "--case", ref)
    assert "nul[U+0000]" in run("show", "1", "--case", ref)
    run("log")
    run("log", "--case", ref)
    run("verify")
    run("edit", "2", "--case", ref, "--url", "https://x/" + ESC_CLEAR)
    run("pdq", "--case", ref)
    run("chat", "import", str(tmp_path / "canary-src" / "k.txt"), "--case", ref, "--zone", "Asia/Seoul")
    chats = run("chat", "list", "--case", ref)
    assert "[U+0007]bell" in chats  # the title (cut by the parser at U+2028) shown, not rung
    shown = run("chat", "show", "--case", ref)
    assert "[U+202E]" in shown and "[U+001B]" in shown
    run("chat", "search", "--case", ref, "--text", "PASS")
    run("chat", "search", "--case", ref)
    out_dir = tmp_path / "user-output"
    out_dir.mkdir()
    run("report", str(out_dir / "r.pdf"), "--case", ref)
    run("takedown", str(out_dir / "td"), "--case", ref)
    bundle = out_dir / "bundle"
    run("export", str(bundle), "--case", ref)
    assert "Result: INTERNALLY CONSISTENT" in run("verify", str(bundle))  # no --signer: never a bare PASS
    # the police side: a hostile bundle (an added file named to clear the screen and say PASS)
    with open(os.fsencode(bundle) + b"/evidence/\x1b[2J\x1b[H\rResult PASS\xe2\x80\xae" + BAD_UTF8, "wb") as f:
        f.write(b"planted")
    police = run("verify", str(bundle), ok=(6,))
    assert "Result: FAIL" in police and "Result PASS" in police  # the planted name shown as text
    assert police.count("\n") >= 3
    # JSON stays exact (and valid JSON); only invalid bytes become \xNN
    import json

    res = ek(vault_dir, "--json", "list", "--case", ref)
    items = json.loads(res.stdout.decode("utf-8"))
    names_json = {i["original_name"] for i in items}
    assert "esc\x1b[2J\x1b[31mred.txt" in names_json and "bad\\xff\\xfe\\xc3(.txt" in names_json
