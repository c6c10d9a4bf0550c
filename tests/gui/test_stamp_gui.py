"""The app's "get trusted timestamps now" asks first, then stamps through the worker (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest

from evidence_kit.core.timestamps.tsa_defaults import TsaConfig

from ..test_timestamp_flow import pkis, servers  # noqa: F401  (fixtures)
from ..tsa_server import LocalTSA, pem

pytestmark = pytest.mark.gui


def test_stamp_action_asks_then_seals(qtbot: Any, servers: dict[str, LocalTSA], tmp_path: Any) -> None:  # noqa: F811
    from PySide6.QtWidgets import QApplication

    from evidence_kit.core.common.model import ItemInput
    from evidence_kit.core.service import EvidenceService
    from evidence_kit.gui.main_window import MainWindow
    from evidence_kit.gui.reports import StampDialog
    from evidence_kit.gui.settings import Settings
    from evidence_kit.gui.widgets import SafeLabel

    from ..conftest import PASSPHRASE, fast_kdf

    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    case = svc.create_case("사건")
    svc.import_bytes(case.id, b"evidence", ItemInput(name="a.txt", method="paste"))
    tsas = [servers["alpha"], servers["beta"]]
    svc.set_timestamp_tsas(
        [TsaConfig(name=t.name, url=t.url, root_sha256=(t.pki.root_sha256,), roots_pem=pem(t.pki.root)) for t in tsas]
    )
    win = MainWindow(svc, Settings(language="ko"))
    qtbot.addWidget(win)
    win.show()
    win.reports.stamp_now()
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, StampDialog) and w.isVisible())
    shown = " ".join(label.full_text() for label in dlg.findChildren(SafeLabel))
    assert "Alpha" in shown and "SHA-256" in shown
    dlg.accept()
    qtbot.waitUntil(lambda: not win.worker.busy, timeout=20000)
    status = svc.timestamp_status()
    assert any(cp.trusted for cp in status)
    assert "stamp" in [e.action for e in svc.vault.events()]
    win.lock()
    svc.lock()
