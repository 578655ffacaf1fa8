"""Emergency teams (应急队伍): the unit's own team and its size, village squads, specialised teams,
volunteers and team training."""

from __future__ import annotations

import re

from assess.extract.numbers import _NUM
from assess.extract.organization import _listed_total
from assess.extract.sentences import _HAN, _Sent
from assess.extract.state import _ExtractorBase, _Found

_PROFESSIONAL = r"专业|处置|抢险|抢修|施工|保障|运输|排涝|救护|医疗|消防|工程|防护|扑火|搜救|危化|巡查"
_TEAM = r"(队伍|分队|大队|中队|队|民兵连)"
_PERSONS = rf"(?P<n>{_NUM})(余|多)?(人|名)(?!次)"
# how a team's size is written
_SIZED = (
    # 组建了50人的抢险队, 由三十人组成的应急队伍, 由45名医护人员组成的卫生应急队伍
    re.compile(rf"(由)?{_PERSONS}([^,;:。的]{{0,6}}?组成)?的(?P<name>[^,;:。、的]{{0,16}}?{_TEAM})"),
    # 镇应急救援队35人, 应急队伍共计60人, 综合应急救援队,队员45人, 队伍现有队员30名
    re.compile(rf"(?P<name>[^,;:。、]{{0,20}}?{_TEAM})(?P<comma>,)?(?P<link>(共计|共有|总数|人数|现有|共|计|有)?"
               rf"(队员|成员|人员)?(共计|共有|共|计|有)?(达|为)?){_PERSONS}"),
    # 应急救援队伍1支,队员30人
    re.compile(rf"(?P<name>[^,;:。、]{{0,20}}?{_TEAM})(?P<t>{_NUM})支[,、]?(?P<link>(共计|共有|共|计)?(队员|成员|人员)?"
               rf"(共计|共有|共|计)?){_PERSONS}"),
    # 分队由民兵和干部共30人组成, 救援队由40名队员组成
    re.compile(rf"(?P<name>[^,;:。、]{{0,20}}?{_TEAM})由[^,;:。]{{0,20}}?(共|计)?{_PERSONS}[^,;:。]{{0,8}}?组成"),
)
_VILLAGES = rf"(?P<list>{_NUM}个(行政村|村\(社区\)|村\(居\)|村|社区|居委会)([、和及]{_NUM}个(行政村|村|社区|居委会))*)"
_GRASSROOTS_HINT = re.compile(rf"{_NUM}个(行政村|村|社区|居委会)|各(村|社区|行政村)|村级|每个(村|社区)|村\(社区\)")
_TEAM_SENTENCE = re.compile(r"队伍|队员|分队|救援队|抢险队")
# the public a training also reaches (then it is no team training): 培训应急队员和村干部
_PUBLIC = r"干部|群众|网格员|信息员|村民|居民|师生|学生|负责人|管理员|从业人员|职工|党员|村组|楼栋长|安全员"
_DEPLOYED = r"出动|派出|投入|抽调|调派|调集|参加|参与"


def _team_name(raw: str) -> str:
    """A team's name without the words before it (以民兵为主组建了乡应急分队 -> 乡应急分队)."""
    return re.split(r".*(?:组建|成立|建立|建成|组成|充实|整合|为主体|为骨干|为主|依托|另有|还有|了|的|有|和|及)",
                    raw)[-1]


def _team_kind(name: str) -> str | None:
    """``professional`` for a specialised team, ``general`` for the unit's emergency team, else None."""
    core = name.replace("应急抢险", "应急救援")
    if re.search(_PROFESSIONAL, core) and "综合" not in core:
        return "professional"
    if re.search(r"应急|救援|综合", core) and ("民兵" not in core or "应急" in core):
        return "general"
    return None


