"""Plans revised this year (``plans.revised``).

A count is read clause by clause: every plan count of a clause that says 修订 adds up
(修订完善总体预案1部、专项预案5部 → 6), and a count of special plans gets the overall plan
added when the sentence says it was revised too (年初对总体预案进行了修订,同时修订完善了3部专项
预案 → 4). Plans newly written this year (新编制专项应急预案6个, 新编和修订预案8部) are this year's
additions and count here too, never as the stock (docs/transcription.md, rule 3b). Without a
count: the plans named after 修订, or a list said to be revised.
"""

from __future__ import annotations

import re

from assess.extract.numbers import _NUM, _number
from assess.extract.sentences import _HAN
from assess.extract.state import _ExtractorBase, _Found

_REVISE = r"(?<!未)(?<!没有)(重新)?(修订|修编|新编制|新编|新制定)"
_MEASURE = r"(个|部|件|项|本)"
# a count of plans: 3部专项预案, 预案共5部, 修订3部 (of a sentence about plans)
_COUNTED = re.compile(rf"(?P<n>{_NUM}){_MEASURE}(?=[^,;:。\d]{{0,12}}?预案)|预案(共|共计)?(?P<n2>{_NUM}){_MEASURE}"
                      rf"|(修订|修编|新编制|新编)(完善)?(了)?(其中)?(?P<n3>{_NUM}){_MEASURE}(?![{_HAN}]{{0,3}}(村|社区|企业|学校|单位))")


def _overall_beside(clause: str) -> int:
    """1 when a clause counts special (department) plans revised and names the overall plan beside them
    without a count of its own (对总体预案和3个专项预案进行了修订); 0 when the count takes it in
    (总体预案和专项预案共5部, 总体预案1部、专项预案5部)."""
    typed = re.search(rf"{_NUM}{_MEASURE}(专项|部门)", clause)
    overall = re.search(rf"总体(应急)?预案(?!(共|共计)?{_NUM}{_MEASURE})", clause)
    return int(bool(typed and overall and not re.search(rf"{_NUM}{_MEASURE}总体", clause)))


class _RevisionFacts(_ExtractorBase):
    """``plans.revised``."""

    def revised(self) -> None:
        stated = self._revised_count()
        if stated is not None:
            self.state.found["plans.revised"] = stated
            return
        self._revised_named()

    def _revised_count(self) -> _Found | None:
        """The first sentence with a count of plans revised: its clauses saying 修订 add up, those without a
        count adding the plans they name (年初对《总体预案》进行了修订,同时修订专项预案3部 → 4)."""
        for sent in self.sentences():
            if "预案" not in sent.text:
                continue
            counted, named, approximate = 0, 0, False
            start, spans = 0, []
            for end in [i for i, ch in enumerate(sent.text) if ch in ",:"] + [len(sent.text)]:
                clause, begin = sent.text[start:end], start
                start = end + 1
                verb = re.search(_REVISE, clause)
                if verb is None or not sent.usable(begin + verb.start(), begin + verb.end()) or not sent.own(
                        begin + verb.start()):
                    continue
                numbers = [n for n in (_number(clause, m.start(g), m.end(g)) for m in _COUNTED.finditer(clause)
                                       for g in ("n", "n2", "n3") if m.group(g)) if n is not None]
                spans.append((begin, end))
                if numbers:
                    counted += sum(n.count for n in numbers) + _overall_beside(clause)
                    approximate = approximate or any(n.approximate for n in numbers)
                else:
                    named += len(set(re.findall(r"《([^《》]+预案)》", clause))) + bool(
                        re.search(r"总体(应急)?预案", re.sub(r"《[^《》]*》", "", clause)))
            if counted:
                return _Found(counted + named, sent.start + spans[0][0], sent.start + spans[-1][1],
                              0.8 if not named else 0.7, approximate, "预案修订")
        return None

    def _revised_named(self) -> None:
        titles: dict[str, _Found] = {}
        named = (rf"{_REVISE}(并)?(印发|完善|发布)?(了)?(?P<titles>《[^《》]+》([、和及与]?《[^《》]+》)*)"
                 rf"|对(?P<titles2>《[^《》]+》([、和及与]?《[^《》]+》)*)(进行了|进行|作了|完成了)?(全面)?{_REVISE}")
        for sent, match in self.finditer(named):
            for title in re.findall(r"《([^《》]+)》", match.group("titles") or match.group("titles2")):
                if "预案" in title:
                    titles.setdefault(title, _Found(1, sent.start + match.start(), sent.start + match.end(), 0.75,
                                                    False, "预案修订"))
        listed: _Found | None = None
        said = (rf"(?P<list>[{_HAN}]{{1,14}}预案([和、及与][{_HAN}]{{1,14}}预案)*)(均|都)?(为|是|已|于)?"
                rf"(今年|本年度|年内|当年|今年内)?(进行了|进行|完成了|完成)?(了)?{_REVISE}(工作)?(?=[,;。]|$)")
        for sent, match in self.finditer(said):
            items = [re.sub(r"^((完成|做好|加强|及时|认真|对|其中|开展|推进|组织|启动|进行|抓好|督促|指导)了?)+", "",
                            item)
                     for item in re.split(r"[和、及与]", match.group("list"))]
            if all(re.sub(r"(专项|部门)?(应急)?预案$", "", item) not in ("", "各类", "相关", "有关", "部分", "所有",
                                                                      "全部", "各项", "现有") for item in items):
                listed = _Found(len(items), sent.start + match.start(), sent.start + match.end(), 0.7, False,
                                "预案修订")
                break
        best = listed
        if titles and (best is None or len(titles) > best.value):
            spans = list(titles.values())
            best = _Found(len(titles), spans[0].start, spans[-1].end, 0.75, False, "预案修订")
        if best is not None:
            self.state.found["plans.revised"] = best
