"""The signed export bundle police receive (issue 8): a folder or a stored ZIP.

Layout (see docs/bundle.md for every field)::

    evidence/E001_<safe name>    originals, decrypted from the vault, SHA-256 re-checked
    manifest.json                canonical JSON: case, per-exhibit facts, signer, log head
    manifest.sig                 raw Ed25519 signature over manifest.json
    signer.pub.pem               the vault's Ed25519 public key
    custody.jsonl                the custody log lines 0..size-1 (other cases: hash only)
    custody-head.json / .sig     the signed log head (body bytes, raw signature)
    inclusion-proofs.json        per exhibit: RFC 6962 audit path of its acquisition entry
    report.pdf                   the police-ready report (footer: manifest SHA-256)
    evidence-list.csv            the evidence list, UTF-8 with BOM for Excel
    case.jsonld                  the same facts as a CASE/UCO graph
    README-VERIFY.txt            Korean and English, step by step
    SHA256SUMS / SHA256SUMS.sig  every file above, and its signature

The manifest names the report but does not hash it (the report prints the manifest's
hash); SHA256SUMS, which is signed, covers both.

Plaintext is written only to the output the user chose (see bundle_sinks.py). This
module runs the export steps; the readable files (CSV, README-VERIFY, the receipt) come
from bundle_texts.py.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common.canonical import canonical_json
from ..common.clock import parse_iso_utc
from ..common.errors import CancelledError, InputError, IntegrityError
from ..common.model import Item
from ..crypto.keys import public_key_pem
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..timestamps.bundle import private_root_tsas
from .bundle_sinks import BundleSink, open_sink
from .bundle_texts import evidence_csv, readme_text
from .snapshot import (
    CASE_GRAPH,
    CSV_FILE,
    CUSTODY,
    HEAD,
    HEAD_SIG,
    MANIFEST,
    MANIFEST_SIG,
    PROOFS,
    PUBKEY,
    README,
    REPORT,
    SUMS,
    SUMS_SIG,
    CaseSnapshot,
    canonical_manifest,
    check_output_path,
    exhibit_paths,
    inclusion_proofs,
    redacted_path,
    snapshot_case,
)

if TYPE_CHECKING:
    from .report_input import ItemEvidence

log = logging.getLogger(__name__)


@dataclass
class ExportResult:
    path: Path
    kind: str  # folder | zip | zip.age
    report_id: str
    manifest_sha256: str
    fingerprint: str
    files: int
    items: int
    pages: int
    identical_confirmed: bool
    head_size: int = 0
    head_root: str = ""
    # TSAs whose timestamps chain to a root not built in: police need that root (--tsa-ca)
    private_tsa_roots: list[str] = field(default_factory=list)


@dataclass
class _Written:
    """What the export wrote, for the custody log and the result."""

    manifest_sha: str
    pdf_sha: str
    sums_sha: str
    pages: int
    files: int


def export_bundle(
    vault: Any,
    case_id: str,
    out: Path,
    *,
    kind: str = "folder",
    passphrase: str | None = None,
    lang: str = "ko",
    clear_previews: bool = False,
    age_work_factor: int = 18,
    redacted_only: bool = False,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> ExportResult:
    """Write the bundle for one case. ``kind``: "folder", "zip" or "zip.age" (needs passphrase).

    ``redacted_only``: the bundle for non-police recipients (a school, a family): it carries
    only the case's redacted copies, says so in the manifest, README and report, and no
    original at all.
    """
    out = Path(out)
    _check_request(kind, passphrase)
    check_output_path(vault, out)
    snap = snapshot_case(vault, case_id)
    if redacted_only:
        _keep_redacted_copies(snap)
    lang = lang if lang in ("ko", "en") else "ko"
    manifest_bytes = canonical_manifest(snap, lang=lang)
    key = vault.keys.signing_key
    when = parse_iso_utc(snap.created_utc).astimezone()
    sink = open_sink(
        kind, out, passphrase=passphrase if kind == "zip.age" else None, work_factor=age_work_factor, when=when
    )
    total = 2 * len(snap.items) + 1
    try:
        evidence = _write_exhibits(vault, snap, sink, clear_previews, progress, cancel, total)
        _write_signed_files(key, snap, sink, manifest_bytes)
        written = _write_report_and_sums(key, snap, sink, manifest_bytes, evidence, lang, clear_previews, cancel)
        progress(total - 1, total)
        sink.finish()
    except BaseException:
        sink.abort()
        raise
    progress(total, total)
    retained = [i for i in snap.items if i.retained]
    confirmed = bool(retained) and all(evidence[i.exhibit].verified for i in retained)
    _log_export(vault, case_id, snap, written, lang, clear_previews, confirmed, kind, redacted_only, out)
    log.info("bundle exported: %d files, %d items", written.files, len(snap.items))
    return ExportResult(
        out, kind, snap.report_id, written.manifest_sha, snap.fingerprint, written.files, len(snap.items),
        written.pages, confirmed, head_size=snap.head.size, head_root=snap.head.root.hex(),
        private_tsa_roots=private_root_tsas(snap.timestamp_files),
    )


def _check_request(kind: str, passphrase: str | None) -> None:
    if kind not in ("folder", "zip", "zip.age"):
        raise InputError(f"unknown bundle kind {kind}")
    if kind == "zip.age" and not passphrase:
        raise InputError(
            "no passphrase", ko="암호화에 쓸 암호가 필요합니다.", en="A passphrase is needed to encrypt."
        )
    if passphrase is not None and kind == "zip.age":
        from ..crypto.keys import check_passphrase_strength

        check_passphrase_strength(passphrase)


def _keep_redacted_copies(snap: CaseSnapshot) -> None:
    """Narrow the snapshot to the redacted copies (the bundle for a school or a family)."""
    snap.items = [i for i in snap.items if i.derived_from and i.retained]
    if not snap.items:
        raise InputError(
            "no redacted copies",
            ko="이 사건에는 가린 사본이 없습니다. 먼저 가린 사본을 만드세요.",
            en="This case has no redacted copies yet. Make one first.",
        )
    snap.paths = exhibit_paths(snap.items)
    snap.redacted_only = True


def _write_exhibits(
    vault: Any,
    snap: CaseSnapshot,
    sink: BundleSink,
    clear_previews: bool,
    progress: Progress,
    cancel: Cancel,
    total: int,
) -> dict[int, ItemEvidence]:
    """Every exhibit's file (SHA-256 re-checked as it streams) and its report evidence."""
    from .report_input import item_evidence

    evidence: dict[int, ItemEvidence] = {}
    for done, item in enumerate(snap.items, 1):
        if cancel():
            raise CancelledError()
        rel = snap.paths.get(item.exhibit)
        if rel is not None:
            evidence[item.exhibit] = _write_original(vault, item, rel, sink, clear_previews)
        else:
            evidence[item.exhibit] = item_evidence(vault, item, clear_previews=clear_previews)
            red = redacted_path(item, snap.items)
            if red is not None and not snap.redacted_only:
                digest, _n = sink.write(red, vault.iter_plaintext(item.id), item.stored_size or 0)
                if digest != item.stored_sha256:
                    raise IntegrityError(f"exhibit {item.exhibit}: redacted version does not match its SHA-256")
        progress(done, total)
    return evidence


