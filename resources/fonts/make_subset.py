"""Rebuild the report font from Debian's fonts-nanum (run by hand; output is committed).

    .venv/bin/pip install fonttools==4.68.0
    .venv/bin/python resources/fonts/make_subset.py

Keeps Hangul syllables and jamo, ASCII, Latin-1, general punctuation, arrows, box
drawing and geometric shapes (□ ■), CJK symbols and full-width forms, and maps U+2610
(☐, BALLOT BOX) to the font's □ glyph so the complaint form's check boxes render.

The OFL reserves the name "Nanum" for unmodified fonts: a subset is a Modified
Version, so it is renamed "EvidenceKit Gothic" (OFL-1.1 section 3). Copyright and
licence records in the name table are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SRC = Path("/usr/share/fonts/truetype/nanum")
OUT = Path(__file__).resolve().parent
RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x214F),  # letterlike symbols (№)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (□ ■ ○)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xFF00, 0xFFEF),  # half- and full-width forms
]
FAMILY = "EvidenceKit Gothic"


def build(src_name: str, style: str, out_name: str) -> None:
    font = TTFont(SRC / src_name)
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    unicodes = [c for lo, hi in RANGES for c in range(lo, hi + 1)]
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    # ☐ (U+2610) -> the □ glyph, in every Unicode cmap subtable.
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x25A1 in table.cmap:
            table.cmap[0x2610] = table.cmap[0x25A1]
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    ps = f"EvidenceKitGothic-{style}"
    for rec in font["name"].names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID in (2, 17):
            rec.string = style
        elif rec.nameID == 3:
            rec.string = f"{ps};subset of NanumGothic 2010"
        elif rec.nameID == 4:
            rec.string = full
        elif rec.nameID == 6:
            rec.string = ps
    font.save(OUT / out_name)
    print(out_name, (OUT / out_name).stat().st_size, file=sys.stderr)


if __name__ == "__main__":
    build("NanumGothic.ttf", "Regular", "EvidenceKitGothic-Regular.ttf")
    build("NanumGothicBold.ttf", "Bold", "EvidenceKitGothic-Bold.ttf")
