"""Draft unit facts from a unit's narrative year-end summary (issue 6).

Units write a summary (工作总结); assessors read it to fill in the rubric. This module
reads such a summary and drafts the facts, keeping for every value the sentence it came
from (:class:`Evidence`), so that an assessor reviews a draft instead of reading from
scratch. It is deterministic and offline: plain regular expressions and small grammars
over the text, no model, no network.

What it follows, in the spirit of the facts schema:

* A value is only drafted where a sentence states it. A fact no sentence states is left
  out ("not submitted"), never drafted as ``false`` or ``0``; the rubric paths left out are
  listed in :attr:`Draft.unsupported` so the assessor knows what to ask for.
* Problem statements (存在的问题, 不到位, 不足 ...), plans for later (下一步, 计划, 将 ...)
  and requirements put on others (要求各村 ...) are not facts about the unit.
* Approximate numbers (300多人, 20余人, 近千人, 万余份) keep the stated number and their
  evidence says ``approximate``. Template blanks (____年, __起) are never values.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tabulate import tabulate

from .errors import AssessError, FactsError
from .facts import FIELDS, HAZARD_LABELS, MAX_BYTES, UNIT_TYPE_LABELS, decode, validate

__all__ = [
    "Draft",
    "Evidence",
    "extract",
    "read_docx",
    "read_summary",
    "read_text",
    "review_sheet",
    "rubric_paths",
    "split_summaries",
]


# --------------------------------------------------------------------------- results


class Evidence(BaseModel):
    """The text behind one drafted value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quote: str = Field(description="The matched text, as it stands in the input.")
    start: int = Field(ge=0, description="Offset of the quote's first character in the input text.")
    end: int = Field(ge=0, description="Offset just past the quote's last character.")
    confidence: float = Field(ge=0, le=1, description="How sure the pattern is (0-1).")
    approximate: bool = Field(default=False, description="The text gives the number as 余/多/近/约.")
    rule: str = Field(description="Name of the pattern that matched.")


class Draft(BaseModel):
    """Draft facts of one unit, with the evidence for each value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    facts: dict[str, Any] = Field(description="Unit facts, valid under the facts schema.")
    evidence: dict[str, Evidence] = Field(description="Evidence keyed by JSON path (plans.special, drills[2]).")
    unsupported: list[str] = Field(description="Rubric fact paths that no sentence supports.")


# --------------------------------------------------------------------------- reading


def read_text(data: bytes, source: str) -> str:
    """A plain-text summary: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if len(data) > MAX_BYTES:
        raise FactsError(f"file larger than {MAX_BYTES // (1024 * 1024)} MB", source=source)
    if data.startswith(b"PK\x03\x04"):
        raise FactsError("this is a zip archive (a .docx?), not a text file", source=source)
    text = decode(data, source)
    if "\x00" in text:
        raise FactsError("binary data, not text", source=source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_docx(data: bytes, source: str) -> str:
    """The text of a Word document: paragraphs and table rows in document order."""
    if len(data) > MAX_BYTES:
        raise FactsError(f"file larger than {MAX_BYTES // (1024 * 1024)} MB", source=source)
    try:
        import docx  # imported here: only .docx input needs python-docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise FactsError("reading .docx needs python-docx (pip install python-docx)", source=source) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        value = cell.text.strip()
                        if value and (not cells or cells[-1] != value):  # merged cells repeat
                            cells.append(value)
                    if cells:
                        lines.append("  ".join(cells))
            else:
                lines.append(block.text)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError) as exc:
        raise FactsError(f"not a readable .docx file ({type(exc).__name__}: {exc})", source=source) from exc
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


def read_summary(data: bytes, source: str) -> str:
    """A summary as text, from ``.docx`` (by name or zip signature) or plain text."""
    if source.lower().endswith(".docx") or data.startswith(b"PK\x03\x04"):
        return read_docx(data, source)
    return read_text(data, source)


_PART_HEADING = re.compile(r"^[ \t\u3000]*第[ \t]*([0-9０-９]+|[一二三四五六七八九十百]+)[ \t]*篇[^\n]*$", re.M)


def split_summaries(text: str) -> list[tuple[str, str]]:
    """Split a file of several summaries at headings ``第N篇 …`` into (heading, body) parts.

    A text without such headings is one part with an empty heading; text before the
    first heading is kept as a part of its own when it is more than blank space.
    """
    matches = list(_PART_HEADING.finditer(text))
    if not matches:
        return [("", text)]
    parts: list[tuple[str, str]] = []
    preamble = text[:matches[0].start()]
    if preamble.strip():
        parts.append(("", preamble.strip("\n")))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts.append((match.group(0).strip(), text[match.end():end].strip("\n")))
    return parts


# --------------------------------------------------------------------------- numbers

