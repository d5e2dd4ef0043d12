"""``vigtool suggest``: candidate serve-and-return exchanges in a film, found from its sound.

Prints the suggestions as a plain table, or with ``--json`` as the list
``[{"start_ms", "end_ms", "score", "turns": [{"actor", "kind", "ms"}]}]``.
They are prompts to look, never tags: nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from vigtool.cli_args import one_line
from vigtool.domain.clock import player_time
from vigtool.jobs import Progress
from vigtool.media.opening import check_readable_file

if TYPE_CHECKING:
    from vigtool.analysis.records import Suggestion

_WHO = {"child": "baby", "adult": "adult"}


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        message = f"{one_line(text)!r} is not a number from 0 to 1"
        raise argparse.ArgumentTypeError(message) from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{value:g} is not a number from 0 to 1")
    return value


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "suggest", help="find candidate serve-and-return exchanges in a film's sound"
    )
    p.add_argument("video", type=Path)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--min-score", type=_score, default=0.0, metavar="S",
                   help="only suggestions scoring at least S (0-1; default: all)")


def run_suggest(args: argparse.Namespace, progress: Progress) -> int:
    """Analyse the film and print what was found."""
    from vigtool.analysis.suggest import suggest_moments

    video: Path = args.video
    check_readable_file(video)
    found = [s for s in suggest_moments(video, progress=progress) if s.score >= args.min_score]
    if args.json:
        print(json.dumps([s.to_json() for s in found], indent=2))
    else:
        print(describe(found, video.name))
    return 0


def describe(found: list[Suggestion], name: str) -> str:
    """The plain table: one line per suggestion, then its turns."""
    if not found:
        return f"{name}: no back-and-forth exchanges found in the sound"
    lines = [f"{name}: {len(found)} suggested moment{'s' if len(found) != 1 else ''} "
             "(prompts to look, not judgements)"]
    for n, s in enumerate(found, start=1):
        lines.append(
            f"{n:>3}. {player_time(s.start_ms)}-{player_time(s.end_ms)}  score {s.score:.2f}  "
            f"{s.exchanges} answer{'s' if s.exchanges != 1 else ''}"
            + ("" if s.motion is None else f", movement x{s.motion:.1f}")
        )
        for t in s.turns:
            after = f" ({t.answer_words()})" if t.latency_ms is not None else ""
            lines.append(f"       {player_time(t.ms)}  {_WHO[t.actor]} {t.kind}{after}")
    return "\n".join(lines)

