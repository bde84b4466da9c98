"""Rendering: HTML through Jinja, the draft aids, PDF through WeasyPrint, the share card."""