class _TeamFacts(_ExtractorBase):
    """``teams``."""

    def teams(self) -> None:
        professional: dict[str, tuple[int, _Found]] = {}
        for sent in self.sentences():
            for pattern in _SIZED:
                for match in pattern.finditer(sent.text):
                    self._sized_team(sent, match, professional)
        self._grassroots()
        assigned = re.compile(rf"(?P<name>[{_HAN}()]{{2,16}}({_PROFESSIONAL})[{_HAN}]{{0,4}}"
                              rf"(分队|队伍|大队|中队)),由")
        for sent, match in self.finditer(assigned):
            professional.setdefault(match.group("name"), (1, self._found(sent, match, 1, 0.65)))
        # 组建食品安全应急处置队伍3支、特种设备应急处置队伍1支
        counted = re.compile(rf"(?P<name>[{_HAN}()、]{{2,24}}?{_TEAM})(?P<n>{_NUM})支")
        for sent, match in self.finditer(counted):
            number = self.num(sent, match)
            name = _team_name(match.group("name"))
            if number is not None and _team_kind(name) == "professional" and not name.startswith("专业"):
                professional.setdefault(name, (number.count, self._found(sent, match, number.count, 0.65)))
        explicit = re.compile(rf"专业(应急|救援)?(救援|应急)?队伍(共)?(有)?(?P<n>{_NUM})支"
                              rf"|(?P<n2>{_NUM})支[^,;:。]{{0,10}}专业[^,;:。]{{0,6}}队伍")
        for sent, match in self.finditer(explicit):
            number = self.num(sent, match)
            if number is not None:
                self.put("teams.professional", number.count, sent, match, 0.8, "专业队伍",
                         approximate=number.approximate)
        if professional and "teams.professional" not in self.state.found:
            first = min(f.start for _, f in professional.values())
            last = max(f.end for _, f in professional.values())
            total = sum(n for n, _ in professional.values())
            self.state.found["teams.professional"] = _Found(total, first, last, 0.65, False, "专业队伍")
        self.count("teams.volunteers", rf"志愿者(队伍)?(共|共有|有|现有|达|计)?(?P<n>{_NUM})(人|名)"
                                       rf"|注册(了)?(应急)?志愿者(?P<n2>{_NUM})(余|多)?(人|名)", "志愿者", 0.75)
        self.team_trainings()

    @staticmethod
    def _found(sent: _Sent, match: re.Match[str], value: int, confidence: float) -> _Found:
        return _Found(value, sent.start + match.start(), sent.start + match.end(), confidence, False, "专业队伍")

    def _sized_team(self, sent: _Sent, match: re.Match[str], professional: dict[str, tuple[int, _Found]]) -> None:
        if not sent.usable(match.start(), match.end()):
            return
        groups = match.groupdict()
        if groups.get("comma") and not (groups.get("link") or ""):
            return  # 组建了应急队伍,60人参加培训: the number is not the team's
        clause_start, _ = sent.clause(match.start())
        if re.search(_DEPLOYED, sent.text[clause_start:match.start()] + (match.group("name") or "")) or re.match(
                r"(参加|参与|参训|参演|出动|到场)", sent.text[match.end():]):
            return  # 出动应急分队30人, 分队10人参加培训: people sent or attending, not the team's size
        number = self.num(sent, match)
        name = _team_name(match.group("name") or "")
        if number is None or not name:
            return
        if "小分队" in name or re.search(r"村|社区", name) or _GRASSROOTS_HINT.search(sent.text[:match.start()]):
            self.put("teams.grassroots_members", number.count, sent, match, 0.75, "基层分队人数",
                     approximate=number.approximate)
            villages = re.search(rf"(?P<n>{_NUM})个(行政村|村|社区)", sent.text)
            if villages:
                count = self.num(sent, villages)
                if count is not None:
                    self.put("teams.grassroots_teams", count.count, sent, villages, 0.7, "基层分队")
            return
        if sent.subordinate:
            return
        kind = _team_kind(name)
        if kind == "professional":
            stated = self.num(sent, match, "t") if groups.get("t") else None
            teams = stated.count if stated is not None else 1
            professional.setdefault(name, (teams, self._found(sent, match, teams, 0.7)))
        elif kind == "general":
            self.put("teams.members", number.count, sent, match, 0.8, "应急队伍人数", approximate=number.approximate)

    def _grassroots(self) -> None:
        """Village squads: 各村均组建了应急小分队,共16支、210余人; 8个社区各组建应急分队一支."""
        squad = r"(小分队|分队|队伍|救援队)"
        counted = re.compile(rf"(?P<t>{_NUM})支[^,;:。\d]{{0,6}}?[、,]?(共(计|有)?|队员|成员)?"
                             rf"(?P<n>{_NUM})(余|多)?(人|名)(?!次)")
        for sent, match in self.finditer(counted, own=False):
            if not (_GRASSROOTS_HINT.search(sent.text) and re.search(squad, sent.text[:match.start()])):
                continue
            teams, members = self.num(sent, match, "t"), self.num(sent, match)
            if teams is not None:
                self.put("teams.grassroots_teams", teams.count, sent, match, 0.75, "基层分队")
            if members is not None:
                self.put("teams.grassroots_members", members.count, sent, match, 0.75, "基层分队人数",
                         approximate=members.approximate)
            break
        per_village = re.compile(rf"{_VILLAGES}[^,;:。]{{0,6}}?(组建|成立|建立)(了)?[^,;:。]{{0,8}}?{squad}")
        stated = re.compile(rf"(村级|村\(社区\)|社区|村)[^,;:。各每]{{0,8}}?(应急)?(小)?分队(共)?(有)?(?P<n>{_NUM})支"
                            rf"|(?P<n2>{_NUM})支(村级|村\(社区\)|社区|村)[^,;:。]{{0,6}}{squad}")
        for sent, match in self.finditer(per_village, own=False):
            total = _listed_total(match.group("list"))
            if total is not None:
                self.put("teams.grassroots_teams", total, sent, match, 0.7, "基层分队")
                break
        for sent, match in self.finditer(stated, own=False):
            number = self.num(sent, match)
            if number is not None:
                self.put("teams.grassroots_teams", number.count, sent, match, 0.7, "基层分队")
                break

    def team_trainings(self) -> None:
        self.count("teams.trainings", rf"(队伍|队员|分队|救援队|抢险队)[^,;:。]{{0,8}}(培训|训练|拉练|演训)"
                                      rf"(?P<n>{_NUM})(次|期|场|轮)"
                                      rf"|(培训|训练)(应急)?(队伍|队员)(?P<n2>{_NUM})(次|期|场|轮)", "队伍培训", 0.7)
        if "teams.trainings" in self.state.found:
            return
        # in a sentence about the teams: 组建…队伍3支,全年开展业务培训两次
        trained = rf"(开展|组织|进行)(了)?[^,;:。]{{0,8}}(培训|训练|拉练|演训)(?P<n>{_NUM})(次|期|场|轮)"
        for sent, match in self.finditer(trained):
            before = sent.text[:match.start()]
            if not (re.search(r"(组建|成立|建立|现有)[^。]{0,20}(队伍|分队|救援队|抢险队)", before)):
                continue
            number = self.num(sent, match)
            if number is not None:
                self.put("teams.trainings", number.count, sent, match, 0.65, "队伍培训")
                break
