"""The argparse tree of ``evidence-kit``, one function per command group.

The order in which the subcommands are added is the order ``--help`` lists them.
"""

from __future__ import annotations

import argparse

from .. import __version__
from .chat_cmds import cmd_chat_import, cmd_chat_list, cmd_chat_mark, cmd_chat_search, cmd_chat_show
from .item_cmds import (
    cmd_add,
    cmd_case_edit,
    cmd_case_list,
    cmd_case_new,
    cmd_case_policy,
    cmd_edit,
    cmd_export_file,
    cmd_list,
    cmd_log,
    cmd_redact,
    cmd_show,
)
from .report_cmds import cmd_export, cmd_report, cmd_stamp, cmd_verify
from .takedown_cmds import cmd_pdq, cmd_takedown
from .vault_cmds import (
    cmd_backup,
    cmd_export_identity,
    cmd_init,
    cmd_passwd,
    cmd_recovery_key,
    cmd_restore,
    cmd_unlock_check,
)

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
    _vault_commands(sub)
    _case_commands(sub)
    _item_commands(sub)
    _verify_and_backup_commands(sub)
    _report_commands(sub)
    _takedown_commands(sub)
    _chat_commands(sub)
    _stamp_command(sub)
    accept_common_options(p)
    return p


def _source_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("--case", help="case name or id")
    s.add_argument("--platform")
    s.add_argument("--url")
    s.add_argument("--chatroom")
    s.add_argument("--account")
    s.add_argument("--date-seen", dest="date_seen")
    s.add_argument("--posted-at", dest="posted_at")
    s.add_argument("--description")
    s.add_argument("--purpose", help="what this exhibit shows (입증하려는 내용)")


def _report_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("--case")
    s.add_argument("--report-lang", choices=["ko", "en"],
                   help="report language (default: the case's, else the system's)")
    s.add_argument("--clear-previews", action="store_true",
                   help="do not blur image previews (view with care)")


def _vault_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """init, unlock-check, passwd, recovery-key, export-identity."""
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


def _case_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """case new / list / edit / policy."""
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


def _item_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """redact, add, list, show, edit, export-file."""
    s = sub.add_parser("redact", help="make a redacted copy of an image item (linked to its original)")
    s.add_argument("item", help="exhibit number or id")
    s.add_argument("--case")
    s.add_argument(
        "--region", action="append", metavar="X,Y,W,H", help="black out this area (repeatable); default: pixelate all"
    )
    s.set_defaults(fn=cmd_redact)
    s = sub.add_parser("add", help="import files and folders")
    s.add_argument("paths", nargs="+")
    _source_args(s)
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
    _source_args(s)
    s.add_argument("--notes")
    s.set_defaults(fn=cmd_edit)
    s = sub.add_parser("export-file", help="write an exact copy of one original")
    s.add_argument("item")
    s.add_argument("out")
    s.add_argument("--case")
    s.set_defaults(fn=cmd_export_file)


def _verify_and_backup_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """verify (the vault or a bundle), backup, restore (issue 20)."""
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


def _report_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """report, export, log."""
    s = sub.add_parser("report", help="make the police-ready PDF report for a case")
    s.add_argument("out", help="the PDF to write (its signed manifest is written beside it)")
    _report_args(s)
    s.set_defaults(fn=cmd_report)
    s = sub.add_parser("export", help="export the signed bundle for police (folder, .zip or .zip.age)")
    s.add_argument("out", help="folder to create, or a .zip / .zip.age file")
    _report_args(s)
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


def _takedown_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """pdq, takedown (issue 10)."""
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


def _chat_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """chat import / list / search / mark / show (issues 6 and 12)."""
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


def _stamp_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """stamp (issue 11)."""
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
