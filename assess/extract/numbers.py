"""Numbers in the text: Arabic and Chinese numerals, approximate forms (余, 多, 近, 约), and the
dates, durations, ordinals and template blanks that are not counts."""

from __future__ import annotations

import re

import msgspec

_NUM = (r"(?:近|约|逾|将近|大约)?(?:(?:\d+(?:\.\d+)?|[零〇两一二三四五六七八九十百千]+)(?:余|多)?"
        r"(?:[万亿](?:余|多)?)?|[万亿](?:余|多)?)")
_NUM_PARTS = re.compile(r"(?P<pre>近|约|逾|将近|大约)?(?P<body>\d+(?:\.\d+)?|[零〇两一二三四五六七八九十百千]+)?"
                        r"(?P<a1>余|多)?(?P<big>[万亿])?(?P<a2>余|多)?")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_DATE_AFTER = ("年", "月", "日", "号", "时", "点", "个月", "小时", "天", "周", "分钟", "星期", "季度")


class _Num(msgspec.Struct, frozen=True):
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
