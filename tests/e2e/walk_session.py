"""The practitioner's session, step by step, as ``walk_driver.Driver`` runs it.

Each step does what a person does (keys, typing, clicks on visible
controls) and then waits for what a person would see before going on: the
dialog open, the moment in the inspector, "Saved" beside the parent's words,
the question under the paused clip. The words typed come from the test's
script, so the test can look for every one of them in the files afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tests.e2e.walk_driver import Driver, Key, Later, Mod, Steps, Stuck, Wait
from vigtool.gui.case_dialog import CaseDialog
from vigtool.gui.export_dialog import ExportDialog
from vigtool.gui.import_dialog import ImportDialog
from vigtool.gui.main_window import MainWindow
from vigtool.gui.review_window import ReviewWindow

CTRL, SHIFT, ALT = Mod.ControlModifier, Mod.ShiftModifier, Mod.AltModifier
START_UP_S = 40  # Python, Qt, VLC and the first window, on a busy 2-core machine
# Where each moment is tagged: Shift+Right steps a second, Right a frame (the film is 25 fps).
SPANS = (
    {"seconds_in": 1, "seconds_long": 2, "frames_long": 0},
    {"seconds_in": 7, "seconds_long": 2, "frames_long": 0},
    {"seconds_in": 14, "seconds_long": 0, "frames_long": 50},
)
STILL_BACK = 12  # frames back from the playhead after O: inside the moment


def walk(d: Driver) -> Steps:
    s = d.script
    window: MainWindow = yield from _main_window(d, Path(s["start_workspace"]))
    d.see("start_message", window.surface.message)
    d.see("empty_state_shown", window.browser.empty_state.isVisible())

    d.phase("new workspace")
    window = yield from _new_workspace(d, window, Path(s["workspace"]))
    d.see("new_workspace_message", window.surface.message)

    d.phase("new case")
    yield from _new_case(d, window)

    d.phase("import")
    yield from _import(d, window)

    d.phase("tagging")
    for n, (moment, span) in enumerate(zip(s["moments"], SPANS, strict=True)):
        yield from _tag(d, window, moment, span, play_first=n == 0)
    d.screenshot("prepared")

    d.phase("review order")
    yield from _order(d, window, len(s["moments"]))

    d.phase("shared review")
    yield from _review(d, window)

    d.phase("export")
    yield from _export(d, window)

    d.phase("quit")
    yield Wait("the main window active", lambda: d.active(window))
    yield Later(lambda: d.key(Key.Key_Q, CTRL))


# -- the window and the workspace -----------------------------------------------------------

def _main_window(d: Driver, root: Path, timeout: float = START_UP_S) -> Steps:
    def ready() -> MainWindow | None:
        window = d.shown(MainWindow)
        if window is None or window.workspace.root.resolve() != root.resolve():
            return None
        return window if d.active(window) else None

    window: MainWindow = yield Wait(f"the main window on {root.name}, active", ready, timeout)
    window.statusBar().messageChanged.connect(
        lambda text: d.result["messages"].append(text) if text else None)
    return window


def _file_dialog(d: Driver, path: Path) -> Steps:
    """Answer the open dialog (Qt's own, on Linux) by typing the path, as a person can."""
    dialog: QFileDialog = yield Wait("the file dialog", lambda: d.shown(QFileDialog))
    yield Wait("the file dialog to have the keyboard", lambda: d.active(dialog))
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    if name is None:
        raise Stuck("the file dialog has no name field")
    d.click(name)
    d.key(Key.Key_A, CTRL)
    d.write(str(path))
    completer = name.completer()
    if completer is not None and completer.popup().isVisible():
        d.key(Key.Key_Escape)  # close the completion list, not the dialog
        yield Wait("the completion list to close", lambda: not completer.popup().isVisible())
    d.key(Key.Key_Return)
    yield Wait("the file dialog to close", lambda: not dialog.isVisible())


def _new_workspace(d: Driver, window: MainWindow, folder: Path) -> Steps:
    yield Later(lambda: d.key(Key.Key_N, CTRL | SHIFT))  # File > New Workspace...
    yield from _file_dialog(d, folder)
    return (yield from _main_window(d, folder, timeout=20))


# -- a case and its film --------------------------------------------------------------------

def _choose(d: Driver, combo: QComboBox, text: str) -> Steps:
    """Open the list under ``combo`` and pick ``text`` with the arrow keys and Return."""
    target = combo.findText(text)
    if target < 0:
        raise Stuck(f"“{text}” is not offered")
    d.click(combo)
    view = combo.view()
    assert view is not None
    yield Wait(f"the list of {combo.accessibleName() or 'choices'}", view.isVisible)
    step = target - combo.currentIndex()
    d.key(Key.Key_Down if step > 0 else Key.Key_Up, times=abs(step))
    d.key(Key.Key_Return)
    yield Wait(f"“{text}” chosen", lambda: not view.isVisible() and combo.currentText() == text)


def _new_case(d: Driver, window: MainWindow) -> Steps:
    case = d.script["case"]
    d.key(Key.Key_N, CTRL)
    dialog: CaseDialog = yield Wait("New Case", lambda: d.shown(CaseDialog))
    yield Wait("New Case to have the keyboard", lambda: d.active(dialog))
    for field, words in ((dialog.code, case["code"]), (dialog.question, case["question"]),
                         (dialog.child_name, case["child"])):
        d.click(field)
        d.write(words)
    yield from _choose(d, dialog.pronoun, case["pronoun"])
    for scope in ("filming", "shared-review"):  # the family's signed consent form
        tick = dialog.consent_ticks[scope]
        d.click(tick)
        yield Wait(f"consent to {scope} ticked", tick.isChecked)
    d.click(dialog.save_button)
    yield Wait("New Case to close", lambda: not dialog.isVisible())
    yield Wait("the case in the list", lambda: window.browser.tree.findItems(
        case["code"], Qt.MatchFlag.MatchExactly))
    d.see("after_case_message", window.surface.message)


def _import(d: Driver, window: MainWindow) -> Steps:
    yield Wait("the main window active", lambda: d.active(window))
    yield Later(lambda: d.key(Key.Key_O, CTRL))  # File > Import Video...
    yield from _file_dialog(d, Path(d.script["video"]))
    dialog: ImportDialog = yield Wait("the import dialog", lambda: d.shown(ImportDialog))
    yield Wait("the import dialog to have the keyboard", lambda: d.active(dialog))
    d.see("import_case", dialog.case.currentText())
    d.see("import_cycle", dialog.cycle.value())
    # The day the film was made: one day earlier than the file's own date.
    editor = dialog.filmed_on
    d.see("filmed_on_offered", editor.date().toString("yyyy-MM-dd"))
    d.click(editor, QPoint(6, editor.height() // 2))  # on the day
    d.key(Key.Key_Down)
    d.see("filmed_on", editor.date().toString("yyyy-MM-dd"))
    d.see("filmed_on_shown", editor.text())
    d.click(dialog.import_button)
    yield Wait("the import dialog to close", lambda: not dialog.isVisible())
    yield Wait("the film open, its first picture shown",
               lambda: window.recording_id is not None and window.player.frame_count > 0
               and window.surface.has_image() and "dyad" in window.windowTitle(), timeout=40)
    d.see("window_title", window.windowTitle())


# -- tagging, stills and words ------------------------------------------------------------------

def _tag(d: Driver, window: MainWindow, moment: dict[str, Any], span: dict[str, int],
         *, play_first: bool) -> Steps:
    player, inspector = window.player, window.inspector
    d.key(Key.Key_Escape)  # the keyboard to the player and timeline
    d.key(Key.Key_Home)
    yield Wait("the playhead at the start", lambda: player.frame == 0 and not player.playing)
    if play_first:  # watch the film until the moment begins, then stop there
        d.key(Key.Key_Space)
        yield Wait("the film playing past one second",
                   lambda: player.playing and player.frame >= 25, timeout=15)
        d.key(Key.Key_Space)
        yield Wait("the film paused", lambda: not player.playing)
    else:
        d.key(Key.Key_Right, SHIFT, times=span["seconds_in"])
    start = player.frame
    d.key(Key.Key_I)
    d.key(Key.Key_Right, SHIFT, times=span["seconds_long"])
    d.key(Key.Key_Right, times=span["frames_long"])
    d.key(Key.Key_O)
    end = player.frame - 1  # O ends the moment just before the playhead
    yield Wait("the new moment in the inspector",
               lambda: window.tagger.selected is not None
               and inspector.moment_id == window.tagger.selected
               and inspector.title_edit.isVisible())
    for code in moment["codes"]:
        d.key(Key(Key.Key_0.value + code))
    yield Wait("its principles ticked", lambda: sum(
        b.isChecked() for b in inspector.codes.findChildren(QCheckBox)) == len(moment["codes"]))

    d.key(Key.Key_Return)  # describe it
    yield Wait("the title field", inspector.title_edit.hasFocus)
    d.write(moment["title"])
    d.key(Key.Key_Return)  # "Return keeps it": done describing, the keys drive the player
    if not (yield Wait("the keyboard back from the title",
                       lambda: not inspector.title_edit.hasFocus(), timeout=2, soft=True)):
        d.defect("Return in the title kept the keyboard in the title (the next key, e.g. S, "
                 "is typed into the title)")
        d.key(Key.Key_Escape)  # a person sees the cursor still there and presses Esc

    d.key(Key.Key_Left, times=STILL_BACK)
    still_frame = player.frame
    if not start <= still_frame <= end:
        raise Stuck(f"the playhead ({still_frame}) is outside the moment ({start}-{end})")
    d.key(Key.Key_S)
    yield Wait("the still in the inspector", lambda: inspector.still.still is not None
               and inspector.still.still.frame == still_frame)
    if not inspector.still_fold.is_open:
        d.click(inspector.still_fold.header)
    yield Wait("the caption field", inspector.still.caption.isVisible)
    d.click(inspector.still.caption)
    d.write(moment["caption"])
    d.key(Key.Key_Return)
    yield Wait("the caption kept", lambda: inspector.still.stored == moment["caption"])

    d.click(inspector.strengths_edit)
    d.write(moment["words"])
    d.key(Key.Key_Return)
    d.key(Key.Key_Escape)  # done with the fields: the keyboard back to the window
    yield Wait("the keyboard back on the window", lambda: not inspector.strengths_edit.hasFocus())
    d.key(Key.Key_R)
    yield Wait("the moment chosen for the review", inspector.review.check.isChecked)


def _order(d: Driver, window: MainWindow, count: int) -> Steps:
    review_list = window.review_list
    d.key(Key.Key_R, CTRL | SHIFT)  # the Review list
    yield Wait("the Review list with every chosen clip",
               lambda: window.side_tabs.currentWidget() is review_list
               and review_list.list.hasFocus() and review_list.list.count() == count)
    d.see("review_list_row_on_open", review_list.list.currentRow())
    for _ in range(count):  # down to the last clip (End moves the film's playhead)
        if review_list.list.currentRow() == count - 1:
            break
        row = review_list.list.currentRow()
        d.key(Key.Key_Down)
        yield Wait("the next clip selected", lambda row=row: review_list.list.currentRow() > row)
    yield Wait("the last clip selected", lambda: review_list.list.currentRow() == count - 1)
    last = review_list.rows[-1].title
    d.key(Key.Key_Up, ALT, times=count - 1)  # to the top
    yield Wait("the last clip moved first", lambda: review_list.rows[0].title == last)
    d.see("review_list", [row.title for row in review_list.rows])


# -- the shared review ------------------------------------------------------------------------

def _review(d: Driver, window: MainWindow) -> Steps:
    s = d.script
    d.key(Key.Key_F5)
    review: ReviewWindow = yield Wait("the review, full screen",
                                      lambda: _full_screen(d, d.shown(ReviewWindow)))
    stage, notes = review.stage, review.notes
    count = len(s["moments"])
    for n in range(1, count + 1):
        yield Wait(f"clip {n}", lambda n=n: stage.count.text() == f"Clip {n} of {count}")
        yield Wait(f"clip {n} to stop on its still with its question",
                   lambda: bool(stage.question) and not review.player.playing, timeout=20)
        yield from _parent_says(d, notes, s["review_words"][n - 1])
        _check_fits(d, review, f"clip {n}")
        d.see(f"clip_{n}", {"title": stage.title.text(), "question": stage.question,
                            "heading": notes.heading.text()})
        d.screenshot(f"review-clip-{n}")
        if n == 1:
            d.key(Key.Key_PageDown)  # from the notes box: Page Down is the next clip
        elif n < count:
            d.click(stage.next_button)
        else:
            d.click(notes.gallery_button)

    yield Wait("the pictures from this film", lambda: review.pages.currentWidget()
               is review.gallery and review.gallery.picture.has_image(), timeout=15)
    d.see("gallery_caption", review.gallery.caption.text())
    yield from _parent_says(d, notes, s["gallery_words"])
    _check_fits(d, review, "the gallery")
    d.screenshot("review-gallery")
    d.click(notes.closing_button)

    closing = review.closing
    yield Wait("the closing page", lambda: review.pages.currentWidget() is closing)
    d.see("closing_question", closing.question.text())
    d.see("closing_box_before", notes.words.toPlainText())
    yield from _parent_says(d, notes, s["closing_words"])
    d.click(closing.new_goal)
    d.write(s["goal"])
    d.key(Key.Key_Return)
    yield Wait("the goal listed", lambda: s["goal"] in closing.goal_texts())
    _check_fits(d, review, "the closing page")
    d.screenshot("review-closing")
    d.see("closing_fields_with_a_scroll_bar", [
        field.toPlainText() for field in closing.findChildren(QPlainTextEdit)
        if field.isVisible() and field.verticalScrollBar().isVisible()])
    finish = closing.findChild(QWidget, "reviewFinish")
    assert finish is not None
    d.click(finish)
    yield Wait("the review closed, the main window back",
               lambda: d.shown(ReviewWindow) is None and d.active(window))


def _full_screen(d: Driver, review: ReviewWindow | None) -> ReviewWindow | None:
    if review is None or not d.active(review) or not review.isFullScreen():
        return None
    screen = review.screen().geometry()
    return review if review.frameGeometry() == screen else None


def _parent_says(d: Driver, notes: Any, words: str) -> Steps:
    """Click the parent's words box and write what they say after anything already there."""
    d.click(notes.words)
    d.key(Key.Key_End, CTRL)
    if notes.words.toPlainText():
        d.key(Key.Key_Return)
    d.write(words)
    yield Wait("“Saved” beside the parent's words", lambda: notes.saved.text() == "Saved")


def _check_fits(d: Driver, window: QWidget, page: str) -> None:
    problems = d.fits(window)
    d.see(f"fits {page}", problems)
    if problems:
        raise Stuck(f"on {page}: " + "; ".join(problems))


# -- export -----------------------------------------------------------------------------------

def _export(d: Driver, window: MainWindow) -> Steps:
    yield Wait("the main window active", lambda: d.active(window))
    yield Later(lambda: d.key(Key.Key_E, CTRL))
    dialog: ExportDialog = yield Wait("the export dialog", lambda: d.shown(ExportDialog))
    yield Wait("the export dialog to have the keyboard", lambda: d.active(dialog))
    if dialog.what.currentIndex() != 0:
        yield from _choose(d, dialog.what, dialog.what.itemText(0))
    d.see("export_what", dialog.what.currentText())
    yield from _choose(d, dialog.captions, "Words as subtitles")
    d.see("export_where", dialog.where.text())
    d.click(dialog.go)
    yield Wait("the export to start (or the question before replacing)",
               lambda: not dialog.isVisible() or dialog.replace_box is not None)
    if dialog.replace_box is not None:
        box = dialog.replace_box
        replace = next(b for b in box.buttons() if b.text().startswith("Replace"))
        d.click(replace)
        yield Wait("the export to start", lambda: not dialog.isVisible())
    yield Wait("“Exported” in the status bar", lambda: any(
        m.startswith("Exported") for m in d.result["messages"]), timeout=90)
