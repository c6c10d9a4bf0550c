"""Police-side verification of an export bundle: ``evidence-kit verify BUNDLE`` (issue 8).

Needs no vault and no vault passphrase: only the bundle (a folder, a ``.zip``, or an
age-encrypted zip plus its passphrase). Nothing is ever extracted to disk: folder files
are opened without following links, ZIP members are streamed from the archive, and an
encrypted bundle is decrypted into memory (bounded).

The container is checked before any content is trusted: zip slip (absolute paths,
``..``, backslashes, drive letters, control characters), symbolic links (ZIP external
attributes; on-disk links in folders), duplicate names (also after Unicode
normalisation and case folding), zip bombs (entry count, total size, compression
ratio, and overlapping entries: Python 3.11's zipfile does not check overlaps), and
encrypted or exotic ZIP entries.

Then the content: every file against SHA256SUMS (and no file missing or extra), the
signatures on SHA256SUMS, manifest.json and custody-head.json with the bundled public
key (whose fingerprint must match the manifest's), custody.jsonl against the signed
head (RFC 6962 root, sequence numbers, hash chain), and per exhibit: its file's hash and
size against the manifest, its acquisition entry in the custody log, and its inclusion
proof. Every problem names the file or exhibit it is about.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import logging
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

from ..common.canonical import parse_canonical
from ..common.errors import CancelledError, EvidenceKitError, WrongPassphraseError
from ..common.i18n import tr
from ..common.jsonlimits import MAX_DEPTH, TooDeep, check_depth
from ..crypto import age, merkle
from ..crypto.anchor import MIN_SIGNER_HEX, normalise_signer, readable, signer_matches
from ..crypto.keys import key_fingerprint
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .snapshot import (
    ACQUIRE_ACTIONS,
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    CUSTODY,
    EVIDENCE_DIR,
    HEAD,
    HEAD_SIG,
    MANIFEST,
    MANIFEST_SIG,
    PROOFS,
    PUBKEY,
    SUMS,
    SUMS_SIG,
)

log = logging.getLogger(__name__)

MAX_ENTRIES = 100_000
MAX_TOTAL_BYTES = 1 << 40  # 1 TiB of declared content
MAX_RATIO = 100  # uncompressed / compressed, for deflated members (ours are stored)
MAX_SMALL_FILE = 256 * 1024 * 1024  # manifest, SHA256SUMS, custody log... read into memory
MAX_DECRYPTED = 4 * 1024 * 1024 * 1024  # an encrypted bundle is opened in memory
AGE_MAGIC = b"age-encryption.org/v1\n"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
REQUIRED = (MANIFEST, MANIFEST_SIG, PUBKEY, SUMS, SUMS_SIG, CUSTODY, HEAD, HEAD_SIG, PROOFS)
_SUMS_LINE = re.compile(rb"^([0-9a-f]{64}) [ *](.+)$")
_BLOCK = 1 << 20


class BundleRefused(EvidenceKitError):
    """The container itself is unsafe or unreadable: nothing in it is trusted."""

    exit_code = 6
    ko = "증거 묶음을 안전하게 열 수 없어 검증을 거부했습니다."
    en = "The bundle cannot be opened safely; verification refused."

    def __init__(self, key: str, **kw: object) -> None:
        self.key = key
        self.kw = kw
        super().__init__(tr(key, "en", **kw), ko=tr(key, "ko", **kw), en=tr(key, "en", **kw))

    def message(self, lang: str = "en") -> str:
        return tr(self.key, "ko" if lang.startswith("ko") else "en", **self.kw)


class SignerFormatError(EvidenceKitError):
    """What was given as ``--signer`` is not a fingerprint (or too short a prefix of one)."""

    exit_code = 2

    def __init__(self, why: str) -> None:
        super().__init__(
            why,
            ko=f"--signer 값이 서명 키 지문이 아닙니다: 16진수 {MIN_SIGNER_HEX}자 이상이어야 합니다 ({why}).",
            en=f"--signer is not a key fingerprint: {MIN_SIGNER_HEX} or more hex digits are needed ({why}).",
        )


# Refusals that mean "this is not one of ours" rather than "one of ours, altered".
NOT_BUNDLE_KEYS = frozenset({"bvp_not_bundle", "bvp_not_ek_bundle", "bvp_nested_bundle"})


class PassphraseNeeded(EvidenceKitError):
    exit_code = 2
    ko = "암호화된 증거 묶음입니다. 묶음 암호가 필요합니다."
    en = "This bundle is encrypted: its passphrase is needed."


@dataclass
class Problem:
    """One failed check, in Korean and English, naming the file (or exhibit) concerned."""

    key: str
    kw: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        kw = dict(self.kw)
        if self.key == "bvp_signer":  # fingerprints with their check code, labelled in the reader's language
            kw = {k: readable(str(v), lang) for k, v in kw.items()}
        return tr(self.key, lang, **{k: printable(v) if isinstance(v, str) else v for k, v in kw.items()})


@dataclass
class Check:
    key: str
    ok: bool
    kw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExhibitResult:
    exhibit: int
    label_ko: str
    label_en: str
    path: str | None
    log_index: int
    retained: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class BundleVerification:
    path: str
    ok: bool = False
    fingerprint: str = ""
    manifest_fingerprint: str = ""
    manifest_sha256: str = ""
    report_id: str = ""
    files_checked: int = 0
    checks: list[Check] = field(default_factory=list)
    exhibits: list[ExhibitResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timestamps: list[Any] = field(default_factory=list)  # timestamp.TimestampResult, one per token
    signer_expected: str = ""  # normalised --signer, "" when none was given
    not_bundle: bool = False
    head_size: int | None = None
    head_root: str = ""

    @property
    def signer_confirmed(self) -> bool:
        """The key was compared with a fingerprint that did not come from the bundle."""
        return bool(self.signer_expected) and signer_matches(self.signer_expected, self.fingerprint)

    @property
    def verdict(self) -> str:
        """``pass`` (signer confirmed), ``unconfirmed`` (consistent, signer not compared),
        ``fail`` or ``not_bundle``."""
        if self.not_bundle:
            return "not_bundle"
        if not self.ok:
            return "fail"
        return "pass" if self.signer_confirmed else "unconfirmed"

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(e.problems) for e in self.exhibits)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "verdict": self.verdict,
            "fingerprint": self.fingerprint,
            "fingerprint_readable": readable(self.fingerprint, lang),
            "signer": {"expected": self.signer_expected or None, "confirmed": self.signer_confirmed},
            "manifest_sha256": self.manifest_sha256,
            "manifest_sha256_readable": readable(self.manifest_sha256, lang),
            "head": {"size": self.head_size, "root": self.head_root or None},
            "report_id": self.report_id,
            "files_checked": self.files_checked,
            "checks": [{"check": c.key, "ok": c.ok, "message": tr(c.key, lang, **c.kw)} for c in self.checks],
            "exhibits": [
                {
                    "exhibit": e.exhibit,
                    "path": e.path,
                    "ok": e.ok,
                    "log_index": e.log_index,
                    "problems": [p.message(lang) for p in e.problems],
                }
                for e in self.exhibits
            ],
            "problems": [p.message(lang) for p in self.problems],
            "timestamps": [t.to_json(lang) for t in self.timestamps],
        }


def printable(s: str, limit: int = 300) -> str:
    """Text from a hostile bundle, safe to print on a terminal: every control, format
    (bidi overrides, zero-width), surrogate, private-use, unassigned and line/paragraph
    separator character is shown as a visible ``\\uXXXX``, so a name cannot move the
    cursor, recolour the screen or paint a fake "PASS". Kept as one small function so a
    general untrusted-text module can replace it."""
    out = []
    for ch in s[:limit]:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out) + ("…" if len(s) > limit else "")


def json_terminal_safe(text: str) -> str:
    """JSON text with every format/bidi/separator/unassigned character written as a \\u
    escape (still the same JSON value): json.dumps escapes only C0 controls."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") and ch not in "\n":
            cp = ord(ch)
            if cp > 0xFFFF:
                cp -= 0x10000
                out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
            else:
                out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------- names


