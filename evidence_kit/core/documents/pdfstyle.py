"""One font registration, one style sheet and one set of archival PDF settings (issue 24).

Every PDF the kit writes (the report, its chat section, the takedown documents) takes its
fonts and paragraph styles from here, so no style can fall back to one of reportlab's
base-14 fonts (Helvetica is never embedded: on a computer without it, and in an archive
that requires embedded fonts, the text renders differently and Korean turns into boxes).

:func:`archival_canvas` makes the documents deterministic and archive-friendly:

- reportlab's invariant mode (no random /ID, no wall-clock dates); the creation date is
  the one the caller passes (the report: its snapshot's time), so the same snapshot always
  gives the same bytes;
- a document information dictionary with exactly Title, Subject, Creator, Producer
  ("Evidence Kit <version>") and the UTC creation date: no author, no file path;
- XMP metadata mirroring it (with the PDF/A-2b identification) and an sRGB output intent.

What that does and does not make PDF/A-2b conformant is written in docs/bundle.md.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ... import __version__
from ..common.errors import EvidenceKitError

log = logging.getLogger(__name__)

TOOL_NAME = "Evidence Kit"
FONT = "EvidenceKitGothic"
FONT_BOLD = "EvidenceKitGothic-Bold"
FONT_FILES = {FONT: "EvidenceKitGothic-Regular.ttf", FONT_BOLD: "EvidenceKitGothic-Bold.ttf"}
PDF_LANG = {"ko": "ko-KR", "en": "en"}


class FontError(EvidenceKitError):
    exit_code = 1
    ko = "보고서용 한글 글꼴 파일을 찾을 수 없습니다."
    en = "The Korean font for reports was not found."


def producer() -> str:
    return f"{TOOL_NAME} {__version__}"


# --------------------------------------------------------------------------- fonts


def fonts_dir() -> Path:
    """Where the font lives: env override, frozen app, or the source tree."""
    env = os.environ.get("EVIDENCE_KIT_RESOURCES")
    candidates = []
    if env:
        candidates.append(Path(env) / "fonts")
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources" / "fonts")
    candidates.append(Path(__file__).resolve().parents[3] / "resources" / "fonts")
    for c in candidates:
        if (c / FONT_FILES[FONT]).is_file():
            return c
    raise FontError("report font missing")


_registered = False


def register_fonts() -> None:
    """Register the embedded TrueType faces with reportlab (once per process)."""
    global _registered
    if _registered:
        return
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Binary (not ASCII85) image streams: smaller PDFs, and the pure-Python encoder was
    # a tenth of the build time.
    rl_config.useA85 = 0
    d = fonts_dir()
    for name, fn in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(d / fn)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _registered = True


@lru_cache(maxsize=1)
def font_glyphs() -> frozenset[int]:
    """The code points the embedded font can draw (others are shown as [U+XXXX])."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph.keys())


# --------------------------------------------------------------------------- styles


