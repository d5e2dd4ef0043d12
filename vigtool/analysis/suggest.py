"""Suggested moments for one film, in the background, with progress, cancel and a cache.

:func:`suggest_moments` decodes the sound (16 kHz mono on the video's
clock), finds the voices and their turns, reads the picture's motion in the
candidate spans, and returns the scored suggestions in time order.
:func:`load_or_suggest` keeps the result next to the film's other caches,
keyed by the analysis version, so a film is analysed once.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Final

from vigtool.analysis.exchanges import candidates, voice_turns
from vigtool.analysis.motion import span_motion
from vigtool.analysis.records import SuggestedTurn, Suggestion
from vigtool.analysis.sound import RATE, sound_features
from vigtool.analysis.voices import find_stretches
from vigtool.errors import VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex
from vigtool.media.opening import open_video
from vigtool.media.placed_sound import decode_mono, video_origin
from vigtool.privacy.files import atomic_write_bytes

ANALYSIS_VERSION: Final = 2
_UNKNOWN_MS: Final = 2**62
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
    sound_ms = samples.shape[0] * 1000 // RATE
    found = candidates(
        voice_turns(find_stretches(features)), duration_ms=min(sound_ms, _picture_ms(path, index))
    )
    progress(_SOUND + _VOICES, total)
    motion = span_motion(
        path, [(c.start_ms, c.end_ms) for c in found], cancel=cancel,
        origin_ms=float(video_origin(path, index) * 1000),
        progress=lambda done, of: progress(_SOUND + _VOICES + _PICTURE * done // max(of, 1), total),
    )
    if not found:
        progress(total, total)  # the picture was not read, so did not report
    return [c.suggestion(m) for c, m in zip(found, motion, strict=True)]


def _picture_ms(path: Path, index: FrameIndex | None) -> int:
    """Where the picture ends, in ms from its first frame (a large number if unknown)."""
    if index is not None:
        return index.times.duration_ms
    with open_video(path) as container:
        stream = container.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            return int(stream.duration * stream.time_base * 1000)
        if container.duration is not None:
            return int(container.duration // 1000)  # AV_TIME_BASE is microseconds
    return _UNKNOWN_MS


def load_or_suggest(
    path: Path,
    cache_file: Path,
    *,
    index: FrameIndex | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
    write: bool = True,
) -> list[Suggestion]:
    """The cached suggestions for this film, or analyse it and cache them atomically.

    ``write=False`` (a workspace only being looked at) never writes the
    cache. A cache that cannot be written (a full disk, read-only media)
    costs only the next opening's speed: the suggestions are returned.
    """
    cached = read_cache(cache_file)
    if cached is not None:
        return cached
    found = suggest_moments(path, index=index, progress=progress, cancel=cancel)
    if write:
        # If the cache cannot be written the analysis stands; only its cache is missing.
        with contextlib.suppress(VigtoolError, OSError):
            atomic_write_bytes(cache_file, json.dumps(suggestions_to_json(found)).encode())
    return found


def read_cache(cache_file: Path) -> list[Suggestion] | None:
    """The suggestions cached for a film, or None when there are none this version can use.

    A missing, damaged or older-version cache reads as None (the film will be
    analysed again); reading never raises.
    """
    if not cache_file.is_file():
        return None
    try:
        return suggestions_from_json(json.loads(cache_file.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
