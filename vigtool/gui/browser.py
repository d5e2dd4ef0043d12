"""The workspace browser: cases, their cycles, and the recordings in each.

An empty workspace says what to do first (a case, then its film), with a
button for each; a case with no film yet says how to import one. A case's
details open with a double-click or from its menu. A recording whose file
has gone is shown as missing, with "Locate..." to point vigtool at it again
(matched by content, so the wrong file is refused). Each case shows its
consent at a glance (a chip per scope, ``case_marks``) and a badge when its
raw film is due to be deleted soon, is overdue, or has been purged; a
purged recording stays listed, with its moments, but shows no picture of the
film. A cycle with a shared-review film shows it beside the family film
(``browser_pair``); a trainee's case opened from their supervision package
says whose it is ("from Sam"). GUI thread only.
"""

from __future__ import annotations

from itertools import zip_longest

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.records import Case, Recording, RecordingStatus
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser_pair import FilmPair, duration
from vigtool.gui.case_dialog import open_case_dialog
from vigtool.gui.case_marks import (
    BADGE_WORDS,
    BadgeDelegate,
    consent_icon,
    consent_lines,
    consent_sentence,
    retention_words,
)
from vigtool.gui.consent_dialog import open_consent_dialog
from vigtool.workspace import Changes, Workspace

_RECORDING_ROLE = Qt.ItemDataRole.UserRole + 1
_CASE_ROLE = Qt.ItemDataRole.UserRole + 2
_IMPORT_ROLE = Qt.ItemDataRole.UserRole + 3  # "No film yet": activating it imports one
CONSENT_ROLE = Qt.ItemDataRole.UserRole + 4  # a case's consent: each scope's status
RETENTION_ROLE = Qt.ItemDataRole.UserRole + 5  # a case's retention status ("due", "soon"...)
CYCLE_ROLE = Qt.ItemDataRole.UserRole + 6  # a cycle's number (on its row and the rows in it)
PAIR_ROLE = Qt.ItemDataRole.UserRole + 7  # a family film and shared review: their ids
THUMB_SIZE = (72, 40)

START_CASE = ("A case is one family. Give it a code name (never the family's real name) "
              "and, if you have it, the parent's helping question.")
START_FILM = ("Bring in the video of the visit from the camera, a phone or a folder. "
              "vigtool keeps its own copy. You can also drop a video onto the window.")
NO_FILM_YET = "No film yet: Import Video..."


def next_step(ws: Workspace) -> str:
    """What the picture area says while no recording is open: the next thing to do."""
    if not ws.caseload.cases():
        return ("Start with a case: New Case (Ctrl+N) in the File menu or on the left.\n"
                "Then import the film with Import Video (Ctrl+O), or drop it here.")
    if not ws.library.recordings():
        return "Now import the film: Import Video (Ctrl+O), or drop it here."
    return "Open a recording from the list on the left, or drop a video here."


