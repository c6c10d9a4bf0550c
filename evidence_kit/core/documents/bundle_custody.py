"""The custody log in a bundle, its inclusion proofs, and each exhibit checked against both.

custody.jsonl is checked line by line (canonical JSON, sequence numbers, hash chain) and
its RFC 6962 root against the signed head; other cases' lines are present as leaf hashes
only. Per exhibit: its file, its acquisition entry in the log and its inclusion proof.
Every problem names the file or the exhibit it is about.
"""

from __future__ import annotations

import json
from typing import Any

from ..common.canonical import parse_canonical
from ..crypto import merkle
from .bundle_checks import SignedFileChecks
from .bundle_result import ExhibitResult, Problem
from .bundle_source import unsafe_reason
from .snapshot import ACQUIRE_ACTIONS, CUSTODY, EVIDENCE_DIR, MANIFEST, PROOFS


class CustodyChecks(SignedFileChecks):
    """The custody log, the inclusion proofs and the exhibits, on top of the signed files."""

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

    def load_proofs(self, head: dict[str, Any]) -> dict[int, dict[str, Any]]:
        """inclusion-proofs.json, which must be for the signed head."""
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
        return proofs

    def check_exhibits(
        self,
        manifest: dict[str, Any],
        head: dict[str, Any],
        leaves: list[bytes],
        objs: list[dict[str, Any] | None],
        proofs: dict[int, dict[str, Any]],
    ) -> None:
        """Every exhibit the manifest lists; no evidence file it does not; the report is there."""
        res = self.res
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
