"""Flags on a submission: what a person must look at before trusting the draft's score.

A flag is data (code, Chinese message, the quoted span), never a deduction: a template
with blanks, a half-year report, a unit type the text's own words contradict, a content
site's watermark, a veto event stated with a blank count, and passages shared word for
word with another unit's summary in the same batch (材料雷同).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assess.facts import UNIT_TYPE_LABELS

_BLANK = re.compile(r"[_＿]{2,}|(?<![\d０-９])[□○×Ｘ]{2,}")
_CLAUSE_END = "。！？；;\n"
_VETO_BLANK = re.compile(r"(?:[_＿]{2,}|[□○]{2,})\s*[起件次宗][^。；\n]{0,16}"
                         r"(?:较大|重大|特别重大|死亡|瞒报|谎报|迟报|漏报)"
                         r"|(?:较大|重大|特别重大)[^。；\n]{0,12}(?:[_＿]{2,}|[□○]{2,})\s*[起件次宗]"
                         r"|(?:死亡|瞒报|谎报|迟报|漏报)[^。；\n]{0,6}(?:[_＿]{2,}|[□○]{2,})\s*[起件次人宗]")
_CONTENT_SITE = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9./_-]+"
    r"|[A-Za-z0-9-]+\.(?:com|cn|net|org)(?:\.cn)?(?![A-Za-z])"
    r"|[\u4e00-\u9fff]{0,8}(?:范文网|文库|范文大全|公文网|写作网|文秘网|第一范文|资料网|文档网|课件网)"
    r"|本文(?:来源|来自|由)[^\n]{0,30}"
    r"|工作总结(?:怎么写|格式|范文|模板|大全)")
_HALF_YEAR = re.compile(r"上半年|下半年|半年(?:工作)?总结|1[-—~至到]6月|一至六月|7[-—~至到]12月")

# how a summary names its own level: 我县/全县, 我市/全市, 我镇/全镇 ...
_SELF_LEVEL = re.compile(r"(?:我|全|本)(市|县|区|乡|镇|街道)")
_LEVEL_OF = {"市": "city", "县": "county", "区": "county", "乡": "township", "镇": "township", "街道": "street"}
_TYPE_LEVELS = {"city": {"city"}, "county": {"county"}, "township": {"township"}, "street": {"street"},
                "devzone": {"county", "township", "street"}, "department": set()}
_LEVEL_NAMES = {"city": "市", "county": "县（区）", "township": "乡镇", "street": "街道"}

SHINGLE = 12
"""Characters in a shingle: long enough that stock phrases of the genre (坚持人民至上、生命至上)
rarely fill a run, short enough to find a copied sentence whatever surrounds it."""

MIN_SHARED = 60
"""Characters of consecutive shared text that make a passage 雷同 (about two sentences)."""


def _flag(code: str, message: str, quote: str | None) -> dict[str, Any]:
    return {"code": code, "message": message, **({"quote": quote[:300]} if quote else {})}


def _clause(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def text_flags(text: str, unit_type: str, period: str | None) -> list[dict[str, Any]]:
    """The flags one summary raises on its own (code, message, quote), in a fixed order."""
    flags: list[dict[str, Any]] = []
    blanks = list(_BLANK.finditer(text))
    if blanks:
        first = blanks[0]
        flags.append(_flag("template_blank", f"文中有{len(blanks)}处模板空白未填写（如“{first.group(0)}”），"
                                             "空白处的事项按未提交处理，不能当作零", _clause(text, *first.span())))
    if period == "half-year":
        match = _HALF_YEAR.search(text)
        flags.append(_flag("half_year", "这是半年报告，不能与全年报告同表排名或按全年细则直接评分",
                           _clause(text, *match.span()) if match else None))
    flags.extend(_level_flags(text, unit_type))
    site = _CONTENT_SITE.search(text)
    if site:
        flags.append(_flag("content_site", "文中有内容网站的水印或网址，材料可能是从网上下载的范文",
                           _clause(text, *site.span())))
    for match in _VETO_BLANK.finditer(text):
        flags.append(_flag("veto_blank", "可能涉及一票否决的事项数量为空白，须向单位核实",
                           _clause(text, *match.span())))
    return flags


def _level_flags(text: str, unit_type: str) -> list[dict[str, Any]]:
    """A type whose level the text's own words (我市, 全县 ...) do not bear out."""
    expected = _TYPE_LEVELS.get(unit_type, set())
    if not expected:
        return []  # a department speaks of 全县 as the area it serves
    counts: dict[str, int] = {}
    first: dict[str, re.Match[str]] = {}
    for match in _SELF_LEVEL.finditer(text):
        level = _LEVEL_OF[match.group(1)]
        counts[level] = counts.get(level, 0) + 1
        first.setdefault(level, match)
    if not counts:
        return []
    level = max(counts, key=lambda k: counts[k])
    own = sum(counts.get(k, 0) for k in expected)
    if level in expected or counts[level] < 3 or counts[level] <= 2 * own:
        return []
    match = first[level]
    return [_flag("type_mismatch",
                  f"单位类型为{UNIT_TYPE_LABELS.get(unit_type, unit_type)}，但文中{counts[level]}次以"
                  f"“{match.group(0)}”自称，像是{_LEVEL_NAMES[level]}级的材料，须核实单位类型和适用细则",
                  _clause(text, *match.span()))]


def _plain(text: str) -> tuple[str, list[int]]:
    """The text without white space, and for each kept character its offset in ``text``."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def shared_passages(texts: Sequence[tuple[str, str]], *, shingle: int = SHINGLE,
                    min_shared: int = MIN_SHARED) -> list[list[dict[str, Any]]]:
    """材料雷同 across a batch: for each (label, text), one flag per other text it shares a
    passage of at least ``min_shared`` characters with, quoting the longest such passage.

    Texts are compared as overlapping character n-grams (shingles) with white space
    removed; consecutive shared shingles are joined into passages.
    """
    plains = [_plain(text) for _, text in texts]
    owners: dict[str, set[int]] = {}
    for index, (plain, _) in enumerate(plains):
        for at in range(len(plain) - shingle + 1):
            owners.setdefault(plain[at:at + shingle], set()).add(index)
    out: list[list[dict[str, Any]]] = []
    for index, (plain, offsets) in enumerate(plains):
        flags: list[dict[str, Any]] = []
        for other in range(len(texts)):
            if other == index:
                continue
            best, total, run_start = (0, 0), 0, None
            positions = range(len(plain) - shingle + 2)
            for at in positions:
                shared = at < len(plain) - shingle + 1 and other in owners[plain[at:at + shingle]]
                if shared and run_start is None:
                    run_start = at
                elif not shared and run_start is not None:
                    length = at - run_start + shingle - 1
                    if length >= min_shared:
                        total += length
                        if length > best[1] - best[0]:
                            best = (run_start, run_start + length)
                    run_start = None
            if total:
                text = texts[index][1]
                quote = text[offsets[best[0]]:offsets[best[1] - 1] + 1].strip("。，,；;、 ")
                flags.append(_flag("shared_passage",
                                   f"与同批材料“{texts[other][0]}”有{total}字相同的段落（材料雷同），"
                                   "须核实是否照抄他人材料", quote))
        out.append(flags)
    return out
