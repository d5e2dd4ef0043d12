"""What the app remembers between runs (QSettings): workspaces opened, the last recording.

One home for every settings key about workspaces, so the window and the
start-up code read and write them the same way. GUI thread only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from platformdirs import user_data_path
from PySide6.QtCore import QSettings

ORGANISATION = "vigtool"
APPLICATION = "vigtool"
RECENT_LIMIT = 8


def default_workspace() -> Path:
    return user_data_path(APPLICATION) / "workspace"


def last_workspace(settings: QSettings) -> Path:
    return Path(str(settings.value("last_workspace", "") or default_workspace()))


def recent_workspaces(settings: QSettings) -> list[str]:
    value = settings.value("recent_workspaces", [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-item list
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_workspace(settings: QSettings, folder: Path) -> None:
    recent = [str(folder)] + [f for f in recent_workspaces(settings) if f != str(folder)]
    settings.setValue("recent_workspaces", recent[:RECENT_LIMIT])
    settings.setValue("last_workspace", str(folder))


def last_recording_key(folder: Path) -> str:
    """The settings key for the recording last open in the workspace at ``folder``."""
    return "last_recording/" + hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
