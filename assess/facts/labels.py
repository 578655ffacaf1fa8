"""Every code a unit's facts use, with the Chinese label a person reads: one home.

Reports, explanations, the extractor's review sheet and error messages take their
labels from here, so a code is never spelt two ways.
"""

from __future__ import annotations

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
