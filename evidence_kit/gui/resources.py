"""Where the app's resources (fonts, icons, translations) live: the source tree or the frozen bundle."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/nanum"),)


def resource_dir() -> Path:
    """``resources/`` next to the package in a checkout, or inside the PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def font_files() -> list[Path]:
    """Our TrueType fonts; the system NanumGothic when the bundled ones are not there."""
    own = sorted((resource_dir() / "fonts").glob("*.ttf"))
    if own:
        return own
    for d in SYSTEM_FONT_DIRS:
        found = sorted(d.glob("NanumGothic*.ttf"))
        if found:
            log.info("bundled fonts missing; using the system's NanumGothic")
            return found
    return []


def icon_path(name: str) -> Path:
    return resource_dir() / "icons" / name


def translation_path(lang: str) -> Path:
    return resource_dir() / "translations" / f"{lang}.json"
