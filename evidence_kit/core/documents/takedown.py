"""The takedown and deletion-support package (issue 10), Korean with English.

For a victim the first need is usually that the images stop spreading. This module turns a
case into the documents that ask for it, written to a folder the user chose and sent
nowhere (the user carries them):

- ``00-guide.pdf`` / ``00-guide.txt``: a plain-language page for the victim: what each
  document is for, where to send it (d4u 02-735-8994, KCSC 1377, police 112 / ECRM), and
  that reporting to police is possible without having all evidence;
- ``01-request-NN-<platform>.pdf``: one 불법촬영물등 유통 신고·삭제요청서 per platform
  (「전기통신사업법」 제22조의5제1항), pre-filled from the items' source fields: every URL with
  its exhibit numbers, or a description / search terms where there is no URL; requester
  and check boxes left for hand filling unless given;
- ``02-d4u-summary.pdf``: what the 디지털성범죄피해자지원센터 asks for: URLs, keywords, the
  captures that identify the material, when and under which account it was posted,
  whether the original is held, and the near-duplicate groups ("유포 경로");
- ``03-hashes.csv`` (UTF-8 with BOM, for spreadsheets) and ``03-hashes.json``: SHA-256,
  MD5 and PDQ (+ quality) per item with exhibit number and URL;
- ``captures/`` only if the user opts in: exact copies of the image exhibits;
- ``manifest.json`` and ``SHA256SUMS``: every file's SHA-256.

The folder is built under a hidden staging name beside the target and renamed into place
only when complete, so a failure or cancel leaves nothing half-written (and no image copy
behind). Creating it is recorded in the custody log.

This module writes the package; the documents come from takedown_forms.py (request forms,
d4u summary), takedown_guide.py and takedown_hashes.py, their text from takedown_text.py,
the PDF machinery from takedown_pdf.py and the data model from takedown_model.py.

Untrusted text (URLs, account and file names, notes) never reaches reportlab markup raw:
control and format characters (RTL overrides, NULs, zero-width characters) are stripped,
characters the embedded font lacks are shown as ``[U+XXXX]``, then it is XML-escaped; long
URLs wrap. In the CSV, cells that a spreadsheet would run as a formula are prefixed with an
apostrophe; the JSON keeps exact values. PDFs embed EvidenceKit Gothic only (no Helvetica,
not even the canvas's initial font).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ... import __version__
from ..common.clock import iso_utc
from ..common.errors import CancelledError, InputError
from ..common.fsutil import atomic_write_bytes, ensure_private_dir, fsync_dir
from ..evidence.case_groups import case_groups, entries_of
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..evidence.perceptual import PdqOutcome, is_image, status_of
from .takedown_forms import TakedownPackage
from .takedown_guide import guide_story, guide_text
from .takedown_hashes import hash_rows, hashes_csv, hashes_json
from .takedown_model import TakedownOptions, TakedownResult, collect_targets, pdq_problems, utf8_safe
from .takedown_text import TEXT

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

PACKAGE_FORMAT = "evidence-kit-takedown"
PACKAGE_VERSION = 1

_EXT = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "image/heic": ".heic",
}


def _prepare_out(out: Path) -> Path:
    """Check the chosen folder (new, or existing and empty) and make a staging folder beside it."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and (not out.is_dir() or any(out.iterdir()))):
        raise InputError(
            str(out),
            ko="이미 있는 파일이나 비어 있지 않은 폴더입니다. 새 폴더 이름이나 빈 폴더를 고르세요.",
            en="That is an existing file or a folder that is not empty: choose a new or empty folder.",
        )
    if not out.parent.is_dir():
        raise InputError(str(out.parent), ko="상위 폴더가 없습니다.", en="The folder to write into does not exist.")
    staging = out.parent / f".{out.name}.{secrets.token_hex(4)}.partial"
    ensure_private_dir(staging)
    return staging


