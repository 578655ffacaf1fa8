"""A township rubric hand-written in plain Python: the floor for scoring speed.

The rubric is benchmarks/floor-township.yaml, the bundled township rubric as it stood when
this floor was written (44 rules in 7 categories); the bundled one has since moved on, and
the benchmark scores the copy, in 终评, so that assess and the floor answer the same rules.
It reads validated facts and produces what the native evaluator produces in substance:
the total and grade, every deduction with its points (after the item and category caps)
and a reason quoting the facts, the bonus, vetoes, 否优项, passed and skipped rules.
The benchmark checks that its totals and grades equal assess's on every unit.
:func:`decide_township` is the *decision floor*: the same rules totalled and graded only.
Amounts are integer cents, so the arithmetic is exact.
"""

from __future__ import annotations

import math
from typing import Any

from assess.facts import UnitFacts

CATEGORY_MAX = {"deployment": 1000, "organization": 1500, "plans": 2500, "hazards": 1500, "support": 1500,
                "training": 1500, "materials": 500}
HONOR = {"national": 500, "provincial": 300, "municipal": 100}


def _pct(part: int, whole: int) -> float:
    return 100.0 if whole == 0 else 100.0 * part / whole


def score_township(u: UnitFacts) -> dict[str, Any]:
    deductions: list[tuple[str, str, int, str]] = []
    passed: list[str] = []
    skipped: list[str] = []
    vetoes: list[str] = []
    blocks: list[str] = []

    def rule(rule_id: str, category: str, points: int, amount: int | None, reason: str,
             skip_missing: bool = False) -> None:
        """amount: cents asked for, 0 when met, None when facts are missing."""
        if amount is None:
            if skip_missing:
                skipped.append(rule_id)
            else:
                deductions.append((rule_id, category, points, "未提交材料，按未完成扣分"))
        elif amount > 0:
            deductions.append((rule_id, category, min(amount, points), reason))
        else:
            passed.append(rule_id)

    def per(count: int, rate: int) -> int:
        return max(count, 0) * rate

    def shortfall(value: float, target: int, step: int, rate: int) -> int:
        return 0 if value >= target else math.floor((target - value) / step) * rate

    work, org, plans, hz = u.work, u.organization, u.plans, u.hazards
    duty, sup, teams, pub = u.duty, u.supplies, u.teams, u.publicity
    rep, inc, tasks, legal, warn, funds = u.reporting, u.incidents, u.tasks, u.legal, u.warning, u.funds

    def f(section: Any, name: str) -> Any:
        return None if section is None else getattr(section, name)

    plan, meetings = f(work, "plan"), f(work, "meetings")
    rule("TS-DEP-01", "deployment", 200, None if plan is None else (0 if plan else 200), "未制定年度工作计划")
    rule("TS-DEP-02", "deployment", 400, None if meetings is None else per(2 - meetings, 200),
         f"专题研究{meetings}次")
    assigned, completed = f(tasks, "assigned"), f(tasks, "completed")
    rule("TS-DEP-03", "deployment", 400, None if assigned is None or completed is None
         else per(assigned - completed, 100), f"交办{assigned}项，完成{completed}项")
    group, leads = f(org, "leadership_group"), f(org, "principal_leads")
    rule("TS-ORG-01", "organization", 300, None if group is None or leads is None
         else (0 if group and leads else 300), f"领导小组{group}，主要领导任组长{leads}")
    office, staff, posted = f(org, "office"), f(org, "staff"), f(org, "posted")
    rule("TS-ORG-02", "organization", 200, None if office is None else (0 if office else 200), "未设立应急办")
    rule("TS-ORG-03", "organization", 400, None if staff is None else per(2 - staff, 200), f"专职人员{staff}名")
    rule("TS-ORG-04", "organization", 100, None if posted is None else (0 if posted else 100), "未上墙")
    total_sub, with_office = f(org, "subunits_total"), f(org, "subunits_with_office")
    rule("TS-ORG-05", "organization", 200, None if total_sub is None or with_office is None
         else shortfall(_pct(with_office, total_sub), 100, 1, 10), f"应急工作站{with_office}/{total_sub}")
    appraisal = f(org, "in_appraisal")
    rule("TS-ORG-06", "organization", 300, None if appraisal is None else (0 if appraisal else 300), "未纳入考核")
    overall, special, filed, revised = f(plans, "overall"), f(plans, "special"), f(plans, "filed"), f(plans, "revised")
    rule("TS-PLN-01", "plans", 300, None if overall is None else (0 if overall else 300), "无总体预案")
    rule("TS-PLN-02", "plans", 300, None if special is None else per(5 - special, 100), f"专项预案{special}个")
    g_total, g_with = f(plans, "grassroots_total"), f(plans, "grassroots_with_plans")
    rule("TS-PLN-03", "plans", 300, None if g_total is None or g_with is None
         else shortfall(_pct(g_with, g_total), 100, 1, 20), f"基层预案{g_with}/{g_total}")
    rule("TS-PLN-04", "plans", 200, None if filed is None else (0 if filed else 200), "未备案")
    rule("TS-PLN-05", "plans", 200, None if revised is None else (200 if revised < 1 else 0), "未修订")
    drills = u.drills
    rule("TS-PLN-06", "plans", 600, None if drills is None else per(4 - len(drills), 200), "演练不足")
    drilled = f(plans, "special_drilled")
    if special is None or drilled is None:
        rule("TS-PLN-07", "plans", 300, None, "")
    else:
        share = _pct(drilled, special)
        rule("TS-PLN-07", "plans", 300, 0 if share >= 60 else 100 if share >= 40 else 200 if share >= 20 else 300,
             f"演练比例{share:.2f}%")
    general = f(inc, "general")
    rule("TS-PLN-08", "plans", 300, None if general is None else (100 if general > 0 else 0), "默认扣1分",
         skip_missing=True)
    inspections = f(hz, "inspections")
    rule("TS-HAZ-01", "hazards", 300, None if inspections is None else per(4 - inspections, 100), "排查不足")
    found, rectified = f(hz, "found"), f(hz, "rectified")
    rule("TS-HAZ-02", "hazards", 400, None if found is None or rectified is None
         else shortfall(_pct(rectified, found), 100, 1, 20), f"整改{rectified}/{found}")
    system = f(warn, "system")
    rule("TS-HAZ-03", "hazards", 200, None if system is None else (0 if system else 200), "无预警机制")
    clock, leader = f(duty, "round_the_clock"), f(duty, "leader_on_duty")
    rule("TS-HAZ-04", "hazards", 200, None if clock is None or leader is None
         else (0 if clock and leader else 200), "值班带班不落实")
    log = f(duty, "log_kept")
    rule("TS-HAZ-05", "hazards", 200, None if log is None else (0 if log else 200), "无值班记录")
    absences = f(duty, "absences")
    rule("TS-HAZ-06", "hazards", 200, None if absences is None else per(absences, 100), f"脱岗{absences}次",
         skip_missing=True)
    members = f(teams, "members")
    rule("TS-SUP-01", "support", 300, None if members is None else shortfall(members, 30, 5, 50), f"队伍{members}人")
    squads, squad_members = f(teams, "grassroots_teams"), f(teams, "grassroots_members")
    rule("TS-SUP-02", "support", 200, None if total_sub is None or squads is None else per(total_sub - squads, 50),
         f"分队{squads}支")
    rule("TS-SUP-03", "support", 100, None if total_sub is None or squad_members is None
         else (100 if squad_members < 10 * total_sub else 0), f"分队{squad_members}人")
    storage, ledger, custodian = f(sup, "storage"), f(sup, "ledger"), f(sup, "custodian")
    rule("TS-SUP-04", "support", 300, None if storage is None else (0 if storage else 300), "无库房")
    rule("TS-SUP-05", "support", 200, None if ledger is None or custodian is None
         else (0 if ledger and custodian else 200), "台账或专人缺")
    budgeted = f(funds, "budgeted")
    rule("TS-SUP-06", "support", 200, None if budgeted is None else (0 if budgeted else 200), "无预算")
    shelters = u.shelters
    rule("TS-SUP-07", "support", 200, None if shelters is None else per(2 - shelters, 100), f"避难场所{shelters}处")
    law, events, materials = f(pub, "law_publicity"), f(pub, "events"), f(pub, "materials")
    rule("TS-TRN-01", "training", 300, None if law is None else (0 if law else 300), "未宣传应对法")
    rule("TS-TRN-02", "training", 300, None if events is None else per(3 - events, 100), f"宣传活动{events}次")
    rule("TS-TRN-03", "training", 200, None if materials is None else shortfall(materials, 1000, 100, 20),
         f"宣传资料{materials}份")
    trainings, regulations = f(pub, "trainings"), f(legal, "regulations")
    rule("TS-TRN-04", "training", 400, None if trainings is None else per(2 - trainings, 200), f"培训{trainings}次")
    rule("TS-TRN-05", "training", 300, None if regulations is None else per(3 - regulations, 100),
         f"制度{regulations}项")
    counts = [f(rep, k) for k in ("late", "false", "missed", "concealed")]
    rule("TS-MAT-01", "materials", 300, None if None in counts
         else sum(c * r for c, r in zip(counts, (100, 200, 300, 400), strict=True)), f"迟谎漏瞒{counts}",
         skip_missing=True)
    summary, late_materials = f(work, "summary"), f(work, "materials_late")
    rule("TS-MAT-02", "materials", 100, None if summary is None else (0 if summary else 100), "无总结")
    rule("TS-MAT-03", "materials", 100, None if late_materials is None else per(late_materials, 100),
         f"材料迟报{late_materials}次", skip_missing=True)

    bonus = 0
    # An honour counts only with its document's number (文号); without any, the rule is not scored.
    honors = None if u.honors is None else [h for h in u.honors if h.number] or None
    if honors is None:
        skipped.append("TS-BON-01")
    else:
        best: dict[str, int] = {}
        for honor in honors:
            key = honor.achievement or honor.title
            best[key] = max(best.get(key, 0), HONOR.get(honor.level, 0))
        bonus = min(sum(best.values()), 500)
        if bonus == 0:
            passed.append("TS-BON-01")
    major, concealed, deaths, limit, missed = (f(inc, "major"), f(rep, "concealed"), f(inc, "deaths"),
                                              f(inc, "death_limit"), f(rep, "missed"))
    for rule_id, value in (("TS-VET-01", None if major is None else major > 0),
                           ("TS-VET-02", None if concealed is None else concealed > 0),
                           ("TS-VET-03", None if deaths is None or limit is None else deaths > limit)):
        (skipped if value is None else vetoes if value else passed).append(rule_id)
    for rule_id, value in (("TS-NEX-01", None if missed is None else missed > 0),
                           ("TS-NEX-02", None if found is None or rectified is None
                            else _pct(rectified, found) < 80)):
        (skipped if value is None else blocks if value else passed).append(rule_id)

    used = dict.fromkeys(CATEGORY_MAX, 0)
    ledger_out = []
    for rule_id, category, cents, reason in deductions:
        cents = min(cents, CATEGORY_MAX[category] - used[category])
        used[category] += cents
        ledger_out.append((rule_id, cents, reason))
    total = sum(CATEGORY_MAX.values()) - sum(used.values()) + bonus
    grade = "优秀" if total >= 9000 else "良好" if total >= 8000 else "合格" if total >= 6000 else "不合格"
    if vetoes:
        grade = "不合格"
    elif blocks and grade == "优秀":
        grade = "良好"
    return {"total": total / 100, "grade": grade, "deductions": ledger_out, "bonus": bonus / 100,
            "passed": passed, "skipped": skipped, "vetoes": vetoes, "blocks": blocks}


