"""The unit's standing capacity: organisation, duty, warning, supplies and teams."""

from __future__ import annotations

import re
from typing import Any

from .numbers import _NUM, _Num, _number
from .sentences import _HAN
from .state import _ExtractorBase, _Found

_GROUP = re.compile(r"(应急|突发)[^,;:。、“”\"《》]{0,16}?(领导小组|领导组|委员会)")
_GROUP_VERB = re.compile(r"成立|调整|充实|组建|设立|建立|健全|重新|由|以")
_PRINCIPAL = re.compile(
    r"(?<![副办室])(书记|[乡镇县区市]长|局长|主任|主要领导|一把手|主要负责人|主要负责同志|党政主要领导)"
    r"(和[^,;:。]{1,8}?)?(亲自)?(任|为|担任)(组长|主任)|(一把手|主要领导|主要负责人)(亲自)?(负责|挂帅)")
_SUPPLY_MEASURE = ("把|个|套|支|件|台|辆|艘|吨|顶|床|袋|条|部|副|双|箱|桶|块|只|根|卷|公斤|千克|斤|架|盏|具|瓶|"
                   "张|包|组|捆|领|挺|辆")
_NOT_SUPPLY = re.compile(r"房间|村|社区|点|室|处|所|场所|单位|部门|企业|学校|领域|行业|方面|批|次|人|队|预案|小组"
                         r"|制度|项目|乡镇|街道|网点|基地|仓库|库|中心|家|工作|宣传|资料|版面|横幅|标语")
_SUPPLY_CONTEXT = re.compile(r"物资|装备|器材|设备|储备|购置|配置|配备|库存|用具|工具|保障车辆|保障船舶|机械")
_NOT_STOCK = re.compile(r"出动|投入|展出|悬挂|发放|制作|书写|张贴|印发|参与|派出|组织")


