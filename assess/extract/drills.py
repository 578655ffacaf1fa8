"""Drills (演练): the hazard a drill title names, drill titles, counts, dates and participants."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from assess.extract.drill_people import _Drill, _DrillPeople, _Total
from assess.extract.numbers import _NUM, _Num, _number
from assess.extract.sentences import _HAN, _Sent
from assess.extract.state import _Found
from assess.facts import MAX_LIST

# --------------------------------------------------------------------------- hazards of drills

_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("森林火灾|森林防火|森林防灭火|森林草原防灭火|森林消防|山火|扑火|林火|护林", "forest_fire"),
    ("危险化学品|危化|化工|泄漏|化学品", "hazardous_chemicals"),
    ("地质灾害|滑坡|泥石流|崩塌", "geologic"),
    ("防汛|洪|汛|抗旱|水灾|内涝|溃坝|排涝", "flood"),
    ("地震|防震|抗震", "earthquake"),
    ("消防|火灾|灭火|防火|失火|火警", "fire"),
    ("安全生产|生产安全|矿|有限空间|受限空间|高处坠落|机械伤害|特种设备|工贸|粉尘|电梯|锅炉|压力容器|起重",
     "production_safety"),
    ("交通|道路|客运|春运|车辆", "traffic"),
    ("气象|台风|暴雨|雨雪|冰冻|寒潮|大风|高温|冰雹", "weather"),
    ("食品|食物中毒", "food_safety"),
    ("动物疫|禽流感|口蹄疫|猪瘟|畜", "animal_epidemic"),
    ("疫情|卫生|传染病|医疗|防疫|救护", "public_health"),
    ("环境|污染", "environment"),
    ("群体性|维稳|治安|防暴|反恐|上访|信访|社会安全|处突|踩踏", "mass_incident"),
    ("保供|供应保障", "supply"),
    ("事故", "production_safety"),  # an accident of no kind named above: 企业事故救援演练
    ("综合", "comprehensive"),
)
_GENERIC_DRILL = re.compile(r"(乡|镇|县|区|市|村|园区|校|厂|公司|企业|街道|社区|部门)级"
                            r"|应急|预案|全[乡镇县区市]性?|各类|相关|专项|各项|联合|联动|模拟|实战|大型|小型|桌面"
                            r"|规模|的|等|大规模|一般|有关|部分|救援|处置|紧急|预定|常规|日常|演练|演习|、|培训|训练|宣传|教育|宣教")
_TOPICLESS = re.compile(r"学校|校园|安全|疏散|撤离|安置|逃生|避险|人员|群众|师生|知识|密集场所")
_VAGUE = re.compile(r"多次|多场|经常|定期|不定期|系列|各类|不同规模|大部分|各种|若干|数次|常态化|每年|每月|每季")


def _kind_of(title: str) -> str | None:
    """The hazard a drill title names; ``other`` for a named topic outside the list."""
    for words, kind in _KIND_WORDS:
        if re.search(words, title):
            return kind
    rest = _GENERIC_DRILL.sub("", title)
    if not rest:
        return None
    return None if not _TOPICLESS.sub("", rest) else "other"


def _is_generic(title: str) -> bool:
    return not _GENERIC_DRILL.sub("", title)


# verbs whose object is a line of work, not an event: 抓好演练, 强化应急演练, 注重实战演练
_TOPIC_VERB = re.compile(r"通过|提高|加强|强化|推进|抓好|做好|抓实|狠抓|突出|注重|重视|规范|深化|提升|夯实|加大"
                         r"|健全|完善")
_NOT_A_DRILL = re.compile(r"观摩|宣教|方案|预案|计划|脚本|经费|资金|能力|水平|工作|任务|内容|科目|重点|中")
# a total for the whole area (全县各级各部门共开展演练312场次): everyone's drills, not the unit's
_AREA_TOTAL = re.compile(r"(?:全(?:省|市|州|县|区|旗)|各级各(?:部门|单位)|各(?:县|区|乡镇|地))"
                         r"[^。;]{0,40}?(?:共|累计|合计)")
# a drill another body ran and the unit only took part in: 配合县应急管理局开展…, 参加了由X开展的…
_ASSISTED = re.compile(rf"(?:配合|协助|协同)(?P<by>[{_HAN}、]{{2,24}}?)(?=在|于|开展|组织|举行|举办|进行)"
                       rf"|参加了?由?(?P<by2>[{_HAN}、—]{{2,40}}?)(?:组织|开展|举办|举行|主办)的")


class _DrillFacts(_DrillPeople):
    """``drills`` and ``drill_participants``."""

    def drills(self) -> None:
        by_para: dict[int, tuple[list[_Total], list[_Drill]]] = {}
        drill_word = re.compile(r"演练|演习")
        for sent in self.sentences():
            if sent.subordinate:
                continue
            previous_end = date_from = 0
            for match in drill_word.finditer(sent.text):
                at, end = match.start(), match.end()
                seg_start = max(previous_end, sent.clause(at)[0])
                previous_end = end
                if (not sent.usable(at, end) or not sent.own(at) or _NOT_A_DRILL.match(sent.text[end:end + 2])
                        or sent.heading):
                    continue
                segment = sent.text[seg_start:at]
                if _TOPIC_VERB.search(segment[:8]) or re.search(r"通过(对)?", segment):
                    continue
                area = _AREA_TOTAL.search(sent.text[:at]) or (
                    self.unit_type == "city" and re.search(r"[我本]市[^。;]{0,40}?(?:共|累计|合计)", sent.text[:at]))
                if area and not re.search(r"[我本](?:局|办|委|镇|乡|街道|单位)?(?:牵头)?组织",
                                                                       segment):
                    continue
                assisted = None
                for helper in _ASSISTED.finditer(sent.text, 0, at):
                    if helper.end() <= at and not re.search(r"[。;]", sent.text[helper.end():at]):
                        assisted = (helper.group("by") or helper.group("by2") or "").strip("、—")
                title = self._drill_title(segment)
                parts = [p for p in re.split(r"等", title, maxsplit=1)[0].split("、") if p] if title else []
                suffix = title.split("等", 1)[1] if "等" in title else ""
                count, total_hint = self._drill_count(sent, segment, seg_start, end)
                if count is None and _VAGUE.search(segment):
                    continue
                kinds = [_kind_of(p + suffix) for p in parts] if len(parts) > 1 else (
                    [_kind_of(title)] if title else [])
                generic = not title or _is_generic(title)
                if generic and count is not None:
                    kinds = [_kind_of(p) for p in self._listed_before_count(segment)]
                if generic and count is None:
                    continue
                group = by_para.setdefault(sent.para, ([], []))
                if count is not None and (generic or total_hint or len(parts) > 1):
                    tail = re.match(rf"(共|各)?{_NUM}(次|场)", sent.text[end:end + 12])
                    group[0].append(_Total(count, kinds, sent.start + seg_start,
                                           sent.start + end + (tail.end() if tail else 0), sent))
                    continue
                if kinds and all(k is None for k in kinds) and len(parts) <= 1:
                    borrowed = _kind_of(segment)
                    kinds = [borrowed if borrowed != "other" else None]
                times = count.count if count is not None else 1
                names = parts if len(parts) > 1 else [title]
                for part, kind in zip(names, kinds or [None], strict=False):
                    label = (part + (suffix or "") + match.group(0)) if len(parts) > 1 else title + match.group(0)
                    title_at = seg_start + max(0, segment.rfind(part)) if part else seg_start
                    group[1].append(_Drill(kind, label.lstrip("、"), sent.start + title_at, sent.start + end, sent,
                                           count=max(1, min(times, 1000)),
                                           date=self._drill_date(sent, date_from, at), organizer=assisted or None))
                date_from = end
        self._drill_participants(by_para)
        for para in sorted(by_para):
            totals, items = by_para[para]
            items = self._merge_repeats(items)
            entries: list[tuple[dict[str, Any], _Found | None, _Found | None]] = []
            # one entry past the most the facts allow is enough to have the draft drop them
            room = MAX_LIST + 1 - len(self.state.drills)
            for drill in items:
                entry: dict[str, Any] = {}
                if drill.kind:
                    entry["kind"] = drill.kind
                if drill.date:
                    entry["date"] = drill.date
                if drill.participants is not None:
                    entry["participants"] = drill.participants.value
                if drill.organizer:
                    entry["organizer"], entry["role"] = drill.organizer[:200], "assistant"
                if drill.title:
                    entry["title"] = drill.title[:200]
                for _ in range(min(drill.count, room - len(entries))):
                    copy = dict(entry)
                    entries.append((copy, _Found(copy, drill.start, drill.end, drill.confidence, False, "演练"),
                                    drill.participants))
            if totals:
                biggest = max(totals, key=lambda t: t.count.count)
                self.state.drills_total = _Found(biggest.count.count, biggest.start, biggest.end, 0.8,
                                                 biggest.count.approximate, "演练总数")
                if biggest.count.count > len(entries):
                    have = Counter(e.get("kind") for e, _, _ in entries)
                    for kind in biggest.kinds:
                        if len(entries) >= biggest.count.count:
                            break
                        if kind is not None and have[kind] > 0:
                            have[kind] -= 1
                            continue
                        entry = {"kind": kind} if kind else {}
                        entries.append((entry, _Found(entry, biggest.start, biggest.end, 0.6,
                                                      biggest.count.approximate, "演练总数"), None))
                    entries.extend(({}, None, None) for _ in range(min(biggest.count.count, room) - len(entries)))
                participants = next((t.participants for t in totals if t.participants is not None), None)
                if participants is not None and "drill_participants" not in self.state.found:
                    self.state.found["drill_participants"] = participants
            self.state.drills.extend(entries)

    @staticmethod
    def _drill_title(segment: str) -> str:
        text = re.sub(r"的$", "", segment)
        pieces = re.split(r"开展|举行|举办|组织|进行|参加|完成|实施|了|在|的|共(?=[\d一二两三四五六七八九十])|共计"
                          r"|于|对|和|及|与|(?<=[\d一二两三四五六七八九十余多])[次场]|演练|演习"
                          r"|为|是|把|将|被|让|使|其中|分别", text)
        match = re.search(rf"[{_HAN}、]+$", pieces[-1])
        return match.group(0).strip("、") if match else ""

    def _drill_count(self, sent: _Sent, segment: str, seg_start: int, end: int) -> tuple[_Num | None, bool]:
        after = re.match(rf"(共|各)?(?P<n>{_NUM})(次|场)", sent.text[end:end + 12])
        if after:
            number = _number(sent.text, end + after.start("n"), end + after.end("n"))
            if number is not None:
                return number, "共" in segment or after.group(1) == "共"  # 各1次: each drill once
        before = None
        for match in re.finditer(rf"(共|计)?(?P<n>{_NUM})(次|场)(的)?", segment):
            before = match
        if before:
            number = _number(sent.text, seg_start + before.start("n"), seg_start + before.end("n"))
            if number is not None:
                return number, bool(before.group(1))
        return None, False

    @staticmethod
    def _listed_before_count(segment: str) -> list[str]:
        """Kinds listed ahead of a count: 开展了地震、消防等共250余次应急演练."""
        match = re.search(rf"([{_HAN}、]+?)(等)?(共|计)?{_NUM}(次|场)", segment)
        if not match or not (match.group(2) or "、" in match.group(1)):
            return []
        run = re.split(r"开展|举行|举办|组织|进行|了|在|的|于|对", match.group(1))[-1]
        return [p for p in run.split("、") if p]

    def _drill_date(self, sent: _Sent, start: int, end: int) -> str | None:
        """The last date written between ``start`` and ``end`` (the drill word) of the sentence: a day
        (5月12日, 5.12) or a month alone (6月, 6月中旬)."""
        found = None
        for match in re.finditer(r"(?:(\d{4})年)?(?<![-~至到\d])(\d{1,2})月(?:(\d{1,2})[日号])?"
                                 r"|(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d.])", sent.text[start:end]):
            found = match
        if not found:
            return None
        year = int(found.group(1)) if found.group(1) else self.year
        month = int(found.group(2) or found.group(4))
        day = found.group(3) or found.group(5)
        if year is None or (self.year is not None and year != self.year):
            return None
        if not (1 <= month <= 12 and (day is None or 1 <= int(day) <= 31)):
            return None
        return f"{year:04d}-{month:02d}" + (f"-{int(day):02d}" if day else "")
