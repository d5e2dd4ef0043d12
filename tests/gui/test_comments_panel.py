"""The Comments panel on its own: threads listed with their reply counts, a thread shown
with Edit and Delete on one's own words only, and replying, changing and deleting, each one
undo step. A read-only workspace shows the comments and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui import supervision_setup
from tests.gui.supervision_setup import (
    ME,
    SUPERVISOR,
    Supervised,
)
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.comments_panel import CommentsPanel
from vigtool.workspace import Workspace

supervised = supervision_setup.supervised  # the fixture, shared with the other supervision tests


@pytest.fixture
def panel(qtbot: QtBot, supervised: Supervised) -> Iterator[CommentsPanel]:
    bridge = WorkspaceBridge(supervised.ws)
    view = CommentsPanel(bridge)
    qtbot.addWidget(view)
    view.resize(360, 640)
    view.show()
    view.show_recording(supervised.recording_id)
    yield view
    bridge.detach()


def _texts(panel: CommentsPanel) -> list[str]:
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def test_the_list_shows_each_thread_by_time_with_its_reply_count(panel: CommentsPanel) -> None:
    texts = _texts(panel)
    assert len(texts) == 2
    assert f"{SUPERVISOR} · 2 replies" in texts[0]
    assert "She looks back here." in texts[0]
    assert "no replies" in texts[1]
    assert "A long chain." in texts[1]
    assert not panel.thread_area.isVisible()  # no thread chosen yet
    assert not panel.composer.isVisible()
    assert panel.signed.text() == f"You sign as {ME}"


def test_a_thread_shows_the_comment_and_replies_with_edit_only_on_your_own(
    panel: CommentsPanel, supervised: Supervised
) -> None:
    panel.show_thread(supervised.pin)
    cards = panel.cards
    assert [(c.comment.author, c.edit_button.isVisibleTo(panel)) for c in cards] == [
        (SUPERVISOR, False), (ME, True), (SUPERVISOR, False)]
    assert panel.compose_label.text() == f"Reply to {SUPERVISOR}"
    reply = cards[1].comment
    panel.show_thread(reply.id)  # a reply opens the thread it belongs to
    assert panel.thread_id == supervised.pin


def test_return_in_the_box_replies_and_one_undo_takes_it_back(
    qtbot: QtBot, panel: CommentsPanel, supervised: Supervised
) -> None:
    panel.show_thread(supervised.span)
    qtbot.keyClicks(panel.compose, "Yes, all of it")
    qtbot.keyClick(panel.compose, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(panel.compose, "as one clip")
    qtbot.keyClick(panel.compose, Qt.Key.Key_Return)
    thread = dict(supervised.ws.supervision.threads(supervised.recording_id))
    span = next(c for c in thread if c.id == supervised.span)
    assert [(r.text, r.author, r.start_frame, r.end_frame) for r in thread[span]] == [
        ("Yes, all of it\nas one clip", ME, 30, 40)]
    assert panel.compose.toPlainText() == ""
    assert [c.comment.text for c in panel.cards][-1] == "Yes, all of it\nas one clip"
    assert "1 reply" in _texts(panel)[1]
    assert supervised.ws.undo_name == "Reply"
    supervised.ws.undo()
    assert len(panel.cards) == 1


def test_edit_changes_your_own_words(
    qtbot: QtBot, panel: CommentsPanel, supervised: Supervised
) -> None:
    panel.show_thread(supervised.pin)
    mine = panel.cards[1]
    mine.edit_button.click()
    assert panel.compose_label.text() == "Change your comment"
    assert panel.compose.toPlainText() == "I saw it too."
    panel.compose.selectAll()
    qtbot.keyClicks(panel.compose, "I saw her eyebrows go up.")
    panel.send_button.click()
    assert supervised.ws.supervision.comment(mine.comment.id).text == "I saw her eyebrows go up."
    assert supervised.ws.undo_name == "Edit Comment"
    assert panel.compose_label.text() == f"Reply to {SUPERVISOR}"  # back to replying


def test_delete_takes_a_comment_and_its_replies_and_undo_brings_them_back(
    qtbot: QtBot, supervised: Supervised, tmp_path: Path
) -> None:
    ws = supervised.ws
    own = ws.supervision.add_comment(supervised.recording_id, start_frame=50, text="Mine")
    ws.supervision.add_comment(supervised.recording_id, start_frame=0, parent_id=own.id,
                               text="An answer", author=SUPERVISOR)
    bridge = WorkspaceBridge(ws)
    panel = CommentsPanel(bridge)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_recording(supervised.recording_id)
    panel.show_thread(own.id)
    assert panel.cards[0].delete_button.isVisibleTo(panel)
    panel.cards[0].delete_button.click()
    assert [c.id for c in ws.supervision.comments(supervised.recording_id)
            if c.id == own.id or c.parent_id == own.id] == []
    assert panel.thread_id is None
    assert len(_texts(panel)) == 2
    ws.undo()
    assert len(_texts(panel)) == 3
    assert len(ws.supervision.threads(supervised.recording_id)[-1][1]) == 1
    bridge.detach()


def test_a_new_comment_says_where_it_will_sit(
    qtbot: QtBot, panel: CommentsPanel, supervised: Supervised
) -> None:
    panel.start_comment(3, 9)
    assert panel.compose_label.text().startswith("New comment at 0:00.10")
    assert "(frames 3–9)" in panel.compose_label.text()
    panel.submit()  # nothing written yet: nothing added
    assert len(supervised.ws.supervision.comments(supervised.recording_id)) == 4
    panel.cancel_draft()
    assert not panel.composer.isVisible()


def test_a_read_only_workspace_shows_comments_and_changes_nothing(
    qtbot: QtBot, tmp_path: Path, supervised: Supervised, small_video: VideoTruth
) -> None:
    looker = Workspace.open(supervised.ws.root, read_only=True)
    bridge = WorkspaceBridge(looker)
    view = CommentsPanel(bridge)
    qtbot.addWidget(view)
    view.show()
    try:
        view.show_recording(supervised.recording_id)
        view.show_thread(supervised.pin)
        assert len(view.cards) == 3
        assert not any(c.edit_button.isVisibleTo(view) for c in view.cards)
        assert not view.composer.isEnabled()
    finally:
        bridge.detach()
        looker.close()
