"""The archive: every edition, the index and the feed."""
