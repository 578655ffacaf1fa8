"""Text preparation and sentence segmentation.

The patterns run on a normalised copy of the text (:class:`_Prepared`) cut into sentences
(:class:`_Sent`) that know whether they state a problem, a plan for later or what
subordinate units did.
"""

from __future__ import annotations

import re

import msgspec

from assess.extract.subjects import others_spans

# --------------------------------------------------------------------------- text preparation

_END_PUNCT = "。！？!?;；:：”\"」』)）…"
_HEADING = re.compile(
    r"^(?:(?P<l0>第\d+篇)|(?P<l1>[一二三四五六七八九十]+[、.])|(?P<l2>\([一二三四五六七八九十]+\))"
    r"|(?P<l3>\d+[、.](?!\d))|(?P<l4>\(\d+\)))")
_HAN = "\u4e00-\u9fff"
_THOUSANDS = re.compile(r"(?<![\d.])(?<!\d,)\d{1,3}(?:,\d{3})+(?![\d,])")  # ASCII commas only; 演练,1,800余名
_TITLE_END = re.compile(r"(总结|报告|汇报|情况|要点|计划|方案|通知)(\d+字)?$")


def _char_map(ch: str) -> str:
    code = ord(ch)
    if ch in " \t\u3000\xa0":
        return ""
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return {"〈": "<", "〉": ">", "〔": "[", "〕": "]", "【": "[", "】": "]", "﹪": "%"}.get(ch, ch)


class _Prepared(msgspec.Struct, frozen=True):
    """The normalised text the patterns run on, with the raw offset of every character."""

    raw: str
    text: str
    pos: tuple[int, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.pos[start] if start < len(self.pos) else len(self.raw), self.pos[start] if start < len(
                self.pos) else len(self.raw)
        return self.pos[start], self.pos[end - 1] + 1


def _prepare(raw: str) -> _Prepared:
    """Full-width to ASCII, spaces dropped, lines that break mid-sentence joined."""
    chars: list[str] = []
    pos: list[int] = []
    lines = raw.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        separators = {m.start() + i for m in _THOUSANDS.finditer(line) for i, c in enumerate(m.group(0)) if c == ","}
        for col, ch in enumerate(line):
            if col in separators:
                continue  # 1,236 is one number: the comma is no clause break
            mapped = _char_map(ch)
            if mapped:
                chars.append(mapped)
                pos.append(offset + col)
        offset += len(line) + 1
        if index + 1 == len(lines):
            break
        current = "".join(_char_map(c) for c in line)
        following = "".join(_char_map(c) for c in lines[index + 1])
        broken = (len(current) >= 20 and current[-1] not in _END_PUNCT and not _HEADING.match(current)
                  and not _TITLE_END.search(current) and following and not _HEADING.match(following))
        if not broken:
            chars.append("\n")
            pos.append(offset - 1)
    return _Prepared(raw, "".join(chars), tuple(pos))


# --------------------------------------------------------------------------- segmentation

_PROBLEM_HEAD = re.compile(r"问题|不足|困难|差距|短板|教训")
_FUTURE_HEAD = re.compile(r"下一步|下步|计划|打算|明年|思路|设想|展望|努力方向")
_PROBLEM_START = re.compile(r"(还|仍|也|但|主要)存在[^。]{0,20}(问题|不足|困难)")
_FUTURE = re.compile(
    r"下一步|下步|明年|今后|来年|计划(在|于|开展|组织|举办|举行|年内)|拟(在|于|开展|组织|建立|制定|举办)"
    r"|将(要|继续|进一步|加强|在|于|开展|组织|建立|制定|完善|全面|努力|着力|不断)|力争|争取|预计|正在进行"
    r"|要求(各|全|所有|相关|有关|本|下属|企业)|(?<![需主重只想])要(进一步|加强|继续|切实|认真|做好|建立|完善|确保|及时"
    r"|严格|充分|积极|把|加大|高度|按照|针对|结合|组织|开展|落实|制定|立即|采取|对|在|根据)|必须|应当|务必")
# time qualifiers that reach back over several years (not the report's period)
_REACH_BACK = re.compile(r"近年来|近几年|近些年|多年来|历年来|历年|这些年|几年来|以往")
_PROBLEM = re.compile(
    r"不到位|不足|不够|尚未|还需|仍需|有待|缺乏|薄弱|不完善|不健全|不强|不高|难以|滞后|陈旧|不规范|不及时"
    r"|不明显|较差|未(建立|设立|成立|制定|落实|开展|设置|配备|建成|纳入|实行)|没有(建立|设立|成立|制定|落实|开展)")
_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+是|\d+[、.]|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、)?"
                   r"(?:其中|同时|此外|另外|今年|目前|截至目前|年初|全年|近年来|上半年|下半年)?[,:]?")
