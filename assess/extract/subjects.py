"""Whose doing a clause states: the unit's own, or that of the bodies below it.

Summaries report what villages, communities, schools, hospitals and enterprises did next to
what the unit did, often in the same sentence. Those are not the unit's facts (their
self-organised drills, their money, their honours, their plans filed with the unit). A
clause is someone else's when

* its subject is such a body: named (和平社区、新华社区自行组织…, 县人民医院被评为…), plural
  (各医疗卫生机构按要求…, 所有学校…), counted (12家重点企业的预案…) or the bodies of an area
  (区内企业…, 全县86所中小学…), the unit not among them (局机关和县人民医院共同开展… is its own);
* the unit only guided, supervised or mobilised them (指导各乡镇和企业开展演练412场次,
  督促指导区内企业开展…, 组织全县中小学开展…);
* the body did it on its own (自行组织, 自行开展), the unit being no subject of it;
* it goes on with the numbers of such a clause (…开展演练186次,其中某公司…).

The unit's own action at such a place (在县第一中学开展消防演练, 联合县人民医院…) stays the
unit's: a place or a partner is no subject.
"""

from __future__ import annotations

import re

_HAN = "\u4e00-\u9fff"
# bodies below the unit
_BODY = (r"(村|社区|居委会|小区|企业|公司|集团|厂|学校|中学|小学|中小学|幼儿园|医院|卫生院|医疗机构|卫生机构|机构"
         r"|单位|部门|乡镇|街道|站所)")
# bodies that name a proper noun (县人民医院, 和平社区, 华盛化工公司); 乡镇 and 街道 only in the plural,
# 街道 being also the unit's own word for itself
_NAMED_BODY = r"(村|社区|居委会|企业|公司|集团|厂|学校|中学|小学|幼儿园|医院|卫生院)"
# characters a subject's name does not hold: prepositions, particles and the verbs that take a body as their
# object (检查企业, 督查学校, 参演企业, 接入…企业)
_NOT_NAME = r"(?![在到赴对向与同联配组开举进了的、我本该其全各查访督带领导推帮参接入检])"
_PLURAL = rf"(各|所有|全部|部分|多数|个别|其余|其他|广大)(的)?[{_HAN}()]{{0,10}}?{_BODY}"
# (园区与3家企业共建…: the zone itself with partners, not the bodies of its area)
_AREA = (rf"(辖区|区内|园区内|园区|镇内|乡内|县内|全县|全镇|全乡|全区|全市|全街道)(内)?(的)?"
         rf"(\d+(个|所|家)|[规限]上)?(?:(?!与|联合|会同|配合|协同)[{_HAN}()]){{0,10}}?{_BODY}")
_NAMED = rf"(?:{_NOT_NAME}[{_HAN}]){{2,10}}?{_NAMED_BODY}"
_COUNTED = rf"(\d+|[两二三四五六七八九十]+)(个|家|所)[{_HAN}()]{{0,8}}?{_BODY}"
_ACTS = (r"(?=[、和及与等的]|在|于|按|自行|自主|分别|均|都|也|还|共|先后|积极|主动|组织|开展|举行|举办|进行|被|结合"
         r"|根据|利用|\d|[一二三四五六七八九十]{1,2}月|今年|全年|年内|已|荣获|获得|获评|投入|自查|参加|参与|制定|编制)")
_LEAD = re.compile(r"^(此外|另外|同时|其中|并|还|且)?[,:]?")
_SUBJECT = re.compile(rf"({_PLURAL}|{_AREA}|{_COUNTED}|{_NAMED}){_ACTS}")
# the unit guided, supervised or mobilised the bodies below it, which then acted
_GUIDED = re.compile(
    rf"(指导|督促|推动|帮助|引导|动员|(?<!按)(?<!按照)要求|组织|带动|协调|鼓励)+[^,;:。]{{0,16}}?"
    rf"(各[{_HAN}()]{{0,10}}?{_BODY}|{_BODY})([、和及与][^,;:。]{{1,10}}?{_BODY})*"
    r"(均|都|全部|分别|按要求|积极|自行|普遍|广泛)?(开展|组织|举行|举办|进行|实施|编制|制定|修订|修编|建立|组建"
    r"|参加)")
_SELF = re.compile(r"(?<![我本])自行(组织|开展|举行|举办|编制|制定|排查|检查|整改|演练)")
# the unit among the subjects (局机关和县人民医院共同开展…): a joint action is the unit's own
_WITH_THE_UNIT = re.compile(r"机关|政府|党委|党工委|管委会|办事处|[我本][乡镇局县区街委办]")
# clauses that carry on with the numbers of the clause before
_CARRY_ON = re.compile(r"^(其中|共计|累计|参与|参加|参演|涉及|合计)")


def others_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Local spans of the sentence ``text`` that state what bodies below the unit did."""
    spans: list[tuple[int, int]] = []
    start, previous_others = 0, False
    for end in [i for i, ch in enumerate(text) if ch in ",:"] + [len(text)]:
        clause = text[start:end]
        lead = _LEAD.match(clause)
        body = clause[lead.end() if lead else 0:]
        others_from: int | None = None
        subject = _SUBJECT.match(body)
        if (subject and not _WITH_THE_UNIT.search(subject.group(0))) or (previous_others and _CARRY_ON.match(clause)):
            others_from = 0
        else:
            guided = _GUIDED.search(clause)
            self_made = _SELF.search(clause)
            if guided is not None:
                others_from = guided.start()
            if self_made is not None and not re.search(r"[我本]", clause[:self_made.start()]):
                others_from = 0 if others_from is None else min(others_from, 0)
        if others_from is not None:
            spans.append((start + others_from, end))
        previous_others = others_from is not None
        start = end + 1
    return tuple(spans)
