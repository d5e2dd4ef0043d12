"""When a case's raw film is due to be deleted, and how near that day is.

A case's retention date is the one set for it, or else the service's default
period after the last day the family was filmed. Pure rules: the workspace
reads the dates, this says what they mean.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

DEFAULT_MONTHS = 2
SOON_DAYS = 14
"""A date this many days away or fewer is shown as coming up."""

RetentionStatus = Literal["none", "ok", "soon", "due", "purged"]


@dataclass(frozen=True)
class Retention:
    case_id: int
    until: str | None  # ISO date, or None when nothing was filmed yet
    explicit: bool  # set for this case, not the service default
    days_left: int | None  # negative once past
    status: RetentionStatus

    def line(self, case_code: str) -> str:
        """One plain line for a warning or a list."""
        if self.status == "purged":
            return f"{case_code}: the raw film has been deleted"
        if self.until is None or self.days_left is None:
            return f"{case_code}: nothing filmed yet"
        if self.days_left < 0:
            return f"{case_code}: the raw film was due to be deleted on {self.until}"
        if self.days_left == 0:
            return f"{case_code}: the raw film is due to be deleted today"
        days = f"{self.days_left} days"
        return f"{case_code}: the raw film is due to be deleted in {days} ({self.until})"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_for(
    case_id: int,
    *,
    set_until: str | None,
    last_filmed: str | None,
    default_months: int,
    has_raw_film: bool,
    today: date,
) -> Retention:
    """The case's retention date and where it stands ``today``."""
    until = set_until
    if until is None and last_filmed is not None:
        until = add_months(date.fromisoformat(last_filmed[:10]), default_months).isoformat()
    if until is None:
        return Retention(case_id, None, False, None, "none")
    days = (date.fromisoformat(until) - today).days
    status: RetentionStatus
    if not has_raw_film and last_filmed is not None:
        status = "purged"
    elif days < 0:
        status = "due"
    elif days <= SOON_DAYS:
        status = "soon"
    else:
        status = "ok"
    return Retention(case_id, until, set_until is not None, days, status)
