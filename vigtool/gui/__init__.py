"""All Qt code lives here (PySide6 and python-vlc); the core never imports it."""
