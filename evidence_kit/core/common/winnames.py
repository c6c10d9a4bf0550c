"""File names and relative paths that are valid on Windows (and so everywhere).

Bundles and (later) backups are made on Linux or macOS and opened on a police or school
PC running Windows, where Explorer refuses or silently mangles names that POSIX allows:
device names (``CON``, ``NUL.txt``, ``com1.tar.gz``), trailing dots and spaces,
``<>:"|?*``, control characters, and paths beyond the old ``MAX_PATH``. Windows file
systems are also case-insensitive, so ``a.jpg`` and ``A.JPG`` would overwrite each other
on unpacking. This module is the one place that knows those rules; callers keep the
original name in their manifest and use these names only on disk or in a ZIP.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Explorer and most tools still break beyond MAX_PATH (260); the bundle's own folder name
# and the user's destination need room too, hence 240 from the bundle root.
MAX_REL_PATH = 240

_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
    # Windows also treats the superscript digits as device numbers.
    + [f"COM{c}" for c in "\u00b9\u00b2\u00b3"]
    + [f"LPT{c}" for c in "\u00b9\u00b2\u00b3"]
)
_FORBIDDEN = frozenset('<>:"|?*\\/')


def is_reserved(component: str) -> bool:
    """True if Windows takes this name for a device: the part before the first dot,
    any case, with trailing spaces ignored (``nul .txt`` is NUL too)."""
    base = component.split(".", 1)[0].rstrip(" ")
    return base.upper() in _RESERVED


def component_problem(component: str) -> str | None:
    """Why a single name is not valid on Windows, or None."""
    if component in ("", ".", ".."):
        return "empty or dot name"
    if any(ch in _FORBIDDEN or ord(ch) < 32 or ord(ch) == 127 for ch in component):
        return "forbidden character"
    if component[-1] in ". ":
        return "trailing dot or space"
    if is_reserved(component):
        return "reserved device name"
    return None


def path_problem(rel: str) -> str | None:
    """Why a ``/``-separated relative path is not valid on Windows, or None."""
    if len(rel) > MAX_REL_PATH:
        return f"longer than {MAX_REL_PATH} characters"
    if rel.startswith("/"):
        return "absolute path"
    for part in rel.split("/"):
        why = component_problem(part)
        if why:
            return why
    return None


def safe_component(name: str, *, max_chars: int = 120) -> str:
    """``name`` made valid on Windows with as little change as possible.

    Forbidden and control characters become ``_``; trailing dots and spaces go; a device
    name gets a ``_`` in front (``CON.txt`` -> ``_CON.txt``); the result is cut to
    ``max_chars`` keeping a short extension. NFC, never empty.
    """
    s = unicodedata.normalize("NFC", name)
    s = "".join("_" if ch in _FORBIDDEN or ord(ch) < 32 or ord(ch) == 127 else ch for ch in s)
    s = s.rstrip(". ")
    if len(s) > max_chars:
        stem, dot, ext = s.rpartition(".")
        if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
            s = stem[: max_chars - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            s = s[:max_chars].rstrip(". ")
    if not s or s in (".", ".."):
        s = "file"
    if is_reserved(s):
        s = "_" + s
    return s


def _with_suffix(name: str, n: int) -> str:
    stem, dot, ext = name.rpartition(".")
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        return f"{stem} ({n}).{ext}"
    return f"{name} ({n})"


def _fold(rel: str) -> str:
    return unicodedata.normalize("NFC", rel).casefold()


def unique_paths(rels: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Each ``/``-separated path made valid on Windows and unique ignoring case.

    Order is kept; a later path that collides (``A.jpg`` after ``a.jpg``) becomes
    ``A (2).jpg``. ``taken`` holds paths already used (other bundle files). Paths are cut
    to :data:`MAX_REL_PATH` characters by shortening the last component.
    """
    used = {_fold(t) for t in taken}
    out: list[str] = []
    for rel in rels:
        parts = [safe_component(p) for p in rel.split("/") if p not in ("", ".", "..")] or ["file"]
        head = "/".join(parts[:-1])
        prefix = head + "/" if head else ""
        room = max(16, MAX_REL_PATH - len(prefix) - 8)  # 8: room for " (NNNN)"
        last = safe_component(parts[-1], max_chars=min(120, room))
        cand = prefix + last
        n = 1
        while _fold(cand) in used:
            n += 1
            cand = prefix + _with_suffix(last, n)
        used.add(_fold(cand))
        out.append(cand)
    return out


__all__ = [
    "MAX_REL_PATH",
    "component_problem",
    "is_reserved",
    "path_problem",
    "safe_component",
    "unique_paths",
]
