"""A case the family has agreed to be filmed for, as most tests need."""

from __future__ import annotations

from vigtool.workspace import Workspace


def filmed_case(ws: Workspace, code: str) -> int:
    """Add case ``code`` with the family's consent to filming recorded; its id."""
    case = ws.add_case(code)
    ws.add_consent(case.id, kind="filming", given=True)
    return case.id
