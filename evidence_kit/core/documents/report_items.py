"""The report's exhibit pages: one page per exhibit, preview first.

The preview is blurred by default (a video shows its key frames); then every metadata
field, EXIF, hashes, and the exhibit's own custody events.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from ..common.model import Item
from ..evidence.preview import (
    KIND_ARCHIVE,
    KIND_AUDIO,
    KIND_IMAGE,
    KIND_PDF,
    KIND_TEXT,
    KIND_VIDEO,
    make_preview,
)
from .pdfstyle import FONT
from .report_layout import ReportLayout, grid
from .report_text import TEXT


def contact_sheet(r: ReportLayout, frames: list[tuple[int, bytes]], blurred: bool) -> list[Any]:
    """A video's key frames, three to a row, each with its time (issue 23)."""
    from reportlab.platypus import Image, Table

    from ..evidence.video import format_ms

    cells = []
    for ms, jpeg in frames:
        w, h = _jpeg_size(jpeg)
        scale = min(160.0 / w, 100.0 / h)
        cells.append([Image(io.BytesIO(jpeg), width=w * scale, height=h * scale), r.P(format_ms(ms), "center")])
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    rows[-1] += [["", ""]] * (3 - len(rows[-1]))
    sheet = Table(rows, colWidths=[170] * 3, style=[("ALIGN", (0, 0), (-1, -1), "CENTER")])
    cap = r.t("key_frames_blurred" if blurred else "key_frames_clear")
    return [sheet, r.P(cap, "center")]


def preview_flowable(r: ReportLayout, item: Item) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Image, Table

    ev = r.evidence.get(item.exhibit)
    pv = ev.preview if ev else make_preview(None, item.media_type, problem="not-loaded")
    if ev and ev.frames:
        return contact_sheet(r, ev.frames, pv.blurred)
    if pv.jpeg:
        max_w, max_h = 300.0, 230.0
        scale = min(max_w / pv.width, max_h / pv.height)
        img = Image(io.BytesIO(pv.jpeg), width=pv.width * scale, height=pv.height * scale)
        cap = r.t("preview_blurred" if pv.blurred else "preview_clear")
        return [
            Table(
                [[img], [r.P(cap, "center")]],
                style=[("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTNAME", (0, 0), (-1, -1), FONT)],
            )
        ]
    kinds = {
        KIND_VIDEO: "kind_video",
        KIND_AUDIO: "kind_audio",
        KIND_PDF: "kind_pdf",
        KIND_TEXT: "kind_text",
        KIND_ARCHIVE: "kind_archive",
        KIND_IMAGE: "kind_image",
    }
    what = r.t(kinds.get(pv.kind, "kind_other"))
    why = r.t(f"prob_{pv.problem}") if pv.problem else r.t("no_preview")
    if not item.retained:
        why = r.t("not_retained")
    box = Table(
        [[r.P(f"<b>{what}</b> ({r.tc.para(item.media_type, 80)})<br/>{why}", "center")]],
        colWidths=[300],
        rowHeights=[70],
        style=[
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#888888")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f2f2f2")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
        ],
    )
    return [box]


def item_page(r: ReportLayout, item: Item) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    from ..common.event_text import made_here_name

    shown = made_here_name(item.original_name, item.method, r.lang, derived=bool(item.derived_from))
    title = f"{escape(r.label(item))} — {r.tc.para(shown or item.relative_path or item.original_name, 200)}"
    out: list[Any] = [r.P(title, "h1"), *preview_flowable(r, item)]
    out += [Spacer(1, 6), r.P(r.t("sec_basic"), "h2"), r.kv_table(_basic_rows(r, item))]
    src_rows = _source_rows(r, item)
    if src_rows:
        out += [r.P(r.t("sec_source"), "h2"), r.kv_table(src_rows)]
    out.append(KeepTogether([r.P(r.t("sec_hashes"), "h2"), r.kv_table(_hash_rows(r, item))]))
    out += _field_tables(r, item)
    out += _events_table(r, item)
    return out


