"""The takedown request forms (one per platform) and the d4u deletion-support summary.

``01-request-NN-<platform>.pdf`` is the 불법촬영물등 유통 신고·삭제요청서 (「전기통신사업법」
제22조의5제1항), pre-filled from the items' source fields: every URL with its exhibit
numbers, or a description / search terms where there is no URL; requester and check boxes
left for hand filling unless given. ``02-d4u-summary.pdf`` is what the
디지털성범죄피해자지원센터 asks for: URLs, keywords, the captures that identify the material,
when and under which account it was posted, whether the original is held, and the
near-duplicate groups ("유포 경로"). ``TakedownPackage`` holds what every document of one
package shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from ... import __version__
from ..common.clock import to_kst
from ..common.model import Case, Item
from ..evidence.pdq_groups import NearDuplicateGroup
from ..evidence.perceptual import PdqOutcome, status_of
from .takedown_model import (
    REASONS,
    REQUEST_TYPES,
    URL_CHARS,
    PlatformGroup,
    TakedownOptions,
    TakedownProblem,
    Target,
    exhibit_label,
    exhibits_text,
    plain,
)
from .takedown_pdf import TakedownDoc, distribution_flowables
from .takedown_text import TEXT, bilingual

BOX_EMPTY = "☐"  # U+2610: mapped to the font's box glyph (resources/fonts/README.md)
BOX_CHECKED = "▣"  # U+25A3, the check mark used on Korean forms


class TakedownPackage:
    """One package being written: the case, its items, targets, groups and problems, and the
    cells every document of it shares (check boxes, "where", "posted")."""

    def __init__(
        self,
        case: Case,
        items: list[Item],
        outcomes: dict[str, PdqOutcome],
        groups: list[NearDuplicateGroup],
        platforms: list[PlatformGroup],
        problems: list[TakedownProblem],
        options: TakedownOptions,
        package_id: str,
        now_utc: str,
    ) -> None:
        self.case = case
        self.items = items
        self.by_id = {i.id: i for i in items}
        self.outcomes = outcomes
        self.groups = groups
        self.platforms = platforms
        self.problems = problems
        self.options = options
        self.package_id = package_id
        self.now_utc = now_utc
        self.captures: list[tuple[str, Item]] = []
        self.d = TakedownDoc(package_id, now_utc)

    @property
    def footer(self) -> str:
        return f"Evidence Kit {__version__} · {self.package_id} · {to_kst(self.now_utc)}"

    def pdq_status(self, item: Item) -> str:
        o = self.outcomes.get(item.id)
        return o.status if o else status_of(item)

    def boxes(self, options: Sequence[tuple[str, str, str]], chosen: Sequence[str]) -> Any:
        d = self.d
        parts = [
            f"{BOX_CHECKED if key in chosen else BOX_EMPTY} {escape(ko)}"
            f" <font size='7' color='#555555'>({escape(en)})</font>"
            for key, ko, en in options
        ]
        return d.P("&nbsp;&nbsp;&nbsp;".join(parts), "cell")

    def where(self, target: Target) -> str:
        """The "where" cell: the URL, or a description and search terms; untrusted, escaped."""
        d = self.d
        if target.url:
            return d.u(target.url, URL_CHARS)
        bits: list[str] = []
        ko_no, en_no = bilingual("form_no_url")
        bits.append(f"<font color='#555555'>[{escape(ko_no)} · {escape(en_no)}]</font>")
        for attr, key in (("chatroom", "form_chatroom"), ("account", "form_account")):
            vals = target.values(attr)
            if vals:
                bits.append(f"{escape(TEXT[key][0])}: {d.u(', '.join(vals))}")
        for v in target.values("description"):
            bits.append(d.u(v))
        if len(bits) == 1:  # nothing about this place: the requester must write it in
            ko, en = bilingual("form_fill_by_hand")
            bits.append(f"{escape(ko)} <font size='7'>({escape(en)})</font>")
        if self.options.keywords:
            bits.append(f"{escape(TEXT['form_keywords'][0])}: {d.u(', '.join(self.options.keywords))}")
        return "<br/>".join(bits)

    def posted(self, target: Target, *, seen: bool = False) -> str:
        d = self.d
        lines = [d.u(v, 300) for v in target.values("account")]
        lines += [f"{escape(TEXT['form_posted'][0])} {d.u(v, 100)}" for v in target.values("posted_at")]
        if seen:
            lines += [f"{escape(TEXT['form_seen'][0])} {d.u(v, 100)}" for v in target.values("date_seen")]
        return "<br/>".join(lines) or "—"

    # ---------------------------------------------------------------- request

    def request_story(self, group: PlatformGroup) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d, o = self.d, self.options
        story: list[Any] = [
            d.P(escape(TEXT["form_title"][0]), "title"),
            d.P(escape(TEXT["form_title"][1]), "title_en"),
            *d.bi("form_law", "body"),
        ]
        platform = d.u(group.label, 300) if group.label else escape(" · ".join(bilingual("unknown_platform")))
        name = d.u(o.requester_name, 300) if o.requester_name.strip() else escape(TEXT["blank"][0])
        contact = d.u(o.requester_contact, 300) if o.requester_contact.strip() else escape(TEXT["blank"][0])
        name_ko, name_en = bilingual("form_name")
        contact_ko, contact_en = bilingual("form_contact")
        rows = [
            [d.label("form_provider"), d.P(f"<b>{platform}</b>", "cell")],
            [
                d.label("form_requester"),
                d.P(
                    f"{escape(name_ko)} <font size='7' color='#555555'>({escape(name_en)})</font>: "
                    f"{name}<br/>"
                    f"{escape(contact_ko)} <font size='7' color='#555555'>({escape(contact_en)})</font>: "
                    f"{contact}",
                    "cell",
                ),
            ],
            [d.label("form_type"), self.boxes(REQUEST_TYPES, o.request_types)],
            [d.label("form_reason"), self.boxes(REASONS, o.reasons)],
        ]
        story += [Spacer(1, 3 * mm), d.table(rows, [38 * mm, 136 * mm], label_col=True)]
        story += self._request_targets(group)
        story += self._request_closing(group)
        # TEXT["form_to"] with the (already escaped) platform put in after escaping the template
        to_ko, to_en = (escape(x).replace("{platform}", platform) for x in TEXT["form_to"])
        story += [d.P(f"<b>{to_ko}</b> <font size='8' color='#555555'>({to_en})</font>", "body")]
        return story


    def _request_targets(self, group: PlatformGroup) -> list[Any]:
        """The table of places: one row per URL (or description) with exhibits and posting."""
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d = self.d
        head = [d.label(k) for k in ("form_col_no", "form_col_where", "form_col_exhibit", "form_col_posted")]
        trows: list[list[Any]] = [head]
        for n, target in enumerate(group.targets, 1):
            trows.append(
                [
                    d.P(str(n), "cell"),
                    d.P(self.where(target), "cell"),
                    d.P(escape(exhibits_text(target.exhibits)), "cell"),
                    d.P(self.posted(target), "cell"),
                ]
            )
        return [
            Spacer(1, 4 * mm),
            d.P(
                f"<b>{escape(TEXT['form_targets'][0])}</b> <font size='8' color='#555555'>"
                f"({escape(TEXT['form_targets'][1])})</font>",
                "body",
            ),
            d.table(trows, [10 * mm, 92 * mm, 32 * mm, 40 * mm], header=True),
        ]

    def _request_closing(self, group: PlatformGroup) -> list[Any]:
        """Attachments, the statutory closing sentence, date and signature lines."""
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d = self.d
        exhibits = sorted({n for t in group.targets for n in t.exhibits})
        ko, en = bilingual("form_attach_text", exhibits=exhibits_text(exhibits))
        return [
            Spacer(1, 3 * mm),
            d.table(
                [
                    [
                        d.label("form_attach"),
                        d.P(f"{escape(ko)}<br/><font size='7' color='#555555'>{escape(en)}</font>", "cell"),
                    ]
                ],
                [38 * mm, 136 * mm],
                label_col=True,
            ),
            *d.bi("form_closing", "closing"),
            Spacer(1, 6 * mm),
            d.P(escape(TEXT["form_date"][0]).format(gap="&nbsp;" * 10), "right"),
            Spacer(1, 4 * mm),
            d.P(escape(TEXT["form_sign"][0]).format(gap="&nbsp;" * 36), "right"),
            d.P(escape(TEXT["form_sign"][1]), "en_right"),
            Spacer(1, 6 * mm),
        ]

    # ------------------------------------------------------------------ d4u

    def d4u_story(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d, c = self.d, self.case
        images_key = "d4u_with_images" if self.options.include_captures else "d4u_no_images"
        img_ko, img_en = bilingual(images_key)
        intro_ko = TEXT["d4u_intro"][0].format(images=img_ko)
        intro_en = TEXT["d4u_intro"][1].format(images=img_en)
        targets = [t for g in self.platforms for t in g.targets]
        held = sum(1 for i in self.items if i.retained)
        story: list[Any] = [
            d.P(escape(TEXT["d4u_title"][0]), "title"),
            d.P(escape(TEXT["d4u_title"][1]), "title_en"),
            d.P(escape(intro_ko), "body"),
            d.P(escape(intro_en), "en"),
        ]
        rows = [
            [d.label("d4u_case"), d.P(d.u(c.name, 300), "cell")],
            [d.label("d4u_case_ref"), d.P(d.u(c.reference, 300) or "—", "cell")],
            [d.label("d4u_generated"), d.P(escape(f"{to_kst(self.now_utc)} ({self.now_utc})"), "cell")],
            [d.label("d4u_package"), d.P(escape(self.package_id), "cell")],
            [d.label("d4u_counts"), d.P(escape(f"{len(self.items)} / {len(targets)} / {held}"), "cell")],
        ]
        story += [Spacer(1, 3 * mm), d.table(rows, [48 * mm, 126 * mm], label_col=True)]
        story += self._d4u_where()
        story += self._d4u_keywords(targets)
        story += d.bi("d4u_groups", "h2")
        story += self.group_flowables()
        story += self._d4u_problems_and_captures()
        return story

    def _d4u_where(self) -> list[Any]:
        """1. Where the material was posted: one row per place, with whether the original is held."""
        from reportlab.lib.units import mm

        d = self.d
        story: list[Any] = []
        story += d.bi("d4u_where", "h2")
        head = [
            d.label(k)
            for k in (
                "form_col_no",
                "d4u_col_platform",
                "form_col_where",
                "d4u_col_when",
                "form_col_exhibit",
                "d4u_col_original",
            )
        ]
        rows = [head]
        n = 0
        for g in self.platforms:
            for t in g.targets:
                n += 1
                held_ex = [it.exhibit for it in t.items if it.retained]
                original = (
                    f"{escape(TEXT['d4u_yes'][0])} ({escape(exhibits_text(sorted(set(held_ex))))})"
                    if held_ex
                    else escape(TEXT["d4u_no"][0])
                )
                rows.append(
                    [
                        d.P(str(n), "cell"),
                        d.P(d.u(g.label, 200) or escape(TEXT["unknown_platform"][0]), "cell"),
                        d.P(self.where(t), "cell"),
                        d.P(self.posted(t, seen=True), "small"),
                        d.P(escape(exhibits_text(t.exhibits)), "cell"),
                        d.P(original, "cell"),
                    ]
                )
        if n:
            story.append(d.table(rows, [8 * mm, 22 * mm, 62 * mm, 34 * mm, 26 * mm, 22 * mm], header=True))
        else:
            story.append(d.P("—", "body"))
        return story

    def _d4u_keywords(self, targets: list[Target]) -> list[Any]:
        """2. Search terms: the user's, then chat room and account names."""
        d = self.d
        story: list[Any] = []
        story += d.bi("d4u_keywords", "h2")
        terms = list(dict.fromkeys(k for k in (plain(k, 300) for k in self.options.keywords) if k))
        derived = [v for t in targets for v in t.values("chatroom") + t.values("account")]
        if terms:
            story.append(d.P(", ".join(d.u(k, 300) for k in terms), "body"))
        else:
            story += d.bi("d4u_keywords_none", "body")
        if derived:
            story.append(
                d.P(
                    f"{escape(TEXT['form_chatroom'][0])}·{escape(TEXT['form_account'][0])}: "
                    + ", ".join(d.u(v, 300) for v in dict.fromkeys(derived)),
                    "body",
                )
            )
        return story

    def _d4u_problems_and_captures(self) -> list[Any]:
        """4. What to check by hand; 5. the image copies, when the user chose to include them."""
        from reportlab.lib.units import mm

        d = self.d
        story: list[Any] = []
        story += d.bi("d4u_problems", "h2")
        if self.problems:
            for p in self.problems:
                story += [d.P("• " + escape(p.message("ko")), "body"), d.P(escape(p.message("en")), "en")]
        else:
            story += d.bi("d4u_problems_none", "body")
        if self.captures:
            story += d.bi("d4u_captures", "h2")
            rows = [[d.label("form_col_exhibit"), d.label("guide_col_file"), d.P("SHA-256", "cell_b")]]
            for path, it in self.captures:
                rows.append(
                    [
                        d.P(escape(exhibit_label(it.exhibit)), "cell"),
                        d.P(escape(path), "cell"),
                        d.P(escape(it.sha256), "small"),
                    ]
                )
            story.append(d.table(rows, [30 * mm, 50 * mm, 94 * mm], header=True))
        return story

    def group_flowables(self) -> list[Any]:
        return distribution_flowables(self.groups, self.by_id, doc=self.d)
