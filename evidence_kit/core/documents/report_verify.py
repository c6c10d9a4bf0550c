"""How to verify: the exact commands, in the report's last pages and in README-VERIFY.txt."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from .report_layout import ReportLayout
from .report_text import heading


def verification(r: ReportLayout) -> list[Any]:
    snap = r.snap
    out: list[Any] = [
        r.P(heading("verify_title", r.lang), "h1"),
        r.P(r.t("verify_intro"), "base"),
    ]
    for step, cmds in verification_steps():
        out.append(r.P(f"<b>{r.t(step)}</b>", "base"))
        out += [r.P(escape(c), "cmd") for c in cmds]
    out += [
        r.P(r.t("v_windows"), "small"),
        r.P(r.t("v_encrypted"), "small"),
        r.P(r.t("v_expect"), "h2"),
        r.kv_table(
            [
                (r.tp("fingerprint"), snap.fingerprint),
                (r.tp("manifest_sha"), r.sha),
                (r.tp("report_id"), snap.report_id),
                (
                    r.tp("log_head"),
                    r.tp("log_head_value", size=snap.head.size, root=snap.head.root.hex()),
                ),
            ]
        ),
    ]
    return out


def verification_steps() -> list[tuple[str, list[str]]]:
    """The exact commands, shared by the report and README-VERIFY.txt."""
    verify = "openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in {0} -sigfile {1}"
    return [
        ("v_step1", ["sha256sum -c SHA256SUMS"]),
        (
            "v_step2",
            [
                verify.format("manifest.json", "manifest.sig"),
                verify.format("SHA256SUMS", "SHA256SUMS.sig"),
                verify.format("custody-head.json", "custody-head.sig"),
            ],
        ),
        ("v_step3", ["openssl pkey -pubin -in signer.pub.pem -outform DER | tail -c 32 | sha256sum"]),
        ("v_step4", ["sha256sum manifest.json"]),
        ("v_step5", ["evidence-kit verify ."]),
    ]
