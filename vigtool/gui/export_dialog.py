"""Export dialog: choose what to make and who it is for, then it runs in the background.

The choices are described in a practitioner's words ("Everything for this
session", "For the family"); under the audience a line says what that
export holds and whose consent it needs (the words come from
``vigtool.exports.audience``, the one home of the rule). The family is the
default. The work runs off the GUI thread with one progress bar and Cancel,
and a cancel leaves no partial file. Times are shown and entered in
seconds. Before anything is replaced the dialog asks (saying how many
files), and it remembers its last choices for each workspace (QSettings).
Each combo box item carries its typed value as item data, so what the
dialog asks for never depends on the order of the items. GUI thread only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from PySide6.QtCore import QSettings, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from vigtool.domain.consent import SHORT_LABELS
from vigtool.exports.audience import (
    AUDIENCES,
    CONSENT_SCOPES,
    DEFAULT_AUDIENCE,
    HOLDS,
    Audience,
    holds_everything,
)
from vigtool.exports.family_folder import FAMILY_SCOPES
from vigtool.exports.naming import (
    export_folder_name,
    family_copy_folder,
    file_name,
    reel_name,
    session_folder,
)
from vigtool.exports.request import ExportKind, ExportRequest, replaced_files

Captions = Literal["none", "soft", "burn"]
SHOWN_NAMES = 5  # file names listed when asking before replacing


@dataclass(frozen=True)
class ExportChoice:
    """One thing the dialog can make, as the practitioner reads it in the list."""

    kind: ExportKind
    label: str
    suffix: str = ""  # the file's suffix; "" writes files into the chosen folder

    @property
    def key(self) -> str:
        """How the choice is remembered between runs (labels may be reworded)."""
        return f"{self.kind}:{self.suffix}"


SESSION_LABEL = "Everything for this session (clips, highlight film, stills, summary)"
SUMMARY_PDF = "Session summary, or the practitioner's record (PDF)"
SUMMARY_WORD = "Session summary, or the practitioner's record (Word document)"
FAMILY_LABEL = "The family's own copy (for a phone or memory stick)"
ENDING_PDF = "The ending: all cycles together (PDF)"
ENDING_AUDIENCES: tuple[Audience, ...] = ("family", "practitioner")  # a celebration, a record
CHOICES: tuple[ExportChoice, ...] = (
    ExportChoice("session", SESSION_LABEL),
    ExportChoice("family", FAMILY_LABEL),
    ExportChoice("clips", "Clips chosen for the review (MP4 with sound)"),
    ExportChoice("reel", "One highlight film of the chosen clips", ".mp4"),
    ExportChoice("stills", "Stills of the chosen clips, with their words"),
    ExportChoice("summary", SUMMARY_PDF, ".pdf"),
    ExportChoice("summary", SUMMARY_WORD, ".docx"),  # for case-notes systems that take Word
    ExportChoice("summary", "Session summary (web page)", ".html"),
    ExportChoice("ending", ENDING_PDF, ".pdf"),
    ExportChoice("ending", "The ending: all cycles together (Word document)", ".docx"),
    ExportChoice("ending", "The ending: all cycles together (web page)", ".html"),
    ExportChoice("csv", "Moments as a spreadsheet (CSV)", ".csv"),
    ExportChoice("json", "The session as data (JSON)", ".json"),
    ExportChoice("eaf", "ELAN annotation file (.eaf)"),
    ExportChoice("vtt", "Subtitles of the moments (WebVTT)"),
)

# Who an export is for, in the words a practitioner reads; the family first (the default).
AUDIENCE_LABELS: dict[Audience, str] = {
    "family": "For the family",
    "practitioner": "Practitioner's record (every moment, private notes)",
    "intervision": "Peer group (intervision)",
    "training": "Training and teaching",
}


def family_copy_note() -> str:
    """What the family's own copy holds and the consents it needs, as one sentence."""
    needs = " and to ".join(SHORT_LABELS[s].lower() for s in FAMILY_SCOPES)
    return ("Holds a page that opens on a phone without the internet, with the chosen clips, "
            f"the stills, the parent's words and the goals. Needs the family's consent to {needs}.")


def ending_note(audience: Audience) -> str:
    """What the ending holds for ``audience`` and the consent it needs, as one sentence."""
    if holds_everything(audience):
        return ("Holds every cycle together with your notes, codes, self-assessments and the "
                "numbers: your own record. It needs no consent.")
    return ("Holds every cycle together for the family: their question, their scale, a still "
            "from each session, their words, the goals they reached and what to keep doing. "
            f"Needs the family's consent to {SHORT_LABELS['shared-review'].lower()}.")


