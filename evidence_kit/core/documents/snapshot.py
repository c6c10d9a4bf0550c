"""The case snapshot: everything a report and a bundle say about a case, at one signed log head.

Also the bundle's file names, exhibit paths, the manifest and the Merkle inclusion proofs,
which the report (footer hash) and the bundle (manifest.json) must compute identically.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import __version__
from ..common import winnames
from ..common.canonical import canonical_json
from ..common.clock import iso_utc
from ..common.errors import InputError, IntegrityError
from ..common.model import Case, CustodyEvent, Item
from ..crypto import merkle
from ..crypto.keys import key_fingerprint
from ..vault.custody import SignedHead

log = logging.getLogger(__name__)

BUNDLE_FORMAT = "evidence-kit-bundle"
BUNDLE_VERSION = 1

MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
PUBKEY = "signer.pub.pem"
SUMS = "SHA256SUMS"
SUMS_SIG = "SHA256SUMS.sig"
CUSTODY = "custody.jsonl"
HEAD = "custody-head.json"
HEAD_SIG = "custody-head.sig"
PROOFS = "inclusion-proofs.json"
REPORT = "report.pdf"
CSV_FILE = "evidence-list.csv"
CASE_GRAPH = "case.jsonld"
README = "README-VERIFY.txt"
EVIDENCE_DIR = "evidence"

# Entries acquired by these custody actions carry the item's hashes (verified per exhibit).
ACQUIRE_ACTIONS = ("import", "capture", "derive", "chat-import")

SAFE_NAME_BYTES = 80  # of the part after the exhibit prefix, in UTF-8
_SAFE_PUNCT = frozenset("-_.()+")


# --------------------------------------------------------------------------- names


def safe_name(name: str, limit: int = SAFE_NAME_BYTES) -> str:
    """A file-name part safe on Linux, macOS and Windows and in ZIPs and SHA256SUMS.

    NFC; control, format (RTL overrides, zero-width), surrogate, private-use and
    unassigned characters dropped; letters and digits of any script kept, with
    ``- _ . ( ) +``; everything else (path separators, whitespace, shell and
    Windows-reserved punctuation) turned into ``_``; leading dots removed; at most
    ``limit`` UTF-8 bytes, keeping a short extension. Never empty.
    """
    s = unicodedata.normalize("NFC", name)
    s = "".join(ch for ch in s if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    s = "".join(ch if ch in _SAFE_PUNCT or unicodedata.category(ch)[0] in "LNM" else "_" for ch in s)
    s = re.sub(r"_+", "_", s).strip("._ ")
    stem, dot, ext = s.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem, ext = s, ""
    suffix = f".{ext}" if ext else ""
    room = limit - len(suffix.encode("utf-8"))
    enc = stem.encode("utf-8")
    if len(enc) > room:
        stem = enc[:room].decode("utf-8", errors="ignore").rstrip("._ ")
    return (stem or "file") + suffix


def exhibit_paths(items: Iterable[Item]) -> dict[int, str | None]:
    """exhibit -> ``evidence/E001_<safe name>`` (None for record-only items)."""
    items = list(items)
    width = max([3] + [len(str(i.exhibit)) for i in items])
    out: dict[int, str | None] = {
        i.exhibit: (
            f"{EVIDENCE_DIR}/E{i.exhibit:0{width}d}_{safe_name(i.original_name)}" if i.retained else None
        )
        for i in items
    }
    # Valid on Windows too (device names, case-insensitive collisions); the manifest keeps
    # the original name. For names safe_name made this is the identity.
    kept = [k for k, v in out.items() if v is not None]
    fixed = winnames.unique_paths([out[k] or "" for k in kept])
    out.update(zip(kept, fixed, strict=True))
    return out


REDACTED_DIR = "redacted"
REDACTED_LABEL_KO = "가린 사본 — 원본 미보관"
REDACTED_LABEL_EN = "redacted — original not kept"


def redacted_path(item: Item, items: Iterable[Item]) -> str | None:
    """``redacted/E001_<name>``: the stored redacted version of a record-only item (issue 16),
    so a record-only case's bundle still shows police what was recorded."""
    if item.retained or not item.stored_sha256 or item.derived_from:
        return None
    width = max([3] + [len(str(i.exhibit)) for i in items])
    stem = Path(safe_name(item.original_name)).stem or "image"
    return f"{REDACTED_DIR}/E{item.exhibit:0{width}d}_{stem}-redacted.png"


def redacted_version(item: Item, items: Iterable[Item]) -> dict[str, Any]:
    rel = redacted_path(item, list(items))
    if rel is None:
        return {}
    return {"redacted_version": {"path": rel, "sha256": item.stored_sha256, "size": item.stored_size,
                                 "label_ko": REDACTED_LABEL_KO, "label_en": REDACTED_LABEL_EN}}


