"""Linux (and other POSIX): as the app always worked. Window listing stays in
gui/capture.py (X11 via xprop/xwininfo), which needs a Qt platform name to decide."""

from __future__ import annotations

from .base import Platform


class LinuxPlatform(Platform):
    name = "linux"

    def lock_exclusive(self, fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
