"""The victim's guide to a takedown package: ``00-guide.pdf`` and ``00-guide.txt``.

A plain-language page: what each document is for, where to send it (d4u 02-735-8994,
KCSC 1377, police 112 / ECRM), that reporting to police is possible without having all
evidence, and what to fill in by hand. The text file says the same for phones.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from .takedown_forms import TakedownPackage
from .takedown_model import plain
from .takedown_text import TEXT, bilingual


def guide_rows(pkg: TakedownPackage, files: dict[str, list[str]]) -> list[tuple[str, tuple[str, str], tuple[str, str]]]:
    names = ", ".join(g.label or TEXT["unknown_platform"][0] for g in pkg.platforms) or "—"
    rows = [(", ".join(files["guide"]), bilingual("guide_f_guide"), bilingual("guide_f_guide_to"))]
    if files["request"]:
        rows.append(
            (
                "\n".join(files["request"]),
                bilingual("guide_f_request", platforms=plain(names, 300)),
                bilingual("guide_f_request_to"),
            )
        )
    rows.append((", ".join(files["d4u"]), bilingual("guide_f_d4u"), bilingual("guide_f_d4u_to")))
    rows.append((", ".join(files["hashes"]), bilingual("guide_f_hashes"), bilingual("guide_f_hashes_to")))
    if pkg.captures:
        rows.append(("captures/", bilingual("guide_f_captures"), bilingual("guide_f_captures_to")))
    rows.append(("manifest.json, SHA256SUMS", bilingual("guide_f_manifest"), bilingual("guide_f_manifest_to")))
    return rows


def care_key(pkg: TakedownPackage) -> str:
    return "guide_care_captures" if pkg.captures else "guide_care"


def guide_story(pkg: TakedownPackage, files: dict[str, list[str]]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    d = pkg.d
    story: list[Any] = [
        d.P(escape(TEXT["guide_title"][0]), "title"),
        d.P(escape(TEXT["guide_title"][1]), "title_en"),
        *d.bi("guide_intro"),
        *d.bi("guide_police_note", "h2", "en"),
        *d.bi("guide_files", "h2"),
    ]
    rows: list[list[Any]] = [[d.label("guide_col_file"), d.label("guide_col_what"), d.label("guide_col_where")]]
    for fname, what, where in guide_rows(pkg, files):
        rows.append(
            [
                d.P(escape(fname).replace("\n", "<br/>"), "small"),
                d.P(
                    f"{escape(what[0])}<br/><font size='7' color='#555555'>{escape(what[1])}</font>",
                    "cell",
                ),
                d.P(
                    f"{escape(where[0])}<br/><font size='7' color='#555555'>{escape(where[1])}</font>",
                    "cell",
                ),
            ]
        )
    story.append(d.table(rows, [42 * mm, 76 * mm, 56 * mm], header=True))
    story += d.bi("guide_contacts", "h2")
    for key in ("guide_c_d4u", "guide_c_kcsc", "guide_c_police", "guide_c_1366"):
        ko, en = bilingual(key)
        story += [d.P("• " + escape(ko), "body"), d.P(escape(en), "en")]
    story += [Spacer(1, 2 * mm), *d.bi(care_key(pkg))]
    story += d.bi("guide_todo", "h2")
    ko, en = bilingual("guide_todo_always")
    story += [d.P("• " + escape(ko), "body"), d.P(escape(en), "en")]
    for p in pkg.problems:
        story += [d.P("• " + escape(p.message("ko")), "body"), d.P(escape(p.message("en")), "en")]
    story += [Spacer(1, 2 * mm), *d.bi("guide_verify", "small", "en")]
    return story


def guide_text(pkg: TakedownPackage, files: dict[str, list[str]]) -> str:
    """The same guide as plain text (phones, no PDF viewer)."""
    lines = [TEXT["guide_title"][0], TEXT["guide_title"][1], ""]
    for key in ("guide_intro", "guide_police_note"):
        lines += [*bilingual(key), ""]
    lines += [" / ".join(bilingual("guide_files")), ""]
    for fname, what, where in guide_rows(pkg, files):
        lines += [
            f"* {fname.replace(chr(10), ', ')}",
            f"  {what[0]}",
            f"  {what[1]}",
            f"  → {where[0]} / {where[1]}",
            "",
        ]
    lines += [" / ".join(bilingual("guide_contacts")), ""]
    for key in ("guide_c_d4u", "guide_c_kcsc", "guide_c_police", "guide_c_1366"):
        ko, en = bilingual(key)
        lines += [f"* {ko}", f"  {en}"]
    lines += ["", *bilingual(care_key(pkg)), "", " / ".join(bilingual("guide_todo")), ""]
    lines += [f"* {m}" for m in bilingual("guide_todo_always")]
    for p in pkg.problems:
        lines += [f"* {p.message('ko')}", f"  {p.message('en')}"]
    lines += ["", *bilingual("guide_verify"), ""]
    return "\n".join(lines)
