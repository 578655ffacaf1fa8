"""The unit's set-up: leadership group, office, staff, subordinate units, duty and warning."""

from __future__ import annotations

import re

from assess.extract.numbers import _NUM, _number
from assess.extract.state import _ExtractorBase

_GROUP = re.compile(r"(应急|突发)[^,;:。、“”\"《》]{0,16}?(领导小组|领导组|委员会|指挥部)")
_GROUP_VERB = re.compile(r"成立|调整|充实|组建|设立|建立|健全|重新|由|以")
# the principal leader heads the group: 书记任组长, 以局长为组长, 书记、主任任双组长, 主要领导挂帅
_PRINCIPAL = re.compile(
    r"(?<![副办室])(书记|[乡镇县区市]长|局长|主任|主要领导|一把手|主要负责人|主要负责同志|党政主要领导)"
    r"([和、][^,;:。]{1,8}?)?(亲自|共同|同时)?(任|为|担任)(双|第一)?(组长|主任|总指挥|指挥长)"
    r"|(一把手|主要领导|主要负责人)(亲自)?(负责|挂帅)")
# the text states a deputy heads the group (由分管副乡长任组长, 以分管领导为组长): not the principal. A deputy head
# (副组长) beside a principal head, and a field command's deputy commander (指挥长), say nothing of it.
_DEPUTY_HEADS = re.compile(r"(分管[^,;:。]{0,8}?|[^,;:。]{0,4}?副)(书记|[乡镇县区市]长|局长|主任|领导|主席)"
                           r"(亲自)?(任|为|担任)(?!副|常务)(组长|主任)")
# a body that is the unit's emergency office: 设立应急管理办公室, 下设应急办, 成立应急管理站, 挂应急办牌子
_OFFICE_SET_UP = (r"(设立|成立|设置|组建|下设|建立|建成)(了)?((?!村|社区|各|企业|学校)[^,;:。]){0,10}?"
                  r"应急(管理)?(办公室|办|站|所|中心|局|服务站)"
                  r"(?!主任兼)|(挂|加挂)[^,;:。]{0,6}应急(管理)?(办|办公室|局)(的)?牌子"
                  r"|应急(管理)?办(公室)?(设在|挂靠|与[^,;:。]{2,10}合署)")
# subordinate units: villages and communities of a township, townships and streets of a county
# (86个村民小组 are below the villages)
_SUBUNIT = (r"((行政村|自然村|村民委员会|村委会|居委会|居民委员会|社区|村\(社区\)|村\(居\)|村|乡镇|乡|镇|街道)"
            r"(?!民?小?组))")
_SUBUNIT_LIST = rf"(?P<list>{_NUM}个{_SUBUNIT}([、和及与,]{_NUM}个{_SUBUNIT})*)"


def _listed_total(text: str) -> int | None:
    """The sum of a list of counted subunits (14个村、2个社区 -> 16)."""
    total = 0
    for match in re.finditer(rf"(?P<n>{_NUM})个{_SUBUNIT}", text):
        number = _number(text, match.start("n"), match.end("n"))
        if number is None:
            return None
        total += number.count
    return total or None


