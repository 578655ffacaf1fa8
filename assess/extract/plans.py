"""Emergency plans (预案): named plans and their kinds, and the counts stated."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assess.extract.numbers import _NUM, _number
from assess.extract.revisions import _REVISE, _RevisionFacts
from assess.extract.sentences import _HAN, _Sent
from assess.extract.state import _Found

_PLAN_VERB = re.compile(r"制定|编制|修订|修编|印发|发布|出台|建立|完善|现有|新编|制订|编写|已有|健全|下发|即|共有|拥有"
                        r"|分别为|分别是")
# a bureau's own plan: 某县水务局突发事件应急预案
_BUREAU_PLAN = rf"^[^{_HAN}]*[{_HAN}]{{2,12}}?局(?!长)[{_HAN}]{{2}}"
# grassroots units that keep plans of their own: villages, communities, enterprises, schools
_GRASSROOTS = rf"[{_HAN}()]{{0,6}}?(村|社区|\)|居委会|企业|学校|学|幼儿园|单位|医院|场所|小区)"
_GRASSROOTS_LIST = rf"(?P<list>{_NUM}(个|家|所){_GRASSROOTS}([、和及与]{_NUM}(个|家|所){_GRASSROOTS})*)"
_LEARN_VERB = re.compile(r"学习|宣传|贯彻|传达|培训|宣讲|解读")
_PLACE_PREFIX = re.compile(rf"^[^{_HAN}]*[{_HAN}]{{0,4}}?(乡|镇|县|区|市|街道|局|委)")


class _PlanFacts(_RevisionFacts):
    """``plans``."""

    def plan_titles(self) -> Iterator[tuple[str, _Sent, int, int]]:
        """Own plan titles: in 《》 (or inside 关于印发…的通知), and in enumerations."""
        bracketed = re.compile(r"《([^《》\n。]{1,120}?)(?:》|(?=\(|。|$))")
        for sent in self.sentences():
            for match in bracketed.finditer(sent.text):
                if not sent.usable(match.start(), match.end()) or not sent.own(match.start()):
                    continue
                inner = match.group(1)
                clause_start, _ = sent.clause(match.start())
                lead = sent.text[clause_start:match.start()]
                if _LEARN_VERB.search(lead) and not _PLAN_VERB.search(lead):
                    continue
                titles: list[str] = []
                angle = re.search(r"<([^<>]+预案)>", inner)
                if angle:
                    titles = [angle.group(1)]
                elif "印发" in inner:
                    issued = re.search(r"印发(.+?)(的通知|的决定|$)", inner)
                    if issued:
                        titles = [t for t in re.split(r"和|及|、", issued.group(1)) if t.endswith("预案")]
                elif inner.endswith("预案"):
                    titles = [inner]
                for title in titles:
                    own = bool(_PLAN_VERB.search(sent.text[:match.start()])) or bool(
                        self.level and _PLACE_PREFIX.match(title) and self._own_place(title))
                    if own:
                        yield title, sent, match.start(), match.end()
        enumerated = re.compile(r"(分别为|分别是|包括|即|:)"
                                r"(?P<list>[^,;:。《》]{2,40}?预案(、[^,;:。《》]{2,40}?预案)+)")
        grouped = re.compile(rf"({_PLAN_VERB.pattern})(了)?(?P<list>[^,;:。《》]{{2,60}}?)等"
                             rf"(?P<suffix>(专项)?应急预案)")
        for sent in self.sentences():
            if sent.subordinate:
                continue
            for match in enumerated.finditer(sent.text):
                if sent.usable(match.start(), match.end()) and sent.own(match.start()):
                    offset = match.start("list")
                    for item in match.group("list").split("、"):
                        if self._specific_plan(item):
                            yield item, sent, offset, offset + len(item)
                        offset += len(item) + 1
            for match in grouped.finditer(sent.text):
                if sent.usable(match.start(), match.end()) and sent.own(match.start()) and "、" in match.group("list"):
                    offset = match.start("list")
                    for item in match.group("list").split("、"):
                        title = item + "应急预案"
                        if item and "预案" not in item and self._specific_plan(title):
                            yield title, sent, offset, offset + len(item)
                        offset += len(item) + 1

    def _own_place(self, title: str) -> bool:
        head = re.sub(rf"^[^{_HAN}]+", "", title)
        name = self.arg_name or self.name
        if name and self.level in ("局", "委"):
            # a department leads its county's plans in its field: 桐溪县水务局 owns 桐溪县防汛抗旱应急预案
            place = re.match(rf"[{_HAN}]{{2,4}}?(县|区|市)", name)
            if place and head.startswith(place.group(0)):
                return True
        return head.startswith(self.level) or (bool(name) and head.startswith(name[:2])) or (
            title != head and head.startswith(self.level))

    @staticmethod
    def _specific_plan(title: str) -> bool:
        core = re.sub(r"(专项|部门)?(应急)?预案$", "", title)
        if not core or re.search(r"\d|的|各项|各类|相关|部分|上级|整体|有关|这些|其他|其它|本级|现有", core):
            return False
        return core not in ("专项", "部门", "总体", "企业", "村", "社区", "单位", "基层", "专项及部门")

    @staticmethod
    def _plan_kind(title: str) -> str:
        if "总体" in title:
            return "overall"
        if re.match(rf"^[^{_HAN}]*[{_HAN}]{{0,6}}(村|社区|企业|学校|公司)[^{_HAN}]*", title) and not re.search(
                r"[乡镇县区市]", title[:4]):
            return "grassroots"
        if re.search(r"系统|部门|机关|本局", title) or re.match(_BUREAU_PLAN, title):
            return "department"
        return "special"

    def _sentence_at(self, at: int) -> str:
        return next((sent.text for sent in self.sents if sent.start <= at < sent.end), "")

    def plans(self) -> None:
        seen: dict[str, int] = {}
        for title, sent, start, end in self.plan_titles():
            key = re.sub(rf"[^{_HAN}]", "", title)
            if key in seen or not key:
                continue
            seen[key] = 1
            kind = self._plan_kind(title)
            self.state.named_plans.append(
                (title.strip(), kind, _Found(title, sent.start + start, sent.start + end, 0.8, False, "预案名称")))
        explicit = {
            "plans.special": rf"专项(应急)?预案(共)?(有)?(?P<n>{_NUM})(个|部|件|项)"
                             rf"|(?P<n2>{_NUM})(个|部|件|项)专项(应急)?预案",
            "plans.department": rf"部门(应急)?预案(共)?(有)?(?P<n>{_NUM})(个|部|件|项)"
                                rf"|(?P<n2>{_NUM})(个|部|件|项)部门(应急)?预案",
        }
        for path, pattern in explicit.items():
            # department plans are the departments' own by definition (各部门编制部门预案12个); plans revised or
            # newly written this year (修订完善了3部专项预案, 新编专项预案2部) are not all the unit has
            self.count(path, pattern, "预案数量", 0.85, own=path != "plans.department",
                       clause_exclude=rf"^(?!.*(现有|共有|已有|目前|拥有)).*({_REVISE}|新编|新制定|新增)")
        for sent, match in self.finditer(rf"总体(应急)?预案(?P<n>{_NUM})(个|部)"):
            number = self.num(sent, match)
            if number is not None and number.count >= 1:
                self.put("plans.overall", True, sent, match, 0.85, "总体预案")
        for _, kind, found in self.state.named_plans:
            if kind == "overall" and "plans.overall" not in self.state.found:
                self.state.found["plans.overall"] = _Found(True, found.start, found.end, 0.85, False, "总体预案")
        # an overall plan the unit revised or issued this year is one it has: 本年度修订了总体应急预案
        self.flag("plans.overall", rf"({_REVISE}|印发|制定|编制)(了|完善)?总体(应急)?预案"
                                   rf"|对(本级)?(《[^《》]*)?总体(应急)?预案(》)?[^,;:。]{{0,24}}?{_REVISE}",
                  "总体预案", 0.75)
        kind_words = {"special": "专项", "department": "部门"}
        for path, kind in (("plans.special", "special"), ("plans.department", "department")):
            named = [f for _, k, f in self.state.named_plans if k == kind]
            stated = self.state.found.get(path)
            if stated is None and re.search(rf"{kind_words[kind]}(应急)?预案[^,;:。\d]{{0,4}}_|_(个|部|件|项)"
                                            rf"{kind_words[kind]}(应急)?预案", self.text):
                continue  # a template blank where the count goes (共有专项预案__个): the count is not given
            # plans named as this year's additions (新编制《…预案》) say nothing of the stock
            named = [f for f in named if not re.search(r"新编|新制定|新修订|新增", self._sentence_at(f.start))]
            if named and (stated is None or stated.value < len(named)):
                self.state.found[path] = _Found(len(named), named[0].start, named[-1].end, 0.75, False,
                                                "预案名称计数")
        self.revised()
        self.filed()
        self.special_drilled()
        self.grassroots_plans()

    def filed(self) -> None:
        """Plans filed with the level above: 报县应急管理局备案, 均已备案, 备案率100%. Plans filed with the unit
        itself (报局备案, 向我局备案, a town's 报镇备案) are its subordinates' plans, not its own filing."""
        pattern = (r"预案[^,;:。]{0,10}(报|报送)(?P<to>[^,;:。]{0,8})备案"
                   r"|(报|报送|上报|呈报|提交|报请)(?P<to2>[^,;:。]{0,14}?)备案|备案率(达|为|达到)?100%"
                   r"|(已|均已|全部)(经)?(向(?P<to3>[^,;:。]{2,12}?))?(完成|办理|进行)?(了)?备案")
        for sent, match in self.finditer(pattern):
            clause_start, _ = sent.clause(match.start())
            if "预案" not in sent.text or re.search(r"未|没有|尚未|不", sent.text[clause_start:match.end()]):
                continue
            if self._filed_with_self(match.group("to") or match.group("to2") or match.group("to3") or ""):
                continue
            self.put("plans.filed", True, sent, match, 0.75 if match.group("to") is not None else 0.7, "预案备案")
            break

    def _filed_with_self(self, to: str) -> bool:
        """Whether the body plans are filed with (县应急管理局, 局, 我局, 镇) is the unit itself."""
        to = re.sub(r"^(至|到|给|向|在|经)", "", to)
        if to.startswith(("我", "本")) or (self.level == "局" and re.fullmatch(r"局(机关|办公室)?", to)):
            return True
        return bool(self.level) and self.level != "局" and bool(re.fullmatch(
            rf"{re.escape(self.level)}(里|局|政府|人民政府|党委|党工委|办事处|应急(管理)?(办公室|办|站|所|局))?", to))

    def special_drilled(self) -> None:
        """Special plans exercised in drills: 对两个专项预案各组织演练一次."""
        self.count("plans.special_drilled",
                   rf"对(其中)?(?P<n>{_NUM})(个|部|项)[^,;:。]{{0,6}}?专项(应急)?预案(各|分别|均|都)?[^,;:。]{{0,6}}?"
                   rf"(组织|开展|进行)(了)?[^,;:。]{{0,6}}?演练"
                   rf"|(?P<n2>{_NUM})(个|部|项)专项(应急)?预案[^,;:。]{{0,6}}?(均|都|全部|已|各)(已)?(组织|开展|进行)?(了)?"
                   rf"[^,;:。]{{0,4}}?演练"
                   rf"|演练[^,;:。]{{0,6}}?(覆盖|涉及|检验)(了)?(?P<n3>{_NUM})(个|部|项)[^,;:。]{{0,4}}?专项(应急)?预案",
                   "专项预案演练", 0.7)
        special = self.state.found.get("plans.special")
        if special is not None and "plans.special_drilled" not in self.state.found:
            every = (r"(所有|全部|各项)专项(应急)?预案[^,;:。]{0,4}(均|都|全部)(已)?(组织|开展|进行)?(了)?"
                     r"[^,;:。]{0,4}演练")
            for sent, match in self.finditer(every):
                self.put("plans.special_drilled", special.value, sent, match, 0.6, "专项预案演练")
                break

    def grassroots_plans(self) -> None:
        """Villages, communities and enterprises with plans: 16个村(社区)中已有14个编制了预案,
        8个社区、12家企业全部编制了预案."""
        plan = r"(编制|制定|建立|修订|完成)(了)?[^,;:。]{0,10}?预案"
        everyone = re.compile(rf"{_GRASSROOTS_LIST}[^,;:。]{{0,4}}?(全部|均|都|全都)(已)?{plan}")
        some = re.compile(rf"{_GRASSROOTS_LIST}(中|当中|里)(的)?[,]?(已有|已|有|其中)?(?P<n>{_NUM})(个|家|所)?"
                          rf"[^,;:。\d]{{0,4}}?(已)?{plan}")
        only = re.compile(rf"(已有|共有|现有)(?P<n>{_NUM})(个|家|所){_GRASSROOTS}[^,;:。]{{0,4}}?(已)?{plan}")
        for sent, match in self.finditer(some, own=False):
            total, number = _sum_counted(match.group("list")), self.num(sent, match)
            if total is not None and number is not None and number.count <= total:
                self.put("plans.grassroots_total", total, sent, match, 0.75, "基层预案")
                self.put("plans.grassroots_with_plans", number.count, sent, match, 0.75, "基层预案")
                return
        for sent, match in self.finditer(everyone, own=False):
            total = _sum_counted(match.group("list"))
            if total is not None and not sent.text[:match.start()].endswith(("其中", "其中,")):
                self.put("plans.grassroots_total", total, sent, match, 0.75, "基层预案全覆盖")
                self.put("plans.grassroots_with_plans", total, sent, match, 0.75, "基层预案全覆盖")
                return
        for sent, match in self.finditer(only, own=False):
            number = self.num(sent, match)
            if number is not None:
                self.put("plans.grassroots_with_plans", number.count, sent, match, 0.7, "基层预案")
                return


def _sum_counted(text: str) -> int | None:
    """The sum of the counts in a list (8个社区、12家企业 -> 20)."""
    total = 0
    for match in re.finditer(rf"(?P<n>{_NUM})(个|家|所)", text):
        number = _number(text, match.start("n"), match.end("n"))
        if number is None:
            return None
        total += number.count
    return total or None
