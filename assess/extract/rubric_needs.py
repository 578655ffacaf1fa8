"""The fact paths a unit type's bundled ruleset needs: what a draft should support."""

from __future__ import annotations

from functools import lru_cache

from assess.errors import AssessError
from assess.facts import FIELDS

_DEFAULT_RUBRIC = tuple(p for p, f in FIELDS.items() if f.kind not in ("section", "str", "enum")
                        and not p.startswith(("unit.", "source.", "adjustments", "self_score")))


@lru_cache(maxsize=8)
def rubric_paths(unit_type: str) -> tuple[str, ...]:
    """Fact paths the bundled ruleset for ``unit_type`` needs, in rule order."""
    # imported here: only the unsupported list needs rulesets
    from assess.ruleset import load_ruleset, ruleset_name_for

    try:
        # loaded, not only compiled, so that a bundled overlay (a devzone table) is resolved
        with load_ruleset(ruleset_name_for(unit_type)) as ruleset:
            program = ruleset.program
    except (AssessError, OSError):
        return _DEFAULT_RUBRIC
    out: list[str] = []
    for rule in program.rules:
        for required in rule.required:
            if required not in out:
                out.append(required)
    return tuple(out)
