"""The report's page kit: text cleaning, grids, the footer and the shared layout state.

:class:`ReportLayout` holds the snapshot and the small helpers every section builder uses.

Untrusted text (file names, EXIF, notes, URLs, even case fields) never reaches reportlab's
markup parser raw: :class:`TextCleaner` applies core/untrusted.py's one rule set, caps the
length, then XML-escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..common import untrusted
from ..common.clock import to_kst, utc_display
from ..common.model import CustodyEvent, Item
from . import pdfstyle
from .pdfstyle import FONT, FONT_BOLD, TOOL_NAME
from .report_input import ItemEvidence, ReportOptions
from .report_text import TEXT, tr

if TYPE_CHECKING:
    from .snapshot import CaseSnapshot

# Display caps for untrusted text (the exact values are in manifest.json).
LIST_CELL_CHARS = 300
FIELD_CHARS = 2000
LOG_DETAIL_CHARS = 400

CELL_SIZE = 7.0
CELL_LEADING = 8.8
CELL_PAD = 3.0


class TextCleaner:
    """Untrusted text for reportlab: core/untrusted.py's one rule set, with the font's glyphs."""

    def __init__(self, glyphs: Iterable[int]) -> None:
        self._glyphs = frozenset(glyphs)
        self._cache: dict[str, str] = {}

    @classmethod
    def for_font(cls) -> TextCleaner:
        return cls(pdfstyle.font_glyphs())

    def visible(self, text: object, limit: int | None = None, *, multiline: bool = False) -> str:
        """Plain text (no markup) with invisible/unrenderable characters shown as [U+XXXX]."""
        return untrusted.pdf_text(text, self._glyphs, limit, multiline=multiline)

    def para(self, text: object, limit: int | None = FIELD_CHARS, *, multiline: bool = False) -> str:
        """Escaped Paragraph markup for untrusted text."""
        key = f"{limit}\x00{int(multiline)}\x00{text}"
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out = untrusted.pdf_paragraph(text, self._glyphs, limit, multiline=multiline)
        if len(self._cache) < 4096:
            self._cache[key] = out
        return out


def grid(header_rows: int = 0, bold_first_col: bool = False) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e4e4e4")))
        cmds.append(("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"))
    if bold_first_col:
        cmds.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")))
        cmds.append(("FONTNAME", (0, 0), (0, -1), FONT_BOLD))
    return TableStyle(cmds)


def numbered_canvas(
    lang: str,
    report_id: str,
    manifest_sha256: str,
    pages_out: list[int],
    on_page: Callable[[int], None] | None,
    meta: pdfstyle.DocumentMeta | None = None,
) -> Any:
    """The report's footer: tool, report ID, page X of Y, and the manifest SHA-256."""
    from reportlab.lib import colors

    def footer(c: Any, page: int, total: int) -> None:
        w, _h = c._pagesize
        c.setFillColor(colors.HexColor("#333333"))
        c.setStrokeColor(colors.HexColor("#999999"))
        c.setLineWidth(0.4)
        c.line(40, 40, w - 40, 40)
        c.setFont(FONT, 7)
        c.drawString(40, 30, f"{TOOL_NAME} · " + tr("footer", lang, rid=report_id))
        c.drawRightString(w - 40, 30, tr("page_of", lang, page=page, pages=total))
        c.setFont(FONT, 6.5)
        c.drawString(40, 21, tr("footer_manifest", lang, sha=manifest_sha256))

    return pdfstyle.two_pass_canvas(footer, pages_out, on_page, meta)


