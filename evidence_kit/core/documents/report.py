"""The police-ready PDF report (issue 8), in Korean or English.

Built with reportlab platypus and an embedded TrueType Korean font (never the standard
Helvetica: reportlab's built-in Korean CID fonts are not embedded and render blank on a
reader without Korean fonts). Contents, in order:

1. cover: case, preparer, generation time (KST and UTC), tool, item count, report ID,
   signing-key fingerprint, manifest SHA-256 and a QR code of it;
2. 범죄사실: the incident summary the user wrote (일시, 장소·공간, 방법, 결과);
3. 증거자료 세부 목록: the complaint form's annex table (순번 | 증거 | 작성자(소유자) |
   제출 유무) plus 수집 일시 | 출처 | 입증하려는 내용 | 비고(SHA-256);
4. one page per exhibit: preview (blurred by default), every metadata field, EXIF,
   hashes, the exhibit's custody events;
5. 해시값 확인서: per exhibit file name, size, algorithm, hash, collection time and tool,
   the 원본과 상위없음 statement (confirmed only when this build re-verified every
   retained blob's SHA-256) and 서명·날인 lines;
6. the custody log and its signed head; 7. how to verify, with the exact commands.

Every page carries the report ID, "page X of Y" and the manifest SHA-256 in its footer.

Untrusted text (file names, EXIF, notes, URLs, even case fields) never reaches reportlab's
markup parser raw: ``report_layout.TextCleaner`` applies core/untrusted.py's one rule set (control
and format characters — RTL overrides, NULs, zero-width characters — and characters the
font lacks as ``[U+XXXX]``, undecodable file-name bytes as ``\\xNN``), caps the length,
then XML-escapes. Long words (hashes, URLs) wrap via reportlab's
``splitLongWords``.

This module assembles the document; the pages come from one module per section:
``report_front`` (cover, incident, evidence list), ``report_items`` (one page per exhibit),
``report_hashes`` (hash confirmation sheet), ``report_custody`` (custody log) and
``report_verify`` (how to verify). ``report_text`` holds every string, ``report_input``
the options and each item's re-verified evidence, ``report_layout`` the shared page kit.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common.errors import CancelledError, EvidenceKitError
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from . import pdfstyle
from .pdfstyle import FONT
from .report_custody import custody_log
from .report_front import cover, evidence_list, incident
from .report_hashes import hash_sheet
from .report_input import ItemEvidence, ReportOptions, collect_item_evidence
from .report_items import item_page
from .report_layout import ReportLayout, numbered_canvas
from .report_text import TEXT
from .report_verify import verification

if TYPE_CHECKING:
    from ..vault.vault import Vault
    from .snapshot import CaseSnapshot


class ReportError(EvidenceKitError):
    exit_code = 1
    ko = "보고서를 만들 수 없습니다."
    en = "The report could not be made."


@dataclass
class ReportResult:
    path: Path | None
    report_id: str
    manifest_sha256: str
    pages: int
    items: int
    identical_confirmed: bool
    unverified: list[int] = field(default_factory=list)


def build_report(
    vault: Vault,
    case_id: str,
    out: Path,
    *,
    lang: str = "ko",
    manifest_sha256: str | None = None,
    report_id: str | None = None,
    clear_previews: bool = False,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> ReportResult:
    """A standalone report: checkpoint, snapshot, manifest, PDF, and a "report" log event.

    The footer hash is the SHA-256 of the manifest this report describes, computed exactly
    as an export bundle would; it is written next to the PDF as ``<name>.manifest.json``
    (with ``.manifest.sig``) so the footer can be checked with ``sha256sum``. Passing
    ``manifest_sha256`` skips that (the caller owns the manifest, as the bundle does).
    """
    from . import snapshot as bundle

    out = Path(out)
    stem = out.with_suffix("")
    sidecars = [stem.with_name(stem.name + ".manifest.json"), stem.with_name(stem.name + ".manifest.sig")]
    for p in [out, *sidecars] if manifest_sha256 is None else [out]:
        bundle.check_output_path(vault, p)
    snap = bundle.snapshot_case(vault, case_id, report_id=report_id, report_file=out.name)
    manifest_bytes = bundle.canonical_manifest(snap, lang=lang)
    sha = manifest_sha256 or hashlib.sha256(manifest_bytes).hexdigest()
    evidence = collect_item_evidence(vault, snap.items, clear_previews=clear_previews, progress=progress, cancel=cancel)
    buf = io.BytesIO()
    pages = render_report(snap, sha, buf, evidence, ReportOptions(lang, clear_previews, out.name), cancel=cancel)
    from ..common.fsutil import atomic_write_bytes

    if manifest_sha256 is None:
        atomic_write_bytes(sidecars[0], manifest_bytes)
        atomic_write_bytes(sidecars[1], vault.keys.signing_key.sign(manifest_bytes))
    atomic_write_bytes(out, buf.getvalue())
    unverified = sorted(e for e, ev in evidence.items() if not ev.verified and _retained(snap, e))
    confirmed = not unverified and any(i.retained for i in snap.items)
    vault.log_event(
        "report",
        case_id=case_id,
        data={
            "report_id": snap.report_id,
            "manifest_sha256": sha,
            "pdf_sha256": hashlib.sha256(buf.getvalue()).hexdigest(),
            "lang": lang,
            "pages": pages,
            "items": len(snap.items),
            "clear_previews": clear_previews,
            "identical_confirmed": confirmed,
            "standalone": True,
        },
    )
    return ReportResult(out, snap.report_id, sha, pages, len(snap.items), confirmed, unverified)


def _retained(snap: CaseSnapshot, exhibit: int) -> bool:
    return any(i.exhibit == exhibit and i.retained for i in snap.items)


def render_report(
    snap: CaseSnapshot,
    manifest_sha256: str,
    out: io.BytesIO | Path,
    evidence: dict[int, ItemEvidence],
    options: ReportOptions,
    *,
    cancel: Cancel = never_cancel,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Lay out and write the PDF; returns the number of pages.

    The one place a report is rendered (the standalone report and the bundle both come
    here). The output depends only on its arguments: reportlab runs in invariant mode and
    the document's dates come from the snapshot, so the same snapshot gives the same bytes.
    """
    pdfstyle.register_fonts()
    layout = ReportLayout(snap, manifest_sha256, evidence, options)
    doc = _document(out)
    pages: list[int] = []
    canvas = numbered_canvas(
        layout.lang, snap.report_id, manifest_sha256, pages, _page_hook(cancel, on_page), _meta(layout)
    )
    doc.build(_story(layout, cancel), canvasmaker=canvas)
    return pages[0] if pages else 0


