"""`evidence-kit`: the command line over the same service the desktop app uses.

Every command can print JSON (``--json``) for scripts; messages are Korean or English
(``--lang`` or the system locale). Exit codes are listed in the README and come from the
error classes in ``evidence_kit.core.common.errors``; :func:`main` turns every error into
its message and exit code, never a traceback.

The package, by command group: ``parser`` (the argparse tree), ``context`` (the per-run
context: passphrases, output, terminal-safe text), ``vault_cmds`` (init, unlock-check,
passwd, recovery-key, export-identity, backup, restore), ``item_cmds`` (case, add, redact,
list, show, edit, export-file, log), ``report_cmds`` (report, export, verify, stamp),
``takedown_cmds`` (pdq, takedown) and ``chat_cmds`` (chat ...).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence

from ..core.common import untrusted
from ..core.common.errors import EvidenceKitError
from ..core.common.fsutil import private_umask
from ..core.common.i18n import tr
from .context import Ctx, term, text_args_from_os
from .parser import build_parser

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    from .. import console

    console.setup()  # a cp949/cp437 console or a redirect never crashes the output (issue 21)
    private_umask()
    parser = build_parser()
    args = parser.parse_args(argv)
    text_args_from_os(args)
    from ..core.common.logsetup import configure_logging

    configure_logging(args.verbose)  # decoders' own complaints about hostile files stay off stderr
    from ..core.common import portable

    portable.setup(args.portable)  # before anything reads a per-user location (issue 20)
    ctx = Ctx(args)
    try:
        rc: int = args.fn(ctx)
        return rc
    except EvidenceKitError as e:
        return _known_error(ctx, e)
    except KeyboardInterrupt:
        print(tr("cancelled", ctx.lang), file=sys.stderr)
        return 8
    except OSError as e:
        return _os_error(ctx, e)
    except Exception as e:  # a bug of ours: say so plainly; details only with -v
        err = EvidenceKitError(type(e).__name__)
        print(err.message(ctx.lang), file=sys.stderr)
        log.debug("unexpected error", exc_info=True)
        if args.verbose:
            raise
        return 1
    finally:
        if ctx.service.is_unlocked:
            ctx.service.lock()


def _known_error(ctx: Ctx, e: EvidenceKitError) -> int:
    """An error we expected: its message in the reader's language (JSON with ``--json``) and its exit code."""
    if ctx.json:
        print(
            json.dumps(
                {"ok": False, "error": type(e).__name__, "message": untrusted.json_text(e.message(ctx.lang))},
                ensure_ascii=False,
            )
        )
    else:
        print(untrusted.terminal_text(e.message(ctx.lang)), file=sys.stderr)
    return e.exit_code


def _os_error(ctx: Ctx, e: OSError) -> int:
    """Disk full, permissions: explain, never a traceback."""
    import errno

    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG):
        from ..core.common.errors import DiskFullError

        full = DiskFullError(os.strerror(e.errno or 0))
        print(full.message(ctx.lang), file=sys.stderr)
        return full.exit_code
    msg = f"{e.strerror or e}: {e.filename or ''}".strip()
    print(term(msg), file=sys.stderr)
    return 1
