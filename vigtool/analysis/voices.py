"""Who is vocalising when: stretches of voice, each the child's, the adult's or another's.

1. **Voice.** A frame is voiced when it is periodic (YIN voicing, see
   :mod:`.sound`) and louder than the room: the noise floor is a low
   percentile of the film's own loudness, so a hum, a fan or steady noise
   sets the bar rather than being taken for a voice.
2. **Stretches.** Voiced frames closer than a syllable gap join into one
   stretch; a stretch splits where the pitch jumps by half an octave or
   more and stays there (one partner starting before the other stops).
3. **Who.** Each stretch leans towards the child or the adult by four
   cues (pitch; voiceless consonants near it; energy above 3 kHz; a melody
   that jumps rather than glides: see ``_CUES``). Within the film the
   stretches are then grouped in two around those leanings, so each
   family's own voices set the boundary; below 250 Hz it is the adult.
4. **Someone else.** A group of adult stretches clearly quieter than the
   parent, with another pitch or timbre (a television, the next room), is
   set aside as ``other``, its frames taken out and the stretches found
   again; a partner's fragment far fainter than that partner usually is, is
   ``other`` too; loud, strained, high voice that goes on is ``cry``
   (:mod:`.crying`). Neither ever counts as a turn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from vigtool.analysis.crying import crying_frames
from vigtool.analysis.sound import FRAME_MS, SoundFeatures, mask_runs

Speaker = Literal["child", "adult", "other", "cry"]

_MIN_VOICING: Final = 0.55
_FLOOR_PERCENTILE: Final = 20
_SILENT_DB: Final = -100.0  # below this a frame is digital silence
_ABOVE_FLOOR_DB: Final = 9.0
_CLEAR_ABOVE_FLOOR_DB: Final = 4.0
_STEADY_VOICING: Final = 0.45
_STEADY_STEP: Final = 0.06  # octaves between neighbouring frames
_STEADY_RUN: Final = 6  # frames
_LEAST_RUN: Final = 4  # frames (40 ms)
_GAP_FRAMES: Final = 18  # 180 ms: syllables and consonants inside one stretch
_MIN_FRAMES: Final = 8  # 80 ms of voice at least
_SPLIT_OCTAVES: Final = 0.55
_EDGE_DB: Final = 10.0  # an edge this far below the stretch's voice is another sound
_SPLIT_HOLD: Final = 20  # voiced frames the new pitch must hold
_MIN_PIECE: Final = 30  # a split leaves at least 300 ms either side
_CHILD_F0: Final = 300.0  # Hz: where the pitch cue leans neither way
_CHILD_LINE: Final = float(np.log2(_CHILD_F0))
_LOWEST_CHILD_F0: Final = 250.0  # Hz: babies babble and coo above this
_QUIET_DB: Final = 5.0  # an adult group this much quieter than the parent: someone else
_MIN_GROUP: Final = 3
_OTHER_PITCH_OCTAVES: Final = 0.4
_OTHER_TIMBRE: Final = 0.3
_BACKGROUND_OCTAVES: Final = 0.5
_FAINT_DB: Final = 10.0
_SURE: Final = 1.0  # a leaning this strong: only such adult voices can be background
# Loudness counts most in telling the parent from a voice further away, then
# pitch, then each band of the timbre.
_BACKGROUND_WEIGHTS: Final = np.array([2.0, 1.0, 0.5, 0.5, 0.5, 0.5])
_CONSONANT_BRIGHTNESS: Final = 0.35
_CONSONANT_REACH: Final = 10  # frames either side of a stretch where its consonants are
_GROUPING_ROUNDS: Final = 8
_MELODY_STEP: Final = 1 / 3
_CLEAR_VOICING: Final = 0.8
_PRIOR_WEIGHT: Final = 0.5


@dataclass(frozen=True)
class Stretch:
    """One stretch of one voice: frames ``start..end`` (end exclusive) and who."""

    start: int
    end: int
    speaker: Speaker
    f0: float  # median pitch, Hz
    level_db: float  # median loudness of its voiced frames
    confidence: float  # 0..1, how sure the speaker label is

    @property
    def start_ms(self) -> int:
        return self.start * FRAME_MS

    @property
    def end_ms(self) -> int:
        return self.end * FRAME_MS


def room_floor(features: SoundFeatures) -> float:
    """The room's loudness: a low percentile of the film's frames, from its first sound.

    Digital silence before the sound starts (or after it stops) is where
    the sound was placed on the video's clock, not the room, and is left
    out; silence between sounds is the room, as quiet as it gets. A film of
    nothing but silence has its floor at full scale: nothing in it is a voice.
    """
    heard = np.flatnonzero(features.level_db > _SILENT_DB)
    if not heard.size:
        return 0.0
    return float(np.percentile(features.level_db[heard[0] : heard[-1] + 1], _FLOOR_PERCENTILE))


def voiced_frames(features: SoundFeatures) -> npt.NDArray[np.bool_]:
    """Which frames carry a voice (see the module notes, step 1)."""
    if features.frame_count == 0:
        return np.zeros(0, dtype=bool)
    above = features.level_db - room_floor(features)
    # Clearly periodic sound counts a little above the room; barely periodic
    # sound must stand well above it, unless it holds a steady pitch (noise
    # does not: its pitch jumps from frame to frame).
    return (features.f0 > 0) & (
        ((features.voicing >= _MIN_VOICING) & (above >= _ABOVE_FLOOR_DB))
        | ((features.voicing >= _CLEAR_VOICING) & (above >= _CLEAR_ABOVE_FLOOR_DB))
        | (
            (features.voicing >= _STEADY_VOICING)
            & (above >= _CLEAR_ABOVE_FLOOR_DB)
            & _steady_pitch(features)
        )
    )


def _steady_pitch(features: SoundFeatures) -> npt.NDArray[np.bool_]:
    """Frames in a run of :data:`_STEADY_RUN` or more whose pitch barely moves."""
    logf = np.log2(np.maximum(features.f0, 1.0))
    close = np.abs(np.diff(logf)) <= _STEADY_STEP
    # Frame i is steady with its successor when close[i].
    steady = np.zeros(features.frame_count, dtype=bool)
    for a, b in mask_runs(close):
        if b - a + 1 >= _STEADY_RUN:
            steady[a : b + 1] = True
    return steady & (features.f0 > 0)


def consonant_frames(features: SoundFeatures) -> npt.NDArray[np.bool_]:
    """Frames that sound like a voiceless consonant: noisy, bright, above the room."""
    if features.frame_count == 0:
        return np.zeros(0, dtype=bool)
    floor = room_floor(features)
    return (
        (features.voicing < _MIN_VOICING)
        & (features.bands[:, 3] > _CONSONANT_BRIGHTNESS)
        & (features.level_db >= floor + _ABOVE_FLOOR_DB)
    )


def find_stretches(features: SoundFeatures) -> list[Stretch]:
    """Every stretch of voice in the film, in order, each with its speaker.

    When a voice in the background is found, its frames are taken out and
    the stretches found again: a television's words between the parent's
    syllables would otherwise join them into one long, muddled stretch.
    """
    voiced = voiced_frames(features)
    # A voice holds its pitch for a few frames at least; a lone, barely
    # periodic frame is an echo's tail or a clatter, and would bridge two
    # voices. (In noise a voice comes in short runs, but clearly periodic.)
    for a, b in mask_runs(voiced):
        if b - a < _LEAST_RUN and features.voicing[a:b].max() < _CLEAR_VOICING:
            voiced[a:b] = False
    consonant = consonant_frames(features)
    crying = crying_frames(features, voiced)
    found = _stretches(features, voiced, consonant, crying)
    behind = _background_frames(features, voiced, found)
    if behind.any():
        again = _stretches(features, voiced & ~behind, consonant, crying)
        # The background's own stretches stay, marked, where the second look
        # found nothing, so they can be told apart from silence.
        kept = [
            s for s in found
            if s.speaker == "other" and not any(a.start < s.end and s.start < a.end for a in again)
        ]
        found = sorted(again + kept, key=lambda s: (s.start, s.end))
    return _faint_ones_aside(found)


def _faint_ones_aside(found: list[Stretch]) -> list[Stretch]:
    """A partner's stretch far quieter than that partner usually is: someone else.

    The parent and the baby are near the camera and keep to their own
    loudness; a fragment :data:`_FAINT_DB` below the partner's usual level
    is the television or the next room showing through.
    """
    out = list(found)
    for who in ("child", "adult"):
        mine = [i for i, s in enumerate(found) if s.speaker == who]
        if len(mine) < 2 * _MIN_GROUP:
            continue
        levels = np.array([found[i].level_db for i in mine])
        lengths = np.array([found[i].end - found[i].start for i in mine], dtype=float)
        usual = _weighted_percentile(levels, lengths, 50)
        for i in mine:
            if found[i].level_db < usual - _FAINT_DB:
                out[i] = replace(found[i], speaker="other")
    return out


def _stretches(
    features: SoundFeatures,
    voiced: npt.NDArray[np.bool_],
    consonant: npt.NDArray[np.bool_],
    crying: npt.NDArray[np.bool_],
) -> list[Stretch]:
    spans = _split_on_pitch(features, mask_runs(voiced, _GAP_FRAMES), voiced)
    spans = _trim_quiet_edges(features, spans, voiced)
    spans = [(a, b) for a, b in spans if np.count_nonzero(voiced[a:b]) >= _MIN_FRAMES]
    if not spans:
        return []
    described = [_describe(features, voiced, consonant, a, b) for a, b in spans]
    lean = _leanings(described)
    cry = np.array([bool(crying[d.start : d.end].any()) for d in described])
    background = _someone_else(described, (lean <= -_SURE) & ~cry)
    out: list[Stretch] = []
    for i, (d, towards_child) in enumerate(zip(described, lean, strict=True)):
        speaker: Speaker = "child" if towards_child > 0 else "adult"
        if cry[i]:
            speaker = "cry"
        elif i in background:
            speaker = "other"
        confidence = float(1 / (1 + np.exp(-abs(towards_child))))
        out.append(Stretch(d.start, d.end, speaker, d.f0, d.level_db, confidence))
    return out


def _background_frames(
    features: SoundFeatures, voiced: npt.NDArray[np.bool_], found: list[Stretch]
) -> npt.NDArray[np.bool_]:
    """Voiced frames anywhere in the film that sound like the background voice.

    As quiet as it (nearer its loudness than the parent's) and within half an
    octave of its usual pitch: a baby's voice is higher than a television's
    announcer, and a parent's louder.
    """
    behind = np.zeros(features.frame_count, dtype=bool)
    background = np.zeros(features.frame_count, dtype=bool)
    parent = np.zeros(features.frame_count, dtype=bool)
    for s in found:
        (background if s.speaker == "other" else parent)[s.start : s.end] = s.speaker != "child"
    background &= voiced
    parent &= voiced
    if np.count_nonzero(background) < _MIN_FRAMES or not parent.any():
        return behind
    level, logf = features.level_db, np.log2(np.maximum(features.f0, 1.0))
    middle = (np.median(level[background]) + np.median(level[parent])) / 2
    centre = float(np.median(logf[background]))
    low, high = centre - _BACKGROUND_OCTAVES, centre + _BACKGROUND_OCTAVES
    found_behind: npt.NDArray[np.bool_] = voiced & (level < middle) & (logf >= low) & (logf <= high)
    return found_behind


def _split_on_pitch(
    features: SoundFeatures, runs: list[tuple[int, int]], voiced: npt.NDArray[np.bool_]
) -> list[tuple[int, int]]:
    """Split a run where the pitch moves half an octave across an adult's reach, and holds.

    Such a change is another voice taking over: the partner starting before
    the other stops. (A parent's gliding pitch moves as far, but within an
    adult's reach.)
    """
    out: list[tuple[int, int]] = []
    logf = np.log2(np.maximum(features.f0, 1.0))
    for a, b in runs:
        frames = np.flatnonzero(voiced[a:b]) + a
        if frames.size < 2 * _SPLIT_HOLD:
            out.append((a, b))
            continue
        # held[k]: median pitch of voiced frames k..k+_SPLIT_HOLD-1, all at once.
        held = np.median(sliding_window_view(logf[frames], _SPLIT_HOLD), axis=1)
        cut_at = a
        i = _SPLIT_HOLD
        while i <= frames.size - _SPLIT_HOLD:
            # Medians of the last and the next _SPLIT_HOLD voiced frames.
            p0, p1 = float(held[i - _SPLIT_HOLD]), float(held[i])
            moved = abs(p1 - p0) if min(p0, p1) < _CHILD_LINE < max(p0, p1) else 0.0
            cut = int(frames[i])
            if (
                moved >= _SPLIT_OCTAVES
                and cut - cut_at >= _MIN_PIECE
                and b - cut >= _MIN_PIECE
            ):
                out.append((cut_at, cut))
                cut_at = cut
                i += _SPLIT_HOLD
            else:
                i += 2
        out.append((cut_at, b))
    return out


def _trim_quiet_edges(
    features: SoundFeatures, spans: list[tuple[int, int]], voiced: npt.NDArray[np.bool_]
) -> list[tuple[int, int]]:
    """Part a stretch's quiet start or end from it: a room's echo, a television under it.

    The edges more than :data:`_EDGE_DB` below the stretch's own loud part
    become stretches of their own, so a voice starts where it starts.
    """
    out: list[tuple[int, int]] = []
    for a, b in spans:
        frames = np.flatnonzero(voiced[a:b]) + a
        if frames.size < _MIN_FRAMES:
            out.append((a, b))
            continue
        level = features.level_db[frames]
        # Smoothed over five frames; past the stretch's ends the window holds
        # nothing, which pulls its first and last two frames up towards 0 dB,
        # so they mostly stay and a trim is of a longer quiet edge
        # (measured: trimming those too cost the corpus a television's worth
        # of pairs).
        smooth = np.convolve(level, np.ones(5) / 5, mode="same")
        strong = np.flatnonzero(smooth >= np.percentile(level, 80) - _EDGE_DB)
        if not strong.size:
            out.append((a, b))
            continue
        first, last = int(frames[strong[0]]), int(frames[strong[-1]]) + 1
        if first - a >= _MIN_PIECE:
            out.append((a, first))
        out.append((first if first - a >= _MIN_PIECE else a, last if b - last >= _MIN_PIECE else b))
        if b - last >= _MIN_PIECE:
            out.append((last, b))
    return out


@dataclass(frozen=True)
class _Described:
    start: int
    end: int
    f0: float
    level_db: float
    cues: tuple[float, ...]  # see _CUES
    timbre: tuple[float, ...]  # energy shares of the four bands while voiced


# What tells an adult's voice from a child's, each physically grounded and
# each only a leaning: (name, weight towards "child" per unit, clip).
#  - pitch: a child's is higher (log2 Hz above 300 Hz);
#  - consonants: voiceless fricatives and bursts (s, sh, f, t, k) are adult
#    speech; babble is voiced stops, nasals and vowels (per second);
#  - brightness: an adult voice carries more energy above 3 kHz (share);
#  - melody: speech's pitch jumps between syllables; babble and cooing glide
#    (mean octaves moved per 10 ms frame).
_CUES: Final = ("pitch", "consonants", "brightness", "melody")


def _describe(
    features: SoundFeatures,
    voiced: npt.NDArray[np.bool_],
    consonant: npt.NDArray[np.bool_],
    a: int,
    b: int,
) -> _Described:
    inside = np.flatnonzero(voiced[a:b]) + a
    f0 = features.f0[inside]
    logf = np.log2(f0)
    seconds = max(b - a, 1) * FRAME_MS / 1000
    near = consonant[max(0, a - _CONSONANT_REACH) : b + _CONSONANT_REACH]
    # Each step counts up to a third of an octave, so a pitch tracker's
    # octave slip in a coo weighs no more than a syllable's jump in speech.
    # Only clearly periodic frames: noise makes any pitch track wobble.
    clear = logf[features.voicing[inside] >= _CLEAR_VOICING]
    steps = np.minimum(np.abs(np.diff(clear)), _MELODY_STEP)
    melody = float(steps.mean()) if steps.size else 0.0
    return _Described(
        start=a,
        end=b,
        f0=float(np.median(f0)),
        level_db=float(np.median(features.level_db[inside])),
        cues=(
            float(np.median(logf)),
            np.count_nonzero(near) / seconds,
            float(features.bands[inside, 3].mean()),
            melody,
        ),
        timbre=tuple(float(v) for v in features.bands[inside].mean(axis=0)),
    )


def _leaning(cues: tuple[float, ...]) -> float:
    """How far the cues lean towards a child's voice (positive) or an adult's, in logits."""
    pitch, consonants, brightness, melody = cues
    return float(
        np.clip((pitch - np.log2(_CHILD_F0)) * 5.0, -3, 3)
        - np.clip(consonants / 3.0, 0, 2.5)
        - np.clip(brightness / 0.03, 0, 2.5)
        - np.clip((melody - 0.02) / 0.02, -1, 1.5)
    )


def _leanings(described: list[_Described]) -> npt.NDArray[np.float64]:
    """How far each stretch leans towards the child's voice (positive) or the adult's.

    Each stretch first leans by its own cues; then the film's stretches are
    grouped in two around those leanings (the cues standardised within the
    film), so a family's own two voices pull the boundary to where it is
    for them. A stretch goes with the nearer group unless its own leaning
    is strong. A voice pitched below any baby's is an adult's.
    """
    prior = np.array([_leaning(d.cues) for d in described])
    lean = _grouped(np.array([d.cues for d in described]), prior)
    # Below a baby's range the pitch settles it: a parent humming or cooing
    # back sounds like a baby in every other way.
    low = np.array([d.f0 < _LOWEST_CHILD_F0 for d in described])
    return np.where(low, np.minimum(lean, -_SURE), lean)


def _someone_else(described: list[_Described], adult: npt.NDArray[np.bool_]) -> set[int]:
    """The adult stretches that are not the parent: a television, another room.

    The adult stretches are grouped in two by loudness, pitch and timbre. If
    one group is clearly quieter than the other (by :data:`_QUIET_DB`) and
    also another voice (its pitch) or another sound (its timbre: a
    loudspeaker's narrow band), it is someone further away than the parent
    with the baby on their knee.
    """
    which = np.flatnonzero(adult)
    if which.size < 2 * _MIN_GROUP:
        return set()
    table = np.array(
        [[described[i].level_db, described[i].cues[0], *described[i].timbre] for i in which]
    )
    spread = table.std(axis=0)
    scaled = (table - table.mean(axis=0)) / np.where(spread > 1e-9, spread, 1.0)
    scaled *= _BACKGROUND_WEIGHTS
    loud = table[:, 0] >= np.median(table[:, 0])
    for _ in range(_GROUPING_ROUNDS):
        if loud.all() or not loud.any():
            return set()
        near_loud = np.linalg.norm(scaled - scaled[loud].mean(axis=0), axis=1)
        near_quiet = np.linalg.norm(scaled - scaled[~loud].mean(axis=0), axis=1)
        updated = near_loud <= near_quiet
        if np.array_equal(updated, loud):
            break
        loud = updated
    if min(np.count_nonzero(loud), np.count_nonzero(~loud)) < _MIN_GROUP:
        return set()
    gap = float(np.median(table[loud, 0]) - np.median(table[~loud, 0]))
    pitch_apart = abs(float(np.median(table[loud, 1]) - np.median(table[~loud, 1])))
    timbre_apart = float(np.abs(table[loud, 2:].mean(axis=0) - table[~loud, 2:].mean(axis=0)).sum())
    # Quieter, and another voice or another sound: not the parent further off.
    another = pitch_apart >= _OTHER_PITCH_OCTAVES or timbre_apart >= _OTHER_TIMBRE
    return {int(i) for i in which[~loud]} if gap >= _QUIET_DB and another else set()


def _grouped(
    cues: npt.NDArray[np.float64], prior: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Leanings after grouping the film's stretches in two (see :func:`_leanings`)."""
    child = prior > 0
    if cues.shape[0] < 4 or child.all() or not child.any():
        return prior
    spread = cues.std(axis=0)
    scaled = (cues - cues.mean(axis=0)) / np.where(spread > 1e-9, spread, 1.0)
    lean = prior
    for _ in range(_GROUPING_ROUNDS):
        if child.all() or not child.any():
            break
        to_child = np.linalg.norm(scaled - scaled[child].mean(axis=0), axis=1)
        to_adult = np.linalg.norm(scaled - scaled[~child].mean(axis=0), axis=1)
        lean = _PRIOR_WEIGHT * prior + (to_adult - to_child)
        updated = lean > 0
        if np.array_equal(updated, child):
            break
        child = updated
    return lean


def _weighted_percentile(values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64],
                         q: float) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    at = np.searchsorted(cum, cum[-1] * q / 100)
    return float(values[order][min(int(at), len(values) - 1)])
