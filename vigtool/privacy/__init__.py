"""Keeping family footage private: private files and folders, atomic writes."""
