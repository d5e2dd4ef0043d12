"""What opening a package brought, for the practitioner to read."""

from __future__ import annotations

from dataclasses import dataclass

from vigtool.packages.manifest import CASE


@dataclass
class ImportReport:
    """What a package brought (or that it had been opened before and changed nothing)."""

    kind: str  # "case" or "comments"
    package_id: str
    sender: str
    case_id: int | None = None
    case_code: str = ""
    cycles: tuple[int, ...] = ()
    imported_before: str | None = None  # the date it was opened here before
    clips: int = 0
    clips_known: int = 0  # already here from an earlier package
    moments: int = 0
    stills: int = 0
    reflections: int = 0
    goals: int = 0
    self_assessments: int = 0
    summary: bool = False
    comments: int = 0
    comments_known: int = 0
    codes: int = 0
    left_out: int = 0  # moments, stills or comments outside every clip

    def lines(self) -> list[str]:
        """What happened, in plain lines (practitioner-facing)."""
        if self.imported_before is not None:
            return [f"this package was imported on {self.imported_before}; nothing was changed"]
        cycles = ", ".join(map(str, self.cycles))
        if self.kind == CASE:
            out = [f"{self.sender}'s supervision package: case {self.case_code}, cycle {cycles}",
                   f"  {_n(self.clips, 'clip')} to watch, read-only"
                   + (f" ({self.clips_known} already here)" if self.clips_known else ""),
                   f"  {_n(self.moments, 'moment')} as {self.sender} coded them, "
                   f"{_n(self.stills, 'still')}",
                   f"  the parent's words: {self.reflections}; goals: {self.goals}; "
                   f"self-assessment: {'yes' if self.self_assessments else 'none'}; "
                   f"summary: {'yes' if self.summary else 'none'}"]
            if self.comments or self.comments_known:
                out.append(f"  {_n(self.comments, 'comment')} and replies"
                           + (f" ({self.comments_known} already here)"
                              if self.comments_known else ""))
        else:
            out = [f"{self.sender}'s comments on case {self.case_code}: "
                   f"{_n(self.comments, 'comment')} and replies"
                   + (f" ({self.comments_known} already here)" if self.comments_known else "")
                   + f", {_n(self.codes, 'code')} of their own, at the same frames"]
        if self.left_out:
            out.append(f"  {self.left_out} item(s) lay outside every clip and were left out")
        return out


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_name(cycle: int) -> str:
    """The name a trainee's summary of ``cycle`` is kept under (``Library.derived_file``)."""
    return f"summary-c{cycle}.html"
