"""Running a program on a pseudo-terminal: stock `age` reads passphrases from the terminal only."""

from __future__ import annotations

import os
import pty
import select
import time


def run_on_tty(argv: list[str], typed: bytes, timeout: float = 120) -> tuple[int, bytes]:
    """Runs argv with a pseudo-terminal as its controlling terminal, typing ``typed`` into it.

    Returns (exit code, terminal output). Input typed before the program turns echo off is
    simply buffered by the line discipline, so it can be written up front.
    """
    pid, master = pty.fork()
    if pid == 0:  # child
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    output = bytearray()
    try:
        os.write(master, typed)
        deadline = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.kill(pid, 9)  # our own child, by pid
                break
            try:
                block = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal (exited)
                break
            if not block:
                break
            output += block
    finally:
        os.close(master)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), bytes(output)
