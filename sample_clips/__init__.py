"""Deterministic sample media for vigtool's tests and demos.

Every clip is synthesised from code (PyAV + numpy + OpenCV drawing) rather than
filmed, so tests know the exact truth of each frame (its number, time and
orientation) and no real family ever appears in the repository.
"""
