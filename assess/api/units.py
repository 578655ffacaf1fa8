"""What the library takes as a unit's facts, and turning it into facts or batch units."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from assess import batch, facts
from assess.errors import AssessError

FactsInput = facts.UnitFacts | dict[str, Any] | str | bytes
"""Facts as a model, a parsed JSON object, JSON text, or JSON bytes in any supported encoding."""


def parse_facts(data: FactsInput, source: str = "<facts>") -> facts.UnitFacts:
    """Validate a unit's facts.

    Takes a :class:`UnitFacts`, a dict, JSON text, or JSON bytes (UTF-8 with or without
    BOM, UTF-16 with BOM, GBK/GB18030). Raises :class:`FactsError` listing every problem
    with its JSON path; ``source`` names the input in messages.
    """
    if isinstance(data, facts.UnitFacts):
        return data
    if isinstance(data, (str, bytes)):
        return facts.loads(data, source)
    return facts.validate(data, source)


def as_units(items: Iterable[FactsInput | batch.Unit]) -> Iterator[batch.Unit]:
    for index, item in enumerate(items, start=1):
        if isinstance(item, batch.Unit):
            yield item
            continue
        source = f"<unit {index}>"
        try:
            yield batch.Unit(source, facts=parse_facts(item, source))
        except AssessError as exc:
            yield batch.Unit(source, error=exc)
