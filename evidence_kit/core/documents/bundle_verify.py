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

The steps live beside this module: reading the container (bundle_source.py), the signed
files (bundle_checks.py), the custody log and exhibits (bundle_custody.py), and the result
and its text (bundle_result.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..crypto.anchor import normalise_signer
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .bundle_custody import CustodyChecks
from .bundle_result import NOT_BUNDLE_KEYS, BundleRefused, BundleVerification, Check, Problem, SignerFormatError
from .bundle_source import open_bundle

log = logging.getLogger(__name__)


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


class _Verifier(CustodyChecks):
    def run(self) -> None:
        self.require_bundle()
        key = self.public_key()
        self.check_sums(key)
        manifest = self.check_manifest(key)
        head = self.check_head(key, manifest)
        lines = self.custody_lines(head)
        leaves = [lf for lf, _ in lines] if lines is not None else []
        objs = [o for _, o in lines] if lines is not None else []
        proofs = self.load_proofs(head)
        self.check_exhibits(manifest, head, leaves, objs, proofs)
        self.check_timestamps(key, leaves)

    def check_timestamps(self, key: Ed25519PublicKey | None, leaves: list[bytes]) -> None:
        """Trusted timestamps (issue 11), when the bundle carries any: each token checked
        completely against the bundle's own signed checkpoints and custody log."""
        res = self.res
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
