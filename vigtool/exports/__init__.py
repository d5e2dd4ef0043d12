"""Data exchange: snapshots of a case written as CSV, JSON, ELAN (EAF) and WebVTT,
and ELAN files read back as moments and turns.

Build one ``SessionExport`` with ``session.build_session`` and hand it to the
writers in ``tabular``, ``eaf`` and ``subtitles``; each takes the output path,
writes it atomically (a failure or cancel leaves no file) and returns it.
``eaf_import.import_eaf`` is the way in. No Qt here.
"""
