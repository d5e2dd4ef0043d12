"""What the live Workspace and a Snapshot have in common: the features' managers."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from vigtool.workspace.annotations import Annotations
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door
from vigtool.workspace.library import Library
from vigtool.workspace.measures import Measures
from vigtool.workspace.privacy import Privacy
from vigtool.workspace.review import Review
from vigtool.workspace.supervision import Supervision


class View:
    """A workspace's features over one door: the live Workspace, or a Snapshot of it."""

    def __init__(self, door: Door) -> None:
        self.caseload = Caseload(door)
        self.privacy = Privacy(door, self.caseload)
        self.library = Library(door, self.caseload, self.privacy)
        self.annotations = Annotations(door, self.library)
        self.review = Review(door, self.caseload, self.annotations)
        self.supervision = Supervision(door, self.caseload, self.library)
        self.measures = Measures(door, self.caseload)

    @property
    def root(self) -> Path:
        return self.library.root

    def close(self) -> None:
        """Let go of the database connection (the view cannot be used afterwards)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
