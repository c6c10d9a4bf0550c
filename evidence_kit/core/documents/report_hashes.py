"""해시값 확인서: the hash confirmation sheet the submitter signs.

With the 원본과 상위없음 statement (confirmed only when this build re-verified every retained
blob's SHA-256), the trusted timestamps and the out-of-band anchor (issue 15).
"""

from __future__ import annotations

from typing import Any

from .report_layout import LIST_CELL_CHARS, ReportLayout, grid
from .report_text import heading, tool_label


def hash_sheet(r: ReportLayout) -> list[Any]:
    from reportlab.platypus import KeepTogether, LongTable, Spacer

    snap = r.snap
    cols = ["h_exhibit", "h_name", "h_size", "h_alg", "h_value", "h_time", "h_tool"]
    widths = [48, 91, 44, 46, 146, 72, 68]  # 515 = portrait A4 frame
    rows: list[list[Any]] = [[r.P(r.t(c), "head") for c in cols]]
    tool = tool_label().replace(" ", "\n", 1)
    for item in snap.items:
        name = r.tc.visible(item.relative_path or item.original_name, LIST_CELL_CHARS)
        if not item.retained:
            name += "\n" + r.tp("not_retained")
        rows.append(
            [
                r.fit(r.label(item), widths[0]),
                r.fit(name, widths[1], limit=None),
                r.fit(f"{item.size:,}", widths[2]),
                r.fit("SHA-256", widths[3]),
                r.fit(f"{item.sha256[:32]}\n{item.sha256[32:]}", widths[4]),
                r.fit(r.kst(item.acquired_utc).replace(" ", "\n", 1), widths[5]),
                r.fit(tool, widths[6]),
            ]
        )
    table = LongTable(rows, colWidths=widths, repeatRows=1, style=grid(1), hAlign="LEFT")
    retained = [i for i in snap.items if i.retained]
    unverified = [i for i in retained if not (r.evidence.get(i.exhibit) and r.evidence[i.exhibit].verified)]
    if not retained:
        statement = r.t("identical_none")
    elif unverified:
        which = ", ".join(r.label(i) for i in unverified[:50]) + (" …" if len(unverified) > 50 else "")
        statement = r.t("identical_unconfirmed", which=which)
    else:
        statement = r.t("identical_confirmed", time=r.kst(snap.created_utc), tool=tool_label())
    out: list[Any] = [
        r.P(heading("hash_title", r.lang), "h1"),
        r.P(r.t("hash_intro", tool=tool_label()), "small"),
        Spacer(1, 4),
        table,
    ]
    tail: list[Any] = [r.P(f"<b>{statement}</b>", "statement")]
    stamped = snap.checkpoint_lines.get(r.lang, [])
    tail.append(r.P(r.t("sec_timestamps"), "h2"))
    for line in stamped or [r.tp("ts_none")]:
        tail.append(r.P(r.tc.para(line, 400), "small"))
    record_only = [i for i in snap.items if not i.retained]
    if record_only:
        which = ", ".join(r.label(i) for i in record_only[:50]) + (" …" if len(record_only) > 50 else "")
        tail.append(r.P(r.t("record_only_excluded", which=which), "small"))
    tail += anchor_block(r)
    name = r.tc.para(snap.case.prepared_by, 100) if snap.case.prepared_by else "_" * 22
    tail += [
        Spacer(1, 14),
        r.P(r.t("sign_date"), "statement"),
        Spacer(1, 14),
        r.P(r.t("sign_preparer", name="\x00").replace("\x00", name), "statement"),
        Spacer(1, 14),
        r.P(r.t("sign_witness"), "statement"),
    ]
    out.append(KeepTogether(tail))
    return out


def anchor_block(r: ReportLayout) -> list[Any]:
    """The out-of-band anchor (issue 15): fingerprint, manifest SHA-256 and log head,
    grouped with check codes, on the sheet the submitter signs and hands over on paper."""
    from reportlab.platypus import Spacer

    from ..crypto.anchor import readable

    head = r.snap.head
    rows = [
        (r.tp("fingerprint"), readable(r.snap.fingerprint, r.lang)),
        (r.tp("manifest_sha"), readable(r.sha, r.lang)),
        (r.tp("log_head"), r.tp("log_head_value", size=head.size, root=readable(head.root.hex(), r.lang))),
    ]
    return [Spacer(1, 8), r.P(r.t("anchor_title"), "h2"), r.P(r.t("anchor_intro"), "small"), r.kv_table(rows)]
