"""How a benchmark with checks and goals ends: the table, the JSON, the exit status."""

from __future__ import annotations

import json
import sys
from typing import Any


def finish(table: str, report: dict[str, Any], *, as_json: bool, strict: bool) -> int:
    """Print the table (to stderr when JSON goes to stdout) and return the exit status.

    1 when a check failed (the numbers mean nothing), or with ``strict``
    when a goal was missed; otherwise 0.
    """
    if as_json:
        print(table, file=sys.stderr)
        print(json.dumps(report, indent=2))
    else:
        print(table)
    if not report["checks_ok"]:
        return 1
    return 1 if strict and not report["goals_met"] else 0
