"""What a family can consent to, and what the consents on record add up to.

The scopes are the ones VIG services ask about. Consent is recorded as a
history (given, refused, withdrawn); the latest record of a scope decides.
Withdrawal is at any time and is never undone by the app: a new consent has
to be recorded for the scope to hold again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vigtool.domain.records import Consent

SCOPES: dict[str, str] = {
    "filming": "filming the family",
    "shared-review": "watching the clips with the family in a shared review",
    "supervision": "showing clips to the practitioner's supervisor",
    "intervision": "showing clips to a peer group (intervision)",
    "training": "using clips in training and teaching",
    "keep-clips": "keeping the chosen clips after the raw film is deleted",
}
"""Scope id -> what it allows, in plain words (practitioner-facing)."""

SHORT_LABELS: dict[str, str] = {
    "filming": "Filming",
    "shared-review": "Shared review",
    "supervision": "Supervision",
    "intervision": "Intervision",
    "training": "Training",
    "keep-clips": "Keep clips",
}


def check_scope(kind: str) -> str:
    """``kind`` if it is a known scope, else a ValueError naming the known ones."""
    if kind not in SCOPES:
        raise ValueError(f"{kind!r} is not a consent scope; use one of: {', '.join(SCOPES)}")
    return kind


@dataclass(frozen=True)
class ScopeState:
    """Where one scope stands now: ``granted`` is what every check asks."""

    scope: str
    granted: bool
    status: str  # "given", "not given", "withdrawn" or "not asked"
    since: str | None  # when the deciding record was made (or withdrawn)
    recorded_by: str


def consent_state(consents: Iterable[Consent]) -> dict[str, ScopeState]:
    """Each scope's current state from the case's consent history (oldest first)."""
    latest: dict[str, Consent] = {}
    for consent in consents:
        latest[consent.kind] = consent
    state = {}
    for scope in SCOPES:
        c = latest.get(scope)
        if c is None:
            state[scope] = ScopeState(scope, False, "not asked", None, "")
        elif c.withdrawn_at is not None:
            state[scope] = ScopeState(scope, False, "withdrawn", c.withdrawn_at, c.recorded_by)
        else:
            status = "given" if c.given else "not given"
            state[scope] = ScopeState(scope, c.given, status, c.recorded_at, c.recorded_by)
    return state


def missing_consent_message(case_code: str, state: ScopeState, doing: str) -> str:
    """One line saying why ``doing`` cannot go ahead, and what would let it."""
    what = SCOPES[state.scope]
    if state.status == "withdrawn":
        why = f"the family withdrew consent to {what} ({(state.since or '')[:10]})"
    elif state.status == "not given":
        why = f"the family did not consent to {what}"
    else:
        why = f"no consent to {what} is recorded"
    return (f"cannot {doing}: for case {case_code}, {why}; record the family's consent "
            "first (Case > Consent, or vigtool consent)")
