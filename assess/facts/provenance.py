"""What travels with the facts but is never scored: assessor adjustments, the unit's own
evidence pointers and self-scores, and where drafted values came from (extraction)."""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from assess.facts.base import (
    MAX_LIST,
    Note,
    Section,
    ShortText,
    cross_error,
)
from assess.i18n import _


def _hundredths(value: float) -> float:
    # the ledger counts in integer hundredths; a third decimal would be silently rounded
    if abs(value * 100 - round(value * 100)) > 1e-6:
        raise PydanticCustomError("hundredths", "{message}", {
            "message": _("points have at most two decimals, got {value}").format(value=value)})
    return value


Points = Annotated[float, Field(ge=0, le=1000), AfterValidator(_hundredths)]
"""Points an assessor enters (an adjustment, a pick inside a range)."""


class Adjustment(Section):
    rule: ShortText = Field(title="规则编号")
    points: Points = Field(title="扣分")
    note: Note = Field(title="评审说明")


class EvidenceRef(Section):
    """A piece of evidence (佐证材料) the unit points to, for one fact path or one rule."""

    path: ShortText | None = Field(default=None, title="事实路径", description="The fact the evidence supports.")
    rule: ShortText | None = Field(default=None, title="规则编号", description="The rubric item it supports.")
    document: ShortText | None = Field(default=None, title="文件名称")
    number: ShortText | None = Field(default=None, title="文号")
    page: Annotated[int, Field(ge=1, le=100_000)] | None = Field(default=None, title="页码")
    note: Note | None = Field(default=None, title="说明")

    @model_validator(mode="after")
    def _pointed(self) -> "EvidenceRef":
        if (self.path is None) == (self.rule is None):
            raise cross_error("path", _("give exactly one of path (a fact) or rule (a rubric item)"))
        if self.document is None and self.number is None and self.note is None:
            raise cross_error("document", _("name the evidence: a document, its number (文号) or a note"))
        if self.path is not None:
            # The catalogue is built from this module, so it is looked up when validating.
            from assess.facts.catalogue import FIELDS
            from assess.paths import did_you_mean

            if self.path not in FIELDS:
                raise cross_error("path", _("unknown fact path {path!r}").format(path=self.path)
                                  + did_you_mean(self.path, FIELDS))
        return self


class ExtractedValue(Section):
    quote: Annotated[str, Field(max_length=2000)] = Field(title="原文")
    start: Annotated[int, Field(ge=0)] = Field(title="起始位置")
    end: Annotated[int, Field(ge=0)] = Field(title="结束位置")
    confidence: Annotated[float, Field(ge=0, le=1)] = Field(title="置信度")
    approximate: bool = Field(default=False, title="约数")
    rule: ShortText = Field(title="抽取规则")


class Flag(Section):
    """Something about a submission a person must look at before trusting its score."""

    code: Literal["template_blank", "half_year", "type_mismatch", "content_site", "shared_passage",
                  "veto_blank"] = Field(title="标记")
    message: Note = Field(title="说明")
    quote: Annotated[str, Field(max_length=2000)] | None = Field(default=None, title="原文")


# Python functions, not the builtins dict and list: pydantic reads a default factory's
# signature, and a builtin's is parsed from its text with the tokenize module, which every
# start of the command line would otherwise import and compile for these fields.
def _no_evidence() -> dict[str, ExtractedValue]:
    return {}


def _no_paths() -> list[str]:
    return []


def _no_flags() -> list[Flag]:
    return []


class Extraction(Section):
    """Where drafted facts came from (``assess extract``): provenance, never scored."""

    tool: ShortText = Field(title="抽取工具")
    document: ShortText | None = Field(default=None, title="来源文件")
    evidence: Annotated[dict[str, ExtractedValue], Field(max_length=MAX_LIST)] = Field(
        default_factory=_no_evidence, title="证据", description="The text behind each drafted value, by JSON path.")
    unsupported: Annotated[list[str], Field(max_length=MAX_LIST)] = Field(
        default_factory=_no_paths, title="缺少佐证", description="Rubric facts no sentence supports.")
    flags: Annotated[list[Flag], Field(max_length=MAX_LIST)] = Field(
        default_factory=_no_flags, title="审核标记",
        description="Template blanks, half-year periods, shared passages and the like: for a person, never scored.")