@lru_cache(maxsize=1)
def _sheet() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    # Every style derives from this one; the bullet font is set too (its default is Helvetica).
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11.5, splitLongWords=1, bulletFontName=FONT)

    def s(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {"base": base, **_report_styles(s), **_chat_styles(s), **_form_styles(s)}


_Derive = Callable[..., Any]  # s(name, **overrides): a style derived from the base style


def _report_styles(s: _Derive) -> dict[str, Any]:
    """The police-ready report."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER

    bold = {"fontName": FONT_BOLD}
    return {
        "small": s("small", fontSize=7, leading=9),
        "tiny": s("tiny", fontSize=6.3, leading=8),
        "cell": s("cell", fontSize=7, leading=8.8),
        "cellb": s("cellb", **bold, fontSize=7, leading=8.8),
        "head": s("head", **bold, fontSize=7, leading=8.8, alignment=TA_CENTER),
        "title": s("title", **bold, fontSize=22, leading=28, alignment=TA_CENTER, spaceAfter=6),
        "subtitle": s(
            "subtitle",
            fontSize=10,
            leading=14,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#444444"),
            spaceAfter=14,
        ),
        "h1": s("h1", **bold, fontSize=14, leading=19, spaceAfter=6),
        "h2": s("h2", **bold, fontSize=10, leading=14, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "notice": s(
            "notice",
            fontSize=8,
            leading=11,
            borderColor=colors.HexColor("#888888"),
            borderWidth=0.5,
            borderPadding=5,
            backColor=colors.HexColor("#f4f4f4"),
            spaceBefore=8,
            spaceAfter=8,
        ),
        "cmd": s(
            "cmd",
            fontSize=7.5,
            leading=10,
            backColor=colors.HexColor("#eeeeee"),
            borderPadding=3,
            leftIndent=6,
            spaceBefore=2,
            spaceAfter=5,
        ),
        "field": s(
            "field",
            **bold,
            fontSize=9.5,
            leading=13,
            spaceBefore=9,
            spaceAfter=6,
            keepWithNext=1,
            borderWidth=0,
            textColor=colors.HexColor("#222222"),
        ),
        "prose": s(
            "prose",
            fontSize=9,
            leading=13,
            leftIndent=8,
            borderColor=colors.HexColor("#bbbbbb"),
            borderWidth=0.5,
            borderPadding=4,
            spaceBefore=2,
            spaceAfter=4,
        ),
        "statement": s("statement", fontSize=9, leading=13, spaceBefore=8, spaceAfter=6),
        "center": s("center", fontSize=7, leading=9, alignment=TA_CENTER),
    }


def _chat_styles(s: _Derive) -> dict[str, Any]:
    """The report's chat section."""
    from reportlab.lib import colors

    return {
        "chat_h1": s("chat_h1", fontSize=13, leading=17, spaceBefore=6, spaceAfter=6),
        "chat_h2": s("chat_h2", fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=4),
        "chat_body": s("chat_body", spaceAfter=3),
        "chat_cell": s("chat_cell", wordWrap="CJK"),
        "chat_label": s("chat_label", textColor=colors.HexColor("#333333")),
        "chat_small": s("chat_small", fontSize=7, leading=10.2),
    }


def _form_styles(s: _Derive) -> dict[str, Any]:
    """The takedown documents."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT

    grey = colors.HexColor("#555555")
    bold = {"fontName": FONT_BOLD}
    return {
        "form_title": s("form_title", **bold, fontSize=15, leading=20, spaceAfter=2),
        "form_title_en": s("form_title_en", fontSize=9.5, leading=12, textColor=grey, spaceAfter=6),
        "form_en_right": s("form_en_right", fontSize=8, leading=10.5, textColor=grey, alignment=TA_RIGHT),
        "form_h2": s("form_h2", **bold, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4),
        "form_body": s("form_body", fontSize=9.5, leading=13.5, spaceAfter=3),
        "form_en": s("form_en", fontSize=8, leading=10.5, textColor=grey, spaceAfter=4),
        "form_cell": s("form_cell", fontSize=8.5, leading=11),
        "form_cell_b": s("form_cell_b", **bold, fontSize=8.5, leading=11),
        "form_small": s("form_small", fontSize=7.5, leading=9.5),
        "form_closing": s("form_closing", fontSize=10.5, leading=15, spaceBefore=12),
        "form_right": s("form_right", fontSize=10, leading=14, alignment=TA_RIGHT),
    }


def style_sheet() -> dict[str, Any]:
    """The one set of paragraph styles (all in the embedded font); callers pick by name."""
    return _sheet()


def styles_with_prefix(prefix: str) -> dict[str, Any]:
    """The styles named ``prefix + name``, keyed by ``name`` (a document's own view)."""
    return {k[len(prefix) :]: v for k, v in _sheet().items() if k.startswith(prefix)}


# --------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class DocumentMeta:
    """What a PDF says about itself. Only our own strings: never a path or an author."""

    title: str
    lang: str  # "ko" | "en"
    created_utc: str  # ISO 8601, "2026-11-27T03:30:00Z" (the snapshot's time, not the clock's)
    subject: str = ""

    @property
    def pdf_lang(self) -> str:
        return PDF_LANG.get(self.lang, "en")

    def pdf_date(self) -> str:
        d = _digits(self.created_utc)
        return f"D:{d}+00'00'"

    def xmp_date(self) -> str:
        d = _digits(self.created_utc)
        return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def _digits(iso: str) -> str:
    d = "".join(ch for ch in iso if ch.isdigit())[:14]
    return (d + "20000101000000"[len(d) :]) if len(d) < 14 else d


def xmp_packet(meta: DocumentMeta) -> bytes:
    """XMP mirroring the information dictionary, with the PDF/A-2b identification.

    Every value is XML-escaped: a value can never close an element or add one.
    """

    def x(v: str) -> str:
        return escape(_xml_chars(v), {'"': "&quot;"})

    lang = x(meta.pdf_lang)
    date = meta.xmp_date()
    desc = (
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{x(meta.subject)}</rdf:li></rdf:Alt></dc:description>'
        if meta.subject
        else ""
    )
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(meta.title)}</rdf:li></rdf:Alt></dc:title>\n'
        f"{desc}\n"
        f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n"
        "<dc:format>application/pdf</dc:format>\n"
        f"<xmp:CreateDate>{date}</xmp:CreateDate>\n"
        f"<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{date}</xmp:MetadataDate>\n"
        f"<xmp:CreatorTool>{x(producer())}</xmp:CreatorTool>\n"
        f"<pdf:Producer>{x(producer())}</pdf:Producer>\n"
        "<pdfaid:part>2</pdfaid:part>\n"
        "<pdfaid:conformance>B</pdfaid:conformance>\n"
        "</rdf:Description>\n"
        "</rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return body.encode("utf-8")


def _xml_chars(v: str) -> str:
    """Only characters XML 1.0 allows (a NUL or lone surrogate would make the packet unreadable)."""
    return "".join(
        ch
        for ch in v
        if ch in "\t\n\r" or ("\x20" <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch >= "\U00010000"
    )


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile (from littlecms via Pillow) with its date fixed, so output is reproducible."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # Header bytes 24..35: creation date/time (six uint16). 84..99: profile ID (zero = not computed).
    data[24:36] = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    data[84:100] = bytes(16)
    return bytes(data)


def _install_metadata(canvas: Any, meta: DocumentMeta) -> None:
    """Replace reportlab's info dictionary and add XMP and the output intent to the catalog."""
    from reportlab.pdfbase import pdfdoc

    doc = canvas._doc

    class _Info(pdfdoc.PDFInfo):  # type: ignore[misc]
        def digest(self, md5object: Any) -> None:
            for v in (meta.title, meta.subject, meta.created_utc):
                md5object.update(v.encode("utf-8", "replace"))

        def format(self, document: Any) -> bytes:
            d: dict[str, Any] = {
                "Title": pdfdoc.PDFString(meta.title),
                "Creator": pdfdoc.PDFString(producer()),
                "Producer": pdfdoc.PDFString(producer()),
                "CreationDate": pdfdoc.PDFString(meta.pdf_date()),
                "ModDate": pdfdoc.PDFString(meta.pdf_date()),
            }
            if meta.subject:
                d["Subject"] = pdfdoc.PDFString(meta.subject)
            return bytes(pdfdoc.PDFDictionary(d).format(document))

    doc.info = _Info()

    class _Unfiltered(pdfdoc.PDFStream):  # type: ignore[misc]
        """PDF/A: the metadata stream carries no Filter (readable by tools that only grep)."""

        def format(self, document: Any) -> bytes:
            d = pdfdoc.PDFDictionary(self.dictionary.dict.copy())
            content = document.encrypt.encode(self.content)
            d["Length"] = len(content)
            return bytes(pdfdoc.format(d, document) + b"\nstream\n" + content + b"\nendstream\n")

    xmp = _Unfiltered(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        xmp_packet(meta),
    )
    icc = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 3}), srgb_profile())
    intent = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("OutputIntent"),
            "S": pdfdoc.PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": pdfdoc.PDFString("sRGB IEC61966-2.1"),
            "Info": pdfdoc.PDFString("sRGB IEC61966-2.1"),
            "RegistryName": pdfdoc.PDFString("http://www.color.org"),
            "DestOutputProfile": doc.Reference(icc),
        }
    )
    cat = doc.Catalog
    cat.Metadata = xmp
    cat.OutputIntents = pdfdoc.PDFArray([intent])
    cat.Lang = pdfdoc.PDFString(meta.pdf_lang)
    if "OutputIntents" not in cat.__NoDefault__:
        cat.__NoDefault__ = [*cat.__NoDefault__, "OutputIntents"]


def two_pass_canvas(
    draw_footer: Callable[[Any, int, int], None],
    pages_out: list[int],
    on_page: Callable[[int], None] | None = None,
    meta: DocumentMeta | None = None,
) -> Any:
    """A canvas class that keeps each page until the count is known, then calls
    ``draw_footer(canvas, page, total)`` on every page ("page X of Y"). With ``meta`` the
    document is written in invariant mode with that metadata (see the module docstring)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if meta is not None:
                kwargs["invariant"] = 1
                kwargs["lang"] = meta.pdf_lang
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            if on_page is not None:
                on_page(len(self._pages))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            pages_out.append(total)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                draw_footer(self, self._pageNumber, total)
                self.restoreState()
                super().showPage()
            if meta is not None:
                _install_metadata(self, meta)
            super().save()

    return NumberedCanvas


__all__ = [
    "FONT",
    "FONT_BOLD",
    "FONT_FILES",
    "DocumentMeta",
    "FontError",
    "font_glyphs",
    "fonts_dir",
    "producer",
    "register_fonts",
    "srgb_profile",
    "style_sheet",
    "styles_with_prefix",
    "two_pass_canvas",
    "xmp_packet",
]
