"""What the unit did and what happened: hazards, publicity, reporting and incidents."""

from __future__ import annotations

import re

from assess.extract.numbers import _NUM
from assess.extract.sentences import _HAN, _Sent
from assess.extract.state import _ExtractorBase
from assess.extract.teams import _PUBLIC, _TEAM_SENTENCE

# the reach of publicity is no count of trainees: 通过培训平台覆盖群众1.2万人次, 受众, 受教育学生
_NOT_REACH = r"(?:(?!覆盖|受众|受教育|观看|浏览|点击|阅读|辐射|惠及|参观)[^,;:。])"
_EVENT = r"(突发事件|事件|事故|险情|灾情|警情)"
_NOT_SITE = r"隐患|问题|风险|危险源"
# words before a count that make it something other than places checked (发现12家企业存在问题, 检查3次)
_NOT_CHECKED = r"隐患|问题|风险|危险源|次|轮|组|人|发现|查出|责令|处罚|关停|立案|约谈|存在"
# places an inspection counts (with 处, 个, 座: 水利工程86处, 34处场所)
_SITE = (r"场所|单位|企业|工程|水库|学校|商铺|门店|工地|站|点位|部位|设施|市场|景区|医院|厂|矿|园|公司|堤|闸|桥"
         r"|路段|小区|楼")


def _public_training(sent: _Sent, match: re.Match[str]) -> bool:
    """A training held for the public, not the team a sentence is about (组建了35人的救援队伍,以机关干部和民兵
    为主体,全年开展集中培训三次; 组织队员开展扑火技能培训一次): the trainees named in its clause decide."""
    clause = sent.text[slice(*sent.clause(match.start()))]
    if not _TEAM_SENTENCE.search(sent.text) or re.search(_PUBLIC, clause):
        return True
    # the public elsewhere in the sentence: trainees (培训班3期,培训应急队员和村干部200人次), unless the
    # sentence sets up the team and they are its members
    return (not re.search(r"队员|队伍|分队", clause) and bool(re.search(_PUBLIC, sent.text))
            and not re.search(r"(组建|成立|建立|现有)[^。]{0,24}(队伍|分队|救援队|抢险队)", sent.text))


# named publicity occasions, each one campaign however it is written (5.12 is 防灾减灾日)
_OCCASIONS = (("安全生产月", "安全生产月"), ("防灾减灾|5[.·]12", "防灾减灾日"), ("世界环境日|六五", "世界环境日"),
              ("法制宣传日|宪法日|12[.·]4", "法制宣传日"), ("消防宣传|119", "消防宣传"),
              ("科技活动月|科技下乡", "科技活动"),
              ("进村|进社区|进企业|进学校|进家庭", "进村入户"))


