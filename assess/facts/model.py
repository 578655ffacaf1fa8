"""What a unit submits: the whole facts model, its sections put together and checked across.

The building blocks are in :mod:`assess.facts.base`, the sections in
:mod:`assess.facts.sections`, what travels with the facts unscored in
:mod:`assess.facts.provenance`.
"""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from assess.facts.base import (
    FACTS_SCHEMA_ID,
    FACTS_SCHEMA_VERSION,
    MAX_LIST,
    Count,
    ShortText,
    cross_error,
    fact_field,
)
from assess.facts.provenance import (
    Adjustment,
    EvidenceRef,
    Extraction,
    Points,
)
from assess.facts.sections import (
    Comms,
    Drill,
    Duty,
    Enforcement,
    Enterprises,
    Flood,
    ForestFire,
    Funds,
    Grassroots,
    Hazards,
    Honor,
    Incidents,
    Legal,
    Organization,
    Plans,
    Publicity,
    Reporting,
    Responsibility,
    Safety,
    Source,
    Supplies,
    Tasks,
    Teams,
    Unit,
    Warning_,
    Work,
)
from assess.i18n import _


class UnitFacts(BaseModel):
    """Everything one unit submits for one assessment."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True,
        title="assess unit facts",
        json_schema_extra={"$id": FACTS_SCHEMA_ID, "x-schema-version": FACTS_SCHEMA_VERSION},
    )

    unit: Unit = Field(title="单位")
    source: Source | None = Field(default=None, title="来源")
    self_score: Annotated[float, Field(ge=0, le=200)] | None = fact_field("自评分", "The unit's own score.")
    work: Work | None = Field(default=None, title="工作部署")
    organization: Organization | None = Field(default=None, title="组织机构")
    plans: Plans | None = Field(default=None, title="预案")
    teams: Teams | None = Field(default=None, title="应急队伍")
    supplies: Supplies | None = Field(default=None, title="应急物资")
    drills: list[Drill] | None = fact_field("演练", "One entry per drill held.", max_length=MAX_LIST)
    drill_participants: Count | None = fact_field(
        "参演人次", "Participants in all drills together, when only the total is stated.", "more")
    responsibility: Responsibility | None = Field(default=None, title="安全生产责任")
    safety: Safety | None = Field(default=None, title="安全生产")
    enforcement: Enforcement | None = Field(default=None, title="执法检查")
    enterprises: Enterprises | None = Field(default=None, title="行业企业")
    flood: Flood | None = Field(default=None, title="防汛抗旱")
    forest_fire: ForestFire | None = Field(default=None, title="森林防灭火")
    grassroots: Grassroots | None = Field(default=None, title="基层能力")
    comms: Comms | None = Field(default=None, title="应急通信")
    duty: Duty | None = Field(default=None, title="应急值守")
    reporting: Reporting | None = Field(default=None, title="信息报送")
    warning: Warning_ | None = Field(default=None, title="监测预警")
    hazards: Hazards | None = Field(default=None, title="风险隐患")
    publicity: Publicity | None = Field(default=None, title="宣教培训")
    legal: Legal | None = Field(default=None, title="法制建设")
    tasks: Tasks | None = Field(default=None, title="交办任务")
    shelters: Count | None = fact_field("避难场所", "Emergency shelters.", "more")
    funds: Funds | None = Field(default=None, title="应急经费")
    incidents: Incidents | None = Field(default=None, title="突发事件")
    honors: list[Honor] | None = fact_field("荣誉", "Honours and promotions of the year.", max_length=MAX_LIST)
    adjustments: list[Adjustment] | None = fact_field(
        "评审调整", "Assessor judgments for discretionary rules.", max_length=MAX_LIST)
    self_scores: Annotated[dict[ShortText, Points], Field(max_length=MAX_LIST)] | None = Field(
        default=None, title="分项自评分", json_schema_extra={"x-provenance": True},
        description="The unit's own points per rubric item, by rule id. Compared, never scored.")
    evidence: Annotated[list[EvidenceRef], Field(max_length=MAX_LIST)] | None = Field(
        default=None, title="佐证材料", json_schema_extra={"x-provenance": True},
        description="The evidence the unit points to, per fact path or per rule. Never scored.")
    extraction: Extraction | None = Field(
        default=None, title="抽取来源", json_schema_extra={"x-provenance": True},
        description="Set by assess extract: the text behind each drafted value. Never scored.")

    @model_validator(mode="after")
    def _years(self) -> "UnitFacts":
        if self.unit.year is not None and self.drills:
            for index, drill in enumerate(self.drills):
                if drill.date is not None and int(drill.date[:4]) != self.unit.year:
                    raise PydanticCustomError(
                        "cross_field", "{message}",
                        {"message": _("drill date {date} is outside the assessment year {year}").format(
                            date=drill.date, year=self.unit.year),
                         "field": f"drills.{index}.date"})
        if self.adjustments:
            rules = [adj.rule for adj in self.adjustments]
            dup = next((r for r in rules if rules.count(r) > 1), None)
            if dup is not None:
                raise cross_error("adjustments", _("rule {rule!r} is adjusted twice").format(rule=dup))
        return self
