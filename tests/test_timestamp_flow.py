"""Trusted timestamps in the app (issue 11): queue offline, stamp only when asked, verify offline.

Local TSAs (``openssl ts -reply`` behind http.server on 127.0.0.1, tests/tsa_server.py)
stand in for DigiCert and Sectigo; one more times out and one answers garbage.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import tsp as a_tsp

from evidence_kit import cli
from evidence_kit.core.common.errors import CancelledError, IntegrityError
from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.crypto.keys import public_key_pem
from evidence_kit.core.service import EvidenceService
from evidence_kit.core.timestamps.bundle import bundle_entries, openssl_commands, result_lines, verify_bundle_timestamps
from evidence_kit.core.timestamps.certs import load_pem_certs
from evidence_kit.core.timestamps.checks import FAIL, PASS, TimestampError, TsaFailure
from evidence_kit.core.timestamps.request import post_request
from evidence_kit.core.timestamps.seals import checkpoint_lines, report_lines
from evidence_kit.core.timestamps.stamp import stamp_now
from evidence_kit.core.timestamps.store import STATE_STAMPED, pending, queue_checkpoint, timestamp_status
from evidence_kit.core.timestamps.tsa_defaults import TsaConfig
from evidence_kit.core.vault.metastore import MIGRATIONS
from evidence_kit.core.vault.vault import Vault

from .conftest import CANARY, PASSPHRASE, fast_kdf
from .tsa_server import LocalTSA, Pki, make_pki, openssl_verify, pem


@pytest.fixture(scope="module")
def pkis() -> tuple[Pki, Pki]:
    return make_pki("Alpha TSA", "rsa"), make_pki("Beta TSA", "ec")


@pytest.fixture(scope="module")
def servers(pkis: tuple[Pki, Pki], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LocalTSA]]:
    a, b = pkis
    base = tmp_path_factory.mktemp("tsas")
    tsas = {
        "alpha": LocalTSA(a, base / "alpha", name="Alpha"),
        "beta": LocalTSA(b, base / "beta", name="Beta", ess_alg="sha1"),
        "slow": LocalTSA(a, base / "slow", name="Slow"),
        "junk": LocalTSA(b, base / "junk", name="Junk"),
    }
    tsas["slow"].mode = "slow"
    tsas["junk"].mode = "garbage"
    for t in tsas.values():
        t.start()
    yield tsas
    for t in tsas.values():
        t.stop()


def config(t: LocalTSA) -> TsaConfig:
    return TsaConfig(name=t.name, url=t.url, root_sha256=(t.pki.root_sha256,), roots_pem=pem(t.pki.root))


def evidence(n: int) -> bytes:
    return CANARY + f" exhibit {n} ".encode() * 50


def add(svc: EvidenceService, case_id: str, n: int) -> Any:
    return svc.import_bytes(case_id, evidence(n), ItemInput(name=f"capture-{n}.txt", method="paste")).item


@pytest.fixture
def case(service: EvidenceService) -> str:
    return service.create_case("사건 A").id


# --------------------------------------------------------------------------- stamping


def test_two_tsas_succeed_while_one_times_out_and_one_returns_garbage(
    service: EvidenceService, case: str, servers: dict[str, LocalTSA]
) -> None:
    add(service, case, 1)
    for t in servers.values():
        t.requests.clear()
    order = ["alpha", "slow", "beta", "junk"]
    t0 = time.monotonic()
    run = service.stamp_now([config(servers[n]) for n in order], timeout=1.5)
    elapsed = time.monotonic() - t0
    assert elapsed < 6, "TSAs are asked at once, not one after another"
    assert run.trusted == 2 and run.sealed and run.required == 2
    out = {o.tsa.name: o for o in run.outcomes}
    assert out["Alpha"].ok and out["Beta"].ok
    assert not out["Slow"].stored and out["Slow"].error is not None and out["Slow"].error.key == "ts_err_timeout"
    assert not out["Junk"].stored and out["Junk"].error is not None and out["Junk"].error.key == "ts_err_garbage"
    assert "1.5" in out["Slow"].message("en") and "초" in out["Slow"].message("ko")
    assert "타임스탬프 응답이 아닌" in out["Junk"].message("ko")

    # only the 32-byte hash of the checkpoint (and a nonce) left the machine, anonymously
    head = run.head
    nonces = set()
    for name in order:
        (headers, body), *rest = servers[name].requests
        assert not rest
        req = a_tsp.TimeStampReq.load(body)
        assert req["message_imprint"]["hashed_message"].native == hashlib.sha256(head.body).digest()
        assert req["cert_req"].native is True and req["extensions"].native is None
        nonces.add(req["nonce"].native)
        assert len(body) < 80
        assert headers["Content-Type"] == "application/timestamp-query"
        assert "evidence" not in headers.get("User-Agent", "").lower()
    assert len(nonces) == 4

    # every attempt is a custody event: which TSA, which checkpoint, the reply's hash
    events = [e for e in service.vault.events() if e.action == "stamp"]
    assert [e.data["tsa"] for e in events] == ["Alpha", "Slow", "Beta", "Junk"]
    assert {e.data["checkpoint"] for e in events} == {run.checkpoint_id}
    assert all(e.data["imprint"] == hashlib.sha256(head.body).hexdigest() for e in events)
    status = service.timestamp_status()
    assert [c.checkpoint_id for c in status] == [run.checkpoint_id]
    stored = {t.tsa: t for t, _ in status[0].tokens}
    for e in events:
        if e.data["ok"]:
            assert e.data["reply_sha256"] == hashlib.sha256(stored[e.data["tsa"]].reply).hexdigest()
            assert e.data["gen_time"] == stored[e.data["tsa"]].gen_time
        else:
            assert "reply_sha256" not in e.data or e.data["tsa"] == "Junk"
            assert e.data["error"]
    assert status[0].state == STATE_STAMPED
    assert len(status[0].trusted) == 2 and all(v.ok for _, v in status[0].tokens)
    assert service.vault.verify().ok


def test_http_errors_redirects_and_closed_ports_are_explained(
    vault: Vault, servers: dict[str, LocalTSA], pkis: tuple[Pki, Pki], tmp_path: Path
) -> None:
    http500 = LocalTSA(pkis[0], tmp_path / "e500", name="E500").start()
    redirect = LocalTSA(pkis[0], tmp_path / "redir", name="Redirect").start()
    http500.mode, redirect.mode = "http500", "redirect"
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    try:
        queue_checkpoint(vault)
        tsas = [
            config(http500),
            config(redirect),
            TsaConfig("Closed", f"http://127.0.0.1:{port}/tsr"),
            TsaConfig("Bad URL", "file:///etc/passwd"),
        ]
        run = stamp_now(vault, tsas, timeout=3)
    finally:
        http500.stop()
        redirect.stop()
    keys = [o.error.key if o.error else None for o in run.outcomes]
    assert keys == ["ts_err_http", "ts_err_redirect", "ts_err_connect", "ts_err_url"]
    assert not run.sealed and run.trusted == 0
    assert pending(vault), "nothing stored: the checkpoint keeps waiting"
    assert len([e for e in vault.events() if e.action == "stamp"]) == 4


def test_a_newer_checkpoint_supersedes_older_queued_ones(vault: Vault, servers: dict[str, LocalTSA]) -> None:
    first = queue_checkpoint(vault)
    second = queue_checkpoint(vault)
    assert pending(vault) == [first.checkpoint_id, second.checkpoint_id]
    run = stamp_now(vault, [config(servers["alpha"])], timeout=5)
    assert run.checkpoint_id == second.checkpoint_id and run.sealed  # one TSA configured: one needed
    states = {c.checkpoint_id: (c.state, c.superseded_by) for c in timestamp_status(vault)}
    assert states == {
        first.checkpoint_id: ("superseded", second.checkpoint_id),
        second.checkpoint_id: ("stamped", None),
    }
    with pytest.raises(TimestampError):
        stamp_now(vault, [config(servers["alpha"])])  # nothing waiting


def test_cancel_stops_waiting_and_stores_nothing(vault: Vault, servers: dict[str, LocalTSA]) -> None:
    queue_checkpoint(vault)
    size = vault.log.size
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        stamp_now(vault, [config(servers["slow"])], timeout=20, cancel=cancel)
    assert time.monotonic() - t0 < 3
    assert vault.log.size == size and timestamp_status(vault)[0].tokens == []


# --------------------------------------------------------------------------- storage


def test_tokens_are_sealed_at_rest_and_bound_to_their_row(tmp_path: Path, servers: dict[str, LocalTSA]) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    try:
        assert v._conn.execute("PRAGMA user_version").fetchone()[0] == max(MIGRATIONS) >= 3
        queue_checkpoint(v)
        run = stamp_now(v, [config(servers["alpha"]), config(servers["beta"])], timeout=5)
        assert run.sealed
        reply = timestamp_status(v)[0].tokens[0][0].reply
    finally:
        v.lock()
    raw = b"".join(p.read_bytes() for p in path.glob("meta.sqlite*"))
    for secret in (b"Alpha", b"Beta", b"127.0.0.1", reply[-64:], run.outcomes[0].reply_sha256.encode()):
        assert secret not in raw
    v = Vault.unlock(path, PASSPHRASE)
    try:
        assert all(vv.ok for _, vv in timestamp_status(v)[0].tokens)
        # a sealed token moved to another checkpoint no longer opens
        other, _ = v.checkpoint()
        with v._write():
            v._conn.execute("UPDATE timestamps SET checkpoint_id = ? WHERE ord = 1", (other,))
        with pytest.raises(IntegrityError):
            timestamp_status(v)
    finally:
        v.lock(seal=False)


# --------------------------------------------------------------------------- bundle


def _bundle_files(svc: EvidenceService) -> dict[str, bytes]:
    """What the lead's bundle will hold next to timestamps/: the signer key and the log."""
    v = svc.vault
    files = bundle_entries(v, max_size=v.log.size)
    files["signer.pub.pem"] = public_key_pem(v.keys.public_key_raw())
    files["custody.jsonl"] = b"".join(e.line + b"\n" for e in v.events())
    return files