# --------------------------------------------------------------------------- snapshot


@dataclass
class CaseSnapshot:
    """Everything a report and a bundle say about a case, taken at one signed log head."""

    case: Case
    items: list[Item]
    head: SignedHead
    public_key: bytes
    fingerprint: str
    lines: list[bytes]  # custody.jsonl lines 0..head.size-1 (other cases' lines as hash records)
    leaves: list[bytes]  # their RFC 6962 leaf hashes
    events: list[CustodyEvent]  # the unredacted entries (this case and vault-wide), in order
    redacted: int
    paths: dict[int, str | None]
    created_utc: str
    tz_offset: str
    report_id: str
    vault_id: str
    report_file: str = REPORT
    # Trusted timestamps (issue 11): the bundle's timestamps/ files, and per exhibit and
    # language the "collected at / sealed no later than" lines for the report.
    timestamp_files: dict[str, bytes] = field(default_factory=dict)
    seal_lines: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    checkpoint_lines: dict[str, list[str]] = field(default_factory=dict)
    # Marked chat messages (issues 6 and 12): flowables for a language, built while the
    # vault is open; None when the case has no chats.
    chat_section: Callable[[str], list[Any]] | None = field(default=None, repr=False)
    # A bundle for a school or family (issue 9): only redacted copies, no original.
    redacted_only: bool = False
    _proofs: ProofTree | None = field(default=None, repr=False)

    def proofs(self) -> ProofTree:
        if self._proofs is None:
            self._proofs = ProofTree(self.leaves)
        return self._proofs


def redaction_line(seq: int, leaf: bytes) -> bytes:
    """The custody.jsonl stand-in for another case's entry: its position and leaf hash only."""
    return canonical_json({"leaf": leaf.hex(), "redacted": True, "seq": seq})


def snapshot_case(
    vault: Any, case_id: str, *, report_id: str | None = None, report_file: str = REPORT
) -> CaseSnapshot:
    """Checkpoint the log (so the signed head covers every item) and read the case."""
    case = vault.get_case(case_id)
    _, head = vault.checkpoint()
    items = vault.list_items(case_id)
    size = head.size
    leaves = vault.log.leaves()[:size]
    if len(leaves) != size or merkle.root_from_leaves(leaves) != head.root:
        raise IntegrityError("the custody log does not match its signed head")
    events = [e for e in vault.events(case_id=case_id) if e.seq < size]
    shown = {e.seq: e for e in events}
    lines: list[bytes] = []
    for seq in range(size):
        ev = shown.get(seq)
        lines.append(ev.line if ev is not None else redaction_line(seq, leaves[seq]))
    for item in items:
        if not 0 <= item.log_index < size:
            raise IntegrityError(f"exhibit {item.exhibit}: acquisition entry outside the signed log")
    now = vault.clock.now()
    created = iso_utc(now)
    pub = vault.keys.public_key_raw()
    from ..chat.store import ChatStore
    from ..timestamps.bundle import bundle_entries
    from ..timestamps.seals import checkpoint_lines, exhibit_seals
    from .chat_section import build_chat_section

    seals = exhibit_seals(vault, case_id)
    chat_section = None
    if ChatStore(vault).list_chats(case_id):

        def chat_section(lang: str) -> list[Any]:
            return build_chat_section(vault, case_id, lang)

    return CaseSnapshot(
        timestamp_files=bundle_entries(vault, max_size=size),
        seal_lines={es.item.exhibit: {lang: es.lines(lang) for lang in ("ko", "en")} for es in seals},
        checkpoint_lines={lang: checkpoint_lines(vault, lang) for lang in ("ko", "en")},
        chat_section=chat_section,
        case=case,
        items=items,
        head=head,
        public_key=pub,
        fingerprint=key_fingerprint(pub),
        lines=lines,
        leaves=leaves,
        events=events,
        redacted=size - len(events),
        paths=exhibit_paths(items),
        created_utc=created,
        tz_offset=vault.clock.local_offset(),
        report_id=report_id or new_report_id(created),
        vault_id=vault.vault_id,
        report_file=report_file,
    )


# --------------------------------------------------------------------------- proofs


