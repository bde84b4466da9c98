"""Authoring: make the inputs of an edition, by starting one from the last or importing a draft.

:mod:`new` carries the previous edition's lasting parts into a new ``update.md``. Importing a
Word draft reads the .docx, recognises the edition's parts and writes ``inputs/DATE/``:
:mod:`package` opens the file safely, :mod:`wordml` walks its XML into paragraphs, footnotes
and comments, :mod:`notes` turns footnotes into citation points and sources,
:mod:`draft` recognises the edition's parts, :mod:`edition` writes the folder.
"""
