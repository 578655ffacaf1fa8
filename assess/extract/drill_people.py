"""Drills (演练): who took part (per drill, or across the drills a total counts) and one drill mentioned
twice."""

from __future__ import annotations

import re
from collections import Counter

import msgspec
from msgspec.structs import replace

from assess.extract.numbers import _NUM, _Num
from assess.extract.sentences import _Sent
from assess.extract.state import _ExtractorBase, _Found


class _Drill(msgspec.Struct):
    """A drill mentioned once, standing for ``count`` equal drills (开展消防演练3次): a count is
    kept as a number, never as that many objects."""

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


class _Total(msgspec.Struct):
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
            starts = Counter(d.start for d in items)
            first_total: dict[int, _Total] = {}
            for total in totals:
                first_total.setdefault(total.sent.index, total)
            first_item: dict[int, int] = {}
            for index, drill in enumerate(items):
                first_item.setdefault(drill.sent.index, index)
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
                between = owner_sent.text[local_from:match.start()]
                if what == "d" and owner_sent.index in first_total and "," in between \
                        and (first_item[owner_sent.index] < index or items[index].count > 1):
                    # 分别为A、B和C演练,参演人员近300人次: the people of the whole list, not of its last drill
                    total = first_total[owner_sent.index]
                    total.participants = total.participants or found
                elif what == "t":
                    totals[index].participants = found
                elif items[index].count > 1 or starts[items[index].start] > 1:
                    # 组织综合应急演练2次,参演职工共600人次: the people of the drills the count stands for
                    self.state.found.setdefault("drill_participants", found)
                else:
                    items[index].participants = found

    @staticmethod
    def _merge_repeats(items: list[_Drill]) -> list[_Drill]:
        """One drill named twice in a row (二是开展X演练。…开展X演练,…) is one drill.

        Mentions are looked up by (title, kind) among the last two sentences' drills, so that
        the work grows with the number of mentions, not with its square. A mention standing
        for several drills (``count``) merges one of them, as if each had been listed.
        """
        out: list[_Drill] = []
        by_key: dict[tuple[str | None, str | None], list[_Drill]] = {}
        for drill in items:
            key = (drill.title, drill.kind)
            earlier = by_key.setdefault(key, [])
            if drill.sent.text.startswith("其中"):
                # a sentence going back to a list: 分别为A、B和C演练。其中,B演练在…举行
                target = _latest_repeated(earlier, drill)
                if target is not None:
                    _absorb(out, earlier, target, drill)
                    continue
            elif out and earlier and earlier[-1] is out[-1] and _repeats(out[-1], drill):
                last = out[-1]
                first = replace(drill, count=1, date=drill.date or last.date)
                if last.count > 1:
                    last.count -= 1
                    out.append(first)
                    earlier.append(first)
                else:
                    out[-1] = earlier[-1] = first
                if drill.count > 1:
                    if first.date == drill.date:
                        first.count = drill.count
                    else:
                        rest = replace(drill, count=drill.count - 1)
                        out.append(rest)
                        earlier.append(rest)
                continue
            out.append(drill)
            earlier.append(drill)
        return out


def _repeats(last: _Drill, drill: _Drill) -> bool:
    """Whether ``drill`` may be a second mention of ``last`` (same key, checked by the caller)."""
    return (last.sent.index != drill.sent.index and drill.sent.index - last.sent.index <= 2
            and (last.date is None or drill.date is None) and last.participants is None)


def _latest_repeated(earlier: list[_Drill], drill: _Drill) -> _Drill | None:
    for candidate in reversed(earlier):
        if drill.sent.index - candidate.sent.index > 2:
            return None
        if _repeats(candidate, drill):
            return candidate
    return None


def _absorb(out: list[_Drill], earlier: list[_Drill], target: _Drill, drill: _Drill) -> None:
    """Merge a 其中 mention into the last drill of ``target``'s run, which takes its date and
    participants. With participants, each drill the mention counts takes one more of the run
    (the one before no longer qualifies once it has participants); drills beyond the run stay
    drills of their own. Without, they all merge into that one."""
    merged = min(drill.count, target.count) if drill.participants is not None else 1
    tail = target
    if merged < target.count:
        tail = replace(target, count=merged)
        target.count -= merged
        _insert_after(out, target, tail)
        _insert_after(earlier, target, tail)
    tail.date = tail.date or drill.date
    tail.participants = drill.participants
    left = drill.count - merged if drill.participants is not None else 0
    if left > 0:
        rest = replace(drill, count=left)
        out.append(rest)
        earlier.append(rest)


def _insert_after(runs: list[_Drill], anchor: _Drill, new: _Drill) -> None:
    for index in range(len(runs) - 1, -1, -1):
        if runs[index] is anchor:
            runs.insert(index + 1, new)
            return
