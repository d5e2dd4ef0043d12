"""Delete Raw Film: refused without the typed case code, done with it (the film and what
was made from it gone, the recording purged, its moments kept), and shown so afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.domain.records import RecordingStatus
from vigtool.gui.browser import RETENTION_ROLE
from vigtool.gui.purge_dialog import PurgeDialog
from vigtool.workspace import Workspace

from .windows import show_main_window


@dataclass
class Filmed:
    ws: Workspace
    case_id: int
    recording_id: int
    film: Path
    index_files: list[Path]


@pytest.fixture
def filmed(tmp_path: Path, small_video: VideoTruth) -> Iterator[Filmed]:
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-31")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    ws.add_moment(rec.id, start_frame=10, end_frame=20, title="She reached for you",
                  selected_for_review=True)
    film = ws.library.media_path(rec)
    index_files = sorted((ws.root / "index").glob(f"{rec.sha256}*"))
    assert film.is_file()
    assert index_files
    yield Filmed(ws, case.id, rec.id, film, index_files)
    ws.close()


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_it_refuses_without_the_code_and_purges_with_it(
    qtbot: QtBot, host: QWidget, filmed: Filmed
) -> None:
    released: list[str] = []

    def release() -> str | None:
        released.append("let go")
        return None

    dialog = PurgeDialog(filmed.ws, filmed.case_id, host, release=release)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = dialog.plan_text.text()
    assert "Purge case FAM-31: delete the raw film of 1 recording(s)" in shown
    assert "No consent to keep clips is recorded" in shown
    assert dialog.warning.text().startswith("This cannot be undone.")
    assert dialog.confirm_label.text() == "Type the case code (FAM-31) to confirm:"
    assert not dialog.delete_button.isEnabled()

    qtbot.keyClicks(dialog.confirm, "FAM-3")
    assert not dialog.delete_button.isEnabled()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)  # Return without the whole code
    assert dialog.problem.isVisible()
    assert "nothing was deleted" in dialog.problem.text()
    assert dialog.job is None
    assert released == []
    assert filmed.film.is_file()
    assert filmed.ws.library.recording(filmed.recording_id).status is RecordingStatus.PRESENT

    qtbot.keyClicks(dialog.confirm, "1")
    assert dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert released == ["let go"]  # before anything was deleted
    assert not dialog.close_button.isEnabled()  # no walking away half-way
    qtbot.waitUntil(lambda: dialog.outcome is not None and dialog.job is None, timeout=20_000)
    assert not filmed.film.exists()
    assert not any(p.exists() for p in filmed.index_files)
    recording = filmed.ws.library.recording(filmed.recording_id)
    assert recording.status is RecordingStatus.PURGED
    (moment,) = filmed.ws.annotations.moments(filmed.recording_id)
    assert moment.title == "She reached for you"
    assert "Case FAM-31: 1 recording(s) purged" in dialog.plan_text.text()
    assert dialog.close_button.text() == "Close"
    assert dialog.close_button.isEnabled()
    assert not dialog.delete_button.isVisible()
    assert "purge" in [e.action for e in filmed.ws.privacy.audit_log(filmed.case_id)]
    dialog.reject()


def test_a_case_that_changed_since_it_was_shown_is_not_purged(
    qtbot: QtBot, host: QWidget, filmed: Filmed
) -> None:
    dialog = PurgeDialog(filmed.ws, filmed.case_id, host)
    qtbot.addWidget(dialog)
    filmed.ws.add_consent(filmed.case_id, kind="keep-clips", given=True)  # meanwhile
    qtbot.keyClicks(dialog.confirm, "FAM-31")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.job is None
    assert "The case changed since this was shown" in dialog.problem.text()
    assert "The family consented to keeping clips" in dialog.plan_text.text()
    assert dialog.confirm.text() == ""
    assert filmed.film.is_file()


def test_after_a_purge_the_window_shows_the_moments_without_the_film(
    qtbot: QtBot, tmp_path: Path, filmed: Filmed
) -> None:
    win = show_main_window(qtbot, tmp_path, filmed.ws, filmed.recording_id)
    assert win.player.times is not None  # the film is open
    dialog = win.open_purge(filmed.case_id)
    assert dialog is not None
    qtbot.keyClicks(dialog.confirm, "FAM-31")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert win.player.times is None  # the player let go of the film before the purge
    qtbot.waitUntil(lambda: dialog.outcome is not None and dialog.job is None, timeout=20_000)
    assert not filmed.film.exists()
    assert "was deleted on" in win.surface.message
    assert "moments, stills' captions and the parent's words are kept" in win.surface.message
    assert [m.title for m in win.timeline.shown_moments()] == ["She reached for you"]
    assert not win.actions_by_id["tag.in"].isEnabled()  # no film to tag
    case_item = win.browser.tree.topLevelItem(0)
    assert case_item is not None
    assert case_item.data(0, RETENTION_ROLE) == "purged"
    recording_item = case_item.child(0).child(0)
    assert "raw film deleted" in recording_item.text(0)
    assert recording_item.icon(0).isNull()  # no picture of the film that is gone
    dialog.reject()

    win.open_recording(filmed.recording_id)  # opening it again: the moments, not the film
    assert win.recording_id == filmed.recording_id
    assert win.player.times is None  # never opened on a film that is gone
    assert "was deleted on" in win.surface.message
    assert win.windowTitle().startswith("small.mp4 (raw film deleted)")
    win.close()
