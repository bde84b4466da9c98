"""Stage 3, resolving: number the notes and figures and assemble the update."""
