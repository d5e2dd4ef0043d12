"""Who an export is for, and so what it may hold: the one home of that rule.

Every export names its audience, and the narrow one is the default:

* ``family`` (the default), ``intervision`` (a peer group of practitioners)
  and ``training`` (teaching material) hold only the moments chosen for the
  shared review, with their strengths wording and prompt: never the
  practitioner's private notes (on moments, turns and cycles), never a
  moment left out of the review, never a film's original file name (phones
  name files after children) and never the laptop's folders.
* ``practitioner`` is the practitioner's own record: every moment, with the
  private notes.

Each audience but the practitioner needs the family's consent to that use
(``CONSENT_SCOPES``); ``run_export`` checks it before anything is written.
What an export of each kind holds for each audience is carried out by
``SessionExport.for_audience`` (data), ``media_exports`` (clips, reel,
stills) and the summary's two versions (the family's for every audience but
the practitioner). No Qt here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

from vigtool.errors import VigtoolError

Audience = Literal["family", "practitioner", "intervision", "training"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
DEFAULT_AUDIENCE: Audience = "family"

CONSENT_SCOPES: Mapping[Audience, str | None] = {
    "family": "shared-review",
    "practitioner": None,  # the practitioner's own record stays with the practitioner
    "intervision": "intervision",
    "training": "training",
}

# What each audience's export holds, in a few words (the CLI's help and the app say it).
HOLDS: Mapping[Audience, str] = {
    "family": "the moments chosen for the review, with their words, and no private notes",
    "practitioner": "every moment with the private notes (the practitioner's own record)",
    "intervision": "what the family gets, to show a peer group of practitioners",
    "training": "what the family gets, for training and teaching",
}

# "export clips for the family": how an action names its audience.
FOR_WHOM: Mapping[Audience, str] = {
    "family": "for the family",
    "practitioner": "for the practitioner's record",
    "intervision": "for the peer group (intervision)",
    "training": "for training and teaching",
}


def check_audience(audience: str) -> Audience:
    """``audience`` if it is one of ``AUDIENCES``; else a one-line VigtoolError."""
    for known in AUDIENCES:
        if audience == known:
            return known
    raise VigtoolError(f"an export is for {', '.join(AUDIENCES)}, not {audience!r}")


def holds_everything(audience: Audience) -> bool:
    """True for the practitioner's own record: every moment and the private notes."""
    return audience == "practitioner"


def summary_version(audience: Audience) -> Literal["family", "practitioner"]:
    """Which summary an audience gets: the practitioner's record, or else the family's."""
    return "practitioner" if holds_everything(audience) else "family"


def name_suffix(audience: Audience) -> str:
    """What an audience adds to an exported file's name: nothing for the family (the
    default), else ``-practitioner``, ``-intervision`` or ``-training``."""
    return "" if audience == DEFAULT_AUDIENCE else f"-{audience}"