@pytest.fixture
def stamped(service: EvidenceService, case: str, servers: dict[str, LocalTSA]) -> dict[str, Any]:
    items = [add(service, case, n) for n in (1, 2)]
    run = service.stamp_now([config(servers["alpha"]), config(servers["beta"])], timeout=5)
    assert run.sealed
    late = add(service, case, 3)
    return {"items": items, "late": late, "run": run}


def test_bundle_timestamps_verify_offline_and_with_stock_openssl(
    service: EvidenceService, stamped: dict[str, Any], pkis: tuple[Pki, Pki], tmp_path: Path
) -> None:
    files = _bundle_files(service)
    cp = stamped["run"].checkpoint_id
    names = sorted(p for p in files if p.startswith("timestamps/"))
    assert f"timestamps/checkpoint-{cp}.json" in names and f"timestamps/checkpoint-{cp}.sig" in names
    assert len([n for n in names if n.endswith(".tsr")]) == 2 and "timestamps/index.json" in names
    trusted = {p.root_sha256: p.label for p in pkis}
    results = verify_bundle_timestamps(files, trusted_roots=trusted)
    assert len(results) == 2 and all(r.ok for r in results), [c.en for r in results for c in r.checks if not c.ok]
    want = ["checkpoint", "log", "parse", "imprint", "nonce", "signer", "signature", "eku", "chain", "root", "time"]
    for r in results:
        assert [c.name for c in r.checks] == want and all(c.status == PASS for c in r.checks)
        assert r.checkpoint == cp and r.gen_time
    lines = result_lines(results, "ko")
    assert any("통과" in line for line in lines)

    # the stock tools: openssl ts -verify per token, openssl pkeyutl for the checkpoint signature
    out = tmp_path / "bundle"
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    cmds = openssl_commands(files)
    assert len(cmds) == 2
    for cmd in cmds:
        args = cmd.split()
        res = openssl_verify(out / args[4], out / args[6], out / args[8])
        assert "Verification: OK" in res.stdout, (cmd, res.stdout, res.stderr)
    import subprocess

    body, sigfile = out / f"timestamps/checkpoint-{cp}.json", out / f"timestamps/checkpoint-{cp}.sig"
    sig = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(out / "signer.pub.pem"), "-rawin",
         "-in", str(body), "-sigfile", str(sigfile)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Signature Verified Successfully" in sig.stdout, sig.stderr


