"""The shared review's keys, in one table: the window's shortcuts and its help are built from it.

The review has its own keys (it is its own window, often full screen, with
the parent watching), so they live here rather than in ``keymap.py``. Left
and Right step one frame inside the clip, as in the main window; Page Up and
Page Down change clip. F6 hides the practitioner's notes (presenter mode):
an F key works while the cursor is in the notes box, where a letter would be
typed into the parent's words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewKey:
    action: str  # what ReviewWindow does, e.g. "presenter"
    keys: tuple[str, ...]  # QKeySequence strings; the first is the one shown
    hint: str  # one line for the help


PRESENTER_KEY = "F6"

REVIEW_KEYS: tuple[ReviewKey, ...] = (
    ReviewKey("play", ("Space",), "play or pause"),
    ReviewKey("replay", ("R",), "watch the clip again"),
    ReviewKey("slow", ("S",), "slow motion (half speed) on or off"),
    ReviewKey("frame_back", ("Left",), "one frame back, within the clip"),
    ReviewKey("frame_forward", ("Right",), "one frame on, within the clip"),
    ReviewKey("question", ("End",), "stop on the clip's still and its question"),
    ReviewKey("previous", ("PgUp",), "previous clip"),
    ReviewKey("next", ("PgDown",), "next clip"),
    ReviewKey("presenter", (PRESENTER_KEY,), "hide or show your notes (presenter mode)"),
    ReviewKey("full_screen", ("F11", "F"), "full screen on or off"),
    ReviewKey("leave_full_screen", ("Esc",), "leave full screen"),
    ReviewKey("close", ("Ctrl+W", "Ctrl+Q"), "close the review"),
)

_SHOWN = {"Left": "←", "Right": "→", "PgUp": "Page Up", "PgDown": "Page Down"}


def shown(key: str) -> str:
    """A key as a person reads it on the keyboard."""
    return _SHOWN.get(key, key)


def help_lines() -> list[str]:
    """One line per key, e.g. "F6: hide or show your notes (presenter mode)"."""
    return [f"{' / '.join(shown(k) for k in key.keys)}: {key.hint}" for key in REVIEW_KEYS]


def review_key(action: str) -> ReviewKey:
    for key in REVIEW_KEYS:
        if key.action == action:
            return key
    raise KeyError(action)
