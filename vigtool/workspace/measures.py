"""Scaling: the ratings a parent (or practitioner) gives on a measure across the work.

``ws.measures`` holds the ratings (cycle 0 is the first meeting, before any
filming; cycle N the review of cycle N; the last one is the end) and the
measures they are on: the built-in helping-question scale (0 to 10) and any
service's own, from a measures file (``vigtool.domain.measures``).

The workspace keeps its own copy of the checked file in its ``settings``
table, not a path to it: a workspace moved to another laptop, opened
read-only by a supervisor or backed up still knows every measure's range and
wording, and editing the service's file later cannot change what an earlier
rating meant. A new file is refused (one line) if a rating already made would
lose its measure or fall outside its range.

One rating per case, cycle, measure and rater: rating again at the same point
replaces the value (one undo step brings the earlier one back), so the
chart, the exports and the ending all read the same value. No Qt here.
"""

from __future__ import annotations

from pathlib import Path

from vigtool.domain.measures import (
    BUILTIN_MEASURE,
    HELPING_QUESTION,
    Measure,
    MeasuresError,
    MeasureSet,
    Rater,
    Scale,
    check_rater,
    for_family,
    load_measures,
    measure_by_id,
    measures_from_text,
)
from vigtool.domain.records import Rating
from vigtool.errors import InvalidEdit, NotFound
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import from_row
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door, fetch

MEASURES_KEY = "measures"
MAX_CYCLE = 999
MAX_NOTE = 2000