_NUM = (r"(?:近|约|逾|将近|大约)?(?:(?:\d+(?:\.\d+)?|[零〇两一二三四五六七八九十百千]+)(?:余|多)?"
        r"(?:[万亿](?:余|多)?)?|[万亿](?:余|多)?)")
_NUM_PARTS = re.compile(r"(?P<pre>近|约|逾|将近|大约)?(?P<body>\d+(?:\.\d+)?|[零〇两一二三四五六七八九十百千]+)?"
                        r"(?P<a1>余|多)?(?P<big>[万亿])?(?P<a2>余|多)?")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_DATE_AFTER = ("年", "月", "日", "号", "时", "点", "个月", "小时", "天", "周", "分钟", "星期", "季度")


@dataclass(frozen=True)
class _Num:
    value: float
    approximate: bool

    @property
    def count(self) -> int:
        return round(self.value)


def _cn_int(text: str) -> int | None:
    total, current, have_digit = 0, 0, False
    for ch in text:
        if ch in _CN_DIGIT:
            if have_digit and _CN_DIGIT[ch] != 0:
                return None  # 一二 is not a numeral
            current, have_digit = _CN_DIGIT[ch], True
        else:
            total += (current if have_digit else 1) * _CN_UNIT[ch]
            current, have_digit = 0, False
    return total + current


def _number(text: str, start: int, end: int) -> _Num | None:
    """The number written at ``text[start:end]``, or None when it is no count.

    Refused: template blanks next to it (20__), vague forms (数百, 几十, 上千), ordinals
    (第三), phone numbers, dates and durations (5月, 12日, 两个月, 5.12).
    """
    raw = text[start:end]
    match = _NUM_PARTS.fullmatch(raw)
    if match is None or not (match["body"] or match["big"]):
        return None
    before, after = text[max(0, start - 6):start], text[end:end + 3]
    if before[-1:].isdigit() or before.endswith(".") or after[:1].isdigit():
        return None  # a piece of a longer number
    if after.startswith("_") or before.endswith("_") or before.endswith(("数", "几", "上", "第", "若干")):
        return None
    if after.startswith(_DATE_AFTER) or (after.startswith("个") and after[1:].startswith(_DATE_AFTER)):
        return None
    body = match["body"]
    if body is None:
        base = 1.0
    elif body[0].isdigit():
        digits = body.replace(".", "")
        if len(digits) >= 7 or re.search(r"(电话|手机|热线|传真|号码|电话号)[:：]?$", before):
            return None
        if "." in body and not (match["big"] or after.startswith(("%", "吨", "公", "千", "米", "元", "倍"))):
            return None  # 5.12 is a date, not five point one two
        base = float(body)
    else:
        if body == "一" and before.endswith("无"):
            return _Num(0, False)  # 无一例: none, not one
        value = _cn_int(body)
        if value is None:
            return None
        base = float(value)
    if match["big"] == "万":
        base *= 10_000
    elif match["big"] == "亿":
        base *= 100_000_000
    return _Num(base, bool(match["pre"] or match["a1"] or match["a2"]))


# --------------------------------------------------------------------------- text preparation

_END_PUNCT = "。！？!?;；:：”\"」』)）…"
_HEADING = re.compile(
    r"^(?:(?P<l0>第\d+篇)|(?P<l1>[一二三四五六七八九十]+[、.])|(?P<l2>\([一二三四五六七八九十]+\))"
    r"|(?P<l3>\d+[、.](?!\d))|(?P<l4>\(\d+\)))")
_HAN = "\u4e00-\u9fff"
_TITLE_END = re.compile(r"(总结|报告|汇报|情况|要点|计划|方案|通知)(\d+字)?$")


def _char_map(ch: str) -> str:
    code = ord(ch)
    if ch in " \t\u3000\xa0":
        return ""
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return {"〈": "<", "〉": ">", "〔": "[", "〕": "]", "【": "[", "】": "]", "﹪": "%"}.get(ch, ch)


@dataclass(frozen=True)
class _Prepared:
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
        for col, ch in enumerate(line):
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
_PROBLEM = re.compile(
    r"不到位|不足|不够|尚未|还需|仍需|有待|缺乏|薄弱|不完善|不健全|不强|不高|难以|滞后|陈旧|不规范|不及时"
    r"|不明显|较差|未(建立|设立|成立|制定|落实|开展|设置|配备|建成|纳入|实行)|没有(建立|设立|成立|制定|落实|开展)")
_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+是|\d+[、.]|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、)?"
                   r"(?:其中|同时|此外|另外|今年|目前|截至目前|年初|全年|近年来|上半年|下半年)?[,:]?")
_SUBORDINATE = re.compile(
    r"(各(村|社区|部门|单位|企业|乡镇|街道|学校|管区|县|区|地)|所有的?(乡镇|村|企业|单位)|全(乡|镇|县|区|市)\d+个"
    r"|辖区(内)?的?\d*个?(村|社区|企业)|规上|区直|县直|市直|乡直|镇直|(重点|相关|下属)?企业|基层单位|村委|社区|学校|中小学)")


