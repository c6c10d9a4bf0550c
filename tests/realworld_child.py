"""Child process for the real-world image test: imports samples through the service.

Run as ``python -m tests.realworld_child VAULT LISTFILE``; LISTFILE names one sample per
line. Every line printed on stdout is one JSON object, flushed at once, so the parent can
time each file and kill a child that hangs: {"start": i} before file i, {"done": i, ...}
after it, {"verify": ...} and {"maxrss_kib": ...} at the end. Anything a C library
prints lands on this process's stderr, which the parent reads separately.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import traceback
from pathlib import Path

from evidence_kit.core.common.errors import NotFoundError
from evidence_kit.core.common.logsetup import configure_logging
from evidence_kit.core.crypto.keys import floor_params
from evidence_kit.core.evidence.preview import make_preview
from evidence_kit.core.service import EvidenceService

PASSPHRASE = "correct horse battery staple"


def peak_kib() -> int:
    """This process's peak resident memory in KiB (0 where it cannot be read)."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
                (n, ctypes.c_size_t)
                for n in ("PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                          "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage",
                          "PagefileUsage", "PeakPagefileUsage")
            ]

        c = Counters()
        c.cb = ctypes.sizeof(c)
        proc = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
        if not ctypes.windll.psapi.GetProcessMemoryInfo(proc, ctypes.byref(c), c.cb):  # type: ignore[attr-defined]
            return 0
        return int(c.PeakWorkingSetSize) // 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes, Linux KiB


def emit(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def one(svc: EvidenceService, case_id: str, index: int, path: Path) -> dict[str, object]:
    out: dict[str, object] = {"done": index}
    summary = svc.import_paths(case_id, [path])
    if summary.problems:
        err = summary.problems[0].error
        out["refused"] = {"type": type(err).__name__, "en": err.message("en"), "ko": err.message("ko")}
        return out
    item = summary.added[0] if summary.added else summary.duplicates[0][1]
    out["duplicate"] = not summary.added
    try:
        data: bytes | None = b"".join(svc.vault.iter_plaintext(item.id))
    except NotFoundError:  # record-only and nothing to keep redacted: only the hashes are kept
        data = None
    out.update(
        retained=item.retained,
        item_stored_sha256=item.stored_sha256,
        derivation=item.derivation,
        sha256=item.sha256,
        stored_sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
        media_type=item.media_type,
        image=bool(item.image),
        metadata_note=item.metadata_note,
        pdq=item.pdq,
        frames=len(item.frame_pdq or []),
    )
    pv = make_preview(data, item.media_type)  # None (nothing stored) gives the kind alone
    out["preview"] = "jpeg" if pv.jpeg else (pv.problem or pv.kind)
    return out


def main() -> None:
    configure_logging(verbose=False)  # as the CLI and the app set it up
    vault_path, list_file = Path(sys.argv[1]), Path(sys.argv[2])
    paths = [Path(line) for line in list_file.read_text("utf-8").splitlines() if line]
    svc = EvidenceService(vault_path)
    if svc.vault_exists:
        svc.unlock(PASSPHRASE)
        case_id = svc.cases()[0].id
    else:
        svc.create_vault(PASSPHRASE, kdf=floor_params())
        # EK_RW_POLICY=record_only: a counselor's case, where pictures are kept only redacted.
        policy = os.environ.get("EK_RW_POLICY", "")
        case_id = svc.create_case("real-world samples", **({"policy": policy} if policy else {})).id
    for index, path in enumerate(paths):
        emit({"start": index})
        try:
            rec = one(svc, case_id, index, path)
            rec["maxrss_kib"] = peak_kib()
            emit(rec)
        except Exception as e:  # a traceback is the failure the parent reports
            emit({"done": index, "crash": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()})
    if len(sys.argv) > 3 and sys.argv[3] == "verify":
        res = svc.verify_vault()
        emit({"verify": res.ok, "items": res.items_checked, "problems": res.problems[:5]})
    emit({"maxrss_kib": peak_kib()})
    svc.lock()


if __name__ == "__main__":
    main()