def test_bundle_timestamp_tampering_is_refused(
    service: EvidenceService, stamped: dict[str, Any], pkis: tuple[Pki, Pki]
) -> None:
    base = _bundle_files(service)
    trusted = {p.root_sha256: p.label for p in pkis}
    index = json.loads(base["timestamps/index.json"])
    first = index["tokens"][0]

    def failing(files: dict[str, bytes]) -> set[tuple[str, str]]:
        res = verify_bundle_timestamps(files, trusted_roots=trusted)
        return {(c.name, c.key) for c in res[0].checks if c.status == FAIL}

    assert failing(base) == set()
    edited = dict(base)
    edited[first["data"]] = base[first["data"]].replace(b'"size":', b'"size": ')
    assert {"checkpoint", "imprint"} <= {n for n, _ in failing(edited)}
    edited = dict(base)
    idx = json.loads(base["timestamps/index.json"])
    idx["tokens"][0]["nonce"] = format(int(first["nonce"], 16) + 1, "x")
    edited["timestamps/index.json"] = json.dumps(idx, sort_keys=True, separators=(",", ":")).encode()
    assert failing(edited) == {("nonce", "ts_nonce_fail")}
    edited = dict(base)
    edited[first["chain"]] = pem(pkis[1].root)  # the other TSA's root in place of this one's
    assert ("chain", "ts_chain_untrusted") in failing(edited)
    edited = dict(base)
    edited["custody.jsonl"] = b"".join(base["custody.jsonl"].splitlines(keepends=True)[1:])
    assert failing(edited) == {("log", "ts_log_fail")}
    edited = dict(base)
    del edited[first["token"]]
    assert ("file", "ts_file_missing") in failing(edited)
    assert verify_bundle_timestamps({k: v for k, v in base.items() if not k.startswith("timestamps/")}) == []


