"""The building blocks of the facts model: limits, value types, closed sets, and a section.

A field that is absent (or null) means "not submitted", which is not the same as
``false`` or ``0``: the facts keep that difference and the assessment reports it.
Unknown fields are errors, never silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from assess.i18n import _, language

FACTS_SCHEMA_VERSION = "1.0"
FACTS_SCHEMA_ID = f"https://assess.invalid/schema/facts/{FACTS_SCHEMA_VERSION}"

MAX_COUNT = 1_000_000_000
MAX_AMOUNT = 1e12
MAX_LIST = 10_000
MAX_DEPTH = 64

Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(min_length=1, max_length=2000)]


UnitType = Literal["township", "street", "department", "county", "devzone", "city"]

Sector = Literal[
    "transport", "grain", "environment", "housing", "education", "water", "natural_resources",
    "agriculture", "health", "industry", "public_security", "other",
]
"""The sector a county department runs: it picks the department's own indicators (个性指标)."""
Percent = Annotated[float, Field(ge=0, le=100)]
Year = Annotated[int, Field(ge=1990, le=2100)]


Hazard = Literal[
    "flood", "geologic", "forest_fire", "fire", "production_safety", "hazardous_chemicals",
    "traffic", "earthquake", "weather", "food_safety", "public_health", "animal_epidemic",
    "environment", "mass_incident", "supply", "comprehensive", "other",
]
"""Kinds of emergency a drill or plan addresses."""


def fact_field(label: str, description: str, better: str | None = None, **kwargs: Any) -> Any:
    """A submitted fact: optional, with a Chinese label and which direction is better.

    ``better`` is ``"true"`` for a flag where true is better, ``"more"`` or ``"less"``
    for a number; the property tests use it to check that improving a fact never
    lowers a score.
    """
    extra: dict[str, Any] = {"x-label": label}
    if better is not None:
        extra["x-better"] = better
    return Field(default=None, title=label, description=description,
                 json_schema_extra=extra, **kwargs)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


def cross_error(field: str, message: str) -> PydanticCustomError:
    """A cross-field error that names the field it is about (see `_issue_from_error`)."""
    return PydanticCustomError("cross_field", "{message}", {"message": message, "field": field})


def not_above(section: BaseModel, pairs: tuple[tuple[str, str], ...]) -> None:
    """A part never exceeds its whole (closed <= found and the like), when both are given."""
    for part, whole in pairs:
        low, high = getattr(section, part), getattr(section, whole)
        if low is not None and high is not None and low > high:
            raise cross_error(part, exceeds(section, part, low, whole, high))


def exceeds(section: BaseModel, part: str, value: object, whole: str, limit: object) -> str:
    """``part (value) exceeds whole (limit)``: a part of a fact above its whole, the two
    named by their Chinese labels when the reader reads Chinese (完成任务（5）大于交办任务（3）)."""
    def name(field: str) -> str:
        title = type(section).model_fields[field].title
        return title if language() == "zh" and title else field
    return _("{part} ({value}) exceeds {whole} ({limit})").format(part=name(part), value=value, whole=name(whole),
                                                                   limit=limit)
