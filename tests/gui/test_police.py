"""Report, export and the police view of a received bundle, from the app (issue 8's service)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from evidence_kit.core.crypto.anchor import group_hex
from evidence_kit.core.timestamps.tsa_defaults import DIGICERT_TRUSTED_ROOT_G4_PEM
from evidence_kit.gui import reports
from evidence_kit.gui.dialogs import MessageDialog
from evidence_kit.gui.reports import ExportDialog, ReportDialog, VerifyBundleDialog

from .conftest import WAIT_MS, MakeWindow, unlock, wait_idle

pytestmark = pytest.mark.gui


def test_report_export_and_verify_a_bundle(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "user-output"  # where the person chose to save: plaintext is expected there
    out.mkdir()
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    assert {"make_report", "export_bundle", "verify_bundle"} <= reports.available(win.service)
    assert win.workspace.police_button is not None and win.workspace.police_button.isEnabled()

    monkeypatch.setattr(reports, "choose_save_path", lambda *a: out / "report.pdf")
    win.reports.make_report()
    dlg = win._dialogs[-1]
    assert isinstance(dlg, ReportDialog)
    assert not dlg.clear.isChecked()  # blurred unless chosen
    dlg.accept()
    assert win.workspace.job_bar.isVisible()
    wait_idle(qtbot, win)
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    assert isinstance(win._dialogs[-1], MessageDialog)
    win._dialogs[-1].accept()

    monkeypatch.setattr(reports, "choose_folder", lambda *a: out)
    win.reports.export_bundle()
    dlg = win._dialogs[-1]
    assert isinstance(dlg, ExportDialog)
    dlg.kind_age.setChecked(True)
    dlg.passphrase.setText("short")
    dlg.repeat.setText("short")
    dlg.accept()  # refused: too short, said in the dialog
    assert dlg.isVisible() and "10" in dlg.error.full_text()
    dlg.kind_folder.setChecked(True)
    dlg.accept()
    wait_idle(qtbot, win)
    bundles = [p for p in out.iterdir() if p.is_dir()]
    assert len(bundles) == 1
    done = win._dialogs[-1].message.full_text()
    manifest_fp = json.loads((bundles[0] / "manifest.json").read_bytes())["signer"]["fingerprint_sha256"]
    assert group_hex(manifest_fp) in done and "--signer" in done  # the receipt, grouped for reading aloud
    actions = [e.action for e in win.service.vault.events()]
    assert any("export" in a for a in actions) and any("report" in a for a in actions)
    win._dialogs[-1].accept()

    # The police view works on the unlock screen too: no vault needed.
    win.lock()
    assert win.verify_bundle_action is not None and win.verify_bundle_action.isEnabled()
    win.reports.verify_bundle()
    view = win._dialogs[-1]
    assert isinstance(view, VerifyBundleDialog)
    view.set_path(bundles[0])
    view.verify()
    qtbot.waitUntil(lambda: view.table.topLevelItemCount() == 2, timeout=WAIT_MS)
    # without the paper fingerprint: consistent, signer not confirmed, never a bare PASS
    assert view.verdict.full_text().startswith("Result: INTERNALLY CONSISTENT — SIGNER NOT CONFIRMED")
    assert all(view.table.topLevelItem(i).text(0) == "PASS" for i in range(2))
    view.signer.setText("0000 0000 0000 0000")  # another key's fingerprint
    view.verify()
    qtbot.waitUntil(lambda: view.verdict.full_text().startswith("Result: FAIL"), timeout=WAIT_MS)
    view.signer.setText(group_hex(manifest_fp[:32]))
    root_pem = tmp_path / "root.pem"
    root_pem.write_bytes(DIGICERT_TRUSTED_ROOT_G4_PEM)
    monkeypatch.setattr(reports, "choose_files", lambda *a: [root_pem])
    view.choose_tsa_roots()  # an extra timestamp root, as --tsa-ca
    assert "1 chosen" in view.tsa_label.full_text() and len(view.tsa_roots) == 1
    view.verify()
    qtbot.waitUntil(lambda: view.verdict.full_text().startswith("Result: PASS"), timeout=WAIT_MS)

    # One changed byte is found and named.
    evidence = sorted((bundles[0] / "evidence").iterdir())[0]
    data = bytearray(evidence.read_bytes())
    data[-1] ^= 1
    evidence.write_bytes(bytes(data))
    view.verify()
    qtbot.waitUntil(lambda: view.verdict.full_text().startswith("Result: FAIL"), timeout=WAIT_MS)
    assert [view.table.topLevelItem(i).text(0) for i in range(2)].count("FAIL") == 1
