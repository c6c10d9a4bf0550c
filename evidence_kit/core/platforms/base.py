"""What each platform module provides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .desktop import WindowInfo

APP = "EvidenceKit"


@dataclass
class WindowList:
    """Other programs' windows, or why they cannot be listed (Korean and English)."""

    windows: list[WindowInfo]
    supported: bool = True
    # Set when the OS hides titles until the user grants a permission (macOS screen recording).
    permission_ko: str = ""
    permission_en: str = ""


class Platform:
    """Defaults shared by all platforms; subclasses override what differs."""

    name = "generic"

    # -- folders

    def data_dir(self) -> Path:
        """Where the default vault lives (``%LOCALAPPDATA%\\EvidenceKit`` on Windows)."""
        from platformdirs import user_data_dir

        return Path(user_data_dir(APP, appauthor=False))

    def config_dir(self) -> Path:
        from platformdirs import user_config_dir

        return Path(user_config_dir(APP, appauthor=False))

    # -- durable writes

    def replace(self, src: Path, dst: Path) -> None:
        """Atomic rename over an existing file (``MoveFileEx(MOVEFILE_REPLACE_EXISTING)`` on Windows)."""
        os.replace(src, dst)

    def fsync_dir(self, path: Path) -> None:
        """Make a rename inside ``path`` durable. POSIX needs the directory fsynced."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- single instance

    def lock_exclusive(self, fd: int) -> None:
        """Take a non-blocking exclusive lock on an open file; OSError if another process holds it.
        Released when ``fd`` is closed (or the process dies)."""
        raise NotImplementedError

    # -- capture

    def list_windows(self, own_pid: int | None = None) -> WindowList:
        return WindowList([], supported=False)

    def enable_dpi_awareness(self) -> bool:
        """Ask for per-monitor DPI awareness so captures are sharp and window rectangles
        match pixels. True if this call changed anything."""
        return False