_SUBORDINATE = re.compile(
    r"(各(村|社区|部门|单位|企业|乡镇|街道|学校|校|中小学|医院|管区|县|区|地)|所有的?(乡镇|村|企业|单位)|全(乡|镇|县|区|市)\d+(个|所|家)"
    r"|辖区(内)?的?\d*个?(村|社区|企业)|规上|区直|县直|市直|乡直|镇直|(重点|相关|下属)?企业|基层单位|村委|社区|学校|中小学)")


class _Sent(msgspec.Struct, frozen=True):
    """One sentence (split at 。！？； and line ends) of the normalised text."""

    index: int
    start: int
    text: str
    para: int
    section: str  # "", "problem" or "future"
    subordinate: bool
    cut: int  # local offset from which the rest is a plan, a requirement or a problem
    bad: tuple[tuple[int, int], ...]  # local clause spans stating a problem or an absence
    heading: bool = False  # a short heading (四、开展培训演练。): a topic, not an event
    others: tuple[tuple[int, int], ...] = ()  # local clause spans stating what bodies below the unit did

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def usable(self, start: int, end: int, *, negative: bool = False) -> bool:
        """Whether a match at local ``start:end`` states a fact about the unit.

        ``negative`` patterns (无迟报, 未设置预算) may come from a problem statement.
        """
        if self.section == "future" or start >= self.cut:
            return False
        if negative:
            return True
        if self.section == "problem":
            return False
        return not any(a < end and start < b for a, b in self.bad)

    def own(self, at: int) -> bool:
        """Whether local offset ``at`` lies in what the unit itself did (not a subordinate's doing)."""
        return not self.subordinate and not any(a <= at < b for a, b in self.others)

    def clause(self, at: int) -> tuple[int, int]:
        """Local span of the clause (between , : and the sentence ends) around ``at``."""
        left = max(self.text.rfind(",", 0, at), self.text.rfind(":", 0, at)) + 1
        rights = [i for i in (self.text.find(",", at), self.text.find(":", at)) if i >= 0]
        return left, min(rights) if rights else len(self.text)


def _sentences(doc: _Prepared) -> list[_Sent]:
    text = doc.text
    sents: list[_Sent] = []
    stack: list[tuple[int, str]] = []  # open headings: (level, context)
    offset = 0
    for para_index, para in enumerate(text.split("\n")):
        para_start = offset
        offset += len(para) + 1
        heading = _HEADING.match(para)
        if heading:
            level = next(i for i, name in enumerate(("l0", "l1", "l2", "l3", "l4")) if heading.group(name))
            while stack and stack[-1][0] >= level:
                stack.pop()
            title = re.split(r"[,。:;]", para[heading.end():], maxsplit=1)[0][:30]
            context = ""
            if level > 0:
                context = "problem" if _PROBLEM_HEAD.search(title) else "future" if _FUTURE_HEAD.search(title) else ""
            stack.append((level, context))
        section = next((c for _, c in reversed(stack) if c), "")
        problem_from = len(para)
        found = _PROBLEM_START.search(para)
        if found:
            problem_from = found.start()
        # split into sentences, never inside 《…》
        depth, begin = 0, 0
        bounds: list[tuple[int, int]] = []
        for i, ch in enumerate(para):
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth = max(0, depth - 1)
            elif ch in "。!?" or (ch in ";" and depth == 0):
                bounds.append((begin, i + 1))
                begin, depth = i + 1, 0
        if begin < len(para):
            bounds.append((begin, len(para)))
        for s, e in bounds:
            piece = para[s:e]
            if not piece.strip():
                continue
            sec = section or ("problem" if s >= problem_from else "")
            future = _FUTURE.search(piece)
            cut = future.start() if future else len(piece)
            past = _REACH_BACK.search(piece)
            if past:
                cut = min(cut, past.start())  # 近年来…共组织演练4次: a history, not the year's work
            bad: list[tuple[int, int]] = []
            clause_start = 0
            for j, ch in enumerate(piece + ","):
                if ch in ",:":
                    if _PROBLEM.search(piece[clause_start:j]):
                        bad.append((clause_start, j))
                    clause_start = j + 1
            lead = _LEAD.match(piece)
            # 在各村设立…, 督促指导各村…: what the bodies below did
            head = re.sub(r"^(在(?=各|全|所有)|督促|指导|帮助|推动)+", "", piece[lead.end() if lead else 0:])
            is_heading = bool(heading) and s == 0 and len(piece) <= 20 and "," not in piece
            sents.append(_Sent(len(sents), para_start + s, piece, para_index, sec,
                               bool(_SUBORDINATE.match(head)), cut, tuple(bad), is_heading, others_spans(piece)))
    return sents
