"""What leaves the vault and how it is checked: report, export, verify, stamp.

``verify`` checks the vault, or with BUNDLE an export bundle without any vault (the police
side); ``stamp`` gets trusted timestamps.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from ..core.common import untrusted
from ..core.common.i18n import tr
from ..core.service import EvidenceService
from ..core.vault.alerts import alert_text
from .context import (
    Ctx,
    accept_older,
    bundle_passphrase,
    progress_printer,
    term,
    tsa_ca_certs,
)


def cmd_verify(ctx: Ctx) -> int:
    if getattr(ctx.args, "bundle", None):
        return cmd_verify_bundle(ctx)
    svc = ctx.unlock()
    accept_older(ctx)
    res = svc.verify_vault()
    for w in res.warnings:
        print(f"{tr('warning', ctx.lang)}: {term(alert_text(w, ctx.lang))}", file=sys.stderr)
    if res.ok:
        ctx.say("verify_ok", items=res.items_checked, events=res.log_size)
    else:
        ctx.say("verify_fail", n=len(res.problems))
        if not ctx.json:
            for p in res.problems:
                print(f"  {tr('problem', ctx.lang)}: {term(alert_text(p, ctx.lang))}")
    ctx.emit({"ok": res.ok, "items": res.items_checked, "problems": res.problems, "warnings": res.warnings})
    return 0 if res.ok else 6


def cmd_verify_bundle(ctx: Ctx) -> int:
    """Police side: no vault and no vault passphrase, only the bundle."""
    from ..core.documents.bundle_result import report_lines
    from ..core.documents.bundle_source import is_encrypted

    path = Path(ctx.args.bundle)
    tsa_ca = tsa_ca_certs(ctx.args.tsa_ca or [])
    passphrase = bundle_passphrase(ctx, new=False) if is_encrypted(path) else None
    res = EvidenceService.verify_bundle(path, passphrase=passphrase, signer=ctx.args.signer, tsa_ca=tsa_ca)
    if ctx.json:
        from ..core.documents.bundle_result import json_terminal_safe

        print(json_terminal_safe(json.dumps(res.to_json(ctx.lang), ensure_ascii=False, indent=2)))
    else:
        for line in report_lines(res, ctx.lang):
            # A bundle is untrusted: its fields must not clear the screen and paint "PASS".
            print(untrusted.terminal_text(line))
    return 0 if res.ok else 6


def cmd_report(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.make_report(
        case.id, Path(ctx.args.out), lang=ctx.args.report_lang, clear_previews=ctx.args.clear_previews,
        progress=progress_printer(ctx),
    )
    ctx.say("report_written", path=res.path, pages=res.pages, items=res.items, rid=res.report_id,
            sha=res.manifest_sha256)
    if not res.identical_confirmed and res.unverified:
        ctx.say("report_unconfirmed")
    ctx.emit({"path": str(res.path), "report_id": res.report_id, "manifest_sha256": res.manifest_sha256,
              "pages": res.pages, "items": res.items, "identical_confirmed": res.identical_confirmed})
    return 0


def cmd_export(ctx: Ctx) -> int:
    from ..core.crypto.keys import check_passphrase_strength

    out = Path(ctx.args.out)
    kind = "folder"
    if ctx.args.encrypt:
        kind = "zip.age"
    elif ctx.args.zip or out.suffix.lower() == ".zip":
        kind = "zip"
    passphrase = None
    if kind == "zip.age":
        passphrase = bundle_passphrase(ctx, new=True)
        check_passphrase_strength(passphrase)
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.export_bundle(
        case.id, out, kind=kind, passphrase=passphrase, lang=ctx.args.report_lang,
        clear_previews=ctx.args.clear_previews, redacted_only=ctx.args.redacted_copies,
        progress=progress_printer(ctx),
    )
    ctx.say("bundle_written", path=res.path, files=res.files, items=res.items, pages=res.pages,
            fp=res.fingerprint, sha=res.manifest_sha256)
    if not ctx.json:
        from ..core.documents.bundle_texts import receipt_lines

        for line in receipt_lines(res.fingerprint, res.manifest_sha256, res.head_size, res.head_root, ctx.lang):
            print(line)
        if res.private_tsa_roots:
            tsas = ", ".join(untrusted.terminal_line(n, 80) for n in res.private_tsa_roots)
            print(tr("bundle_private_tsa", ctx.lang, tsas=tsas), file=sys.stderr)
    ctx.emit({"path": str(res.path), "kind": res.kind, "report_id": res.report_id,
              "head": {"size": res.head_size, "root": res.head_root},
              "manifest_sha256": res.manifest_sha256, "fingerprint": res.fingerprint, "files": res.files,
              "items": res.items, "pages": res.pages, "identical_confirmed": res.identical_confirmed,
              "private_tsa_roots": res.private_tsa_roots})
    return 0


def _stamp_status(ctx: Ctx) -> int:
    svc = ctx.unlock()
    entries = svc.timestamp_status()
    if ctx.json:
        ctx.emit({"checkpoints": [e.to_json(ctx.lang) for e in entries]})
        return 0
    if not entries:
        ctx.say("ts_status_none")
    for e in entries:
        state = tr(f"ts_state_{e.state}", ctx.lang, by=e.superseded_by)
        ctx.say("ts_status_cp", id=e.checkpoint_id, size=e.size, state=state, queued=e.queued_utc or "-")
        for t, v in e.tokens:
            bad = next((c for c in v.checks if not c.ok), None)
            verdict = (
                tr("ts_verdict_ok", ctx.lang)
                if bad is None
                else tr("ts_verdict_fail", ctx.lang, why=bad.message(ctx.lang))
            )
            ctx.say("ts_status_token", tsa=t.tsa, time=t.gen_time, verdict=verdict)
    return 0


def _tsa_name(url: str) -> str:
    """A TSA given by URL is named by its host (and port and path, when they tell it apart)."""
    parts = urlsplit(url)
    return (parts.netloc + (parts.path if parts.path not in ("", "/") else "")) or url


def cmd_stamp(ctx: Ctx) -> int:
    """`stamp`: the explicit "go online" act; `--status` and `--queue-only` stay offline."""
    a = ctx.args
    if a.status:
        return _stamp_status(ctx)
    anchors = tsa_ca_certs(a.tsa_ca or [])
    svc = ctx.unlock()
    if a.queue_only:
        q = svc.queue_timestamp()
        ctx.say("ts_queued", id=q.checkpoint_id, size=q.head.size)
        ctx.emit({"checkpoint": q.checkpoint_id, "size": q.head.size, "imprint_sha256": q.imprint})
        return 0
    from ..core.timestamps.tsa_defaults import TsaConfig

    tsas = [TsaConfig(name=_tsa_name(u), url=u) for u in a.tsa] if a.tsa else svc.timestamp_tsas()
    q = svc.queue_timestamp()
    ctx.say("ts_stamp_header", id=q.checkpoint_id, size=q.head.size, imprint=q.imprint, n=len(tsas))
    run = svc.stamp_now(
        tsas,
        checkpoint_id=q.checkpoint_id,
        extra_anchors=anchors,
        timeout=a.timeout,
        progress=progress_printer(ctx),
    )
    if not ctx.json:
        for o in run.outcomes:
            print(term(o.message(ctx.lang)))
        if run.sealed:
            ctx.say("ts_stamp_sealed", ok=run.trusted)
        else:
            ctx.say("ts_stamp_short", ok=run.trusted, need=run.required)
    ctx.emit(run.to_json(ctx.lang))
    return 0 if run.sealed else 10
