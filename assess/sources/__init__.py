"""The three sources of a unit's facts and the merged view the scoring rests on.

A unit submits its facts (``assess.facts``, with optional self-scores and evidence
pointers); the assessing office keeps records for every unit (:mod:`.records`); the
assessment team records its decisions (:mod:`.review`). :func:`merge` applies them with
the precedence review > office > unit and keeps, for every fact, which source it came
from and every disagreement between sources.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assess.facts import OFFICE_FIELDS, SourceKind
from assess.sources.merge import PRECEDENCE, Conflict, EvidenceStatus, FactSource, Merged, merge

# The office's records and the team's review load on first use: scoring a unit on its
# own facts (`assess score unit.json`) reads neither, and their readers bring zipfile,
# difflib and the review's models.
_LAZY = {name: "records" for name in ("OFFICE_LABELS", "OfficeRecords", "RecordRow", "load_records",
                                      "parse_records", "records_json_schema")} \
    | {name: "review" for name in ("EVIDENCE_STATUSES", "Review", "ReviewEntry", "load_review", "parse_review",
                                   "review_json_schema")}

if TYPE_CHECKING:
    from assess.sources.records import (
        OFFICE_LABELS,
        OfficeRecords,
        RecordRow,
        load_records,
        parse_records,
        records_json_schema,
    )
    from assess.sources.review import (
        EVIDENCE_STATUSES,
        Review,
        ReviewEntry,
        load_review,
        parse_review,
        review_json_schema,
    )


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'assess.sources' has no attribute {name!r}")


__all__ = [
    "EVIDENCE_STATUSES",
    "OFFICE_FIELDS",
    "OFFICE_LABELS",
    "PRECEDENCE",
    "Conflict",
    "EvidenceStatus",
    "FactSource",
    "Merged",
    "OfficeRecords",
    "RecordRow",
    "Review",
    "ReviewEntry",
    "SourceKind",
    "load_records",
    "load_review",
    "merge",
    "parse_records",
    "parse_review",
    "records_json_schema",
    "review_json_schema",
]
