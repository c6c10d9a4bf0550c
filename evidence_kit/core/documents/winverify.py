"""Windows commands for README-VERIFY.txt: a police PC with no installs.

Windows 10/11 ship Windows PowerShell 5.1 (``Get-FileHash``) and ``certutil``; neither
checks an Ed25519 signature, so the text says plainly that signature steps need
``evidence-kit verify`` or OpenSSL 3. The script is meant to be pasted into a PowerShell
window opened in the bundle folder: pasting is not subject to the execution policy that
blocks ``.ps1`` files on managed PCs.

Its parsing is deliberately small (one regex per SHA256SUMS line, literal paths, no
wildcards) so tests/test_winverify.py can re-implement it faithfully in Python and run it
against real bundles; no PowerShell exists on the build machine.
"""

from __future__ import annotations

# The SHA256SUMS line format written by bundle.export_bundle: 64 lowercase hex, two
# spaces (sha256sum's text mode) or " *" (binary mode), then the /-separated path.
SUMS_LINE_REGEX = r"^([0-9a-f]{64}) [ *](.+)$"

POWERSHELL_CHECK = (
    "$ok = 0; $bad = 0\n"
    "Get-Content -Encoding UTF8 -LiteralPath SHA256SUMS | ForEach-Object {\n"
    f"  if ($_ -match '{SUMS_LINE_REGEX}') {{\n"
    "    $want = $Matches[1]; $f = $Matches[2]; $got = ''\n"
    "    if (Test-Path -LiteralPath $f -PathType Leaf) {\n"
    "      $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $f).Hash }\n"
    "    if ($got -eq $want) { \"OK      $f\"; $ok++ } else { \"FAILED  $f\"; $bad++ }\n"
    "  } elseif ($_.Trim() -ne '') { \"FAILED  (unreadable line) $_\"; $bad++ }\n"
    "}\n"
    "if ($bad -eq 0 -and $ok -gt 0) { \"ALL OK: $ok files\" } else { \"FAILED: $bad of $($ok + $bad) files\" }"
)


def windows_lines(lang: str) -> list[str]:
    """The Windows section of README-VERIFY.txt in ``lang`` (ko or en)."""
    script = [f"    {line}" for line in POWERSHELL_CHECK.splitlines()]
    if lang == "ko":
        return [
            "Windows (설치 없이, 경찰·학교 PC 기본 도구만으로):",
            "1단계(파일 해시)는 PowerShell로 확인합니다. 이 폴더에서 Shift+오른쪽 클릭 → 'PowerShell 창 열기'",
            "(또는 PowerShell을 열고 cd 로 이 폴더로 이동) 후 아래 블록을 통째로 붙여 넣고 Enter를 누르세요.",
            "파일마다 OK 또는 FAILED가 나오고, 마지막 줄이 ALL OK 여야 합니다.",
            *script,
            "파일 하나만 볼 때: certutil -hashfile manifest.json SHA256",
            "(출력된 값을 SHA256SUMS의 해당 줄, 또는 위의 매니페스트 SHA-256과 비교. 대소문자·띄어쓰기는 무시.)",
            "서명 확인(2·3단계)과 보관 기록·포함 증명 확인(5단계)은 Windows 기본 도구로는 할 수 없습니다.",
            "evidence-kit verify <묶음> --signer <지문> (Evidence Kit) 또는 OpenSSL 3.0 이상이 필요합니다.",
            "",
        ]
    return [
        "Windows (no installs, only what a stock police or school PC has):",
        "Step 1 (file hashes) works in PowerShell. Shift+right-click in this folder -> 'Open PowerShell window",
        "here' (or open PowerShell and cd to this folder), paste the whole block below and press Enter.",
        "Each file prints OK or FAILED; the last line must say ALL OK.",
        *script,
        "One file at a time: certutil -hashfile manifest.json SHA256",
        "(compare the printed value with that file's line in SHA256SUMS, or with the manifest SHA-256 above;",
        "case and spaces do not matter.)",
        "The signature checks (steps 2 and 3) and the custody log and inclusion proofs (step 5) cannot be done",
        "with Windows' own tools: they need evidence-kit verify <bundle> --signer <fingerprint> (Evidence Kit)",
        "or OpenSSL 3.0 or later.",
        "",
    ]


__all__ = ["POWERSHELL_CHECK", "SUMS_LINE_REGEX", "windows_lines"]
