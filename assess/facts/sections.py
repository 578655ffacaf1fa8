"""The sections of a unit's facts: one model per part of the rubric's evidence."""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
import datetime as _dt
from collections import Counter
from typing import Annotated, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from assess.facts.base import (
    MAX_LIST,
    Amount,
    Count,
    Hazard,
    Note,
    Percent,
    Section,
    Sector,
    ShortText,
    UnitType,
    Year,
    cross_error,
    exceeds,
    fact_field,
    not_above,
)
from assess.i18n import _


class Source(Section):
    document: ShortText | None = fact_field("来源文件", "Where the facts were transcribed from.")
    part: int | None = fact_field("篇目", "Part number in the source document (第N篇).", ge=1, le=10_000)
    note: Note | None = fact_field("说明", "How the facts were obtained.")


class Unit(Section):
    id: ShortText = Field(title="单位编码", description="Stable identifier of the unit.")
    name: ShortText = Field(title="单位名称", description="Name of the unit.")
    type: UnitType = Field(title="单位类型", description="Kind of unit; picks the ruleset.")
    year: int | None = fact_field("考核年度", "Assessment year.", ge=1990, le=2100)
    parent: ShortText | None = fact_field("上级单位", "The level above that assesses the unit.")
    period: Literal["annual", "half-year"] | None = fact_field(
        "报告期", "Whether the submission covers the whole year or half of it.")
    sector: Sector | None = fact_field(
        "所属行业", "The sector a county department runs; picks its own indicators (个性指标).")


class Work(Section):
    plan: bool | None = fact_field("年度工作计划", "An annual emergency work plan or key points was issued.", "true")
    meetings: Count | None = fact_field("专题会议", "Meetings held to study and deploy emergency work.", "more")
    summary: bool | None = fact_field("年度总结", "A year-end summary was written and submitted.", "true")
    materials_late: Count | None = fact_field(
        "材料迟报", "Times requested materials were submitted late or not at all.", "less")


class Organization(Section):
    leadership_group: bool | None = fact_field(
        "领导小组", "An emergency-management leadership group is set up.", "true")
    principal_leads: bool | None = fact_field(
        "主要领导任组长", "The group is headed by the unit's principal leader.", "true")
    office: bool | None = fact_field("应急办", "An emergency office is set up.", "true")
    staff: Count | None = fact_field("专职人员", "Named staff dedicated to emergency work.", "more")
    posted: bool | None = fact_field("职责上墙", "Responsibilities are posted on the wall.", "true")
    in_appraisal: bool | None = fact_field(
        "纳入目标考核", "Emergency work is part of subordinates' target appraisal.", "true")
    subunits_total: Count | None = fact_field(
        "下辖单位数", "Townships, streets or offices directly under the unit.")
    subunits_with_office: Count | None = fact_field(
        "已建应急机构的下辖单位", "Of those, how many have an emergency office.", "more")

    @model_validator(mode="after")
    def _subunits(self) -> "Organization":
        if (self.subunits_total is not None and self.subunits_with_office is not None
                and self.subunits_with_office > self.subunits_total):
            raise cross_error("subunits_with_office", exceeds(self, "subunits_with_office", self.subunits_with_office,
                                                              "subunits_total", self.subunits_total))
        return self


PlanKind = Literal["overall", "special", "department", "grassroots"]


class NamedPlan(Section):
    title: ShortText = Field(title="预案名称")
    kind: PlanKind = Field(title="预案类别")


