"""assess: score emergency-management assessments (应急管理工作年度考核) and explain every point."""

from __future__ import annotations

__version__ = "0.1.0"
