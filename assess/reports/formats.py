"""The output formats, named once for the library, the renderers and the command line."""

from __future__ import annotations

RANKING_FORMATS = ("plain", "grid", "github", "markdown", "html", "csv", "json", "xlsx", "docx")
"""Formats of a ranking: terminal tables, Markdown, HTML, CSV (UTF-8 with BOM), JSON, XLSX,
and the Word 通报 (docx)."""

BINARY_FORMATS = ("xlsx", "docx")
"""Formats that need ``-o FILE``: they are not text for a terminal."""

ASSESSMENT_FORMATS = ("text", "markdown", "json")
"""Formats of one assessment: a Chinese report as text or Markdown, or its JSON form."""
