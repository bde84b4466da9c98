"""The events table: read and cache it, query it for facts, draw charts and maps from it."""
