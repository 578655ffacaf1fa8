"""Paths into facts and rulesets: kept as sequences, rendered once as a JSON path."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

Path = tuple[str | int, ...]


def json_path(path: Sequence[str | int]) -> str:
    """Render ``("drills", 2, "participants")`` as ``drills[2].participants``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out) or "(top level)"


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, if one is close enough to help."""
    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or the empty string."""
    best = suggest(name, candidates)
    return f" (did you mean {best!r}?)" if best else ""