class Plans(Section):
    overall: bool | None = fact_field("总体预案", "An overall emergency plan exists.", "true")
    # No "better" direction: more special plans is good, but the count is also the
    # denominator of the share of special plans drilled.
    special: Count | None = fact_field("专项预案", "Number of special emergency plans.")
    department: Count | None = fact_field("部门预案", "Number of department plans.", "more")
    revised: Count | None = fact_field("当年修订", "Plans revised this year.", "more")
    filed: bool | None = fact_field("备案", "Plans are filed with the level above.", "true")
    special_drilled: Count | None = fact_field(
        "已演练专项预案", "Special plans exercised by a drill this year.", "more")
    grassroots_total: Count | None = fact_field(
        "基层单位数", "Villages, communities and enterprises under the unit.")
    grassroots_with_plans: Count | None = fact_field(
        "有预案的基层单位", "Of those, how many have their own plan.", "more")
    named: list[NamedPlan] | None = fact_field(
        "预案清单", "Plans the unit names (evidence; the counts above are what is scored).",
        max_length=MAX_LIST)
    last_revised_year: Year | None = fact_field(
        "最近修订年份", "Year the overall plan was last revised (plans are revised at least every three years).",
        "more")

    @model_validator(mode="after")
    def _consistent(self) -> "Plans":
        if (self.grassroots_total is not None and self.grassroots_with_plans is not None
                and self.grassroots_with_plans > self.grassroots_total):
            raise cross_error("grassroots_with_plans", exceeds(
                self, "grassroots_with_plans", self.grassroots_with_plans, "grassroots_total", self.grassroots_total))
        if (self.special is not None and self.special_drilled is not None
                and self.special_drilled > self.special):
            raise cross_error("special_drilled", exceeds(self, "special_drilled", self.special_drilled,
                                                         "special", self.special))
        if self.revised is not None and None not in (self.overall, self.special, self.department):
            existing = int(bool(self.overall)) + (self.special or 0) + (self.department or 0)
            if self.revised > existing:
                raise cross_error("revised", _("revised ({revised}) exceeds the plans the unit has ({existing})")
                                  .format(revised=self.revised, existing=existing))
        if self.named is not None:
            titles = [plan.title for plan in self.named]
            seen = Counter(titles)  # not titles.count(): 10,000 plans took seconds
            dup = next((t for t in titles if seen[t] > 1), None)
            if dup is not None:
                raise cross_error("named", _("plan {title!r} is named twice").format(title=dup))
            named_special = sum(1 for plan in self.named if plan.kind == "special")
            if self.special is not None and named_special > self.special:
                raise cross_error("special", _("special ({special}) is less than the {named} special plans named "
                                               "in plans.named").format(special=self.special, named=named_special))
            if self.overall is False and any(p.kind == "overall" for p in self.named):
                raise cross_error("overall", _("overall is false but plans.named lists an overall plan"))
        return self


class Teams(Section):
    members: Count | None = fact_field("综合应急队伍人数", "Members of the unit's comprehensive team.", "more")
    grassroots_teams: Count | None = fact_field("基层应急分队", "Village or community squads.", "more")
    grassroots_members: Count | None = fact_field("基层分队人数", "Members of those squads.", "more")
    professional: Count | None = fact_field("专业队伍", "Professional emergency teams.", "more")
    volunteers: Count | None = fact_field("志愿者", "Registered emergency volunteers.", "more")
    trainings: Count | None = fact_field("队伍培训", "Team trainings held this year.", "more")
    social_registered: Count | None = fact_field(
        "登记社会救援力量", "Social rescue forces registered with the unit.", "more")


class SupplyItem(Section):
    name: ShortText = Field(title="物资名称")
    quantity: Amount = Field(title="数量")
    unit: Annotated[str, Field(max_length=20)] | None = Field(default=None, title="计量单位")


class Supplies(Section):
    storage: bool | None = fact_field("储备库房", "A storage room for emergency supplies.", "true")
    ledger: bool | None = fact_field("物资台账", "A supplies ledger is kept.", "true")
    custodian: bool | None = fact_field("专人管理", "A named custodian looks after the supplies.", "true")
    supply_points: Count | None = fact_field(
        "粮食应急供应网点", "Emergency grain supply points the unit runs (粮食应急供应网点).", "more")
    maintained: bool | None = fact_field("定期维护", "Supplies are checked and maintained.", "true")
    items: list[SupplyItem] | None = fact_field("物资清单", "Supplies in store.", max_length=MAX_LIST)
    contracted: bool | None = fact_field(
        "协议储备", "Supplies are also reserved by agreement with suppliers (协议储备).", "true")


_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Drill(Section):
    kind: Hazard | None = Field(default=None, title="演练类型",
                                description="Left out when the unit does not say what the drill was about.")
    date: Annotated[str, Field(pattern=_DATE_PATTERN)] | None = Field(
        default=None, title="日期", description="YYYY, YYYY-MM or YYYY-MM-DD.")
    participants: Count | None = Field(default=None, title="参演人数")
    organizer: ShortText | None = Field(default=None, title="组织单位")
    title: ShortText | None = Field(default=None, title="演练名称")
    role: Literal["organizer", "assistant"] | None = Field(
        default=None, title="承担角色",
        description="organizer: the unit organised the drill; assistant: it only took part in one "
                    "another body organised (organizer names that body).")

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            parts = [int(p) for p in value.split("-")] + [1, 1]
            try:
                _dt.date(parts[0], parts[1], parts[2])
            except ValueError as exc:
                raise PydanticCustomError("date", "{message}", {
                    "message": _("{value} is not a calendar date").format(value=value)}) from exc
        return value


