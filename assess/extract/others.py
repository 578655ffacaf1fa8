"""Standing records of the year: shelters, regulations, work plans, meetings, assigned tasks, funds and
honours."""

from __future__ import annotations

import re

from assess.extract.numbers import _NUM
from assess.extract.sentences import _HAN
from assess.extract.state import _ExtractorBase, _Found

_LEVELS = (("国家级|全国|国家|国务院|应急管理部", "national"), ("省", "provincial"), ("市|州", "municipal"),
           ("县|区", "county"))
_HONOUR_WORD = (r"先进|示范|优秀|模范|标兵|文明|平安|安全(社区|乡镇|县|单位|园区|街道)|红旗|奖|荣誉|称号|先锋|标杆"
                r"|星级|达标")
_MEETING = r"(专题会议?|会议|常务会议?|党委会议?|党组会议?|党工委会议?|办公会议?|联席会议?|工作会议?|调度会议?|推进会)"


def _level(text: str) -> str | None:
    return next((level for words, level in _LEVELS if re.search(words, text)), None)


class _OtherFacts(_ExtractorBase):
    """``shelters``, ``legal``, ``work``, ``tasks``, ``funds`` and ``honors``."""

    def others(self) -> None:
        self.count("shelters", rf"(?P<n>{_NUM})(个|处|座)[^,;:。]{{0,6}}?(应急)?避难(场所|点|所)"
                               rf"|避难场所(共)?(?P<n2>{_NUM})(个|处)", "避难场所", 0.8)
        regs: dict[str, _Found] = {}
        rules = (r"(制定|出台|修订|印发|建立|制订)(了)?[^。;]{0,6}?《([^》]{2,30}(制度|办法|规定|细则|规程|守则))》"
                 r"((、|和|及)《[^》]{2,30}(制度|办法|规定|细则|规程|守则)》)*")
        for sent, match in self.finditer(rules):
            for title in re.findall(r"《([^》]+)》", match.group(0)):
                regs.setdefault(title, _Found(1, sent.start + match.start(), sent.start + match.end(), 0.75, False,
                                              "规章制度"))
        if regs:
            spans = list(regs.values())
            self.state.found["legal.regulations"] = _Found(len(regs), spans[0].start, spans[-1].end, 0.7, False,
                                                           "规章制度")
        # a stated number: 建立健全了值班值守、信息报送等6项制度
        counted = (rf"(制定|建立|完善|出台|健全|修订|制订)(健全|完善)?(了)?[^,;:。]{{0,24}}?等?(?P<n>{_NUM})(项|个|套)"
                   rf"[^,;:。]{{0,4}}?(制度|规章|办法)")
        for sent, match in self.finditer(counted):
            number = self.num(sent, match)
            if number is not None and number.count > len(regs):
                self.put("legal.regulations", number.count, sent, match, 0.7, "规章制度", replace=True)
                break
        self.flag("work.plan", r"(制定|印发|出台|下发|制订)(了)?[^,;:。]{0,20}?应急[^,;:。]{0,12}?"
                               r"(工作计划|工作要点|实施方案|工作方案)"
                               r"|年初(的)?[^,;:。]{0,4}工作计划|年度应急[^,;:。]{0,6}(计划|要点)",
                  "年度工作计划", 0.75)
        self.count("work.meetings", rf"(召开|研究)[^,;:。]{{0,16}}{_MEETING}[^,;:。]{{0,8}}?(?P<n>{_NUM})次"
                                    rf"|(?P<n2>{_NUM})次[^,;:。]{{0,8}}(专题)?(研究|部署)[^,;:。]{{0,8}}应急"
                                    rf"|召开(了)?(?P<n3>{_NUM})次[^,;:。]{{0,10}}?{_MEETING}"
                                    rf"|专题研究[^,;:。]{{0,12}}?(?P<n4>{_NUM})次",
                   "专题会议", 0.75)
        if "work.meetings" not in self.state.found:
            self.named_meetings()
        self.tasks()
        self.funds()
        for sent, match in self.finditer(r"自评(得分|分数|总分|分)(为|是)?(?P<p>\d{1,3}(\.\d+)?)分"):
            score = float(match.group("p"))
            if score <= 120:
                self.put("self_score", int(score) if score.is_integer() else score, sent, match, 0.7, "自评得分")
                break
        self.honours()

    def named_meetings(self) -> None:
        """Meetings named one by one to study or deploy the work, each counted once:
        召开专题党政联席会和应急管理领导小组全体会议研究部署 → 2 (docs/transcription.md, rule 4a)."""
        named = re.compile(rf"召开(了)?(?P<list>[{_HAN}、]{{2,40}}?会议?(?:[和、及与][{_HAN}]{{2,30}}?会议?)*)"
                           r"(?=[^。;]{0,40}(研究|部署))")
        for sent, match in self.finditer(named):
            items = [item for item in re.split(r"[和、及与]", match.group("list")) if re.search(r"会议?$", item)]
            if items and not re.search(r"各(村|单位|部门|社区)|分别", match.group("list")):
                self.put("work.meetings", len(items), sent, match, 0.65, "专题会议")
                return

    def tasks(self) -> None:
        """Tasks assigned by the level above: 交办的4项任务全部按时完成; 承担交办任务5项,完成4项."""
        task = r"(任务|工作|事项)"
        every = (rf"交办(的)?[^,;:。]{{0,6}}?(?P<n>{_NUM})(项|件)[^,;:。]{{0,6}}?{task}?[^,;:。]{{0,4}}?"
                 rf"(全部|均|都)(已)?"
                 rf"(按时|按期|如期)?(完成|办结)")
        for sent, match in self.finditer(every):
            number = self.num(sent, match)
            if number is not None:
                self.put("tasks.assigned", number.count, sent, match, 0.7, "交办任务")
                self.put("tasks.completed", number.count, sent, match, 0.7, "交办任务")
                return
        some = (rf"(承担|接受|交办)(的)?[^,;:。]{{0,10}}?{task}(?P<n>{_NUM})(项|件)[,]?"
                rf"(已)?(按时|按期)?(完成|办结)(了)?"
                rf"(?P<m>{_NUM})(项|件)")
        for sent, match in self.finditer(some):
            assigned, completed = self.num(sent, match), self.num(sent, match, "m")
            if assigned is not None and completed is not None:
                self.put("tasks.assigned", assigned.count, sent, match, 0.7, "交办任务")
                self.put("tasks.completed", completed.count, sent, match, 0.7, "交办任务")
                return

    def funds(self) -> None:
        no_budget = r"(未|没有)(设置|设立|安排|列入|纳入)[^,;:。]{0,12}(经费|预算)"
        for sent, match in self.finditer(no_budget, negative=True):
            self.put("funds.budgeted", False, sent, match, 0.7, "未设应急预算")
            break
        self.flag("funds.budgeted", r"(设立|安排|列入|纳入|落实)(了)?[^,;:。]{0,10}应急[^,;:。]{0,8}(经费|预算|资金)"
                                    r"|应急[^,;:。]{0,8}(经费|资金)[^,;:。]{0,6}(纳入|列入)[^,;:。]{0,10}预算"
                                    r"|预算(安排)?(了)?[^,;:。]{0,6}应急[^,;:。]{0,8}(经费|资金)",
                  "应急经费预算", 0.7)
        self.count("funds.amount", rf"应急[^,;:。]{{0,8}}(经费|资金)[^,;:。]{{0,6}}?(?P<n>{_NUM})万元", "经费金额", 0.7)

    def honours(self) -> None:
        """Honours of the year: 被市防汛指挥部评为“先进集体”, 荣获省级…称号, 被确定为…示范园区."""
        named = (rf"(被(?P<body>[^,;:。\"“”]{{0,16}}?))?"
                 rf"(荣获|获得|获评|评为|授予|命名为|确定为|表彰为|认定为|列为|入选)(为)?"
                 rf"(?P<title>\"[^\"]{{2,40}}\"|“[^”]{{2,40}}”|[^,;:。]{{0,24}}?(称号|先进(单位|集体)?|荣誉|奖(?![补金])"
                 rf"|示范[{_HAN}]{{0,6}}|安全(社区|乡镇|街道|单位|园区)))")
        passed = (r"(?P<title>(国家级|全国|省级|市级|县级|区级)[^,;:。]{2,12}?)(建设|创建)(活动|工作)?[^。]{0,30}?通过"
                  r"[^,;:。]{0,12}(检查评定|验收|评定|考核|评审)")
        # the unit's practice promoted by a higher level (推广 counts as an honour): 做法被省应急管理厅推广
        promoted = (r"(?P<title>[^,;:。]{2,20}?(经验|做法|模式))[^,;:。]{0,4}?被(?P<body>[^,;:。]{2,16}?)"
                    r"(推广|转发|刊发|作为典型)")
        seen: set[str] = set()
        for pattern in (named, passed, promoted):
            for sent, match in self.finditer(pattern):
                title = match.group("title").strip("\"“”")
                clause_start, _ = sent.clause(match.start())
                lead = sent.text[clause_start:match.start()]
                after = sent.text[match.end():match.end() + 4]
                if self._earlier_year(lead) or re.search(r"个人|同志|标兵|工作者", title + after) or re.search(
                        r"(干部|职工|同志|队员|民警|教师|人员)$", lead):
                    continue  # an honour of another year, or of a person
                if pattern is named and not re.search(_HONOUR_WORD, title):
                    continue  # 被确定为“重点防范乡镇”: a designation, not an honour
                body = match.groupdict().get("body") or ""
                level = _level(title) or _level(body)
                if level is None or title in seen:
                    continue
                seen.add(title)
                honor = {"title": title[:200], "level": level}
                self.state.honors.append((honor, _Found(honor, sent.start + match.start(), sent.start + match.end(),
                                                        0.65, False, "荣誉")))

    def _earlier_year(self, lead: str) -> bool:
        """Whether the words before an honour date it to another year (继2023年获评…之后, 去年, 曾)."""
        if re.search(r"继|曾|此前|去年|上年|往年|历年|先后", lead):
            return True
        return self.year is not None and any(int(y) != self.year for y in re.findall(r"((?:19|20)\d\d)年", lead))
