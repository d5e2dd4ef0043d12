"""What the supervision GUI tests share: a film with comments and a supervisor's coding,
the demo family set up the same way for screenshots, and where screenshots go."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui.review_setup import at_size, settle
from vigtool.demo import DEMO_CASE, build_demo
from vigtool.domain.records import NewMoment
from vigtool.gui.main_window import MainWindow
from vigtool.gui.theme import apply_theme
from vigtool.workspace import Workspace

ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "artifacts"))
SIZES = ((1280, 720), (1920, 1080))
ME = "Alex Morgan"
SUPERVISOR = "Dr Sam Rivera"


@dataclass
class Supervised:
    """A 60-frame film (30 fps) with the practitioner's moment (frames 10-25), the
    supervisor's read-only moment (30-45), a pin on frame 12 with two replies and a
    span on frames 30-40."""

    ws: Workspace
    recording_id: int
    own_moment: int
    locked_moment: int
    pin: int
    span: int


@pytest.fixture
def supervised(tmp_path: Path, small_video: VideoTruth) -> Iterator[Supervised]:
    ws = Workspace.open(tmp_path / "ws")
    ws.supervision.set_my_name(ME)
    case = ws.add_case("FAM-21")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    own = ws.add_moment(rec.id, start_frame=10, end_frame=25, title="Mine",
                        codes=["being-attentive"])
    (locked,), _ = ws.annotations.add_annotations(rec.id, moments=[
        NewMoment(30, 45, ("guiding",), title="Theirs", coder=SUPERVISOR, locked=True)])
    sup = ws.supervision
    pin = sup.add_comment(rec.id, start_frame=12, text="She looks back here.", author=SUPERVISOR)
    sup.add_comment(rec.id, start_frame=0, parent_id=pin.id, text="I saw it too.")
    sup.add_comment(rec.id, start_frame=0, parent_id=pin.id, text="Pause on it.",
                    author=SUPERVISOR)
    span = sup.add_comment(rec.id, start_frame=30, end_frame=40, text="A long chain.",
                           author=SUPERVISOR)
    yield Supervised(ws, rec.id, own.id, locked.id, pin.id, span.id)
    ws.close()


@pytest.fixture
def light_theme(qapp: QApplication) -> Iterator[None]:
    """The app's light theme, as people see it, for a screenshot; the look is put back
    afterwards for the other tests."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    apply_theme(qapp, "light")
    yield
    if style:
        qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setProperty("vigtoolTheme", None)


def demo_with_supervision(root: Path, review_film: Path | None = None) -> None:
    """The demo family, with the supervisor's coding of the family film close to the
    practitioner's, comments with replies, a self-assessment, and (given a film) the
    cycle's shared review."""
    build_demo(root)
    with Workspace.open(root) as ws:
        ws.supervision.set_my_name(ME)
        case = ws.caseload.case_by_code(DEMO_CASE)
        ws.add_consent(case.id, kind="supervision", given=True)
        film = ws.library.recordings(case.id)[0]
        mine = sorted(ws.annotations.moments(film.id), key=lambda m: m.start_frame)
        theirs = [NewMoment(m.start_frame + 3, m.end_frame + 2, m.codes, title=m.title,
                            coder=SUPERVISOR, locked=True) for m in mine[:2]]
        theirs.append(NewMoment(mine[2].start_frame - 4, mine[2].end_frame,
                                mine[2].codes[:1], title="Waiting", coder=SUPERVISOR,
                                locked=True))
        ws.annotations.add_annotations(film.id, moments=theirs, name="Supervisor's coding")
        sup = ws.supervision
        first = sup.add_comment(film.id, start_frame=62, author=SUPERVISOR, text=(
            "Lovely: you named what you saw, and she looked straight back at you. What did "
            "you notice in her face?"))
        sup.add_comment(film.id, start_frame=0, parent_id=first.id, text=(
            "Her eyebrows went up just before the smile; I nearly missed it."))
        sup.add_comment(film.id, start_frame=0, parent_id=first.id, author=SUPERVISOR,
                        text="Yes, that is the initiative. Pause on that frame in the review.")
        sup.add_comment(film.id, start_frame=210, end_frame=290, author=SUPERVISOR, text=(
            "This whole stretch is a long serve-and-return chain: worth showing as one clip."))
        sup.add_comment(film.id, start_frame=400,
                        text="Could I wait a little longer here before I speak?")
        sup.set_self_assessment(
            case.id, 1, used_well=["being-attentive", "receiving-initiatives"],
            used_well_note="I gave Mum time to find her own words about the ball.",
            to_develop=["deepening-discussion"],
            to_develop_note="Ask one open question, then wait for her answer.")
        if review_film is not None:
            ws.import_recording(case.id, path=review_film, cycle=1, kind="shared-review")


def shoot(qtbot: QtBot, window: MainWindow, name: str, size: tuple[int, int],
          *dialogs: QWidget) -> Path:
    """Bring the main window to ``size`` and save it, with ``dialogs`` drawn where they
    stand over it (each centred on it), as artifacts/<name>-<w>x<h>.png."""
    at_size(qtbot, window, *size)
    picture = window.grab()
    painter = QPainter(picture)
    for dialog in dialogs:
        dialog.move(window.geometry().center() - dialog.rect().center())
        settle(qtbot)
        painter.drawPixmap(dialog.geometry().topLeft() - window.geometry().topLeft(),
                           dialog.grab())
    painter.end()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{size[0]}x{size[1]}.png"
    assert picture.save(str(path))
    return path