def _write_original(vault: Any, item: Item, rel: str, sink: BundleSink, clear_previews: bool) -> ItemEvidence:
    from .report_input import ItemEvidence, item_evidence

    keep = item.media_type.startswith("image/") and item.size <= 64 * 1024 * 1024
    parts: list[bytes] = []

    def chunks() -> Iterator[bytes]:
        for c in vault.iter_plaintext(item.id):
            if keep:
                parts.append(c)
            yield c

    digest, n = sink.write(rel, chunks(), item.size)
    if digest != item.sha256 or n != item.size:
        raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
    if keep:
        data = b"".join(parts)
        return item_evidence(vault, item, clear_previews=clear_previews, data=data, verified=True)
    return ItemEvidence(item_evidence_placeholder(item, clear_previews), True)


def _write_signed_files(key: Any, snap: CaseSnapshot, sink: BundleSink, manifest_bytes: bytes) -> None:
    """The signed manifest and log head, the custody log, proofs, CSV, CASE graph, timestamps."""
    from .casegraph import case_graph

    sink.write_bytes(MANIFEST, manifest_bytes)
    sink.write_bytes(MANIFEST_SIG, key.sign(manifest_bytes))
    sink.write_bytes(PUBKEY, public_key_pem(snap.public_key))
    sink.write(CUSTODY, (line + b"\n" for line in snap.lines))
    sink.write_bytes(HEAD, snap.head.body)
    sink.write_bytes(HEAD_SIG, snap.head.signature)
    sink.write_bytes(PROOFS, canonical_json(inclusion_proofs(snap)))
    sink.write_bytes(CSV_FILE, evidence_csv(snap))
    sink.write_bytes(CASE_GRAPH, case_graph(snap))
    for rel, data in sorted(snap.timestamp_files.items()):
        sink.write_bytes(rel, data)


