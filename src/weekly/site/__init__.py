"""The archive as the series' website: every edition, then index, feeds, topic pages, search."""
