"""End to end: a practitioner's whole session in the real app, on a laptop-sized virtual screen.

Its own Xvfb (1280x720, and 1920x1080) with a window manager (openbox), real
VLC, settings kept inside the test's folder. ``walk_driver.py`` starts the
app as ``vigtool gui`` does and walks: a new workspace (File > New
Workspace, the folder typed into the folder dialog), a new case with its
helping question, the film imported through the import dialog, three
moments tagged with I / O, coded with 1-6, titled, each with a still, a
caption and words for the parent, chosen with R; the review order changed in
the Review list; the shared review full screen (F5) with the parent's words
typed on every page, the gallery and the closing page (and a goal); then
"Everything for this session" exported and Ctrl+Q.

Then, from the real files only: every word typed is in the workspace
database, the review order is the one set, the family summary PDF holds the
helping question, titles, captions, words for the parent and every page's
parent's words, each exported clip carries its words whole as a subtitle,
and each exported still carries its caption whole (pixel for pixel the
caption ``textdraw`` lays out, every word in order, nothing cut). Screenshots
of every review page are saved as artifacts/walk-<size>-*.png.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import pytest

from vigtool import Workspace
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.exports.naming import clip_name, file_name, reel_name, still_name
from vigtool.media.textdraw import CAPTION_GROUND, CaptionLayout, draw_caption, layout_caption

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("walk_driver.py")
VIDEO = ROOT / "sample_clips" / "demo" / "dyad.mp4"
ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS", ROOT / "artifacts"))
WALK_TIMEOUT_S = 150

pytestmark = pytest.mark.e2e

CASE = {"code": "FAM-07", "question": "I'd like to understand why she cries when I put her down.",
        "child": "Mia", "pronoun": "she"}
MOMENTS: list[dict[str, Any]] = [  # in the order they are tagged along the film
    {"title": "Rolling the ball back and forth", "codes": [1, 3],
     "caption": "You waited, and Mia looked back at you and smiled.",
     "words": "You rolled the ball gently and waited, and Mia rolled it back to you, so the "
              "two of you took turns, like a real conversation."},
    {"title": "Waiting for her smile", "codes": [2, 4],
     "caption": "Your calm voice helped her settle, and she reached for your hand.",
     "words": "You kept your voice soft and slow, and she turned towards you and reached "
              "out: she was telling you she liked being close."},
    {"title": "Sharing the picture book", "codes": [5, 6],
     "caption": "You named the pictures she pointed at, one after another.",
     "words": "Each time she pointed, you named the picture and waited for her, and she "
              "pointed again to hear you say the next one."},
]
REVIEW_ORDER = [2, 0, 1]  # the third clip moved first in the Review list
REVIEW_WORDS = ["She really watches me when I wait for her.",  # said on each clip, in order
                "I didn't know she was waiting for me to roll it back.",
                "I liked seeing her hold my hand."]
GALLERY_WORDS = "That picture of us with the book is lovely."
CLOSING_WORDS = "Overall I feel more confident."
GOAL = "Wait a little longer for her to answer."


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (./dev.sh installs it)")
    return path


def _wait(what: str, check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


@pytest.fixture(params=["1280x720", "1920x1080"])
def screen(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A virtual screen of that size with a window manager: (size, DISPLAY)."""
    xvfb, openbox = _need("Xvfb"), _need("openbox")
    size = str(request.param)
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    display = f":{number}"
    ready = tmp_path / "wm-ready"
    wm = subprocess.Popen(
        [openbox, "--sm-disable", "--startup", f"touch {shlex.quote(str(ready))}"],
        env={**os.environ, "DISPLAY": display, "XDG_CONFIG_HOME": str(tmp_path / "config")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait("openbox to start", lambda: ready.exists() or wm.poll() is not None, 20)
        assert wm.poll() is None, "openbox exited"
        yield size, display
    finally:
        for proc in (wm, server):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _script(tmp_path: Path, size: str) -> dict[str, Any]:
    return {
        "size": size, "start_workspace": str(tmp_path / "first"),
        "workspace": str(tmp_path / "family"), "video": str(VIDEO),
        "screenshots": str(ARTIFACTS), "case": CASE, "moments": MOMENTS,
        "review_words": REVIEW_WORDS, "gallery_words": GALLERY_WORDS,
        "closing_words": CLOSING_WORDS, "goal": GOAL,
    }


def _walk(screen: tuple[str, str], tmp_path: Path) -> dict[str, Any]:
    """Run the whole walk in the real app; returns what the driver saw."""
    pytest.importorskip("vlc")
    size, display = screen
    (tmp_path / "family").mkdir()  # the empty folder made for the new workspace
    for old in ARTIFACTS.glob(f"walk-{size}-*.png"):  # only this run's pictures are kept
        old.unlink()
    script, result_path, log = (tmp_path / "script.json", tmp_path / "result.json",
                                tmp_path / "app.log")
    script.write_text(json.dumps(_script(tmp_path, size)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", PULSE_SERVER="none",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    with log.open("wb") as out:  # never a pipe: VLC's warnings would fill it and stall the app
        app = subprocess.Popen([sys.executable, str(DRIVER), str(script), str(result_path)],
                               env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        app.wait(timeout=WALK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        app.send_signal(signal.SIGKILL)
        app.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    result = json.loads(result_path.read_text()) if result_path.exists() else {}
    assert "error" not in result, f"{result['error']}\n{result.get('traceback', '')}"
    assert app.returncode == 0, f"exit {app.returncode}\n{output[-4000:]}"
    assert "Traceback" not in output, output[output.index("Traceback"):][:4000]
    assert result.get("done"), f"the walk did not finish\n{output[-4000:]}"
    return result


def test_a_practitioners_whole_session(screen: tuple[str, str], tmp_path: Path) -> None:
    size, _ = screen
    result = _walk(screen, tmp_path)
    seen, defects = result["seen"], result["defects"]
    titles = [m["title"] for m in MOMENTS]
    in_review = [MOMENTS[i] for i in REVIEW_ORDER]

    # What the practitioner and the parent saw on the way.
    assert "New Case" in seen["start_message"]
    assert seen["empty_state_shown"]
    assert (seen["import_case"], seen["import_cycle"]) == (CASE["code"], 1)
    assert seen["review_list"] == [m["title"] for m in in_review]
    for n, moment in enumerate(in_review, start=1):
        assert seen[f"clip_{n}"]["title"] == moment["title"]
    assert seen["gallery_caption"] == MOMENTS[0]["caption"]  # the film's first still
    assert seen["closing_question"] == CASE["question"]

    workspace = tmp_path / "family"
    with Workspace.open(workspace) as ws:
        case = ws.caseload.case_by_code(CASE["code"])
        assert (case.helping_question, case.child_name, case.pronoun) == (
            CASE["question"], CASE["child"], CASE["pronoun"])
        (recording,) = ws.library.recordings(case.id)
        assert (recording.cycle, recording.filmed_on) == (1, seen["filmed_on"])
        offered = date.fromisoformat(seen["filmed_on_offered"])  # the file's own date
        assert recording.filmed_on == (offered - timedelta(days=1)).isoformat()
        moments = ws.annotations.moments(recording.id)
        assert [m.title for m in moments] == titles
        assert [m.strengths for m in moments] == [m["words"] for m in MOMENTS]
        codebook = builtin_codebook(DEFAULT_CODEBOOK_ID)
        assert [sorted(m.codes) for m in moments] == [
            sorted(codebook.by_key(str(k)).id for k in m["codes"]) for m in MOMENTS]
        stills = [ws.annotations.stills_in(m) for m in moments]
        assert [[s.caption for s in found] for found in stills] == [
            [m["caption"]] for m in MOMENTS]
        chosen = ws.annotations.review_moments(case.id, 1)
        assert [m.title for m in chosen] == [m["title"] for m in in_review]
        assert [m.review_order for m in chosen] == [1, 2, 3]
        said = {(r.moment_id, r.text) for r in ws.review.reflections(case.id, 1)}
        assert {(m.id, words) for m, words in zip(chosen, REVIEW_WORDS, strict=True)} <= said
        whole = "\n".join(text for moment_id, text in said if moment_id is None)
        assert GALLERY_WORDS in whole, "the parent's words on the gallery were not saved"
        assert CLOSING_WORDS in whole, "the parent's words on the closing page were not saved"
        assert [g.text for g in ws.review.goals(case.id, 1)] == [GOAL]
        with ws.library.open_reader(recording.id, prefetch=False) as reader:
            frames = [reader.frame(stills[i][0].frame) for i in REVIEW_ORDER]

    folder = workspace / "exports" / f"{CASE['code']}-c1"
    made = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert made == sorted([
        *(clip_name(CASE["code"], 1, n) for n in (1, 2, 3)),
        *(still_name(CASE["code"], 1, n) for n in (1, 2, 3)),
        reel_name(CASE["code"], 1),
        file_name(CASE["code"], 1, "summary", ".pdf"),  # the family's folder: no record
    ])

    summary = _pdf_text(folder / file_name(CASE["code"], 1, "summary", ".pdf"))
    for words in [CASE["question"], *titles, *(m["caption"] for m in MOMENTS),
                  *(m["words"] for m in MOMENTS), *REVIEW_WORDS, GALLERY_WORDS,
                  CLOSING_WORDS, GOAL]:
        assert _flat(words) in summary, f"“{words}” is not in the family summary"
    places = [summary.index(_flat(m["title"])) for m in in_review]
    assert places == sorted(places), "the summary does not follow the review order"

    for n, moment in enumerate(in_review, start=1):
        clip = folder / clip_name(CASE["code"], 1, n)
        (cue,) = _soft_cues(clip)
        assert cue == moment["words"]
        _assert_whole(cue, *_display_size(clip))
        picture = cv2.imread(str(folder / still_name(CASE["code"], 1, n)))
        assert picture is not None
        still = picture[:, :, ::-1]
        frame = frames[n - 1]
        height, width = frame.shape[:2]
        layout = _assert_whole(moment["caption"], width, height)
        assert np.array_equal(still[:height], frame), f"still {n} is not its frame"
        assert np.array_equal(still[height:], draw_caption(layout, CAPTION_GROUND)), \
            f"still {n}'s band is not its whole caption, as laid out for the picture"

    screen_w, screen_h = (int(v) for v in size.split("x"))
    for page in ("review-clip-1", "review-clip-2", "review-clip-3", "review-gallery",
                 "review-closing"):
        picture = cv2.imread(str(ARTIFACTS / f"walk-{size}-{page}.png"))
        assert picture is not None, page
        assert picture.shape[:2] == (screen_h, screen_w), page
    assert defects == [], "the app did not do what its help says:\n" + "\n".join(defects)


def _flat(text: str) -> str:
    """Words as a PDF's text reads back: ligatures undone, lines joined by one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _pdf_text(pdf: Path) -> str:
    pdftotext = _need("pdftotext")
    out = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    return _flat(out)


def _soft_cues(path: Path) -> list[str]:
    """The subtitle cues of an MP4 (mov_text: a 2-byte length, then UTF-8 text)."""
    with av.open(str(path)) as container:
        (stream,) = container.streams.subtitles
        samples = [bytes(p) for p in container.demux(stream) if p.size]
    return [s[2: 2 + int.from_bytes(s[:2], "big")].decode() for s in samples]


def _display_size(path: Path) -> tuple[int, int]:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        aspect = float(video.sample_aspect_ratio or 1)
        return round(video.width * aspect), video.height


def _assert_whole(text: str, width: int, height: int) -> CaptionLayout:
    """``textdraw`` sets every word of ``text`` for this picture, in order, none cut."""
    layout = layout_caption(text, width, height)
    assert " ".join(layout.lines).split() == text.split(), layout.lines
    assert not any(line.rstrip().endswith(("…", "...")) for line in layout.lines), layout.lines
    return layout
