"""Resolving: number the notes and figures and assemble the update."""
