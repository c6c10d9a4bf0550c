"""Portable mode (issue 20): run from a USB stick with the vault and every bit of state beside it.

Turned on by ``--portable`` (the folder of the executable or script), by a marker file
``evidence-kit-portable.txt`` next to it, or by ``EVIDENCE_KIT_PORTABLE_DIR=FOLDER`` (for
launchers and tests). Then, inside that folder::

    vault/          the vault (unless --vault names another)
    state/          last-seen vault heads (rollback detection, core/localstate.py)
    settings/       the desktop app's settings
    tmp/            temporary files, instead of the host's temp folder
    xdg/            config/cache/data of libraries that follow the XDG variables

so nothing is written to the host's home, config, cache or temp folders. It works by
pointing the environment variables every part of the app (and its libraries) already
reads at the stick, before anything else runs.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MARKER = "evidence-kit-portable.txt"
ENV = "EVIDENCE_KIT_PORTABLE_DIR"


def app_dir() -> Path:
    """The folder holding the frozen executable, or the script that started us."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0] or ".").resolve().parent


def portable_root(flag: bool = False) -> Path | None:
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    here = app_dir()
    if flag or (here / MARKER).is_file():
        return here
    return None


def activate(root: Path) -> dict[str, Path]:
    """Point every per-user location at ``root``; returns the layout."""
    root = Path(root).resolve()
    layout = {
        "vault": root / "vault",
        "state": root / "state",
        "settings": root / "settings",
        "tmp": root / "tmp",
        "xdg": root / "xdg",
    }
    for key in ("state", "settings", "tmp", "xdg"):
        layout[key].mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("EVIDENCE_KIT_VAULT", str(layout["vault"]))
    os.environ["EVIDENCE_KIT_STATE_DIR"] = str(layout["state"])
    os.environ["EVIDENCE_KIT_GUI_SETTINGS"] = str(layout["settings"] / "gui-settings.json")
    for var in ("TMPDIR", "TEMP", "TMP"):
        os.environ[var] = str(layout["tmp"])
    tempfile.tempdir = str(layout["tmp"])
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                     ("XDG_STATE_HOME", "state")):
        os.environ[var] = str(layout["xdg"] / sub)
    log.info("portable mode: everything stays in the portable folder")
    return layout


def setup(flag: bool = False) -> Path | None:
    root = portable_root(flag)
    if root is not None:
        activate(root)
    return root
