"""The collapsible guidance panel above the evidence list: what a counselor (or the victim) can do now."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QScrollArea, QToolButton, QVBoxLayout, QWidget

from ..core.common.errors import EvidenceKitError
from ..core.common.guidance import Guidance, load_guidance
from .i18n import language, t
from .widgets import SafeLabel, named

log = logging.getLogger(__name__)


class GuidancePanel(QWidget):
    """What a counselor should do now, from ``resources/guidance.json`` (core.guidance):
    each statement in the app's language with the other language and its source below it."""

    def __init__(self, parent: QWidget | None = None, *, audience: str = "counselor") -> None:
        super().__init__(parent)
        self.toggle = named(QToolButton(), t("What to do now (guidance for counselors)") if audience == "counselor"
                            else t("What you can do now"))
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.toggled.connect(self._toggled)
        self.body = QWidget()
        self.body.setObjectName("guidanceBody")
        self.body.setStyleSheet("#guidanceBody { border: 1px solid palette(mid); border-radius: 4px; }")
        self.statements: list[tuple[SafeLabel, SafeLabel]] = []
        self.guidance: Guidance | None = None
        try:
            self.guidance = load_guidance(audience=audience)
        except EvidenceKitError as e:
            log.warning("counselor guidance unavailable: %s", e)
        bl = QVBoxLayout(self.body)
        bl.setContentsMargins(8, 6, 8, 6)
        bl.setSpacing(2)
        lang = language()
        self.toggle.setText(self.guidance.title(lang) if self.guidance else "")
        for st in self.guidance.statements if self.guidance else ():
            # The texts carry both languages themselves (not the ko.json catalogue): data labels.
            main = SafeLabel("• " + st.text(lang), wrap=True, data=True)
            f = main.font()
            f.setBold(True)
            main.setFont(f)
            # Only the app's language (issue 16: grey English under Korean read as noise); the
            # source stays, small, so the statement can be checked.
            sub = SafeLabel(f"{t('Source:')} {st.source}", wrap=True, data=True)
            sf = sub.font()
            sf.setPointSizeF(sf.pointSizeF() * 0.85)
            sub.setFont(sf)
            sub.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            sub.setContentsMargins(12, 0, 0, 4)
            bl.addWidget(main)
            bl.addWidget(sub)
            self.statements.append((main, sub))
        # The statements scroll inside a box of limited height, so that at 200 % they do not
        # push the evidence list off the screen (issue 16); the toggle folds them away.
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.area.setWidget(self.body)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setMaximumHeight(self.fontMetrics().height() * 8)
        # Two lines, not three: with the backup reminder below, the window still fits 800x500 logical px.
        self.area.setMinimumHeight(self.fontMetrics().height() * 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.toggle)
        lay.addWidget(self.area)
        self.setVisible(False)

    @property
    def loaded(self) -> bool:
        return self.guidance is not None

    def _toggled(self, shown: bool) -> None:
        self.area.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
