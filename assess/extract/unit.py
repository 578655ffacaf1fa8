"""Who the summary is about: the unit's type, name, year, period and parent."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

from assess.extract.sentences import _HAN
from assess.extract.state import _ExtractorBase, _Found

# words that stand where a place name would (配合县应急局, 根据县委…): verbs and prepositions
_NOT_A_PLACE = re.compile(r"配合|规范|协助|指导|督促|报告|上报|组织|联系|会同|牵头|带领|通过|按照|根据|加强|推进|服务"
                          r"|依据|依照|依托|经过|接受|服从|报请|请示|联合|参加|邀请|及时|积极|主动|认真|全力|上级")


# the unit as the subject of the opening sentence: 2025年,青石镇在县委…领导下
_SUBJECT = re.compile(rf"^(?:[^,。]{{0,8}}?(?:以来|年|来))?,?"
                      rf"(?P<name>[{_HAN}]{{2,10}}?(?P<word>街道|开发区|园区|管委会|乡|镇|局|县|区|市))"
                      r"(?=在|坚持|始终|认真|紧紧|围绕|以|按照|把|全面|高度|深入|扎实|积极|立足|聚焦|紧扣"
                      r"|应急)")


# a city that speaks of the counties under it
_PREFECTURE = re.compile(r"各县|县\((?:市|区)|县（(?:市|区)|县市区|县区|地级市|军分区")

# lines before a title that are not it: blank, 第3篇, 附件2, 附件：
_LEAD_LINE = re.compile(r"\s*(?:第\s*[0-9一二三四五六七八九十百]+\s*篇\s*(?:\d+字)?"
                        r"|附件\s*[0-9０-９一二三四五六七八九十]*[:：]?)?\s*")


class _UnitFacts(_ExtractorBase):
    """Unit identity: ``unit.*``."""

    def title_lines(self) -> list[int]:
        """Indexes (in the text's lines) of the title: past blank lines, 第N篇 and 附件2 lines; a
        unit's name on one line and 2025年度…总结 on the next make one title."""
        lines = self.text.split("\n")
        at = 0
        while at < len(lines) and _LEAD_LINE.fullmatch(lines[at]):
            at += 1
        if at >= len(lines):
            return []
        first = re.sub(r"^\s*第\s*[0-9一二三四五六七八九十百]+\s*篇\s*", "", lines[at])
        if len(first) > 60 or "。" in first or not first.strip():
            return []
        if (at + 1 < len(lines) and not re.search(r"总结|报告|汇报", first)
                and re.search(r"总结|报告|汇报", lines[at + 1]) and len(lines[at + 1]) <= 40
                and "。" not in lines[at + 1]):
            return [at, at + 1]
        return [at]

    def title(self) -> str:
        """The summary's title, without 第N篇 and the word count."""
        lines = self.text.split("\n")
        joined = "".join(lines[i].strip() for i in self.title_lines())
        return re.sub(r"\d+字$", "", re.sub(r"^\s*第\s*[0-9一二三四五六七八九十百]+\s*篇\s*", "", joined))

    def first_paragraph(self) -> str:
        lines = self.text.split("\n")
        taken = self.title_lines()
        after = taken[-1] + 1 if taken else 0
        paras = [p for i, p in enumerate(lines) if p.strip() and i >= after and not _LEAD_LINE.fullmatch(p)]
        return paras[0] if paras else ""

    def unit(self) -> dict[str, Any]:
        title = _digit_years(self.title())
        prefix = re.split(r"应急|工作总结|年终总结|总结", title, maxsplit=1)[0]
        prefix = re.sub(r"(19|20)?[\d_]*年(度)?|上半年|下半年|半年|年终|全年", "", prefix)
        unit_type, level, type_conf, type_span = self.type_of_unit(title, prefix)
        self.level, self.unit_type = level, unit_type
        unit: dict[str, Any] = {"id": self.arg_id or "extract-" + hashlib.sha256(
            self.doc.raw.encode("utf-8")).hexdigest()[:12]}
        if self.arg_name:
            unit["name"] = self.arg_name
        else:
            unit["name"] = self.unit_name(unit_type, level, title, prefix)
        unit["type"] = unit_type
        if self.arg_type is None:
            self.state.found["unit.type"] = _Found(unit_type, *type_span, type_conf, False, "单位类型")
        year = self.unit_year(title)
        if year is not None:
            unit["year"] = year
            self.year = year
        period = self.period(title)
        if period is not None:
            unit["period"] = period
        parent = self.parent(unit_type)
        if parent is not None:
            unit["parent"] = parent
        return unit

    def type_of_unit(self, title: str, prefix: str) -> tuple[str, str, float, tuple[int, int]]:
        """Type, the character the unit calls itself by, confidence and the deciding span."""
        by_word = (("开发区", "devzone"), ("园区", "devzone"), ("管委会", "devzone"), ("高新区", "devzone"),
                   ("街道", "street"), ("应急管理办", "county"), ("应急办", "county"), ("局", "department"),
                   ("委", "department"), ("乡", "township"), ("镇", "township"), ("县", "county"),
                   ("区", "county"), ("市", "county"))
        lines = self.text.split("\n")
        taken = self.title_lines()
        title_start = sum(len(line) + 1 for line in lines[:taken[0]]) if taken else 0
        title_span = (title_start, title_start + len(title))
        own_office = re.match(r"[^应]{0,6}应急(管理)?办", title) and not re.search(r"乡|镇|街道|局|开发区|园区", prefix)
        head = prefix + ("应急管理办" if own_office else "")  # a county's office, not a town's
        found, level = self.arg_type, ""
        for word, kind in by_word:
            if word in head and (found is None or found == kind):
                found, level = kind, word
                break
        if level:
            kind = found or "township"
            if kind == "county" and level == "市" and self.arg_type is None and _PREFECTURE.search(self.text):
                kind = "city"  # a city over counties (各县, 县（市、区）): a prefecture-level city
            return kind, self._level(kind, level), 0.9, title_span
        subject = self.opening_subject()
        if subject is not None and (found is None or found == dict(by_word)[subject[1]]):
            at = self.text.find(subject[0])
            kind = dict(by_word)[subject[1]]
            return kind, self._level(kind, subject[1]), 0.75, (at, at + len(subject[0]))
        mentions = list(re.finditer(r"(?:我|本)(开发区|园区|管委会|街道|乡|镇|局|委|县|区|市)", self.text))
        author = self.office_author(title)
        if found is None and not mentions and author:
            at = self.text.find(author + "应急")
            return "county", author, 0.7, (at, at + len(author) + 2)
        if mentions:
            word = Counter(m.group(1) for m in mentions).most_common(1)[0][0]
            first = next(m for m in mentions if m.group(1) == word)
            kind = found or dict(by_word)[word]
            return kind, self._level(kind, word), 0.7, first.span()
        return found or "township", "", 0.2 if found is None else 0.9, title_span

    def _level(self, unit_type: str, word: str) -> str:
        """The character a unit uses for itself (乡, 镇, 局, 区 ...)."""
        if word in ("应急管理办", "应急办"):
            match = re.search(r"(县|区|市)应急(管理)?办", self.text)
            return match.group(1) if match else ""
        if unit_type == "department" and word not in ("局", "委"):
            return "局"
        return word

    def opening_subject(self) -> tuple[str, str] | None:
        """The unit named as the subject of the opening sentence (2024年,青石镇在县委…领导下), with its
        type word."""
        match = _SUBJECT.match(self.first_paragraph())
        if match is None or re.search(r"[我本全各该此每]", match.group("name")[:1]) or re.search(
                r"[已报均并的了在向与对把被将]", match.group("name")):
            return None  # 专项预案均已报县应急管理局备案: a verb glued to the level above is no name
        return match.group("name"), match.group("word")

    def office_author(self, title: str) -> str:
        """The level (县, 区, 市) of the emergency office that wrote the summary, or ""."""
        match = re.match(r"[^应]{0,6}?(县|区|市)?应急(管理)?办", title)
        if match:
            return match.group(1) or "?"
        for clause in re.split(r"[,;。]", self.first_paragraph()):
            if clause.startswith("在") or "领导下" in clause or "指导下" in clause:
                continue
            match = re.match(r"^[^,]{0,6}?(县|区|市)应急(管理)?办(公室)?", clause)
            if match:
                return match.group(1)
        return ""

    def unit_name(self, unit_type: str, level: str, title: str, prefix: str) -> str:
        office = unit_type in ("county", "city") and bool(self.office_author(title))
        proper: str | None = None
        prefix = re.sub(r"^(关于|有关)", "", prefix)
        titled = re.search(rf"(?<![{_HAN}])([{_HAN}]{{2,12}}?(乡|镇|街道|县|区|市|开发区|园区|管委会|管理委员会))"
                           rf"(办事处|人民政府|政府|党委|党工委)?$", prefix)
        if titled is not None and (re.search(r"[我本全各该]", titled.group(1)[:1])
                                   or titled.group(1) in ("开发区", "高新区", "园区", "管委会")):
            titled = None
        if unit_type == "department":
            # 清河县教育局2024年安全应急管理工作总结: the bureau before the topic of the summary
            match = re.search(rf"([{_HAN}]{{2,16}}(局|委员会|委|办公室|中心))"
                              r"(安全生产|安全|防灾减灾|防汛抗旱|防汛|消防|卫生)?$", prefix)
            if match:
                proper = match.group(1)
                qualified = re.search(rf"(县|区|市){re.escape(proper)}", self.text)
                if qualified and self.text.count(qualified.group(0)) >= 2:
                    proper = qualified.group(0)
        elif titled is not None:
            proper = titled.group(1)
            if unit_type in ("township", "street"):
                # 云岭县青石镇: the unit is the town; the county before it is its parent
                nested = re.fullmatch(rf"([{_HAN}]{{2,4}}?(?:县|区|市))([{_HAN}]{{2,4}}(?:乡|镇|街道))", proper)
                if nested:
                    self.titled_parent = nested.group(1)
                    proper = nested.group(2)
            if titled.group(3) == "办事处" and unit_type == "street":
                proper += "办事处"  # a street is its office: the name as the title gives it, as a zone keeps 管委会
        elif level and len(level) == 1:
            # a place name the unit uses in its own titles: 《X镇…》, X县人民政府, X乡突发…
            stop = "我本全各该此每一乡城集村场兄弟周边在的和与及了是为对向由从将把被年月日省市县区镇等"
            counts: Counter[str] = Counter()
            verbs = _NOT_A_PLACE
            for sent in self.sentences():
                if sent.section or sent.cut < len(sent.text):
                    continue
                for match in re.finditer(rf"([{_HAN}]{{2}}){level}(?=(人民政府|党委|政府|应急|突发|防汛|人民))"
                                         rf"|(?<=[《<])([{_HAN}]{{2}}){level}", sent.text):
                    cand = match.group(1) or match.group(3)
                    if not any(ch in stop for ch in cand) and not verbs.fullmatch(cand):
                        counts[cand + level] += 1
            if counts:
                proper = counts.most_common(1)[0][0]
        if proper is None:
            subject = self.opening_subject()
            if subject is not None and (subject[1] == level or (unit_type == "department" and level == "局")):
                proper = subject[0]
        if proper is not None:
            self.name = proper
            found = self.text.find(proper)
            self.state.found["unit.name"] = _Found(proper, found, found + len(proper), 0.7, False, "单位名称")
            # the county's emergency bureau writing under its own title (桐江县应急管理局2025年工作总结)
            bureau = unit_type in ("county", "city") and re.match(rf"{re.escape(proper)}应急管理局", title)
            return proper + ("应急管理办公室" if office else "应急管理局" if bureau else "")
        generic = {"devzone": "开发区", "street": "街道", "department": "局"}
        placeholder = "某" + (level or generic.get(unit_type, "单位"))
        if unit_type == "devzone":
            placeholder = "某开发区"
        return placeholder + ("应急管理办公室" if office else "")

    def unit_year(self, title: str) -> int | None:
        match = re.search(r"(19[5-9]\d|20\d\d)", title)
        if match:
            return int(match.group(1))
        lead = re.match(r"^(19[5-9]\d|20\d\d)年(度)?[,，]", self.first_paragraph())
        return int(lead.group(1)) if lead else None

    def period(self, title: str) -> str | None:
        first = self.first_paragraph()
        if "半年" in title or re.search(r"(1|一)[-—~至到](6|六)月", title) or re.search(r"半年来|上半年[^。]{0,12}总结",
                                                                                         first):
            return "half-year"
        if re.search(r"年度|年终|全年|\d{4}|_年", title) or re.match(r"^(\d{4}|\d*_+)年", first):
            return "annual"
        if re.search(r"年度|年终|一年(以)?来", first) or re.search(r"本年度|全年", self.text):
            return "annual"
        return None

    def parent(self, unit_type: str) -> str | None:
        if unit_type not in ("township", "street", "county", "devzone"):
            return None
        if self.titled_parent is not None:
            return self.titled_parent
        stop = "我本全各该此每在的和与及了是为对向由从将把被上下中年月日省市县区乡镇城"
        after = r"(?<![\u4e00-\u9fff])|(?<=[据在向经由受和、照送报])"
        for pattern in (rf"(?:{after})([{_HAN}]{{2}})市人民政府",
                        rf"(?:{after})([{_HAN}]{{2}})市、[^,。]{{0,6}}(区|县)两级"):
            for match in re.finditer(pattern, self.text):
                name = match.group(1)
                if not any(ch in stop for ch in name):
                    return name + "市"
        # the level above: 在江北区委、区政府的领导下, 云岭县应急管理局的指导下 (a county's: 在汉中市委…)
        levels = "(市|州)" if unit_type == "county" else "(县|区|市)"
        above = re.compile(rf"(?:{after})([{_HAN}]{{2,3}}?){levels}(?=委|人民政府|政府|应急管理局|应急局|应急管理办"
                           rf"|应急办|减灾委|安委会|防汛抗旱指挥部)")
        own = self.name or ""
        # 汉中, 城口 are names; 均已报县…备案, 并报市…: adverbs and verbs of reporting are not
        light_stop = "我本全各该此每在的和与及了是为对向由从将把被年月日省市县区乡镇均已并报送呈"
        for sent in self.sentences():
            if sent.section:
                continue
            for match in _overlapping(above, sent.text):
                name = match.group(1) + match.group(2)
                if (any(ch in light_stop for ch in match.group(1)) or _NOT_A_PLACE.match(match.group(1))
                        or (own and (name in own or own in name))):
                    continue
                if not re.search(r"领导|指导|部署|要求|批准|报送|上报|备案|考核|通知", sent.text):
                    continue
                return name
        return None


def _overlapping(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every match of ``pattern``, one from each start (在松江区委: both 在松江区 and 松江区)."""
    out: list[re.Match[str]] = []
    at = 0
    while (match := pattern.search(text, at)) is not None:
        out.append(match)
        at = match.start() + 1
    return out


def _digit_years(text: str) -> str:
    """Years in Chinese numerals as digits (二〇二四年 -> 2024年)."""
    digits = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
    return re.sub(r"[〇零一二三四五六七八九]{4}(?=年)", lambda m: "".join(digits[c] for c in m.group(0)), text)
