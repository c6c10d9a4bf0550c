"""Commands about the vault itself: its keys, passphrase and backups.

init, unlock-check, passwd, recovery-key, export-identity, backup and restore.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.common.errors import UsageError
from ..core.common.i18n import tr
from ..core.service import EvidenceService
from ..core.vault.alerts import alert_text
from .context import (
    Ctx,
    accept_older,
    progress_printer,
    term,
)


def cmd_init(ctx: Ctx) -> int:
    pw = ctx.new_passphrase()
    ctx.service.create_vault(pw, role=ctx.args.role)
    ctx.say("vault_created", path=ctx.service.vault_path)
    ctx.emit({"vault": str(ctx.service.vault_path), "role": ctx.args.role})
    return 0


def cmd_unlock_check(ctx: Ctx) -> int:
    svc = ctx.unlock()
    accept_older(ctx)
    cases = svc.cases()
    ctx.say("vault_ok", cases=len(cases), events=svc.vault.log.size)
    for a in svc.vault.alerts:
        print(f"{tr('warning', ctx.lang)}: {term(alert_text(a, ctx.lang))}", file=sys.stderr)
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
    res = ctx.service.vault.change_passphrase(old, new, progress=progress_printer(ctx))
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


def cmd_backup(ctx: Ctx) -> int:
    from ..core.vault import backup as bk

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
    res = svc.backup(Path(ctx.args.dest), progress=progress_printer(ctx))
    ctx.say("backup_done", dest=res.dest, copied=res.blobs_copied, mb=f"{res.bytes_copied / 1e6:.1f}",
            items=res.items_verified, seconds=f"{res.seconds:.1f}")
    ctx.emit({"ok": True, **res.to_json()})
    return 0


def cmd_restore(ctx: Ctx) -> int:
    from ..core.vault import backup as bk

    src = EvidenceService(Path(ctx.args.backup))
    src.unlock(ctx.passphrase())
    try:
        older = src.vault.older
        if older is not None and not ctx.args.accept_older_vault:
            print(older.message(ctx.lang), file=sys.stderr)
            print(tr("older_vault_hint", ctx.lang), file=sys.stderr)
            return older.exit_code
        res = bk.restore(src.vault, Path(ctx.args.dest), accept_older=ctx.args.accept_older_vault,
                         progress=progress_printer(ctx))
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