@dataclass(frozen=True)
class _Sent:
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
            bad: list[tuple[int, int]] = []
            clause_start = 0
            for j, ch in enumerate(piece + ","):
                if ch in ",:":
                    if _PROBLEM.search(piece[clause_start:j]):
                        bad.append((clause_start, j))
                    clause_start = j + 1
            lead = _LEAD.match(piece)
            head = piece[lead.end() if lead else 0:]
            is_heading = bool(heading) and s == 0 and len(piece) <= 20 and "," not in piece
            sents.append(_Sent(len(sents), para_start + s, piece, para_index, sec,
                               bool(_SUBORDINATE.match(head)), cut, tuple(bad), is_heading))
    return sents


# --------------------------------------------------------------------------- hazards of drills

_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("森林火灾|森林防火|森林消防|山火|扑火|林火|护林", "forest_fire"),
    ("危险化学品|危化|化工|泄漏|化学品", "hazardous_chemicals"),
    ("地质灾害|滑坡|泥石流|崩塌", "geologic"),
    ("防汛|洪|汛|抗旱|水灾|内涝|溃坝|排涝", "flood"),
    ("地震|防震|抗震", "earthquake"),
    ("消防|火灾|灭火|防火|失火|火警", "fire"),
    ("安全生产|生产安全|矿", "production_safety"),
    ("交通|道路|客运|春运|车辆", "traffic"),
    ("气象|台风|暴雨|雨雪|冰冻|寒潮|大风|高温|冰雹", "weather"),
    ("食品|食物中毒", "food_safety"),
    ("动物疫|禽流感|口蹄疫|猪瘟|畜", "animal_epidemic"),
    ("疫情|卫生|传染病|医疗|防疫|救护", "public_health"),
    ("环境|污染", "environment"),
    ("群体性|维稳|治安|防暴|反恐|上访|信访|社会安全|处突", "mass_incident"),
    ("保供|供应保障", "supply"),
    ("综合", "comprehensive"),
)
_GENERIC_DRILL = re.compile(r"应急|预案|全[乡镇县区市]性?|各类|相关|专项|各项|联合|联动|模拟|实战|大型|小型|桌面"
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


# --------------------------------------------------------------------------- the extractor


@dataclass
class _Found:
    value: Any
    start: int  # normalised offsets
    end: int
    confidence: float
    approximate: bool
    rule: str


@dataclass
class _Drill:
    kind: str | None
    title: str | None
    start: int
    end: int
    sent: _Sent
    count: int = 1
    participants: _Found | None = None
    date: str | None = None
    confidence: float = 0.8


@dataclass
class _Total:
    count: _Num
    kinds: list[str | None]
    start: int
    end: int
    sent: _Sent
    participants: _Found | None = None


@dataclass
class _State:
    found: dict[str, _Found] = field(default_factory=dict)
    named_plans: list[tuple[str, str, _Found]] = field(default_factory=list)
    items: list[tuple[dict[str, Any], _Found]] = field(default_factory=list)
    honors: list[tuple[dict[str, Any], _Found]] = field(default_factory=list)
    drills: list[tuple[dict[str, Any], _Found | None, _Found | None]] = field(default_factory=list)
    drills_total: _Found | None = None


_GROUP = re.compile(r"(应急|突发)[^,;:。、“”\"《》]{0,16}?(领导小组|领导组|委员会)")
_GROUP_VERB = re.compile(r"成立|调整|充实|组建|设立|建立|健全|重新|由|以")
_PRINCIPAL = re.compile(
    r"(?<![副办室])(书记|[乡镇县区市]长|局长|主任|主要领导|一把手|主要负责人|主要负责同志|党政主要领导)"
    r"(和[^,;:。]{1,8}?)?(亲自)?(任|为|担任)(组长|主任)|(一把手|主要领导|主要负责人)(亲自)?(负责|挂帅)")
_PLAN_VERB = re.compile(r"制定|编制|修订|修编|印发|发布|出台|建立|完善|现有|新编|制订|编写|已有|健全|下发|即")
_LEARN_VERB = re.compile(r"学习|宣传|贯彻|传达|培训|宣讲|解读")
_PLACE_PREFIX = re.compile(rf"^[^{_HAN}]*[{_HAN}]{{0,4}}?(乡|镇|县|区|市|街道|局|委)")
_SUPPLY_MEASURE = ("把|个|套|支|件|台|辆|艘|吨|顶|床|袋|条|部|副|双|箱|桶|块|只|根|卷|公斤|千克|斤|架|盏|具|瓶|"
                   "张|包|组|捆|领|挺|辆")
_NOT_SUPPLY = re.compile(r"房间|村|社区|点|室|处|所|场所|单位|部门|企业|学校|领域|行业|方面|批|次|人|队|预案|小组"
                         r"|制度|项目|乡镇|街道|网点|基地|仓库|库|中心|家|工作|宣传|资料|版面|横幅|标语")
_SUPPLY_CONTEXT = re.compile(r"物资|装备|器材|设备|储备|购置|配置|配备|库存|用具|工具|保障车辆|保障船舶|机械")
_NOT_STOCK = re.compile(r"出动|投入|展出|悬挂|发放|制作|书写|张贴|印发|参与|派出|组织")
_NOT_A_DRILL = re.compile(r"观摩|宣教|方案|预案|计划|脚本|经费|资金|能力|水平|工作|任务|内容|科目|重点|中")


class _Extractor:
    def __init__(self, raw: str, unit_type: str | None, name: str | None, unit_id: str | None) -> None:
        self.doc = _prepare(raw)
        self.text = self.doc.text
        self.sents = _sentences(self.doc)
        self.state = _State()
        self.arg_type, self.arg_name, self.arg_id = unit_type, name, unit_id
        self.year: int | None = None
        self.level = ""

    # ---------------------------------------------------------------- helpers

    def finditer(self, pattern: re.Pattern[str] | str, *, negative: bool = False,
                 own: bool = True) -> Iterator[tuple[_Sent, re.Match[str]]]:
        """Matches that state a fact: not in plans, problems or (``own``) subordinates' doings."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        for sent in self.sents:
            if own and sent.subordinate:
                continue
            for match in compiled.finditer(sent.text):
                if sent.usable(match.start(), match.end(), negative=negative):
                    yield sent, match

    def num(self, sent: _Sent, match: re.Match[str], group: str = "n") -> _Num | None:
        for name in (group, f"{group}2", f"{group}3"):
            if name in match.re.groupindex and match.group(name):
                return _number(sent.text, match.start(name), match.end(name))
        return None

    def put(self, path: str, value: Any, sent: _Sent, match: re.Match[str] | tuple[int, int],
            confidence: float, rule: str, *, approximate: bool = False, replace: bool = False) -> None:
        start, end = match if isinstance(match, tuple) else match.span()
        if path in self.state.found and not replace:
            return
        self.state.found[path] = _Found(value, sent.start + start, sent.start + end,
                                        round(confidence - (0.1 if approximate else 0), 2), approximate, rule)

    def flag(self, path: str, pattern: str, rule: str, confidence: float = 0.85, *,
             context: str | None = None, own: bool = True) -> None:
        for sent, match in self.finditer(pattern, own=own):
            if context is None or re.search(context, sent.text):
                self.put(path, True, sent, match, confidence, rule)
                return

    def count(self, path: str, pattern: str, rule: str, confidence: float = 0.85, *,
              context: str | None = None, negative: bool = False, total: bool = False, own: bool = True) -> None:
        """A count stated once (first match), or summed over every match when ``total``."""
        value, approx, first = 0, False, None
        for sent, match in self.finditer(pattern, negative=negative, own=own):
            if context is not None and not re.search(context, sent.text):
                continue
            if sent.text[:match.start()].endswith("其中"):
                continue
            number = self.num(sent, match)
            if number is None:
                continue
            if first is None:
                first = (sent, match)
            value += number.count
            approx = approx or number.approximate
            if not total:
                break
        if first is not None:
            sent, match = first
            self.put(path, value, sent, match, confidence, rule, approximate=approx)

    # ---------------------------------------------------------------- the unit

    def title(self) -> str:
        """The summary's title line, without 第N篇 and the word count."""
        first = self.text.split("\n", 1)[0]
        if len(first) > 60 or "。" in first:
            return ""
        return re.sub(r"\d+字$", "", re.sub(r"^第\d+篇", "", first))

    def first_paragraph(self) -> str:
        paras = [p for p in self.text.split("\n") if p.strip()]
        title = self.title()
        if title and paras:
            paras = paras[1:]
        return paras[0] if paras else ""

    def unit(self) -> dict[str, Any]:
        title = self.title()
        prefix = re.split(r"应急|工作总结|年终总结|总结", title, maxsplit=1)[0]
        prefix = re.sub(r"(19|20)?[\d_]*年(度)?|上半年|下半年|半年|年终|全年", "", prefix)
        unit_type, level, type_conf, type_span = self.unit_type(title, prefix)
        self.level = level
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

    def unit_type(self, title: str, prefix: str) -> tuple[str, str, float, tuple[int, int]]:
        """Type, the character the unit calls itself by, confidence and the deciding span."""
        by_word = (("开发区", "devzone"), ("园区", "devzone"), ("管委会", "devzone"), ("高新区", "devzone"),
                   ("街道", "street"), ("应急管理办", "county"), ("应急办", "county"), ("局", "department"),
                   ("委", "department"), ("乡", "township"), ("镇", "township"), ("县", "county"),
                   ("区", "county"), ("市", "county"))
        title_span = (0, len(self.text.split("\n", 1)[0]))
        head = prefix + ("应急管理办" if re.match(r"[^应]{0,6}应急(管理)?办", title) else "")
        found, level = self.arg_type, ""
        for word, kind in by_word:
            if word in head and (found is None or found == kind):
                found, level = kind, word
                break
        if level:
            return found or "township", self._level(found or "township", level), 0.9, title_span
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
        office = unit_type == "county" and bool(self.office_author(title))
        proper: str | None = None
        titled = re.search(rf"(?<![{_HAN}])([{_HAN}]{{2,6}}?(乡|镇|街道|县|区|市|开发区|园区|管委会))"
                           rf"(办事处|人民政府|政府|党委|党工委)?$", prefix)
        if titled is not None and (re.search(r"[我本全各该]", titled.group(1)[:1])
                                   or titled.group(1) in ("开发区", "高新区", "园区", "管委会")):
            titled = None
        if unit_type == "department":
            match = re.search(rf"([{_HAN}]{{2,8}}(局|委员会|委|办公室|中心))$", prefix)
            if match:
                proper = match.group(1)
                qualified = re.search(rf"(县|区|市){re.escape(proper)}", self.text)
                if qualified and self.text.count(qualified.group(0)) >= 2:
                    proper = qualified.group(0)
        elif titled is not None:
            proper = titled.group(1)
        elif level and len(level) == 1:
            # a place name the unit uses in its own titles: 《X镇…》, X县人民政府, X乡突发…
            stop = "我本全各该此每一乡城集村场兄弟周边在的和与及了是为对向由从将把被年月日省市县区镇等"
            counts: Counter[str] = Counter()
            verbs = re.compile(r"配合|规范|协助|指导|督促|报告|上报|组织|联系|会同|牵头|带领"
                               r"|通过|按照|根据|加强|推进|服务")
            for sent in self.sents:
                if sent.section or sent.cut < len(sent.text):
                    continue
                for match in re.finditer(rf"([{_HAN}]{{2}}){level}(?=(人民政府|党委|政府|应急|突发|防汛|人民))"
                                         rf"|(?<=[《<])([{_HAN}]{{2}}){level}", sent.text):
                    cand = match.group(1) or match.group(3)
                    if not any(ch in stop for ch in cand) and not verbs.fullmatch(cand):
                        counts[cand + level] += 1
            if counts:
                proper = counts.most_common(1)[0][0]
        if proper is not None:
            found = self.text.find(proper)
            self.state.found["unit.name"] = _Found(proper, found, found + len(proper), 0.7, False, "单位名称")
            return proper + ("应急管理办公室" if office else "")
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
        if "半年" in title or re.search(r"半年来|上半年[^。]{0,12}总结", first):
            return "half-year"
        if re.search(r"年度|年终|全年|\d{4}|_年", title) or re.match(r"^(\d{4}|\d*_+)年", first):
            return "annual"
        if re.search(r"年度|年终|一年(以)?来", first) or re.search(r"本年度|全年", self.text):
            return "annual"
        return None

    def parent(self, unit_type: str) -> str | None:
        if unit_type not in ("township", "street", "county", "devzone"):
            return None
        stop = "我本全各该此每在的和与及了是为对向由从将把被上下中年月日省市县区乡镇城"
        after = r"(?<![\u4e00-\u9fff])|(?<=[据在向经由受和、])"
        for pattern in (rf"(?:{after})([{_HAN}]{{2}})市人民政府",
                        rf"(?:{after})([{_HAN}]{{2}})市、[^,。]{{0,6}}(区|县)两级"):
            for match in re.finditer(pattern, self.text):
                name = match.group(1)
                if not any(ch in stop for ch in name):
                    return name + "市"
        return None

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

    # ---------------------------------------------------------------- plans

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

    # ---------------------------------------------------------------- drills

    def drills(self) -> None:
        by_para: dict[int, tuple[list[_Total], list[_Drill]]] = {}
        drill_word = re.compile(r"演练|演习")
        for sent in self.sents:
            if sent.subordinate:
                continue
            previous_end = date_from = 0
            for match in drill_word.finditer(sent.text):
                at, end = match.start(), match.end()
                seg_start = max(previous_end, sent.clause(at)[0])
                previous_end = end
                if not sent.usable(at, end) or _NOT_A_DRILL.match(sent.text[end:end + 2]) or sent.heading:
                    continue
                segment = sent.text[seg_start:at]
                if re.search(r"通过|提高|加强|强化|推进", segment[:8]) or re.search(r"通过(对)?", segment):
                    continue
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
                    date = self._drill_date(sent, date_from, at)
                    for _ in range(max(1, min(times, 1000))):
                        group[1].append(_Drill(kind, label.lstrip("、"), sent.start + title_at, sent.start + end, sent,
                                               date=date))
                date_from = end
        self._drill_participants(by_para)
        for para in sorted(by_para):
            totals, items = by_para[para]
            items = self._merge_repeats(items)
            entries: list[tuple[dict[str, Any], _Found | None, _Found | None]] = []
            for drill in items:
                entry: dict[str, Any] = {}
                if drill.kind:
                    entry["kind"] = drill.kind
                if drill.date:
                    entry["date"] = drill.date
                if drill.participants is not None:
                    entry["participants"] = drill.participants.value
                if drill.title:
                    entry["title"] = drill.title[:200]
                entries.append((entry, _Found(entry, drill.start, drill.end, drill.confidence, False, "演练"),
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
                    while len(entries) < min(biggest.count.count, 10_000):
                        entries.append(({}, None, None))
                participants = next((t.participants for t in totals if t.participants is not None), None)
                if participants is not None and "drill_participants" not in self.state.found:
                    self.state.found["drill_participants"] = participants
            self.state.drills.extend(entries)

    @staticmethod
    def _drill_title(segment: str) -> str:
        text = re.sub(r"的$", "", segment)
        pieces = re.split(r"开展|举行|举办|组织|进行|参加|完成|实施|了|在|的|共(?=[\d一二两三四五六七八九十])|共计"
                          r"|于|对|和|及|与|(?<=[\d一二两三四五六七八九十余多])[次场]|演练|演习"
                          r"|为|是|把|将|被|让|使", text)
        match = re.search(rf"[{_HAN}、]+$", pieces[-1])
        return match.group(0).strip("、") if match else ""

    def _drill_count(self, sent: _Sent, segment: str, seg_start: int, end: int) -> tuple[_Num | None, bool]:
        after = re.match(rf"(共|各)?(?P<n>{_NUM})(次|场)", sent.text[end:end + 12])
        if after:
            number = _number(sent.text, end + after.start("n"), end + after.end("n"))
            if number is not None:
                return number, "共" in segment or bool(after.group(1))
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
        match = re.search(rf"([{_HAN}、]+?)等(共|计)?{_NUM}(次|场)", segment)
        if not match:
            return []
        run = re.split(r"开展|举行|举办|组织|进行|了|在|的|于|对", match.group(1))[-1]
        return [p for p in run.split("、") if p]

    def _drill_date(self, sent: _Sent, start: int, end: int) -> str | None:
        """The last date written between ``start`` and ``end`` (the drill word) of the sentence."""
        found = None
        for match in re.finditer(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]|(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d.])",
                                 sent.text[start:end]):
            found = match
        if not found:
            return None
        year = int(found.group(1)) if found.group(1) else self.year
        month = int(found.group(2) or found.group(4))
        day = int(found.group(3) or found.group(5))
        if year is None or (self.year is not None and year != self.year):
            return None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return f"{year:04d}-{month:02d}-{day:02d}"

    def _drill_participants(self, by_para: dict[int, tuple[list[_Total], list[_Drill]]]) -> None:
        pattern = re.compile(rf"参演[^,;:。\d]{{0,4}}?(达|共|为|约|达到)?(?P<n>{_NUM})(人次|人|名)"
                             rf"|(?P<n2>{_NUM})(人次|人|名)(参演|参加演练|参加了演练|参与演练)")
        for totals, items in by_para.values():
            marks = sorted([(t.start, "t", i) for i, t in enumerate(totals)]
                           + [(d.start, "d", i) for i, d in enumerate(items)])
            for position, (_, what, index) in enumerate(marks):
                owner_sent = totals[index].sent if what == "t" else items[index].sent
                stop = owner_sent.end
                if position + 1 < len(marks):
                    stop = min(stop, marks[position + 1][0])
                local_from = (totals[index].end if what == "t" else items[index].end) - owner_sent.start
                local_to = stop - owner_sent.start
                if local_to <= local_from:
                    continue
                match = pattern.search(owner_sent.text, local_from, local_to)
                if match is None:
                    continue
                number = self.num(owner_sent, match)
                if number is None:
                    continue
                found = _Found(number.count, owner_sent.start + match.start(), owner_sent.start + match.end(),
                               0.7 if number.approximate else 0.8, number.approximate, "参演人数")
                if what == "t":
                    totals[index].participants = found
                else:
                    items[index].participants = found

    @staticmethod
    def _merge_repeats(items: list[_Drill]) -> list[_Drill]:
        """One drill named twice in a row (二是开展X演练。…开展X演练,…) is one drill."""
        out: list[_Drill] = []
        for drill in items:
            last = out[-1] if out else None
            if (last is not None and last.title == drill.title and last.kind == drill.kind
                    and last.sent.index != drill.sent.index and drill.sent.index - last.sent.index <= 2
                    and (last.date is None or drill.date is None) and last.participants is None):
                drill.date = drill.date or last.date
                out[-1] = drill
                continue
            out.append(drill)
        return out

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

    # ---------------------------------------------------------------- hazards, publicity, reporting ...

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

    # ---------------------------------------------------------------- assembling

    def run(self) -> Draft:
        unit = self.unit()
        self.organization()
        self.duty()
        self.supplies()
        self.plans()
        self.drills()
        self.teams()
        self.hazards()
        self.publicity()
        self.reporting()
        self.incidents()
        self.others()
        return self.assemble(unit)

    def assemble(self, unit: dict[str, Any]) -> Draft:
        facts: dict[str, Any] = {"unit": unit}
        evidence: dict[str, _Found] = {}
        for path, found in sorted(self.state.found.items(), key=lambda kv: _order(kv[0])):
            if path.startswith("unit."):
                evidence[path] = found
                continue
            section, _, leaf = path.partition(".")
            if leaf:
                facts.setdefault(section, {})[leaf] = found.value
            else:
                facts[section] = found.value
            evidence[path] = found
        if self.state.named_plans:
            plans = facts.setdefault("plans", {})
            plans["named"] = [{"title": t[:200], "kind": k} for t, k, _ in self.state.named_plans]
            for i, (_, _, found) in enumerate(self.state.named_plans):
                evidence[f"plans.named[{i}]"] = found
        if self.state.items:
            facts.setdefault("supplies", {})["items"] = [item for item, _ in self.state.items]
            for i, (_, found) in enumerate(self.state.items):
                evidence[f"supplies.items[{i}]"] = found
        if self.state.drills:
            facts["drills"] = [entry for entry, _, _ in self.state.drills]
            if self.state.drills_total is not None:
                evidence["drills"] = self.state.drills_total
            for i, (_, drill_found, participants) in enumerate(self.state.drills):
                if drill_found is not None:
                    evidence[f"drills[{i}]"] = drill_found
                if participants is not None:
                    evidence[f"drills[{i}].participants"] = participants
        if self.state.honors:
            facts["honors"] = [honor for honor, _ in self.state.honors]
            for i, (_, found) in enumerate(self.state.honors):
                evidence[f"honors[{i}]"] = found
        facts, evidence = _repair(facts, evidence)
        unsupported = [p for p in rubric_paths(unit["type"]) if not _present(facts, p)]
        return Draft(facts=facts, evidence={path: self.evidence(found) for path, found in evidence.items()},
                     unsupported=unsupported)

    def evidence(self, found: _Found) -> Evidence:
        start, end = self.doc.raw_span(found.start, found.end)
        return Evidence(quote=self.doc.raw[start:end], start=start, end=end, confidence=found.confidence,
                        approximate=found.approximate, rule=found.rule)


def _order(path: str) -> int:
    keys = list(FIELDS)
    return keys.index(path) if path in FIELDS else len(keys)


def _present(facts: dict[str, Any], path: str) -> bool:
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, dict) or node.get(part) is None:
            return False
        node = node[part]
    return not (isinstance(node, list) and not node)