class WorkspaceBrowser(QWidget):
    recordingActivated = Signal(int)
    locateRequested = Signal(int)
    importRequested = Signal(object)  # the case to import into, or None to ask
    purgeRequested = Signal(int)  # the case whose raw film to delete

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceBrowser")
        self._bridge = bridge
        self._icons: dict[int, QIcon] = {}
        self._purged: set[int] = set()
        self._current: int | None = None
        self.pairs: list[FilmPair] = []  # the side-by-side rows shown now
        self._read_only = bridge.workspace.read_only
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QPixmap(*THUMB_SIZE).size())
        self.tree.setIndentation(14)
        self.tree.setItemDelegate(BadgeDelegate(RETENTION_ROLE, self.tree))
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.empty_state = self._build_empty_state()
        self.new_case_button = QPushButton("New Case...")
        self.new_case_button.setToolTip("A family, by code name, with the parent's question")
        self.new_case_button.clicked.connect(self.new_case)
        self.import_button = QPushButton("Import Video...")
        self.import_button.clicked.connect(lambda: self.importRequested.emit(None))
        row = QHBoxLayout()
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.new_case_button)
        row.addWidget(self.import_button)
        self.button_row = QWidget()
        self.button_row.setLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.empty_state, 1)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.button_row)
        bridge.changed.connect(self._on_changed)
        for button in (self.new_case_button, self.import_button, self.start_case_button,
                       self.start_import_button):
            button.setEnabled(not self._read_only)
        self.refresh()

    def _build_empty_state(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("browserEmptyState")
        column = QVBoxLayout(panel)
        column.setContentsMargins(16, 18, 16, 16)
        column.setSpacing(8)
        self.start_case_button = QPushButton("New Case...")
        self.start_case_button.setProperty("primary", True)
        self.start_case_button.clicked.connect(self.new_case)
        self.start_import_button = QPushButton("Import Video...")
        self.start_import_button.clicked.connect(lambda: self.importRequested.emit(None))
        for heading, words, button in (
            ("Start with a case", START_CASE, self.start_case_button),
            ("Then import the film", START_FILM, self.start_import_button),
        ):
            title = QLabel(heading)
            title.setProperty("role", "section")
            text = QLabel(words)
            text.setProperty("role", "muted")
            text.setWordWrap(True)
            column.addWidget(title)
            column.addWidget(text)
            column.addWidget(button)
            column.addSpacing(14)
        column.addStretch(1)
        return panel

    # -- cases ---------------------------------------------------------------------------

    def new_case(self) -> None:
        """Open New Case; the new case is selected in the list once added."""
        open_case_dialog(self.window(), self._bridge.workspace, then=self._select_case)

    def edit_case(self, case_id: int) -> None:
        open_case_dialog(self.window(), self._bridge.workspace, case_id,
                         then=self._select_case)

    def edit_consent(self, case_id: int) -> None:
        open_consent_dialog(self.window(), self._bridge.workspace, case_id)

    def selected_cycle(self) -> int | None:
        """The cycle of the item selected in the list (a cycle or a film in it), if any."""
        item = self.tree.currentItem()
        cycle = item.data(0, CYCLE_ROLE) if item is not None else None
        return int(cycle) if cycle is not None else None

    def selected_case_id(self) -> int | None:
        """The case of the item selected in the list (a case, cycle or recording), if any."""
        item = self.tree.currentItem()
        case_id = item.data(0, _CASE_ROLE) if item is not None else None
        return int(case_id) if case_id is not None else None

    def _select_case(self, case: Case) -> None:
        self.refresh()
        item = self._find_case(case.id)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    # -- the list ------------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if any(changes.touches(t) for t in ("recordings", "cases", "consents")):
            self.refresh()

    def set_current(self, recording_id: int | None) -> None:
        self._current = recording_id
        self.refresh()

    def set_thumbnail(self, recording_id: int, image: QImage) -> None:
        if recording_id in self._purged:
            return  # no picture of a film that is gone
        self._icons[recording_id] = QIcon(QPixmap.fromImage(image))
        for pair in self.pairs:
            pair.set_icon(recording_id, self._icons[recording_id])
        item = self._find(recording_id)
        if item is not None:
            item.setIcon(0, self._icons[recording_id])

    def recordings(self) -> list[Recording]:
        return self._bridge.workspace.library.recordings()

    def refresh(self) -> None:
        ws = self._bridge.workspace
        selected = self.selected_case_id()
        self.tree.clear()
        self.pairs = []
        cases = ws.caseload.cases()
        self.empty_state.setVisible(not cases)
        self.tree.setVisible(bool(cases))
        self.button_row.setVisible(bool(cases))
        for case in cases:
            case_item = self._case_item(case)
            font = case_item.font(0)
            font.setBold(True)
            case_item.setFont(0, font)
            self.tree.addTopLevelItem(case_item)
            by_cycle: dict[int, list[Recording]] = {}
            for rec in ws.library.recordings(case.id):
                by_cycle.setdefault(rec.cycle, []).append(rec)
            if not by_cycle:
                case_item.addChild(self._no_film_item(case.id))
            for cycle in sorted(by_cycle):
                cycle_item = QTreeWidgetItem([f"Cycle {cycle}"])
                cycle_item.setData(0, _CASE_ROLE, case.id)
                cycle_item.setData(0, CYCLE_ROLE, cycle)
                case_item.addChild(cycle_item)
                reviews = [r for r in by_cycle[cycle] if r.kind == "shared-review"]
                if reviews:
                    family = [r for r in by_cycle[cycle] if r.kind != "shared-review"]
                    for pair in zip_longest(family, reviews):
                        self._pair_row(cycle_item, *pair)
                    continue
                for rec in by_cycle[cycle]:
                    cycle_item.addChild(self._recording_item(rec))
        self.tree.expandAll()
        again = self._find_case(selected) if selected is not None else None
        if again is not None and self.tree.currentItem() is None:
            self.tree.setCurrentItem(again)

    def _case_item(self, case: Case) -> QTreeWidgetItem:
        """A case's row: its code, its consent chips, and a badge for its retention."""
        privacy = self._bridge.workspace.privacy
        states = privacy.consent_state(case.id)
        retention = privacy.retention(case.id)
        item = QTreeWidgetItem([supervisee_label(case)])
        item.setData(0, _CASE_ROLE, case.id)
        item.setData(0, CONSENT_ROLE, tuple(s.status for s in states.values()))
        item.setIcon(0, consent_icon(states))
        badge = retention.status if retention.status in BADGE_WORDS else None
        item.setData(0, RETENTION_ROLE, badge)
        question = (f"“{case.helping_question}”" if case.helping_question
                    else "No helping question yet")
        film = retention_words(retention)
        sent = ([f"Opened from {case.supervisee}'s supervision package: their clips and "
                 "coding are read-only; add comments and your own coding, then Send "
                 "Comments Back (Supervision menu).", ""] if case.supervisee else [])
        item.setToolTip(0, "\n".join([*sent, question, "", "Consent:", *(f"  {line}" for line in
                                       consent_lines(states)), "", film[:1].upper() + film[1:],
                                       "", "Double-click for the case's details"]))
        said = f" Raw film: {film}." if badge else ""
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                     f"Case {case.code}. {consent_sentence(states)}{said}")
        return item

    def _pair_row(self, cycle_item: QTreeWidgetItem, family: Recording | None,
                  review: Recording | None) -> None:
        """A family film and the shared review of the same cycle, side by side."""
        item = QTreeWidgetItem([""])
        first = family or review
        assert first is not None
        item.setData(0, _CASE_ROLE, first.case_id)
        item.setData(0, CYCLE_ROLE, first.cycle)
        item.setData(0, PAIR_ROLE, tuple(r.id for r in (family, review) if r is not None))
        for rec in (family, review):
            if rec is not None and rec.status is RecordingStatus.PURGED:
                self._purged.add(rec.id)
                self._icons.pop(rec.id, None)
        pair = FilmPair(family, review, self._icons, self._current)
        pair.opened.connect(self._open_film)
        pair.menuRequested.connect(self._film_menu)
        item.setSizeHint(0, pair.sizeHint())
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, "; ".join(
            card.accessibleName() for card in pair.cards.values()))
        cycle_item.addChild(item)
        self.tree.setItemWidget(item, 0, pair)
        self.pairs.append(pair)

    def _open_film(self, recording_id: int) -> None:
        rec = self._bridge.workspace.library.recording(recording_id)
        if rec.status is RecordingStatus.MISSING:
            self.locateRequested.emit(rec.id)
        else:
            self.recordingActivated.emit(rec.id)

    def _film_menu(self, recording_id: int, where: QPoint) -> None:
        menu = QMenu(self)
        self.fill_menu(menu, None, recording_id)
        menu.exec(where)

    def _no_film_item(self, case_id: int) -> QTreeWidgetItem:
        item = QTreeWidgetItem([NO_FILM_YET])
        item.setData(0, _CASE_ROLE, case_id)
        item.setData(0, _IMPORT_ROLE, case_id)
        item.setToolTip(0, "Import the film of this family's visit (or drop it on the window)")
        font = item.font(0)
        font.setItalic(True)
        item.setFont(0, font)
        return item

    def _recording_item(self, rec: Recording) -> QTreeWidgetItem:
        label = f"{rec.original_name}\n{duration(rec.duration_ms)}"
        if rec.status is RecordingStatus.MISSING:
            label += " · missing"
        elif rec.status is RecordingStatus.PURGED:
            label += " · raw film deleted"
        item = QTreeWidgetItem([label])
        item.setData(0, _RECORDING_ROLE, rec.id)
        item.setData(0, _CASE_ROLE, rec.case_id)
        item.setToolTip(0, f"{rec.original_name}: {rec.frame_count} frames, {rec.fps:g} fps"
                           f"{' (variable)' if rec.vfr else ''}"
                           f"{', with sound' if rec.has_audio else ', silent'}")
        if rec.status is RecordingStatus.MISSING:
            item.setForeground(0, QColor(180, 60, 40))
        if rec.status is RecordingStatus.PURGED:
            self._purged.add(rec.id)
            self._icons.pop(rec.id, None)
            font = item.font(0)
            font.setItalic(True)
            item.setFont(0, font)
            item.setToolTip(0, f"{rec.original_name}: the raw film was deleted on "
                               f"{(rec.purged_at or '')[:10]}; its moments and the parent's "
                               "words are kept")
        elif rec.id in self._icons:
            item.setIcon(0, self._icons[rec.id])
        if rec.id == self._current:
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
        return item

    def _find(self, recording_id: int) -> QTreeWidgetItem | None:
        for item in self._all_items():
            if item.data(0, _RECORDING_ROLE) == recording_id:
                return item
        return None

    def _find_case(self, case_id: int) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, _CASE_ROLE) == case_id:
                return item
        return None

    def _all_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if item.data(0, _IMPORT_ROLE) is not None:
            self.importRequested.emit(int(item.data(0, _IMPORT_ROLE)))
            return
        recording_id = item.data(0, _RECORDING_ROLE)
        if recording_id is None and item.data(0, PAIR_ROLE):
            recording_id = item.data(0, PAIR_ROLE)[0]  # the family film, else the review
        if recording_id is None:
            return
        self._open_film(int(recording_id))  # present, or purged: its moments without film

    def _double_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if item.parent() is None and item.data(0, _CASE_ROLE) is not None:
            self.edit_case(int(item.data(0, _CASE_ROLE)))

    def _menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        item = self.tree.itemAt(pos)
        menu = QMenu(self)
        self.fill_menu(menu, item)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def fill_menu(self, menu: QMenu, item: QTreeWidgetItem | None,
                  film: int | None = None) -> None:
        """The context menu for ``item`` (None: the empty part of the list), or for the
        film ``film`` (a card in a side-by-side row)."""
        if item is not None and item.data(0, _RECORDING_ROLE) is not None:
            film = int(item.data(0, _RECORDING_ROLE))
        if film is not None:
            recording_id = film
            menu.addAction("Open", lambda: self.recordingActivated.emit(recording_id))
            menu.addAction("Locate...", lambda: self.locateRequested.emit(recording_id))
            menu.addSeparator()
        case_id = item.data(0, _CASE_ROLE) if item is not None else (
            self._bridge.workspace.library.recording(film).case_id if film is not None else None)
        if case_id is not None:
            case_id = int(case_id)
            menu.addAction("Case Details...", lambda: self.edit_case(case_id))
            menu.addAction("Consent...", lambda: self.edit_consent(case_id))
            menu.addAction("Import Video into This Case...",
                           lambda: self.importRequested.emit(case_id))
            menu.addSeparator()
            menu.addAction("Delete Raw Film...", lambda: self.purgeRequested.emit(case_id))
            menu.addSeparator()
        menu.addAction("New Case...", self.new_case)
        if case_id is None:
            menu.addAction("Import Video...", lambda: self.importRequested.emit(None))
        if self._read_only:
            for action in menu.actions():
                if action.text() not in ("Open", "Case Details...", "Consent..."):
                    action.setEnabled(False)


def supervisee_label(case: Case) -> str:
    """A case's row: its code, and whose it is when it came in a trainee's package."""
    if not case.supervisee or case.supervisee in case.code:
        return case.code
    return f"{case.code}\nfrom {case.supervisee}"