def audience_note(audience: Audience) -> str:
    """What an export for ``audience`` holds and the consent it needs, as one sentence."""
    holds = HOLDS[audience]
    scope = CONSENT_SCOPES[audience]
    needs = (f" Needs the family's consent to {SHORT_LABELS[scope].lower()}." if scope is not None
             else " For your own records: it needs no consent.")
    return f"Holds {holds}.{needs}"


CAPTION_CHOICES: tuple[tuple[str, Captions], ...] = (
    ("No words on the clips", "none"),
    ("Words as subtitles", "soft"),
    ("Words written into the picture", "burn"),
)
Replay = Literal["none", "slow", "freeze"]
ReplaySound = Literal["silent", "pitch-kept"]
# What plays after each clip: the item data is "replay:sound" (see ExportRequest.replay).
REPLAY_CHOICES: tuple[tuple[str, Replay, ReplaySound], ...] = (
    ("No replay", "none", "silent"),
    ("Again at half speed, silent", "slow", "silent"),
    ("Again at half speed, with its sound", "slow", "pitch-kept"),
    ("Hold its still for 3 seconds", "freeze", "silent"),
)


@dataclass(frozen=True)
class ExportOptions:
    """Everything chosen in the dialog, before it becomes a request for one case."""

    choice: ExportChoice
    cycle: int | None  # None: every cycle of the case
    folder: Path
    audience: Audience = DEFAULT_AUDIENCE
    everything: bool = False  # clips of every moment: the practitioner's record only
    captions: Captions = "none"
    pad_ms: int = 0
    fade_ms: int = 0
    title_cards: bool = True
    replay: Replay = "none"
    replay_sound: ReplaySound = "silent"

    def output(self, case_code: str) -> Path:
        """Where the export goes: named by case code and cycle, never by a family's name."""
        choice = self.choice
        if choice.kind == "reel":
            return self.folder / reel_name(case_code, self.cycle, self.audience)
        if not choice.suffix:
            return self.folder
        return self.folder / file_name(case_code, self.cycle, choice.kind, choice.suffix,
                                       audience=self.audience)

    def request(self, case_id: int, case_code: str) -> ExportRequest:
        return ExportRequest(
            kind=self.choice.kind, case_id=case_id, cycle=self.cycle,
            out=self.output(case_code), captions=self.captions, pad_ms=self.pad_ms,
            fade_ms=self.fade_ms, title_cards=self.title_cards, audience=self.audience,
            everything=self.everything and self.choice.kind == "clips"
            and holds_everything(self.audience),
            replay=self.replay, replay_sound=self.replay_sound,
        )

    def replaced(self, case_code: str) -> list[Path]:
        """The files there now that this export would replace."""
        return replaced_files(self.choice.kind, case_code, self.cycle, self.output(case_code),
                              self.audience)


class _Note(QLabel):
    """A muted, wrapped line whose height follows the width it is given (a plain wrapped
    QLabel in a form asks for the height of a narrower guess and leaves a gap)."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "muted")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.width() > hint.width():
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


def settings_group(workspace: Path) -> str:
    """The settings group holding the dialog's last choices for one workspace."""
    return "export/" + hashlib.sha1(str(workspace.resolve()).encode()).hexdigest()[:16]


def _seconds_box(maximum: float, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, maximum)
    box.setDecimals(1)
    box.setSingleStep(step)
    box.setSuffix(" s")
    return box


