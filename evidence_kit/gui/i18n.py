"""Korean and English for the desktop app.

Source strings are English, written in code as ``t("...")`` with a string literal, and
translated through ``resources/translations/ko.json`` (English source -> Korean). A test
parses every GUI module and fails when a literal has no Korean entry, when a ``t()`` call
is not given a literal, or when a visible widget shows English in the Korean UI.

Qt's own strings (standard buttons, text-field context menus, the file dialog) come
from Qt's ``qtbase_ko.qm``. Like a Qt translator, the current language is process-wide:
the app sets it once at start and again when the user switches it in settings.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..core.common.i18n import system_lang
from .resources import translation_path

log = logging.getLogger(__name__)

LANGUAGES = ("ko", "en")


@dataclass
class _State:
    lang: str = "en"
    catalogue: dict[str, str] = field(default_factory=dict)
    qt_translators: list[QTranslator] = field(default_factory=list)  # referenced so Qt keeps them


_state = _State()


def load_catalogue(lang: str, path: Path | None = None) -> dict[str, str]:
    """The English -> ``lang`` table; empty for English or when the file is missing."""
    if lang == "en":
        return {}
    path = path or translation_path(lang)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
        messages = obj["messages"]
    except (OSError, ValueError, KeyError) as e:
        log.warning("translation catalogue %s unavailable: %s", path.name, type(e).__name__)
        return {}
    return {str(k): str(v) for k, v in messages.items() if v}


def detect_language() -> str:
    """The system's language if it is Korean, else English (EVIDENCE_KIT_LANG wins)."""
    lang = system_lang()
    if lang == "en" and QLocale.system().language() == QLocale.Language.Korean:
        lang = "ko"
    return lang


def set_language(lang: str) -> None:
    """Switch the app's language; also installs Qt's own translations for its built-in texts."""
    if lang not in LANGUAGES:
        lang = "en"
    _state.lang = lang
    _state.catalogue = load_catalogue(lang)
    app = QCoreApplication.instance()
    if app is None:
        return
    for old in _state.qt_translators:
        app.removeTranslator(old)
    _state.qt_translators.clear()
    if lang != "en":
        qt = QTranslator()
        if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _state.qt_translators.append(qt)
        else:
            log.info("Qt's own %s translations not found", lang)



# Qt's Korean file dialog still shows these in English (qtbase_ko.qm has no entry), and
# "디렉터리" reads as jargon (issue 16).
QT_KO_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "찾는 위치(&I):",
    ("QFileDialog", "Look in:"): "찾는 위치:",
    ("QFileDialog", "Files of &type:"): "파일 형식(&T):",
    ("QFileDialog", "Files of type:"): "파일 형식:",
    ("QFileDialog", "Parent Directory"): "상위 폴더",
    ("QFileDialog", "부모 디렉터리"): "상위 폴더",
    ("QFileDialog", "Directory:"): "폴더:",
    ("QFileDialog", "Directories"): "폴더",
}


def fill_qt_gaps(root: Any) -> None:
    """Korean for the few texts of Qt's own widgets (the file dialog) that qtbase_ko.qm lacks."""
    if _state.lang != "ko":
        return
    from PySide6.QtWidgets import QLabel, QWidget

    for w in root.findChildren(QWidget):
        if isinstance(w, QLabel) and ("QFileDialog", w.text()) in QT_KO_GAPS:
            w.setText(QT_KO_GAPS[("QFileDialog", w.text())])
        tip = ("QFileDialog", w.toolTip())
        if tip in QT_KO_GAPS:
            w.setToolTip(QT_KO_GAPS[tip])


def language() -> str:
    return _state.lang


def catalogue_size() -> int:
    return len(_state.catalogue)


def qt_translations_loaded() -> bool:
    return bool(_state.qt_translators)


def t(text: str, **kw: Any) -> str:
    """``text`` in the current language, formatted with ``kw``."""
    s = _state.catalogue.get(text, text) if _state.lang != "en" else text
    return s.format(**kw) if kw else s
