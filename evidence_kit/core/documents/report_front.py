"""The report's opening pages: the cover, the incident summary and the evidence list.

범죄사실 is the incident the user wrote; 증거자료 세부 목록 is the complaint form's annex
table of every exhibit.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from ..common.model import Item
from .pdfstyle import FONT
from .report_layout import LIST_CELL_CHARS, ReportLayout, grid
from .report_text import heading, tool_label


def cover(r: ReportLayout) -> list[Any]:
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import Spacer, Table

    snap, case = r.snap, r.snap.case
    role = {"victim": "role_victim", "counselor": "role_counselor"}.get(case.role)
    not_given = r.tp("not_given")
    rows: list[tuple[str, Any]] = [
        (r.tp("case_name"), r.u(case.name, 500)),
        (r.tp("case_ref"), r.u(case.reference or not_given, 500)),
        (r.tp("prepared_by"), r.u(case.prepared_by or not_given, 300)),
        (r.tp("role"), r.tp(role) if role else case.role),
        (r.tp("organisation"), r.u(case.organisation or not_given, 300)),
        (r.tp("report_id"), snap.report_id),
        (
            r.tp("generated"),
            f"{r.kst(snap.created_utc)}\n{r.utc(snap.created_utc, snap.tz_offset)}",
        ),
        (r.tp("tool"), tool_label()),
        (r.tp("item_count"), str(len(snap.items))),
        (r.tp("fingerprint"), snap.fingerprint),
        (r.tp("manifest_sha"), r.sha),
        (r.tp("log_head"), r.tp("log_head_value", size=snap.head.size, root=snap.head.root.hex())),
    ]
    qr = QrCodeWidget(r.sha, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    size = 100.0
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.initialFontName = FONT  # else reportlab's graphics state pulls in Helvetica
    drawing.add(qr)
    qr_block = Table(
        [[drawing], [r.P(r.t("qr_caption"), "center")]],
        colWidths=[150],
        style=[("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTNAME", (0, 0), (-1, -1), FONT)],
    )
    notice = "clear_notice" if r.opts.clear_previews else "blur_notice"
    kept = [i.retained for i in snap.items if not i.derived_from]
    if notice == "blur_notice" and kept and not all(kept):  # never claim originals that are not there
        notice = "blur_notice_mixed" if any(kept) else "blur_notice_record_only"
    out: list[Any] = [
        Spacer(1, 30),
        r.P(r.t("title"), "title"),
        r.P(r.t("subtitle"), "subtitle"),
        r.kv_table(rows),
        Spacer(1, 12),
        qr_block,
        *([r.P(f"<b>{r.t('redacted_bundle_notice')}</b>", "notice")] if snap.redacted_only else []),
        r.P(r.t(notice), "notice"),
        r.P(r.t("tie_notice"), "small"),
        r.P(r.t("jargon_notice"), "small"),
    ]
    if case.prepared_by:
        out.append(r.P(r.t("pseudonym_note"), "small"))
    return out


INCIDENT_KEYS = (
    ("inc_when", ("일시", "when", "datetime", "time", "date")),
    ("inc_where", ("장소·공간", "장소/공간", "장소", "where", "place")),
    ("inc_how", ("방법", "how", "method")),
    ("inc_result", ("결과", "result", "outcome", "harm")),
)


def incident(r: ReportLayout) -> list[Any]:
    case = r.snap.case
    incident = {str(k): str(v) for k, v in (case.incident or {}).items()}
    used: set[str] = set()
    rows: list[tuple[str, Any]] = []
    for key, aliases in INCIDENT_KEYS:
        value = ""
        hits = (k for a in aliases for k in incident if k.strip().lower() == a and k not in used)
        match = next(hits, None)
        if match is not None:
            used.add(match)
            value = incident[match]
        rows.append((r.tp(key), r.u(value or r.tp("not_written"), 6000, "prose")))
    for k, v in incident.items():
        if k not in used:
            rows.append((k, r.u(v, 6000, "prose")))
    if case.description:
        rows.append((r.tp("case_description"), r.u(case.description, 6000, "prose")))
    if case.platforms:
        from ..common.event_text import platform_text

        shown = ", ".join(platform_text(str(p), r.lang) for p in case.platforms)
        rows.append((r.tp("platforms"), r.u(shown, 2000, "prose")))
    if case.suspects:
        rows.append((r.tp("suspects"), r.u("\n".join(map(str, case.suspects)), 4000, "prose")))
    # Prose of any length: label and paragraph (which can split across pages), never a
    # table cell (a cell taller than a page cannot be laid out).
    out: list[Any] = [
        r.P(heading("incident", r.lang), "h1"),
        r.P(r.t("incident_intro"), "small"),
    ]
    for label, value in rows:
        out += [r.P(r.tc.para(label, 200), "field"), value]
    return out


def author(r: ReportLayout, item: Item) -> str:
    """작성자(소유자) as plain text: the posting account, else who collected it."""
    if item.source.account:
        return f"{r.tp('poster')}: {item.source.account}"
    if item.method == "screen-capture":
        return r.tp("author_capture")
    return r.snap.case.prepared_by or r.tp("author_unknown")


def source_text(r: ReportLayout, item: Item) -> str:
    parts = []
    from ..common.event_text import platform_text

    for f in ("platform", "url", "chatroom", "account", "posted_at"):
        v = getattr(item.source, f)
        if f == "platform":
            v = platform_text(v, r.lang)
        if v:
            parts.append(f"{r.tp('src_' + f)}: {r.tc.visible(v, LIST_CELL_CHARS)}")
    return "\n".join(parts) or "—"


def evidence_list(r: ReportLayout) -> list[Any]:
    from reportlab.platypus import LongTable

    cols = [
        "col_no",
        "col_evidence",
        "col_author",
        "col_submit",
        "col_time",
        "col_source",
        "col_purpose",
        "col_note",
    ]
    widths = [26, 128, 70, 72, 62, 150, 112, 142]  # 762 = landscape A4 frame
    rows: list[list[Any]] = [r.header_row(cols)]
    submit = r.tp("submit_boxes")
    for item in r.snap.items:
        name = r.tc.para(item.relative_path or item.original_name, LIST_CELL_CHARS)
        size = r.t("f_bytes", n=f"{item.size:,}")
        ev = (
            f"<b>{escape(r.label(item))}</b><br/>{name}<br/>"
            f"<font size='6'>{r.tc.para(item.media_type, 80)}, {size}</font>"
        )
        note = f"SHA-256:\n{item.sha256[:32]}\n{item.sha256[32:]}"
        if not item.retained:
            note += "\n" + r.tp("not_retained")
        rows.append(
            [
                r.fit(str(item.exhibit), widths[0]),
                r.P(ev, "cell"),
                r.fit(author(r, item), widths[2], limit=LIST_CELL_CHARS),
                r.fit(submit, widths[3]),
                r.fit(r.kst(item.acquired_utc).replace(" ", "\n"), widths[4]),
                r.fit(source_text(r, item), widths[5], limit=None),
                r.fit(item.source.purpose or "—", widths[6], limit=LIST_CELL_CHARS),
                r.fit(note, widths[7], limit=None),
            ]
        )
    table = LongTable(rows, colWidths=widths, repeatRows=1, style=grid(1), hAlign="LEFT")
    return [r.P(heading("list_title", r.lang), "h1"), r.P(r.t("list_intro"), "small"), table]
