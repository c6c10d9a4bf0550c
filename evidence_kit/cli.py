"""`evidence-kit`: the command line over the same service the desktop app uses.

Every command can print JSON (``--json``) for scripts; messages are Korean or English
(``--lang`` or the system locale). Exit codes are listed in the README and come from the
error classes in ``evidence_kit.core.errors``.
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

from . import __version__
from .core.errors import EvidenceKitError, UsageError
from .core.fsutil import private_umask
from .core.i18n import system_lang, tr
from .core.model import SOURCE_FIELDS, Case, Item, Source
from .core.service import EvidenceService

log = logging.getLogger(__name__)


class Ctx:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lang: str = args.lang or system_lang()
        self.json: bool = args.json
        self.service = EvidenceService(Path(args.vault) if args.vault else None)

    def say(self, msg_key: str, **kw: Any) -> None:
        if not self.json:
            print(tr(msg_key, self.lang, **kw))

    def emit(self, obj: Any) -> None:
        if self.json:
            print(json.dumps(obj, ensure_ascii=False, indent=2))

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


def cmd_unlock_check(ctx: Ctx) -> int:
    svc = ctx.unlock()
    cases = svc.cases()
    ctx.say("vault_ok", cases=len(cases), events=svc.vault.log.size)
    for a in svc.vault.alerts:
        print(f"{tr('warning', ctx.lang)}: {a}", file=sys.stderr)
    ctx.emit({"ok": True, "cases": len(cases), "log_size": svc.vault.log.size, "alerts": svc.vault.alerts})
    return 0


def cmd_passwd(ctx: Ctx) -> int:
    old = ctx.passphrase()
    ctx.service.unlock(old)
    new = ctx.new_passphrase()
    ctx.service.vault.change_passphrase(old, new)
    ctx.say("passphrase_changed")
    ctx.emit({"ok": True})
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
        print(f"{c.id[:8]}  {c.name}  ({len(svc.items(c.id))})  {c.policy}")
    return 0


def cmd_add(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    show_progress = sys.stderr.isatty() and not ctx.json

    def progress(done: int, total: int) -> None:
        if show_progress and total:
            print(f"\r{done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)

    def on_item(res: Any) -> None:
        if show_progress:
            print("\r", end="", file=sys.stderr)
        it = res.item
        label = it.exhibit_label_ko if ctx.lang == "ko" else it.exhibit_label_en
        if res.duplicate:
            ctx.say("duplicate", name=it.original_name, exhibit=label)
        else:
            ctx.say("saved", exhibit=label, name=it.relative_path or it.original_name, sha256=it.sha256)

    summary = svc.import_paths(
        case.id,
        [Path(p) for p in ctx.args.paths],
        source_from_args(ctx.args),
        progress=progress,
        on_item=on_item,
    )
    for p in summary.problems:
        print(tr("skipped", ctx.lang, name=p.path, reason=p.error.message(ctx.lang)), file=sys.stderr)
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
        print(f"{label}\t{i.sha256}\t{i.size}\t{i.acquired_utc}\t{i.source.platform}\t{name}")
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
            print(f"{k:15} {d[k]}")
    for k, v in item.source.to_json().items():
        print(f"source.{k:8} {v}")
    for k, v in item.image.items():
        print(f"image.{k:9} {v}")
    for k, v in item.exif.items():
        print(f"exif {k}: {v}")
    for e in events:
        print(f"log #{e.seq} {e.time_utc} {e.action}")
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
    ctx.say("exported", path=ctx.args.out)
    ctx.emit({"path": ctx.args.out, "sha256": item.sha256})
    return 0


def cmd_verify(ctx: Ctx) -> int:
    svc = ctx.unlock()
    res = svc.verify_vault()
    for w in res.warnings:
        print(f"{tr('warning', ctx.lang)}: {w}", file=sys.stderr)
    if res.ok:
        ctx.say("verify_ok", items=res.items_checked, events=res.log_size)
    else:
        ctx.say("verify_fail", n=len(res.problems))
        if not ctx.json:
            for p in res.problems:
                print(f"  {tr('problem', ctx.lang)}: {p}")
    ctx.emit({"ok": res.ok, "items": res.items_checked, "problems": res.problems, "warnings": res.warnings})
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
        print(e.line.decode("utf-8"))
    return 0


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
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init", help="create a new vault")
    s.add_argument("--role", choices=["victim", "counselor"], default="victim")
    s.set_defaults(fn=cmd_init)
    sub.add_parser("unlock-check", help="check the passphrase and open the vault").set_defaults(
        fn=cmd_unlock_check
    )
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

    s = sub.add_parser("add", help="import files and folders")
    s.add_argument("paths", nargs="+")
    source_args(s)
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
    sub.add_parser("verify", help="check the whole vault's integrity").set_defaults(fn=cmd_verify)
    s = sub.add_parser("log", help="print the custody log")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_log)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    private_umask()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    ctx = Ctx(args)
    try:
        rc: int = args.fn(ctx)
        return rc
    except EvidenceKitError as e:
        if ctx.json:
            print(
                json.dumps(
                    {"ok": False, "error": type(e).__name__, "message": e.message(ctx.lang)},
                    ensure_ascii=False,
                )
            )
        else:
            print(e.message(ctx.lang), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(tr("cancelled", ctx.lang), file=sys.stderr)
        return 8
    except OSError as e:
        # Disk full, permissions: explain, never a traceback.
        msg = f"{e.strerror or e}: {e.filename or ''}".strip()
        print(msg, file=sys.stderr)
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