def _repair(facts: dict[str, Any], evidence: dict[str, _Found]) -> tuple[dict[str, Any], dict[str, _Found]]:
    """Drop drafted values that break a cross-field check, until the facts validate."""
    for _ in range(20):
        try:
            validate(facts, "<draft>")
            return facts, evidence
        except FactsError as error:
            paths = [issue.path for issue in error.issues if issue.path]
            if not paths:
                raise
            for path in paths:
                _drop(facts, path)
                for key in [k for k in evidence if k == path or k.startswith(path + ".") or k.startswith(path + "[")]:
                    del evidence[key]
    validate(facts, "<draft>")
    return facts, evidence


def _drop(facts: dict[str, Any], path: str) -> None:
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    node: Any = facts
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if node is None:
            return
    last = parts[-1]
    if isinstance(node, list):
        node.pop(int(last))
    elif isinstance(node, dict):
        node.pop(last, None)
    for section in [k for k, v in facts.items() if isinstance(v, dict) and not v and k != "unit"]:
        del facts[section]


# --------------------------------------------------------------------------- rubric


_DEFAULT_RUBRIC = tuple(p for p, f in FIELDS.items() if f.kind not in ("section", "str", "enum")
                        and not p.startswith(("unit.", "source.", "adjustments", "self_score")))


