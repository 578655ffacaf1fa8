"""The unit's emergency supplies: storage, ledger, custodian, upkeep and the items stocked."""

from __future__ import annotations

import re
from typing import Any

from assess.extract.numbers import _NUM, _Num, _number
from assess.extract.sentences import _HAN
from assess.extract.state import _ExtractorBase, _Found

_SUPPLY_MEASURE = ("把|个|套|支|件|台|辆|艘|吨|顶|床|袋|条|部|副|双|箱|桶|块|只|根|卷|公斤|千克|斤|架|盏|具|瓶|"
                   "张|包|组|捆|领|挺|辆|平方米|立方米|米")
_NOT_SUPPLY = re.compile(r"房间|村|社区|点|室|处|所|场所|单位|部门|企业|学校|领域|行业|方面|批|次|人|队|预案|小组"
                         r"|制度|项目|乡镇|街道|网点|基地|仓库|库|中心|家|工作|宣传|资料|版面|横幅|标语"
                         r"|面积|水位|降雨|雨量|高度|深度|长度|距离|里程|海拔")
_SUPPLY_CONTEXT = re.compile(r"物资|装备|器材|设备|储备|购置|配置|配备|库存|用具|工具|保障车辆|保障船舶|机械")
_NOT_STOCK = re.compile(r"出动|投入|展出|悬挂|发放|制作|书写|张贴|印发|参与|派出|组织")


class _CapacityFacts(_ExtractorBase):
    """``supplies``."""

    # ---------------------------------------------------------------- supplies

    def supplies(self) -> None:
        self.flag("supplies.storage",
                  r"(?<!数据)(?<!人才)(储备|存放|储存|存储)(室|库|仓库|间|点|中心)|物资(仓)?库|库房|仓库"
                  r"|(房间|场地|场所|房屋)[^,;:。]{0,10}(存放|储存|储备)", "储备库房", 0.8)
        self.flag("supplies.ledger", r"(物资|装备|器材)[^,;:。]{0,8}(台账|台帐|登记|清册)"
                                     r"|(台账|台帐)[^,;:。]{0,4}(物资|装备)"
                                     r"|[帐账]实相符|(出入库|库存|储备)(登记)?(台账|台帐)|登记造册"
                                     r"|(实行|落实)[^,;:。]{0,4}?(台账|台帐)|(台账|台帐)(化)?(管理|登记)",
                  "物资台账", context=r"物资|装备|器材|储备|库")
        self.flag("supplies.custodian", r"(专人|专职人员|[^,;:。]{2,12}负责)(看管|保管|管护)"
                                        r"|(专人|专职人员)(负责)?管理",
                  "专人看管", context=r"物资|储备|存放|库|装备|器材")
        self.flag("supplies.maintained",
                  r"(维护|保养|检修|更换|轮换)[^,;:。]{0,6}(物资|装备|器材)|(物资|装备|器材)[^,;:。]{0,8}(维护|保养|检修|轮换)",
                  "定期维护", 0.75)
        # upkeep on a schedule, in a sentence about the stock: 每季度检查维护一次, 定期保养
        self.flag("supplies.maintained",
                  r"(定期|每[年季月周]度?|每半年|经常性?)[^,;:。]{0,4}(检查|维护|保养|检修|更新|轮换)",
                  "定期维护", 0.7, context=r"物资|装备|器材|储备")
        self.supply_items()

    def supply_items(self) -> None:
        measure = _SUPPLY_MEASURE
        name_chars = rf"[{_HAN}()]"
        before = re.compile(rf"(?P<name>{name_chars}{{1,14}}?)(?P<n>{_NUM})(?P<m>{measure})(?=[、,;。]|等|和|及|$)")
        after = re.compile(rf"(?P<n>{_NUM})(?P<m>{measure})(?P<name>{name_chars}{{1,14}}?)"
                           rf"(?=[、,;。]|等|和|及|作为|用于|进行|$)")
        for sent in self.sentences():
            if sent.subordinate or not _SUPPLY_CONTEXT.search(sent.text) or _NOT_STOCK.search(sent.text):
                continue
            seen: list[tuple[int, int]] = []
            hits: list[tuple[int, int, str, _Num, str, int, int]] = []
            for pattern in (after, before):
                for match in pattern.finditer(sent.text):
                    if not sent.usable(match.start(), match.end()):
                        continue
                    number = _number(sent.text, match.start("n"), match.end("n"))
                    if number is None or number.value <= 0:
                        continue
                    name = re.split(r".*(?:了|的|如|有|共|计|和|及|、|为|是|落实|配备|购置|配置|添置|采购|购买|新增"
                                    r"|储备(?!粮|油|物资|库|室|点|金))",
                                    match["name"])[-1]
                    name = re.sub(r"^(储备|购置|配备|配置|准备|存放|添置|新增|库存)(?=..)", "", name).strip("()")
                    if len(name) < 2 or _NOT_SUPPLY.search(name) or name.startswith("次"):
                        continue
                    hits.append((match.start(), match.end(), name, number, match["m"],
                                 match.start("n"), match.end("n")))
            hits.sort()
            for start, end, name, number, unit, ns, _ in hits:
                if any(a < end and start < b for a, b in seen):
                    continue
                seen.append((start, end))
                listed = re.search(rf"([{_HAN}、]{{2,30}})等$", sent.text[max(0, ns - 32):ns])
                examples = re.split(r".*(?:了|的|有|如|是|为)", listed.group(1))[-1] if listed else ""
                full = f"{name}（{examples}等）" if "、" in examples else name
                item: dict[str, Any] = {"name": full[:200], "quantity": number.count if number.value.is_integer()
                                        else number.value, "unit": unit}
                self.state.items.append((item, _Found(item, sent.start + start, sent.start + end,
                                                      0.7 if number.approximate else 0.8, number.approximate,
                                                      "物资数量")))
