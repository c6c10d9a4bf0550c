"""`evidence-kit`: the command line over the same service the desktop app uses.

Every command can print JSON (``--json``) for scripts; messages are Korean or English
(``--lang`` or the system locale). Exit codes are listed in the README and come from the
error classes in ``evidence_kit.core.common.errors``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import __version__
from .core.common import untrusted
from .core.common.errors import EvidenceKitError, UsageError
from .core.common.fsutil import private_umask
from .core.common.i18n import system_lang, tr, warning_text
from .core.common.model import SOURCE_FIELDS, Case, Item, Source
from .core.evidence.redact import Rect
from .core.service import EvidenceService
from .core.vault.alerts import alert_text

log = logging.getLogger(__name__)


def _t(value: object, limit: int | None = None) -> str:
    """Untrusted text on a terminal line (issue 19): no ESC, CR, RLO, NUL or raw invalid byte."""
    return untrusted.terminal_line(value, limit)


def _json_safe(obj: Any) -> Any:
    """JSON stays raw; only undecodable bytes (surrogates) become \\xNN so it can be printed."""
    if isinstance(obj, str):
        return untrusted.json_text(obj)
    if isinstance(obj, dict):
        return {_json_safe(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


# Arguments that become stored or compared text (not paths to open): bytes that are not
# UTF-8 (surrogateescape) become \xNN, the same as a file name (issue 19).
_TEXT_ARGS = (*SOURCE_FIELDS, "name", "notes", "note", "contact", "keyword", "text", "sender", "case", "chat", "ref")


def _text_args_from_os(args: argparse.Namespace) -> None:
    for k in _TEXT_ARGS:
        v = getattr(args, k, None)
        if isinstance(v, str):
            setattr(args, k, untrusted.os_name(v))
        elif isinstance(v, list):
            setattr(args, k, [untrusted.os_name(x) if isinstance(x, str) else x for x in v])


class Ctx:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lang: str = args.lang or system_lang()
        self.json: bool = args.json
        self.service = EvidenceService(Path(args.vault) if args.vault else None)

    def say(self, msg_key: str, **kw: Any) -> None:
        if not self.json:
            print(tr(msg_key, self.lang, **{k: _t(v) if isinstance(v, str | Path) else v for k, v in kw.items()}))

    def emit(self, obj: Any) -> None:
        if self.json:
            print(json.dumps(_json_safe(obj), ensure_ascii=False, indent=2))

    def passphrase(self, *, prompt_key: str = "passphrase_prompt") -> str:
        if self.args.passphrase_file:
            text = Path(self.args.passphrase_file).read_text(encoding="utf-8")
            return text.rstrip("\r\n")
        env = os.environ.get("EVIDENCE_KIT_PASSPHRASE")
        if env is not None:
            return env
        if not sys.stdin.isatty():
            raise UsageError(
                "no passphrase",
                ko="암호가 필요합니다: 화면에서 입력하거나 --passphrase-file 을 쓰세요.",
                en="A passphrase is needed: type it at a prompt or use --passphrase-file.",
            )
        return getpass.getpass(tr(prompt_key, self.lang))

    def new_passphrase(self) -> str:
        if self.args.new_passphrase_file:
            return Path(self.args.new_passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        env = os.environ.get("EVIDENCE_KIT_NEW_PASSPHRASE")
        if env is not None:
            return env
        if self.args.passphrase_file or os.environ.get("EVIDENCE_KIT_PASSPHRASE") is not None:
            if self.args.command == "init":
                return self.passphrase()
        if not sys.stdin.isatty():
            raise UsageError(
                "no new passphrase", ko="새 암호가 필요합니다.", en="A new passphrase is needed."
            )
        a = getpass.getpass(tr("passphrase_new", self.lang))
        b = getpass.getpass(tr("passphrase_again", self.lang))
        if a != b:
            raise UsageError(
                "mismatch", ko=tr("passphrase_mismatch", "ko"), en=tr("passphrase_mismatch", "en")
            )
        return a

    def unlock(self) -> EvidenceService:
        self.service.unlock(self.passphrase())
        return self.service

    def case(self) -> Case:
        ref = self.args.case
        cases = self.service.cases()
        if ref is None:
            if len(cases) == 1:
                return cases[0]
            raise UsageError(
                "--case",
                ko="사건을 --case 로 지정하세요 (이름 또는 ID).",
                en="Choose a case with --case (name or id).",
            )
        return self.service.vault.find_case(ref)


def item_json(item: Item) -> dict[str, Any]:
    d = item.to_json()
    d.update(
        {
            "id": item.id,
            "case_id": item.case_id,
            "exhibit": item.exhibit,
            "exhibit_label": item.exhibit_label_ko,
        }
    )
    return d


def case_json(case: Case) -> dict[str, Any]:
    d = case.to_json()
    d["id"] = case.id
    return d


def source_from_args(args: argparse.Namespace, base: Source | None = None) -> Source:
    src = base or Source()
    for f in SOURCE_FIELDS:
        v = getattr(args, f, None)
        if v is not None:
            setattr(src, f, v)
    return src


# ------------------------------------------------------------------ commands


def cmd_init(ctx: Ctx) -> int:
    pw = ctx.new_passphrase()
    ctx.service.create_vault(pw, role=ctx.args.role)
    ctx.say("vault_created", path=ctx.service.vault_path)
    ctx.emit({"vault": str(ctx.service.vault_path), "role": ctx.args.role})
    return 0


def _accept_older(ctx: Ctx) -> None:
    """``--accept-older-vault``: the user restored a backup on purpose (logged once)."""
    vault = ctx.service.vault
    if getattr(ctx.args, "accept_older_vault", False) and vault.older is not None:
        older = vault.older
        vault.accept_older_vault()
        ctx.say("older_vault_accepted", seen=older.seen.size, now=older.now_size)


def cmd_unlock_check(ctx: Ctx) -> int:
    svc = ctx.unlock()
    _accept_older(ctx)
    cases = svc.cases()
    ctx.say("vault_ok", cases=len(cases), events=svc.vault.log.size)
    for a in svc.vault.alerts:
        print(f"{tr('warning', ctx.lang)}: {_t(alert_text(a, ctx.lang))}", file=sys.stderr)
    older = svc.vault.older
    ctx.emit(
        {
            "ok": older is None,
            "cases": len(cases),
            "log_size": svc.vault.log.size,
            "alerts": svc.vault.alerts,
            "older_vault": None if older is None else {"last_seen": older.seen.to_json(), "now": older.now_size},
        }
    )
    if older is not None:
        print(tr("older_vault_hint", ctx.lang), file=sys.stderr)
        return older.exit_code
    return 0


def cmd_passwd(ctx: Ctx) -> int:
    old = ctx.passphrase()
    ctx.service.unlock(old)
    new = ctx.new_passphrase()
    res = ctx.service.vault.change_passphrase(old, new, progress=_progress_printer(ctx))
    ctx.say("passphrase_changed", blobs=res.blobs_rewrapped, old=res.old_key[:16], new=res.new_key[:16],
            seconds=f"{res.seconds:.1f}")
    if res.recovery_key:
        ctx.say("passphrase_changed_recovery", key=res.recovery_key)
    for name in res.blobs_damaged:
        print(f"{tr('warning', ctx.lang)}: {name}", file=sys.stderr)
    ctx.emit(
        {
            "ok": True,
            "blobs_rewrapped": res.blobs_rewrapped,
            "blobs_damaged": res.blobs_damaged,
            "old_key": res.old_key,
            "new_key": res.new_key,
            "recovery_key": res.recovery_key,
            "seconds": round(res.seconds, 3),
        }
    )
    return 0


def cmd_recovery_key(ctx: Ctx) -> int:
    svc = ctx.unlock()
    key = svc.vault.add_recovery_key()
    ctx.say("recovery_key", key=key)
    ctx.emit({"recovery_key": key})
    return 0


def cmd_export_identity(ctx: Ctx) -> int:
    svc = ctx.unlock()
    out = Path(ctx.args.out)
    svc.vault.export_identity(out, ctx.new_passphrase() if ctx.args.separate else ctx.passphrase())
    ctx.say("identity_exported", path=out)
    ctx.emit({"path": str(out), "recipient": svc.vault.keys.recipient})
    return 0


def cmd_case_new(ctx: Ctx) -> int:
    svc = ctx.unlock()
    fields: dict[str, Any] = {}
    if ctx.args.description:
        fields["description"] = ctx.args.description
    if ctx.args.policy:
        fields["policy"] = ctx.args.policy
    case = svc.create_case(ctx.args.name, **fields)
    ctx.say("case_created", name=case.name, id=case.id)
    ctx.emit(case_json(case))
    return 0


def cmd_case_list(ctx: Ctx) -> int:
    svc = ctx.unlock()
    cases = svc.cases()
    if ctx.json:
        ctx.emit([case_json(c) | {"items": len(svc.items(c.id))} for c in cases])
        return 0
    if not cases:
        ctx.say("no_cases")
    for c in cases:
        print(f"{c.id[:8]}  {_t(c.name)}  ({len(svc.items(c.id))})  {_t(c.policy)}")
    return 0


def cmd_add(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    show_progress = sys.stderr.isatty() and not ctx.json

    files = [0, 0]  # files done, files in all: one line counts both files and bytes

    def progress(done: int, total: int) -> None:
        if show_progress and total:
            count = f"  {files[0]}/{files[1]}" if files[1] > 1 else ""
            print(f"\r{done * 100 // total:3d}%{count}", end="", file=sys.stderr, flush=True)

    def item_progress(done: int, total: int) -> None:
        files[:] = [done, total]

    def on_item(res: Any) -> None:
        if show_progress:
            print("\r", end="", file=sys.stderr)
        it = res.item
        label = it.exhibit_label_ko if ctx.lang == "ko" else it.exhibit_label_en
        if res.duplicate:
            ctx.say("duplicate", name=it.original_name, exhibit=label)
        elif not it.retained:
            ctx.say("saved_record_only", exhibit=label, name=it.relative_path or it.original_name, sha256=it.sha256)
        else:
            ctx.say("saved", exhibit=label, name=it.relative_path or it.original_name, sha256=it.sha256)

    paths = [Path(p) for p in ctx.args.paths]
    areas = [parse_region(r) for r in (ctx.args.black_out or [])]
    if areas and ctx.args.pixelate_all:
        raise UsageError("--black-out with --pixelate-all", ko="--black-out과 --pixelate-all 중 하나만 쓰세요.",
                         en="Use either --black-out or --pixelate-all, not both.")
    regions = None
    if svc.is_record_only(case.id):
        images = svc.record_only_images(paths)
        regions = {str(p): list(areas) for p in images}
        if images and not areas and not ctx.args.pixelate_all and not ctx.json:
            # Issue 16: pixelating a chat screenshot hides the accounts and times that are the proof.
            print(tr("record_only_default_pixelate", ctx.lang, n=len(images)), file=sys.stderr)
    summary = svc.import_paths(
        case.id,
        paths,
        source_from_args(ctx.args),
        progress=progress,
        on_item=on_item,
        item_progress=item_progress,
        regions=regions,
    )
    for p in summary.problems:
        print(tr("skipped", ctx.lang, name=_t(p.path), reason=_t(p.error.message(ctx.lang))), file=sys.stderr)
    ctx.say(
        "import_summary",
        added=len(summary.added),
        duplicates=len(summary.duplicates),
        failed=len(summary.problems),
    )
    ctx.emit(
        {
            "added": [item_json(i) for i in summary.added],
            "duplicates": [{"name": n, "same_as": item_json(i)} for n, i in summary.duplicates],
            "problems": [{"path": p.path, "error": p.error.message(ctx.lang)} for p in summary.problems],
        }
    )
    return 7 if summary.problems else 0


def cmd_case_edit(ctx: Ctx) -> int:
    """Complete the report's case summary without the app (issue 16); every change is logged."""
    svc = ctx.unlock()
    case = svc.vault.find_case(ctx.args.ref)
    a = ctx.args
    changes: dict[str, Any] = {}
    for field in ("name", "description", "reference", "prepared_by", "organisation", "report_lang"):
        value = getattr(a, field, None)
        if value is not None:
            changes[field] = value
    incident = dict(case.incident)
    for key in ("when", "where", "how", "result"):
        value = getattr(a, f"incident_{key}", None)
        if value is not None:
            incident[key] = value
    if incident != case.incident:
        changes["incident"] = incident
    if a.platform is not None:
        changes["platforms"] = list(a.platform)
    if a.account is not None:
        changes["suspects"] = list(a.account)
    if not changes:
        ctx.say("case_edit_nothing")
        ctx.emit(case_json(case))
        return 0
    case = svc.update_case(case.id, **changes)
    ctx.say("case_edited", name=case.name)
    ctx.emit(case_json(case))
    return 0