@lru_cache(maxsize=8)
def rubric_paths(unit_type: str) -> tuple[str, ...]:
    """Fact paths the bundled ruleset for ``unit_type`` needs, in rule order."""
    from . import rubric, yamldoc  # imported here: only the unsupported list needs rulesets
    from .program import compile_program
    from .ruleset import bundled_dir, ruleset_name_for

    try:
        path = bundled_dir() / f"{ruleset_name_for(unit_type)}.yaml"
        doc = yamldoc.load(path.read_bytes(), str(path))
        parsed = rubric.parse(doc, str(path))
        rubric.check(parsed)
        program = compile_program(parsed)
    except (AssessError, OSError):
        return _DEFAULT_RUBRIC
    out: list[str] = []
    for rule in program.rules:
        for required in rule.required:
            if required not in out:
                out.append(required)
    return tuple(out)


# --------------------------------------------------------------------------- public entry points


def extract(text: str, *, unit_type: str | None = None, name: str | None = None,
            unit_id: str | None = None) -> Draft:
    """Draft facts from one summary's text; ``unit_type``, ``name``, ``unit_id`` override the text."""
    if unit_type is not None and unit_type not in UNIT_TYPE_LABELS:
        raise FactsError(f"unknown unit type {unit_type!r}: choose one of {', '.join(UNIT_TYPE_LABELS)}")
    return _Extractor(text, unit_type, name, unit_id).run()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    out: list[str] = []
    used = 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return "".join(out)


