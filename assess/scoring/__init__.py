"""The scoring stage: an engine's answers turned into points, caps, grades and records."""
