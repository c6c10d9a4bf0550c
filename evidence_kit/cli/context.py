"""What every command shares: the run's context and terminal-safe text.

The context holds the service, the language, the passphrases and the output (text or
``--json``); the helpers put untrusted text on a terminal line or into JSON.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.common import untrusted
from ..core.common.errors import UsageError
from ..core.common.i18n import system_lang, tr
from ..core.common.model import SOURCE_FIELDS, Case, Item, Source
from ..core.evidence.redact import Rect
from ..core.service import EvidenceService


def term(value: object, limit: int | None = None) -> str:
    """Untrusted text on a terminal line (issue 19): no ESC, CR, RLO, NUL or raw invalid byte."""
    return untrusted.terminal_line(value, limit)


def json_safe(obj: Any) -> Any:
    """JSON stays raw; only undecodable bytes (surrogates) become \\xNN so it can be printed."""
    if isinstance(obj, str):
        return untrusted.json_text(obj)
    if isinstance(obj, dict):
        return {json_safe(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


# Arguments that become stored or compared text (not paths to open): bytes that are not
# UTF-8 (surrogateescape) become \xNN, the same as a file name (issue 19).
_TEXT_ARGS = (*SOURCE_FIELDS, "name", "notes", "note", "contact", "keyword", "text", "sender", "case", "chat", "ref")


def text_args_from_os(args: argparse.Namespace) -> None:
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
            print(tr(msg_key, self.lang, **{k: term(v) if isinstance(v, str | Path) else v for k, v in kw.items()}))

    def emit(self, obj: Any) -> None:
        if self.json:
            print(json.dumps(json_safe(obj), ensure_ascii=False, indent=2))

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


def accept_older(ctx: Ctx) -> None:
    """``--accept-older-vault``: the user restored a backup on purpose (logged once)."""
    vault = ctx.service.vault
    if getattr(ctx.args, "accept_older_vault", False) and vault.older is not None:
        older = vault.older
        vault.accept_older_vault()
        # A copy whose log went another way may have as many entries as the one last seen:
        # "older" would then read oddly ("9 entries ..., now 9").
        key = "diverged_vault_accepted" if older.diverged else "older_vault_accepted"
        ctx.say(key, seen=older.seen.size, now=older.now_size)


def parse_region(text: str) -> Rect:
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError as e:
        raise UsageError(
            text, ko="영역은 x,y,너비,높이 (픽셀)로 적습니다.", en="A region is x,y,width,height in pixels."
        ) from e
    return Rect(x, y, w, h)


def bundle_passphrase(ctx: Ctx, *, new: bool) -> str:
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


def progress_printer(ctx: Ctx) -> Any:
    show = sys.stderr.isatty() and not ctx.json

    def progress(done: int, total: int) -> None:
        if show and total:
            print(f"\r{done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
            if done >= total:
                print("\r", end="", file=sys.stderr)

    return progress


def tsa_ca_certs(files: Sequence[str]) -> list[Any]:
    """Root certificates given with --tsa-ca (PEM files)."""
    from ..core.timestamps.certs import load_pem_certs

    out: list[Any] = []
    for f in files:
        certs = load_pem_certs(Path(f).read_bytes())
        if not certs:
            raise UsageError(f, ko="PEM 인증서 파일이 아닙니다.", en="Not a PEM certificate file.")
        out += certs
    return out


def exhibit_label(ctx: Ctx, item: Item) -> str:
    return item.exhibit_label_ko if ctx.lang == "ko" else item.exhibit_label_en
