"""Suggested moments: candidate serve-and-return exchanges found in a film's sound and picture.

No Qt here. :mod:`.sound` turns the sound into per-frame features (loudness,
pitch, voicing, spectral shape), :mod:`.voices` finds who is vocalising when
(the child, the adult, or someone else), :mod:`.exchanges` finds the turns
that answer each other and scores the spans, :mod:`.motion` measures how
much the picture moves there, and :mod:`.suggest` runs them all in the
background with progress and cancel, and caches the result per film.
"""
