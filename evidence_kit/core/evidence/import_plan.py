"""Which files an import of some paths means: folders expanded, links and devices refused.

Nothing is read here, only listed (``lstat``), so a bad entry becomes one reported problem
and the other files still import.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import EvidenceKitError, InputError
from ..common.model import METHOD_IMPORT_FILE, METHOD_IMPORT_FOLDER


@dataclass
class ImportProblem:
    path: str
    error: EvidenceKitError


@dataclass
class PlannedFile:
    path: Path
    size: int
    relative: str
    method: str


def plan_files(paths: Iterable[Path]) -> tuple[list[PlannedFile], list[ImportProblem]]:
    """Expand folders (recursively, never following links) into a list of files."""
    planned: list[PlannedFile] = []
    problems: list[ImportProblem] = []
    for p in paths:
        p = Path(p)
        try:
            st = os.lstat(p)
        except OSError as e:
            problems.append(
                ImportProblem(
                    str(p),
                    InputError(e.strerror or "", ko="파일을 찾을 수 없습니다.", en="The file was not found."),
                )
            )
            continue
        if stat.S_ISLNK(st.st_mode):
            problems.append(ImportProblem(str(p), _symlink_error()))
        elif stat.S_ISDIR(st.st_mode):
            _plan_folder(p, planned, problems)
        elif stat.S_ISREG(st.st_mode):
            planned.append(PlannedFile(p, st.st_size, "", METHOD_IMPORT_FILE))
        else:
            problems.append(ImportProblem(str(p), _not_regular_error()))
    return planned, problems


def _plan_folder(p: Path, planned: list[PlannedFile], problems: list[ImportProblem]) -> None:
    for root, dirs, files in os.walk(p, followlinks=False):
        dirs.sort()
        for name in sorted(files) + sorted(d for d in dirs if os.path.islink(os.path.join(root, d))):
            fp = Path(root) / name
            rel = str(fp.relative_to(p.parent))
            try:
                fst = os.lstat(fp)
            except OSError as e:
                problems.append(ImportProblem(rel, InputError(e.strerror or "")))
                continue
            if stat.S_ISLNK(fst.st_mode):
                problems.append(ImportProblem(rel, _symlink_error()))
            elif not stat.S_ISREG(fst.st_mode):
                problems.append(ImportProblem(rel, _not_regular_error()))
            else:
                planned.append(PlannedFile(fp, fst.st_size, rel, METHOD_IMPORT_FOLDER))


def _symlink_error() -> InputError:
    return InputError(
        "symbolic link",
        ko="바로가기(심볼릭 링크)는 따라가지 않습니다.",
        en="Symbolic links are not followed.",
    )


def _not_regular_error() -> InputError:
    return InputError("not a regular file", ko="일반 파일이 아닙니다.", en="That is not a regular file.")
