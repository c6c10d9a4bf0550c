"""The report's trusted-time lines: per exhibit "sealed no later than", and the stamped checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..common.clock import to_kst, utc_display
from ..common.i18n import tr
from .checks import both_times
from .store import CheckpointStamps, timestamp_status

if TYPE_CHECKING:
    from ..common.model import Item
    from ..vault.vault import Vault


@dataclass
class Seal:
    tsa: str
    gen_time: str  # ISO UTC from the token
    checkpoint_id: int
    size: int
    reply_sha256: str


@dataclass
class ExhibitSeal:
    item: Item
    seals: list[Seal]  # per TSA, the earliest verified token whose checkpoint covers the item

    @property
    def sealed(self) -> bool:
        return bool(self.seals)

    def lines(self, lang: str) -> list[str]:
        out = [
            tr(
                "ts_collected",
                lang,
                utc=utc_display(self.item.acquired_utc),
                kst=to_kst(self.item.acquired_utc),
            )
        ]
        if not self.seals:
            out.append(tr("ts_not_sealed", lang))
        for s in self.seals:
            out.append(
                tr(
                    "ts_sealed",
                    lang,
                    utc=utc_display(s.gen_time),
                    kst=to_kst(s.gen_time),
                    tsa=s.tsa,
                    id=s.checkpoint_id,
                )
            )
        return out


def stamped_checkpoints(vault: Vault) -> list[CheckpointStamps]:
    """Checkpoints with at least one completely verified token (for the 해시값 확인서)."""
    return [c for c in timestamp_status(vault) if c.trusted]


def exhibit_seals(vault: Vault, case_id: str) -> list[ExhibitSeal]:
    """Per exhibit of a case: the trusted times that cover it (offline)."""
    stamped = stamped_checkpoints(vault)
    out: list[ExhibitSeal] = []
    for item in vault.list_items(case_id):
        best: dict[str, Seal] = {}
        for cp in stamped:
            if not 0 <= item.log_index < cp.size:
                continue
            for t, _ in cp.trusted:
                cur = best.get(t.url)
                if cur is None or t.gen_time < cur.gen_time:
                    best[t.url] = Seal(
                        t.tsa, t.gen_time, cp.checkpoint_id, cp.size, str(t.record.get("reply_sha256", ""))
                    )
        out.append(ExhibitSeal(item, sorted(best.values(), key=lambda s: (s.gen_time, s.tsa))))
    return out


def report_lines(vault: Vault, case_id: str, lang: str) -> list[str]:
    """Plain lines per exhibit: "collected at" (local clock) and "sealed no later than"."""
    lines: list[str] = []
    for es in exhibit_seals(vault, case_id):
        label = es.item.exhibit_label_ko if lang == "ko" else es.item.exhibit_label_en
        lines.append(label)
        lines.extend(f"  {s}" for s in es.lines(lang))
    return lines


def checkpoint_lines(vault: Vault, lang: str) -> list[str]:
    """The stamped checkpoints for the integrity section and the 해시값 확인서."""
    lines: list[str] = []
    for cp in stamped_checkpoints(vault):
        lines.append(
            tr("ts_cp_line", lang, id=cp.checkpoint_id, size=cp.size, root=cp.head.root.hex(), imprint=cp.imprint)
        )
        for t, _ in cp.trusted:
            lines.append("  " + tr("ts_cp_token", lang, tsa=t.tsa, time=both_times(t.gen_time)))
    return lines