def _write_report_and_sums(
    key: Any,
    snap: CaseSnapshot,
    sink: BundleSink,
    manifest_bytes: bytes,
    evidence: dict[int, ItemEvidence],
    lang: str,
    clear_previews: bool,
    cancel: Cancel,
) -> _Written:
    """report.pdf, README-VERIFY.txt, then SHA256SUMS over everything and its signature."""
    from .report import render_report
    from .report_input import ReportOptions

    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()

    def on_page(_n: int) -> None:
        if cancel():
            raise CancelledError()

    pdf = io.BytesIO()
    pages = render_report(
        snap,
        manifest_sha,
        pdf,
        evidence,
        ReportOptions(lang, clear_previews, REPORT),
        cancel=cancel,
        on_page=on_page,
    )
    pdf_bytes = pdf.getvalue()
    del pdf
    sink.write_bytes(REPORT, pdf_bytes)
    sink.write_bytes(README, readme_text(snap, manifest_sha))
    sums = "".join(f"{h}  {rel}\n" for rel, h in sorted(sink.sums.items())).encode("utf-8")
    sink.write_bytes(SUMS, sums)
    sink.write_bytes(SUMS_SIG, key.sign(sums))
    return _Written(
        manifest_sha,
        hashlib.sha256(pdf_bytes).hexdigest(),
        hashlib.sha256(sums).hexdigest(),
        pages,
        len(sink.sums),
    )


def _log_export(
    vault: Any,
    case_id: str,
    snap: CaseSnapshot,
    written: _Written,
    lang: str,
    clear_previews: bool,
    confirmed: bool,
    kind: str,
    redacted_only: bool,
    out: Path,
) -> None:
    vault.log_event(
        "report",
        case_id=case_id,
        data={
            "report_id": snap.report_id,
            "manifest_sha256": written.manifest_sha,
            "pdf_sha256": written.pdf_sha,
            "lang": lang,
            "pages": written.pages,
            "items": len(snap.items),
            "clear_previews": clear_previews,
            "identical_confirmed": confirmed,
        },
    )
    vault.log_event(
        "export",
        case_id=case_id,
        data={
            "report_id": snap.report_id,
            "manifest_sha256": written.manifest_sha,
            "sha256sums_sha256": written.sums_sha,
            "files": written.files,
            "items": len(snap.items),
            "kind": kind,
            "encrypted": kind == "zip.age",
            "redacted_copies_only": redacted_only,
            "log_size": snap.head.size,
            "name": out.name,
        },
    )


def item_evidence_placeholder(item: Item, clear_previews: bool) -> Any:
    from ..evidence.preview import make_preview

    return make_preview(
        None,
        item.media_type,
        blur=not clear_previews,
        problem="too-large" if item.media_type.startswith("image/") else "",
    )
