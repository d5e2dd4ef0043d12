"""Suggested moments for one film, in the background, with progress, cancel and a cache.

:func:`suggest_moments` decodes the sound (16 kHz mono on the video's
clock), finds the voices and their turns, reads the picture's motion in the
candidate spans, and returns the scored suggestions in time order.
:func:`load_or_suggest` keeps the result next to the film's other caches,
keyed by the analysis version, so a film is analysed once.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from vigtool.analysis.exchanges import candidates, voice_turns
from vigtool.analysis.motion import span_motion
from vigtool.analysis.records import SuggestedTurn, Suggestion
from vigtool.analysis.sound import RATE, sound_features
from vigtool.analysis.voices import find_stretches
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex
from vigtool.media.placed_sound import decode_mono
from vigtool.privacy.files import atomic_write_bytes

ANALYSIS_VERSION: Final = 1
# Shares of the progress bar: decoding the sound, reading it, the picture.
_SOUND, _VOICES, _PICTURE = 40, 20, 40


def suggest_moments(
    path: Path,
    *,
    index: FrameIndex | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Suggestion]:
    """Candidate serve-and-return exchanges in the film at ``path``, sorted by start.

    The sound first, then the picture's motion in the candidate spans only
    (in one thread: two threads fought over the interpreter and took half
    as long again). Empty for a film without sound. Raises MediaError for a
    file that is not a readable video, Cancelled if cancelled.
    """
    total = _SOUND + _VOICES + _PICTURE
    samples = decode_mono(
        path, rate=RATE, index=index, cancel=cancel,
        progress=lambda done, of: progress(_SOUND * done // max(of, 1), total),
    )
    if samples is None:
        progress(total, total)
        return []
    features = sound_features(samples, cancel=cancel)
    found = candidates(
        voice_turns(find_stretches(features)), duration_ms=samples.shape[0] * 1000 // RATE
    )
    progress(_SOUND + _VOICES, total)
    motion = span_motion(
        path, [(c.start_ms, c.end_ms) for c in found], origin_ms=_origin_ms(index), cancel=cancel,
        progress=lambda done, of: progress(_SOUND + _VOICES + _PICTURE * done // max(of, 1), total),
    )
    progress(total, total)
    return [c.suggestion(m) for c, m in zip(found, motion, strict=True)]


def _origin_ms(index: FrameIndex | None) -> float:
    if index is None or not index.frame_count:
        return 0.0
    num, den = index.time_base
    return float(int(index.pts[0]) * Fraction(num, den) * 1000)


def load_or_suggest(
    path: Path,
    cache_file: Path,
    *,
    index: FrameIndex | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[Suggestion]:
    """The cached suggestions for this film, or analyse it and cache them atomically."""
    if cache_file.is_file():
        try:
            return suggestions_from_json(json.loads(cache_file.read_bytes()))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # stale or damaged: analysed again below
    found = suggest_moments(path, index=index, progress=progress, cancel=cancel)
    atomic_write_bytes(cache_file, json.dumps(suggestions_to_json(found)).encode())
    return found


def suggestions_to_json(found: list[Suggestion]) -> dict[str, Any]:
    """The cache's form: every field, under the analysis version."""
    return {
        "version": ANALYSIS_VERSION,
        "suggestions": [
            {
                "start_ms": s.start_ms, "end_ms": s.end_ms, "score": s.score, "motion": s.motion,
                "turns": [[t.actor, t.kind, t.ms, t.end_ms, t.latency_ms] for t in s.turns],
            }
            for s in found
        ],
    }


def suggestions_from_json(data: Any) -> list[Suggestion]:
    """Read :func:`suggestions_to_json`; ValueError if another version wrote it."""
    if not isinstance(data, dict) or data.get("version") != ANALYSIS_VERSION:
        raise ValueError("suggestions cached by another analysis version")
    out: list[Suggestion] = []
    for s in data["suggestions"]:
        turns = tuple(
            SuggestedTurn(actor, kind, int(ms), int(end), None if lat is None else int(lat))
            for actor, kind, ms, end, lat in s["turns"]
        )
        if any(t.actor not in ("child", "adult") or t.kind not in ("initiative", "response")
               for t in turns):
            raise ValueError("a cached turn has an unknown actor or kind")
        motion = None if s["motion"] is None else float(s["motion"])
        span = (int(s["start_ms"]), int(s["end_ms"]))
        out.append(Suggestion(*span, float(s["score"]), turns, motion))
    return out
