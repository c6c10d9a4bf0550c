"""The report's custody log pages: every event of the case and the signed log head."""

from __future__ import annotations

from typing import Any

from .report_layout import ReportLayout, grid
from .report_text import heading


def custody_log(r: ReportLayout) -> list[Any]:
    from reportlab.platypus import LongTable, Spacer

    snap = r.snap
    widths = [40, 120, 90, 70, 442]
    rows: list[list[Any]] = [r.header_row(["ev_seq", "ev_time", "ev_action", "ev_item", "ev_detail"])]
    for ev in snap.events:
        item = r.by_id.get(ev.item_id or "")
        rows.append(
            [
                r.fit(f"#{ev.seq}", widths[0]),
                r.fit(f"{r.kst(ev.time_utc)}\n{ev.time_utc} ({ev.tz_offset})", widths[1], limit=80),
                r.fit(r.action(ev.action), widths[2]),
                r.fit(r.label(item) if item else "—", widths[3]),
                r.event_cell(ev, widths[4]),
            ]
        )
    out: list[Any] = [r.P(heading("log_title", r.lang), "h1"), r.P(r.t("log_intro"), "small")]
    if snap.redacted:
        out.append(r.P(r.t("log_redacted", n=snap.redacted), "small"))
    out += [Spacer(1, 4), LongTable(rows, colWidths=widths, repeatRows=1, style=grid(1), hAlign="LEFT")]
    head = snap.head.fields
    rows2: list[tuple[str, Any]] = [
        (r.tp("head_size"), str(head.get("size"))),
        (r.tp("head_root"), str(head.get("root"))),
        (r.tp("head_time"), f"{r.kst(str(head.get('time')))} / {head.get('time')}"),
        (r.tp("head_key"), str(head.get("key"))),
        (r.tp("head_body"), r.u(snap.head.body.decode("utf-8"), 2000)),
        (r.tp("head_sig"), snap.head.signature.hex()),
    ]
    out += [Spacer(1, 8), r.P(r.t("head_title"), "h2"), r.kv_table(rows2, (170, 592))]
    return out