# --------------------------------------------------------------------------- report


def test_report_says_sealed_or_not_yet_sealed_per_exhibit(
    service: EvidenceService, case: str, stamped: dict[str, Any]
) -> None:
    seals = {s.item.id: s for s in service.exhibit_seals(case)}
    run = stamped["run"]
    for item in stamped["items"]:
        s = seals[item.id]
        assert s.sealed and {x.tsa for x in s.seals} == {"Alpha", "Beta"}
        assert all(x.checkpoint_id == run.checkpoint_id for x in s.seals)
        assert {x.gen_time for x in s.seals} == {o.gen_time for o in run.outcomes}
    assert not seals[stamped["late"].id].sealed
    en = report_lines(service.vault, case, "en")
    ko = report_lines(service.vault, case, "ko")
    assert sum("Sealed no later than" in line for line in en) == 4
    assert sum("Not yet sealed by a trusted timestamp" in line for line in en) == 1
    assert sum("늦어도" in line for line in ko) == 4 and sum("아직 신뢰할 수 있는" in line for line in ko) == 1
    assert any("KST" in line and "Collected at" in line for line in en)
    cps = checkpoint_lines(service.vault, "ko")
    assert cps and str(run.head.root.hex()) in cps[0]


# --------------------------------------------------------------------------- offline by default