def _document(out: io.BytesIO | Path) -> Any:
    """An A4 document with a portrait and a landscape page template."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    pw, ph = A4
    lw, lh = landscape(A4)
    margin, bottom = 40, 52
    doc = BaseDocTemplate(
        out if isinstance(out, io.BytesIO) else str(out),
        pagesize=A4,
        initialFontName=FONT,
        invariant=1,
    )

    def frame(w: float, h: float, fid: str) -> Any:
        return Frame(
            margin,
            bottom,
            w - 2 * margin,
            h - bottom - margin,
            id=fid,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    doc.addPageTemplates(
        [
            PageTemplate("portrait", [frame(pw, ph, "p")], pagesize=A4),
            PageTemplate("landscape", [frame(lw, lh, "l")], pagesize=landscape(A4)),
        ]
    )
    return doc


def _page_hook(cancel: Cancel, on_page: Callable[[int], None] | None) -> Callable[[int], None]:
    def page_hook(n: int) -> None:
        if cancel():
            raise CancelledError()
        if on_page is not None:
            on_page(n)

    return page_hook


def _story(r: ReportLayout, cancel: Cancel) -> list[Any]:
    """Every section in order, each starting on a new page."""
    from reportlab.platypus import NextPageTemplate, PageBreak

    story: list[Any] = []
    story += cover(r)
    story += [PageBreak(), *incident(r)]
    story += [NextPageTemplate("landscape"), PageBreak(), *evidence_list(r)]
    story += [NextPageTemplate("portrait")]
    for item in r.snap.items:
        if cancel():
            raise CancelledError()
        story += [PageBreak(), *item_page(r, item)]
    if r.snap.chat_section is not None:
        story += [PageBreak(), *r.snap.chat_section(r.lang)]
    story += [PageBreak(), *hash_sheet(r)]
    story += [NextPageTemplate("landscape"), PageBreak(), *custody_log(r)]
    story += [NextPageTemplate("portrait"), PageBreak(), *verification(r)]
    return story


def _meta(r: ReportLayout) -> pdfstyle.DocumentMeta:
    """The document's own description: report ID and title, never a case name or a path."""
    return pdfstyle.DocumentMeta(
        title=f"{r.snap.report_id} {TEXT['title'][0]}" + ("" if r.lang == "ko" else f" ({TEXT['title'][1]})"),
        lang=r.lang,
        created_utc=r.snap.created_utc,
        subject=f"{r.snap.report_id} manifest SHA-256 {r.sha}",
    )
