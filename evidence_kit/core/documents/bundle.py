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

Plaintext is written only to the output the user chose: a folder is assembled in a
hidden staging folder beside it and renamed into place when complete; a ZIP is written
to a staging file and renamed; an encrypted bundle streams the ZIP straight into an age
(scrypt passphrase) writer, so the unencrypted ZIP never exists on disk.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..common import untrusted, winnames
from ..common.canonical import canonical_json
from ..common.clock import parse_iso_utc, to_kst
from ..common.errors import CancelledError, InputError, IntegrityError
from ..common.model import Item
from ..crypto import age
from ..crypto.keys import public_key_pem
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .snapshot import (
    CASE_GRAPH,
    CSV_FILE,
    CUSTODY,
    EVIDENCE_DIR,
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
from .winverify import windows_lines

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- CSV, README

CSV_HEADER = [
    "순번 (No.)",
    "증거 (Exhibit)",
    "원래 파일명 (Original name)",
    "작성자(소유자) (Author/owner)",
    "제출 유무 (Submission)",
    "수집 일시 KST (Collected, KST)",
    "수집 일시 UTC (Collected, UTC)",
    "플랫폼 (Platform)",
    "URL",
    "채팅방/채널 (Chat room)",
    "게시자 계정 (Account)",
    "게시 일시 (Posted at)",
    "입증하려는 내용 (What it shows)",
    "SHA-256",
    "크기 바이트 (Size, bytes)",
    "번들 내 파일 (File in bundle)",
    "비고 (Note)",
]


def evidence_csv(snap: CaseSnapshot) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for item in snap.items:
        s = item.source
        author = s.account or (
            "고소인(화면 캡처)" if item.method == "screen-capture" else snap.case.prepared_by
        )
        w.writerow(
            [
                untrusted.csv_cell(x)
                for x in (
                    item.exhibit,
                    item.exhibit_label_ko,
                    item.relative_path or item.original_name,
                    author,
                    "☐ 접수시 제출 ☐ 수사 중 제출",
                    to_kst(item.acquired_utc),
                    item.acquired_utc,
                    s.platform,
                    s.url,
                    s.chatroom,
                    s.account,
                    s.posted_at,
                    s.purpose,
                    item.sha256,
                    item.size,
                    snap.paths.get(item.exhibit) or redacted_path(item, snap.items) or "",
                    "" if item.retained else "원본 미보관 — 해시값만 기록 (original not kept, hash only)",
                )
            ]
        )
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def readme_text(snap: CaseSnapshot, manifest_sha256: str) -> bytes:
    from .report_text import tool_label, tr
    from .report_verify import verification_steps

    lines: list[str] = []
    if snap.redacted_only:
        lines += [
            "가린 사본 묶음: 이 묶음에는 가린(흐리게 하거나 검게 칠한) 사본만 들어 있고 원본은 없습니다.",
            "수사기관 제출용 묶음이 아닙니다. 원본은 피해자(또는 보관자)의 보관함에 봉인되어 있습니다.",
            "Redacted bundle: this bundle holds only redacted (pixelated or blacked-out) copies, no originals.",
            "It is not the bundle for the police; the originals stay sealed in the victim's (or keeper's) vault.",
            "",
        ]
    for lang in ("ko", "en"):
        if lang == "ko":
            lines += [
                "증거 묶음 확인 방법 (README-VERIFY)",
                "=" * 40,
                "",
                f"보고서 ID: {snap.report_id}",
                f"작성 도구: {tool_label()}",
                f"서명 키 지문 (SHA-256): {snap.fingerprint}",
                f"매니페스트 SHA-256: {manifest_sha256}",
                f"보관 기록 헤드: 기록 {snap.head.size}건, 루트 {snap.head.root.hex()}",
                "",
                "먼저 누가 서명했는지 확인하세요. 이 묶음 안의 모든 것(이 파일과 보고서 포함)은 다른 키로 통째로",
                "다시 만들어 서명할 수 있습니다. 위 서명 키 지문을 묶음과 따로 받은 값 — 제출자가 서명해 건넨 종이",
                "'해시값 확인서'의 지문, 또는 제출자(상담사)와의 전화 확인 — 과 비교하세요. Evidence Kit이 있으면:",
                "    evidence-kit verify <묶음> --signer <종이에 적힌 지문(16자 이상, 띄어쓰기 무시)>",
                "다른 키로 서명된 묶음은 실패(종료 코드 6)합니다. --signer 없이 검증하면 '내부적으로 일관됨 — 서명자",
                "미확인'으로만 표시됩니다. 종이의 기록 건수보다 적으면 이전 상태로 되돌린 묶음입니다.",
                "",
                "이 폴더(또는 ZIP을 푼 폴더)에서 터미널을 열고 아래 명령을 차례로 실행하세요.",
                "서명 확인에는 OpenSSL 3.0 이상이 필요합니다.",
                "",
            ]
        else:
            lines += [
                "",
                "How to verify this evidence bundle (README-VERIFY)",
                "=" * 50,
                "",
                f"Report ID: {snap.report_id}",
                f"Tool: {tool_label()}",
                f"Signing key fingerprint (SHA-256): {snap.fingerprint}",
                f"Manifest SHA-256: {manifest_sha256}",
                f"Custody log head: {snap.head.size} entries, root {snap.head.root.hex()}",
                "",
                "First establish who signed it. Everything inside this bundle (this file and the report too) can be",
                "rebuilt and re-signed with another key. Compare the fingerprint above with a copy that did not",
                "travel with the bundle: the paper hash confirmation sheet the submitter signed and handed over, or",
                "a phone call with the submitter (or counselor). With Evidence Kit:",
                "    evidence-kit verify <bundle> --signer <fingerprint from the paper>",
                "(16 or more hex digits of it; spaces are ignored.)",
                "A bundle signed by any other key FAILS (exit code 6). Without --signer the result only says",
                "'internally consistent, signer not confirmed'. Fewer log entries than on the paper means an older",
                "(rolled-back) bundle.",
                "",
                "Open a terminal in this folder (or in the folder the ZIP was unpacked to) and run:",
                "Signature checks need OpenSSL 3.0 or later.",
                "",
            ]
        for step, cmds in verification_steps():
            lines.append(tr(step, lang))
            lines += [f"    {c}" for c in cmds]
            lines.append("")
        lines += windows_lines(lang)
        lines.append(tr("v_windows", lang))
        lines.append(tr("v_encrypted", lang))
        if snap.timestamp_files:
            from ..timestamps.bundle import openssl_commands

            lines.append("")
            lines.append(tr("v_timestamps", lang))
            lines += [f"    {c}" for c in openssl_commands(snap.timestamp_files)]
        if lang == "ko":
            lines += [
                "",
                "파일 안내: evidence/ 원본 증거(파일 이름의 E001은 증 제1호증),",
                "manifest.json 증거 목록과 해시값(정확한 원래 파일 이름 포함), custody.jsonl 보관 기록,",
                "report.pdf 보고서, evidence-list.csv 증거 목록(엑셀), case.jsonld CASE/UCO 형식 자료.",
            ]
        else:
            lines += [
                "",
                "Files: evidence/ the original files (E001 is Exhibit 1), manifest.json the list of exhibits",
                "and their hashes (with exact original names), custody.jsonl the custody log, report.pdf the",
                "report, evidence-list.csv the evidence list for Excel, case.jsonld the same facts as",
                "CASE/UCO.",
            ]
    if any(redacted_path(i, snap.items) for i in snap.items) and not snap.redacted_only:
        # Issue 16: say where a record-only case's pictures are, and that no original is here.
        lines += [
            "",
            "redacted/ 가린 사본 — 원본 미보관: 기록 전용 증거는 원본을 보관하지 않았고, 해시값은 원본에서 계산한",
            "값입니다. 이 폴더의 파일은 보관된 가린 사본이며 manifest.json의 redacted_version에 해시값이 있습니다.",
            "redacted/ redacted — original not kept: for record-only exhibits the original was not kept; their",
            "hashes are the original's. These files are the stored redacted versions (see redacted_version in",
            "manifest.json).",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- sinks


class _Sink:
    """Where bundle files go; each file's SHA-256 is computed as it is written."""

    def __init__(self) -> None:
        self.sums: dict[str, str] = {}

    def write(self, rel: str, chunks: Iterable[bytes], size: int | None = None) -> tuple[str, int]:
        why = winnames.path_problem(rel)
        if why:  # a bug of ours: a bundle Windows cannot unpack must not be made
            raise ValueError(f"bundle path not valid on Windows ({why}): {rel!r}")
        h = hashlib.sha256()
        n = 0
        with self._open(rel, size) as f:
            for chunk in chunks:
                h.update(chunk)
                f.write(chunk)
                n += len(chunk)
        digest = h.hexdigest()
        self.sums[rel] = digest
        return digest, n

    def write_bytes(self, rel: str, data: bytes) -> str:
        return self.write(rel, [data], len(data))[0]

    @contextlib.contextmanager
    def _open(self, rel: str, size: int | None) -> Iterator[BinaryIO]:
        raise NotImplementedError
        yield  # pragma: no cover

    def finish(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class _FolderSink(_Sink):
    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out
        self.staging = out.parent / f".{out.name}.part-{secrets.token_hex(4)}"
        self.staging.mkdir(mode=0o700)

    @contextlib.contextmanager
    def _open(self, rel: str, size: int | None) -> Iterator[BinaryIO]:
        p = self.staging / rel
        p.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())

    def finish(self) -> None:
        from ..common.fsutil import fsync_dir

        for d in (self.staging / EVIDENCE_DIR, self.staging):
            if d.is_dir():
                fsync_dir(d)
        os.rename(self.staging, self.out)
        fsync_dir(self.out.parent)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


class _CountingWriter:
    """A write-only stream for zipfile (it needs ``write`` to return the count)."""

    def __init__(self, sink: Callable[[bytes], None]) -> None:
        self._sink = sink

    def write(self, b: bytes | bytearray | memoryview) -> int:
        data = bytes(b)
        self._sink(data)
        return len(data)

    def flush(self) -> None:
        return None


class _ZipSink(_Sink):
    """A stored (uncompressed) ZIP, to a staging file or into an age passphrase stream."""

    def __init__(self, out: Path, *, passphrase: str | None, work_factor: int, when: datetime) -> None:
        super().__init__()
        self.out = out
        self.tmp = out.parent / f".{out.name}.part-{secrets.token_hex(4)}"
        fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._age: age.AgeWriter | None = None
        self._when = when.timetuple()[:6]
        target: Any = self._file
        if passphrase is not None:
            self._age = age.AgeWriter(self._file, [age.ScryptRecipient(passphrase, work_factor=work_factor)])
            target = _CountingWriter(self._age.write)
        self.zf = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True)

    @contextlib.contextmanager
    def _open(self, rel: str, size: int | None) -> Iterator[BinaryIO]:
        zi = zipfile.ZipInfo(rel, date_time=self._when)
        zi.compress_type = zipfile.ZIP_STORED
        zi.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
        zi.create_system = 3
        if size is not None:
            zi.file_size = size
        with self.zf.open(zi, "w", force_zip64=size is None or size > 0x7FFF0000) as f:
            yield f  # type: ignore[misc]

    def finish(self) -> None:
        self.zf.close()
        if self._age is not None:
            self._age.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.rename(self.tmp, self.out)
        from ..common.fsutil import fsync_dir

        fsync_dir(self.out.parent)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.zf.close()
        with contextlib.suppress(Exception):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


# --------------------------------------------------------------------------- export


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


def receipt_lines(fingerprint: str, manifest_sha256: str, head_size: int, head_root: str, lang: str) -> list[str]:
    """The out-of-band anchor as shown when an export finishes (CLI and app), to be
    written on or compared with the paper 해시값 확인서 and read out on the phone."""
    from ..crypto.anchor import readable

    if lang == "ko":
        return [
            "— 수사기관 확인용 (종이 해시값 확인서에 인쇄된 값과 같습니다) —",
            f"서명 키 지문:       {readable(fingerprint, lang)}",
            f"매니페스트 SHA-256: {readable(manifest_sha256, lang)}",
            f"보관 기록 헤드:     기록 {head_size}건, 루트 {readable(head_root, lang)}",
            "수사관은 evidence-kit verify 묶음 --signer 서명키지문 으로 확인합니다.",
            "지문은 묶음과 따로(종이, 전화) 전하세요.",
        ]
    return [
        "— For the investigator (the same values are printed on the paper hash confirmation sheet) —",
        f"Signing key fingerprint: {readable(fingerprint)}",
        f"Manifest SHA-256:        {readable(manifest_sha256)}",
        f"Custody log head:        {head_size} entries, root {readable(head_root)}",
        "The investigator runs evidence-kit verify BUNDLE --signer FINGERPRINT. Give the fingerprint separately "
        "from the bundle (on paper, by phone).",
    ]


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
    from .casegraph import case_graph
    from .report import render_report
    from .report_input import ItemEvidence, ReportOptions, item_evidence

    out = Path(out)
    if kind not in ("folder", "zip", "zip.age"):
        raise InputError(f"unknown bundle kind {kind}")
    if kind == "zip.age" and not passphrase:
        raise InputError(
            "no passphrase", ko="암호화에 쓸 암호가 필요합니다.", en="A passphrase is needed to encrypt."
        )
    if passphrase is not None and kind == "zip.age":
        from ..crypto.keys import check_passphrase_strength

        check_passphrase_strength(passphrase)
    check_output_path(vault, out)
    snap = snapshot_case(vault, case_id)
    if redacted_only:
        snap.items = [i for i in snap.items if i.derived_from and i.retained]
        if not snap.items:
            raise InputError(
                "no redacted copies",
                ko="이 사건에는 가린 사본이 없습니다. 먼저 가린 사본을 만드세요.",
                en="This case has no redacted copies yet. Make one first.",
            )
        snap.paths = exhibit_paths(snap.items)
        snap.redacted_only = True
    lang = lang if lang in ("ko", "en") else "ko"
    manifest_bytes = canonical_manifest(snap, lang=lang)
    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
    key = vault.keys.signing_key
    total = 2 * len(snap.items) + 1
    done = 0
    when = parse_iso_utc(snap.created_utc).astimezone()
    sink: _Sink = (
        _FolderSink(out)
        if kind == "folder"
        else _ZipSink(
            out, passphrase=passphrase if kind == "zip.age" else None, work_factor=age_work_factor, when=when
        )
    )
    try:
        evidence: dict[int, ItemEvidence] = {}
        for item in snap.items:
            if cancel():
                raise CancelledError()
            rel = snap.paths.get(item.exhibit)
            data: bytes | None = None
            if rel is not None:
                keep = item.media_type.startswith("image/") and item.size <= 64 * 1024 * 1024
                parts: list[bytes] = []

                def chunks(
                    parts: list[bytes] = parts, keep: bool = keep, item: Item = item
                ) -> Iterator[bytes]:
                    for c in vault.iter_plaintext(item.id):
                        if keep:
                            parts.append(c)
                        yield c

                digest, n = sink.write(rel, chunks(), item.size)
                if digest != item.sha256 or n != item.size:
                    raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
                if keep:
                    data = b"".join(parts)
                evidence[item.exhibit] = (
                    item_evidence(vault, item, clear_previews=clear_previews, data=data, verified=True)
                    if data is not None
                    else ItemEvidence(item_evidence_placeholder(item, clear_previews), True)
                )
            else:
                evidence[item.exhibit] = item_evidence(vault, item, clear_previews=clear_previews)
                red = redacted_path(item, snap.items)
                if red is not None and not snap.redacted_only:
                    digest, n = sink.write(red, vault.iter_plaintext(item.id), item.stored_size or 0)
                    if digest != item.stored_sha256:
                        raise IntegrityError(f"exhibit {item.exhibit}: redacted version does not match its SHA-256")
            done += 1
            progress(done, total)

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
        done = total - 1
        progress(done, total)
        pdf_bytes = pdf.getvalue()
        del pdf
        sink.write_bytes(REPORT, pdf_bytes)
        sink.write_bytes(README, readme_text(snap, manifest_sha))
        sums = "".join(f"{h}  {rel}\n" for rel, h in sorted(sink.sums.items())).encode("utf-8")
        sink.write_bytes(SUMS, sums)
        sink.write_bytes(SUMS_SIG, key.sign(sums))
        sink.finish()
    except BaseException:
        sink.abort()
        raise
    progress(total, total)
    retained = [i for i in snap.items if i.retained]
    confirmed = bool(retained) and all(evidence[i.exhibit].verified for i in retained)
    files = len(sink.sums)
    vault.log_event(
        "report",
        case_id=case_id,
        data={
            "report_id": snap.report_id,
            "manifest_sha256": manifest_sha,
            "pdf_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
            "lang": lang,
            "pages": pages,
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
            "manifest_sha256": manifest_sha,
            "sha256sums_sha256": hashlib.sha256(sums).hexdigest(),
            "files": files,
            "items": len(snap.items),
            "kind": kind,
            "encrypted": kind == "zip.age",
            "redacted_copies_only": redacted_only,
            "log_size": snap.head.size,
            "name": out.name,
        },
    )
    log.info("bundle exported: %d files, %d items", files, len(snap.items))
    return ExportResult(
        out, kind, snap.report_id, manifest_sha, snap.fingerprint, files, len(snap.items), pages, confirmed,
        head_size=snap.head.size, head_root=snap.head.root.hex(),
    )


def item_evidence_placeholder(item: Item, clear_previews: bool) -> Any:
    from ..evidence.preview import make_preview

    return make_preview(
        None,
        item.media_type,
        blur=not clear_previews,
        problem="too-large" if item.media_type.startswith("image/") else "",
    )
