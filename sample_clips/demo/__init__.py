"""The demo case's clip and truth; installed as the data-only package ``vigtool.demo_clips``.

Written by ``python -m sample_clips.generate``; read by :mod:`vigtool.demo`
through :func:`vigtool.resources.demo_file`.
"""