class _ActivityFacts(_ExtractorBase):
    """``hazards``, ``publicity``, ``reporting`` and ``incidents``."""

    def hazards(self) -> None:
        self.count("hazards.found",
                   rf"(排查|查出|发现|排查出|检查出|查处|摸排)(出)?[^,;:。]{{0,16}}?(隐患|危险源)[^,;:。]{{0,6}}?(?P<n>{_NUM})(处|项|个|条|起)"
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
        if found is not None and "hazards.rectified" not in self.state.found:
            # 发现隐患19处,已全部整改到位: every hazard found was fixed
            every = r"(已|均已|现已|均)?全部(完成)?(整改|消除|销号)(到位|完毕|完成)?|均已(整改|消除|销号)(到位|完毕)?"
            for sent, match in self.finditer(every):
                if sent.start <= found.start < sent.end or self._just_before(found.start, sent):
                    self.put("hazards.rectified", found.value, sent, match, 0.7, "全部整改")
                    break
        self.sites_checked()
        self.count("hazards.inspections",
                   rf"(开展|组织)(了)?[^,;:。]{{0,16}}(排查|检查|督查|巡查)[^,;:。]{{0,8}}?(?P<n>{_NUM})(次|轮)",
                   "排查次数", 0.75)

    def _just_before(self, offset: int, sent: _Sent) -> bool:
        """Whether normalised ``offset`` lies in the sentence before ``sent``."""
        return sent.index > 0 and self.sents[sent.index - 1].start <= offset < sent.start

    def sites_checked(self) -> None:
        """Places inspected: 检查企业1800余家, 检查水库、堤防等水利工程86处, 对86家企业开展检查."""
        verb = r"(检查|排查|督查|检测|巡查|抽查|体检|诊断|执法检查)"
        listed = re.compile(rf"{verb}(了)?(?P<what>[^,;:。]{{0,30}}?)(?P<n>{_NUM})(余|多)?(?P<m>家|户|个|处|座|所)"
                            rf"(?P<after>[{_HAN}]{{0,6}})")
        before = re.compile(rf"对(?P<what>[^,;:。]{{0,30}}?)(?P<n>{_NUM})(余|多)?(?P<m>家|户|个|处|座|所)"
                            rf"(?P<after>[^。]{{0,30}}?)(进行|开展)(了)?[^,;:。]{{0,12}}?{verb}")
        for pattern in (listed, before):
            for sent, match in self.finditer(pattern):
                what, after, measure = match.group("what"), match.group("after"), match.group("m")
                if re.search(_NOT_CHECKED, what) or re.search(_NOT_SITE, after[:4]):
                    continue
                # the noun after the count decides (86处场所, 17个重点领域); else the words before it
                noun = re.split(r"进行|开展|实施|组织|的", re.sub(rf"[^{_HAN}、].*", "", after))[0]
                if noun:
                    site = bool(re.search(_SITE, noun)) or (measure in ("家", "户")
                                                            and not re.search(r"领域|行业|方面|类|部门", noun))
                else:
                    site = measure in ("家", "户") or bool(re.search(_SITE, what))
                if not site:
                    continue
                number = self.num(sent, match)
                if number is not None and number.count > 0:
                    self.put("hazards.sites_checked", number.count, sent, match, 0.75, "检查单位",
                             approximate=number.approximate)
                    return

    def publicity(self) -> None:
        self.count("publicity.materials",
                   rf"(发放|印发|派发|散发|分发|发送|赠送|印制)[^,;:。]{{0,16}}?(资料|材料|手册|宣传单|彩页|传单|明白纸|明白卡"
                   rf"|折页|宣传品|读本|挂图|宣传册)[^,;:。]{{0,6}}?(?P<n>{_NUM})(份|册|本|张|套)",
                   "宣传资料", total=True)
        self.count("publicity.people_trained",
                   rf"培训{_NOT_REACH}{{0,20}}?(?P<n>{_NUM})(人次|人|名)|(?P<n2>{_NUM})(人次|人|名)(参加|参与|接受)(了)?[^,;:。]{{0,6}}培训"
                   rf"|参训(人员|人数|干部|群众|学员)?(达|共|为|累计|共计)?(?P<n3>{_NUM})(人次|人|名)",
                   "培训人数", total=True)
        self.count("publicity.trainings",
                   rf"(举办|开展|组织|举行)(了)?(?P<n>{_NUM})(场|期|次|班)[^,;:。]{{0,16}}?(培训|讲座|授课)"
                   rf"|(培训|讲座)[^,;:。]{{0,6}}(?P<n2>{_NUM})(场|期|次)", "培训班次", 0.8, keep=_public_training)
        if "publicity.trainings" not in self.state.found:
            for sent, match in self.finditer(r"邀请[^,;:。]{0,20}?专家[^,;:。]{0,20}?(讲授|授课|讲课|培训|讲座)"):
                self.put("publicity.trainings", 1, sent, match, 0.6, "专家授课")
                break
        self.count("publicity.events",
                   rf"(开展|组织|举办)(了)?[^,;:。]{{0,24}}?宣传(活动)?(?P<n>{_NUM})(次|场|期)"
                   rf"|(开展|举办)(了)?(?P<n2>{_NUM})(次|场|期)[^,;:。]{{0,12}}宣传(活动)?"
                   rf"|(开展|组织|举办)(了)?[^,;:。]{{0,24}}?宣传[^,;:。]{{0,12}}?活动(共)?(?P<n3>{_NUM})(场次|次|场|期)",
                   "宣传活动", 0.75)
        if "publicity.events" not in self.state.found:
            self.named_campaigns()
        self.flag("publicity.law_publicity", r"突发事件应对法", "应对法宣传", 0.8,
                  context=r"宣传|学习|宣教|翻印|普及|培训|贯彻|讨论|讲座")

    def named_campaigns(self) -> None:
        """Publicity campaigns held without a count, each named one once (docs/transcription.md, rule 4c):
        利用“六五世界环境日”、“法制宣传日”的机会…宣传 → 2; 开展应急知识进村宣讲活动 → 1."""
        held = re.compile(r"(开展|组织|举办|举行|利用|围绕)(了)?[^。;]{0,40}?宣(传|讲)[^,;:。]{0,12}?(活动|周|月|日)"
                          r"|宣传(周|月)[^,;:。]{0,4}?(启动)?活动")
        seen: dict[str, tuple[int, int]] = {}
        first: tuple[_Sent, re.Match[str]] | None = None
        for sent, match in self.finditer(held):
            around = sent.text[max(0, match.start() - 20):match.end()]
            named = {key for words, key in _OCCASIONS if re.search(words, around)}
            for key in named or {f"#{sent.index}"}:
                seen.setdefault(key, match.span())
            first = first or (sent, match)
        if first is not None:
            sent, match = first
            self.put("publicity.events", len(seen), sent, match, 0.6, "宣传活动")

    def reporting(self) -> None:
        chars = {"迟": "late", "拖": "late", "缓": "late", "谎": "false", "错": "false", "误": "false", "漏": "missed",
                 "瞒": "concealed"}
        pattern = re.compile(r"(无|没有|未(出现|发生)?|杜绝)(一件次|一例|一起|一次|任何)?(出现|发生)?"
                             r"(?P<list>[“\"]?([迟谎漏瞒错拖缓误]报?[、,和及与“”\"]{0,2}){2,8}[”\"]?|[迟谎漏瞒]报)")
        for sent, match in self.finditer(pattern, negative=True):
            listed = [chars[ch] for ch in match.group("list") if ch in chars]
            for name in dict.fromkeys(listed):
                self.put(f"reporting.{name}", 0, sent, match, 0.8, "无迟报漏报瞒报")
        # what went up to the level above: 报送突发事件信息17条, 向市应急管理局报送信息162条; or every report
        # received passed on (接报…信息23起,均按要求及时报区应急管理局)
        self.count("reporting.reported",
                   rf"(上报|报送|报告)[^,;:。]{{0,12}}?{_EVENT}[^,;:。]{{0,6}}?(?P<n>{_NUM})(起|件|条|次)"
                   rf"|(上报|报送)[^,;:。]{{0,6}}?(?P<n2>{_NUM})(起|件)[^,;:。]{{0,12}}(事件|事故)"
                   rf"|(上报|报送)(了)?(各类|紧急|重要)?信息(?P<n3>{_NUM})(条|起|件)"
                   rf"|接报[^,;:。]{{0,12}}?(?P<n4>{_NUM})(起|件|条)[^。]{{0,6}}?,(均|全部|都)[^,;:。]{{0,8}}?(上)?报(?!告)",
                   "报送事件", 0.75)
        # briefings are publications (简报, 专报, 快报, 动态); plain 信息 sent up is reporting, not a briefing
        briefings = re.compile(rf"(报送|上报|编发|编印|编辑|刊发|印发)"
                               rf"(?P<what>[^,;:。]{{0,10}}(简报|专报|快报|动态|信息))[^,;:。]{{0,4}}(?P<n>{_NUM})(期|条|篇)")
        for sent, match in self.finditer(briefings):
            number = self.num(sent, match)
            plain = re.fullmatch(r"[^,;:。]{0,6}信息", match.group("what")) and match.group(1) in ("报送", "上报")
            if number is not None and not re.search(_EVENT, match.group("what")) and not plain:
                self.put("reporting.briefings", number.count, sent, match, 0.75, "信息简报",
                         approximate=number.approximate)
                break
        # a stated number of late, false, missed or concealed reports: 其中迟报1起
        for sent, match in self.finditer(rf"(?P<kind>迟报|谎报|漏报|瞒报)(信息|事件)?(?P<n>{_NUM})(起|次|件|条)",
                                         negative=True):
            number = self.num(sent, match)
            name = chars[match.group("kind")[0]]
            if number is not None:
                self.put(f"reporting.{name}", number.count, sent, match, 0.7, "迟报漏报次数")

    def incidents(self) -> None:
        major = r"(未发生|无|没有发生)(一起|任何)?[^,;:。]{0,8}?(较大|重大)(及)?以上[^,;:。]{0,10}(事件|事故)"
        for sent, match in self.finditer(major, negative=True, area=True):
            self.put("incidents.major", 0, sent, match, 0.75, "无较大以上事件")
            break
        general = r"(未发生|无|没有发生)(一起|任何)?[^,;:。]{0,8}?一般(及|和)?以上[^,;:。]{0,10}(事件|事故)"
        for sent, match in self.finditer(general, negative=True, area=True):
            self.put("incidents.general", 0, sent, match, 0.7, "无一般以上事件")
            self.put("incidents.major", 0, sent, match, 0.7, "无一般以上事件")
            break
        none_died = r"(未造成|无|没有造成)(任何)?人员(伤亡|死亡|伤害)|(无|未发生)(一例|一起|一人)?人员?死亡"
        for sent, match in self.finditer(none_died, negative=True, area=True):
            if re.search(r"\d{1,2}月\d{1,2}[日号]|遭遇|遭受|突降", sent.text[:match.start()]):
                continue  # one event without victims says nothing of the year
            self.put("incidents.deaths", 0, sent, match, 0.6, "无人员伤亡")
            break
        if "incidents.deaths" not in self.state.found:
            for sent, match in self.finditer(r"死亡(人数)?(为|是)?(零|0)(?![\d.])", negative=True, area=True):
                self.put("incidents.deaths", 0, sent, match, 0.7, "死亡人数为零")
                break
        self.count("incidents.deaths", rf"(造成|致|导致)(?P<n>{_NUM})人(死亡|遇难)|(死亡|遇难)(?P<n2>{_NUM})人(?!以)",
                   "死亡人数", 0.7, area=True, exclude=r"指标|控制|同比|下降|减少|上升|增加")
        self.count("incidents.general", rf"发生[^,;:。]{{0,10}}一般[^,;:。]{{0,8}}?(事件|事故)(?P<n>{_NUM})(起|件)"
                                        rf"|发生(了)?(?P<n2>{_NUM})(起|宗)[^,;:。]{{0,4}}?一般[^,;:。]{{0,10}}?(事件|事故)",
                   "一般事件", 0.7, area=True)
        self.count("incidents.death_limit",
                   rf"控制(考核)?指标[^,;:。\d]{{0,6}}?\(?(?P<n>{_NUM})人|死亡(人数)?控制(考核)?指标(为|是)?(?P<n2>{_NUM})人",
                   "死亡控制指标", 0.7, context=r"死亡|亡人")
