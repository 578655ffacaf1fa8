"""The value types a ruleset file is made of, shared by the file format and the forms."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
Points = Annotated[float, Field(ge=0, le=1000)]
Positive = Annotated[float, Field(gt=0, le=1000)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Expr = Annotated[str, Field(min_length=1, max_length=2000)]
