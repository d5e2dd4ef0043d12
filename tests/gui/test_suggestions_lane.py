"""The Suggestions lane in the real main window, on the real demo clip (two animated figures
taking turns, four serve-and-return chains in its ground truth): found in the background
with progress, shown as hatched spans with their turns, selected, played, accepted as an
uncoded moment with its turns (undoable), dismissed (kept, undoable), cancelled without a
trace, and only looked at in a read-only workspace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from tests.consent import filmed_case
from tests.gui import supervision_setup
from tests.gui.images import qimage_to_rgb
from tests.gui.supervision_setup import SIZES, shoot
from tests.gui.windows import show_main_window
from vigtool.analysis.records import Suggestion
from vigtool.analysis.suggest import ANALYSIS_VERSION, suggestions_from_json
from vigtool.gui.main_window import MainWindow
from vigtool.gui.suggestion_commands import CACHE_NAME, FIND, STOP
from vigtool.gui.suggestions_lane import LANE_HEIGHT
from vigtool.gui.timeline_geometry import Lane, LaneKind
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
DYAD = ROOT / "sample_clips" / "demo" / "dyad.mp4"
CHAINS = [(c["start_ms"], c["end_ms"]) for c in json.loads(
    (ROOT / "sample_clips" / "demo" / "dyad.truth.json").read_text())["chains"]]
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier

light_theme = supervision_setup.light_theme  # the fixture, shared with the supervision tests


@dataclass
class Film:
    root: Path
    ws: Workspace
    recording_id: int

    def cache(self) -> Path:
        recording = self.ws.library.recording(self.recording_id)
        return self.ws.library.derived_file(recording, CACHE_NAME)


@pytest.fixture
def film(tmp_path: Path) -> Iterator[Film]:
    root = tmp_path / "ws"
    ws = Workspace.open(root)
    recording = ws.import_recording(filmed_case(ws, "FAM-13"), path=DYAD)
    yield Film(root, ws, recording.id)
    ws.close()


@pytest.fixture
def win(qtbot: QtBot, tmp_path: Path, film: Film) -> Iterator[MainWindow]:
    window = show_main_window(qtbot, tmp_path, film.ws, film.recording_id)
    yield window
    window.close()


def find(qtbot: QtBot, win: MainWindow) -> tuple[Suggestion, ...]:
    """Find Suggested Moments from its key, and wait for the worker to finish."""
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    qtbot.keyClick(win, Qt.Key.Key_F, CTRL | SHIFT)
    qtbot.waitUntil(lambda: not win.finding_suggestions, timeout=60_000)
    return win.shown_suggestions()


def lane(win: MainWindow) -> Lane:
    found = win.timeline._lane(LaneKind.SUGGESTIONS)
    assert found is not None
    return found


def lane_point(win: MainWindow, s: Suggestion) -> QPoint:
    vp = win.timeline._vp
    x = 120 + vp.ms_to_x((s.start_ms + s.end_ms) / 2)
    return QPoint(round(x), lane(win).top + lane(win).height // 2)


def press(qtbot: QtBot, win: MainWindow, key: Qt.Key,
          modifier: Qt.KeyboardModifier = SHIFT) -> None:
    qtbot.keyClick(win, key, modifier)


def test_finding_runs_in_the_background_and_the_lane_shows_each_suggestion(
    qtbot: QtBot, win: MainWindow, film: Film
) -> None:
    assert win.timeline.suggestions.shown is False  # no lane until asked
    assert win.timeline._lane(LaneKind.SUGGESTIONS) is None
    seen: list[int] = []
    win.suggestion_progress.bar.valueChanged.connect(seen.append)
    qtbot.keyClick(win, Qt.Key.Key_F, CTRL | SHIFT)
    assert win.finding_suggestions  # the key returned at once; a worker is looking
    assert win.actions_by_id["suggest.find"].text() == STOP
    assert win.suggestion_progress.isVisibleTo(win)
    assert win.timeline.suggestions.status.startswith("Finding suggested moments")
    win.player.step(5)  # the window keeps working meanwhile
    assert win.player.frame == 5
    qtbot.waitUntil(lambda: not win.finding_suggestions, timeout=60_000)

    shown = win.shown_suggestions()
    cached = suggestions_from_json(json.loads(film.cache().read_bytes()))
    assert shown == tuple(cached)  # kept beside the film's frame index for next time
    assert max(seen, default=0) > 0  # the bar moved
    assert not win.suggestion_progress.isVisibleTo(win)
    assert win.actions_by_id["suggest.find"].text() == FIND
    assert win.timeline.suggestions.suggestions == shown
    assert win.timeline.suggestions.status == ""
    assert lane(win).height == LANE_HEIGHT
    assert len(shown) == len(CHAINS)  # the demo clip's four chains, one suggestion each
    for start, end in CHAINS:
        assert any(s.start_ms < end and start < s.end_ms for s in shown)
    assert all(len(s.turns) >= 2 for s in shown)
    assert win.workspace.annotations.moments(film.recording_id) == []  # nothing was tagged
    assert "suggested moments: prompts to look, not tags" in win.statusBar().currentMessage()

    # drawn: hatched ink inside each suggestion, plain lane between them
    picture = qimage_to_rgb(win.timeline.grab().toImage())
    row = picture[lane(win).top + 8 : lane(win).bottom - 14]
    first, second = shown[0], shown[1]
    inside = row[:, lane_point(win, first).x() - 10 : lane_point(win, first).x() + 10]
    gap_x = round(120 + win.timeline._vp.ms_to_x((first.end_ms + second.start_ms) / 2))
    gap = row[:, gap_x - 2 : gap_x + 2]
    assert inside.std() > 3 * gap.std() + 5


def test_a_tooltip_lists_the_turns_and_how_soon_each_was_answered(
    qtbot: QtBot, win: MainWindow
) -> None:
    first = find(qtbot, win)[0]
    tip = win.timeline._tooltip(lane_point(win, first))
    assert "Suggested moment" in tip
    assert "not tagged yet" in tip
    answered = [t for t in first.turns if t.kind == "response"]
    assert answered
    assert f"answers after {answered[0].latency_ms / 1000:.1f} s" in tip  # type: ignore[operator]
    assert tip.count("<br>") >= len(first.turns) + 2
    label = win.timeline._tooltip(QPoint(20, lane(win).top + 5))  # the lane's name says
    assert "prompts to look, not tags" in label
    assert "Shift+Space plays it" in label


def test_clicking_selects_and_the_keys_go_from_one_to_the_next_and_play_it(
    qtbot: QtBot, win: MainWindow
) -> None:
    shown = find(qtbot, win)
    times = win.workspace.library.frame_index(win.recording_id).times  # type: ignore[arg-type]
    qtbot.mouseClick(win.timeline, Qt.MouseButton.LeftButton, pos=lane_point(win, shown[1]))
    assert win.chosen_suggestion == shown[1].key
    assert win.timeline.suggestions.selected == shown[1].key
    assert win.player.frame == times.ms_to_frame(shown[1].start_ms)
    press(qtbot, win, Qt.Key.Key_N)
    assert win.chosen_suggestion == shown[2].key
    press(qtbot, win, Qt.Key.Key_P)
    press(qtbot, win, Qt.Key.Key_P)
    assert win.chosen_suggestion == shown[0].key
    press(qtbot, win, Qt.Key.Key_P)
    assert "No more suggestions that way" in win.statusBar().currentMessage()
    press(qtbot, win, Qt.Key.Key_Space)  # Play Suggestion: this span once
    assert win.player.playing
    start = times.ms_to_frame(shown[0].start_ms)
    qtbot.waitUntil(lambda: win.player.frame > start, timeout=5000)
    assert win.player.frame <= times.ms_to_frame(shown[0].end_ms - 1)
    win.player.pause()
    assert win.workspace.annotations.moments(win.recording_id) == []  # type: ignore[arg-type]


def test_accepting_adds_an_uncoded_moment_with_its_turns_and_undo_takes_it_away(
    qtbot: QtBot, win: MainWindow, film: Film
) -> None:
    shown = find(qtbot, win)
    ws, rid = film.ws, film.recording_id
    times = ws.library.frame_index(rid).times
    target = shown[2]
    qtbot.mouseClick(win.timeline, Qt.MouseButton.LeftButton, pos=lane_point(win, target))
    press(qtbot, win, Qt.Key.Key_A)

    (moment,) = ws.annotations.moments(rid)
    assert ws.undo_name == "Accept Suggestion"
    assert (moment.start_frame, moment.end_frame) == (
        times.ms_to_frame(target.start_ms), times.ms_to_frame(target.end_ms - 1))
    assert moment.codes == ()  # the practitioner codes it
    assert moment.title.startswith(f"Suggested: {len(target.turns)} turns, ")
    turns = ws.annotations.turns(rid, moment.id)
    assert [(t.frame, t.actor.value, t.kind.value) for t in turns] == [
        (times.ms_to_frame(t.ms), t.actor, t.kind) for t in target.turns]
    assert win.tagger.selected == moment.id  # ready to code in the inspector
    assert win.inspector.title_edit.text() == moment.title
    assert target not in win.shown_suggestions()  # the moment holds it now
    assert win.shown_suggestions() == tuple(s for s in shown if s is not target)

    press(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert ws.annotations.moments(rid) == []
    assert ws.annotations.turns(rid) == []
    assert win.shown_suggestions() == shown


def test_dismissing_hides_it_for_good_and_undo_brings_it_back(
    qtbot: QtBot, tmp_path: Path, win: MainWindow, film: Film
) -> None:
    shown = find(qtbot, win)
    win.select_suggestion(shown[0].key)
    press(qtbot, win, Qt.Key.Key_X)
    assert film.ws.annotations.dismissed_suggestions(film.recording_id) == {shown[0].key}
    assert win.shown_suggestions() == shown[1:]
    assert film.ws.undo_name == "Dismiss Suggestion"
    assert film.ws.annotations.moments(film.recording_id) == []
    press(qtbot, win, Qt.Key.Key_Z, CTRL)
    assert win.shown_suggestions() == shown
    press(qtbot, win, Qt.Key.Key_Z, CTRL | SHIFT)
    assert win.shown_suggestions() == shown[1:]

    win.close()  # opened again, the film's suggestions come back from the cache, still hidden
    again = show_main_window(qtbot, tmp_path, film.ws, film.recording_id)
    qtbot.waitUntil(lambda: bool(again.shown_suggestions()), timeout=10_000)
    assert again.shown_suggestions() == shown[1:]
    assert not again.suggestion_progress.isVisibleTo(again)
    again.close()


def test_cancelling_leaves_nothing_behind(qtbot: QtBot, win: MainWindow, film: Film) -> None:
    qtbot.keyClick(win, Qt.Key.Key_F, CTRL | SHIFT)
    assert win.finding_suggestions
    qtbot.mouseClick(win.suggestion_progress.cancel, Qt.MouseButton.LeftButton)
    assert not win.finding_suggestions
    assert "Stopped looking" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not win.media_jobs._running, timeout=30_000)  # every worker ended
    assert not film.cache().exists()
    assert win.timeline._lane(LaneKind.SUGGESTIONS) is None
    assert win.shown_suggestions() == ()
    assert film.ws.annotations.moments(film.recording_id) == []
    assert film.ws.annotations.dismissed_suggestions(film.recording_id) == set()
    assert film.ws.undo_name == "Add Case"
    assert not any(p.name.startswith(".vigtool-partial") for p in film.root.rglob("*"))


def test_a_read_only_workspace_can_look_and_play_but_not_accept_or_dismiss(
    qtbot: QtBot, tmp_path: Path, film: Film
) -> None:
    with Workspace.open(film.root, read_only=True) as looking:
        win = show_main_window(qtbot, tmp_path, looking, film.recording_id)
        assert not win.actions_by_id["suggest.accept"].isEnabled()
        assert not win.actions_by_id["suggest.dismiss"].isEnabled()
        shown = find(qtbot, win)
        assert shown
        assert not film.cache().exists()  # looking writes nothing, not even the cache
        win.select_suggestion(shown[0].key)
        win.accept_suggestion()
        assert "read-only" in win.statusBar().currentMessage()
        win.dismiss_suggestion()
        assert looking.annotations.moments(film.recording_id) == []
        assert looking.annotations.dismissed_suggestions(film.recording_id) == set()
        assert win.shown_suggestions() == shown
        win.close()


@pytest.mark.usefixtures("light_theme")
def test_the_lane_fits_a_laptop_and_a_monitor(qtbot: QtBot, win: MainWindow) -> None:
    shown = find(qtbot, win)
    win.select_suggestion(shown[1].key)
    for size in SIZES:
        path = shoot(qtbot, win, "suggestions-lane-window", size)
        assert path.is_file()
        timeline = win.timeline
        assert lane(win).height == LANE_HEIGHT
        assert lane(win).bottom <= timeline.height()
        turns = timeline._lane(LaneKind.TURNS)
        assert turns is not None
        assert turns.top == lane(win).bottom  # Turns right under it
        for s in shown:  # every suggestion is on screen at whole-film zoom
            assert 120 <= lane_point(win, s).x() < timeline.width()


def test_a_cache_from_an_older_analysis_is_not_searched_again_unasked(
    qtbot: QtBot, tmp_path: Path, film: Film
) -> None:
    film.cache().parent.mkdir(parents=True, exist_ok=True)
    film.cache().write_text(json.dumps({"version": 1, "suggestions": []}))
    window = show_main_window(qtbot, tmp_path, film.ws, film.recording_id)
    qtbot.wait(200)
    assert not window.finding_suggestions
    assert window.timeline._lane(LaneKind.SUGGESTIONS) is None
    assert json.loads(film.cache().read_text())["version"] == 1  # untouched until asked
    shown = find(qtbot, window)  # asked: analysed afresh, cached under this version
    assert len(shown) == 4
    assert json.loads(film.cache().read_text())["version"] == ANALYSIS_VERSION
    window.close()
