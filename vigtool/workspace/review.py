"""What the shared review adds: the parent's own words, and goals for next time (and the
day each was reached)."""

from __future__ import annotations

from datetime import date

from vigtool.domain.records import Goal, Reflection
from vigtool.errors import InvalidEdit
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import from_row
from vigtool.workspace.annotations import Annotations
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door, fetch


class Review:
    """``ws.review``: reflections (the parent's words, as said) and goals, per cycle."""

    def __init__(self, door: Door, caseload: Caseload, annotations: Annotations) -> None:
        self._door = door
        self._caseload = caseload
        self._annotations = annotations

    def add_reflection(
        self, case_id: int, *, cycle: int, text: str, moment_id: int | None = None
    ) -> Reflection:
        """Write down what the parent said, on a moment or on the cycle as a whole."""
        self._caseload.case(case_id)
        if moment_id is not None:
            self._annotations.moment(moment_id)
        with self._door.edit("Add Reflection") as rec:
            reflection_id = rec.insert(
                "reflections",
                {"case_id": case_id, "cycle": cycle, "moment_id": moment_id, "text": text,
                 "created_at": utc_now()},
            )
        return self.reflection(reflection_id)

    def update_reflection(self, reflection_id: int, *, text: str) -> Reflection:
        """Change the parent's words as written down (e.g. while they are still talking)."""
        self.reflection(reflection_id)
        with self._door.edit("Edit Reflection") as rec:
            rec.update("reflections", reflection_id, {"text": text})
        return self.reflection(reflection_id)

    def delete_reflection(self, reflection_id: int) -> None:
        """Remove the parent's words (only when they asked); one undo step."""
        self.reflection(reflection_id)
        with self._door.edit("Delete Reflection") as rec:
            rec.delete("reflections", reflection_id)

    def reflection(self, reflection_id: int) -> Reflection:
        """The reflection with this id; NotFound if there is none."""
        return fetch(self._door, Reflection, "reflections", reflection_id, "reflection")

    def reflections(self, case_id: int, cycle: int | None = None) -> list[Reflection]:
        """The parent's words in a case (one cycle of it), in the order written."""
        found = self._door.read(queries.by_case, "reflections", case_id, cycle)
        return [from_row(Reflection, r) for r in found]

    def add_goal(self, case_id: int, *, cycle: int, text: str) -> Goal:
        """Something to look for next time, in the family's words."""
        self._caseload.case(case_id)
        with self._door.edit("Add Goal") as rec:
            goal_id = rec.insert("goals", {"case_id": case_id, "cycle": cycle, "text": text})
        return self.goal(goal_id)

    def update_goal(self, goal_id: int, *, text: str) -> Goal:
        """Reword a goal; one undo step."""
        self.goal(goal_id)
        with self._door.edit("Edit Goal") as rec:
            rec.update("goals", goal_id, {"text": text})
        return self.goal(goal_id)

    def set_goal_reached(self, goal_id: int, reached_on: str | None) -> Goal:
        """Mark a goal as reached on ``reached_on`` (an ISO date, "2026-03-14"), or as not
        reached yet (None); one undo step. The ending lists the goals a family reached."""
        goal = self.goal(goal_id)
        day = _iso_day(reached_on) if reached_on is not None else None
        if goal.reached_on == day:
            return goal
        with self._door.edit("Goal Reached" if day is not None else "Goal Not Reached") as rec:
            rec.update("goals", goal_id, {"reached_on": day})
        return self.goal(goal_id)

    def delete_goal(self, goal_id: int) -> None:
        """Remove a goal; one undo step."""
        self.goal(goal_id)
        with self._door.edit("Delete Goal") as rec:
            rec.delete("goals", goal_id)

    def goal(self, goal_id: int) -> Goal:
        """The goal with this id; NotFound if there is none."""
        return fetch(self._door, Goal, "goals", goal_id, "goal")

    def goals(self, case_id: int, cycle: int | None = None) -> list[Goal]:
        """A case's goals (one cycle's), in the order written."""
        found = self._door.read(queries.by_case, "goals", case_id, cycle)
        return [from_row(Goal, r) for r in found]


def _iso_day(text: str) -> str:
    """``text`` if it is a real calendar day written as an ISO date; else InvalidEdit."""
    try:
        day = date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        day = None
    if day is None or len(text.strip()) != len("2026-03-14"):
        raise InvalidEdit(f"a goal is reached on a day written as 2026-03-14, not {text!r}")
    return day.isoformat()
