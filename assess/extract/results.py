"""What extraction hands back: the draft facts of a unit and the evidence for each value."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Evidence(BaseModel):
    """The text behind one drafted value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quote: str = Field(description="The matched text, as it stands in the input.")
    start: int = Field(ge=0, description="Offset of the quote's first character in the input text.")
    end: int = Field(ge=0, description="Offset just past the quote's last character.")
    confidence: float = Field(ge=0, le=1, description="How sure the pattern is (0-1).")
    approximate: bool = Field(default=False, description="The text gives the number as 余/多/近/约.")
    rule: str = Field(description="Name of the pattern that matched.")


class Draft(BaseModel):
    """Draft facts of one unit, with the evidence for each value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    facts: dict[str, Any] = Field(description="Unit facts, valid under the facts schema.")
    evidence: dict[str, Evidence] = Field(description="Evidence keyed by JSON path (plans.special, drills[2]).")
    unsupported: list[str] = Field(description="Rubric fact paths that no sentence supports.")
    flags: list[dict[str, Any]] = Field(default_factory=list,
                                        description="Flags for a person (code, message, quote); never scored.")

    def to_facts(self, document: str | None = None, part: int | None = None) -> dict[str, Any]:
        """The draft as one facts document: the facts, their source, and the evidence in
        an ``extraction`` section (provenance; the scoring never reads it)."""
        out = dict(self.facts)
        if document is not None or part is not None:
            source = {"document": document} if document is not None else {}
            out["source"] = {**source, **({"part": part} if part is not None else {})}
        out["extraction"] = {
            "tool": "assess extract", **({"document": document} if document is not None else {}),
            "evidence": {path: e.model_dump() for path, e in self.evidence.items()},
            "unsupported": list(self.unsupported),
            **({"flags": [dict(flag) for flag in self.flags]} if self.flags else {})}
        return out
