"""The inputs: YAML with line numbers, series, sources and the edition's front matter."""
