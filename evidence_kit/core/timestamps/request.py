"""Asking a Time-Stamp Authority: the DER request, the HTTP POST, every TSA at once.

The network is used only from :func:`.stamp.stamp_now`, the user's explicit "go online"
act. Requests go over plain ``urllib``: timeouts, no redirects followed, a neutral
User-Agent, replies capped at 1 MiB.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.message import Message
from typing import IO

from asn1crypto import tsp as a_tsp

from ..common.errors import CancelledError
from ..evidence.ingest import Cancel, Progress
from .checks import HASHES, TsaFailure
from .tsa_defaults import TsaConfig

log = logging.getLogger(__name__)

CONTENT_TYPE_QUERY = "application/timestamp-query"
CONTENT_TYPE_REPLY = "application/timestamp-reply"
USER_AGENT = "tsp-client/1"  # neutral on purpose: the TSA need not learn which app asked
DEFAULT_TIMEOUT = 20.0
MAX_REPLY_BYTES = 1024 * 1024


# --------------------------------------------------------------------------- request


def new_nonce() -> int:
    """A random positive 64-bit nonce (RFC 3161 section 2.4.1)."""
    return secrets.randbits(63) | (1 << 62)


def build_request(digest: bytes, *, hash_alg: str = "sha256", nonce: int, cert_req: bool = True) -> bytes:
    """DER TimeStampReq for an already-computed digest: version 1, no policy, no extensions."""
    if hash_alg not in HASHES or len(digest) != HASHES[hash_alg](b"").digest_size:
        raise ValueError(f"digest is not a {hash_alg} value")
    req = a_tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": hash_alg}, "hashed_message": digest},
            "nonce": nonce,
            "cert_req": cert_req,
        }
    )
    der: bytes = req.dump()
    return der


# --------------------------------------------------------------------------- HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would send the request somewhere the user did not choose: refuse it."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def post_request(url: str, body: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """POST a TimeStampReq; the reply's bytes, or :class:`TsaFailure` saying why not.

    Only called from :func:`stamp_now` (the explicit "go online" act).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TsaFailure("ts_err_url", url=url)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": CONTENT_TYPE_QUERY,
            "Accept": CONTENT_TYPE_REPLY,
            "User-Agent": USER_AGENT,
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as resp:
            status = int(resp.status)
            if status != 200:
                raise TsaFailure("ts_err_http", code=status)
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise TsaFailure("ts_err_timeout", seconds=f"{timeout:g}")
                block = resp.read(64 * 1024)
                if not block:
                    break
                size += len(block)
                if size > MAX_REPLY_BYTES:
                    raise TsaFailure("ts_err_too_large", limit=MAX_REPLY_BYTES)
                chunks.append(block)
            return b"".join(chunks)
    except TsaFailure:
        raise
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            raise TsaFailure("ts_err_redirect", code=e.code) from e
        raise TsaFailure("ts_err_http", code=e.code) from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise TsaFailure("ts_err_timeout", seconds=f"{timeout:g}") from e
        raise TsaFailure("ts_err_connect", why=str(e.reason)[:200]) from e
    except TimeoutError as e:
        raise TsaFailure("ts_err_timeout", seconds=f"{timeout:g}") from e
    except (OSError, ValueError) as e:
        raise TsaFailure("ts_err_connect", why=str(e)[:200]) from e


def fetch_all(
    jobs: list[tuple[TsaConfig, bytes]],
    *,
    timeout: float,
    post: Callable[..., bytes],
    progress: Progress,
    cancel: Cancel,
) -> list[tuple[bytes | None, TsaFailure | None, float]]:
    """POST to every TSA at once (daemon threads, so a hung TSA never holds the app open)."""
    results: list[tuple[bytes | None, TsaFailure | None, float] | None] = [None] * len(jobs)
    done = threading.Event()
    lock = threading.Lock()

    def run(i: int, tsa: TsaConfig, body: bytes) -> None:
        t0 = time.monotonic()
        try:
            reply: bytes | None = post(tsa.url, body, timeout=timeout)
            err: TsaFailure | None = None
        except TsaFailure as e:
            reply, err = None, e
        except Exception as e:  # a bug or an odd library error: one TSA failing, not the run
            log.warning("TSA %s: unexpected %s", tsa.name, type(e).__name__, exc_info=True)
            reply, err = None, TsaFailure("ts_err_connect", why=type(e).__name__)
        with lock:
            results[i] = (reply, err, time.monotonic() - t0)
        done.set()

    threads = [
        threading.Thread(target=run, args=(i, tsa, body), name=f"ek-tsa-{i}", daemon=True)
        for i, (tsa, body) in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    hard_stop = time.monotonic() + timeout + 5.0
    reported = 0
    while True:
        with lock:
            finished = sum(r is not None for r in results)
        if finished > reported:
            reported = finished
            progress(finished, len(jobs))
        if finished == len(jobs):
            break
        if cancel():
            raise CancelledError()
        if time.monotonic() > hard_stop:
            break
        done.wait(0.1)
        done.clear()
    with lock:
        return [
            r if r is not None else (None, TsaFailure("ts_err_timeout", seconds=f"{timeout:g}"), timeout)
            for r in results
        ]
