"""Ruleset overlays: a department's own indicators (个性指标) on a common base table.

An overlay is a ruleset file with ``extends`` (a bundled name, or a path relative to the
overlay's file). :func:`merge` resolves it against its base's document into one plain
ruleset document, which is then checked and compiled like any other:

- ``categories`` are matched by id: an existing id changes the keys given (name, max,
  capped, pillar); a new id is added after the base's;
- ``remove`` lists base rule ids to drop (an unknown id is an error);
- ``rules`` are added; a rule with a base rule's id replaces it in place;
- every other top-level key, when given, replaces the base's.

The merged document remembers, for every value, the line and the file it was written in,
so that a problem found later names the overlay's line, or the base file's where the
value came from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assess.errors import Issue, RulesetError
from assess.i18n import _, ngettext
from assess.paths import Path, json_path
from assess.rubric.yamldoc import Document

EXTENDS = "extends"
REMOVE = "remove"
_MERGED = ("categories", "rules", EXTENDS, REMOVE)


def base_ref(doc: Document, source: str) -> str | None:
    """The ``extends`` of an overlay's document (None for a plain ruleset)."""
    if not isinstance(doc.data, dict) or EXTENDS not in doc.data:
        return None
    ref = doc.data[EXTENDS]
    if not isinstance(ref, str) or not ref.strip():
        raise _error(doc, source, (EXTENDS,), _("extends names a bundled ruleset or a .yaml file"))
    return ref


def merge(base: Document, base_source: str, overlay: Document, source: str) -> Document:
    """The ruleset an overlay describes, with lines and files of every value."""
    data = overlay.data
    assert isinstance(data, dict)
    if not isinstance(base.data, dict):
        raise RulesetError(_("the ruleset an overlay extends must be a YAML mapping"), source=base_source)
    merged = _Merged(base, base_source, overlay)
    issues: list[Issue] = []
    if "id" not in data:
        issues.append(_issue(overlay, ("id",), _("an overlay needs an id of its own")))
    elif data["id"] == base.data.get("id"):
        issues.append(_issue(overlay, ("id",), _("an overlay needs an id of its own, not its base's {id!r}").format(
            id=data["id"])))
    for key in base.data:
        if key not in data and key not in _MERGED:
            merged.take_base((key,), (key,))
    for key in data:
        if key not in _MERGED:
            merged.take_overlay((key,), (key,))
    issues += merged.categories()
    issues += merged.rules()
    if issues:
        raise RulesetError(ngettext("{count} problem in the overlay", "{count} problems in the overlay", len(issues))
                           .format(count=len(issues)), source=source, issues=tuple(issues))
    return Document(merged.data, merged.lines, merged.origins)


class _Merged:
    def __init__(self, base: Document, base_source: str, overlay: Document) -> None:
        self.base, self.base_source, self.overlay = base, base_source, overlay
        self.data: dict[str, Any] = {}
        self.lines: dict[Path, int] = {}
        self.origins: dict[Path, str | None] = {}

    def _copy(self, doc: Document, origin: str | None, at: Path, to: Path) -> Any:
        for path, line in doc.lines.items():
            if path[:len(at)] == at:
                target = (*to, *path[len(at):])
                self.lines[target] = line
                self.origins[target] = doc.origin(path) or origin
        value = doc.data
        for part in at:
            value = value[part]
        return value

    def take_base(self, at: Path, to: Path) -> Any:
        value = self._copy(self.base, self.base_source, at, to)
        if len(to) == 1:
            self.data[str(to[0])] = value
        return value

    def take_overlay(self, at: Path, to: Path) -> Any:
        value = self._copy(self.overlay, None, at, to)
        if len(to) == 1:
            self.data[str(to[0])] = value
        return value

    def categories(self) -> list[Issue]:
        base = _entries(self.base.data.get("categories"))
        given = self.overlay.data.get("categories")
        if given is None:
            self.take_base(("categories",), ("categories",))
            return []
        if not isinstance(given, list):
            return [_issue(self.overlay, ("categories",), _("categories is a list of {id, ...} entries"))]
        out: list[dict[str, Any]] = []
        self._line(("categories",))
        by_id: dict[str, int] = {}
        for index, entry in base:
            by_id[str(entry.get("id"))] = len(out)
            self._copy(self.base, self.base_source, ("categories", index), ("categories", len(out)))
            out.append(dict(entry))
        issues = []
        for index, entry in enumerate(given):
            if not isinstance(entry, dict) or "id" not in entry:
                issues.append(_issue(self.overlay, ("categories", index), _("a category entry needs an id")))
                continue
            position = by_id.get(str(entry["id"]))
            if position is None:
                position = len(out)
                out.append({})
                self._copy(self.overlay, None, ("categories", index), ("categories", position))
            for key, value in entry.items():
                out[position][key] = value
                self._copy(self.overlay, None, ("categories", index, key), ("categories", position, key))
        self.data["categories"] = out
        return issues

    def rules(self) -> list[Issue]:
        base = _entries(self.base.data.get("rules"))
        removed = self.overlay.data.get(REMOVE, [])
        given = self.overlay.data.get("rules", [])
        issues: list[Issue] = []
        if not isinstance(removed, list) or not all(isinstance(r, str) for r in removed):
            return [_issue(self.overlay, (REMOVE,), _("remove is a list of rule ids"))]
        if not isinstance(given, list):
            return [_issue(self.overlay, ("rules",), _("rules is a list of rules"))]
        base_ids = {str(entry.get("id")) for _, entry in base}
        given_ids = {str(r.get("id")) for r in given if isinstance(r, dict)}
        for index, rule_id in enumerate(removed):
            if rule_id not in base_ids:
                issues.append(_issue(self.overlay, (REMOVE, index),
                                     _("the base has no rule {rule!r} to remove").format(rule=rule_id)))
            elif rule_id in given_ids:
                issues.append(_issue(self.overlay, (REMOVE, index),
                                     _("rule {rule!r} is both removed and given; give it to replace it").format(
                                         rule=rule_id)))
        replacing = {str(r.get("id")): i for i, r in enumerate(given) if isinstance(r, dict)}
        out: list[Any] = []
        self._line(("rules",))
        for index, entry in base:
            rule_id = str(entry.get("id"))
            if rule_id in removed:
                continue
            if rule_id in replacing:
                out.append(self._copy(self.overlay, None, ("rules", replacing.pop(rule_id)), ("rules", len(out))))
            else:
                out.append(self._copy(self.base, self.base_source, ("rules", index), ("rules", len(out))))
        for index, rule in enumerate(given):
            if not isinstance(rule, dict) or str(rule.get("id")) in replacing:
                out.append(self._copy(self.overlay, None, ("rules", index), ("rules", len(out))))
        self.data["rules"] = out
        return issues

    def _line(self, key: Path) -> None:
        """The line of a merged list: the overlay's where it gives one, else the base's."""
        doc, origin = (self.overlay, None) if key in self.overlay.lines else (self.base, self.base_source)
        if key in doc.lines:
            self.lines[key] = doc.lines[key]
            self.origins[key] = doc.origin(key) or origin


def _entries(value: Any) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)]


def _issue(doc: Document, path: Path, message: str) -> Issue:
    return Issue(json_path(path), message, line=doc.line(path))


def _error(doc: Document, source: str, path: Path, message: str) -> RulesetError:
    return RulesetError(_("invalid overlay"), source=source, issues=(_issue(doc, path, message),))