class _OrganizationFacts(_ExtractorBase):
    """``organization``, ``duty`` and ``warning``."""

    def organization(self) -> None:
        for sent, match in self.finditer(_GROUP):
            if _GROUP_VERB.search(sent.text):
                self.put("organization.leadership_group", True, sent, match, 0.85, "成立领导小组")
                principal = _PRINCIPAL.search(sent.text)
                deputy = _DEPUTY_HEADS.search(sent.text)
                if principal and sent.usable(*principal.span()):
                    self.put("organization.principal_leads", True, sent, principal, 0.8, "主要领导任组长")
                elif deputy and sent.usable(*deputy.span()):
                    self.put("organization.principal_leads", False, sent, deputy, 0.7, "副职任组长")
        self.office()
        self.flag("organization.in_appraisal", r"(纳入|列入)[^,;:。]{0,30}?(考核|考评|目标管理|绩效管理)",
                  "纳入目标考核")
        self.flag("organization.posted", r"(职责|制度|流程|机构|职能|分工)[^,;:。]{0,14}?上墙|上墙(公示|公布|张贴)",
                  "职责上墙", 0.75)
        self.count("organization.staff", rf"(专职|专门)[^,;:。\d]{{0,8}}?(人员|干部|同志)?(?P<n>{_NUM})(名|人)"
                   rf"|(配备|明确|落实|安排|确定|选配)(了)?(?P<n2>{_NUM})名[^,;:。]{{0,6}}(专职|工作人员)",
                   "专职人员", 0.75, context="应急")
        self.subunits()

    def office(self) -> None:
        level = re.escape(self.level) if self.level else "(?!)"
        office = rf"(?:{level}|我|本)(?:人民)?(?:政府)?应急(?:管理)?办(?:公室)?(?!主任兼)"
        self.flag("organization.office", office + "|" + _OFFICE_SET_UP, "设立应急办")
        # the emergency leadership group's own office: 领导小组办公室设在党政办, 领导小组下设办公室
        for sent, match in self.finditer(r"领导小组(下设)?办公室(设在|挂靠)|领导小组下设办公室"):
            before = sent.text[:match.start() + 4]
            previous = self.sents[sent.index - 1].text if sent.index > 0 else ""
            group = _GROUP.search(before) if before.count("领导小组") > 1 else _GROUP.search(previous)
            if group is not None and group.group(2) == "领导小组" and "organization.office" not in self.state.found:
                self.put("organization.office", True, sent, match, 0.75, "设立应急办")
        if "organization.office" not in self.state.found and re.search(r"应急(管理)?办", self.text):
            self.flag("organization.office", r"我办|本办", "设立应急办", 0.7)

    def subunits(self) -> None:
        """How many villages (townships) the unit has, and how many have an emergency body."""
        whole = rf"(辖区|全乡|全镇|全县|全区|全市|全街道|下辖|共辖|管辖|辖)(的|内)?(共)?(有|辖)?{_SUBUNIT_LIST}"
        of_them = rf"{_SUBUNIT_LIST}(中|当中|里)"
        # a county's subunits are townships and streets; a township's, villages and communities
        wrong = r"村|社区|居" if self.unit_type == "county" else r"乡|镇|街道"
        for pattern in (whole, of_them):
            for sent, match in self.finditer(pattern, own=False):
                if re.search(r"预案", sent.text[match.end():]) and not re.search(r"辖(?!区)", match.group(0)):
                    continue  # 全乡11个村均已编制预案: the base of the plans' coverage (plans.grassroots_total)
                if re.match(r"的[^,;:。]{0,4}?(干部|群众|人员|村民|居民|负责人|书记|主任|党员|网格员)",
                            sent.text[match.end():]):
                    continue  # 全镇14个村的村干部参加了培训: the villages qualify people, not the unit's make-up
                total = _listed_total(match.group("list"))
                if total is not None and not re.search(wrong, match.group("list")):
                    self.put("organization.subunits_total", total, sent, match, 0.75, "下辖单位数")
                    break
        body = r"[^,;:。]{0,8}?应急[^,;:。]{0,6}?(站|办公室|办|机构|服务站|工作站|管理站|中心)"
        counted = (rf"{_SUBUNIT_LIST}(均|全部|都)(已)?(设立|成立|建立|组建|设置|挂牌)(了)?{body}"
                   rf"|(已有|其中|有)(?P<n>{_NUM})个{_SUBUNIT}?(已)?(设立|成立|建立|组建|设置)(了)?{body}")
        for sent, match in self.finditer(counted, own=False):
            if match.group("list"):
                value = _listed_total(match.group("list"))
            else:
                number = self.num(sent, match)
                value = number.count if number is not None else None
            if value is not None:
                self.put("organization.subunits_with_office", value, sent, match, 0.7, "下辖单位应急机构")
                break
        stated = self.state.found.get("organization.subunits_total")
        if stated is not None and "organization.subunits_with_office" not in self.state.found:
            every = rf"各(村|社区|乡镇|街道)[^,;:。]{{0,6}}(均|全部|都)(已)?(设立|成立|建立|组建|设置)(了)?{body}"
            for sent, match in self.finditer(every, own=False):
                self.put("organization.subunits_with_office", stated.value, sent, match, 0.6, "下辖单位应急机构")
                break

    def duty(self) -> None:
        self.flag("duty.round_the_clock", r"24小时[^,;:。]{0,10}?值(班|守)|全天候[^,;:。]{0,4}值(班|守)", "24小时值班")
        self.flag("duty.leader_on_duty", r"领导[^,;:。]{0,6}带班|带班领导|值班领导"
                                         r"|领导[^,;:。]{0,4}(轮流|轮班)[^,;:。]{0,8}值班",
                  "领导带班")
        self.flag("duty.log_kept", r"值班(?!室)[^,;:。]{0,3}(记录|登记|日志|台账|台帐)|交接班(记录|登记)", "值班记录")
        # nobody away from the duty post: 未发现脱岗, 无脱岗漏岗现象; or a stated count
        for sent, match in self.finditer(r"(未发现|未出现|没有|无|未发生|杜绝了)(一起|一次|任何)?[^,;:。]{0,4}?"
                                         r"(脱岗|离岗|空岗|漏岗|缺岗)", negative=True):
            self.put("duty.absences", 0, sent, match, 0.7, "无脱岗")
            break
        self.count("duty.absences", rf"(脱岗|离岗|空岗)(现象|情况)?(?P<n>{_NUM})(次|起|人次)", "脱岗次数", 0.7)
        self.warning()

    def warning(self) -> None:
        self.flag("warning.system", r"(?<!逐步)(?<!加快)(?<!努力)(?<!着力)"
                                    r"(建立|健全|完善|建成|建设|搭建|依托|利用|运用|借助|开通)(了)?[^,;:。]{0,14}?预警"
                                    r"[^,;:。]{0,4}?(机制|系统|平台|体系|网络|制度)", "预警机制")
        issue = r"(发布|发出|发送|推送|下发|播发|转发)"
        self.count("warning.issued", rf"{issue}(了)?[^,;:。]{{0,16}}?预警(信息|短信|提示|通知)?"
                                     rf"[^,;:。]{{0,4}}?(?P<n>{_NUM})(次|条|期|批|份)"
                                     rf"|{issue}(了)?(?P<n2>{_NUM})(次|条|期|批)[^,;:。]{{0,10}}预警",
                   "发布预警", 0.75)
