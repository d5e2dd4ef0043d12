"""JSON Schemas and built-in codebooks, shipped as the ``vigtool.schemas`` package."""
