"""A local RFC 3161 Time-Stamp Authority for tests (issue 11).

The PKI (root CA -> issuing CA -> TSA certificate with ``extendedKeyUsage=critical,
timeStamping``) is made here with ``cryptography``; replies are signed by the stock
``openssl ts -reply`` and served over HTTP on 127.0.0.1 by :class:`LocalTSA`. Modes make
the server time out, return garbage or an HTTP error, so the "one TSA fails, the others
still succeed" paths can be tested. :func:`resign` and friends build forged tokens for
the tamper matrix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.server
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import cms as a_cms
from asn1crypto import tsp as a_tsp
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from evidence_kit.core.timestamps.certs import cert_sha256
from evidence_kit.core.timestamps.request import build_request, new_nonce

Key = Any  # rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(cn: str, org: str = "Evidence Kit Test") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def new_key(kind: str) -> Key:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def make_cert(
    subject: x509.Name,
    key: Key,
    issuer: x509.Name,
    issuer_key: Key,
    *,
    ca: bool,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    eku: list[x509.ObjectIdentifier] | None = None,
    eku_critical: bool = True,
    serial: int | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(days=1))
        .not_valid_after(not_after or now + dt.timedelta(days=30))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        b = b.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        if eku is not None:
            b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
    return b.sign(issuer_key, hashes.SHA256())


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def key_pem(key: Key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Pki:
    """root -> issuing CA -> TSA signer, one key type throughout."""

    label: str
    kind: str
    root: x509.Certificate
    root_key: Key
    inter: x509.Certificate
    inter_key: Key
    tsa: x509.Certificate
    tsa_key: Key

    @property
    def root_sha256(self) -> str:
        return cert_sha256(self.root)

    def new_tsa_cert(self, kind: str = "ec", **kw: Any) -> tuple[x509.Certificate, Key]:
        """Another signer certificate under the same issuing CA (validity, EKU variations)."""
        key = new_key(kind)
        kw.setdefault("eku", [ExtendedKeyUsageOID.TIME_STAMPING])
        cert = make_cert(_name(f"{self.label} TSA signer"), key, self.inter.subject, self.inter_key, ca=False, **kw)
        return cert, key


def make_pki(label: str, kind: str = "rsa") -> Pki:
    root_key, inter_key, tsa_key = new_key(kind), new_key(kind), new_key(kind)
    root_name = _name(f"{label} Root CA")
    root = make_cert(root_name, root_key, root_name, root_key, ca=True)
    inter = make_cert(_name(f"{label} Issuing CA"), inter_key, root_name, root_key, ca=True)
    tsa = make_cert(
        _name(f"{label} TSA signer"),
        tsa_key,
        inter.subject,
        inter_key,
        ca=False,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    return Pki(label, kind, root, root_key, inter, inter_key, tsa, tsa_key)


def lookalike(cert: x509.Certificate, kind: str = "ec", *, self_signed: bool = False) -> tuple[x509.Certificate, Key]:
    """A certificate with the same subject, issuer and serial as ``cert`` but another key."""
    key = new_key(kind)
    is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = None
    with contextlib.suppress(x509.ExtensionNotFound):
        eku = list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    issuer = cert.subject if self_signed else cert.issuer
    fake = make_cert(
        cert.subject,
        key,
        issuer,
        key,  # signed by its own key: nobody else's
        ca=is_ca,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        eku=eku,
        serial=cert.serial_number,
    )
    return fake, key


# --------------------------------------------------------------------------- openssl ts


_CONFIG = """\
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/signer.pem
{certs_line}
signer_key = {dir}/signer.key
signer_digest = {signer_digest}
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = {ess_alg}
"""


class LocalTSA:
    """``openssl ts -reply`` as a TSA, optionally served over HTTP on 127.0.0.1."""

    def __init__(
        self,
        pki: Pki,
        workdir: Path,
        *,
        name: str | None = None,
        ess_alg: str = "sha256",
        signer_digest: str = "sha256",
        include_chain: bool = True,
        signer: tuple[x509.Certificate, Key] | None = None,
    ) -> None:
        self.pki = pki
        self.name = name or pki.label
        self.dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        cert, key = signer or (pki.tsa, pki.tsa_key)
        self.signer_cert = cert
        (workdir / "signer.pem").write_bytes(pem(cert))
        (workdir / "signer.key").write_bytes(key_pem(key))
        (workdir / "chain.pem").write_bytes(pem(pki.inter))
        certs_line = f"certs = {workdir}/chain.pem" if include_chain else ""
        (workdir / "tsa.cnf").write_text(
            _CONFIG.format(dir=workdir, certs_line=certs_line, signer_digest=signer_digest, ess_alg=ess_alg)
        )
        self._lock = threading.Lock()
        self._n = 0
        self.mode = "ok"
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self._stop = threading.Event()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- signing

    def reply(self, request: bytes) -> bytes:
        with self._lock:
            self._n += 1
            q = self.dir / f"q{self._n}.tsq"
            r = self.dir / f"r{self._n}.tsr"
            q.write_bytes(request)
            subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.dir / "tsa.cnf"), "-queryfile", str(q), "-out", str(r)],
                check=True,
                capture_output=True,
            )
            return r.read_bytes()

    def token_for(
        self, data: bytes, *, hash_alg: str = "sha256", nonce: int | None = None, cert_req: bool = True
    ) -> tuple[bytes, int]:
        nonce = nonce if nonce is not None else new_nonce()
        digest = hashlib.new(hash_alg, data).digest()
        return self.reply(build_request(digest, hash_alg=hash_alg, nonce=nonce, cert_req=cert_req)), nonce

    # -- HTTP

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/tsr"

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def start(self) -> LocalTSA:
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                tsa.requests.append((dict(self.headers.items()), body))
                if tsa.mode == "slow":
                    tsa._stop.wait(30)
                    return
                if tsa.mode == "http500":
                    self.send_error(500)
                    return
                if tsa.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.end_headers()
                    return
                if tsa.mode == "garbage":
                    out = b"<html><body>Service temporarily unavailable</body></html>"
                    ctype = "text/html"
                else:
                    out = tsa.reply(body)
                    ctype = "application/timestamp-reply"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"tsa-{self.name}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextlib.contextmanager
def serving(*tsas: LocalTSA) -> Iterator[list[LocalTSA]]:
    for t in tsas:
        t.start()
    try:
        yield list(tsas)
    finally:
        for t in tsas:
            t.stop()


# --------------------------------------------------------------------------- forgeries


def _sd(reply: bytes) -> tuple[Any, Any]:
    resp = a_tsp.TimeStampResp.load(reply)
    return resp, resp["time_stamp_token"]["content"]


def _asn_cert(cert: x509.Certificate) -> Any:
    return a_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def set_certs(reply: bytes, certs: list[x509.Certificate]) -> bytes:
    """The same reply with its embedded (unsigned) certificate set replaced."""
    resp, sd = _sd(reply)
    if certs:
        sd["certificates"] = a_cms.CertificateSet(
            [a_cms.CertificateChoices("certificate", _asn_cert(c)) for c in certs]
        )
    else:
        sd["certificates"] = None
    return resp.dump()


def embedded_certs(reply: bytes) -> list[x509.Certificate]:
    _, sd = _sd(reply)
    return [x509.load_der_x509_certificate(c.chosen.dump()) for c in sd["certificates"] or []]


def flip_signature(reply: bytes) -> bytes:
    resp, sd = _sd(reply)
    si = sd["signer_infos"][0]
    sig = bytearray(si["signature"].native)
    sig[len(sig) // 2] ^= 0x01
    si["signature"] = bytes(sig)
    return resp.dump()


def alter_gen_time(reply: bytes, delta: dt.timedelta) -> bytes:
    """Move genTime inside the signed TSTInfo without re-signing (the digest no longer matches)."""
    resp, sd = _sd(reply)
    eci = sd["encap_content_info"]
    tst = eci["content"].parsed
    tst["gen_time"] = tst["gen_time"].native + delta
    eci["content"] = a_cms.ParsableOctetString(tst.dump(force=True))
    return resp.dump()


def resign(
    reply: bytes,
    cert: x509.Certificate,
    key: Key,
    *,
    certs: list[x509.Certificate] | None = None,
) -> bytes:
    """Re-sign a reply's signed attributes with ``key``, naming ``cert`` in the ESSCertID and
    the signer identifier: what a forger with their own key and certificate would produce."""
    resp, sd = _sd(reply)
    si = sd["signer_infos"][0]
    der = cert.public_bytes(serialization.Encoding.DER)
    asn = _asn_cert(cert)
    attrs = []
    for attr in si["signed_attrs"]:
        kind = attr["type"].native
        if kind == "signing_certificate_v2":
            attr = a_cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [a_tsp.SigningCertificateV2({"certs": [{"cert_hash": hashlib.sha256(der).digest()}]})],
                }
            )
        elif kind == "signing_certificate":
            attr = a_cms.CMSAttribute(
                {
                    "type": "signing_certificate",
                    "values": [a_tsp.SigningCertificate({"certs": [{"cert_hash": hashlib.sha1(der).digest()}]})],
                }
            )
        attrs.append(attr)
    si["signed_attrs"] = a_cms.CMSAttributes(attrs)
    si["sid"] = a_cms.SignerIdentifier(
        "issuer_and_serial_number", {"issuer": asn.issuer, "serial_number": asn.serial_number}
    )
    to_sign = bytearray(si["signed_attrs"].dump())
    to_sign[0] = 0x31
    if isinstance(key, rsa.RSAPrivateKey):
        sig = key.sign(bytes(to_sign), padding.PKCS1v15(), hashes.SHA256())
        si["signature_algorithm"] = {"algorithm": "sha256_rsa"}
    else:
        sig = key.sign(bytes(to_sign), ec.ECDSA(hashes.SHA256()))
        si["signature_algorithm"] = {"algorithm": "sha256_ecdsa"}
    si["digest_algorithm"] = {"algorithm": "sha256"}
    si["signature"] = sig
    resp_bytes = resp.dump()
    return set_certs(resp_bytes, certs if certs is not None else [cert])


def rejection() -> bytes:
    """A well-formed TimeStampResp that refuses (status rejection, badAlg)."""
    status = a_tsp.PKIStatusInfo(
        {"status": "rejection", "status_string": ["unsupported algorithm"], "fail_info": {"bad_alg"}}
    )
    body = status.dump()
    return b"\x30" + bytes([len(body)]) + body  # SEQUENCE { status } with no token, as RFC 3161 allows


def openssl_verify(data: Path, token: Path, ca_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(data), "-in", str(token), "-CAfile", str(ca_file), *extra],
        capture_output=True,
        text=True,
    )


@dataclass
class SocketGuard:
    """Records every outgoing connection; refuses all unless ``allow`` is set for a host."""

    attempts: list[tuple[str, Any]] = field(default_factory=list)
    allow_loopback_ports: set[int] = field(default_factory=set)
    phase: str = "offline"
