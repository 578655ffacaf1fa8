"""Paths into facts and rulesets: kept as sequences, rendered once as a JSON path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

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
            out.append(str(part))
    return "".join(out) or "(top level)"


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, if one is close enough to help."""
    import difflib  # only when something is misspelt: not on every start

    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or the empty string."""
    best = suggest(name, candidates)
    return f" (did you mean {best!r}?)" if best else ""


_SUGGESTION = re.compile(r" \(did you mean '((?:[^'\\]|\\.)*)'\?\)")


def reword_suggestion(message: str, words: str) -> str:
    """``message`` with the hint :func:`did_you_mean` wrote into it given in ``words``
    (a template with ``{name}``): the hint is found by :func:`suggestion_in` in the
    English form, and shown to a reader in another language in this one."""
    return _SUGGESTION.sub(lambda found: words.format(name=found.group(1)), message)


def suggestion_in(message: str) -> str | None:
    """The suggestion :func:`did_you_mean` wrote into a message, or None: messages keep
    their words for people, and errors expose the suggestion to programs from here."""
    found = _SUGGESTION.search(message)
    return found.group(1) if found else None


def fields_at(root: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names a pydantic model allows at a location, for suggesting a misspelt key."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        if field is None:
            return []
        model = model_in(field.annotation)
    return list(model.model_fields) if model is not None else []


def model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = model_in(arg)
        if found is not None:
            return found
    return None
