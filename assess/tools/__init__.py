"""Tools for rubric authors: lint, golden cases, ruleset diffs and generated units."""
