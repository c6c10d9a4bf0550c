"""The one facade both front ends call: the CLI and the desktop app.

It owns the open vault and turns user intents ("import these paths") into vault calls,
with progress and cancel for long jobs. Domain rules live here and in the modules it
uses, never in widgets or argument parsing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common.clock import Clock
from .common.errors import CancelledError, InputError, VaultLockedError
from .common.model import (
    POLICY_RECORD_ONLY,
    AddResult,
    Case,
    CustodyEvent,
    Item,
    ItemInput,
    Source,
)
from .crypto.keys import KdfParams
from .documents.takedown_model import TakedownOptions, TakedownResult
from .evidence.import_plan import ImportProblem, PlannedFile, plan_files
from .evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .evidence.pdq_groups import NearDuplicateGroup
from .evidence.perceptual import PdqOutcome, is_image
from .evidence.redact import Rect
from .vault.vault import Vault
from .vault.verify import VerifyResult

if TYPE_CHECKING:  # issue 8: imported lazily at run time (reportlab is heavy)
    from .documents.bundle import ExportResult
    from .documents.bundle_result import BundleVerification
    from .documents.report import ReportResult
    from .timestamps.seals import ExhibitSeal  # issue 11
    from .timestamps.stamp import StampRun
    from .timestamps.store import CheckpointStamps, QueuedCheckpoint
    from .timestamps.tsa_defaults import TsaConfig

log = logging.getLogger(__name__)


def default_vault_path() -> Path:
    env = os.environ.get("EVIDENCE_KIT_VAULT")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("EvidenceKit", appauthor=False)) / "vault"


@dataclass
class ImportSummary:
    added: list[Item] = field(default_factory=list)
    duplicates: list[tuple[str, Item]] = field(default_factory=list)  # (name given, existing item)
    problems: list[ImportProblem] = field(default_factory=list)


def _span(progress: Progress, base: int, size: int, total: int) -> Progress:
    """A step's own ``(done, of)`` progress drawn over ``size`` units of an import's bar from ``base``."""

    def tick(done: int, of: int) -> None:
        progress(base + done * size // max(of, 1), total)

    return tick


class EvidenceService:
    def __init__(self, vault_path: Path | None = None, *, clock: Clock | None = None) -> None:
        self.vault_path = Path(vault_path) if vault_path else default_vault_path()
        self.clock = clock or Clock()
        self._vault: Vault | None = None

    # ------------------------------------------------------------------ vault

    @property
    def vault_exists(self) -> bool:
        return Vault.exists(self.vault_path)

    @property
    def is_unlocked(self) -> bool:
        return self._vault is not None

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            raise VaultLockedError()
        return self._vault

    def create_vault(self, passphrase: str, *, role: str = "victim", kdf: KdfParams | None = None) -> None:
        self._vault = Vault.create(self.vault_path, passphrase, kdf=kdf, clock=self.clock, role=role)

    def unlock(self, passphrase: str) -> None:
        self._vault = Vault.unlock(self.vault_path, passphrase, clock=self.clock)

    def unlock_with_recovery_key(self, key: str) -> None:
        self._vault = Vault.unlock_with_recovery_key(self.vault_path, key, clock=self.clock)

    def lock(self) -> None:
        if self._vault is not None:
            vault, self._vault = self._vault, None
            vault.lock()

    # ------------------------------------------------------------------ cases

    def create_case(self, name: str, **fields: Any) -> Case:
        return self.vault.create_case(name, **fields)

    def cases(self) -> list[Case]:
        return self.vault.list_cases()

    def update_case(self, case_id: str, **changes: Any) -> Case:
        return self.vault.update_case(case_id, **changes)

    # ----------------------------------------------------------------- import

    def import_paths(
        self,
        case_id: str,
        paths: Iterable[Path],
        source: Source | None = None,
        *,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        on_item: Any = None,
        item_progress: Progress = no_progress,
        regions: Mapping[str, Sequence[Rect]] | None = None,
    ) -> ImportSummary:
        """Import files and folders. One bad file is reported and the rest go on.

        ``progress`` counts bytes of the whole import, ``item_progress`` files (done, total).
        Image items get their PDQ hash from a worker pool while the next files are sealed;
        every hash is recorded before this returns (unless cancelled: saved items stay).
        In a record-only case ``regions`` says, per file path (``str(path)``, as
        :meth:`record_only_images` lists them), which areas of the picture to black out;
        a picture not named there, or with no areas, is pixelated whole.
        """
        from .vault.pdq_pool import PdqPipeline

        vault = self.vault
        record_only = self.is_record_only(case_id)
        summary = ImportSummary()
        planned, summary.problems = plan_files(paths)
        total = sum(p.size for p in planned)
        pipeline = PdqPipeline(vault)
        try:
            self._import_planned(
                case_id, planned, source, summary, pipeline, record_only, total,
                progress, cancel, on_item, item_progress, regions or {},
            )
            outcomes = pipeline.finish()
        except BaseException:
            pipeline.abandon()
            vault.flush()
            raise
        summary.added = [outcomes[i.id].item if i.id in outcomes else i for i in summary.added]
        vault.flush()
        return summary

    def _import_planned(
        self,
        case_id: str,
        planned: list[PlannedFile],
        source: Source | None,
        summary: ImportSummary,
        pipeline: Any,
        record_only: bool,
        total: int,
        progress: Progress,
        cancel: Cancel,
        on_item: Any,
        item_progress: Progress,
        regions: Mapping[str, Sequence[Rect]],
    ) -> None:
        vault = self.vault
        done_before = 0
        item_progress(0, len(planned))  # the count is known once planned: say it before any bytes
        for index, plan in enumerate(planned):
            if cancel():
                raise CancelledError()

            def file_progress(done: int, _total: int, base: int = done_before) -> None:
                progress(base + done, total)

            info = ItemInput(
                name=plan.path.name,
                method=plan.method,
                source=source or Source(),
                relative_path=plan.relative,
            )
            try:
                res: AddResult = vault.add_file(
                    case_id, plan.path, info, record_only=record_only, progress=file_progress, cancel=cancel,
                    regions=regions.get(str(plan.path), ()) if record_only else (),
                )
            except InputError as e:
                summary.problems.append(ImportProblem(plan.relative or str(plan.path), e))
                item_progress(index + 1, len(planned))
                continue
            finally:
                done_before += plan.size
            if res.duplicate:
                summary.duplicates.append((plan.path.name, res.item))
            else:
                if res.data is not None and is_image(res.item) and res.item.retained:
                    pipeline.submit(res.item, res.data)  # saved already; PDQ beside the next files
                else:
                    # A video's facts step sweeps this file's span of the bar a second time.
                    step = _span(progress, done_before - plan.size, plan.size, total)
                    res.item = self._pdq_after_add(res.item, cancel=cancel, progress=step)
                summary.added.append(res.item)
            res.data = None
            if on_item is not None:
                on_item(res)
            item_progress(index + 1, len(planned))

    def record_only_images(self, paths: Iterable[Path]) -> list[Path]:
        """The pictures among ``paths`` (folders expanded) that a record-only import would
        store only as a redacted version: the person chooses what to black out in each."""
        from .evidence.metadata import sniff_media_type
        from .vault.recordonly import RECORD_ONLY_IMAGE_LIMIT

        found: list[Path] = []
        for plan in plan_files(paths)[0]:
            if plan.size > RECORD_ONLY_IMAGE_LIMIT:
                continue
            try:
                with open(plan.path, "rb") as f:
                    head = f.read(64)
            except OSError:
                continue
            if sniff_media_type(head, plan.path.name).startswith("image/"):
                found.append(plan.path)
        return found

    def is_record_only(self, case_id: str) -> bool:
        """Whether the case keeps proof without originals (issue 9; counselors' default)."""
        return self.vault.get_case(case_id).policy == POLICY_RECORD_ONLY

    def import_bytes(self, case_id: str, data: bytes, info: ItemInput, *, regions: Sequence[Rect] = ()) -> AddResult:
        """Captures and pasted images; in a record-only case only a redacted derivative
        (``regions`` blacked out, else pixelated) is stored, with the original's hashes."""
        res = self.vault.add_bytes(case_id, data, info, record_only=self.is_record_only(case_id), regions=regions)
        if not res.duplicate:
            res.item = self._pdq_after_add(res.item, data)
        self.vault.flush()
        return res

    # ------------------------------------------------------------------ items

    def items(self, case_id: str) -> list[Item]:
        return self.vault.list_items(case_id)

    def item_events(self, item_id: str) -> list[CustodyEvent]:
        return self.vault.events(item_id=item_id)

    def update_source(self, item_id: str, source: Source, notes: str | None = None) -> Item:
        return self.vault.update_source(item_id, source, notes)

    def export_file(self, item_id: str, out: Path) -> Item:
        return self.vault.export_file(item_id, out)

    def verify_vault(self, *, progress: Progress = no_progress, cancel: Cancel = never_cancel) -> VerifyResult:
        res = self.vault.verify(progress=progress, cancel=cancel)
        self.vault.log_event("verify", data={"ok": res.ok, "items": res.items_checked, "problems": len(res.problems)})
        return res

    # -- backup (issue 20)

    def backup(self, dest: Path, *, progress: Progress = no_progress, cancel: Cancel = never_cancel) -> Any:
        """Verified incremental backup to ``dest`` (see core/backup.py); returns a BackupResult."""
        from .vault import backup as bk

        return bk.backup(self.vault, dest, progress=progress, cancel=cancel)

    # -- report and bundle (issue 8)

    def report_lang(self, case_id: str, lang: str | None = None) -> str:
        """The report's language: asked for, else the case's, else the system's."""
        if lang in ("ko", "en"):
            return lang
        case_lang = self.vault.get_case(case_id).report_lang
        if case_lang in ("ko", "en"):
            return case_lang
        from .common.i18n import system_lang

        return system_lang()

    def make_report(
        self,
        case_id: str,
        out: Path,
        *,
        lang: str | None = None,
        clear_previews: bool = False,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> ReportResult:
        """A standalone PDF report (plus its signed manifest beside it); logged."""
        from .documents.report import build_report

        return build_report(
            self.vault,
            case_id,
            Path(out),
            lang=self.report_lang(case_id, lang),
            clear_previews=clear_previews,
            progress=progress,
            cancel=cancel,
        )

    def export_bundle(
        self,
        case_id: str,
        out: Path,
        *,
        kind: str = "folder",
        passphrase: str | None = None,
        lang: str | None = None,
        clear_previews: bool = False,
        redacted_only: bool = False,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> ExportResult:
        """The signed bundle for police: folder, stored ZIP, or age-encrypted ZIP; logged.
        ``redacted_only``: the bundle for a school or family, redacted copies only."""
        from .documents.bundle import export_bundle

        return export_bundle(
            self.vault,
            case_id,
            Path(out),
            kind=kind,
            passphrase=passphrase,
            lang=self.report_lang(case_id, lang),
            clear_previews=clear_previews,
            redacted_only=redacted_only,
            progress=progress,
            cancel=cancel,
        )

    @staticmethod
    def verify_bundle(
        path: Path,
        *,
        passphrase: str | None = None,
        signer: str | None = None,
        tsa_ca: Sequence[Any] = (),
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> BundleVerification:
        """Police side: needs no vault, only the bundle (and its passphrase if encrypted);
        ``signer`` is the fingerprint got out of band, ``tsa_ca`` extra TSA roots."""
        from .documents.bundle_verify import verify_bundle

        return verify_bundle(
            Path(path), passphrase=passphrase, signer=signer, tsa_ca=tsa_ca, progress=progress, cancel=cancel
        )

    # -- perceptual hashes and takedown (issue 10)

    def _pdq_after_add(
        self,
        item: Item,
        data: bytes | None = None,
        *,
        cancel: Cancel = never_cancel,
        progress: Progress = no_progress,
    ) -> Item:
        """PDQ for an image item just committed (already acknowledged); bad pixels are no error."""
        if item.media_type.startswith("video/"):
            # issue 23: facts and frame hashes. Cancelling leaves the saved item without them
            # (compute_pdq fills them in later) and stops the import.
            return self.vault.compute_video(item.id, progress=progress, cancel=cancel)
        if not is_image(item):
            return item
        return self.vault.compute_perceptual(item.id, data=data).item

    def compute_pdq(
        self,
        case_id: str,
        *,
        force: bool = False,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> list[PdqOutcome]:
        """PDQ for every image item of a case that lacks one (all of them with ``force``)."""
        vault = self.vault
        items = vault.list_items(case_id)
        outcomes: list[PdqOutcome] = []
        try:
            for i, item in enumerate(items):
                if cancel():
                    raise CancelledError()
                if item.media_type.startswith("video/"):
                    vault.compute_video(item.id, cancel=cancel)  # issue 23: videos imported before
                outcomes.append(vault.compute_perceptual(item.id, force=force))
                progress(i + 1, len(items))
        finally:
            vault.flush()
        return outcomes

    def near_duplicates(self, case_id: str) -> list[NearDuplicateGroup]:
        """Groups of a case's items showing the same picture (PDQ distance <= 31, quality >= 50)."""
        from .evidence.case_groups import case_groups, entries_of

        # Pictures, videos (vPDQ's rule) and pictures of a video's frames (issue 23).
        return case_groups(entries_of(self.vault.list_items(case_id)))

    def build_takedown(
        self,
        case_id: str,
        out_dir: Path,
        options: TakedownOptions | None = None,
        *,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> TakedownResult:
        """The takedown / deletion-support package, written to a folder the user chose; logged."""
        from .documents.takedown import build_package

        outcomes = self.compute_pdq(case_id, cancel=cancel)
        return build_package(
            self.vault,
            case_id,
            Path(out_dir),
            options or TakedownOptions(),
            outcomes,
            progress=progress,
            cancel=cancel,
        )

    # -- chat exports (issues 6 and 12)

    def detect_chat(self, paths: Iterable[Path], *, lang: str = "en", chat: str | None = None) -> Any:
        """What a chat export looks like ("KakaoTalk PC, Korean, 2025"), storing nothing."""
        from .chat.importer import detect

        return detect(paths, lang=lang, chat=chat)

    def account_chats(self, paths: Iterable[Path]) -> list[tuple[str, str]]:
        """A full-account Telegram HTML export's chats, (chat_NNN, name), to choose from."""
        from .chat.detect import account_chats

        return account_chats(list(paths))

    def import_chat(
        self,
        case_id: str,
        paths: Iterable[Path],
        *,
        zone: str | None = None,
        date_order: str | None = None,
        lang: str = "en",
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        chat: str | None = None,
    ) -> Any:
        """Store a Telegram/KakaoTalk/WhatsApp export as evidence, then import its messages."""
        from .chat.importer import import_chat

        return import_chat(
            self.vault,
            case_id,
            list(paths),
            zone=zone,
            date_order=date_order,
            lang=lang,
            progress=progress,
            cancel=cancel,
            chat=chat,
        )

    def chats(self, case_id: str) -> list[Any]:
        from .chat.store import ChatStore

        return ChatStore(self.vault).list_chats(case_id)

    def find_chat(self, case_id: str, ref: str) -> Any:
        from .chat.store import ChatStore

        return ChatStore(self.vault).find_chat(case_id, ref)

    def chat_messages(self, chat_id: str, *, start_seq: int = 0, limit: int | None = None) -> list[Any]:
        from .chat.store import ChatStore

        return list(ChatStore(self.vault).iter_messages(chat_id, start_seq=start_seq, limit=limit))

    def search_messages(self, case_id: str, **filters: Any) -> list[tuple[Any, Any]]:
        """(chat, message) pairs matching chat_id/sender/date_from/date_to/text/marked/limit."""
        from .chat.store import ChatStore, SearchQuery

        return list(ChatStore(self.vault).search(case_id, SearchQuery(**filters)))

    def mark_messages(self, case_id: str, refs: list[str], *, marked: bool = True, note: str = "") -> list[Any]:
        """Mark (or unmark) messages for the report; logged as one "mark" custody event."""
        from .chat.store import ChatStore

        return ChatStore(self.vault).mark(case_id, refs, marked=marked, note=note)

    def missing_media(self, chat_id: str) -> list[Any]:
        from .chat.store import ChatStore

        return ChatStore(self.vault).missing_media(chat_id)

    # -- trusted timestamps (issue 11)

    def timestamp_tsas(self) -> list[TsaConfig]:
        """The TSAs `stamp` asks: the vault's setting, else the built-in defaults."""
        from .timestamps.tsa_defaults import DEFAULT_TSAS, TsaConfig

        saved = self.vault.get_setting("timestamp_tsas")
        if not saved:
            return list(DEFAULT_TSAS)
        return [TsaConfig.from_json(obj) for obj in saved]

    def set_timestamp_tsas(self, tsas: Sequence[TsaConfig] | None) -> None:
        """Save the TSA list in the vault (sealed); ``None`` goes back to the defaults."""
        self.vault.set_setting("timestamp_tsas", [t.to_json() for t in tsas] if tsas else None)

    def queue_timestamp(self, checkpoint_id: int | None = None) -> QueuedCheckpoint:
        """Take a checkpoint (unless one is named) and queue it for stamping. Offline."""
        from .timestamps.store import queue_checkpoint

        return queue_checkpoint(self.vault, checkpoint_id)

    def timestamp_status(self) -> list[CheckpointStamps]:
        """Queued and stamped checkpoints, every stored token re-verified offline."""
        from .timestamps.store import timestamp_status

        return timestamp_status(self.vault)

    def stamp_now(
        self,
        tsas: Sequence[TsaConfig] | None = None,
        *,
        checkpoint_id: int | None = None,
        extra_anchors: Sequence[Any] = (),
        timeout: float | None = None,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> StampRun:
        """The explicit "go online" act: request tokens now for ``checkpoint_id`` (queued),
        else for a fresh checkpoint queued here.

        The only method that touches the network. Only the checkpoint's 32-byte SHA-256
        (and a random nonce) is sent to each TSA.
        """
        from .timestamps.request import DEFAULT_TIMEOUT
        from .timestamps.stamp import stamp_now
        from .timestamps.store import queue_checkpoint

        if checkpoint_id is None:
            checkpoint_id = queue_checkpoint(self.vault).checkpoint_id
        return stamp_now(
            self.vault,
            list(tsas) if tsas else self.timestamp_tsas(),
            checkpoint_id=checkpoint_id,
            extra_anchors=extra_anchors,
            timeout=timeout or DEFAULT_TIMEOUT,
            progress=progress,
            cancel=cancel,
        )

    def exhibit_seals(self, case_id: str) -> list[ExhibitSeal]:
        """Per exhibit: the local clock's claim and the trusted times that cover it."""
        from .timestamps.seals import exhibit_seals

        return exhibit_seals(self.vault, case_id)

