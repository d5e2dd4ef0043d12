"""Benchmarks of vigtool against baselines measured in the same run (see README.md)."""
