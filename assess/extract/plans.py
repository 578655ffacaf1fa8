"""Emergency plans (预案): named plans and their kinds, and the counts stated."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .numbers import _NUM
from .sentences import _HAN, _Sent
from .state import _ExtractorBase, _Found

_PLAN_VERB = re.compile(r"制定|编制|修订|修编|印发|发布|出台|建立|完善|现有|新编|制订|编写|已有|健全|下发|即")
_LEARN_VERB = re.compile(r"学习|宣传|贯彻|传达|培训|宣讲|解读")
_PLACE_PREFIX = re.compile(rf"^[^{_HAN}]*[{_HAN}]{{0,4}}?(乡|镇|县|区|市|街道|局|委)")


class _PlanFacts(_ExtractorBase):
    """``plans``."""

    def plan_titles(self) -> Iterator[tuple[str, _Sent, int, int]]:
        """Own plan titles: in 《》 (or inside 关于印发…的通知), and in enumerations."""
        bracketed = re.compile(r"《([^《》\n。]{1,120}?)(?:》|(?=\(|。|$))")
        for sent in self.sents:
            for match in bracketed.finditer(sent.text):
                if not sent.usable(match.start(), match.end()) or sent.subordinate:
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
        for sent in self.sents:
            if sent.subordinate:
                continue
            for match in enumerated.finditer(sent.text):
                if sent.usable(match.start(), match.end()):
                    offset = match.start("list")
                    for item in match.group("list").split("、"):
                        if self._specific_plan(item):
                            yield item, sent, offset, offset + len(item)
                        offset += len(item) + 1
            for match in grouped.finditer(sent.text):
                if sent.usable(match.start(), match.end()) and "、" in match.group("list"):
                    offset = match.start("list")
                    for item in match.group("list").split("、"):
                        title = item + "应急预案"
                        if item and "预案" not in item and self._specific_plan(title):
                            yield title, sent, offset, offset + len(item)
                        offset += len(item) + 1

    def _own_place(self, title: str) -> bool:
        head = re.sub(rf"^[^{_HAN}]+", "", title)
        name = self.arg_name or ""
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
        if re.search(r"系统|部门|机关|本局", title):
            return "department"
        return "special"

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
            "plans.revised": rf"修订(了)?[^,;:。]{{0,6}}?预案(?P<n>{_NUM})(个|部|件|项)"
                             rf"|修订(了)?(?P<n2>{_NUM})(个|部|件|项)[^,;:。]{{0,6}}预案",
        }
        for path, pattern in explicit.items():
            self.count(path, pattern, "预案数量", 0.85)
        for sent, match in self.finditer(rf"总体(应急)?预案(?P<n>{_NUM})(个|部)"):
            number = self.num(sent, match)
            if number is not None and number.count >= 1:
                self.put("plans.overall", True, sent, match, 0.85, "总体预案")
        for _, kind, found in self.state.named_plans:
            if kind == "overall" and "plans.overall" not in self.state.found:
                self.state.found["plans.overall"] = _Found(True, found.start, found.end, 0.85, False, "总体预案")
        for path, kind in (("plans.special", "special"), ("plans.department", "department")):
            named = [f for _, k, f in self.state.named_plans if k == kind]
            stated = self.state.found.get(path)
            if named and (stated is None or stated.value < len(named)):
                self.state.found[path] = _Found(len(named), named[0].start, named[-1].end, 0.75, False,
                                                "预案名称计数")
        self.flag("plans.filed", r"预案[^,;:。]{0,10}(报|报送)[^,;:。]{0,8}备案", "预案备案", 0.75)
        everyone = re.compile(rf"(?P<n>{_NUM})个(行政村|村|社区|企业|学校)(全部|均|都)(已)?(编制|制定|建立|修订)(了)?"
                              rf"[^,;:。]{{0,8}}预案")
        for sent, match in self.finditer(everyone, own=False):
            number = self.num(sent, match)
            if number is not None:
                self.put("plans.grassroots_total", number.count, sent, match, 0.75, "基层预案全覆盖")
                self.put("plans.grassroots_with_plans", number.count, sent, match, 0.75, "基层预案全覆盖")
                break
