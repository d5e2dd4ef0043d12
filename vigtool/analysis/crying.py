"""Crying: long, loud stretches of voice that are distress, not a serve.

LENA and most coding schemes keep a baby's cry apart from the vocalisations
that open an exchange; a parent's soothing over a cry is care, but not a
return. A cry is found as a few seconds in which most of the sound is voice
far louder than the film's usual voices: a cry is loud and it goes on, which
babble, cooing and speech do not. Everything inside (the soothing too) is
set aside; the exchanges before and after are read as usual.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from vigtool.analysis.sound import SoundFeatures, mask_runs

_LOUDER_DB: Final = 5.0  # than the median voiced frame
_WINDOW: Final = 300  # frames (3 s) over which the loud voice is counted
_DENSITY: Final = 0.5  # of those frames loud voice
_MIN_FRAMES: Final = 200  # 2 s at least
_BREATH: Final = 100  # frames: a pause for breath inside a cry


def crying_frames(
    features: SoundFeatures, voiced: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Which frames lie inside a crying stretch (see the module notes)."""
    crying = np.zeros(features.frame_count, dtype=bool)
    if np.count_nonzero(voiced) < _WINDOW:
        return crying
    usual = float(np.median(features.level_db[voiced]))
    loud = (voiced & (features.level_db >= usual + _LOUDER_DB)).astype(np.float64)
    density = np.convolve(loud, np.ones(_WINDOW) / _WINDOW, mode="same")
    dense = density >= _DENSITY
    # A crying stretch: loud voice with breaths of at most a second, around
    # at least one dense stretch, lasting two seconds or more.
    for a, b in mask_runs(loud > 0, _BREATH):
        if b - a >= _MIN_FRAMES and dense[a:b].any():
            crying[a:b] = True
    return crying