def _basic_rows(r: ReportLayout, item: Item) -> list[tuple[str, Any]]:
    tp = r.tp
    path = r.snap.paths.get(item.exhibit)
    method_key = f"method_{item.method}"
    basic: list[tuple[str, Any]] = [
        (tp("f_exhibit"), r.label(item)),
        (tp("f_name"), item.original_name),
    ]
    if item.relative_path:
        basic.append((tp("f_relpath"), item.relative_path))
    basic += [
        (tp("f_bundle_path"), path or tp("not_retained")),
        (tp("f_size"), tp("f_bytes", n=f"{item.size:,}")),
        (tp("f_media"), item.media_type),
        (tp("f_acq_kst"), r.kst(item.acquired_utc)),
        (tp("f_acq_utc"), r.utc(item.acquired_utc, item.tz_offset)),
        (tp("f_method"), tp(method_key) if method_key in TEXT else item.method),
        (tp("f_retained"), tp("yes") if item.retained else tp("not_retained")),
        (tp("f_log_index"), f"#{item.log_index}"),
    ]
    seal = r.snap.seal_lines.get(item.exhibit, {}).get(r.lang, [])
    if len(seal) > 1:  # the first line restates the collection time shown above
        basic.append((tp("f_sealed"), " / ".join(seal[1:])))
    if item.derived_from:
        parent = r.by_id.get(item.derived_from)
        basic.append((tp("f_derived"), r.label(parent) if parent else item.derived_from))
        basic.append((tp("f_derivation"), item.derivation or "—"))
    if item.group_id:
        basic.append((tp("f_group"), f"{item.group_id} #{item.group_part}"))
    if item.notes:
        basic.append((tp("f_notes"), item.notes))
    if item.metadata_note:
        from ..common.event_text import metadata_note_text

        basic.append((tp("f_meta_note"), metadata_note_text(item.metadata_note, r.lang)))
    return basic


def _source_rows(r: ReportLayout, item: Item) -> list[tuple[str, Any]]:
    from ..common.event_text import platform_text

    return [
        (r.tp(f"src_{f}"), platform_text(item.source.platform, r.lang) if f == "platform" else getattr(item.source, f))
        for f in ("platform", "url", "chatroom", "account", "date_seen", "posted_at", "description", "purpose")
        if getattr(item.source, f)
    ]


def _hash_rows(r: ReportLayout, item: Item) -> list[tuple[str, Any]]:
    hashes: list[tuple[str, Any]] = [
        ("SHA-256", item.sha256),
        ("MD5", item.md5 or "—"),
        ("SHA-1", item.sha1 or "—"),
    ]
    if item.stored_sha256 and item.stored_sha256 != item.sha256:
        hashes.append((r.tp("f_stored_sha"), item.stored_sha256))
    return hashes


def _field_tables(r: ReportLayout, item: Item) -> list[Any]:
    """The image facts, EXIF and capture details, each as its own table when present."""
    out: list[Any] = []
    if item.image:
        from ..common.event_text import image_field_label

        rows = [(image_field_label(str(k), r.lang), _flat(v)) for k, v in sorted(item.image.items())]
        out += [r.P(r.t("sec_image"), "h2"), r.kv_table(rows)]
    if item.exif:
        rows = [(str(k), str(v)) for k, v in sorted(item.exif.items())]
        out += [r.P(r.t("sec_exif"), "h2"), r.kv_table(rows, (170, 345))]
    if item.capture:
        rows = [(str(k), _flat(v)) for k, v in sorted(item.capture.items())]
        out += [r.P(r.t("sec_capture"), "h2"), r.kv_table(rows)]
    return out


def _events_table(r: ReportLayout, item: Item) -> list[Any]:
    from reportlab.platypus import Table

    events = r.events_by_item.get(item.id, [])
    if not events:
        return []
    widths = [36, 100, 80, 299]
    table_rows: list[list[Any]] = [r.header_row(["ev_seq", "ev_time", "ev_action", "ev_detail"])]
    for ev in events:
        table_rows.append(
            [
                r.fit(f"#{ev.seq}", widths[0]),
                r.fit(r.kst(ev.time_utc), widths[1]),
                r.fit(r.action(ev.action), widths[2]),
                r.event_cell(ev, widths[3]),
            ]
        )
    return [
        r.P(r.t("sec_events"), "h2"),
        Table(table_rows, colWidths=widths, repeatRows=1, style=grid(1), hAlign="LEFT"),
    ]


def _jpeg_size(jpeg: bytes) -> tuple[int, int]:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(jpeg)) as im:
        return im.size


def _flat(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={_flat(x)}" for k, x in sorted(v.items()))
    if isinstance(v, (list, tuple)):
        return ", ".join(_flat(x) for x in v)
    return str(v)