class Measures:
    """``ws.measures``: the measures this workspace asks, and the ratings given on them."""

    def __init__(self, door: Door, caseload: Caseload) -> None:
        self._door = door
        self._caseload = caseload

    # -- the measures ---------------------------------------------------------------------

    def service_measures(self) -> MeasureSet | None:
        """The service's own measures kept in this workspace, or None."""
        text = self._door.read(queries.setting, MEASURES_KEY)
        if not text:
            return None
        try:
            return measures_from_text(text, "kept in this workspace")
        except MeasuresError as exc:  # only a hand-edited database gets here
            raise MeasuresError(f"{exc}; choose the service's measures file again") from exc

    def measures(self) -> tuple[Measure, ...]:
        """Every measure asked here: the helping question's scale first, then the service's."""
        found = self.service_measures()
        return found.all if found is not None else (BUILTIN_MEASURE,)

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id; NotFound naming the ones there are."""
        measures = self.measures()
        found = measure_by_id(measures, measure_id)
        if found is None:
            known = ", ".join(repr(m.id) for m in measures)
            raise NotFound(f"there is no measure {measure_id!r} here (measures: {known})")
        return found

    def use_measures_file(self, path: Path | str) -> MeasureSet:
        """Check the service's measures file and keep a copy of it in this workspace
        (replacing any earlier one). Not an undo step: choose the earlier file again."""
        measures = load_measures(Path(path))
        self.set_service_measures(measures)
        return measures

    def set_service_measures(self, measures: MeasureSet | None) -> None:
        """Keep ``measures`` (None: only the built-in scale) as this workspace's own.

        Refused (MeasuresError, one line) if a rating already made would lose its
        measure or no longer fit its range: a rating keeps its meaning."""
        kept = measures.all if measures is not None else (BUILTIN_MEASURE,)
        for case in self._caseload.cases():
            for rating in self.ratings(case.id):
                measure = measure_by_id(kept, rating.measure)
                if measure is None:
                    raise MeasuresError(
                        f"case {case.code} has ratings on '{rating.measure}': keep that "
                        "measure in the file (ratings keep their meaning)")
                if rating.value not in measure.values:
                    raise MeasuresError(
                        f"case {case.code} has a rating of {rating.value} on "
                        f"'{measure.name}', outside its new range {measure.min} to "
                        f"{measure.max}: keep the range (ratings keep their meaning)")
        with self._door.edit("Measures", undoable=False) as rec:
            rec.put_setting(MEASURES_KEY, measures.to_json() if measures is not None else "")
            rec.log("measures", None, "the service's measures: " + (
                ", ".join(m.id for m in measures.measures) if measures is not None
                else "none (only the helping question's scale)"))

    # -- ratings ----------------------------------------------------------------------------

    def add_rating(
        self,
        case_id: int,
        *,
        cycle: int,
        value: int,
        measure: str = HELPING_QUESTION,
        rated_by: Rater = "parent",
        note: str = "",
    ) -> Rating:
        """Rate ``measure`` at ``cycle`` (0: the first meeting; N: the review of cycle N).

        ``value`` must be a point of the measure's scale (0 to 10 for the helping
        question). ``rated_by`` is whose rating it is: "parent" (also when you type
        it in for them) or "practitioner". Rating again at the same point replaces
        the value; either way it is one undo step."""
        self._caseload.case(case_id)
        scale = self.measure(measure)
        value = scale.check(value)
        rater = check_rater(rated_by)
        cycle = _cycle(cycle)
        note = _note(note)
        existing = self.rating_at(case_id, cycle, measure, rater)
        if existing is not None:
            return self.update_rating(existing.id, value=value, note=note)
        with self._door.edit("Add Rating") as rec:
            rating_id = rec.insert("ratings", {
                "case_id": case_id, "cycle": cycle, "measure": measure, "value": value,
                "note": note, "rated_by": rater, "rated_at": utc_now()})
        return self.rating(rating_id)

    def update_rating(self, rating_id: int, *, value: int | None = None,
                      note: str | None = None) -> Rating:
        """Change a rating's value or note; one undo step."""
        rating = self.rating(rating_id)
        values: dict[str, object] = {}
        if value is not None:
            values["value"] = self.measure(rating.measure).check(value)
        if note is not None:
            values["note"] = _note(note)
        if all(getattr(rating, k) == v for k, v in values.items()):
            return rating
        with self._door.edit("Change Rating") as rec:
            rec.update("ratings", rating_id, {**values, "rated_at": utc_now()})
        return self.rating(rating_id)

    def delete_rating(self, rating_id: int) -> None:
        """Take a rating back (the parent chose to skip it after all); one undo step."""
        self.rating(rating_id)
        with self._door.edit("Delete Rating") as rec:
            rec.delete("ratings", rating_id)

    def rating(self, rating_id: int) -> Rating:
        """The rating with this id; NotFound if there is none."""
        return fetch(self._door, Rating, "ratings", rating_id, "rating")

    def rating_at(self, case_id: int, cycle: int, measure: str = HELPING_QUESTION,
                  rated_by: Rater = "parent") -> Rating | None:
        """The rating at that point, or None (not asked, or skipped)."""
        row = self._door.read(queries.rating_at, case_id, cycle, measure, rated_by)
        return None if row is None else from_row(Rating, row)

    def ratings(self, case_id: int, measure: str | None = None) -> list[Rating]:
        """A case's ratings (on one measure), by measure, then cycle, the parent's first."""
        return [from_row(Rating, r) for r in self._door.read(queries.ratings, case_id, measure)]

    def scales(self, case_id: int, *, up_to_cycle: int | None = None,
               family: bool = False) -> tuple[Scale, ...]:
        """Each measure rated in the case, in measure order, with its ratings from the first
        meeting up to ``up_to_cycle`` (all when None). ``family``: only what the family
        may keep (the parent's own ratings, without notes)."""
        ratings = [r for r in self.ratings(case_id)
                   if up_to_cycle is None or r.cycle <= up_to_cycle]
        kept = for_family(ratings) if family else tuple(ratings)
        scales = []
        for measure in self.measures():
            mine = tuple(r for r in kept if r.measure == measure.id)
            if mine:
                scales.append(Scale(measure, mine))
        return tuple(scales)


def _cycle(cycle: int) -> int:
    if isinstance(cycle, bool) or not isinstance(cycle, int) or not 0 <= cycle <= MAX_CYCLE:
        raise InvalidEdit(f"a rating's cycle is 0 (the first meeting) or a cycle number up to "
                          f"{MAX_CYCLE}, not {cycle!r}")
    return cycle


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidEdit(f"a rating's note is at most {MAX_NOTE} characters")
    return note
