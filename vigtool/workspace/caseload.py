"""Cases (a family, by pseudonym) and their cycles of filming and review."""

from __future__ import annotations

import unicodedata
from typing import Any

from vigtool.domain.records import PRONOUNS, Case, Cycle
from vigtool.errors import InvalidEdit, NotFound
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import from_row
from vigtool.workspace.door import Door, fetch


class Caseload:
    """``ws.caseload``: the cases in this workspace and their cycles."""

    def __init__(self, door: Door) -> None:
        self._door = door

    def add_case(
        self,
        code: str,
        helping_question: str = "",
        *,
        child_name: str = "",
        pronoun: str = "",
    ) -> Case:
        """A new case. ``code`` is a pseudonym (never the family's name), unique here.

        ``child_name`` (a first name) and ``pronoun`` ("she", "he", "they" or "")
        shape the suggested wording for the parent and nothing else.
        """
        code = self._free_code(code, None)
        with self._door.edit("Add Case") as rec:
            case_id = rec.insert(
                "cases",
                {"code": code, "helping_question": helping_question, "created_at": utc_now(),
                 "child_name": child_name.strip(), "pronoun": _pronoun(pronoun)},
            )
        return self.case(case_id)

    def update_case(
        self,
        case_id: int,
        *,
        code: str | None = None,
        helping_question: str | None = None,
        child_name: str | None = None,
        pronoun: str | None = None,
    ) -> Case:
        """Change any of the case's details given; one undo step."""
        self.case(case_id)
        values: dict[str, Any] = {}
        if code is not None:
            values["code"] = self._free_code(code, case_id)
        if helping_question is not None:
            values["helping_question"] = helping_question
        if child_name is not None:
            values["child_name"] = child_name.strip()
        if pronoun is not None:
            values["pronoun"] = _pronoun(pronoun)
        with self._door.edit("Edit Case") as rec:
            rec.update("cases", case_id, values)
        return self.case(case_id)

    def _free_code(self, code: str, case_id: int | None) -> str:
        code = code.strip()
        if not code:
            raise InvalidEdit("a case needs a code (a pseudonym, never the family's name)")
        if any(unicodedata.category(c).startswith("C") for c in code):
            raise InvalidEdit("a case code is letters, digits and punctuation: no control "
                              "characters or line breaks")
        if len(code) > 64:
            raise InvalidEdit("a case code is at most 64 characters (a short pseudonym)")
        found = self._door.read(queries.case_by_code, code)
        if found is not None and found["id"] != case_id:
            raise InvalidEdit(f"there is already a case with the code {code!r}")
        return code

    def case(self, case_id: int) -> Case:
        """The case with this id; NotFound if there is none."""
        return fetch(self._door, Case, "cases", case_id, "case")

    def case_by_code(self, code: str) -> Case:
        """The case with this code; NotFound if there is none."""
        row = self._door.read(queries.case_by_code, code)
        if row is None:
            raise NotFound(f"there is no case with the code {code!r}")
        return from_row(Case, row)

    def cases(self) -> list[Case]:
        """Every case, by code."""
        return [from_row(Case, r) for r in self._door.read(queries.cases)]

    def cycles(self, case_id: int) -> list[Cycle]:
        """The case's cycles, by number (a cycle exists once a recording is imported into it)."""
        return [from_row(Cycle, r) for r in self._door.read(queries.cycles, case_id)]


def _pronoun(pronoun: str) -> str:
    pronoun = pronoun.strip().lower()
    if pronoun and pronoun not in PRONOUNS:
        raise InvalidEdit(f"the child's pronoun is one of {', '.join(PRONOUNS)} (or left empty)")
    return pronoun