def cmd_case_policy(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = svc.vault.find_case(ctx.args.ref)
    case = svc.update_case(case.id, policy=ctx.args.policy)
    ctx.say("policy_set", name=case.name, policy=tr(f"policy_{case.policy}", ctx.lang))
    ctx.emit(case_json(case))
    return 0


def parse_region(text: str) -> Rect:
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError as e:
        raise UsageError(
            text, ko="영역은 x,y,너비,높이 (픽셀)로 적습니다.", en="A region is x,y,width,height in pixels."
        ) from e
    return Rect(x, y, w, h)


def cmd_redact(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    item = svc.vault.find_item(case.id, ctx.args.item)
    regions = [parse_region(r) for r in ctx.args.region or []]
    res = svc.vault.derive_redacted_copy(item.id, regions=regions)
    svc.vault.flush()
    copy = res.item
    label = copy.exhibit_label_ko if ctx.lang == "ko" else copy.exhibit_label_en
    parent = item.exhibit_label_ko if ctx.lang == "ko" else item.exhibit_label_en
    ctx.say("redacted_copy", exhibit=label, parent=parent, sha256=copy.sha256)
    ctx.emit(item_json(copy))
    return 0


def cmd_list(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    items = svc.items(case.id)
    if ctx.json:
        ctx.emit([item_json(i) for i in items])
        return 0
    if not items:
        ctx.say("no_items")
    for i in items:
        label = i.exhibit_label_ko if ctx.lang == "ko" else i.exhibit_label_en
        name = i.relative_path or i.original_name
        print(f"{label}\t{i.sha256}\t{i.size}\t{_t(i.acquired_utc)}\t{_t(i.source.platform)}\t{_t(name)}")
    return 0


def cmd_show(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    item = svc.vault.find_item(case.id, ctx.args.item)
    events = svc.item_events(item.id)
    if ctx.json:
        ctx.emit(item_json(item) | {"events": [json.loads(e.line) for e in events]})
        return 0
    d = item_json(item)
    for k in (
        "exhibit_label",
        "original_name",
        "relative_path",
        "size",
        "media_type",
        "sha256",
        "md5",
        "sha1",
        "acquired_utc",
        "tz_offset",
        "method",
        "metadata_note",
    ):
        if d.get(k) not in (None, ""):
            print(f"{k:15} {_t(d[k])}")
    for k, v in item.source.to_json().items():
        print(f"source.{k:8} {_t(v)}")
    for k, v in item.image.items():
        print(f"image.{k:9} {_t(v)}")
    for k, v in item.exif.items():
        print(f"exif {_t(k)}: {_t(v)}")
    for e in events:
        print(f"log #{e.seq} {_t(e.time_utc)} {_t(e.action)}")
    return 0


def cmd_edit(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    item = svc.vault.find_item(case.id, ctx.args.item)
    item = svc.update_source(item.id, source_from_args(ctx.args, item.source), ctx.args.notes)
    ctx.say("edited")
    ctx.emit(item_json(item))
    return 0


def cmd_export_file(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    item = svc.vault.find_item(case.id, ctx.args.item)
    svc.export_file(item.id, Path(ctx.args.out))
    if not item.retained:  # record-only: the vault holds only the redacted version
        ctx.say("exported_redacted", path=ctx.args.out)
        ctx.emit({"path": ctx.args.out, "sha256": item.stored_sha256, "original_sha256": item.sha256,
                  "redacted": True})
        return 0
    ctx.say("exported", path=ctx.args.out)
    ctx.emit({"path": ctx.args.out, "sha256": item.sha256})
    return 0


def cmd_verify(ctx: Ctx) -> int:
    if getattr(ctx.args, "bundle", None):
        return cmd_verify_bundle(ctx)
    svc = ctx.unlock()
    _accept_older(ctx)
    res = svc.verify_vault()
    for w in res.warnings:
        print(f"{tr('warning', ctx.lang)}: {_t(alert_text(w, ctx.lang))}", file=sys.stderr)
    if res.ok:
        ctx.say("verify_ok", items=res.items_checked, events=res.log_size)
    else:
        ctx.say("verify_fail", n=len(res.problems))
        if not ctx.json:
            for p in res.problems:
                print(f"  {tr('problem', ctx.lang)}: {_t(alert_text(p, ctx.lang))}")
    ctx.emit({"ok": res.ok, "items": res.items_checked, "problems": res.problems, "warnings": res.warnings})
    return 0 if res.ok else 6


# -- backup and restore (issue 20)


def cmd_backup(ctx: Ctx) -> int:
    from .core.vault import backup as bk

    svc = ctx.unlock()
    if ctx.args.status:
        rec = bk.last_backup(svc.vault)
        if rec:
            ctx.say("backup_last", time=rec.get("time", ""), dest=rec.get("dest", ""))
        else:
            ctx.say("backup_none")
        ctx.emit({"ok": True, "last_backup": rec, "stale": bk.backup_is_stale(svc.vault)})
        return 0
    if not ctx.args.dest:
        raise UsageError("DEST", ko="백업할 폴더를 지정하세요.", en="Give the backup folder (DEST).")
    res = svc.backup(Path(ctx.args.dest), progress=_progress_printer(ctx))
    ctx.say("backup_done", dest=res.dest, copied=res.blobs_copied, mb=f"{res.bytes_copied / 1e6:.1f}",
            items=res.items_verified, seconds=f"{res.seconds:.1f}")
    ctx.emit({"ok": True, **res.to_json()})
    return 0


def cmd_restore(ctx: Ctx) -> int:
    from .core.vault import backup as bk

    src = EvidenceService(Path(ctx.args.backup))
    src.unlock(ctx.passphrase())
    try:
        older = src.vault.older
        if older is not None and not ctx.args.accept_older_vault:
            print(older.message(ctx.lang), file=sys.stderr)
            print(tr("older_vault_hint", ctx.lang), file=sys.stderr)
            return older.exit_code
        res = bk.restore(src.vault, Path(ctx.args.dest), accept_older=ctx.args.accept_older_vault,
                         progress=_progress_printer(ctx))
    finally:
        src.vault.lock(seal=not src.vault.alerts)
        src._vault = None
    dest_svc = EvidenceService(Path(ctx.args.dest))
    dest_svc.unlock(ctx.passphrase())
    try:
        dest_svc.vault.log_event("restore", data={"items": res.items_verified})
    finally:
        dest_svc.lock()
    ctx.say("restore_done", dest=res.dest, items=res.items_verified)
    ctx.emit({"ok": True, **res.to_json()})
    return 0


# -- report, export and bundle verification (issue 8)


def _bundle_passphrase(ctx: Ctx, *, new: bool) -> str:
    """The passphrase of an encrypted bundle: a file, EVIDENCE_KIT_BUNDLE_PASSPHRASE, or a prompt."""
    if ctx.args.bundle_passphrase_file:
        return Path(ctx.args.bundle_passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    env = os.environ.get("EVIDENCE_KIT_BUNDLE_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UsageError(
            "no bundle passphrase",
            ko="증거 묶음 암호가 필요합니다: 화면에서 입력하거나 --bundle-passphrase-file 을 쓰세요.",
            en="The bundle passphrase is needed: type it at a prompt or use --bundle-passphrase-file.",
        )
    if not new:
        return getpass.getpass(tr("bundle_passphrase", ctx.lang))
    a = getpass.getpass(tr("bundle_passphrase_new", ctx.lang))
    b = getpass.getpass(tr("bundle_passphrase_again", ctx.lang))
    if a != b:
        raise UsageError("mismatch", ko=tr("passphrase_mismatch", "ko"), en=tr("passphrase_mismatch", "en"))
    return a


def _progress_printer(ctx: Ctx) -> Any:
    show = sys.stderr.isatty() and not ctx.json

    def progress(done: int, total: int) -> None:
        if show and total:
            print(f"\r{done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
            if done >= total:
                print("\r", end="", file=sys.stderr)

    return progress


def cmd_report(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.make_report(
        case.id, Path(ctx.args.out), lang=ctx.args.report_lang, clear_previews=ctx.args.clear_previews,
        progress=_progress_printer(ctx),
    )
    ctx.say("report_written", path=res.path, pages=res.pages, items=res.items, rid=res.report_id,
            sha=res.manifest_sha256)
    if not res.identical_confirmed and res.unverified:
        ctx.say("report_unconfirmed")
    ctx.emit({"path": str(res.path), "report_id": res.report_id, "manifest_sha256": res.manifest_sha256,
              "pages": res.pages, "items": res.items, "identical_confirmed": res.identical_confirmed})
    return 0


def cmd_export(ctx: Ctx) -> int:
    from .core.crypto.keys import check_passphrase_strength

    out = Path(ctx.args.out)
    kind = "folder"
    if ctx.args.encrypt:
        kind = "zip.age"
    elif ctx.args.zip or out.suffix.lower() == ".zip":
        kind = "zip"
    passphrase = None
    if kind == "zip.age":
        passphrase = _bundle_passphrase(ctx, new=True)
        check_passphrase_strength(passphrase)
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.export_bundle(
        case.id, out, kind=kind, passphrase=passphrase, lang=ctx.args.report_lang,
        clear_previews=ctx.args.clear_previews, redacted_only=ctx.args.redacted_copies,
        progress=_progress_printer(ctx),
    )
    ctx.say("bundle_written", path=res.path, files=res.files, items=res.items, pages=res.pages,
            fp=res.fingerprint, sha=res.manifest_sha256)
    if not ctx.json:
        from .core.documents.bundle import receipt_lines

        for line in receipt_lines(res.fingerprint, res.manifest_sha256, res.head_size, res.head_root, ctx.lang):
            print(line)
    ctx.emit({"path": str(res.path), "kind": res.kind, "report_id": res.report_id,
              "head": {"size": res.head_size, "root": res.head_root},
              "manifest_sha256": res.manifest_sha256, "fingerprint": res.fingerprint, "files": res.files,
              "items": res.items, "pages": res.pages, "identical_confirmed": res.identical_confirmed})
    return 0


def _tsa_ca_certs(files: Sequence[str]) -> list[Any]:
    """Root certificates given with --tsa-ca (PEM files)."""
    from .core.timestamps.certs import load_pem_certs

    out: list[Any] = []
    for f in files:
        certs = load_pem_certs(Path(f).read_bytes())
        if not certs:
            raise UsageError(f, ko="PEM 인증서 파일이 아닙니다.", en="Not a PEM certificate file.")
        out += certs
    return out


def cmd_verify_bundle(ctx: Ctx) -> int:
    """Police side: no vault and no vault passphrase, only the bundle."""
    from .core.documents.bundle_verify import is_encrypted, report_lines

    path = Path(ctx.args.bundle)
    tsa_ca = _tsa_ca_certs(ctx.args.tsa_ca or [])
    passphrase = _bundle_passphrase(ctx, new=False) if is_encrypted(path) else None
    res = EvidenceService.verify_bundle(path, passphrase=passphrase, signer=ctx.args.signer, tsa_ca=tsa_ca)
    if ctx.json:
        from .core.documents.bundle_verify import json_terminal_safe

        print(json_terminal_safe(json.dumps(res.to_json(ctx.lang), ensure_ascii=False, indent=2)))
    else:
        for line in report_lines(res, ctx.lang):
            # A bundle is untrusted: its fields must not clear the screen and paint "PASS".
            print(untrusted.terminal_text(line))
    return 0 if res.ok else 6


def cmd_log(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case_id = ctx.case().id if ctx.args.case else None
    events = svc.vault.events(case_id=case_id)
    if ctx.json:
        ctx.emit(
            {"events": [json.loads(e.line) for e in events], "head": json.loads(svc.vault.log.head().body)}
        )
        return 0
    for e in events:
        print(_t(e.line.decode("utf-8", "replace")))  # exact bytes: --json or custody.jsonl
    return 0


# -- perceptual hashes and takedown package (issue 10)


def _label(ctx: Ctx, item: Item) -> str:
    return item.exhibit_label_ko if ctx.lang == "ko" else item.exhibit_label_en


def cmd_pdq(ctx: Ctx) -> int:
    from .core.documents.takedown import plain
    from .core.evidence.perceptual import MATCH_THRESHOLD, STATUS_NOT_IMAGE, STATUS_OK, STATUS_UNRELIABLE

    svc = ctx.unlock()
    case = ctx.case()
    outcomes = svc.compute_pdq(case.id, force=ctx.args.force, progress=_progress_printer(ctx))
    groups = svc.near_duplicates(case.id)
    items = {o.item.id: o.item for o in outcomes}
    images = [o for o in outcomes if o.status != STATUS_NOT_IMAGE or o.pdq]
    if not ctx.json:
        for o in images:
            name = plain(o.item.relative_path or o.item.original_name, 200)
            if o.pdq:
                flag = tr("pdq_flag_unreliable", ctx.lang) if o.status == STATUS_UNRELIABLE else ""
                ctx.say("pdq_item", exhibit=_label(ctx, o.item), pdq=o.pdq, quality=o.quality, flag=flag,
                        name=name)
            else:
                ctx.say("pdq_item_none", exhibit=_label(ctx, o.item), reason=tr(f"pdqs_{o.status}", ctx.lang),
                        name=name)
        for n, g in enumerate(groups, 1):
            ctx.say("pdq_group", n=n, exhibits=", ".join(_label(ctx, items[m]) for m in g.members),
                    dist=g.max_link)
        if not groups:
            ctx.say("pdq_no_groups", threshold=MATCH_THRESHOLD)
        ctx.say(
            "pdq_summary",
            images=len(images),
            computed=sum(o.computed for o in images),
            unreliable=sum(o.status == STATUS_UNRELIABLE for o in images),
            missing=sum(not o.pdq for o in images),
        )
    ctx.emit(
        {
            "items": [
                {
                    "exhibit": o.item.exhibit,
                    "id": o.item.id,
                    "name": o.item.relative_path or o.item.original_name,
                    "pdq": o.pdq,
                    "quality": o.quality,
                    "status": o.status,
                    "reliable": o.status == STATUS_OK,
                    "computed": o.computed,
                    "reason": "" if o.pdq else tr(f"pdqs_{o.status}", ctx.lang),
                }
                for o in images
            ],
            "groups": [
                {"exhibits": [items[m].exhibit for m in g.members], "nearest_bits": list(g.nearest),
                 "max_link_bits": g.max_link}
                for g in groups
            ],
            "threshold_bits": MATCH_THRESHOLD,
        }
    )
    return 0


def cmd_takedown(ctx: Ctx) -> int:
    from .core.documents.takedown import TakedownOptions

    a = ctx.args
    options = TakedownOptions(
        requester_name=a.name or "",
        requester_contact=a.contact or "",
        request_types=tuple(a.type or ()),
        reasons=tuple(a.reason or ()),
        keywords=tuple(a.keyword or ()),
        include_captures=a.include_captures,
    )
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.build_takedown(case.id, Path(a.out_dir), options, progress=_progress_printer(ctx))
    ctx.say("takedown_written", path=res.path, files=len(res.files), platforms=len(res.platforms),
            targets=res.targets, items=res.items, pid=res.package_id, sha=res.manifest_sha256)
    if not ctx.json:
        for f in res.files:
            print(tr("takedown_file", ctx.lang, path=_t(f)))
        if res.problems:
            ctx.say("takedown_problems", n=len(res.problems))
            for p in res.problems:
                print(f"  - {_t(p.message(ctx.lang))}")
    ctx.emit(
        {
            "path": str(res.path),
            "package_id": res.package_id,
            "manifest_sha256": res.manifest_sha256,
            "files": res.files,
            "platforms": res.platforms,
            "targets": res.targets,
            "items": res.items,
            "captures": res.captures,
            "groups": [list(g.members) for g in res.groups],
            "problems": [p.to_json() | {"message": p.message(ctx.lang)} for p in res.problems],
            "sent_anywhere": False,
        }
    )
    return 0

# -- chat exports (issues 6 and 12)


def _msg_json(chat: Any, m: Any) -> dict[str, Any]:
    d: dict[str, Any] = m.to_json()
    d.update({"id": m.id, "chat_id": m.chat_id, "seq": m.seq, "chat_title": chat.title if chat else ""})
    return d


def _chat_json(chat: Any) -> dict[str, Any]:
    d: dict[str, Any] = chat.to_json()
    d["id"] = chat.id
    return d


def _one_line(text: str, limit: int = 160) -> str:
    """Terminal-safe preview: core/untrusted.py's rule set, cut at ``limit``."""
    return _t(text[:limit]) + ("…" if len(text) > limit else "")


def _print_msg(m: Any) -> None:
    when = _t(m.written_time or m.local_time, 40)
    who = _one_line(m.sender, 40) if m.sender else "-"
    kind = f"[{_t(m.event or m.kind, 80)}] " if (m.kind != "message" or m.event) else ""
    mark = "*" if m.marked else " "
    att = f" +{len(m.attachments)}" if m.attachments else ""
    ref = f"{m.chat_id[:8]}:{m.seq}"  # what 'chat mark' accepts
    print(f"{mark}{ref:<16} {when:<20} {who}: {kind}{_one_line(m.text)}{att}")


def cmd_chat_import(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.import_chat(
        case.id,
        [Path(p) for p in ctx.args.paths],
        zone=ctx.args.zone,
        date_order=ctx.args.date_order,
        lang=ctx.lang,
        progress=_chat_progress(ctx),
        chat=ctx.args.chat,
    )
    ctx.say("chat_detected", label=res.label)
    for chat in res.chats:
        ctx.say(
            "chat_imported",
            title=_one_line(chat.title, 80),
            messages=chat.message_count,
            events=chat.event_count,
            missing=chat.missing_count,
            files=len(res.stored),
            dups=len(res.duplicates),
            zone=f"{chat.zone or tr('chat_zone_unknown', ctx.lang)} ({chat.zone_source})",
        )
    if not ctx.json:
        for mm in res.missing[:50]:
            print(
                tr("chat_missing", ctx.lang, seq=mm.seq, kind=_t(mm.kind), name=_one_line(mm.name or mm.detail, 80),
                   reason=_t(mm.reason)),
                file=sys.stderr,
            )
        if len(res.missing) > 50:
            print(f"... +{len(res.missing) - 50}", file=sys.stderr)
        for w in res.warnings[:50]:
            print(tr("chat_warning", ctx.lang, text=_one_line(warning_text(w, ctx.lang), 300)), file=sys.stderr)
    ctx.emit(
        {
            "label": res.label,
            "chats": [_chat_json(c) for c in res.chats],
            "stored": [item_json(i) for i in res.stored],
            "duplicates": [item_json(i) for i in res.duplicates],
            "missing": [vars(mm) for mm in res.missing],
            "warnings": res.warnings,
            "date_order": res.date_order,
            "date_order_source": res.date_order_source,
        }
    )
    return 0


def _chat_progress(ctx: Ctx) -> Any:
    show = sys.stderr.isatty() and not ctx.json

    def progress(done: int, total: int) -> None:
        if show and total:
            print(f"\r{min(done * 100 // total, 100):3d}%", end="", file=sys.stderr, flush=True)

    return progress


def cmd_chat_list(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    chats = svc.chats(case.id)
    if ctx.json:
        ctx.emit([_chat_json(c) for c in chats])
        return 0
    if not chats:
        ctx.say("chat_no_chats")
    for i, c in enumerate(chats, 1):
        print(
            f"{i}  {c.id[:8]}  {_one_line(c.title, 60)}  [{_t(c.label)}]  {c.message_count}/{c.event_count}/"
            f"{c.missing_count}  {_t(c.first_time)} – {_t(c.last_time)}  {_t(c.zone or '?')}"
        )
    return 0


def cmd_chat_search(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    a = ctx.args
    chat_id = svc.find_chat(case.id, a.chat).id if a.chat else None
    hits = svc.search_messages(
        case.id,
        chat_id=chat_id,
        sender=a.sender,
        date_from=getattr(a, "from"),
        date_to=a.to,
        text=a.text,
        marked=True if a.marked else None,
        limit=a.limit,
    )
    if ctx.json:
        ctx.emit([_msg_json(c, m) for c, m in hits])
        return 0
    if not hits:
        ctx.say("chat_no_match")
    for _c, m in hits:
        _print_msg(m)
    if hits:
        ctx.say("chat_count", n=len(hits))
    return 0


def cmd_chat_mark(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    msgs = svc.mark_messages(case.id, ctx.args.messages, marked=not ctx.args.unmark, note=ctx.args.note or "")
    ctx.say("chat_unmarked" if ctx.args.unmark else "chat_marked", n=len(msgs))
    ctx.emit([{"id": m.id, "chat_id": m.chat_id, "seq": m.seq, "marked": m.marked} for m in msgs])
    return 0


def cmd_chat_show(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    chat = svc.find_chat(case.id, ctx.args.chat) if ctx.args.chat else None
    if chat is None:
        chats = svc.chats(case.id)
        if len(chats) != 1:
            raise UsageError("chat", ko="대화를 지정하세요(chat list의 번호나 ID).",
                             en="Name the chat (its number or id from 'chat list').")
        chat = chats[0]
    msgs = svc.chat_messages(chat.id, start_seq=ctx.args.start, limit=ctx.args.limit)
    if ctx.json:
        ctx.emit({"chat": _chat_json(chat), "messages": [_msg_json(chat, m) for m in msgs]})
        return 0
    print(f"{_one_line(chat.title, 80)}  [{_t(chat.label)}]  zone {_t(chat.zone or '?')} ({_t(chat.zone_source)})")
    for w in chat.warnings[:20]:
        print(tr("chat_warning", ctx.lang, text=_one_line(warning_text(w, ctx.lang), 300)), file=sys.stderr)
    for m in msgs:
        _print_msg(m)
    return 0


# -- trusted timestamps (issue 11)


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
    anchors: list[Any] = []
    if a.tsa_ca:
        from .core.timestamps.certs import load_pem_certs

        for f in a.tsa_ca:
            certs = load_pem_certs(Path(f).read_bytes())
            if not certs:
                raise UsageError(f, ko="PEM 인증서 파일이 아닙니다.", en="Not a PEM certificate file.")
            anchors += certs
    svc = ctx.unlock()
    if a.queue_only:
        q = svc.queue_timestamp()
        ctx.say("ts_queued", id=q.checkpoint_id, size=q.head.size)
        ctx.emit({"checkpoint": q.checkpoint_id, "size": q.head.size, "imprint_sha256": q.imprint})
        return 0
    from .core.timestamps.tsa_defaults import TsaConfig

    tsas = [TsaConfig(name=_tsa_name(u), url=u) for u in a.tsa] if a.tsa else svc.timestamp_tsas()
    q = svc.queue_timestamp()
    ctx.say("ts_stamp_header", id=q.checkpoint_id, size=q.head.size, imprint=q.imprint, n=len(tsas))
    run = svc.stamp_now(
        tsas,
        checkpoint_id=q.checkpoint_id,
        extra_anchors=anchors,
        timeout=a.timeout,
        progress=_progress_printer(ctx),
    )
    if not ctx.json:
        for o in run.outcomes:
            print(_t(o.message(ctx.lang)))
        if run.sealed:
            ctx.say("ts_stamp_sealed", ok=run.trusted)
        else:
            ctx.say("ts_stamp_short", ok=run.trusted, need=run.required)
    ctx.emit(run.to_json(ctx.lang))
    return 0 if run.sealed else 10


_ACCEPT_OLDER_HELP = (
    "you restored an older copy (a backup) of this vault on purpose: accept it once (logged)"
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="evidence-kit",
        description="Evidence Kit: preserve evidence privately, hand police something they can trust. "
        "증거를 안전하게 보관하고 경찰에 믿을 수 있는 자료를 제출합니다.",
    )
    p.add_argument("--version", action="version", version=f"evidence-kit {__version__}")
    p.add_argument("--vault", help="vault folder (default: EVIDENCE_KIT_VAULT or the user data folder)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=["ko", "en"], help="message language (default: system locale)")
    p.add_argument(
        "--passphrase-file",
        help="read the passphrase from this file (else EVIDENCE_KIT_PASSPHRASE or a prompt)",
    )
    p.add_argument(
        "--new-passphrase-file", help="new passphrase for init/passwd (else EVIDENCE_KIT_NEW_PASSPHRASE)"
    )
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--portable", action="store_true",
                   help="keep the vault, settings and state beside the program (USB stick); nothing on this computer")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init", help="create a new vault")
    s.add_argument("--role", choices=["victim", "counselor"], default="victim")
    s.set_defaults(fn=cmd_init)
    s = sub.add_parser("unlock-check", help="check the passphrase and open the vault")
    s.add_argument("--accept-older-vault", action="store_true", help=_ACCEPT_OLDER_HELP)
    s.set_defaults(fn=cmd_unlock_check)
    sub.add_parser("passwd", help="change the passphrase").set_defaults(fn=cmd_passwd)
    sub.add_parser("recovery-key", help="create a printable recovery key").set_defaults(fn=cmd_recovery_key)
    s = sub.add_parser("export-identity", help="save the vault's age identity, passphrase-protected")
    s.add_argument("out")
    s.add_argument(
        "--separate", action="store_true", help="protect it with a new passphrase instead of the vault's"
    )
    s.set_defaults(fn=cmd_export_identity)

    c = sub.add_parser("case", help="cases").add_subparsers(dest="case_command", required=True)
    s = c.add_parser("new", help="create a case")
    s.add_argument("name")
    s.add_argument("--description")
    s.add_argument("--policy", choices=["keep_originals", "record_only"])
    s.set_defaults(fn=cmd_case_new)
    c.add_parser("list", help="list cases").set_defaults(fn=cmd_case_list)
    s = c.add_parser("edit", help="complete the case summary for the report (logged)")
    s.add_argument("ref", help="case name or id")
    s.add_argument("--name")
    s.add_argument("--description")
    s.add_argument("--when", dest="incident_when", help="incident summary: 일시 (when)")
    s.add_argument("--where", dest="incident_where", help="incident summary: 장소·공간 (where)")
    s.add_argument("--how", dest="incident_how", help="incident summary: 방법 (how)")
    s.add_argument("--result", dest="incident_result", help="incident summary: 결과 (what happened)")
    s.add_argument("--platform", action="append", help="platform involved (repeatable; replaces the list)")
    s.add_argument("--account", action="append",
                   help="account of the person responsible (repeatable; replaces the list)")
    s.add_argument("--preparer", dest="prepared_by", help="who prepared the report (작성자)")
    s.add_argument("--organisation", help="school or organisation")
    s.add_argument("--police-case", dest="reference", help="police case number (사건 번호)")
    s.add_argument("--report-lang", dest="report_lang", choices=["ko", "en"])
    s.set_defaults(fn=cmd_case_edit)
    s = c.add_parser("policy", help="keep originals, or record only (hashes + redacted copy); logged")
    s.add_argument("ref", help="case name or id")
    s.add_argument("policy", choices=["keep_originals", "record_only"])
    s.set_defaults(fn=cmd_case_policy)

    def source_args(s: argparse.ArgumentParser) -> None:
        s.add_argument("--case", help="case name or id")
        s.add_argument("--platform")
        s.add_argument("--url")
        s.add_argument("--chatroom")
        s.add_argument("--account")
        s.add_argument("--date-seen", dest="date_seen")
        s.add_argument("--posted-at", dest="posted_at")
        s.add_argument("--description")
        s.add_argument("--purpose", help="what this exhibit shows (입증하려는 내용)")

    s = sub.add_parser("redact", help="make a redacted copy of an image item (linked to its original)")
    s.add_argument("item", help="exhibit number or id")
    s.add_argument("--case")
    s.add_argument(
        "--region", action="append", metavar="X,Y,W,H", help="black out this area (repeatable); default: pixelate all"
    )
    s.set_defaults(fn=cmd_redact)
    s = sub.add_parser("add", help="import files and folders")
    s.add_argument("paths", nargs="+")
    source_args(s)
    s.add_argument("--black-out", dest="black_out", action="append", metavar="X,Y,W,H",
                   help="record-only case: black out this area of each picture, keep the rest readable "
                   "(repeatable)")
    s.add_argument("--pixelate-all", dest="pixelate_all", action="store_true",
                   help="record-only case: pixelate each picture whole (the default when no area is given)")
    s.set_defaults(fn=cmd_add)
    s = sub.add_parser("list", help="list a case's evidence")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_list)
    s = sub.add_parser("show", help="show one item (exhibit number or id)")
    s.add_argument("item")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_show)
    s = sub.add_parser("edit", help="edit an item's source details (logged)")
    s.add_argument("item")
    source_args(s)
    s.add_argument("--notes")
    s.set_defaults(fn=cmd_edit)
    s = sub.add_parser("export-file", help="write an exact copy of one original")
    s.add_argument("item")
    s.add_argument("out")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_export_file)
    s = sub.add_parser(
        "verify",
        help="check the whole vault's integrity, or (with BUNDLE) an export bundle without any vault",
    )
    s.add_argument("bundle", nargs="?", help="an export bundle: folder, .zip or .zip.age (needs no vault)")
    s.add_argument("--bundle-passphrase-file", help="passphrase of an encrypted bundle "
                   "(else EVIDENCE_KIT_BUNDLE_PASSPHRASE or a prompt)")
    s.add_argument("--signer", metavar="FINGERPRINT",
                   help="signing-key fingerprint from the paper hash confirmation sheet or a phone call "
                   "(16+ hex digits, spaces ignored); any other key fails (exit 6)")
    s.add_argument("--tsa-ca", action="append", metavar="PEM",
                   help="also accept timestamp chains ending at this root certificate (repeatable)")
    s.set_defaults(fn=cmd_verify)
    s.add_argument("--accept-older-vault", action="store_true", help=_ACCEPT_OLDER_HELP)

    s = sub.add_parser("backup", help="verified, incremental backup of the vault to a folder (e.g. a USB stick)")
    s.add_argument("dest", nargs="?", help="backup folder (empty, or an earlier backup of this vault)")
    s.add_argument("--status", action="store_true", help="only show when the last verified backup was made")
    s.set_defaults(fn=cmd_backup)
    s = sub.add_parser("restore", help="copy a backup to a new folder, verify it, and use it as the vault")
    s.add_argument("backup", help="the backup folder")
    s.add_argument("dest", help="new vault folder (must not exist or be empty)")
    s.add_argument("--accept-older-vault", action="store_true", help=_ACCEPT_OLDER_HELP)
    s.set_defaults(fn=cmd_restore)

    def report_args(s: argparse.ArgumentParser) -> None:
        s.add_argument("--case")
        s.add_argument("--report-lang", choices=["ko", "en"],
                       help="report language (default: the case's, else the system's)")
        s.add_argument("--clear-previews", action="store_true",
                       help="do not blur image previews (view with care)")

    s = sub.add_parser("report", help="make the police-ready PDF report for a case")
    s.add_argument("out", help="the PDF to write (its signed manifest is written beside it)")
    report_args(s)
    s.set_defaults(fn=cmd_report)
    s = sub.add_parser("export", help="export the signed bundle for police (folder, .zip or .zip.age)")
    s.add_argument("out", help="folder to create, or a .zip / .zip.age file")
    report_args(s)
    s.add_argument("--zip", action="store_true", help="write a stored (uncompressed) ZIP")
    s.add_argument("--encrypt", action="store_true",
                   help="encrypt the ZIP with a passphrase (stock age -d opens it)")
    s.add_argument("--bundle-passphrase-file",
                   help="passphrase for --encrypt (else EVIDENCE_KIT_BUNDLE_PASSPHRASE or a prompt)")
    s.add_argument("--redacted-copies", action="store_true",
                   help="for a school or family: only the redacted copies, no original (not for the police)")
    s.set_defaults(fn=cmd_export)
    s = sub.add_parser("log", help="print the custody log")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_log)

    s = sub.add_parser("pdq", help="compute (missing) PDQ perceptual hashes and list near-duplicates")
    s.add_argument("--case")
    s.add_argument("--force", action="store_true", help="recompute every image's PDQ hash")
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    s.set_defaults(fn=cmd_pdq)
    s = sub.add_parser(
        "takedown",
        help="write the takedown package: request forms, d4u summary, hash list, guide (nothing is sent)",
    )
    s.add_argument("out_dir", help="a new (or empty) folder to write the package into")
    s.add_argument("--case")
    s.add_argument("--include-captures", action="store_true",
                   help="also copy the image exhibits into captures/ (off by default)")
    s.add_argument("--name", help="requester name or organisation (else left blank for hand filling)")
    s.add_argument("--contact", help="requester contact (else left blank)")
    s.add_argument("--type", action="append", choices=["report", "delete"],
                   help="tick 유통신고 (report) and/or 삭제요청 (delete) on the forms")
    s.add_argument("--reason", action="append", choices=["illegal-filming", "deepfake", "csam"],
                   help="tick 불법촬영물 / 허위영상물 / 아동·청소년 성착취물 on the forms")
    s.add_argument("--keyword", action="append", help="a search term that finds the material (repeatable)")
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    s.set_defaults(fn=cmd_takedown)
    ch = sub.add_parser("chat", help="chat exports: Telegram, KakaoTalk, WhatsApp").add_subparsers(
        dest="chat_command", required=True
    )
    s = ch.add_parser("import", help="store a chat export as evidence and import its messages")
    s.add_argument("paths", nargs="+", help="export folder, result.json, .txt/.csv, or .zip (iOS parts: all)")
    s.add_argument("--case")
    s.add_argument("--zone", help="time zone of the export's clock, e.g. Asia/Seoul or +09:00")
    s.add_argument("--date-order", dest="date_order", choices=["dmy", "mdy", "ymd"],
                   help="WhatsApp: date order when the file cannot tell (recorded in the custody log)")
    s.add_argument("--chat", help="Telegram full-account HTML export: the chat to import (chat_NNN or its name)")
    s.set_defaults(fn=cmd_chat_import)
    s = ch.add_parser("list", help="list imported chats")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_chat_list)
    s = ch.add_parser("search", help="search and filter messages")
    s.add_argument("--case")
    s.add_argument("--chat", help="chat number, id or title")
    s.add_argument("--sender")
    s.add_argument("--from", dest="from", help="from this local time, e.g. 2023-01-05 or 2023-01-05T08:00")
    s.add_argument("--to", help="up to this local time (a date covers the whole day)")
    s.add_argument("--text")
    s.add_argument("--marked", action="store_true", help="only marked messages")
    s.add_argument("--limit", type=int)
    s.set_defaults(fn=cmd_chat_search)
    s = ch.add_parser("mark", help="mark messages for the report (id, id prefix, or CHAT:SEQ)")
    s.add_argument("messages", nargs="+")
    s.add_argument("--case")
    s.add_argument("--unmark", action="store_true")
    s.add_argument("--note")
    s.set_defaults(fn=cmd_chat_mark)
    s = ch.add_parser("show", help="show a chat's messages")
    s.add_argument("chat", nargs="?")
    s.add_argument("--case")
    s.add_argument("--start", type=int, default=0, help="first message number")
    s.add_argument("--limit", type=int, default=200)
    s.set_defaults(fn=cmd_chat_show)
    s = sub.add_parser(
        "stamp",
        help="go online now: get RFC 3161 trusted timestamps for a new checkpoint (only its SHA-256 is sent)",
    )
    s.add_argument("--status", action="store_true", help="list queued and stamped checkpoints (offline)")
    s.add_argument("--queue-only", action="store_true",
                   help="take a checkpoint and queue it without going online")
    s.add_argument("--tsa", action="append", metavar="URL",
                   help="ask this TSA instead of the configured ones (repeatable)")
    s.add_argument("--tsa-ca", action="append", metavar="PEM",
                   help="also trust this root certificate for the TSAs' chains (repeatable)")
    s.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each TSA (default 20)")
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    s.set_defaults(fn=cmd_stamp)
    accept_common_options(p)
    return p


def accept_common_options(parser: argparse.ArgumentParser) -> None:
    """``--json``, ``--vault`` and ``--lang`` after the subcommand too (``list --json``), as the
    README promises; SUPPRESS keeps the value given before the subcommand when not repeated."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for sp in set(action.choices.values()):
            have = sp._option_string_actions
            if "--json" not in have:
                sp.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                                help="machine-readable output")
            if "--vault" not in have:
                sp.add_argument("--vault", default=argparse.SUPPRESS, help="vault folder")
            if "--lang" not in have:
                sp.add_argument("--lang", choices=["ko", "en"], default=argparse.SUPPRESS, help="message language")
            accept_common_options(sp)


def main(argv: Sequence[str] | None = None) -> int:
    from . import console

    console.setup()  # a cp949/cp437 console or a redirect never crashes the output (issue 21)
    private_umask()
    parser = build_parser()
    args = parser.parse_args(argv)
    _text_args_from_os(args)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    from .core.common import portable

    portable.setup(args.portable)  # before anything reads a per-user location (issue 20)
    ctx = Ctx(args)
    try:
        rc: int = args.fn(ctx)
        return rc
    except EvidenceKitError as e:
        if ctx.json:
            print(
                json.dumps(
                    {"ok": False, "error": type(e).__name__, "message": untrusted.json_text(e.message(ctx.lang))},
                    ensure_ascii=False,
                )
            )
        else:
            print(untrusted.terminal_text(e.message(ctx.lang)), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(tr("cancelled", ctx.lang), file=sys.stderr)
        return 8
    except OSError as e:
        # Disk full, permissions: explain, never a traceback.
        import errno

        if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG):
            from .core.common.errors import DiskFullError

            full = DiskFullError(os.strerror(e.errno or 0))
            print(full.message(ctx.lang), file=sys.stderr)
            return full.exit_code
        msg = f"{e.strerror or e}: {e.filename or ''}".strip()
        print(_t(msg), file=sys.stderr)
        return 1
    except Exception as e:  # a bug of ours: say so plainly; details only with -v
        err = EvidenceKitError(type(e).__name__)
        print(err.message(ctx.lang), file=sys.stderr)
        log.debug("unexpected error", exc_info=True)
        if args.verbose:
            raise
        return 1
    finally:
        if ctx.service.is_unlocked:
            ctx.service.lock()


if __name__ == "__main__":
    raise SystemExit(main())