class _CapacityFacts(_ExtractorBase):
    """``organization``, ``duty``, ``warning``, ``supplies`` and ``teams``."""

    # ---------------------------------------------------------------- organisation, duty, supplies

    def organization(self) -> None:
        for sent, match in self.finditer(_GROUP):
            if _GROUP_VERB.search(sent.text):
                self.put("organization.leadership_group", True, sent, match, 0.85, "成立领导小组")
                principal = _PRINCIPAL.search(sent.text)
                if principal and sent.usable(*principal.span()):
                    self.put("organization.principal_leads", True, sent, principal, 0.8, "主要领导任组长")
        level = re.escape(self.level) if self.level else "(?!)"
        office = rf"(?:{level}|我|本)(?:人民)?(?:政府)?应急(?:管理)?办(?:公室)?(?!主任兼)|应急(?:管理)?办公室设在"
        self.flag("organization.office", office + r"|(设立|成立|设置|组建)(了)?[^,;:。]{0,6}应急(管理)?办(公室)?",
                  "设立应急办")
        if "organization.office" not in self.state.found and re.search(r"应急(管理)?办", self.text):
            self.flag("organization.office", r"我办|本办", "设立应急办", 0.7)
        self.flag("organization.in_appraisal", r"(纳入|列入)[^,;:。]{0,14}(考核|考评|目标管理)", "纳入目标考核")
        self.count("organization.staff", rf"(专职|专门)(工作)?(人员)?(?P<n>{_NUM})(名|人)"
                   rf"|配备(了)?(?P<n2>{_NUM})名[^,;:。]{{0,6}}(专职|工作人员)", "专职人员", 0.75, context="应急")
        self.count("organization.subunits_total",
                   rf"(辖区|全乡|全镇|全县|全区|全市|下辖)(的|内)?(共)?(有)?(?P<n>{_NUM})个(行政村|村|社区|乡镇|街道)",
                   "下辖单位数", 0.75, own=False)

    def duty(self) -> None:
        self.flag("duty.round_the_clock", r"24小时[^,;:。]{0,10}?值(班|守)|全天候[^,;:。]{0,4}值(班|守)", "24小时值班")
        self.flag("duty.leader_on_duty", r"领导[^,;:。]{0,6}带班|带班领导|值班领导"
                                         r"|领导[^,;:。]{0,4}(轮流|轮班)[^,;:。]{0,8}值班",
                  "领导带班")
        self.flag("duty.log_kept", r"值班(?!室)[^,;:。]{0,3}(记录|登记|日志|台账|台帐)|交接班(记录|登记)", "值班记录")
        self.flag("warning.system", r"(建立|健全|完善)(了)?[^,;:。]{0,10}预警[^,;:。]{0,4}机制", "预警机制")

    def supplies(self) -> None:
        self.flag("supplies.storage",
                  r"(?<!数据)(?<!人才)(储备|存放|储存|存储)(室|库|仓库|间)|物资(仓)?库|库房|仓库"
                  r"|(房间|场地|场所|房屋)[^,;:。]{0,10}(存放|储存|储备)", "储备库房", 0.8)
        self.flag("supplies.ledger", r"物资[^,;:。]{0,8}(台账|台帐|登记)|(台账|台帐)[^,;:。]{0,4}物资|[帐账]实相符"
                                     r"|(出入库|库存|储备)(登记)?(台账|台帐)",
                  "物资台账")
        self.flag("supplies.custodian", r"(专人|专职人员|[^,;:。]{2,12}负责)(看管|保管|管护)|(专人|专职人员)管理",
                  "专人看管", context=r"物资|储备|存放|库|装备|器材")
        self.flag("supplies.maintained",
                  r"(维护|保养|检修|更换|轮换)[^,;:。]{0,6}(物资|装备|器材)|(物资|装备|器材)[^,;:。]{0,8}(维护|保养|检修|轮换)",
                  "定期维护", 0.75)
        self.supply_items()

    def supply_items(self) -> None:
        measure = _SUPPLY_MEASURE
        name_chars = rf"[{_HAN}()]"
        before = re.compile(rf"(?P<name>{name_chars}{{1,14}}?)(?P<n>{_NUM})(?P<m>{measure})(?=[、,;。]|等|和|及|$)")
        after = re.compile(rf"(?P<n>{_NUM})(?P<m>{measure})(?P<name>{name_chars}{{1,14}}?)"
                           rf"(?=[、,;。]|等|和|及|作为|用于|进行|$)")
        for sent in self.sents:
            if sent.subordinate or not _SUPPLY_CONTEXT.search(sent.text) or _NOT_STOCK.search(sent.text):
                continue
            seen: list[tuple[int, int]] = []
            hits: list[tuple[int, int, str, _Num, str, int, int]] = []
            for pattern in (after, before):
                for match in pattern.finditer(sent.text):
                    if not sent.usable(match.start(), match.end()):
                        continue
                    number = _number(sent.text, match.start("n"), match.end("n"))
                    if number is None or number.value <= 0:
                        continue
                    name = re.split(r".*(?:了|的|如|有|共|计|和|及|、|为|是|落实)", match["name"])[-1]
                    name = re.sub(r"^(储备|购置|配备|配置|准备|存放|添置|新增|库存)(?=..)", "", name).strip("()")
                    if len(name) < 2 or _NOT_SUPPLY.search(name) or name.startswith("次"):
                        continue
                    hits.append((match.start(), match.end(), name, number, match["m"],
                                 match.start("n"), match.end("n")))
            hits.sort()
            for start, end, name, number, unit, ns, _ in hits:
                if any(a < end and start < b for a, b in seen):
                    continue
                seen.append((start, end))
                listed = re.search(rf"([{_HAN}、]{{2,30}})等$", sent.text[max(0, ns - 32):ns])
                examples = re.split(r".*(?:了|的|有|如|是|为)", listed.group(1))[-1] if listed else ""
                full = f"{name}（{examples}等）" if "、" in examples else name
                item: dict[str, Any] = {"name": full[:200], "quantity": number.count if number.value.is_integer()
                                        else number.value, "unit": unit}
                self.state.items.append((item, _Found(item, sent.start + start, sent.start + end,
                                                      0.7 if number.approximate else 0.8, number.approximate,
                                                      "物资数量")))

    # ---------------------------------------------------------------- teams

    def teams(self) -> None:
        professional_words = r"专业|处置|抢险|施工|保障|运输|排涝|救护|医疗|消防|工程"
        sized = re.compile(rf"(由)?(?P<n>{_NUM})(余|多)?(人|名)([^,;:。的]{{0,6}}?组成)?的"
                           rf"(?P<name>[^,;:。、的]{{0,16}}?(队伍|分队|大队|中队|队))"
                           rf"|(?P<name2>[^,;:。、]{{0,20}}?(队伍|分队|队))[,]?(共计|共有|计|总数|人数|共)(达)?"
                           rf"(?P<n2>{_NUM})(余|多)?(人|名)")
        professional: dict[str, _Found] = {}
        for sent in self.sents:
            for match in sized.finditer(sent.text):
                if not sent.usable(match.start(), match.end()):
                    continue
                number = self.num(sent, match)
                name = match.group("name") or match.group("name2") or ""
                if number is None:
                    continue
                grassroots = "小分队" in name or re.search(r"\d+个(村|社区)|各村", sent.text[:match.start()])
                if grassroots:
                    self.put("teams.grassroots_members", number.count, sent, match, 0.75, "基层分队人数",
                             approximate=number.approximate)
                    villages = re.search(rf"(?P<n>{_NUM})个(行政村|村|社区)", sent.text)
                    if villages:
                        count = self.num(sent, villages)
                        if count is not None:
                            self.put("teams.grassroots_teams", count.count, sent, villages, 0.7, "基层分队")
                    continue
                if sent.subordinate:
                    continue
                if re.search(professional_words, name) and "综合" not in name:
                    professional.setdefault(name, _Found(1, sent.start + match.start(), sent.start + match.end(),
                                                         0.7, False, "专业队伍"))
                elif re.search(r"应急|救援|综合", name) and "民兵" not in name:
                    self.put("teams.members", number.count, sent, match, 0.8, "应急队伍人数",
                             approximate=number.approximate)
        assigned = re.compile(rf"(?P<name>[{_HAN}()]{{2,16}}({professional_words})[{_HAN}]{{0,4}}"
                              rf"(分队|队伍|大队|中队)),由")
        for sent, match in self.finditer(assigned):
            professional.setdefault(match.group("name"), _Found(1, sent.start + match.start(), sent.start + match.end(),
                                                                0.65, False, "专业队伍"))
        explicit = re.compile(rf"专业(应急|救援)?队伍(?P<n>{_NUM})支"
                              rf"|(?P<n2>{_NUM})支[^,;:。]{{0,10}}专业[^,;:。]{{0,6}}队伍")
        for sent, match in self.finditer(explicit):
            number = self.num(sent, match)
            if number is not None:
                self.put("teams.professional", number.count, sent, match, 0.8, "专业队伍",
                         approximate=number.approximate)
        if professional and "teams.professional" not in self.state.found:
            first = min(f.start for f in professional.values())
            last = max(f.end for f in professional.values())
            self.state.found["teams.professional"] = _Found(len(professional), first, last, 0.65, False, "专业队伍")
        self.count("teams.volunteers", rf"志愿者(队伍)?(共)?(?P<n>{_NUM})(人|名)", "志愿者", 0.75)
        self.count("teams.trainings", rf"(队伍|队员)[^,;:。]{{0,8}}(培训|训练|拉练)(?P<n>{_NUM})(次|期|场)",
                   "队伍培训", 0.7)