def decide_township(u: UnitFacts) -> tuple[int, str]:
    """The same rubric decided and totalled only: the total in hundredths and the grade,
    with no reasons, evidence or per-rule records (the floor for deciding alone)."""
    used = dict.fromkeys(CATEGORY_MAX, 0)

    def take(category: str, points: int, amount: int | None, skip_missing: bool = False) -> None:
        """amount: cents asked for, 0 when met, None when facts are missing."""
        if amount is None:
            if skip_missing:
                return
            amount = points
        if amount > 0:
            used[category] = min(used[category] + min(amount, points), CATEGORY_MAX[category])

    def per(count: int, rate: int) -> int:
        return max(count, 0) * rate

    def shortfall(value: float, target: int, step: int, rate: int) -> int:
        return 0 if value >= target else math.floor((target - value) / step) * rate

    def flag(value: bool | None, points: int) -> int | None:
        return None if value is None else (0 if value else points)

    work, org, plans, hz = u.work, u.organization, u.plans, u.hazards
    duty, sup, teams, pub = u.duty, u.supplies, u.teams, u.publicity
    rep, inc, tasks, legal, warn, funds = u.reporting, u.incidents, u.tasks, u.legal, u.warning, u.funds

    def f(section: Any, name: str) -> Any:
        return None if section is None else getattr(section, name)

    meetings = f(work, "meetings")
    take("deployment", 200, flag(f(work, "plan"), 200))
    take("deployment", 400, None if meetings is None else per(2 - meetings, 200))
    assigned, completed = f(tasks, "assigned"), f(tasks, "completed")
    take("deployment", 400, None if assigned is None or completed is None else per(assigned - completed, 100))
    group, leads = f(org, "leadership_group"), f(org, "principal_leads")
    take("organization", 300, None if group is None or leads is None else (0 if group and leads else 300))
    staff = f(org, "staff")
    take("organization", 200, flag(f(org, "office"), 200))
    take("organization", 400, None if staff is None else per(2 - staff, 200))
    take("organization", 100, flag(f(org, "posted"), 100))
    total_sub, with_office = f(org, "subunits_total"), f(org, "subunits_with_office")
    take("organization", 200, None if total_sub is None or with_office is None
         else shortfall(_pct(with_office, total_sub), 100, 1, 10))
    take("organization", 300, flag(f(org, "in_appraisal"), 300))
    special, revised = f(plans, "special"), f(plans, "revised")
    take("plans", 300, flag(f(plans, "overall"), 300))
    take("plans", 300, None if special is None else per(5 - special, 100))
    g_total, g_with = f(plans, "grassroots_total"), f(plans, "grassroots_with_plans")
    take("plans", 300, None if g_total is None or g_with is None else shortfall(_pct(g_with, g_total), 100, 1, 20))
    take("plans", 200, flag(f(plans, "filed"), 200))
    take("plans", 200, None if revised is None else (200 if revised < 1 else 0))
    drills = u.drills
    take("plans", 600, None if drills is None else per(4 - len(drills), 200))
    drilled = f(plans, "special_drilled")
    if special is None or drilled is None:
        take("plans", 300, None)
    else:
        share = _pct(drilled, special)
        take("plans", 300, 0 if share >= 60 else 100 if share >= 40 else 200 if share >= 20 else 300)
    general = f(inc, "general")
    take("plans", 300, None if general is None else (100 if general > 0 else 0), skip_missing=True)
    inspections = f(hz, "inspections")
    take("hazards", 300, None if inspections is None else per(4 - inspections, 100))
    found, rectified = f(hz, "found"), f(hz, "rectified")
    take("hazards", 400, None if found is None or rectified is None else shortfall(_pct(rectified, found), 100, 1, 20))
    take("hazards", 200, flag(f(warn, "system"), 200))
    clock, leader = f(duty, "round_the_clock"), f(duty, "leader_on_duty")
    take("hazards", 200, None if clock is None or leader is None else (0 if clock and leader else 200))
    take("hazards", 200, flag(f(duty, "log_kept"), 200))
    absences = f(duty, "absences")
    take("hazards", 200, None if absences is None else per(absences, 100), skip_missing=True)
    members = f(teams, "members")
    take("support", 300, None if members is None else shortfall(members, 30, 5, 50))
    squads, squad_members = f(teams, "grassroots_teams"), f(teams, "grassroots_members")
    take("support", 200, None if total_sub is None or squads is None else per(total_sub - squads, 50))
    take("support", 100, None if total_sub is None or squad_members is None
         else (100 if squad_members < 10 * total_sub else 0))
    ledger, custodian = f(sup, "ledger"), f(sup, "custodian")
    take("support", 300, flag(f(sup, "storage"), 300))
    take("support", 200, None if ledger is None or custodian is None else (0 if ledger and custodian else 200))
    take("support", 200, flag(f(funds, "budgeted"), 200))
    shelters = u.shelters
    take("support", 200, None if shelters is None else per(2 - shelters, 100))
    events, materials = f(pub, "events"), f(pub, "materials")
    take("training", 300, flag(f(pub, "law_publicity"), 300))
    take("training", 300, None if events is None else per(3 - events, 100))
    take("training", 200, None if materials is None else shortfall(materials, 1000, 100, 20))
    trainings, regulations = f(pub, "trainings"), f(legal, "regulations")
    take("training", 400, None if trainings is None else per(2 - trainings, 200))
    take("training", 300, None if regulations is None else per(3 - regulations, 100))
    counts = [f(rep, k) for k in ("late", "false", "missed", "concealed")]
    take("materials", 300, None if None in counts
         else sum(c * r for c, r in zip(counts, (100, 200, 300, 400), strict=True)), skip_missing=True)
    late_materials = f(work, "materials_late")
    take("materials", 100, flag(f(work, "summary"), 100))
    take("materials", 100, None if late_materials is None else per(late_materials, 100), skip_missing=True)

    bonus = 0
    honors = None if u.honors is None else [h for h in u.honors if h.number]
    if honors:
        best: dict[str, int] = {}
        for honor in honors:
            key = honor.achievement or honor.title
            best[key] = max(best.get(key, 0), HONOR.get(honor.level, 0))
        bonus = min(sum(best.values()), 500)
    major, concealed, deaths, limit, missed = (f(inc, "major"), f(rep, "concealed"), f(inc, "deaths"),
                                              f(inc, "death_limit"), f(rep, "missed"))
    vetoed = bool(major) or bool(concealed) or (deaths is not None and limit is not None and deaths > limit)
    blocked = bool(missed) or (found is not None and rectified is not None and _pct(rectified, found) < 80)
    total = sum(CATEGORY_MAX.values()) - sum(used.values()) + bonus
    grade = "优秀" if total >= 9000 else "良好" if total >= 8000 else "合格" if total >= 6000 else "不合格"
    if vetoed:
        grade = "不合格"
    elif blocked and grade == "优秀":
        grade = "良好"
    return total, grade
