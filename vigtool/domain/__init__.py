"""Plain records and pure rules: no I/O, no Qt."""
