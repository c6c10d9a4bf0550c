"""PDF writing for the takedown package, and its "유포 경로" (near-duplicate) section.

The embedded font, styles, untrusted-text markup, tables and the numbered footer.

Untrusted text (URLs, account and file names, notes) never reaches reportlab markup raw:
control and format characters are stripped, characters the embedded font lacks are shown
as ``[U+XXXX]``, then it is XML-escaped; long URLs wrap. PDFs embed EvidenceKit Gothic
only (no Helvetica, not even the canvas's initial font).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..common import untrusted
from ..common.fsutil import atomic_write_bytes
from ..common.model import Item
from ..evidence.pdq_groups import NearDuplicateGroup
from ..evidence.perceptual import MATCH_THRESHOLD, MIN_QUALITY
from ..evidence.video import format_ms
from . import pdfstyle
from .pdfstyle import FONT  # one embedded font for every document
from .takedown_model import FIELD_CHARS, URL_CHARS, exhibit_label, plain
from .takedown_text import bilingual


def register_fonts() -> frozenset[int]:
    """Register the shared embedded TrueType faces (once); returns the code points they cover."""
    return pdfstyle.font_glyphs()


class TakedownDoc:
    """Styles, untrusted-text markup and PDF writing shared by the package's documents."""

    def __init__(self, doc_id: str = "", created_utc: str = "") -> None:
        self.glyphs = register_fonts()
        self.styles = pdfstyle.styles_with_prefix("form_")  # the one style sheet (issue 24)
        self.doc_id = doc_id
        self.created_utc = created_utc or "2000-01-01T00:00:00Z"

    # text: untrusted values go through u(); TEXT entries are ours (escaped anyway)
    def u(self, value: object, limit: int | None = FIELD_CHARS) -> str:
        return untrusted.pdf_paragraph(plain(value, limit), self.glyphs)

    def P(self, markup: str, style: str = "body") -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.styles[style])

    def bi(self, key: str, style: str = "body", en_style: str = "en", **kw: object) -> list[Any]:
        """A Korean paragraph followed by its English in smaller type."""
        ko, en = bilingual(key, **kw)
        return [self.P(escape(ko), style), self.P(escape(en), en_style)]

    def label(self, key: str, **kw: object) -> Any:
        ko, en = bilingual(key, **kw)
        return self.P(f"<b>{escape(ko)}</b><br/><font size='7' color='#555555'>{escape(en)}</font>", "cell")

    def table(
        self, rows: list[list[Any]], widths: list[float], *, header: bool = False, label_col: bool = False
    ) -> Any:
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        # splitInRow: a cell taller than a page (a very long URL) continues on the next page.
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell font is set even around Paragraphs
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
        if label_col:
            style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")))
        t.setStyle(TableStyle(style))
        return t

    def write(self, path: Path, story: list[Any], *, title: str, footer: str) -> int:
        """Build the PDF in memory, then write it durably; returns the page count."""
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        buf = io.BytesIO()
        pages: list[int] = []
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=20 * mm,
            initialFontName=FONT,  # else the canvas preamble names Helvetica (not embedded)
            invariant=1,
        )
        meta = pdfstyle.DocumentMeta(
            title=f"{self.doc_id} {title}".strip(), lang="ko", created_utc=self.created_utc, subject=title
        )
        doc.build(story, canvasmaker=_numbered_canvas(footer, pages, meta))
        atomic_write_bytes(path, buf.getvalue())
        return pages[0] if pages else 0


def _numbered_canvas(footer: str, pages_out: list[int], meta: pdfstyle.DocumentMeta | None = None) -> Any:
    """The documents' footer and "page X of Y" (in the embedded font) on every page."""

    def draw(c: Any, page: int, total: int) -> None:
        w, _h = c._pagesize
        c.setFont(FONT, 7)
        c.setFillGray(0.35)
        c.drawString(51, 28, footer)
        ko, en = bilingual("page_of", page=page, pages=total)
        c.drawRightString(w - 51, 28, f"{ko} · {en}")

    return pdfstyle.two_pass_canvas(draw, pages_out, None, meta)


def distribution_flowables(
    groups: Sequence[NearDuplicateGroup], items_by_id: dict[str, Item], *, doc: TakedownDoc | None = None
) -> list[Any]:
    """The "유포 경로" section: each near-duplicate group with where each copy was found.

    Reportlab flowables in the embedded font, usable in any story (the lead wires this into
    the main report); Korean with English beneath.
    """
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether

    d = doc or TakedownDoc()
    out: list[Any] = d.bi("d4u_groups_intro", threshold=MATCH_THRESHOLD, quality=MIN_QUALITY)
    if not groups:
        return out + d.bi("d4u_groups_none")
    for n, g in enumerate(groups, 1):
        ko, en = bilingual("d4u_group", n=n)
        rows: list[list[Any]] = [
            [
                d.label("form_col_exhibit"),
                d.label("d4u_col_platform"),
                d.label("form_col_where"),
                d.P("PDQ", "cell_b"),
            ]
        ]
        shows = {fm.picture: fm for fm in sorted(g.frame_matches, key=lambda f: -f.bits)}  # closest wins
        for key, near in zip(g.members, g.nearest, strict=True):
            it = items_by_id.get(key)
            if it is None:
                continue
            dk, de = bilingual("d4u_distance", d=near)
            fm, video = shows.get(key), None
            if fm is not None and (video := items_by_id.get(fm.video)) is not None:
                fk, fe = bilingual("d4u_frame", video=exhibit_label(video.exhibit), at=format_ms(fm.at_ms))
                dk, de = f"{dk} · {fk}", f"{de} · {fe}"
            where = d.u(it.source.url, URL_CHARS) or d.u(it.source.chatroom or it.source.description, 300) or "—"
            rows.append(
                [
                    d.P(escape(exhibit_label(it.exhibit)), "cell"),
                    d.P(d.u(it.source.platform, 200) or "—", "cell"),
                    d.P(where, "cell"),
                    d.P(f"{escape(dk)}<br/><font size='6.5' color='#555555'>{escape(de)}</font>", "small"),
                ]
            )
        out.append(
            KeepTogether(
                [
                    d.P(f"<b>{escape(ko)}</b> <font size='8' color='#555555'>({escape(en)})</font>", "body"),
                    d.table(rows, [26 * mm, 26 * mm, 88 * mm, 34 * mm], header=True),
                ]
            )
        )
    return out
