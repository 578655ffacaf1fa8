"""The field catalogue: every fact path a rule may read, with its kind and label.

Built once from the facts model; the condition language, the generator, the extractor
and the reports look fields up here instead of walking pydantic models themselves.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from assess.facts.model import UnitFacts

FieldKind = Literal["bool", "int", "number", "str", "enum", "section", "list"]


class FieldInfo:
    """What the rule language needs to know about one fact path."""

    __slots__ = ("better", "enum", "item_fields", "kind", "label", "maximum", "minimum", "path")

    def __init__(self, path: str, kind: FieldKind, label: str, better: str | None = None,
                 enum: tuple[str, ...] = (), item_fields: dict[str, FieldInfo] | None = None,
                 minimum: float | None = None, maximum: float | None = None) -> None:
        self.path = path
        self.kind = kind
        self.label = label
        self.better = better
        self.enum = enum
        self.item_fields = item_fields or {}
        self.minimum = minimum
        """The schema's bounds, where narrower than a count's or an amount's (a year, a percentage)."""
        self.maximum = maximum


def _describe(model: type[BaseModel], prefix: str) -> dict[str, FieldInfo]:
    out: dict[str, FieldInfo] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("x-provenance"):
            continue  # not a fact a rule may read
        label = str(extra.get("x-label") or info.title or name)
        better = extra.get("x-better")
        better_s = str(better) if better is not None else None
        out.update(_describe_type(info.annotation, path, label, better_s, _bounds(info.metadata, (None, None))))
    return out


def _describe_type(annotation: Any, path: str, label: str, better: str | None,
                   bounds: tuple[float | None, float | None] = (None, None)) -> dict[str, FieldInfo]:
    origin = get_origin(annotation)
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is Annotated:
        return _describe_type(args[0], path, label, better, _bounds(annotation.__metadata__, bounds))
    if origin is Literal:
        return {path: FieldInfo(path, "enum", label, better, enum=tuple(str(a) for a in args))}
    if origin is list:
        item = args[0]
        item_fields = _describe(item, "") if isinstance(item, type) and issubclass(item, BaseModel) else {}
        return {path: FieldInfo(path, "list", label, better, item_fields=item_fields)}
    if origin is not None:  # Optional[X]
        return _describe_type(args[0], path, label, better, bounds)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        section = {path: FieldInfo(path, "section", label)}
        section.update(_describe(annotation, f"{path}."))
        return section
    scalar: dict[Any, FieldKind] = {bool: "bool", int: "int", float: "number", str: "str"}
    kind = scalar.get(annotation)
    if kind is None:
        raise TypeError(f"unsupported fact type at {path}: {annotation!r}")
    return {path: FieldInfo(path, kind, label, better, minimum=bounds[0], maximum=bounds[1])}


def _bounds(metadata: Any, bounds: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    low, high = bounds
    for item in metadata:
        for constraint in getattr(item, "metadata", [item]):
            low = getattr(constraint, "ge", low)
            high = getattr(constraint, "le", high)
    return low, high


FIELDS: dict[str, FieldInfo] = _describe(UnitFacts, "")
"""Every fact path (``organization.staff``, ``drills``) with its type and label."""


def facts_json_schema() -> dict[str, Any]:
    """The JSON Schema of unit facts, with ``$id`` carrying the schema version."""
    schema = UnitFacts.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


SourceKind = Literal["unit", "office", "review"]
"""Who supplied a fact: the unit's submission, the assessing office's records, or the
assessment team's review."""

OFFICE_FIELDS: tuple[str, ...] = (
    "tasks.assigned",       # 督办台账
    "tasks.completed",
    "work.summary",         # 材料报送台账: whether the year-end summary came in
    "work.materials_late",
    "duty.spot_checks",     # 值班抽查
    "duty.absences",
    "reporting.reported",   # 信息报送记录, from the office's own duty desk
    "reporting.late",
    "reporting.false",
    "reporting.missed",
    "reporting.concealed",
    "incidents.major",      # 事故/灾情统计 against the control target
    "incidents.major_responsible",  # 事故调查报告 that find the unit responsible
    "incidents.general",
    "incidents.deaths",
    "incidents.death_limit",
    "honors",               # with the 文号 of each conferring document
)
"""The facts the assessing office owns and keeps for every unit: a rule answered by the
office (``source: office``) reads only these, and a unit is never charged for them."""

DOCUMENTED: dict[str, str] = {"honors": "number"}
"""Lists whose items a unit claims with a document: the item field holding its 文号. A
claim without one is pending in 初评 and not counted in 终评."""
