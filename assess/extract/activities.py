"""What the unit did and what happened: hazards, publicity, reporting, incidents, shelters,
regulations, work plans, meetings, funds and honours."""

from __future__ import annotations

import re

from .numbers import _NUM
from .sentences import _HAN
from .state import _ExtractorBase, _Found


class _ActivityFacts(_ExtractorBase):
    """``hazards``, ``publicity``, ``reporting``, ``incidents``, ``shelters``, ``legal``, ``work``,
    ``funds`` and ``honors``."""

    def hazards(self) -> None:
        self.count("hazards.found",
                   rf"(排查|查出|发现|排查出|检查出)(出)?[^,;:。]{{0,16}}?(隐患|危险源)[^,;:。]{{0,6}}?(?P<n>{_NUM})(处|项|个|条|起)"
                   rf"|(排查|发现|查出)(出)?(?P<n2>{_NUM})(处|项|个|条)[^,;:。]{{0,10}}(隐患|危险源)", "发现隐患")
        self.count("hazards.rectified",
                   rf"(整改|消除|治理|排除)(完成|到位|了)?[^,;:。]{{0,6}}?(?P<n>{_NUM})(处|项|个|条)", "整改隐患",
                   context=r"隐患|危险源")
        found = self.state.found.get("hazards.found")
        if found is not None and "hazards.rectified" not in self.state.found:
            for sent, match in self.finditer(r"整改率(为|达|达到)?(?P<p>\d+(\.\d+)?)%"):
                rate = float(match.group("p"))
                if rate <= 100:
                    self.put("hazards.rectified", round(found.value * rate / 100), sent, match, 0.7, "整改率")
                    break
        self.count("hazards.sites_checked",
                   rf"(检查|排查|督查)[^,;:。]{{0,6}}(企业|单位|场所)(?P<n>{_NUM})(家|个|处)"
                   rf"|对[^,;:。]{{0,6}}?(?P<n2>{_NUM})(多|余)?(家|个(企业|单位|场所|工矿))[^。]{{0,40}}?(进行|开展)(了)?[^,;:。]{{0,6}}"
                   rf"(检查|排查|督查)",
                   "检查单位", 0.8)
        self.count("hazards.inspections",
                   rf"(开展|组织)(了)?[^,;:。]{{0,10}}(排查|检查)[^,;:。]{{0,6}}?(?P<n>{_NUM})(次|轮)",
                   "排查次数", 0.75)

    def publicity(self) -> None:
        self.count("publicity.materials",
                   rf"(发放|印发|派发|散发|分发|发送|赠送|印制)[^,;:。]{{0,16}}?(资料|材料|手册|宣传单|彩页|传单|明白纸|明白卡"
                   rf"|折页|宣传品|读本|挂图|宣传册)[^,;:。]{{0,6}}?(?P<n>{_NUM})(份|册|本|张|套)",
                   "宣传资料", total=True)
        self.count("publicity.people_trained",
                   rf"培训[^,;:。]{{0,20}}?(?P<n>{_NUM})(人次|人|名)|(?P<n2>{_NUM})(人次|人|名)(参加|参与|接受)(了)?[^,;:。]{{0,6}}培训",
                   "培训人数", total=True)
        self.count("publicity.trainings",
                   rf"(举办|开展|组织|举行)(了)?(?P<n>{_NUM})(场|期|次|班)[^,;:。]{{0,16}}?(培训|讲座|授课)"
                   rf"|(培训|讲座)[^,;:。]{{0,6}}(?P<n2>{_NUM})(场|期|次)", "培训班次", 0.8)
        if "publicity.trainings" not in self.state.found:
            for sent, match in self.finditer(r"邀请[^,;:。]{0,20}?专家[^,;:。]{0,20}?(讲授|授课|讲课|培训|讲座)"):
                self.put("publicity.trainings", 1, sent, match, 0.6, "专家授课")
                break
        self.count("publicity.events",
                   rf"(开展|组织|举办)(了)?[^,;:。]{{0,16}}?宣传(活动)?(?P<n>{_NUM})(次|场|期)"
                   rf"|(开展|举办)(了)?(?P<n2>{_NUM})(次|场|期)[^,;:。]{{0,12}}宣传(活动)?", "宣传活动", 0.75)
        self.flag("publicity.law_publicity", r"突发事件应对法", "应对法宣传", 0.8,
                  context=r"宣传|学习|宣教|翻印|普及|培训|贯彻|讨论|讲座")

    def reporting(self) -> None:
        chars = {"迟": "late", "拖": "late", "缓": "late", "谎": "false", "错": "false", "误": "false", "漏": "missed",
                 "瞒": "concealed"}
        pattern = re.compile(r"(无|没有|未(出现|发生)?|杜绝)(一件次|一例|一起|一次|任何)?(出现|发生)?"
                             r"(?P<list>[“\"]?([迟谎漏瞒错拖缓误]报?[、,和及与“”\"]{0,2}){2,8}[”\"]?|[迟谎漏瞒]报)")
        for sent, match in self.finditer(pattern, negative=True):
            listed = [chars[ch] for ch in match.group("list") if ch in chars]
            for name in dict.fromkeys(listed):
                self.put(f"reporting.{name}", 0, sent, match, 0.8, "无迟报漏报瞒报")
        self.count("reporting.reported",
                   rf"(上报|报送|报告)[^,;:。]{{0,12}}?(突发事件|事件|事故)[^,;:。]{{0,4}}?(?P<n>{_NUM})(起|件)"
                   rf"|(上报|报送)[^,;:。]{{0,6}}?(?P<n2>{_NUM})(起|件)[^,;:。]{{0,12}}(事件|事故)", "报送事件", 0.75)
        self.count("reporting.briefings",
                   rf"(报送|上报|编发|编印)[^,;:。]{{0,10}}(简报|专报|信息)[^,;:。]{{0,4}}(?P<n>{_NUM})(期|条|篇)",
                   "信息简报", 0.75)

    def incidents(self) -> None:
        major = r"(未发生|无|没有发生)(一起|任何)?[^,;:。]{0,8}?(较大|重大)(及)?以上[^,;:。]{0,10}(事件|事故)"
        for sent, match in self.finditer(major, negative=True):
            self.put("incidents.major", 0, sent, match, 0.75, "无较大以上事件")
            break
        none_died = r"(未造成|无|没有造成)(任何)?人员(伤亡|死亡|伤害)|(无|未发生)(一例|一起|一人)?人员?死亡"
        for sent, match in self.finditer(none_died, negative=True):
            self.put("incidents.deaths", 0, sent, match, 0.6, "无人员伤亡")
            break
        if "incidents.deaths" not in self.state.found:
            for sent, match in self.finditer(r"死亡(人数)?(为|是)?(零|0)(?![\d.])", negative=True):
                self.put("incidents.deaths", 0, sent, match, 0.7, "死亡人数为零")
                break
        self.count("incidents.deaths", rf"造成(?P<n>{_NUM})人死亡", "死亡人数", 0.7)
        self.count("incidents.general", rf"发生[^,;:。]{{0,10}}一般(突发)?(事件|事故)(?P<n>{_NUM})(起|件)",
                   "一般事件", 0.7)

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
        self.flag("work.plan", r"(制定|印发|出台|下发|制订)(了)?[^,;:。]{0,20}?应急[^,;:。]{0,12}?"
                               r"(工作计划|工作要点|实施方案|工作方案)"
                               r"|年初(的)?[^,;:。]{0,4}工作计划|年度应急[^,;:。]{0,6}(计划|要点)",
                  "年度工作计划", 0.75)
        self.count("work.meetings", rf"(召开|研究)[^,;:。]{{0,16}}(专题会议|会议|常务会|党委会)[^,;:。]{{0,6}}?"
                                    rf"(?P<n>{_NUM})次"
                                    rf"|(?P<n2>{_NUM})次[^,;:。]{{0,8}}(专题)?(研究|部署)[^,;:。]{{0,8}}应急",
                   "专题会议", 0.75)
        no_budget = r"(未|没有)(设置|设立|安排|列入|纳入)[^,;:。]{0,12}(经费|预算)"
        for sent, match in self.finditer(no_budget, negative=True):
            self.put("funds.budgeted", False, sent, match, 0.7, "未设应急预算")
            break
        self.flag("funds.budgeted", r"(设立|安排|列入|纳入|落实)(了)?[^,;:。]{0,10}应急[^,;:。]{0,8}(经费|预算|资金)",
                  "应急经费预算", 0.7)
        self.count("funds.amount", rf"应急[^,;:。]{{0,8}}(经费|资金)[^,;:。]{{0,6}}?(?P<n>{_NUM})万元", "经费金额", 0.7)
        self.honours()

    def honours(self) -> None:
        levels = (("国家级|全国|国家", "national"), ("省", "provincial"), ("市", "municipal"), ("县|区", "county"))
        patterns = (
            rf"(荣获|获得|被评为|被授予|被命名为|授予)(?P<title>[^,;:。]{{0,24}}?(称号|先进(单位|集体)?|荣誉|奖|示范[{_HAN}]{{0,6}}))",
            r"(?P<title>(国家级|全国|省级|市级|县级|区级)[^,;:。]{2,12}?)(建设|创建)(活动|工作)?[^。]{0,30}?通过"
            r"[^,;:。]{0,12}(检查评定|验收|评定|考核|评审)",
        )
        for pattern in patterns:
            for sent, match in self.finditer(pattern):
                title = match.group("title")
                level = next((lv for words, lv in levels if re.search(words, title)), None)
                if level is None:
                    continue
                honor = {"title": title[:200], "level": level}
                self.state.honors.append((honor, _Found(honor, sent.start + match.start(), sent.start + match.end(),
                                                        0.65, False, "荣誉")))
