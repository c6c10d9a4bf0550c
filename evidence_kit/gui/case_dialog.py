"""A case's details: name, evidence policy, what happened, who is helping.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.common.model import PLATFORMS, POLICY_KEEP, POLICY_RECORD_ONLY, Case
from .dialogs import dialog_buttons, line_edit, plain_box, scrolled
from .i18n import t
from .models import platform_label
from .widgets import SafeLabel, fit_to_screen, named

log = logging.getLogger(__name__)


# --------------------------------------------------------------------- cases

INCIDENT_PROMPTS = ("when", "where", "how", "result")


class CaseDialog(QDialog):
    """Create a case or describe it. Only the name is needed; everything else can wait."""

    def __init__(self, parent: QWidget | None, case: Case | None = None, *, default_policy: str = POLICY_KEEP) -> None:
        super().__init__(parent)
        self.case = case
        self._default_policy = case.policy if case else default_policy
        self.setWindowTitle(t("Case details") if case else t("New case"))
        inner = QWidget()
        form = QFormLayout(inner)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        c = case
        self.name = line_edit(c.name if c else "", t("Case name"), t("e.g. School group chat, 2024"))
        self.reference = line_edit(c.reference if c else "", t("Police case number"), t("if you have one"))
        self.description = plain_box(c.description if c else "", t("Description"), lines=2)
        form.addRow(t("Case name"), self.name)
        form.addRow(t("Police case number"), self.reference)
        form.addRow(t("Description"), self.description)

        self.policy = named(QComboBox(), t("Evidence policy"))
        self.policy.addItem(t("Keep originals (encrypted in the vault)"), POLICY_KEEP)
        self.policy.addItem(t("Record only: hashes and a redacted copy, never the original"), POLICY_RECORD_ONLY)
        self.policy.setCurrentIndex(max(0, self.policy.findData(self._default_policy)))
        form.addRow(t("Evidence policy"), self.policy)
        policy_note = SafeLabel(t("Changing the policy is recorded in the custody log. It applies to evidence added "
                                  "from now on; items already saved stay as they are."), wrap=True)
        form.addRow("", policy_note)

        incident = c.incident if c else {}
        group = QGroupBox(t("What happened (for the report; optional)"))
        g = QFormLayout(group)
        g.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        labels = {
            "when": (t("When (일시)"), t("date and time, as far as you know")),
            "where": (t("Where (장소·공간)"), t("website, app, chat room or place")),
            "how": (t("How (방법)"), t("what the person did")),
            "result": (t("Result (결과)"), t("what happened because of it")),
        }
        self.incident: dict[str, QPlainTextEdit] = {}
        for key in INCIDENT_PROMPTS:
            label, hint = labels[key]
            box = plain_box(str(incident.get(key, "")), label, lines=2)
            box.setPlaceholderText(hint)
            self.incident[key] = box
            g.addRow(label, box)
        form.addRow(group)

        pgroup = QGroupBox(t("Platforms involved"))
        grid = QGridLayout(pgroup)
        chosen = set(c.platforms if c else [])
        self.platform_checks: dict[str, QCheckBox] = {}
        for i, p in enumerate(x for x in PLATFORMS if x != "Other"):
            cb = named(QCheckBox(platform_label(p)), platform_label(p))
            cb.setChecked(p in chosen)
            self.platform_checks[p] = cb
            grid.addWidget(cb, i // 3, i % 3)
        others = [p for p in (c.platforms if c else []) if p not in self.platform_checks]
        self.other_platforms = line_edit(
            ", ".join(others), t("Other platforms"), t("other platforms, separated by commas")
        )
        grid.addWidget(self.other_platforms, (len(self.platform_checks) + 2) // 3, 0, 1, 3)
        form.addRow(pgroup)

        self.suspects = plain_box("\n".join(c.suspects) if c else "", t("Accounts of the person or people responsible"),
                                  lines=2)
        self.suspects.setPlaceholderText(t("one account per line, if known"))
        form.addRow(t("Accounts of the person or people responsible"), self.suspects)
        self.prepared_by = line_edit(c.prepared_by if c else "", t("Prepared by"), t("a name or a pseudonym"))
        self.organisation = line_edit(c.organisation if c else "", t("Organisation"), t("school or counselling centre"))
        form.addRow(t("Prepared by"), self.prepared_by)
        form.addRow(t("Organisation"), self.organisation)

        lay = QVBoxLayout(self)
        lay.addWidget(scrolled(inner), 1)
        self.buttons = dialog_buttons(self, t("Save") if case else t("Create case"), t("Cancel"))
        self.ok_button = self.buttons.buttons()[0]
        lay.addWidget(self.buttons)
        self.name.textChanged.connect(lambda s: self.ok_button.setEnabled(bool(s.strip())))
        self.ok_button.setEnabled(bool(self.name.text().strip()))
        fit_to_screen(self, 640, 640)

    def values(self) -> dict[str, Any]:
        """Every field as the service expects it."""
        platforms = [p for p, cb in self.platform_checks.items() if cb.isChecked()]
        platforms += [s.strip() for s in self.other_platforms.text().split(",") if s.strip()]
        return {
            "name": self.name.text().strip(),
            "reference": self.reference.text().strip(),
            "description": self.description.toPlainText().strip(),
            "incident": {k: box.toPlainText().strip() for k, box in self.incident.items() if box.toPlainText().strip()},
            "platforms": platforms,
            "suspects": [s.strip() for s in self.suspects.toPlainText().splitlines() if s.strip()],
            "prepared_by": self.prepared_by.text().strip(),
            "organisation": self.organisation.text().strip(),
            "policy": str(self.policy.currentData()),
        }

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from the case being edited (for a new case: those filled
        in, and the policy only when it is not the vault's default for the role)."""
        vals = self.values()
        if self.case is None:
            if vals["policy"] == self._default_policy:
                vals.pop("policy")
            return {k: v for k, v in vals.items() if v}
        return {k: v for k, v in vals.items() if getattr(self.case, k) != v}