def _sentence_around(text: str, start: int, end: int, width: int = 64) -> str:
    """The sentence holding ``text[start:end]``, the span marked 【】 and the rest clipped."""
    left = max(text.rfind(ch, 0, start) for ch in "。！？；;\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in "。！？；;\n") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    before, quote, after = text[left:start].strip(), text[start:end], text[end:right].strip()
    quote = _clip(quote, width * 2 // 3) if _width(quote) > width * 2 // 3 else quote
    room = max(0, width - _width(quote) - 2)
    if _width(before) > room // 2:
        before = "…" + _clip(before[::-1], room // 2)[::-1].lstrip("…")
    after = _clip(after, max(2, room - _width(before)))
    return f"{before}【{quote}】{after}".replace("\n", " ")


_PLAN_KIND_LABELS = {"overall": "总体预案", "special": "专项预案", "department": "部门预案", "grassroots": "基层预案"}
_LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}


def _show(path: str, value: Any) -> str:
    """A drafted value as the review sheet shows it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if path == "unit.type":
        return UNIT_TYPE_LABELS.get(str(value), str(value))
    if not isinstance(value, dict):
        return str(value)
    if path.startswith("drills["):
        parts = [HAZARD_LABELS.get(str(value.get("kind")), "类型未述")]
        if "date" in value:
            parts.append(str(value["date"]))
        if "participants" in value:
            parts.append(f"{value['participants']}人")
        return "，".join(parts)
    if path.startswith("plans.named["):
        return f"{value.get('title', '')}（{_PLAN_KIND_LABELS.get(str(value.get('kind')), '')}）"
    if path.startswith("supplies.items["):
        return f"{value.get('name', '')} {value.get('quantity', '')}{value.get('unit') or ''}"
    if path.startswith("honors["):
        return f"{value.get('title', '')}（{_LEVEL_LABELS.get(str(value.get('level')), '')}）"
    return "，".join(f"{k}={v}" for k, v in value.items())


def _value_at(facts: dict[str, Any], path: str) -> Any:
    node: Any = facts
    for part in [p for p in re.split(r"\.|\[(\d+)\]", path) if p]:
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _label(path: str) -> str:
    base = re.sub(r"\[\d+\]", "", path)
    if base in FIELDS:
        return FIELDS[base].label
    head, _, leaf = base.rpartition(".")
    if head in FIELDS and leaf in FIELDS[head].item_fields:
        return FIELDS[head].item_fields[leaf].label
    return FIELDS[base.split(".")[0]].label if base.split(".")[0] in FIELDS else path


def review_sheet(draft: Draft, text: str) -> str:
    """A review sheet (审核表) in Chinese: every drafted value with its sentence, then the gaps."""
    unit = draft.facts.get("unit", {})
    lines = [f"审核表：{unit.get('name', '')}（{UNIT_TYPE_LABELS.get(unit.get('type', ''), unit.get('type', ''))}）"
             f"  单位编码 {unit.get('id', '')}",
             "以下各项由 assess extract 从工作总结中自动抽取，请对照原文逐项核对；",
             "值前的“约”表示原文为约数（余、多、近、约）。",
             ""]
    rows: list[list[str]] = []
    for path, ev in draft.evidence.items():
        if path == "drills":
            drills = draft.facts.get("drills", [])
            value = f"共{len(drills)}次（其中{sum(1 for d in drills if 'kind' in d)}次写明类型）"
        else:
            value = _show(path, _value_at(draft.facts, path))
        if ev.approximate:
            value = f"约{value}"
        rows.append([path, _label(path), _clip(value, 36), f"{ev.confidence:.2f}",
                     _sentence_around(text, ev.start, ev.end)])
    if rows:
        lines.append(tabulate(rows, headers=["字段", "名称", "值", "置信度", "依据原文"], tablefmt="simple",
                              disable_numparse=True))
    else:
        lines.append("（未抽取到任何事实）")
    lines.append("")
    if draft.unsupported:
        lines.append(f"原文未找到依据的考核事项（{len(draft.unsupported)}项，请向单位索取佐证材料）：")
        gaps = [[path, _label(path)] for path in draft.unsupported]
        lines.append(tabulate(gaps, headers=["字段", "名称"], tablefmt="simple", disable_numparse=True))
    else:
        lines.append("考核细则所需事项均已找到依据。")
    return "\n".join(lines) + "\n"