class Duty(Section):
    round_the_clock: bool | None = fact_field("24小时值班", "24-hour duty is kept.", "true")
    leader_on_duty: bool | None = fact_field("领导带班", "A leader is on call.", "true")
    log_kept: bool | None = fact_field("值班记录", "A duty log is kept.", "true")
    absences: Count | None = fact_field("脱岗", "Times a duty post was found unmanned.", "less")
    # The office's own count of calls to the duty post: it gives the absences their
    # denominator in the records and reports, and no rule needs a direction for it.
    spot_checks: Count | None = fact_field("值班抽查", "Spot-check calls the assessing office made to the duty post.")


class Reporting(Section):
    reported: Count | None = fact_field("报送事件", "Events reported to the level above.")
    late: Count | None = fact_field("迟报", "Late reports.", "less")
    false: Count | None = fact_field("谎报", "False reports.", "less")
    missed: Count | None = fact_field("漏报", "Omitted reports.", "less")
    concealed: Count | None = fact_field("瞒报", "Concealed events.", "less")
    briefings: Count | None = fact_field("信息简报", "Emergency information briefings submitted.", "more")

    @model_validator(mode="after")
    def _within_reported(self) -> "Reporting":
        if self.reported is not None:
            for name in ("late", "false"):
                value = getattr(self, name)
                if value is not None and value > self.reported:
                    raise cross_error(name, exceeds(self, name, value, "reported", self.reported))
        return self


class Warning_(Section):
    system: bool | None = fact_field("预警机制", "An early-warning release mechanism exists.", "true")
    issued: Count | None = fact_field("发布预警", "Warnings released this year.", "more")
    answered: bool | None = fact_field(
        "预警叫应", "Warnings are answered: the people warned confirm they received them (叫应).", "true")
    broadcast_coverage: Percent | None = fact_field(
        "村村响覆盖率", "Share of villages reached by emergency broadcasting (村村响), in percent.", "more")


class Responsibility(Section):
    letters_signed: Count | None = fact_field(
        "安全生产责任书签订数", "Safety responsibility letters signed this year.", "more")
    subunits: Count | None = fact_field(
        "应签订单位数", "Units (villages, enterprises, offices) that should sign one.")

    @model_validator(mode="after")
    def _signed(self) -> "Responsibility":
        not_above(self, (("letters_signed", "subunits"),))
        return self


class Safety(Section):
    campaigns: Count | None = fact_field("打非治违/专项整治行动次数",
                                     "Special campaigns against illegal operation and major hazards.", "more")
    major_hazards_found: Count | None = fact_field("发现重大事故隐患", "Major accident hazards found this year.")
    major_hazards_closed: Count | None = fact_field(
        "整改销号重大事故隐患", "Of those, how many were rectified and closed.", "more")

    @model_validator(mode="after")
    def _closed(self) -> "Safety":
        not_above(self, (("major_hazards_closed", "major_hazards_found"),))
        return self


class Enforcement(Section):
    plan: bool | None = fact_field("年度执法计划", "A yearly inspection and enforcement plan.", "true")
    inspections: Count | None = fact_field("执法检查次数", "Enforcement inspections done this year.", "more")
    penalties: Count | None = fact_field("行政处罚数", "Administrative penalties imposed this year.")
    three_rules: bool | None = fact_field(
        "执法三项制度", "公示、全过程记录、法制审核 are in force for enforcement.", "true")


class Enterprises(Section):
    total: Count | None = fact_field("行业企业数", "Enterprises of the sector the unit supervises.")
    dual_prevention: Count | None = fact_field(
        "建立双重预防机制企业数", "Of those, how many run risk grading and hazard screening.", "more")
    plans_filed: Count | None = fact_field(
        "企业预案备案数", "Of those, how many have filed their own emergency plan.", "more")

    @model_validator(mode="after")
    def _within_total(self) -> "Enterprises":
        not_above(self, (("dual_prevention", "total"), ("plans_filed", "total")))
        return self


