"""Session summaries: what a family keeps after a shared review, and the practitioner's record.

``summary.build_summary`` gathers the data (no words yet), ``summary.render_html``
puts it into words through Jinja2 templates (``templates/``) and gettext
(``i18n``), ``language`` keeps deficit words and jargon out of the family's
version, and ``export.export_summary`` writes an HTML or PDF file. No Qt here:
the PDF writer lives in ``vigtool.gui.pdf`` and is imported only when a PDF
is asked for.
"""
