"""The body: evaluate the sandboxed template, then parse Markdown into the document model."""
