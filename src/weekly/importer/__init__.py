"""Import a Word draft: read the .docx, recognise the edition's parts, write inputs/DATE/.

Stages: :mod:`package` opens the file safely, :mod:`wordml` walks its XML into paragraphs,
footnotes and comments, :mod:`notes` turns footnotes into citation points and sources,
:mod:`draft` recognises the edition's parts, :mod:`edition` writes the folder.
"""
