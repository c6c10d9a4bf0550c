"""The one facade both front ends call: the CLI and the desktop app.

It owns the open vault and turns user intents ("import these paths") into vault calls,
with progress and cancel for long jobs. Domain rules live here and in the modules it
uses, never in widgets or argument parsing.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clock import Clock
from .errors import EvidenceKitError, InputError, VaultLockedError
from .ingest import LEGACY_INLINE_LIMIT, Cancel, Progress, never_cancel, no_progress
from .keys import KdfParams
from .model import METHOD_IMPORT_FILE, METHOD_IMPORT_FOLDER, Case, CustodyEvent, Item, Source
from .vault import AddResult, ItemInput, Vault, VerifyResult

log = logging.getLogger(__name__)


def default_vault_path() -> Path:
    env = os.environ.get("EVIDENCE_KIT_VAULT")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("EvidenceKit", appauthor=False)) / "vault"


@dataclass
class ImportProblem:
    path: str
    error: EvidenceKitError


@dataclass
class ImportSummary:
    added: list[Item] = field(default_factory=list)
    duplicates: list[tuple[str, Item]] = field(default_factory=list)  # (name given, existing item)
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class _Planned:
    path: Path
    size: int
    relative: str
    method: str


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

    def _plan(self, paths: Iterable[Path], summary: ImportSummary) -> list[_Planned]:
        """Expand folders (recursively, never following links) into a list of files."""
        planned: list[_Planned] = []
        for p in paths:
            p = Path(p)
            try:
                st = os.lstat(p)
            except OSError as e:
                summary.problems.append(
                    ImportProblem(
                        str(p),
                        InputError(
                            e.strerror or "", ko="파일을 찾을 수 없습니다.", en="The file was not found."
                        ),
                    )
                )
                continue
            if stat.S_ISLNK(st.st_mode):
                summary.problems.append(ImportProblem(str(p), _symlink_error()))
            elif stat.S_ISDIR(st.st_mode):
                for root, dirs, files in os.walk(p, followlinks=False):
                    dirs.sort()
                    for name in sorted(files) + sorted(
                        d for d in dirs if os.path.islink(os.path.join(root, d))
                    ):
                        fp = Path(root) / name
                        rel = str(fp.relative_to(p.parent))
                        try:
                            fst = os.lstat(fp)
                        except OSError as e:
                            summary.problems.append(ImportProblem(rel, InputError(e.strerror or "")))
                            continue
                        if stat.S_ISLNK(fst.st_mode):
                            summary.problems.append(ImportProblem(rel, _symlink_error()))
                        elif not stat.S_ISREG(fst.st_mode):
                            summary.problems.append(ImportProblem(rel, _not_regular_error()))
                        else:
                            planned.append(_Planned(fp, fst.st_size, rel, METHOD_IMPORT_FOLDER))
            elif stat.S_ISREG(st.st_mode):
                planned.append(_Planned(p, st.st_size, "", METHOD_IMPORT_FILE))
            else:
                summary.problems.append(ImportProblem(str(p), _not_regular_error()))
        return planned

    def import_paths(
        self,
        case_id: str,
        paths: Iterable[Path],
        source: Source | None = None,
        *,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        on_item: Any = None,
    ) -> ImportSummary:
        """Import files and folders. One bad file is reported and the rest go on."""
        vault = self.vault
        summary = ImportSummary()
        planned = self._plan(paths, summary)
        total = sum(p.size for p in planned)
        done_before = 0
        for plan in planned:

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
                    case_id, plan.path, info, progress=file_progress, cancel=cancel
                )
            except InputError as e:
                summary.problems.append(ImportProblem(plan.relative or str(plan.path), e))
                continue
            finally:
                done_before += plan.size
            if res.duplicate:
                summary.duplicates.append((plan.path.name, res.item))
            else:
                summary.added.append(res.item)
                if plan.size > LEGACY_INLINE_LIMIT:
                    # Saved already; MD5/SHA-1 for police tools come from the sealed copy.
                    vault.complete_legacy_hashes(res.item.id, cancel=cancel)
            if on_item is not None:
                on_item(res)
        vault.flush()
        return summary

    def import_bytes(self, case_id: str, data: bytes, info: ItemInput) -> AddResult:
        res = self.vault.add_bytes(case_id, data, info)
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

    def verify_vault(
        self, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> VerifyResult:
        res = self.vault.verify(progress=progress, cancel=cancel)
        self.vault.log_event(
            "verify", data={"ok": res.ok, "items": res.items_checked, "problems": len(res.problems)}
        )
        return res


def _symlink_error() -> InputError:
    return InputError(
        "symbolic link",
        ko="바로가기(심볼릭 링크)는 따라가지 않습니다.",
        en="Symbolic links are not followed.",
    )


def _not_regular_error() -> InputError:
    return InputError("not a regular file", ko="일반 파일이 아닙니다.", en="That is not a regular file.")
