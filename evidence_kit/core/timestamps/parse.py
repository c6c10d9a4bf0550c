"""Parsing RFC 3161 replies and tokens from untrusted bytes with asn1crypto.

asn1crypto only parses; every signature and certificate decision is made in
:mod:`.verify` with ``cryptography``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms as a_cms
from asn1crypto import core as a_core
from asn1crypto import tsp as a_tsp
from cryptography import x509

from .certs import load_der_cert
from .checks import TokenInfo, TsaFailure

log = logging.getLogger(__name__)


@dataclass
class ParsedToken:
    status: str
    status_text: str
    signed_data: Any
    tst_bytes: bytes
    tst: Any
    signer_info: Any
    certs: list[x509.Certificate]


class _TimeStampResp(a_core.Sequence):  # type: ignore[misc]
    """RFC 3161 TimeStampResp with the token OPTIONAL, as the RFC has it: asn1crypto's own
    class requires it, so a genuine rejection (status only) would look like garbage."""

    _fields = [  # noqa: RUF012 (asn1crypto's declaration style)
        ("status", a_tsp.PKIStatusInfo),
        ("time_stamp_token", a_cms.ContentInfo, {"optional": True}),
    ]


def _status_text(status_info: Any) -> str:
    try:
        texts = status_info["status_string"].native or []
        fail = status_info["fail_info"].native
        parts = [str(t) for t in texts] + ([", ".join(sorted(fail))] if fail else [])
        return "; ".join(parts)[:300]
    except Exception:  # untrusted bytes: a bad status text must not hide the status
        return ""


def parse_token(data: bytes) -> ParsedToken:
    """Parse a TimeStampResp (or a bare TimeStampToken) strictly; :class:`TsaFailure` if not one.

    Every failure of the ASN.1 parser on untrusted bytes means "not a valid reply".
    """
    try:
        try:
            resp = _TimeStampResp.load(data, strict=True)
            status = str(resp["status"]["status"].native)
            status_text = _status_text(resp["status"])
            if status not in ("granted", "granted_with_mods"):
                raise TsaFailure("ts_err_rejected", status=status, text=status_text)
            content_info = resp["time_stamp_token"]
            if isinstance(content_info, a_core.Void):
                raise ValueError("status granted but no token")
        except TsaFailure:
            raise
        except Exception:
            content_info = a_cms.ContentInfo.load(data, strict=True)
            status, status_text = "granted", ""
        if content_info["content_type"].native != "signed_data":
            raise ValueError("the token is not CMS SignedData")
        sd = content_info["content"]
        eci = sd["encap_content_info"]
        if eci["content_type"].native != "tst_info":
            raise ValueError("the signed content is not a TSTInfo")
        tst_bytes = bytes(eci["content"].contents)
        tst = a_tsp.TSTInfo.load(tst_bytes, strict=True)
        tst.native  # noqa: B018 (forces a full parse now, not at some later access)
        infos = list(sd["signer_infos"])
        if len(infos) != 1:
            raise ValueError(f"{len(infos)} signers (a timestamp token has exactly one)")
        certs: list[x509.Certificate] = []
        for choice in sd["certificates"] or []:
            if choice.name == "certificate":
                cert = load_der_cert(choice.chosen.dump())
                if cert is None:
                    log.info("an embedded certificate could not be parsed; ignored")
                else:
                    certs.append(cert)
        return ParsedToken(status, status_text, sd, tst_bytes, tst, infos[0], certs)
    except TsaFailure:
        raise
    except Exception as e:  # asn1crypto raises many kinds on hostile input
        raise TsaFailure("ts_err_garbage", why=f"{type(e).__name__}: {e}"[:160]) from e


def token_info(tst: Any) -> TokenInfo:
    tsa_name = ""
    if tst["tsa"].native is not None:
        gn = tst["tsa"].chosen
        tsa_name = gn.chosen.human_friendly if gn.name == "directory_name" else str(gn.native)
    acc = tst["accuracy"].native
    accuracy = ""
    if acc:
        accuracy = " ".join(f"{v} {k}" for k, v in acc.items() if v is not None)
    gen: datetime = tst["gen_time"].native
    return TokenInfo(
        gen_time=gen,
        serial=int(tst["serial_number"].native),
        policy=str(tst["policy"].dotted),
        hash_alg=str(tst["message_imprint"]["hash_algorithm"]["algorithm"].native),
        imprint=bytes(tst["message_imprint"]["hashed_message"].native),
        nonce=None if tst["nonce"].native is None else int(tst["nonce"].native),
        tsa_field=tsa_name,
        accuracy=accuracy,
    )


# --------------------------------------------------------------------------- verification
