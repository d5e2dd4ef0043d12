"""The inspector: everything about the selected moment, edited in place.

Every edit goes straight to ``Workspace.update_moment`` (there is no Save):
check boxes at once, text fields when they lose focus or after a short pause
in typing, so each commit is one undo step ("Edit Moment") and nothing typed
is lost to a crash. The panel redraws from ``WorkspaceBridge.changed`` when
its moment is touched (a code keyed on the timeline, Undo), but never
overwrites a field the practitioner is typing in. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Codebook
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.inspector_sections import (
    CodeChecklist,
    CommitTextEdit,
    ReviewControls,
    TimingView,
    TurnsView,
    label,
    rule,
)
from vigtool.gui.keymap import binding
from vigtool.gui.shortcuts import KeyCap
from vigtool.wording import VIG_PROMPTS, deficit_words, suggest_strengths
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
    """Shows and edits one moment; ``set_moment(None)`` shows how to make one. GUI thread only."""

    def __init__(
        self, bridge: WorkspaceBridge, codebook: Codebook, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._codebook = codebook
        self._moment_id: int | None = None
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

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumWidth(320)
        self.empty_label = label(EMPTY_TEXT, "muted")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Name this moment, e.g. Smiling back at the mirror")
        self.title_edit.setAccessibleName("Moment title")
        font = self.title_edit.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
            self.title_edit.setFont(font)
        self.timing = TimingView()
        self.codes = CodeChecklist(self._codebook)
        self.codes.toggled.connect(self._toggle_code)
        self.note_edit = CommitTextEdit("What you see, for you and your supervisor.", 3)
        self.strengths_edit = CommitTextEdit(
            "Warm, specific, to the parent: “You waited, and she looked back and smiled.”", 4
        )
        self.strengths_edit.textChanged.connect(self._check_wording)
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.setToolTip("Draft wording from the ticked principles, to make your own")
        self.suggest_button.clicked.connect(self._suggest)
        self.wording_hint = label("", "hint")
        self.wording_hint.setWordWrap(True)
        self.prompt_box = QComboBox()
        self.prompt_box.setEditable(True)
        self.prompt_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.prompt_box.addItems(VIG_PROMPTS)
        prompt_line = self.prompt_box.lineEdit()
        assert prompt_line is not None  # an editable combo box always has one
        prompt_line.setPlaceholderText("An open question to ask the parent")
        self.prompt_box.setAccessibleName("Question for the review")
        self.review = ReviewControls()
        self.review.chosen.connect(self._choose)
        self.review.order_changed.connect(lambda order: self._update(review_order=order))
        self.turns = TurnsView()

        title = _TextField("title", self.title_edit, self.title_edit.text, self.title_edit.setText)
        note, strengths = (
            _TextField(name, edit, edit.toPlainText, edit.set_text_quietly)
            for name, edit in (("note", self.note_edit), ("strengths", self.strengths_edit))
        )
        prompt = _TextField("prompt", self.prompt_box, self.prompt_box.currentText,
                            self.prompt_box.setEditText)
        self._fields = [title, note, strengths, prompt]
        self.title_edit.editingFinished.connect(lambda: self._commit(title))
        self.note_edit.commit_requested.connect(lambda: self._commit(note))
        self.strengths_edit.commit_requested.connect(lambda: self._commit(strengths))
        prompt_line.editingFinished.connect(lambda: self._commit(prompt))
        self.prompt_box.activated.connect(lambda _index: self._commit(prompt))

        wording_header = QHBoxLayout()
        wording_header.addWidget(label("Words for the parent", "section"))
        wording_header.addStretch(1)
        wording_header.addWidget(self.suggest_button)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(6)
        for item in (  # a string is a section heading
            self.title_edit, self.timing,
            "Principles", self.codes,
            "Practitioner note", self.note_edit,
            wording_header, self.strengths_edit, self.wording_hint,
            "Question for the review", self.prompt_box,
            "Shared review", self.review,
            "Serve and return", self.turns,
        ):  # fmt: skip
            if isinstance(item, str | QHBoxLayout):
                layout.addSpacing(6)
                layout.addWidget(rule())
                layout.addSpacing(2)
            if isinstance(item, str):
                layout.addWidget(label(item, "section"))
            elif isinstance(item, QHBoxLayout):
                layout.addLayout(item)
            else:
                layout.addWidget(item)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty_page())
        self._stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

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

    # -- model -> view ---------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if self._moment_id is None:
            return
        if self._moment_id in changes.ids("moments") or changes.touches("turns"):
            self._reload(force=False)

    def _reload(self, *, force: bool) -> None:
        workspace = self._bridge.workspace
        assert self._moment_id is not None
        try:
            moment = workspace.annotations.moment(self._moment_id)
        except NotFound:  # deleted, or its Add was undone
            self._moment_id = None
            self._stack.setCurrentIndex(0)
            return
        try:
            times: FrameTimes | None = workspace.library.frame_times(moment.recording_id)
        except (VigtoolError, OSError):  # purged or missing footage: frames still show
            times = None
        self.timing.show_moment(moment, times)
        self.codes.show_codes(moment.codes)
        for field in self._fields:
            value = getattr(moment, field.name)
            if (force or not field.typing()) and field.get() != value:
                field.set(value)
            field.stored = value
        self._check_wording()
        self.suggest_button.setEnabled(bool(suggest_strengths(self._codebook, moment.codes)))
        self.review.show_moment(moment)
        self.turns.show_turns(workspace.annotations.turns(moment.recording_id, moment.id), times)
        self._stack.setCurrentIndex(1)

    def _check_wording(self) -> None:
        words = deficit_words(self.strengths_edit.toPlainText())
        quoted = ", ".join(f"“{w}”" for w in words)
        self.wording_hint.setText(
            f"A parent will read this. Could you say it as a strength, without {quoted}?"
        )
        self.wording_hint.setVisible(bool(words))

    # -- view -> model ---------------------------------------------------------------

    def _update(self, **fields: Any) -> None:
        if self._moment_id is None:
            return
        try:
            self._bridge.workspace.update_moment(self._moment_id, **fields)
        except NotFound:
            self._moment_id = None
            self._stack.setCurrentIndex(0)

    def _commit(self, field: _TextField) -> None:
        text = field.get()
        if self._moment_id is None or text == field.stored:
            return
        field.stored = text
        self._update(**{field.name: text})

    def _toggle_code(self, code_id: str, checked: bool) -> None:
        if self._moment_id is None:
            return
        moment = self._bridge.workspace.annotations.moment(self._moment_id)
        codes = [c for c in moment.codes if c != code_id]
        self._update(codes=[*codes, code_id] if checked else codes)

    def _choose(self, chosen: bool) -> None:
        if self._moment_id is None:
            return
        try:
            self._bridge.workspace.annotations.choose_for_review(self._moment_id, chosen)
        except NotFound:
            self._moment_id = None
            self._stack.setCurrentIndex(0)

    def _suggest(self) -> None:
        if self._moment_id is None:
            return
        codes = self._bridge.workspace.annotations.moment(self._moment_id).codes
        text = suggest_strengths(self._codebook, codes)
        if text:
            self.strengths_edit.replace_text(text)
            self._commit(self._fields[2])
