"""Drills (演练): who took part (per drill, or across the drills a total counts) and one drill mentioned
twice."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assess.extract.numbers import _NUM, _Num
from assess.extract.sentences import _Sent
from assess.extract.state import _ExtractorBase, _Found


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
    organizer: str | None = None  # the body that ran a drill the unit only assisted


@dataclass
class _Total:
    count: _Num
    kinds: list[str | None]
    start: int
    end: int
    sent: _Sent
    participants: _Found | None = None


class _DrillPeople(_ExtractorBase):
    """Participants of drills, and repeated mentions merged."""

    def _drill_participants(self, by_para: dict[int, tuple[list[_Total], list[_Drill]]]) -> None:
        pattern = re.compile(rf"参演[^,;:。\d]{{0,8}}?(达|共|为|约|达到|共计|累计|合计|总计)?(?P<n>{_NUM})(人次|人|名)"
                             rf"|(?P<n2>{_NUM})(人次|人|名)[^,;:。\d]{{0,6}}?(参演|参加|参与)"
                             rf"|出动[^,;:。\d]{{0,12}}?(?P<n4>{_NUM})(人|名)(?!次)"
                             rf"|(参与|参加)(演练)?(的)?[^,;:。\d]{{0,6}}?(达|共|为|约|累计|共计)?(?P<n3>{_NUM})(人次|人|名)")
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
                if what == "d" and self._closes_a_list(items, totals, index, owner_sent.text[local_from:match.start()]):
                    # 分别为A、B和C演练,参演人员近300人次: the people of the whole list, not of its last drill
                    total = next(t for t in totals if t.sent.index == owner_sent.index)
                    total.participants = total.participants or found
                elif what == "t":
                    totals[index].participants = found
                elif any(d.start == items[index].start and d is not items[index] for d in items):
                    # 组织综合应急演练2次,参演职工共600人次: the people of the drills the count stands for
                    self.state.found.setdefault("drill_participants", found)
                else:
                    items[index].participants = found

    @staticmethod
    def _closes_a_list(items: list[_Drill], totals: list[_Total], index: int, between: str) -> bool:
        """Whether drill ``index`` ends a list of drills under a total of the same sentence, and the words up
        to its people (``between``) leave the drill for a new clause."""
        sent = items[index].sent
        return ("," in between and any(t.sent.index == sent.index for t in totals)
                and any(d.sent.index == sent.index for d in items[:index]))

    @staticmethod
    def _merge_repeats(items: list[_Drill]) -> list[_Drill]:
        """One drill named twice in a row (二是开展X演练。…开展X演练,…) is one drill."""
        out: list[_Drill] = []
        for drill in items:
            # the nearest earlier mention of the same drill: the last one, or one of a list the sentence
            # goes back to (分别为A、B和C演练。其中,B演练在…举行)
            same = [i for i, last in enumerate(out)
                    if last.title == drill.title and last.kind == drill.kind and last.sent.index != drill.sent.index
                    and drill.sent.index - last.sent.index <= 2 and (last.date is None or drill.date is None)
                    and last.participants is None and (i == len(out) - 1 or drill.sent.text.startswith("其中"))]
            if same:
                last = out[same[-1]]
                if same[-1] == len(out) - 1:
                    drill.date = drill.date or last.date
                    out[-1] = drill
                else:
                    last.date = last.date or drill.date
                    last.participants = drill.participants
                continue
            out.append(drill)
        return out
