"""Every keyboard shortcut in one table: the menus, the key handling and the
shortcuts sheet (F1) are all built from it, so they can never disagree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyBinding:
    action: str  # stable id, e.g. "player.play"
    label: str  # menu text, e.g. "Play / Pause"
    keys: tuple[str, ...]  # QKeySequence strings, first one shown in menus
    group: str  # section of the shortcuts sheet
    hint: str = ""  # one line for the status bar and the sheet


PLAYBACK = "Playback"
TAGGING = "Tagging"
TIMELINE = "Timeline"
EDITING = "Editing"
SUPERVISION = "Supervision"
SUGGESTIONS = "Suggested moments"
APP = "Application"

BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("player.play", "Play / Pause", ("Space",), PLAYBACK, "Play or pause with sound"),
    KeyBinding("player.next_frame", "Next Frame", ("Right",), PLAYBACK, "Step one frame forward"),
    KeyBinding("player.prev_frame", "Previous Frame", ("Left",), PLAYBACK,
               "Step one frame back (instant: frames near the playhead are cached)"),
    KeyBinding("player.next_second", "Forward One Second", ("Shift+Right",), PLAYBACK),
    KeyBinding("player.prev_second", "Back One Second", ("Shift+Left",), PLAYBACK),
    KeyBinding("player.start", "Go to Start", ("Home",), PLAYBACK),
    KeyBinding("player.end", "Go to End", ("End",), PLAYBACK),
    KeyBinding("player.shuttle_back", "Shuttle Back", ("J",), PLAYBACK,
               "Play backwards by stepping; press again to go faster"),
    KeyBinding("player.shuttle_stop", "Shuttle Stop", ("K",), PLAYBACK, "Pause"),
    KeyBinding("player.shuttle_forward", "Shuttle Forward", ("L",), PLAYBACK,
               "Play; press again to go faster"),
    KeyBinding("player.slower", "Slower", ("[",), PLAYBACK, "Slow down (down to 0.1x)"),
    KeyBinding("player.faster", "Faster", ("]",), PLAYBACK, "Speed up (up to 2x)"),
    KeyBinding("player.normal_speed", "Normal Speed", ("\\",), PLAYBACK),
    KeyBinding("player.loop", "Loop Selected Moment", ("Ctrl+L",), PLAYBACK),
    KeyBinding("player.volume_up", "Louder", ("Ctrl+Up",), PLAYBACK, "Turn the sound up"),
    KeyBinding("player.volume_down", "Quieter", ("Ctrl+Down",), PLAYBACK,
               "Turn the sound down"),
    KeyBinding("player.mute", "Mute", ("M",), PLAYBACK, "Sound off or on again"),
    KeyBinding("tag.in", "Mark In", ("I",), TAGGING, "The moment starts at this frame"),
    KeyBinding("tag.out", "Mark Out", ("O",), TAGGING,
               "The moment ends just before this frame, and is created"),
    KeyBinding("tag.quick", "Quick Tag", ("Q",), TAGGING,
               "Make a moment around the playhead (2 s before, 3 s after)"),
    KeyBinding("tag.trim_start", "Start Moment Here", ("Shift+I",), TAGGING,
               "The selected moment now starts at this frame"),
    KeyBinding("tag.trim_end", "End Moment Here", ("Shift+O",), TAGGING,
               "The selected moment now ends just before this frame, like O"),
    KeyBinding("tag.still", "Keep This Frame as the Still", ("S",), TAGGING,
               "The selected moment's still: its clip pauses on this picture in the review"),
    KeyBinding("tag.remove_still", "Remove the Still", ("Shift+S",), TAGGING,
               "The selected moment pauses on its last frame again"),
    KeyBinding("tag.child_turn", "Mark Child's Cue", ("C",), TAGGING,
               "Mark the child's initiative at this frame"),
    KeyBinding("tag.adult_turn", "Mark Adult's Response", ("A",), TAGGING,
               "Mark the adult's response at this frame"),
    KeyBinding("tag.codes", "Toggle Code 1-9", ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
               TAGGING, "Toggle the codebook's code on the selected moment"),
    KeyBinding("tag.describe", "Describe Moment", ("Return", "Enter"), TAGGING,
               "Type a title for the selected moment: Return keeps it, Tab goes to the next "
               "field, Esc cancels"),
    KeyBinding("tag.review", "Choose for Review", ("R",), TAGGING,
               "Show the selected moment in the shared review"),
    KeyBinding("supervision.comment", "Comment...", ("Shift+C",), SUPERVISION,
               "A comment on the selected moment, else from the I mark to here, else on "
               "this frame; type it in the Comments panel"),
    KeyBinding("suggest.find", "Find Suggested Moments", ("Ctrl+Shift+F",), SUGGESTIONS,
               "Look through this film's sound for serve-and-return exchanges, in the "
               "background; again to stop. Suggestions are prompts to look, never tags"),
    KeyBinding("suggest.next", "Next Suggestion", ("Shift+N",), SUGGESTIONS,
               "Select the next suggested moment and go to it"),
    KeyBinding("suggest.prev", "Previous Suggestion", ("Shift+P",), SUGGESTIONS,
               "Select the suggested moment before and go to it"),
    KeyBinding("suggest.play", "Play Suggestion", ("Shift+Space",), SUGGESTIONS,
               "Play the selected suggestion once, with sound"),
    KeyBinding("suggest.accept", "Accept Suggestion", ("Shift+A",), SUGGESTIONS,
               "Make the selected suggestion a moment with its turns, for you to code"),
    KeyBinding("suggest.dismiss", "Dismiss Suggestion", ("Shift+X",), SUGGESTIONS,
               "Hide the selected suggestion on this film; the lane shows the rest"),
    KeyBinding("moment.next", "Next Moment", ("Tab",), TIMELINE),
    KeyBinding("moment.prev", "Previous Moment", ("Shift+Tab",), TIMELINE),
    KeyBinding("moment.delete", "Delete Moment", ("Delete", "Backspace"), EDITING),
    KeyBinding("timeline.zoom_in", "Zoom In", ("+", "="), TIMELINE, "Also Ctrl+wheel"),
    KeyBinding("timeline.zoom_out", "Zoom Out", ("-",), TIMELINE),
    KeyBinding("timeline.zoom_fit", "Whole Film", ("0",), TIMELINE),
    KeyBinding("edit.undo", "Undo", ("Ctrl+Z",), EDITING),
    KeyBinding("edit.redo", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), EDITING),
    KeyBinding("app.review", "Shared Review...", ("F5",), APP,
               "Show the chosen clips to the parent, full screen"),
    KeyBinding("app.review_list", "Review Order", ("Ctrl+Shift+R",), APP,
               "The chosen clips in review order: drag to reorder, preview from any clip"),
    KeyBinding("app.export", "Export...", ("Ctrl+E",), APP,
               "Clips, stills, a highlight film, the session summary or data"),
    KeyBinding("app.new_case", "New Case...", ("Ctrl+N",), APP,
               "A family, by code name, with the parent's helping question"),
    KeyBinding("app.open_video", "Import Video...", ("Ctrl+O",), APP,
               "Bring in a film: its case, cycle and filming date"),
    KeyBinding("app.new_workspace", "New Workspace...", ("Ctrl+Shift+N",), APP,
               "An empty folder for a new set of cases"),
    KeyBinding("app.open_workspace", "Open Workspace...", ("Ctrl+Shift+O",), APP),
    KeyBinding("app.shortcuts", "Keyboard Shortcuts", ("F1", "?"), APP),
    KeyBinding("app.theme", "Next Theme", ("Ctrl+Shift+D",), APP,
               "Light, dark and high contrast in turn (View > Theme)"),
    KeyBinding("app.quit", "Quit", ("Ctrl+Q",), APP),
)


def binding(action: str) -> KeyBinding:
    for b in BINDINGS:
        if b.action == action:
            return b
    raise KeyError(action)
