"""Reading video: probe, frame index, exact-frame reader (PyAV; no Qt)."""
