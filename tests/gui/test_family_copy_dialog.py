"""The export dialog's "family's own copy": always for the family, one cycle or all, and run
in the background like every export (consent first, one line when it is missing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.gui.test_export_dialog import _choose, _run
from vigtool.demo import DEMO_CASE, build_demo
from vigtool.exports.naming import FAMILY_PAGE
from vigtool.exports.request import run_export
from vigtool.gui.export_dialog import FAMILY_LABEL, ExportDialog
from vigtool.gui.workers import Job
from vigtool.workspace import Workspace

CLIPS = "Clips chosen for the review (MP4 with sound)"
PEERS = "Peer group (intervision)"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_the_family_copy_is_for_the_family_from_one_cycle_or_all(
    qtbot: QtBot, tmp_path: Path, settings: QSettings,
) -> None:
    dialog = ExportDialog(tmp_path / "out", "FAM-01", 2, settings=settings)
    qtbot.addWidget(dialog)
    _choose(dialog, CLIPS, audience=PEERS)
    assert dialog.audience.isEnabled()
    dialog.what.setCurrentIndex(dialog.what.findText(FAMILY_LABEL))
    assert dialog.chosen_audience == "family"  # never anyone else's
    assert not dialog.audience.isEnabled()
    assert "keep clips" in dialog.holds.text()
    assert "shared review" in dialog.holds.text()
    assert dialog.scope.isEnabled()
    assert dialog.pad.isEnabled()
    request = dialog.request(case_id=3)
    assert (request.kind, request.audience, request.cycle, request.out) == (
        "family", "family", 2, tmp_path / "out")
    assert dialog.where.text() == (
        f"The family's copy goes into {tmp_path / 'out' / 'FAM-01-c2-family-copy'}: "
        f"open {FAMILY_PAGE}")
    dialog.scope.setCurrentIndex(dialog.scope.findData(None))
    assert dialog.request(case_id=3).cycle is None
    assert str(tmp_path / "out" / "FAM-01-family-copy") in dialog.where.text()
    dialog.what.setCurrentIndex(dialog.what.findText(CLIPS))
    assert dialog.audience.isEnabled()


def test_it_runs_in_the_background_once_the_family_consents_to_keeping_clips(
    qtbot: QtBot, tmp_path: Path, settings: QSettings,
) -> None:
    root = tmp_path / "ws"
    build_demo(root)
    with Workspace.open(root) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        dialog = ExportDialog(tmp_path / "stick", DEMO_CASE, 1, settings=settings)
        qtbot.addWidget(dialog)
        dialog.what.setCurrentIndex(dialog.what.findText(FAMILY_LABEL))
        request = dialog.request(case.id)
        job = Job(lambda progress, cancel: run_export(ws, request, progress=progress,
                                                      cancel=cancel))
        failed: list[str] = []
        job.failed.connect(failed.append)
        with qtbot.waitSignal(job.finished, timeout=60_000):
            job.start()
        (line,) = failed  # the demo family agreed to the review, not to keeping clips
        assert "keeping the chosen clips" in line
        assert "\n" not in line
        assert not (tmp_path / "stick").exists()
        ws.add_consent(case.id, kind="keep-clips", given=True)
        paths = _run(qtbot, ws, request)
    assert paths[-1] == tmp_path / "stick" / f"{DEMO_CASE}-c1-family-copy" / FAMILY_PAGE
    assert len([p for p in paths if p.suffix == ".mp4"]) == 3