class Flood(Section):
    responsible_named: bool | None = fact_field(
        "防汛责任人落实", "Responsible officials are named for every reservoir, dike and hazard site.", "true")
    monitors: Count | None = fact_field("群测群防监测员", "Monitors for flash floods and landslide points.", "more")
    evacuated_in_time: bool | None = fact_field(
        "危险区域人员及时转移", "People in danger zones were moved out in time (应转尽转、应转早转).", "true")


class ForestFire(Section):
    rangers: Count | None = fact_field("护林员", "Forest rangers.", "more")
    hotspots: Count | None = fact_field("卫星热点", "Satellite hot spots passed to the unit.")
    hotspots_answered: Count | None = fact_field(
        "按时核查反馈热点", "Of those, how many were checked and reported back in time.", "more")

    @model_validator(mode="after")
    def _answered(self) -> "ForestFire":
        not_above(self, (("hotspots_answered", "hotspots"),))
        return self


class Grassroots(Section):
    info_officers: Count | None = fact_field("灾害信息员", "Disaster information officers.", "more")
    villages: Count | None = fact_field("村（社区）数", "Villages and communities under the unit.")


class Comms(Section):
    satellite_phones: Count | None = fact_field(
        "卫星电话", "Satellite phones that work when roads, power and networks are cut (三断).", "more")


class Hazards(Section):
    inspections: Count | None = fact_field("排查次数", "Hazard screening rounds held.", "more")
    sites_checked: Count | None = fact_field("检查单位", "Enterprises or sites inspected.", "more")
    found: Count | None = fact_field("发现隐患", "Hazards found this year.")
    rectified: Count | None = fact_field("整改隐患", "Hazards rectified this year.", "more")

    @model_validator(mode="after")
    def _rectified(self) -> "Hazards":
        if self.found is not None and self.rectified is not None and self.rectified > self.found:
            raise cross_error("rectified", exceeds(self, "rectified", self.rectified, "found", self.found))
        return self


class Publicity(Section):
    events: Count | None = fact_field("宣传活动", "Publicity activities held.", "more")
    materials: Count | None = fact_field("宣传资料", "Publicity materials handed out.", "more")
    people_trained: Count | None = fact_field("培训人数", "People trained.", "more")
    trainings: Count | None = fact_field("培训班次", "Training sessions held.", "more")
    law_publicity: bool | None = fact_field("应对法宣传", "The Emergency Response Law was publicised.", "true")


class Legal(Section):
    regulations: Count | None = fact_field("规章制度", "Written emergency rules of the unit.", "more")


class Tasks(Section):
    assigned: Count | None = fact_field("交办任务", "Emergency tasks assigned by the level above.")
    completed: Count | None = fact_field("完成任务", "Of those, how many were completed.", "more")

    @model_validator(mode="after")
    def _completed(self) -> "Tasks":
        if self.assigned is not None and self.completed is not None and self.completed > self.assigned:
            raise cross_error("completed", exceeds(self, "completed", self.completed, "assigned", self.assigned))
        return self


class Funds(Section):
    budgeted: bool | None = fact_field("经费预算", "Emergency work has a budget line.", "true")
    amount: Amount | None = fact_field("经费金额（万元）", "Budgeted amount in 10,000 yuan.", "more")


class Incidents(Section):
    major: Count | None = fact_field("较大及以上事件", "Events of 较大 level or worse in the unit's remit.", "less")
    major_responsible: Count | None = fact_field(
        "较大及以上责任事故", "Of those, production safety accidents the accident investigation found the unit "
        "(or the local government) responsible for.", "less")
    general: Count | None = fact_field("一般事件", "General-level events.", "less")
    deaths: Count | None = fact_field("死亡人数", "Deaths in such events.", "less")
    death_limit: Count | None = fact_field("死亡控制指标", "Death control target set by the level above.")


HonorLevel = Literal["national", "provincial", "municipal", "county"]


class Honor(Section):
    title: ShortText = Field(title="荣誉或推广")
    level: HonorLevel = Field(title="级别")
    achievement: ShortText | None = Field(
        default=None, title="同一事项",
        description="Names the achievement; honours for the same achievement count once, "
                    "at the highest level. Defaults to the title.")
    number: ShortText | None = Field(
        default=None, title="文号",
        description="The number of the document that conferred the honour (such as 某应急〔2024〕12号).")
