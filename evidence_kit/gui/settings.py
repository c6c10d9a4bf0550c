"""The app's own preferences: a small, non-sensitive JSON file.

Only how the app looks and behaves is stored here (language, auto-lock, neutral title):
never a case, an item, a file name, a folder or the vault's location, so the file says
nothing about anyone's evidence. Passed around as an object, never a singleton.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..core.common.fsutil import atomic_write_bytes, ensure_private_dir

log = logging.getLogger(__name__)

AUTO_LOCK_MIN = 1
AUTO_LOCK_MAX = 120
AUTO_LOCK_DEFAULT = 5


@dataclass
class Settings:
    language: str = ""  # "" follows the system; "ko" or "en"
    auto_lock_minutes: int = AUTO_LOCK_DEFAULT
    neutral_title: bool = False  # show "Notes" instead of "Evidence Kit" in the title bar

    @classmethod
    def from_json(cls, obj: Any) -> Settings:
        s = cls()
        if not isinstance(obj, dict):
            return s
        if obj.get("language") in ("", "ko", "en"):
            s.language = obj["language"]
        minutes = obj.get("auto_lock_minutes")
        if isinstance(minutes, int) and not isinstance(minutes, bool):
            s.auto_lock_minutes = min(max(minutes, AUTO_LOCK_MIN), AUTO_LOCK_MAX)
        if isinstance(obj.get("neutral_title"), bool):
            s.neutral_title = obj["neutral_title"]
        return s


def default_settings_path() -> Path:
    env = os.environ.get("EVIDENCE_KIT_GUI_SETTINGS")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("EvidenceKit", appauthor=False)) / "gui-settings.json"


class SettingsStore:
    """Loads and saves :class:`Settings`; a missing or damaged file gives the defaults."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_settings_path()

    def load(self) -> Settings:
        try:
            return Settings.from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError) as e:
            log.warning("settings file unreadable (%s); using defaults", type(e).__name__)
            return Settings()

    def save(self, settings: Settings) -> None:
        ensure_private_dir(self.path.parent)
        data = json.dumps(asdict(settings), indent=2, sort_keys=True).encode() + b"\n"
        atomic_write_bytes(self.path, data)
