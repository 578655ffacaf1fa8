"""The output formats, named once for the library, the renderers and the command line."""

from __future__ import annotations

RANKING_FORMATS = ("plain", "grid", "github", "markdown", "html", "csv", "json", "xlsx")
"""Formats of a ranking: terminal tables, Markdown, HTML, CSV (UTF-8 with BOM), JSON, XLSX."""

ASSESSMENT_FORMATS = ("text", "markdown", "json")
"""Formats of one assessment: a Chinese report as text or Markdown, or its JSON form."""
