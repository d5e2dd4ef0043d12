"""The inspector: everything about the selected moment, edited in place.

Every edit goes straight to the Workspace (there is no Save): check boxes at
once, text fields on Return, when they lose focus and after a short pause in
typing, so each commit is one undo step ("Edit Moment") and nothing typed is
lost to a crash. Return confirms the field it is in and nothing else; Tab
moves to the next field; Esc in the title puts back what it said and hands
the keyboard back to the player. The panel redraws from
``WorkspaceBridge.changed`` when its moment, its turns, its still or its
case change (a code keyed on the timeline, Undo), but never overwrites a
field the practitioner is typing in.

A moment that came in a supervision package is shown read-only, with a line
saying who coded it. It fits a 1280x720 laptop: the title, principles, words, question and the
review choice come first; the still, the practitioner note and the turns
are folds that open by themselves when there is room. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Codebook
from vigtool.domain.records import Moment
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.fold import Fold
from vigtool.gui.inspector_sections import (
    CodeChecklist,
    ReviewControls,
    TimingView,
    TurnsView,
    label,
    rule,
)
from vigtool.gui.inspector_still import StillView
from vigtool.gui.keymap import binding
from vigtool.gui.shortcuts import KeyCap
from vigtool.gui.still_pictures import StillPictures
from vigtool.gui.text_fields import CommitLineEdit, CommitTextEdit, FieldKeys
from vigtool.wording import VIG_PROMPTS, Child, deficit_words, suggest_strengths
from vigtool.workspace import Changes

EMPTY_TEXT = (
    f"Select a moment on the timeline, or press {binding('tag.in').keys[0]} and "
    f"{binding('tag.out').keys[0]} to tag one."
)


@dataclass
class _TextField:
    """A text field bound to one Moment attribute; ``stored`` is what the database holds."""

    name: str
    widget: QWidget
    get: Callable[[], str]
    set: Callable[[str], None]
    stored: str = ""

    def typing(self) -> bool:
        """True while the user has unsaved text here and the field (or its window) has focus."""
        focus = self.widget.window().focusWidget()
        focused = focus is not None and (focus is self.widget or self.widget.isAncestorOf(focus))
        return focused and self.get() != self.stored


class InspectorPanel(QWidget):
    """Shows and edits one moment; ``set_moment(None)`` shows how to make one. GUI thread only.

    ``pictures`` draws the still's thumbnail (without it the still shows as words only).
    """

    def __init__(
        self, bridge: WorkspaceBridge, codebook: Codebook, pictures: StillPictures | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._codebook = codebook
        self._pictures = pictures
        self._moment_id: int | None = None
        self._suggested: set[str] = set()  # drafts Suggest made: replacing one needs no asking
        self.replace_box: QMessageBox | None = None
        self._build()
        bridge.changed.connect(self._on_changed)
        self.set_moment(None)

    @property
    def moment_id(self) -> int | None:
        return self._moment_id

    def set_moment(self, moment_id: int | None) -> None:
        """Show another moment (or none), first committing what was typed for the last one."""
        self.commit_pending()
        self._moment_id = moment_id
        if moment_id is not None:
            self._reload(force=True)
        else:
            self._stack.setCurrentIndex(0)

    def commit_pending(self) -> None:
        """Store every field that differs from the database (e.g. before quitting)."""
        for field in self._fields:
            self._commit(field)
        self.still.commit_pending()

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumWidth(320)
        self.empty_label = label(EMPTY_TEXT, "muted")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.lock_note = label("", "hint")
        self.lock_note.setObjectName("lockedMomentNote")
        self.lock_note.setWordWrap(True)
        self.lock_note.setVisible(False)
        self.title_edit = CommitLineEdit("Name this moment, e.g. Smiling back at the mirror")
        self.title_edit.setAccessibleName("Moment title")
        font = self.title_edit.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
            self.title_edit.setFont(font)
        self.timing = TimingView()
        self.codes = CodeChecklist(self._codebook)
        self.codes.toggled.connect(self._toggle_code)
        self.strengths_edit = CommitTextEdit(
            "Warm, specific, to the parent: “You waited, and she looked back and smiled.”", 3
        )
        self.strengths_edit.setAccessibleName("Words for the parent")
        self.strengths_edit.setToolTip("Return keeps it; Shift+Return starts a new line")
        self.strengths_edit.textChanged.connect(self._check_wording)
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.setToolTip(
            "Draft wording from the ticked principles and the turns you marked, to make your own")
        self.suggest_button.clicked.connect(self._suggest)
        self.wording_hint = label("", "hint")
        self.wording_hint.setWordWrap(True)
        self.prompt_box = QComboBox()
        self.prompt_box.setEditable(True)
        self.prompt_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.prompt_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.prompt_box.setMinimumContentsLength(12)  # the panel's width, not its longest item
        self.prompt_box.addItems(VIG_PROMPTS)
        prompt_line = self.prompt_box.lineEdit()
        assert prompt_line is not None  # an editable combo box always has one
        prompt_line.setPlaceholderText("An open question to ask the parent")
        self.prompt_box.setAccessibleName("Question for the review")
        self.review = ReviewControls()
        self.review.chosen.connect(self._choose)
        self.review.place_changed.connect(self._place)
        self.still = StillView(self._pictures)
        self.still.caption_committed.connect(self._caption)
        self.still.remove_requested.connect(self._remove_still)
        self.note_edit = CommitTextEdit("What you see, for you and your supervisor.", 3)
        self.note_edit.setAccessibleName("Practitioner note")
        self.turns = TurnsView()
        self.still_fold = Fold("Still", self.still)
        self.note_fold = Fold("Practitioner note", self.note_edit)
        self.turns_fold = Fold("Serve and return", self.turns)
        self._folds = (self.still_fold, self.note_fold, self.turns_fold)
        for fold in self._folds:
            fold.toggled.connect(lambda _opened: self._fit_folds())

        title = _TextField("title", self.title_edit, self.title_edit.text,
                           self.title_edit.set_text_quietly)
        note, strengths = (
            _TextField(name, edit, edit.toPlainText, edit.set_text_quietly)
            for name, edit in (("note", self.note_edit), ("strengths", self.strengths_edit))
        )
        prompt = _TextField("prompt", self.prompt_box, self.prompt_box.currentText,
                            self.prompt_box.setEditText)
        self._fields = [title, note, strengths, prompt]
        self._title_field, self._strengths_field = title, strengths
        self.title_edit.commit_requested.connect(lambda: self._commit(title))
        self.title_edit.cancel_requested.connect(lambda: self._commit(title))
        self.note_edit.commit_requested.connect(lambda: self._commit(note))
        self.note_edit.textChanged.connect(
            lambda: self.note_fold.set_summary(self.note_edit.toPlainText()))
        self.strengths_edit.commit_requested.connect(lambda: self._commit(strengths))
        prompt_line.editingFinished.connect(lambda: self._commit(prompt))
        self.prompt_box.activated.connect(lambda _index: self._commit(prompt))

        self.content = QWidget()
        self.content_layout = self._lay_out(self.content)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.content)
        self.scroll_area.viewport().installEventFilter(self)
        self.field_keys = FieldKeys(self)
        self.field_keys.watch(self.content, except_return=(self.title_edit,))

        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty_page())
        self._stack.addWidget(self.scroll_area)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

    def _lay_out(self, content: QWidget) -> QVBoxLayout:
        wording_header = QHBoxLayout()
        wording_header.addWidget(label("Words for the parent", "section"))
        wording_header.addStretch(1)
        wording_header.addWidget(self.suggest_button)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        for item in (  # a string is a section heading; None a rule alone
            self.lock_note, self.title_edit, self.timing,
            "Principles", self.codes,
            wording_header, self.strengths_edit, self.wording_hint,
            "Question for the review", self.prompt_box, self.review,
            None, self.still_fold,
            None, self.note_fold,
            None, self.turns_fold,
        ):  # fmt: skip
            if item is None or isinstance(item, str | QHBoxLayout):
                layout.addSpacing(3)
                layout.addWidget(rule())
                layout.addSpacing(1)
            if isinstance(item, str):
                layout.addWidget(label(item, "section"))
            elif isinstance(item, QHBoxLayout):
                layout.addLayout(item)
            elif item is not None:
                layout.addWidget(item)
        layout.addStretch(1)
        return layout

    def _empty_page(self) -> QWidget:
        page = QWidget()
        heading = label("No moment selected", "section")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        keys = QHBoxLayout()
        keys.addStretch(1)
        for action in ("tag.in", "tag.out"):
            keys.addWidget(KeyCap(binding(action).keys[0]))
            keys.addWidget(label(binding(action).label, "muted"))
            keys.addSpacing(10)
        keys.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        layout.addStretch(2)
        layout.addWidget(heading)
        layout.addWidget(self.empty_label)
        layout.addLayout(keys)
        layout.addStretch(3)
        return page

    # -- fitting the screen ------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_folds()  # the room the folds share changed
        return super().eventFilter(watched, event)

    def _fit_folds(self) -> None:
        """Open the folds the user has not touched, in order, while they fit without scrolling.

        Heights are measured at the panel's real width (wrapped text grows
        taller as the panel narrows). A fold holding the keyboard focus is
        never closed: that would take the focus from the field being typed in.
        """
        layout = self.content_layout
        layout.invalidate()
        width = self.scroll_area.viewport().width()
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        used = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                else layout.totalSizeHint().height())
        for fold in self._folds:
            if fold.auto and fold.is_open:
                used -= self._body_height(fold, inner)
        room = self.scroll_area.viewport().height()
        focus = self.focusWidget()
        for fold in self._folds:
            if not fold.auto:
                continue
            extra = self._body_height(fold, inner)
            opened = used + extra <= room or (focus is not None and fold.isAncestorOf(focus))
            if opened:
                used += extra
            if opened != fold.is_open:
                fold.set_open(opened)

    @staticmethod
    def _body_height(fold: Fold, width: int) -> int:
        body = fold.body
        height = body.heightForWidth(width) if body.hasHeightForWidth() else -1
        return (height if height > 0 else body.sizeHint().height()) + 4  # + the fold's spacing

    # -- model -> view ---------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if self._moment_id is None:
            return
        if any(changes.touches(t) for t in ("moments", "turns", "stills", "cases")):
            self._reload(force=False)

    def _reload(self, *, force: bool) -> None:
        workspace = self._bridge.workspace
        assert self._moment_id is not None
        try:
            moment = workspace.annotations.moment(self._moment_id)
            recording = workspace.library.recording(moment.recording_id)
        except NotFound:  # deleted, or its Add was undone
            self._moment_id = None
            self._stack.setCurrentIndex(0)
            return
        times = self._times(moment.recording_id)
        self.timing.show_moment(moment, times)
        self.codes.show_codes(moment.codes)
        for field in self._fields:
            value = getattr(moment, field.name)
            if (force or not field.typing()) and field.get() != value:
                field.set(value)
            field.stored = value
        self.note_fold.set_summary(self.note_edit.toPlainText())
        self._check_wording()
        self.suggest_button.setEnabled(bool(self._suggestion(moment)))
        clips = len(workspace.annotations.review_moments(recording.case_id, recording.cycle))
        self.review.show_moment(moment, clips)
        self.still.show_moment(moment, workspace.annotations.stills_in(moment), times)
        self.still_fold.set_summary(self.still.summary())
        self.turns.show_turns(workspace.annotations.turns(moment.recording_id, moment.id), times)
        self.turns_fold.set_summary(self.turns.summary())
        self._show_lock(moment)
        self._stack.setCurrentIndex(1)
        self._fit_folds()

    def _show_lock(self, moment: Moment) -> None:
        """A package's moment can be read, not changed: its fields are read-only."""
        locked = moment.locked
        who = moment.coder or "the trainee"
        self.lock_note.setText(f"Coded by {who}; it came in a supervision package, so it is "
                               "read-only here. Comment on it (Shift+C) or tag your own moment.")
        self.lock_note.setVisible(locked)
        for edit in (self.title_edit, self.strengths_edit, self.note_edit):
            edit.setReadOnly(locked)
        for widget in (self.codes, self.prompt_box, self.review, self.still):
            widget.setEnabled(not locked)
        if locked:  # else it stays as the suggestion left it
            self.suggest_button.setEnabled(False)

    def _times(self, recording_id: int) -> FrameTimes | None:
        try:
            return self._bridge.workspace.library.frame_times(recording_id)
        except (VigtoolError, OSError):  # purged or missing footage: frames still show
            return None

    def _check_wording(self) -> None:
        words = deficit_words(self.strengths_edit.toPlainText())
        quoted = ", ".join(f"“{w}”" for w in words)
        self.wording_hint.setText(
            f"A parent will read this. Could you say it as a strength, without {quoted}?"
        )
        self.wording_hint.setVisible(bool(words))

    # -- view -> model ---------------------------------------------------------------

    def _guarded(self, edit: Callable[[int], object]) -> None:
        """Run an edit on the shown moment; a moment deleted meanwhile shows the empty page."""
        if self._moment_id is None:
            return
        try:
            edit(self._moment_id)
        except NotFound:
            self._moment_id = None
            self._stack.setCurrentIndex(0)

    def _commit(self, field: _TextField) -> None:
        text = field.get()
        if self._moment_id is None or text == field.stored:
            return
        field.stored = text
        values: dict[str, Any] = {field.name: text}
        self._guarded(lambda m: self._bridge.workspace.update_moment(m, **values))

    def _toggle_code(self, code_id: str, checked: bool) -> None:
        def toggle(moment_id: int) -> None:
            moment = self._bridge.workspace.annotations.moment(moment_id)
            codes = [c for c in moment.codes if c != code_id]
            self._bridge.workspace.update_moment(
                moment_id, codes=[*codes, code_id] if checked else codes)

        self._guarded(toggle)

    def _choose(self, chosen: bool) -> None:
        self._guarded(lambda m: self._bridge.workspace.annotations.choose_for_review(m, chosen))

    def _place(self, place: int) -> None:
        self._guarded(lambda m: self._bridge.workspace.annotations.set_review_order(m, place))

    def _caption(self, still_id: int, caption: str) -> None:
        with suppress(NotFound):  # removed meanwhile (Undo): the reload shows what is there
            self._bridge.workspace.annotations.update_still(still_id, caption=caption)

    def _remove_still(self, still_id: int) -> None:
        with suppress(NotFound):
            self._bridge.workspace.annotations.delete_still(still_id)

    # -- suggested wording -------------------------------------------------------------

    def _suggestion(self, moment: Moment) -> str:
        ws = self._bridge.workspace
        recording = ws.library.recording(moment.recording_id)
        return suggest_strengths(
            self._codebook, moment.codes, ws.annotations.turns(moment.recording_id, moment.id),
            child=Child.of(ws.caseload.case(recording.case_id)),
            times=self._times(moment.recording_id),
        )

    def _suggest(self) -> None:
        """Fill an empty box at once; ask before replacing the practitioner's own words."""
        if self._moment_id is None:
            return
        text = self._suggestion(self._bridge.workspace.annotations.moment(self._moment_id))
        current = self.strengths_edit.toPlainText().strip()
        if not text or current == text:
            return
        if not current or current in self._suggested:
            self._use_suggestion(text)
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Replace your words?",
                          "Replace the words you wrote for the parent with this suggestion?",
                          parent=self)
        box.setInformativeText(f"“{text}”")
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep My Words", QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        moment_id = self._moment_id

        def answered() -> None:
            self.replace_box = None
            if box.clickedButton() is replace and self._moment_id == moment_id:
                self._use_suggestion(text)

        box.finished.connect(lambda _result: answered())
        self.replace_box = box
        box.open()

    def _use_suggestion(self, text: str) -> None:
        self._suggested.add(text)
        self.strengths_edit.replace_text(text)
        self._commit(self._strengths_field)
