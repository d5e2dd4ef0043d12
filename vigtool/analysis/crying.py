"""Crying: long, loud, high stretches of voice that are distress, not a serve.

LENA and most coding schemes keep a baby's cry apart from the vocalisations
that open an exchange; a parent's soothing over a cry is care, but not a
return. A cry is found as a few seconds in which most of the sound is high
voice (above :data:`_CRY_PITCH`) clearly louder than the film's usual high
voice: a cry is loud, high and it goes on, which babble, cooing and speech
(even a parent's raised voice, which leaves room for the baby) do not.
Everything inside, the soothing too, is set aside; the exchanges before and
after are read as usual.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from vigtool.analysis.sound import SoundFeatures, mask_runs

_CRY_PITCH: Final = 300.0  # Hz
_CRY_MEDIAN_PITCH: Final = 420.0  # Hz: a cry's pitch, when there is nothing to compare
_STRAIN: Final = 2 ** 0.1  # a cry sits above the usual high voice
_LOUDER_DB: Final = 4.0  # than the usual high voiced frame
_USUAL_PERCENTILE: Final = 30
_WINDOW: Final = 400  # frames (4 s) over which the loud high voice is counted
_DENSITY: Final = 0.5  # of those frames
_MIN_FRAMES: Final = 250  # 2.5 s at least
_BREATH: Final = 100  # frames: a pause for breath inside a cry


def crying_frames(
    features: SoundFeatures, voiced: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Which frames lie inside a crying stretch (see the module notes)."""
    crying = np.zeros(features.frame_count, dtype=bool)
    high = voiced & (features.f0 >= _CRY_PITCH)
    if features.frame_count < _WINDOW or np.count_nonzero(high) < _MIN_FRAMES:
        return crying  # a few seconds of film cannot hold a cry's density
    # A low percentile: a long cry can be most of the high voice in a film.
    usual = float(np.percentile(features.level_db[high], _USUAL_PERCENTILE))
    loud = high & (features.level_db >= usual + _LOUDER_DB)
    density = np.convolve(loud.astype(np.float64), np.ones(_WINDOW) / _WINDOW, mode="same")
    dense = density >= _DENSITY
    # A crying stretch: loud high voice with breaths of at most a second,
    # around at least one dense stretch, lasting long enough.
    for a, b in mask_runs(loud, _BREATH):
        if b - a >= _MIN_FRAMES and dense[a:b].any() and _strained(features, high, loud, a, b):
            crying[a:b] = True
    return crying


def _strained(
    features: SoundFeatures,
    high: npt.NDArray[np.bool_],
    loud: npt.NDArray[np.bool_],
    a: int,
    b: int,
) -> bool:
    """Whether the loud voice in ``a..b`` is pitched above the film's other high voice.

    A cry strains the voice upwards; a run of babble in an echoing room is
    as loud and as long, but at the baby's usual pitch.
    """
    pitch = float(np.median(features.f0[a:b][loud[a:b]]))
    elsewhere = high.copy()
    elsewhere[a:b] = False
    if np.count_nonzero(elsewhere) < _MIN_FRAMES:
        return pitch >= _CRY_MEDIAN_PITCH
    usual = float(np.median(features.f0[elsewhere]))
    return pitch >= usual * _STRAIN
