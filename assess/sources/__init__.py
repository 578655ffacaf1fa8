"""The three sources of a unit's facts and the merged view the scoring rests on.

A unit submits its facts (``assess.facts``, with optional self-scores and evidence
pointers); the assessing office keeps records for every unit (:mod:`.records`); the
assessment team records its decisions (:mod:`.review`). :func:`merge` applies them with
the precedence review > office > unit and keeps, for every fact, which source it came
from and every disagreement between sources.
"""

from __future__ import annotations

from assess.facts import OFFICE_FIELDS, SourceKind
from assess.sources.merge import PRECEDENCE, Conflict, EvidenceStatus, FactSource, Merged, merge
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