def unsafe_reason(name: str) -> str | None:
    """Why a member name is refused (None if it is acceptable)."""
    if not name or len(name) > 4096:
        return "empty or too long"
    if "\\" in name:
        return "backslash"
    if name.startswith("/"):
        return "absolute path"
    if re.match(r"^[A-Za-z]:", name) or ":" in name:
        return "drive letter or colon"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        return "control character"
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "'..', '.' or empty path component"
    return None


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


# --------------------------------------------------------------------------- sources


class _Source:
    """Read-only view of a bundle's regular files, keyed by '/'-separated NFC names."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> contextlib.AbstractContextManager[BinaryIO]:
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def close(self) -> None:
        return None

    def read_small(self, name: str, limit: int = MAX_SMALL_FILE) -> bytes:
        if self.size(name) > limit:
            raise ValueError(f"{name} is too large")
        with self.open(name) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise ValueError(f"{name} is too large")
        return data

    def hash(self, name: str) -> tuple[str, int]:
        h = hashlib.sha256()
        n = 0
        with self.open(name) as f:
            while block := f.read(_BLOCK):
                h.update(block)
                n += len(block)
        return h.hexdigest(), n


class _FolderSource(_Source):
    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, tuple[str, int]] = {}  # NFC name -> (real relative name, size)
        folded: set[str] = set()
        count = 0
        stack = [""]
        while stack:
            rel_dir = stack.pop()
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                for entry in it:
                    count += 1
                    if count > MAX_ENTRIES:
                        raise BundleRefused("bvp_zip_bomb", why=f"more than {MAX_ENTRIES} files")
                    rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                    nfc = unicodedata.normalize("NFC", rel)
                    reason = unsafe_reason(nfc)
                    if reason:
                        raise BundleRefused("bvp_unsafe_name", path=printable(rel), why=reason)
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISLNK(st.st_mode):
                        raise BundleRefused("bvp_symlink", path=printable(rel))
                    if stat.S_ISDIR(st.st_mode):
                        stack.append(rel)
                        continue
                    if not stat.S_ISREG(st.st_mode):
                        raise BundleRefused("bvp_not_regular", path=printable(rel))
                    if nfc in self._files or _fold(nfc) in folded:
                        raise BundleRefused("bvp_duplicate", path=printable(rel))
                    folded.add(_fold(nfc))
                    self._files[nfc] = (rel, st.st_size)

    def names(self) -> list[str]:
        return sorted(self._files)

    def size(self, name: str) -> int:
        return self._files[name][1]

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        """Open without following any link, component by component (no swap-in races)."""
        real = self._files[name][0]
        parts = real.split("/")
        flags_dir = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
        fds: list[int] = []
        try:
            cur = os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            fds.append(cur)
            for p in parts[:-1]:
                cur = os.open(p, flags_dir, dir_fd=cur)
                fds.append(cur)
            fd = os.open(parts[-1], os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=cur)
        finally:
            for d in fds:
                os.close(d)
        f = os.fdopen(fd, "rb")
        try:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise OSError(f"{name} is not a regular file")
            yield f
        finally:
            f.close()


class _ZipSource(_Source):
    def __init__(self, fileobj: BinaryIO) -> None:
        self._fileobj = fileobj
        try:
            self.zf = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as e:
            raise BundleRefused("bvp_zip_bad", why=str(e)[:200]) from e
        self._infos: dict[str, zipfile.ZipInfo] = {}
        try:
            self._check()
        except BaseException:
            self.zf.close()
            raise

    def _check(self) -> None:
        infos = self.zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BundleRefused("bvp_zip_bomb", why=f"{len(infos)} entries")
        total = 0
        folded: set[str] = set()
        spans: list[tuple[int, int, str]] = []
        for zi in infos:
            name = zi.filename
            reason = unsafe_reason(name)
            if reason:
                raise BundleRefused("bvp_unsafe_name", path=printable(name), why=reason)
            mode = zi.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise BundleRefused("bvp_symlink", path=printable(name))
            is_dir = name.endswith("/") or stat.S_ISDIR(mode)
            # Many writers (Python's zipfile among them) store permission bits without a file
            # type; only an explicit type other than a file or folder is refused.
            if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise BundleRefused("bvp_not_regular", path=printable(name))
            if zi.flag_bits & 0x1:
                raise BundleRefused("bvp_zip_bad", why=f"encrypted entry {printable(name)}")
            if zi.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BundleRefused("bvp_zip_bad", why=f"unsupported compression in {printable(name)}")
            if zi.compress_type == zipfile.ZIP_STORED and zi.compress_size != zi.file_size:
                raise BundleRefused("bvp_zip_bad", why=f"size mismatch in {printable(name)}")
            if zi.file_size > MAX_RATIO * max(zi.compress_size, 1) and zi.file_size > 1024 * 1024:
                raise BundleRefused(
                    "bvp_zip_bomb_entry", path=printable(name), size=zi.file_size, packed=zi.compress_size
                )
            total += zi.file_size
            if total > MAX_TOTAL_BYTES:
                raise BundleRefused("bvp_zip_bomb", why="total size")
            nfc = unicodedata.normalize("NFC", name)
            if _fold(nfc) in folded:
                raise BundleRefused("bvp_duplicate", path=printable(name))
            folded.add(_fold(nfc))
            spans.append((zi.header_offset, self._data_end(zi), name))
            if not is_dir:
                self._infos[nfc] = zi
        spans.sort()
        for (_s1, e1, n1), (s2, _e2, n2) in itertools.pairwise(spans):
            if s2 < e1:
                raise BundleRefused("bvp_zip_overlap", path=printable(f"{n1} / {n2}"))
        if spans and spans[-1][1] > self.zf.start_dir:
            raise BundleRefused("bvp_zip_overlap", path=printable(spans[-1][2]))
        # Contiguity: the entries must tile the archive from byte 0 to the central directory.
        # Bytes in a gap are invisible to this check but not to a streaming reader (Java's
        # ZipInputStream, `unzip` on a pipe), which would extract a hidden local header.
        pos = 0
        for start, end, name in spans:
            if start != pos:
                raise BundleRefused("bvp_zip_gap", path=printable(name), at=pos, n=start - pos)
            pos = end
        if pos != self.zf.start_dir:
            raise BundleRefused("bvp_zip_gap", path="central directory", at=pos, n=self.zf.start_dir - pos)

    def _data_end(self, zi: zipfile.ZipInfo) -> int:
        """Where the entry ends: local header, name, extra, data and any data descriptor."""
        f = self._fileobj
        f.seek(zi.header_offset)
        h = f.read(30)
        if len(h) != 30 or h[:4] != b"PK\x03\x04":
            raise BundleRefused("bvp_zip_bad", why=f"bad local header for {printable(zi.filename)}")
        n, e = struct.unpack("<HH", h[26:30])
        end = int(zi.header_offset) + 30 + int(n) + int(e) + int(zi.compress_size)
        if zi.flag_bits & 0x08:  # sizes follow the data (a writer that could not seek back)
            f.seek(int(zi.header_offset) + 30 + int(n))
            extra = f.read(int(e))
            zip64 = False
            i = 0
            while i + 4 <= len(extra):
                tag, ln = struct.unpack("<HH", extra[i : i + 4])
                zip64 = zip64 or tag == 0x0001
                i += 4 + ln
            f.seek(end)
            signed = f.read(4) == b"PK\x07\x08"
            end += (4 if signed else 0) + (20 if zip64 else 12)
        return end

    def names(self) -> list[str]:
        return sorted(self._infos)

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with self.zf.open(self._infos[name]) as f:
            yield f  # type: ignore[misc]

    def close(self) -> None:
        self.zf.close()


def is_encrypted(path: Path) -> bool:
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        return f.read(len(AGE_MAGIC)) == AGE_MAGIC


@contextlib.contextmanager
def open_bundle(path: Path, passphrase: str | None = None) -> Iterator[_Source]:
    path = Path(path)
    src: _Source
    if path.is_symlink():
        raise BundleRefused("bvp_symlink", path=printable(str(path)))
    if path.is_dir():
        src = _FolderSource(path)
        yield src
        return
    if not path.is_file():
        raise BundleRefused("bvp_not_bundle")
    with open(path, "rb") as f:
        magic = f.read(len(AGE_MAGIC))
        f.seek(0)
        if magic == AGE_MAGIC:
            if passphrase is None:
                raise PassphraseNeeded()
            data = _decrypt(f, passphrase)
            src = _ZipSource(io.BytesIO(data))
        elif magic[:4] in ZIP_MAGIC:
            src = _ZipSource(f)
        else:
            raise BundleRefused("bvp_not_bundle")
        try:
            yield src
        finally:
            src.close()


def _decrypt(f: BinaryIO, passphrase: str) -> bytes:
    try:
        reader = age.AgeReader(f, [age.ScryptIdentity(passphrase)])
    except age.AgeNoMatchError as e:
        raise WrongPassphraseError("bundle") from e
    except age.AgeError as e:
        # A wrong passphrase fails the header MAC or the stanza unwrap alike.
        if isinstance(e, age.AgeHMACError):
            raise WrongPassphraseError("bundle") from e
        raise BundleRefused("bvp_age", why=str(e)[:200]) from e
    out = bytearray()
    try:
        for chunk in reader.chunks():
            out += chunk
            if len(out) > MAX_DECRYPTED:
                raise BundleRefused("bvp_zip_bomb", why="decrypted bundle too large")
    except age.AgeError as e:
        raise BundleRefused("bvp_age", why=str(e)[:200]) from e
    return bytes(out)


# --------------------------------------------------------------------------- verify


def verify_bundle(
    path: Path,
    *,
    passphrase: str | None = None,
    signer: str | None = None,
    tsa_ca: Sequence[Any] = (),
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> BundleVerification:
    """Verify a bundle; never raises for bad content (only PassphraseNeeded/WrongPassphrase,
    SignerFormatError, and CancelledError when ``cancel`` says so). ``progress`` counts
    files hashed.

    ``signer``: the signing-key fingerprint (or a prefix of 16+ hex digits) the
    investigator got out of band (paper receipt, phone); any other key is a failure.
    Without it a bundle that passes every check is only "internally consistent": a forger
    can re-sign a whole bundle with a key of their own. ``tsa_ca``: extra root
    certificates (``x509.Certificate``) a timestamp chain may end at, besides the built-in
    ones.
    """
    res = BundleVerification(path=str(path))
    if signer is not None and signer.strip():
        try:
            res.signer_expected = normalise_signer(signer)
        except ValueError as e:
            raise SignerFormatError(str(e)) from e
    try:
        with open_bundle(Path(path), passphrase) as src:
            _Verifier(src, res, progress=progress, cancel=cancel, tsa_ca=tsa_ca).run()
            total = len(src.names())
            progress(total, total)
    except BundleRefused as e:
        res.problems.append(Problem(e.key, dict(e.kw)))
        res.not_bundle = e.key in NOT_BUNDLE_KEYS
    except OSError as e:
        res.problems.append(Problem("bvp_zip_bad", {"why": f"{e.strerror or e}"}))
    if res.signer_expected and res.fingerprint:
        ok = res.signer_confirmed
        res.checks.append(Check("bv_check_signer", ok, {"fp": res.signer_expected}))
        if not ok:
            res.problems.append(
                Problem("bvp_signer", {"want": res.signer_expected, "got": res.fingerprint})
            )
    res.ok = res.problem_count == 0 and bool(res.checks) and all(c.ok for c in res.checks)
    return res


class _Verifier:
    def __init__(
        self,
        src: _Source,
        res: BundleVerification,
        *,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        tsa_ca: Sequence[Any] = (),
    ) -> None:
        self.tsa_ca = list(tsa_ca)
        self.src = src
        self.res = res
        self.names = set(src.names())
        self.actual: dict[str, tuple[str, int]] = {}
        self._progress = progress
        self._cancel = cancel

    def problem(self, key: str, **kw: Any) -> None:
        self.res.problems.append(Problem(key, kw))

    def check(self, key: str, ok: bool, **kw: Any) -> bool:
        self.res.checks.append(Check(key, ok, kw))
        return ok

    def small(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        try:
            data = self.src.read_small(name)
        except (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as e:
            self.problem("bvp_read", path=name, why=str(e)[:200])
            return None
        if name.endswith((".json", ".jsonl")):
            try:
                check_depth(data, lines=name.endswith(".jsonl"))
            except TooDeep as e:
                # Refused outright: no parser is given a chance to recurse on it.
                raise BundleRefused("bvp_too_deep", path=printable(name), limit=MAX_DEPTH) from e
        return data

    def hash_of(self, name: str) -> tuple[str, int] | None:
        if name in self.actual:
            return self.actual[name]
        if self._cancel():
            raise CancelledError()
        try:
            got = self.src.hash(name)
        except (OSError, zipfile.BadZipFile, EOFError, zlib.error, ValueError, NotImplementedError) as e:
            self.problem("bvp_read", path=name, why=str(e)[:200])
            return None
        self.actual[name] = got
        self._progress(len(self.actual), len(self.names))
        return got

    @staticmethod
    def sig_ok(key: Ed25519PublicKey | None, data: bytes | None, sig: bytes | None) -> bool:
        if key is None or data is None or sig is None:
            return False
        try:
            key.verify(sig, data)
        except (InvalidSignature, ValueError):
            return False
        return True

    def run(self) -> None:
        res = self.res
        if MANIFEST not in self.names and SUMS not in self.names:
            nested = sorted(n.rsplit("/", 1)[0] for n in self.names if n.endswith(f"/{SUMS}"))
            if nested:  # someone zipped the bundle's folder rather than its contents
                raise BundleRefused("bvp_nested_bundle", path=printable(nested[0]))
            raise BundleRefused("bvp_not_ek_bundle", why=f"no {MANIFEST} and no {SUMS}")
        for name in REQUIRED:
            if name not in self.names:
                self.problem("bvp_missing", path=name)

        # -- the public key and its fingerprint
        key: Ed25519PublicKey | None = None
        pem = self.small(PUBKEY)
        if pem is not None:
            try:
                k = load_pem_public_key(pem)
                if not isinstance(k, Ed25519PublicKey):
                    raise ValueError("not an Ed25519 key")
                key = k
                res.fingerprint = key_fingerprint(k.public_bytes(Encoding.Raw, PublicFormat.Raw))
            except (ValueError, TypeError) as e:
                self.problem("bvp_pubkey", path=PUBKEY, why=str(e)[:100])

        # -- SHA256SUMS, its signature, and every file it lists
        sums = self.small(SUMS)
        self.check("bv_check_sums_sig", self.sig_ok(key, sums, self.small(SUMS_SIG)))
        if sums is not None and not res.checks[-1].ok:
            self.problem("bvp_sig", path=SUMS, sig=SUMS_SIG)
        listed: dict[str, str] = {}
        if sums is not None:
            for no, raw in enumerate(sums.split(b"\n"), 1):
                if not raw:
                    continue
                m = _SUMS_LINE.match(raw)
                name = m.group(2).decode("utf-8", "replace") if m else ""
                if not m or unsafe_reason(name) or name in listed:
                    self.problem("bvp_sums_line", line=no)
                    continue
                listed[unicodedata.normalize("NFC", name)] = m.group(1).decode("ascii")
        sums_ok = True
        for name in sorted(self.names - {SUMS, SUMS_SIG}):
            if name not in listed and sums is not None:
                self.problem("bvp_extra", path=name)
                sums_ok = False
        for name, want in sorted(listed.items()):
            if name not in self.names:
                self.problem("bvp_missing", path=name)
                sums_ok = False
                continue
            got = self.hash_of(name)
            if got is None:
                sums_ok = False
            elif got[0] != want:
                self.problem("bvp_hash", path=name)
                sums_ok = False
        res.files_checked = len(self.actual)
        self.check("bv_check_sums", sums is not None and sums_ok, n=len(listed))

        # -- manifest and its signature
        manifest_bytes = self.small(MANIFEST)
        manifest: dict[str, Any] = {}
        if manifest_bytes is not None:
            res.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
            if not self.check(
                "bv_check_manifest_sig", self.sig_ok(key, manifest_bytes, self.small(MANIFEST_SIG))
            ):
                self.problem("bvp_sig", path=MANIFEST, sig=MANIFEST_SIG)
            try:
                obj = parse_canonical(manifest_bytes)
                if not isinstance(obj, dict) or obj.get("format") != BUNDLE_FORMAT:
                    raise BundleRefused("bvp_not_ek_bundle", why=f"{MANIFEST} is not an Evidence Kit manifest")
                if obj.get("version") != BUNDLE_VERSION:
                    raise ValueError(f"bundle version {obj.get('version')!r} is not supported")
                if not isinstance(obj.get("items"), list):
                    raise ValueError("no item list")
                manifest = obj
            except (ValueError, UnicodeDecodeError) as e:
                self.problem("bvp_manifest", path=MANIFEST, why=str(e)[:200])
        else:
            self.check("bv_check_manifest_sig", False)
        res.report_id = str(manifest.get("report_id", ""))
        signer = manifest.get("signer") if isinstance(manifest.get("signer"), dict) else {}
        res.manifest_fingerprint = str((signer or {}).get("fingerprint_sha256", ""))
        if manifest:
            fp_ok = bool(res.fingerprint) and res.manifest_fingerprint == res.fingerprint
            if not self.check("bv_check_fingerprint", fp_ok):
                self.problem("bvp_fingerprint", path=MANIFEST)

        # -- the signed custody-log head
        head_body = self.small(HEAD)
        head: dict[str, Any] = {}
        head_sig_ok = self.sig_ok(key, head_body, self.small(HEAD_SIG))
        if head_body is not None:
            try:
                h = parse_canonical(head_body)
                if not isinstance(h, dict) or not isinstance(h.get("size"), int):
                    raise ValueError("no size")
                bytes.fromhex(str(h.get("root")))
                head = h
                res.head_size, res.head_root = int(h["size"]), str(h["root"])
            except (ValueError, UnicodeDecodeError, TypeError) as e:
                self.problem("bvp_head", path=HEAD, why=str(e)[:200])
        if not self.check("bv_check_head_sig", head_sig_ok, n=head.get("size", "?")):
            self.problem("bvp_sig", path=HEAD, sig=HEAD_SIG)
        if head and res.fingerprint and head.get("key") != res.fingerprint:
            self.problem("bvp_head_key", path=HEAD)
        custody = manifest.get("custody") if isinstance(manifest.get("custody"), dict) else None
        if manifest and head and (custody or {}).get("head") != head:
            self.problem("bvp_head_mismatch", path=MANIFEST)

        # -- custody.jsonl against the head
        lines = self.custody_lines(head)
        leaves = [lf for lf, _ in lines] if lines is not None else []
        objs = [o for _, o in lines] if lines is not None else []

        # -- inclusion proofs
        proofs: dict[int, dict[str, Any]] = {}
        proofs_raw = self.small(PROOFS)
        if proofs_raw is not None:
            try:
                p = parse_canonical(proofs_raw)
                if head and (p.get("tree_size") != head.get("size") or p.get("root") != head.get("root")):
                    raise ValueError("proofs are for another log head")
                for entry in p["proofs"]:
                    proofs[int(entry["exhibit"])] = entry
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as e:
                self.problem("bvp_proofs", path=PROOFS, why=str(e)[:200])

        # -- per exhibit
        referenced: set[str] = set()
        case_id = (manifest.get("case") or {}).get("id") if isinstance(manifest.get("case"), dict) else None
        for entry in manifest.get("items", []):
            ex = self.exhibit(entry, head, leaves, objs, proofs, case_id)
            if ex is not None:
                res.exhibits.append(ex)
                if ex.path:
                    referenced.add(ex.path)
        if manifest:
            for name in sorted(self.names):
                if name.startswith(EVIDENCE_DIR + "/") and name not in referenced:
                    self.problem("bvp_evidence_unlisted", path=name)
            report = manifest.get("report")
            if isinstance(report, dict) and report.get("file") not in self.names:
                self.problem("bvp_missing", path=str(report.get("file")))

        # -- trusted timestamps (issue 11), when the bundle carries any: each token checked
        # completely against the bundle's own signed checkpoints and custody log.
        ts_names = sorted(n for n in self.names if n.startswith("timestamps/"))
        if ts_names:
            from ..timestamps.bundle import verify_bundle_timestamps

            files = {n: data for n in ts_names if (data := self.small(n)) is not None}
            raw_key = key.public_bytes(Encoding.Raw, PublicFormat.Raw) if key is not None else None
            res.timestamps = verify_bundle_timestamps(
                files, public_key_raw=raw_key, leaves=leaves or None, extra_roots=self.tsa_ca
            )
            if not res.timestamps:
                self.problem("bvp_timestamp", path="timestamps/")
            for r in res.timestamps:
                if not r.ok:
                    self.problem("bvp_timestamp", path=r.token_path)

    def custody_lines(self, head: dict[str, Any]) -> list[tuple[bytes, dict[str, Any] | None]] | None:
        data = self.small(CUSTODY)
        if data is None:
            self.check("bv_check_log", False)
            return None
        ok = True
        out: list[tuple[bytes, dict[str, Any] | None]] = []
        raw_lines = data.split(b"\n")
        if raw_lines and raw_lines[-1] == b"":
            raw_lines.pop()
        else:
            self.problem("bvp_log_line", path=CUSTODY, line=len(raw_lines), why="no final newline")
            ok = False
        rng = merkle.CompactRange()
        for i, line in enumerate(raw_lines):
            try:
                obj = json.loads(line.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                if set(obj) == {"leaf", "redacted", "seq"} and obj["redacted"] is True:
                    parse_canonical(line)
                    if obj["seq"] != i:
                        raise ValueError("out of place")
                    leaf = bytes.fromhex(obj["leaf"])
                    if len(leaf) != 32:
                        raise ValueError("bad leaf hash")
                    out.append((leaf, None))
                else:
                    obj = parse_canonical(line)
                    if obj.get("seq") != i:
                        raise ValueError("out of place")
                    if obj.get("prev") != rng.root().hex():
                        self.problem("bvp_log_chain", path=CUSTODY, seq=i)
                        ok = False
                    leaf = merkle.leaf_hash(line)
                    out.append((leaf, obj))
            except (ValueError, UnicodeDecodeError, TypeError, KeyError) as e:
                self.problem("bvp_log_line", path=CUSTODY, line=i + 1, why=str(e)[:120])
                ok = False
                leaf = merkle.leaf_hash(line)
                out.append((leaf, None))
            rng.append(leaf)
        if head:
            if rng.size != head.get("size") or rng.root().hex() != head.get("root"):
                self.problem("bvp_log_root", path=CUSTODY, got=rng.size, want=head.get("size"))
                ok = False
        else:
            ok = False
        self.check("bv_check_log", ok)
        return out

    def exhibit(
        self,
        entry: Any,
        head: dict[str, Any],
        leaves: list[bytes],
        objs: list[dict[str, Any] | None],
        proofs: dict[int, dict[str, Any]],
        case_id: Any,
    ) -> ExhibitResult | None:
        try:
            number = int(entry["exhibit"])
            sha = str(entry["sha256"])
            size = int(entry["size"])
            log_index = int(entry["log_index"])
            retained = bool(entry.get("retained", True))
            path = entry.get("path")
            if path is not None and not isinstance(path, str):
                raise TypeError("path")
        except (KeyError, TypeError, ValueError) as e:
            self.problem("bvp_manifest", path=MANIFEST, why=f"item entry: {e}"[:200])
            return None
        ex = ExhibitResult(number, f"증 제{number}호증", f"Exhibit {number}", path, log_index, retained)

        def fail(key: str, **kw: Any) -> None:
            ex.problems.append(Problem(key, kw))

        # the file itself
        if retained:
            if not path or unsafe_reason(path) or not path.startswith(EVIDENCE_DIR + "/"):
                fail("bvp_ex_path")
            elif path not in self.names:
                fail("bvp_ex_file_missing", path=path)
            else:
                got = self.hash_of(path)
                if got is None or got[0] != sha or got[1] != size:
                    fail("bvp_ex_file_hash", path=path)
        elif path is not None:
            fail("bvp_ex_path")
        # its acquisition entry in the custody log
        obj = objs[log_index] if 0 <= log_index < len(objs) else None
        data = obj.get("data") if isinstance(obj, dict) else None
        if (
            not isinstance(obj, dict)
            or not isinstance(data, dict)
            or obj.get("action") not in ACQUIRE_ACTIONS
            or obj.get("case") != case_id
            or data.get("exhibit") != number
            or data.get("sha256") != sha
            or ("size" in data and data.get("size") != size)
        ):
            fail("bvp_ex_log", seq=log_index)
        # its inclusion proof against the signed root
        proof = proofs.get(number)
        if proof is None:
            fail("bvp_ex_proof_missing")
        else:
            try:
                audit = [bytes.fromhex(h) for h in proof["audit_path"]]
                leaf = bytes.fromhex(proof["leaf_hash"])
                ok = (
                    bool(head)
                    and proof["leaf_index"] == log_index
                    and 0 <= log_index < len(leaves)
                    and leaf == leaves[log_index]
                    and merkle.verify_inclusion(
                        log_index, int(head["size"]), leaf, audit, bytes.fromhex(head["root"])
                    )
                )
            except (KeyError, TypeError, ValueError):
                ok = False
            if not ok:
                fail("bvp_ex_proof", seq=log_index)
        return ex


# --------------------------------------------------------------------------- output


def report_lines(res: BundleVerification, lang: str) -> list[str]:
    """Human-readable result: checks, one line per exhibit, problems, verdict."""
    lines = [tr("bv_header", lang, path=printable(res.path))]
    if res.fingerprint:
        lines.append(tr("bv_fingerprint", lang, fp=readable(res.fingerprint, lang)))
    if res.manifest_sha256:
        lines.append(tr("bv_manifest_sha", lang, sha=readable(res.manifest_sha256, lang)))
    if res.head_size is not None:
        lines.append(tr("bv_head", lang, size=res.head_size, root=readable(printable(res.head_root, 64), lang)))
    if res.report_id:
        lines.append(tr("bv_report_id", lang, rid=printable(res.report_id, 80)))
    ok_word, bad_word = tr("bv_pass", lang), tr("bv_fail", lang)
    for c in res.checks:
        lines.append(f"[{ok_word if c.ok else bad_word}] {tr(c.key, lang, **c.kw)}")
    for e in res.exhibits:
        label = e.label_ko if lang == "ko" else e.label_en
        where = printable(e.path) if e.path else tr("bv_not_retained", lang)
        if e.ok:
            key = "bv_exhibit_ok" if e.retained else "bv_exhibit_record_only"
            lines.append(f"[{ok_word}] {tr(key, lang, label=label, path=where, seq=e.log_index)}")
        else:
            reasons = "; ".join(p.message(lang) for p in e.problems)
            lines.append(f"[{bad_word}] {label} {where}: {reasons}")
    if res.timestamps:
        from ..timestamps.bundle import result_lines

        lines += result_lines(res.timestamps, lang)
    for p in res.problems:
        lines.append(f"[{bad_word}] {p.message(lang)}")
    verdict = res.verdict
    if verdict == "pass":
        lines.append(tr("bv_verdict_ok", lang, n=len(res.exhibits), fp=readable(res.fingerprint, lang)))
    elif verdict == "unconfirmed":
        lines.append(tr("bv_verdict_unconfirmed", lang, n=len(res.exhibits), fp=readable(res.fingerprint, lang)))
    elif verdict == "not_bundle":
        lines.append(tr("bv_verdict_not_bundle", lang))
    else:
        lines.append(tr("bv_verdict_fail", lang, n=max(res.problem_count, 1)))
    # Every line may carry text from the bundle (names, TSA names, reasons): nothing in it
    # may reach the terminal as a control, escape or bidi character.
    return [printable(part, 4000) for line in lines for part in line.split("\n")]