class NetworkGuard:
    """Refuses every outgoing connection unless the test opens a window for given ports."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, str, object]] = []
        self.phase = "offline"
        self.allowed: set[int] = set()

    def check(self, kind: str, address: object) -> None:
        self.attempts.append((self.phase, kind, address))
        host, port = (address[0], address[1]) if isinstance(address, tuple) else (address, None)
        if self.phase != "online" or host not in ("127.0.0.1", "localhost") or port not in self.allowed:
            raise OSError(f"network use forbidden in this test: {kind} {address!r}")


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    g = NetworkGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            g.check("connect", address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            g.check("connect_ex", address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *a: Any, **kw: Any) -> socket.socket:
        g.check("create_connection", address)
        return real_create(address, *a, **kw)

    def getaddrinfo(host: Any, port: Any, *a: Any, **kw: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", None):
            g.check("getaddrinfo", (host, port))
        return real_getaddrinfo(host, port, *a, **kw)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return g


def test_the_guard_itself_catches_connections(guard: NetworkGuard, servers: dict[str, LocalTSA]) -> None:
    import urllib.request

    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", servers["alpha"].port), timeout=1)
    with pytest.raises(OSError):
        urllib.request.urlopen(servers["alpha"].url, data=b"x", timeout=1)
    with pytest.raises(TsaFailure, match="forbidden"):
        post_request("http://example.invalid/tsr", b"x", timeout=1)
    assert len(guard.attempts) >= 3 and all(p == "offline" for p, _, _ in guard.attempts)


def test_nothing_connects_except_inside_the_explicit_stamp_command(
    tmp_path: Path,
    servers: dict[str, LocalTSA],
    guard: NetworkGuard,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
    src = tmp_path / "canary-src"
    src.mkdir()
    for n in (1, 2):
        (src / f"capture-{n}.txt").write_bytes(evidence(n))
    vault = tmp_path / "vault"
    alpha, beta = servers["alpha"], servers["beta"]
    roots = []
    for t in (alpha, beta):
        roots.append(tmp_path / f"{t.name}.pem")
        roots[-1].write_bytes(pem(t.pki.root))

    def ek(*args: str) -> tuple[int, str]:
        rc = cli.main(["--vault", str(vault), "--lang", "en", *args])
        return rc, capsys.readouterr().out

    # -- offline: the whole app flow up to and including the stamp queue
    svc = EvidenceService(vault)
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    case = svc.create_case("case")
    svc.import_paths(case.id, [src / "capture-1.txt"], Source(platform="Telegram"))
    svc.vault.checkpoint()
    svc.queue_timestamp()
    assert report_lines(svc.vault, case.id, "ko") and bundle_entries(svc.vault) == {}
    svc.lock()
    assert ek("add", str(src / "capture-2.txt"), "--case", "case")[0] == 0
    rc, out = ek("stamp", "--queue-only")
    assert rc == 0 and "Nothing went online" in out
    rc, out = ek("stamp", "--status", "--json")
    assert rc == 0 and [c["state"] for c in json.loads(out)["checkpoints"]] == ["pending", "pending"]
    assert ek("verify")[0] == 0
    assert guard.attempts == [], guard.attempts

    # -- online: only the explicit stamp command, only to the TSAs given
    guard.phase, guard.allowed = "online", {alpha.port, beta.port}
    rc, out = ek("stamp", "--tsa", alpha.url, "--tsa", beta.url, "--tsa-ca", str(roots[0]), "--tsa-ca", str(roots[1]),
                 "--timeout", "5", "--json")  # fmt: skip
    assert rc == 0, out
    res = json.loads(out)
    assert res["sealed"] and res["trusted"] == 2
    online = list(guard.attempts)
    assert online and all(p == "online" and a[1] in guard.allowed for p, _, a in online)  # type: ignore[index]
    guard.phase, guard.allowed = "offline", set()

    # -- offline again: status, verification, report lines and bundle files
    rc, out = ek("stamp", "--status", "--json")
    cps = json.loads(out)["checkpoints"]
    assert [c["state"] for c in cps] == ["superseded", "superseded", "stamped"]
    assert [t["ok"] for t in cps[-1]["tokens"]] == [True, True]
    rc, out = ek("stamp", "--status")
    assert rc == 0 and out.count("verified") == 2
    assert ek("verify")[0] == 0
    svc = EvidenceService(vault)
    svc.unlock(PASSPHRASE)
    try:
        assert sum("Sealed no later than" in line for line in report_lines(svc.vault, case.id, "en")) == 4
        files = _bundle_files(svc)
        # roots the user trusted with --tsa-ca when stamping count for a verifier only when
        # the verifier passes them too: the bundle's chain file vouches for nothing
        untrusted = verify_bundle_timestamps(files)
        assert untrusted and not any(r.ok for r in untrusted)
        roots_given = [c for p in roots for c in load_pem_certs(p.read_bytes())]
        assert all(r.ok for r in verify_bundle_timestamps(files, extra_roots=roots_given))
    finally:
        svc.lock()
    # ... so the export says which TSAs need their root handed over (not a silent FAIL later)
    out = tmp_path / "user-output"  # where the person chose to export (the leak canary skips it)
    out.mkdir()
    rc = cli.main(["--vault", str(vault), "--lang", "en", "export", str(out / "bundle"), "--case", "case"])
    cap = capsys.readouterr()
    assert rc == 0 and "not built into Evidence Kit" in cap.err and "--tsa-ca" in cap.err
    assert all(t.url.split("//", 1)[1] in cap.err for t in (alpha, beta))  # each TSA named as stored
    rc = cli.main(["--vault", str(vault), "--lang", "en", "export", str(out / "b2"), "--case", "case", "--json"])
    assert rc == 0 and len(json.loads(capsys.readouterr().out)["private_tsa_roots"]) == 2
    assert guard.attempts == online, "something connected outside the stamp command"


def test_stamp_cli_reports_partial_failure_with_exit_code(
    cli_vault_env: Path, servers: dict[str, LocalTSA], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "alpha.pem"
    root.write_bytes(pem(servers["alpha"].pki.root))
    rc = cli.main(["--vault", str(cli_vault_env), "--lang", "ko", "stamp", "--tsa", servers["alpha"].url,
                   "--tsa", servers["junk"].url, "--tsa-ca", str(root), "--timeout", "5"])  # fmt: skip
    out = capsys.readouterr().out
    assert rc == 10
    assert "SHA-256" in out and "보내지 않습니다" in out  # what is sent, said before going online
    assert "검증했습니다" in out and "타임스탬프 응답이 아닌" in out and "2곳 중 1곳" in out


@pytest.fixture
def cli_vault_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
    v = tmp_path / "vault"
    Vault.create(v, PASSPHRASE, kdf=fast_kdf()).lock()
    return v
