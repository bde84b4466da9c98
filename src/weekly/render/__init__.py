"""Stage 4, output: HTML through Jinja, the draft aids, PDF through WeasyPrint, atomic writes."""
