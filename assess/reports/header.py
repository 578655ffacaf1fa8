"""The header of the Word 通报 and letters (issuing body, year, 文号, date), read from a
small YAML file and command-line options, and the units a 通报 lists as not ranked."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import msgspec

from assess.errors import AssessError, FactsError, RulesetError
from assess.i18n import _, comma

Phase = Literal["provisional", "final"]


class NoticeHeader(msgspec.Struct, frozen=True):
    """Who issues the 通报 and under which number; every field may be left out."""

    issuer: str = "应急管理工作考核领导小组办公室"
    year: int | None = None
    number: str = ""
    """文号, e.g. 中应急考〔2026〕3号."""
    date: str = ""
    """成文日期 as printed, e.g. 2026年12月20日; today when empty."""
    recipients: str = "各有关单位"
    deadline: str = ""
    """By when units are to fix what was found (letters), e.g. 2027年1月31日."""

    def issued(self) -> str:
        if self.date:
            return self.date
        today = date.today()
        return f"{today.year}年{today.month}月{today.day}日"


_HEADER_KEYS = set(NoticeHeader.__struct_fields__)


def load_header(path: str | Path, **overrides: Any) -> NoticeHeader:
    """The header from a YAML file (keys: issuer, year, number, date, recipients, deadline),
    with options given on the command line taking precedence."""
    values: dict[str, Any] = {}
    if path:
        import yaml  # only the 通报 and letters read a header; a start that scores needs no PyYAML

        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise AssessError(_("cannot read the header config: {reason}").format(reason=exc), source=str(path)) \
                from exc
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise AssessError(_("the header config must be a mapping of issuer, year, number, date, "
                                "recipients, deadline"), source=str(path))
        unknown = sorted(set(loaded) - _HEADER_KEYS)
        if unknown:
            raise AssessError(_("unknown keys {keys}; allowed: {allowed}").format(
                keys=comma().join(map(str, unknown)), allowed=comma().join(sorted(_HEADER_KEYS))), source=str(path))
        values.update(loaded)
    values.update({k: v for k, v in overrides.items() if v is not None})
    year = values.get("year")
    if year is not None and not isinstance(year, int):
        raise AssessError(_("year must be a whole number, not {year!r}").format(year=year),
                          source=str(path) if path else None)
    texts = {k: str(v) for k, v in values.items() if k != "year"}
    return NoticeHeader(year=year, **texts)


class Unranked(msgspec.Struct, frozen=True):
    """A unit left out of the ranking, and why."""

    source: str
    reason: str


def unranked_reason(error: AssessError) -> str:
    """Why a unit was not ranked, in words for the 通报 (the details go to the log)."""
    if isinstance(error, RulesetError):
        return "无适用的考核细则，未能评分"
    if isinstance(error, FactsError):
        count = len(error.issues)
        return f"报送数据不符合填报要求{f'（{count}处）' if count else ''}，未能评分"
    return "未能评分"