class ReportLayout:
    """A snapshot's shared state for the section builders, and their small helpers.

    Speed matters (a 1,000-item report is 1,000+ pages): table cells are plain strings,
    drawn without any markup parsing, whenever the (cleaned) text fits its column;
    only text that must wrap becomes an (escaped) Paragraph.
    """

    def __init__(
        self,
        snap: CaseSnapshot,
        manifest_sha256: str,
        evidence: dict[int, ItemEvidence],
        options: ReportOptions,
    ) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self._width = stringWidth
        self.snap = snap
        self.sha = manifest_sha256
        self.evidence = evidence
        self.lang = options.lang if options.lang in ("ko", "en") else "ko"
        self.opts = options
        self.s = pdfstyle.style_sheet()
        self.tc = TextCleaner.for_font()
        self.by_id = {i.id: i for i in snap.items}
        self.events_by_item: dict[str, list[CustodyEvent]] = {}
        for ev in snap.events:
            if ev.item_id:
                self.events_by_item.setdefault(ev.item_id, []).append(ev)

    # ---------------------------------------------------------------- helpers

    def t(self, key: str, **kw: object) -> str:
        """Report text as Paragraph markup (escaped)."""
        return escape(tr(key, self.lang, **kw))

    def tp(self, key: str, **kw: object) -> str:
        """Report text as plain text (for plain table cells)."""
        return tr(key, self.lang, **kw)

    def P(self, markup: str, style: str = "base") -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.s[style])

    def u(self, text: object, limit: int | None = FIELD_CHARS, style: str = "cell") -> Any:
        """A Paragraph of untrusted text."""
        return self.P(self.tc.para(text, limit, multiline=True), style)

    def fit(self, text: object, width: float, *, bold: bool = False, limit: int | None = FIELD_CHARS) -> Any:
        """A plain cell if the cleaned text fits ``width`` on at most 8 lines, else a Paragraph."""
        v = self.tc.visible(text, limit, multiline=True)
        lines = v.split("\n")
        font = FONT_BOLD if bold else FONT
        if len(lines) <= 8 and all(self._width(ln, font, CELL_SIZE) <= width - 2 * CELL_PAD for ln in lines):
            return v
        return self.P(escape(v).replace("\n", "<br/>"), "cellb" if bold else "cell")

    def label(self, item: Item) -> str:
        return item.exhibit_label_ko if self.lang == "ko" else item.exhibit_label_en

    def kst(self, iso: str) -> str:
        try:
            return to_kst(iso)
        except ValueError:
            return self.tc.visible(iso, 64)

    def utc(self, iso: str, offset: str = "") -> str:
        try:
            s = utc_display(iso)
        except ValueError:
            return self.tc.visible(iso, 64)
        return f"{s} ({self.tc.visible(offset, 16)})" if offset else s

    def kv_table(self, rows: Sequence[tuple[str, Any]], widths: tuple[float, float] = (130, 385)) -> Any:
        """Two columns: label (plain text) and value (plain text, or a flowable as is)."""
        from reportlab.platypus import Table

        data = [
            [
                self.fit(k, widths[0], bold=True, limit=200),
                self.fit(v, widths[1]) if isinstance(v, str) else v,
            ]
            for k, v in rows
        ]
        return Table(data, colWidths=list(widths), style=grid(bold_first_col=True), hAlign="LEFT")

    def header_row(self, keys: Sequence[str]) -> list[Any]:
        if self.lang == "ko":
            return [self.P(self.t(c), "head") for c in keys]
        return [self.P(f"{self.t(c)}<br/><font size='5.5'>{escape(TEXT[c][0])}</font>", "head") for c in keys]

    def action(self, action: str) -> str:
        key = f"act_{action}"
        return self.tp(key) if key in TEXT else self.tc.visible(action, 40)

    def event_cell(self, ev: CustodyEvent, width: float) -> Any:
        """The event as a sentence, with the recorded fields small on a second line (issue 16)."""
        from ..common.event_text import event_fields, event_sentence

        sentence = escape(self.tc.visible(event_sentence(ev, self.lang), LOG_DETAIL_CHARS, multiline=True))
        fields = escape(self.tc.visible(event_fields(ev), LOG_DETAIL_CHARS, multiline=True))
        small = f"<br/><font size='5.5' color='#555555'>{fields}</font>" if fields else ""
        return self.P(sentence + small, "cell")
