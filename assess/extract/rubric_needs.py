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
    from assess.rubric.compile import compile_text
    from assess.ruleset import bundled_dir, ruleset_name_for

    try:
        path = bundled_dir() / f"{ruleset_name_for(unit_type)}.yaml"
        program, _ = compile_text(path.read_bytes(), str(path))
    except (AssessError, OSError):
        return _DEFAULT_RUBRIC
    out: list[str] = []
    for rule in program.rules:
        for required in rule.required:
            if required not in out:
                out.append(required)
    return tuple(out)
