"""Every code a unit's facts use, with the Chinese label a person reads: one home.

Reports, explanations, the extractor's review sheet and error messages take their
labels from here, so a code is never spelt two ways.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

UNIT_TYPE_LABELS: dict[str, str] = {
    "township": "乡镇",
    "street": "街道",
    "department": "县直部门",
    "county": "区县政府/应急办",
    "devzone": "开发区",
    "city": "地级市",
}


SECTOR_LABELS: dict[str, str] = {
    "transport": "交通运输",
    "grain": "粮食和物资储备",
    "environment": "生态环境",
    "housing": "住房和城乡建设",
    "education": "教育",
    "water": "水利",
    "natural_resources": "自然资源",
    "agriculture": "农业农村",
    "health": "卫生健康",
    "industry": "工业和信息化",
    "public_security": "公安",
    "other": "其他",
}


HAZARD_LABELS: dict[str, str] = {
    "flood": "防汛抗旱",
    "geologic": "地质灾害",
    "forest_fire": "森林防火",
    "fire": "消防",
    "production_safety": "安全生产",
    "hazardous_chemicals": "危险化学品",
    "traffic": "道路交通",
    "earthquake": "地震",
    "weather": "气象灾害",
    "food_safety": "食品安全",
    "public_health": "公共卫生",
    "animal_epidemic": "动物疫病",
    "environment": "环境污染",
    "mass_incident": "群体性事件",
    "supply": "应急保供",
    "comprehensive": "综合",
    "other": "其他",
}


HONOR_LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}

DRILL_ROLE_LABELS: dict[str, str] = {"organizer": "组织", "assistant": "配合"}

FLAG_LABELS: dict[str, str] = {
    "template_blank": "模板空白", "half_year": "半年报告", "type_mismatch": "单位类型不符",
    "content_site": "网站水印", "shared_passage": "材料雷同", "veto_blank": "否决事项空白",
}

PERIOD_LABELS: dict[str, str] = {"annual": "全年", "half-year": "半年"}


PLAN_KIND_LABELS: dict[str, str] = {
    "overall": "总体预案", "special": "专项预案", "department": "部门预案", "grassroots": "基层预案",
}


VALUE_LABELS: dict[str, str] = {
    **HAZARD_LABELS, **SECTOR_LABELS, **HONOR_LEVEL_LABELS, **UNIT_TYPE_LABELS, **PLAN_KIND_LABELS,
    **PERIOD_LABELS,
    **DRILL_ROLE_LABELS,
}
"""Every closed-set code with its label, for wording conditions (``kind == "flood"``)."""


# The words clerks write for a code besides its label: a unit's form and the office's
# ledgers name a drill 消防 or 防汛, a level 省 or 省级, not ``fire`` or ``provincial``.
HAZARD_SYNONYMS: dict[str, str] = {
    "防汛": "flood", "抗旱": "flood", "防洪": "flood", "防汛防台": "flood", "水旱灾害": "flood",
    "洪涝": "flood", "地灾": "geologic", "地质灾害防治": "geologic", "山体滑坡": "geologic",
    "泥石流": "geologic", "森林防灭火": "forest_fire", "森林草原防灭火": "forest_fire",
    "森林草原防火": "forest_fire", "森林火灾": "forest_fire", "护林防火": "forest_fire",
    "火灾": "fire", "消防安全": "fire", "灭火": "fire", "生产安全": "production_safety",
    "安全生产事故": "production_safety", "生产安全事故": "production_safety", "危化品": "hazardous_chemicals",
    "危化": "hazardous_chemicals", "危险化学品泄漏": "hazardous_chemicals", "交通": "traffic",
    "交通安全": "traffic", "道路交通安全": "traffic", "交通事故": "traffic", "地震灾害": "earthquake",
    "防震减灾": "earthquake", "气象": "weather", "食品": "food_safety",
    "卫生": "public_health", "公共卫生事件": "public_health", "传染病": "public_health",
    "疫情防控": "public_health", "动物疫情": "animal_epidemic", "环境": "environment",
    "生态环境": "environment", "突发环境事件": "environment", "群体性": "mass_incident",
    "社会安全": "mass_incident", "保供": "supply", "物资保障": "supply", "综合演练": "comprehensive",
    "其它": "other",
}

UNIT_TYPE_SYNONYMS: dict[str, str] = {
    "乡": "township", "镇": "township", "街道办事处": "street", "部门": "department",
    "县直单位": "department", "区县": "county", "县": "county", "区": "county", "县政府": "county",
    "区政府": "county", "应急办": "county", "经开区": "devzone", "高新区": "devzone", "园区": "devzone",
    "市": "city", "地市": "city", "市级": "city",
}

HONOR_LEVEL_SYNONYMS: dict[str, str] = {
    "国家": "national", "部级": "national", "省": "provincial", "省部级": "provincial", "市": "municipal",
    "地市级": "municipal", "县": "county", "区县级": "county", "县区级": "county",
}

PLAN_KIND_SYNONYMS: dict[str, str] = {
    "总体": "overall", "专项": "special", "部门": "department", "基层": "grassroots",
    "村级预案": "grassroots", "社区预案": "grassroots",
}

PERIOD_SYNONYMS: dict[str, str] = {"年度": "annual", "全年度": "annual", "上半年": "half-year", "半年度": "half-year"}

DRILL_ROLE_SYNONYMS: dict[str, str] = {
    "组织单位": "organizer", "主办": "organizer", "牵头": "organizer", "参与": "assistant",
    "参演": "assistant", "协办": "assistant",
}

CLOSED_SETS: tuple[tuple[dict[str, str], dict[str, str]], ...] = (
    (HAZARD_LABELS, HAZARD_SYNONYMS),
    (UNIT_TYPE_LABELS, UNIT_TYPE_SYNONYMS),
    (HONOR_LEVEL_LABELS, HONOR_LEVEL_SYNONYMS),
    (PLAN_KIND_LABELS, PLAN_KIND_SYNONYMS),
    (PERIOD_LABELS, PERIOD_SYNONYMS),
    (DRILL_ROLE_LABELS, DRILL_ROLE_SYNONYMS),
)
"""Every closed set of codes a fact may take: its labels, and the other words for them."""

YES_WORDS = frozenset({"是", "有"})
NO_WORDS = frozenset({"否", "无", "没有"})
"""Yes and no as a clerk writes them in any file: 是/否, 有/无."""
CELL_YES_WORDS = YES_WORDS | {"true", "yes", "y", "1", "√", "✓", "☑"}
CELL_NO_WORDS = NO_WORDS | {"false", "no", "n", "0", "×", "✗", "☐"}
"""Also in a spreadsheet cell: a tick or cross, and the words a spreadsheet exports (TRUE, 1).
JSON has its own true and false, so there the English words stay errors."""

_SUFFIXES = ("演练", "类", "事件")
"""Trailing words a clerk adds to a kind (消防演练, 地震类) that do not change it."""


def _closed_set(codes: Collection[str]) -> tuple[dict[str, str], dict[str, str]]:
    wanted = set(codes)
    for labels, synonyms in CLOSED_SETS:
        if set(labels) == wanted:
            return labels, synonyms
    return {}, {}


def labels_of(codes: Collection[str]) -> dict[str, str]:
    """Code → label for the closed set made of ``codes`` (a code without a label reads as itself)."""
    labels, _ = _closed_set(codes)
    return {code: labels.get(code, code) for code in codes}


def code_for(codes: Collection[str], word: str) -> str | None:
    """The code of the closed set ``codes`` that ``word`` names: the code itself, its
    label or a common synonym (消防, 防汛, 危化品, 省级, 省), with full-width letters,
    spaces and a trailing 演练 or 类 forgiven; None when it names none."""
    labels, synonyms = _closed_set(codes)
    by_word = {**{label: code for code, label in labels.items()}, **synonyms}
    text = "".join(unicodedata.normalize("NFKC", word).split())
    candidates = [text, *(text[: -len(s)] for s in _SUFFIXES if text.endswith(s) and len(text) > len(s))]
    for candidate in candidates:
        if candidate in codes:
            return candidate
        if candidate.lower() in codes:
            return candidate.lower()
        if candidate in by_word:
            return by_word[candidate]
    return None


def yes_no(word: str, cell: bool = False) -> bool | None:
    """True for 是/有, False for 否/无, None for anything else; in a spreadsheet ``cell``
    also √/×, yes/no, TRUE/FALSE and 1/0."""
    text = unicodedata.normalize("NFKC", word).strip().lower()
    if text in (CELL_YES_WORDS if cell else YES_WORDS):
        return True
    if text in (CELL_NO_WORDS if cell else NO_WORDS):
        return False
    return None


def choices(codes: Collection[str]) -> str:
    """The Chinese choices of a closed set, for an error message: ``消防、地震、…``."""
    return "、".join(labels_of(codes).values())