class ExportDialog(QDialog):
    """``workspace`` keys the remembered choices (by default the workspace holding
    ``default_folder``, the app's ``<workspace>/exports/<case>-c<cycle>``)."""

    def __init__(self, default_folder: Path, case_code: str, cycle: int,
                 parent: QWidget | None = None, *, workspace: Path | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export · {case_code} cycle {cycle}")
        self._case_code = case_code
        self._cycle = cycle
        self._default_folder = default_folder
        if workspace is None and default_folder.parent.name == "exports":
            workspace = default_folder.parent.parent
        self._settings = settings if settings is not None else QSettings()
        self._group = settings_group(workspace) if workspace is not None else None
        self.replace_box: QMessageBox | None = None
        form = QFormLayout(self)
        self.what = QComboBox()
        for choice in CHOICES:
            self.what.addItem(choice.label, userData=choice)
        form.addRow("Make", self.what)
        self.audience = QComboBox()
        for audience in AUDIENCES:
            self.audience.addItem(AUDIENCE_LABELS[audience], userData=audience)
        form.addRow("For whom", self.audience)
        self.holds = _Note()
        form.addRow("", self.holds)
        self.scope = QComboBox()
        self.scope.addItem(f"Cycle {cycle}", userData=cycle)
        self.scope.addItem("All cycles", userData=None)
        form.addRow("From", self.scope)
        self.captions = QComboBox()
        for label, captions in CAPTION_CHOICES:
            self.captions.addItem(label, userData=captions)
        form.addRow("Clip words", self.captions)
        self.pad = _seconds_box(5.0, 0.5)
        form.addRow("Extra before/after", self.pad)
        self.fade = _seconds_box(2.0, 0.1)
        form.addRow("Fade in/out", self.fade)
        self.replay = QComboBox()
        for label, replay, sound in REPLAY_CHOICES:
            self.replay.addItem(label, userData=f"{replay}:{sound}")
        self.replay.setToolTip("Plays each clip again after itself, slowly or held on its "
                               "still. The highlight film shows each moment once.")
        form.addRow("Replay each clip", self.replay)
        self.titles = QCheckBox("Title card before each clip")
        self.titles.setChecked(True)
        form.addRow("", self.titles)
        self.every = QCheckBox("Every moment, not only those chosen (your record only)")
        form.addRow("", self.every)
        self.folder = QLineEdit(str(default_folder))
        browse = QPushButton("Choose...")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Into folder", row)
        self.where = _Note()
        form.addRow(self.where)
        note = _Note()
        note.setText("File names use the case code, cycle and order, never a family's name.")
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._restore()
        self._shown_audience = self.chosen_audience
        self.what.currentIndexChanged.connect(self._update_options)
        self.audience.currentIndexChanged.connect(self._audience_changed)
        self.scope.currentIndexChanged.connect(self._update_options)
        self.folder.textChanged.connect(self._update_options)
        self._update_options()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into", self.folder.text())
        if folder:
            self.folder.setText(folder)

    @property
    def choice(self) -> ExportChoice:
        """What is chosen under "Make"."""
        choice = self.what.currentData()
        assert isinstance(choice, ExportChoice)
        return choice

    @property
    def chosen_audience(self) -> Audience:
        """Who the export is for, as chosen under "For whom"."""
        audience = self.audience.currentData()
        assert audience in AUDIENCES
        return cast(Audience, audience)

    def default_folder(self, audience: Audience) -> Path:
        """The app's folder for ``audience``: the family's default folder, or the one beside
        it named for the audience, so one audience's files never land in another's folder."""
        family = export_folder_name(self._case_code, self._cycle)
        if self._default_folder.name != family:
            return self._default_folder
        return self._default_folder.with_name(
            export_folder_name(self._case_code, self._cycle, audience))

    def _audience_changed(self) -> None:
        """Follow the audience with the folder, unless the practitioner chose their own."""
        if self._folder() == self.default_folder(self._shown_audience):
            self.folder.setText(str(self.default_folder(self.chosen_audience)))
        self._shown_audience = self.chosen_audience
        self._update_options()

    def _update_options(self) -> None:
        kind = self.choice.kind
        for widget in (self.captions, self.pad, self.fade, self.replay):
            widget.setEnabled(kind in ("clips", "session", "family"))
        self.titles.setEnabled(kind in ("reel", "session"))
        if kind == "family" and self.chosen_audience != "family":  # the family's copy is theirs
            self.audience.setCurrentIndex(self.audience.findData("family"))
        self.audience.setEnabled(kind != "family")
        if kind == "ending":  # every cycle together, for the family or the record
            if self.scope.currentData() is not None:
                self._ending_chose_all = True
                self.scope.setCurrentIndex(self.scope.findData(None))
            if self.chosen_audience not in ENDING_AUDIENCES:
                self.audience.setCurrentIndex(self.audience.findData("family"))
        elif getattr(self, "_ending_chose_all", False):  # back to the cycle it showed
            self._ending_chose_all = False
            self.scope.setCurrentIndex(self.scope.findData(self._cycle))
        self.scope.setEnabled(kind not in ("session", "ending"))  # a session is one cycle
        audience = self.chosen_audience
        self.every.setEnabled(kind == "clips" and holds_everything(audience))
        self.holds.setText(family_copy_note() if kind == "family" else ending_note(audience)
                           if kind == "ending" else audience_note(audience))
        options = self.options()
        if kind == "session":
            target = session_folder(self._folder(), self._case_code, self._cycle, audience)
            self.where.setText(f"Everything goes into {target}")
        elif kind == "family":
            target = family_copy_folder(self._folder(), self._case_code, options.cycle)
            self.where.setText(f"The family's copy goes into {target}: open index.html")
        elif options.choice.suffix or kind == "reel":
            what = "The record" if kind == "summary" and holds_everything(audience) else "It"
            what = "The ending" if kind == "ending" else what
            self.where.setText(f"{what} is saved as {options.output(self._case_code)}")
        else:
            self.where.setText(f"The files go into {self._folder()}")

    def _folder(self) -> Path:
        return Path(self.folder.text()).expanduser()

    def options(self) -> ExportOptions:
        """What the dialog shows now, as one value."""
        session = self.choice.kind == "session"
        replay, _, sound = str(self.replay.currentData()).partition(":")
        if not self.replay.isEnabled():
            replay, sound = "none", "silent"
        return ExportOptions(
            choice=self.choice,
            cycle=self._cycle if session else cast("int | None", self.scope.currentData()),
            folder=self._folder(),
            captions=cast(Captions, self.captions.currentData()),
            pad_ms=round(self.pad.value() * 1000),
            fade_ms=round(self.fade.value() * 1000),
            title_cards=self.titles.isChecked(),
            audience=self.chosen_audience,
            everything=self.every.isEnabled() and self.every.isChecked(),
            replay=cast(Replay, replay),
            replay_sound=cast(ReplaySound, sound),
        )

    def request(self, case_id: int) -> ExportRequest:
        return self.options().request(case_id, self._case_code)

    # -- asking before replacing, remembering -------------------------------------------------

    def accept(self) -> None:
        """Export, once the practitioner has agreed to replace any files already there."""
        replaced = self.options().replaced(self._case_code)
        if not replaced:
            self._accepted()
            return
        count = len(replaced)
        names = [p.name for p in replaced[:SHOWN_NAMES]]
        if count > SHOWN_NAMES:
            names.append(f"and {count - SHOWN_NAMES} more")
        box = QMessageBox(QMessageBox.Icon.Question, "Replace files?",
                          f"{count} file{'s' if count != 1 else ''} in "
                          f"{replaced[0].parent} will be replaced. Replace "
                          f"{'them' if count != 1 else 'it'}?", parent=self)
        box.setInformativeText("\n".join(names))
        replace = box.addButton(f"Replace {count}", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep them", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _code: self._answered(box.clickedButton() is replace))
        self.replace_box = box
        box.open()

    def _answered(self, replace: bool) -> None:
        self.replace_box = None
        if replace:
            self._accepted()

    def _accepted(self) -> None:
        self._remember()
        super().accept()

    def _remember(self) -> None:
        if self._group is None:
            return
        s, g = self._settings, self._group
        s.setValue(f"{g}/make", self.choice.key)
        s.setValue(f"{g}/audience", self.chosen_audience)
        s.setValue(f"{g}/all_cycles", self.scope.currentData() is None)
        s.setValue(f"{g}/captions", self.captions.currentData())
        s.setValue(f"{g}/pad_s", self.pad.value())
        s.setValue(f"{g}/fade_s", self.fade.value())
        s.setValue(f"{g}/title_cards", self.titles.isChecked())
        s.setValue(f"{g}/replay", self.replay.currentData())
        chosen = self._folder()
        default = chosen == self.default_folder(self.chosen_audience)
        s.setValue(f"{g}/folder", "" if default else str(chosen))

    def _restore(self) -> None:
        if self._group is None:
            return
        s, g = self._settings, self._group
        keys = [c.key for c in CHOICES]
        make = str(s.value(f"{g}/make", ""))
        kind, _, suffix = make.partition(":")
        if suffix.count(":"):  # remembered by an earlier version as kind:audience:suffix
            suffix = suffix.split(":", 1)[1]
        if f"{kind}:{suffix}" in keys:
            self.what.setCurrentIndex(keys.index(f"{kind}:{suffix}"))
        found = self.audience.findData(str(s.value(f"{g}/audience", DEFAULT_AUDIENCE)))
        self.audience.setCurrentIndex(max(found, 0))
        if str(s.value(f"{g}/all_cycles", "false")).lower() == "true":
            self.scope.setCurrentIndex(1)
        found = self.captions.findData(str(s.value(f"{g}/captions", "none")))
        self.captions.setCurrentIndex(max(found, 0))
        self.pad.setValue(_number(s.value(f"{g}/pad_s", 0.0)))
        self.fade.setValue(_number(s.value(f"{g}/fade_s", 0.0)))
        self.titles.setChecked(str(s.value(f"{g}/title_cards", "true")).lower() == "true")
        self.replay.setCurrentIndex(max(self.replay.findData(str(s.value(f"{g}/replay", ""))), 0))
        folder = str(s.value(f"{g}/folder", "") or "")
        self.folder.setText(folder or str(self.default_folder(self.chosen_audience)))


def _number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def reveal(path: Path) -> None:
    """Open the folder holding ``path`` in the system's file browser."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if path.is_dir() else path.parent)))
