"""What the extractor has found so far, and the base class that runs patterns over the sentences
and records their matches."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from assess import inputs
from assess.errors import FactsError
from assess.extract.numbers import _Num, _number
from assess.extract.sentences import _prepare, _Sent, _sentences
from assess.i18n import _


class _Found(msgspec.Struct):
    value: Any
    start: int  # normalised offsets
    end: int
    confidence: float
    approximate: bool
    rule: str


class _State(msgspec.Struct):
    found: dict[str, _Found] = msgspec.field(default_factory=dict)
    named_plans: list[tuple[str, str, _Found]] = msgspec.field(default_factory=list)
    items: list[tuple[dict[str, Any], _Found]] = msgspec.field(default_factory=list)
    honors: list[tuple[dict[str, Any], _Found]] = msgspec.field(default_factory=list)
    drills: list[tuple[dict[str, Any], _Found | None, _Found | None]] = msgspec.field(default_factory=list)
    drills_total: _Found | None = None


class _ExtractorBase:
    """The text, its sentences and what was found; the helpers every group of patterns uses."""

    def __init__(self, raw: str, unit_type: str | None, name: str | None, unit_id: str | None) -> None:
        most = inputs.cap("summary characters")
        if len(raw) > most:
            raise FactsError(_("{count} characters: more than {most}, the cap on one summary's length; "
                               "{hint}; or split the file at 第N篇 headings and use --split").format(
                                   count=len(raw), most=most, hint=inputs.CAPS["summary characters"].hint()))
        seconds = inputs.cap("extraction seconds")
        self.deadline = time.monotonic() + seconds
        self.doc = _prepare(raw)
        self.text = self.doc.text
        self.sents = _sentences(self.doc)
        self.state = _State()
        self.arg_type, self.arg_name, self.arg_id = unit_type, name, unit_id
        self.year: int | None = None
        self.level = ""
        self.unit_type = ""
        self.name = ""  # the unit's proper name when the text gives one
        self.titled_parent: str | None = None  # 云岭县 of a title 云岭县青石镇…

    # ---------------------------------------------------------------- helpers

    def sentences(self) -> Iterator[_Sent]:
        """The sentences, checking the time budget as they go: a document that takes longer is
        refused with a message rather than left running."""
        for index, sent in enumerate(self.sents):
            if index % 64 == 0 and time.monotonic() > self.deadline:
                raise FactsError(_("extraction took longer than {seconds} s, the budget per document; {hint}").format(
                    seconds=inputs.cap("extraction seconds"), hint=inputs.CAPS["extraction seconds"].hint()))
            yield sent

    def finditer(self, pattern: re.Pattern[str] | str, *, negative: bool = False, own: bool = True,
                 area: bool = False) -> Iterator[tuple[_Sent, re.Match[str]]]:
        """Matches that state a fact: not in plans, problems or (``own``) subordinates' doings. What happened
        in the unit's area (``area``: incidents) counts from a clause about the bodies in it (辖区企业未发生…),
        not from a sentence that is all theirs."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        for sent in self.sentences():
            if own and sent.subordinate:
                continue
            for match in compiled.finditer(sent.text):
                if sent.usable(match.start(), match.end(), negative=negative) and (
                        not own or area or sent.own(match.start())):
                    yield sent, match

    def num(self, sent: _Sent, match: re.Match[str], group: str = "n") -> _Num | None:
        """The number of group ``group`` (or ``group2`` … ``group5``), widened to the whole numeral:
        a greedy filler ahead of the group (``[^,]{0,4}(?P<n>…)``) may have taken its first digits."""
        for name in (group, *(f"{group}{i}" for i in range(2, 6))):
            if name in match.re.groupindex and match.group(name):
                return _number(sent.text, _numeral_start(sent.text, match.start(name)), match.end(name))
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
              context: str | None = None, exclude: str | None = None, negative: bool = False, total: bool = False,
              own: bool = True, clause_exclude: str | None = None,
              keep: Callable[[_Sent, re.Match[str]], bool] | None = None, area: bool = False) -> None:
        """A count stated once (first match), or summed over every match when ``total``; only in sentences
        that match ``context`` and do not match ``exclude``, in a clause that does not match ``clause_exclude``."""
        value, approx, first = 0, False, None
        for sent, match in self.finditer(pattern, negative=negative, own=own, area=area):
            if context is not None and not re.search(context, sent.text):
                continue
            if exclude is not None and re.search(exclude, sent.text):
                continue
            if sent.text[:match.start()].endswith("其中"):
                continue
            if clause_exclude is not None and re.search(clause_exclude, sent.text[slice(*sent.clause(match.start()))]):
                continue
            if keep is not None and not keep(sent, match):
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


_CN_NUMERAL = "零〇两一二三四五六七八九十百千"


def _numeral_start(text: str, start: int) -> int:
    """Where the numeral holding ``text[start]`` begins (12期 matched from its 2 begins at 1)."""
    if start >= len(text):
        return start
    same = "0123456789." if text[start].isdigit() else _CN_NUMERAL if text[start] in _CN_NUMERAL else ""
    while start > 0 and same and text[start - 1] in same:
        start -= 1
    return start
