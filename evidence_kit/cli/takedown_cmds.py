"""Perceptual hashes and the takedown package (issue 10): pdq, takedown."""

from __future__ import annotations

from pathlib import Path

from ..core.common.i18n import tr
from .context import (
    Ctx,
    exhibit_label,
    progress_printer,
    term,
)


def cmd_pdq(ctx: Ctx) -> int:
    from ..core.documents.takedown_hashes import frame_matches_json
    from ..core.documents.takedown_model import plain
    from ..core.evidence.perceptual import MATCH_THRESHOLD, STATUS_NOT_IMAGE, STATUS_OK, STATUS_UNRELIABLE
    from ..core.evidence.video import format_ms

    svc = ctx.unlock()
    case = ctx.case()
    outcomes = svc.compute_pdq(case.id, force=ctx.args.force, progress=progress_printer(ctx))
    groups = svc.near_duplicates(case.id)
    items = {o.item.id: o.item for o in outcomes}
    images = [o for o in outcomes if o.status != STATUS_NOT_IMAGE or o.pdq]
    if not ctx.json:
        for o in images:
            name = plain(o.item.relative_path or o.item.original_name, 200)
            if o.pdq:
                flag = tr("pdq_flag_unreliable", ctx.lang) if o.status == STATUS_UNRELIABLE else ""
                ctx.say("pdq_item", exhibit=exhibit_label(ctx, o.item), pdq=o.pdq, quality=o.quality, flag=flag,
                        name=name)
            else:
                ctx.say("pdq_item_none", exhibit=exhibit_label(ctx, o.item), reason=tr(f"pdqs_{o.status}", ctx.lang),
                        name=name)
        for n, g in enumerate(groups, 1):
            ctx.say("pdq_group", n=n, exhibits=", ".join(exhibit_label(ctx, items[m]) for m in g.members),
                    dist=g.max_link)
            for fm in g.frame_matches:  # a screenshot of a video's frame (issue 23)
                ctx.say("pdq_frame_match", picture=exhibit_label(ctx, items[fm.picture]),
                        video=exhibit_label(ctx, items[fm.video]), at=format_ms(fm.at_ms), bits=fm.bits)
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
                 "max_link_bits": g.max_link, "video_frames": frame_matches_json(g, items)}
                for g in groups
            ],
            "threshold_bits": MATCH_THRESHOLD,
        }
    )
    return 0


def cmd_takedown(ctx: Ctx) -> int:
    from ..core.documents.takedown_model import TakedownOptions

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
    res = svc.build_takedown(case.id, Path(a.out_dir), options, progress=progress_printer(ctx))
    ctx.say("takedown_written", path=res.path, files=len(res.files), platforms=len(res.platforms),
            targets=res.targets, items=res.items, pid=res.package_id, sha=res.manifest_sha256)
    if not ctx.json:
        for f in res.files:
            print(tr("takedown_file", ctx.lang, path=term(f)))
        if res.problems:
            ctx.say("takedown_problems", n=len(res.problems))
            for p in res.problems:
                print(f"  - {term(p.message(ctx.lang))}")
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
