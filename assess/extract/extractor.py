"""The extractor: every group of patterns run over one summary, and the draft assembled from them."""

from __future__ import annotations

import re
from typing import Any

from assess.errors import FactsError
from assess.extract.activities import _ActivityFacts
from assess.extract.capacity import _CapacityFacts
from assess.extract.drills import _DrillFacts
from assess.extract.flags import text_flags
from assess.extract.organization import _OrganizationFacts
from assess.extract.others import _OtherFacts
from assess.extract.plans import _PlanFacts
from assess.extract.results import Draft, Evidence
from assess.extract.rubric_needs import rubric_paths
from assess.extract.state import _Found
from assess.extract.teams import _TeamFacts
from assess.extract.unit import _UnitFacts
from assess.facts import FIELDS, UNIT_TYPE_LABELS, validate
from assess.i18n import _, comma


class _Extractor(_UnitFacts, _OrganizationFacts, _CapacityFacts, _TeamFacts, _PlanFacts, _DrillFacts,
                 _ActivityFacts, _OtherFacts):
    """Drafts the facts of one summary."""

    def run(self) -> Draft:
        unit = self.unit()
        self.organization()
        self.duty()
        self.supplies()
        self.plans()
        self.drills()
        self.teams()
        self.hazards()
        self.publicity()
        self.reporting()
        self.incidents()
        self.others()
        return self.assemble(unit)

    def assemble(self, unit: dict[str, Any]) -> Draft:
        facts: dict[str, Any] = {"unit": unit}
        evidence: dict[str, _Found] = {}
        for path, found in sorted(self.state.found.items(), key=lambda kv: _order(kv[0])):
            if path.startswith("unit."):
                evidence[path] = found
                continue
            section, _dot, leaf = path.partition(".")
            if leaf:
                facts.setdefault(section, {})[leaf] = found.value
            else:
                facts[section] = found.value
            evidence[path] = found
        if self.state.named_plans:
            plans = facts.setdefault("plans", {})
            plans["named"] = [{"title": t[:200], "kind": k} for t, k, _ in self.state.named_plans]
            for i, (_title, _kind, found) in enumerate(self.state.named_plans):
                evidence[f"plans.named[{i}]"] = found
        if self.state.items:
            facts.setdefault("supplies", {})["items"] = [item for item, _ in self.state.items]
            for i, (_, found) in enumerate(self.state.items):
                evidence[f"supplies.items[{i}]"] = found
        if self.state.drills:
            facts["drills"] = [entry for entry, _, _ in self.state.drills]
            if self.state.drills_total is not None:
                evidence["drills"] = self.state.drills_total
            for i, (_, drill_found, participants) in enumerate(self.state.drills):
                if drill_found is not None:
                    evidence[f"drills[{i}]"] = drill_found
                if participants is not None:
                    evidence[f"drills[{i}].participants"] = participants
        if self.state.honors:
            facts["honors"] = [honor for honor, _ in self.state.honors]
            for i, (_, found) in enumerate(self.state.honors):
                evidence[f"honors[{i}]"] = found
        facts, evidence = _repair(facts, evidence)
        unsupported = [p for p in rubric_paths(unit["type"]) if not _present(facts, p)]
        return Draft(facts=facts, evidence={path: self.evidence(found) for path, found in evidence.items()},
                     unsupported=unsupported, flags=text_flags(self.doc.raw, unit["type"], unit.get("period")))

    def evidence(self, found: _Found) -> Evidence:
        start, end = self.doc.raw_span(found.start, found.end)
        return Evidence(quote=self.doc.raw[start:end], start=start, end=end, confidence=found.confidence,
                        approximate=found.approximate, rule=found.rule)


def _order(path: str) -> int:
    keys = list(FIELDS)
    return keys.index(path) if path in FIELDS else len(keys)


def _present(facts: dict[str, Any], path: str) -> bool:
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, dict) or node.get(part) is None:
            return False
        node = node[part]
    return not (isinstance(node, list) and not node)


def _repair(facts: dict[str, Any], evidence: dict[str, _Found]) -> tuple[dict[str, Any], dict[str, _Found]]:
    """Drop drafted values that break a cross-field check, until the facts validate."""
    for _attempt in range(20):
        try:
            validate(facts, "<draft>")
            return facts, evidence
        except FactsError as error:
            paths = [issue.path for issue in error.issues if issue.path]
            if not paths:
                raise
            for path in paths:
                _drop(facts, path)
                for key in [k for k in evidence if k == path or k.startswith(path + ".") or k.startswith(path + "[")]:
                    del evidence[key]
    validate(facts, "<draft>")
    return facts, evidence


def _drop(facts: dict[str, Any], path: str) -> None:
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    node: Any = facts
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if node is None:
            return
    last = parts[-1]
    if isinstance(node, list):
        node.pop(int(last))
    elif isinstance(node, dict):
        node.pop(last, None)
    for section in [k for k, v in facts.items() if isinstance(v, dict) and not v and k != "unit"]:
        del facts[section]


def extract(text: str, *, unit_type: str | None = None, name: str | None = None,
            unit_id: str | None = None) -> Draft:
    """Draft facts from one summary's text; ``unit_type``, ``name``, ``unit_id`` override the text."""
    if unit_type is not None and unit_type not in UNIT_TYPE_LABELS:
        raise FactsError(_("unknown unit type {type!r}: choose one of {types}").format(
            type=unit_type, types=comma().join(UNIT_TYPE_LABELS)))
    return _Extractor(text, unit_type, name, unit_id).run()
