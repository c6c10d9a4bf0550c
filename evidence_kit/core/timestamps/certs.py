"""X.509 helpers for timestamp tokens: fingerprints, names, PEM/DER loading of untrusted certificates."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cert_sha256(cert: x509.Certificate) -> str:
    return sha256_hex(cert.public_bytes(serialization.Encoding.DER))


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def common_name(name: x509.Name) -> str:
    cns = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if cns:
        return str(cns[0].value)
    return name.rfc4514_string()


def certs_to_pem(certs: Iterable[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def load_pem_certs(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM text; empty for anything that is not PEM certificates."""
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        return []
    return [c for c in certs if _usable(c)]


def load_der_cert(der: bytes) -> x509.Certificate | None:
    """A certificate from untrusted DER, or None. cryptography parses fields lazily, so
    every field the checks read is touched here: a damaged certificate is dropped now
    rather than raising in the middle of a verification."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    return cert if _usable(cert) else None


def _usable(cert: x509.Certificate) -> bool:
    try:
        cert.subject.rfc4514_string()
        cert.issuer.rfc4514_string()
        _ = cert.not_valid_before_utc, cert.not_valid_after_utc, cert.serial_number
        list(cert.extensions)
        cert.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def valid_at(cert: x509.Certificate, at: datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def is_ca(cert: x509.Certificate) -> bool:
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return True


def cert_display_name(cert: x509.Certificate) -> str:
    """The TSA's name as its verified certificate gives it: organisation, else common name."""
    try:
        orgs = cert.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATION_NAME)
    except ValueError:
        orgs = []
    org = str(orgs[0].value) if orgs else ""
    cn = common_name(cert.subject)
    return f"{org} ({cn})" if org and cn and org not in cn else (cn or org or "?")