class ProofTree:
    """RFC 6962 inclusion proofs for many leaves, sharing subtree hashes (O(n) in total)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self._leaves = leaves
        self._memo: dict[tuple[int, int], bytes] = {}

    def _mth(self, lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return self._leaves[lo]
        key = (lo, hi)
        hit = self._memo.get(key)
        if hit is None:
            k = 1
            while k << 1 < hi - lo:
                k <<= 1
            hit = merkle.node_hash(self._mth(lo, lo + k), self._mth(lo + k, hi))
            self._memo[key] = hit
        return hit

    def root(self) -> bytes:
        return self._mth(0, len(self._leaves)) if self._leaves else merkle.EMPTY_ROOT

    def proof(self, index: int) -> list[bytes]:
        n = len(self._leaves)
        if not 0 <= index < n:
            raise IndexError("leaf index out of range")
        path: list[bytes] = []
        lo, hi = 0, n
        while hi - lo > 1:
            k = 1
            while k << 1 < hi - lo:
                k <<= 1
            if index - lo < k:
                path.append(self._mth(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._mth(lo, lo + k))
                lo = lo + k
        path.reverse()
        return path


def inclusion_proofs(snap: CaseSnapshot) -> dict[str, Any]:
    tree = snap.proofs()
    return {
        "format": "evidence-kit-inclusion-proofs",
        "hash": "RFC 6962 SHA-256 (leaf = SHA-256(0x00 || line), node = SHA-256(0x01 || left || right))",
        "tree_size": snap.head.size,
        "root": snap.head.root.hex(),
        "proofs": [
            {
                "exhibit": item.exhibit,
                "leaf_index": item.log_index,
                "leaf_hash": snap.leaves[item.log_index].hex(),
                "audit_path": [h.hex() for h in tree.proof(item.log_index)],
            }
            for item in snap.items
        ],
    }


# --------------------------------------------------------------------------- manifest


def _jsonable(v: Any) -> Any:
    """Canonical JSON has no floats: keep exact text for any that slipped into metadata."""
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def manifest_item(item: Item, path: str | None, by_id: dict[str, Item]) -> dict[str, Any]:
    d = item.to_json()
    parent = by_id.get(item.derived_from or "")
    d.update(
        {
            "exhibit": item.exhibit,
            "label_ko": item.exhibit_label_ko,
            "label_en": item.exhibit_label_en,
            "item_id": item.id,
            "path": path,
            "derived_from_exhibit": parent.exhibit if parent else None,
        }
    )
    return _jsonable(d)  # type: ignore[no-any-return]


def build_manifest(snap: CaseSnapshot, *, lang: str) -> dict[str, Any]:
    by_id = {i.id: i for i in snap.items}
    case = snap.case.to_json()
    case["id"] = snap.case.id
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "tool": {"name": "Evidence Kit", "version": __version__},
        "report_id": snap.report_id,
        "report": {"file": snap.report_file, "lang": lang},
        "created_utc": snap.created_utc,
        "created_tz_offset": snap.tz_offset,
        "vault_id": snap.vault_id,
        "case": _jsonable(case),
        "signer": {
            "algorithm": "Ed25519",
            "public_key_file": PUBKEY,
            "fingerprint_sha256": snap.fingerprint,
        },
        "custody": {
            "log_file": CUSTODY,
            "head_file": HEAD,
            "head_signature_file": HEAD_SIG,
            "proofs_file": PROOFS,
            "head": snap.head.fields,
            "head_sha256": hashlib.sha256(snap.head.body).hexdigest(),
            "redacted_entries": snap.redacted,
        },
        "files": {
            "checksums": SUMS,
            "checksums_signature": SUMS_SIG,
            "evidence_list": CSV_FILE,
            "case_graph": CASE_GRAPH,
            "readme": README,
        },
        "items": [
            {**manifest_item(i, snap.paths.get(i.exhibit), by_id), **redacted_version(i, snap.items)}
            for i in snap.items
        ],
        **({"redacted_copies_only": True} if snap.redacted_only else {}),
    }


def canonical_manifest(snap: CaseSnapshot, *, lang: str) -> bytes:
    return canonical_json(build_manifest(snap, lang=lang))


def check_output_path(vault: Any, out: Path) -> None:
    """Refuse to overwrite, and never put plaintext inside the vault folder."""
    out = Path(out)
    if out.exists() or out.is_symlink():
        raise InputError(
            str(out),
            ko="같은 이름의 파일이나 폴더가 이미 있습니다.",
            en="A file or folder with that name already exists.",
        )
    parent = out.parent.resolve()
    if not parent.is_dir():
        raise InputError(
            str(out.parent), ko="저장할 폴더가 없습니다.", en="The destination folder does not exist."
        )
    vault_dir = Path(vault.path).resolve()
    if parent == vault_dir or vault_dir in parent.parents:
        raise InputError(
            str(out), ko="보관함 폴더 안에는 내보낼 수 없습니다.", en="Cannot export into the vault folder."
        )


def new_report_id(now_utc: str) -> str:
    """'EK-20261127-3F9A0C1D': date of generation plus 32 random bits."""
    return f"EK-{now_utc[:10].replace('-', '')}-{secrets.token_hex(4).upper()}"
