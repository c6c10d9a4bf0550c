"""Commands about cases and their evidence items.

case new/list/edit/policy, add, redact, list, show, edit, export-file and log (the custody log).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..core.common.errors import UsageError
from ..core.common.i18n import tr
from .context import (
    Ctx,
    case_json,
    item_json,
    parse_region,
    source_from_args,
    term,
)


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
        print(f"{c.id[:8]}  {term(c.name)}  ({len(svc.items(c.id))})  {term(c.policy)}")
    return 0


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
        print(tr("skipped", ctx.lang, name=term(p.path), reason=term(p.error.message(ctx.lang))), file=sys.stderr)
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
        print(f"{label}\t{i.sha256}\t{i.size}\t{term(i.acquired_utc)}\t{term(i.source.platform)}\t{term(name)}")
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
            print(f"{k:15} {term(d[k])}")
    for k, v in item.source.to_json().items():
        print(f"source.{k:8} {term(v)}")
    for k, v in item.image.items():
        print(f"image.{k:9} {term(v)}")
    for k, v in item.exif.items():
        print(f"exif {term(k)}: {term(v)}")
    for e in events:
        print(f"log #{e.seq} {term(e.time_utc)} {term(e.action)}")
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
        print(term(e.line.decode("utf-8", "replace")))  # exact bytes: --json or custody.jsonl
    return 0