def _file_list(root: Path) -> list[tuple[str, str, int]]:
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            rel = p.relative_to(root).as_posix()
            if rel in ("manifest.json", "SHA256SUMS"):
                continue
            h = hashlib.sha256()
            with p.open("rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)
            out.append((rel, h.hexdigest(), p.stat().st_size))
    return out


def new_package_id(now_utc: str) -> str:
    return f"TD-{now_utc[:10].replace('-', '')}-{secrets.token_hex(4).upper()}"


def build_package(
    vault: Vault,
    case_id: str,
    out: Path,
    options: TakedownOptions,
    outcomes: Sequence[PdqOutcome],
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> TakedownResult:
    """Write the package for ``case_id`` into ``out`` (new or empty); log it; return a summary.

    ``outcomes`` are the PDQ results the caller just computed (service.compute_pdq).
    """
    options.check()
    pkg = _gather(vault, case_id, options, outcomes, cancel)
    staging = _prepare_out(out)
    steps = 5 + len(pkg.platforms)
    done = 0

    def step() -> None:
        nonlocal done
        if cancel():
            raise CancelledError()
        done += 1
        progress(done, steps)

    try:
        _write_documents(vault, pkg, staging, step, cancel)
        listed = _file_list(staging)
        manifest_sha = _write_manifest(pkg, staging, listed)
        step()
        if out.exists():
            out.rmdir()  # checked empty above
        os.replace(staging, out)
        fsync_dir(out.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise
    return _finish(vault, case_id, out, pkg, listed, manifest_sha)


def _gather(
    vault: Vault, case_id: str, options: TakedownOptions, outcomes: Sequence[PdqOutcome], cancel: Cancel
) -> TakedownPackage:
    """The case's items, their near-duplicate groups, targets and problems: what every document shows."""
    case = vault.get_case(case_id)
    # MD5 for police tools: large items get it from the sealed copy (logged, SHA-256 checked).
    for it in vault.list_items(case_id):
        if it.retained and not it.md5:
            vault.complete_legacy_hashes(it.id, cancel=cancel)
    items = vault.list_items(case_id)
    by_outcome = {o.item.id: o for o in outcomes}
    groups = case_groups(entries_of(items))  # pictures, videos, pictures of video frames (issue 23)
    platforms, problems = collect_targets(items)
    ordered = {i.id: i for i in items}
    problems += pdq_problems([by_outcome.get(i.id) or PdqOutcome(i, status_of(i)) for i in ordered.values()])
    problems.sort(key=lambda p: (p.exhibit or 0, p.code))
    now_utc = iso_utc(vault.clock.now())
    return TakedownPackage(
        case, items, by_outcome, groups, platforms, problems, options, new_package_id(now_utc), now_utc
    )


def _write_documents(
    vault: Vault, pkg: TakedownPackage, staging: Path, step: Callable[[], None], cancel: Cancel
) -> None:
    """Captures (if chosen), the request forms, the d4u summary, the hash list, the guide."""
    files: dict[str, list[str]] = {
        "guide": ["00-guide.pdf", "00-guide.txt"],
        "request": [],
        "d4u": [],
        "hashes": ["03-hashes.csv", "03-hashes.json"],
    }
    if pkg.options.include_captures:
        _copy_captures(vault, pkg, staging, cancel)
    step()
    for n, g in enumerate(pkg.platforms, 1):
        name = f"01-request-{n:02d}-{g.slug}.pdf"
        pkg.d.write(staging / name, pkg.request_story(g), title=TEXT["form_title"][0], footer=pkg.footer)
        files["request"].append(name)
        step()
    pkg.d.write(staging / "02-d4u-summary.pdf", pkg.d4u_story(), title=TEXT["d4u_title"][0], footer=pkg.footer)
    files["d4u"].append("02-d4u-summary.pdf")
    step()
    rows = hash_rows(pkg)
    atomic_write_bytes(staging / "03-hashes.csv", hashes_csv(rows))
    atomic_write_bytes(staging / "03-hashes.json", hashes_json(pkg, rows))
    step()
    pkg.d.write(staging / "00-guide.pdf", guide_story(pkg, files), title=TEXT["guide_title"][0], footer=pkg.footer)
    atomic_write_bytes(staging / "00-guide.txt", guide_text(pkg, files).encode("utf-8"))
    step()


def _copy_captures(vault: Vault, pkg: TakedownPackage, staging: Path, cancel: Cancel) -> None:
    cap_dir = staging / "captures"
    ensure_private_dir(cap_dir)
    for it in pkg.items:
        if is_image(it) and it.retained:
            if cancel():
                raise CancelledError()
            name = f"exhibit-{it.exhibit:03d}{_EXT.get(it.media_type, '.bin')}"
            vault.export_file(it.id, cap_dir / name, purpose="takedown package (user opted in)")
            pkg.captures.append((f"captures/{name}", it))


def _write_manifest(pkg: TakedownPackage, staging: Path, listed: list[tuple[str, str, int]]) -> str:
    """manifest.json (every file's SHA-256 and size) and SHA256SUMS; returns the manifest's SHA-256."""
    case, platforms = pkg.case, pkg.platforms
    manifest = {
        "format": PACKAGE_FORMAT,
        "version": PACKAGE_VERSION,
        "package_id": pkg.package_id,
        "generated_utc": pkg.now_utc,
        "tool": f"Evidence Kit {__version__}",
        "case": {"id": case.id, "name": utf8_safe(case.name), "reference": utf8_safe(case.reference)},
        "sent_anywhere": False,
        "include_captures": pkg.options.include_captures,
        "platforms": [utf8_safe(g.label) for g in platforms],
        "targets": sum(len(g.targets) for g in platforms),
        "items": len(pkg.items),
        "problems": [p.to_json() for p in pkg.problems],
        "files": [{"path": p, "sha256": h, "size": s} for p, h, s in listed],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    atomic_write_bytes(staging / "manifest.json", manifest_bytes)
    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
    sums = [(p, h) for p, h, _ in listed] + [("manifest.json", manifest_sha)]
    atomic_write_bytes(staging / "SHA256SUMS", "".join(f"{h}  {p}\n" for p, h in sorted(sums)).encode("utf-8"))
    return manifest_sha


def _finish(
    vault: Vault,
    case_id: str,
    out: Path,
    pkg: TakedownPackage,
    listed: list[tuple[str, str, int]],
    manifest_sha: str,
) -> TakedownResult:
    """Record the package in the custody log and say what was written."""
    platforms, items, problems = pkg.platforms, pkg.items, pkg.problems
    targets = sum(len(g.targets) for g in platforms)
    vault.log_event(
        "takedown",
        case_id=case_id,
        data={
            "package_id": pkg.package_id,
            "manifest_sha256": manifest_sha,
            "files": len(listed) + 2,
            "platforms": len(platforms),
            "targets": targets,
            "items": len(items),
            "include_captures": pkg.options.include_captures,
            "captures": [it.exhibit for _, it in pkg.captures],
            "problems": len(problems),
            "sent_anywhere": False,
        },
    )
    log.info("takedown package written: %d files", len(listed) + 2)
    return TakedownResult(
        path=out,
        package_id=pkg.package_id,
        files=[p for p, _, _ in listed] + ["manifest.json", "SHA256SUMS"],
        platforms=[g.label for g in platforms],
        targets=targets,
        items=len(items),
        problems=problems,
        groups=pkg.groups,
        manifest_sha256=manifest_sha,
        captures=[p for p, _ in pkg.captures],
    )
