"""Renderers: assessments, rankings, comparisons and rubrics as text, tables and files."""
