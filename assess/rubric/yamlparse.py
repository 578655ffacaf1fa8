"""PyYAML's side of :mod:`assess.rubric.yamldoc`: compose a document into nodes and convert
them, remembering the line of every value.

PyYAML composes the document into nodes (no Python objects are ever constructed from
tags); we convert the nodes ourselves, accepting only the standard scalar, sequence and
mapping tags, refusing anchors and aliases (so no alias bombs), duplicate keys, and
documents larger or deeper than a ruleset can sensibly be.

A module of its own so that PyYAML (some 10 ms to import) is imported only when a
document is parsed, not when a bundled ruleset is read back from the cache.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from assess.errors import Issue, RulesetError
from assess.i18n import N_, _
from assess.paths import Path, json_path

# libyaml's composer when PyYAML was built with it (ten times faster); only nodes are
# composed either way, never Python objects.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000
MAX_DEPTH = 50

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
# A date or time written unquoted (a review decision's time) stays the text it was;
# the reader that expects a time parses it.
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


_INVALID = {N_("ruleset file"): N_("invalid ruleset YAML"), N_("review file"): N_("invalid review YAML"),
            N_("golden cases file"): N_("invalid cases YAML")}
"""The headline of a broken document, by the kind of document it is."""


class _Converter:
    def __init__(self, source: str, what: str) -> None:
        self.source = source
        self.what = what
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()
        self.count = 0

    def fail(self, node: yaml.Node, message: str) -> RulesetError:
        line = node.start_mark.line + 1
        return RulesetError(_(_INVALID.get(self.what, N_("invalid ruleset YAML"))), source=self.source,
                            issues=(Issue("", message, line=line),))

    def convert(self, node: yaml.Node, path: Path) -> Any:
        if id(node) in self.seen:
            raise self.fail(node, _("anchors and aliases are not allowed"))
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, _("document has more than {count} values").format(count=MAX_NODES))
        if len(path) > MAX_DEPTH:
            raise self.fail(node, _("document nested deeper than {count} levels").format(count=MAX_DEPTH))
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise self.fail(node, f"tag {node.tag} is not allowed")
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _INT):
                    raise self.fail(key_node, _("mapping keys must be plain text"))
                key = str(key_node.value)
                if key == "<<":
                    raise self.fail(key_node, _("merge keys (<<) are not allowed"))
                if key in out:
                    raise self.fail(key_node, _("duplicate key {key!r} in {path}").format(
                        key=key, path=json_path(path)))
                out[key] = self.convert(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.fail(node, f"tag {node.tag} is not allowed")
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        raise self.fail(node, "unsupported YAML node")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag in (_STR, _TIMESTAMP):
            return text
        if tag == _NULL:
            return None
        constructor = yaml.constructor.SafeConstructor()
        try:
            if tag == _BOOL:
                return constructor.construct_yaml_bool(node)
            if tag == _INT:
                value = constructor.construct_yaml_int(node)
                if abs(value) > 10**15:
                    raise self.fail(node, _("integer {text} is out of range").format(text=text))
                return value
            if tag == _FLOAT:
                number = constructor.construct_yaml_float(node)
                if not math.isfinite(number):
                    raise self.fail(node, _("{text} is not a finite number").format(text=text))
                return number
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            raise self.fail(node, _("cannot read {text!r} as {kind}").format(
                text=text, kind=tag.rsplit(":", 1)[-1])) from exc
        raise self.fail(node, _("tag {tag} is not allowed").format(tag=tag))


def parse(text: str, source: str, what: str) -> tuple[Any, dict[Path, int]]:
    """The data of one YAML document and the line of each of its values."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RulesetError(_("invalid YAML"), source=source,
                           issues=(Issue("", str(exc.problem or exc.context), line=line),)) from exc
    except yaml.YAMLError as exc:
        raise RulesetError(_("invalid YAML: {reason}").format(reason=exc), source=source) from exc
    except RecursionError as exc:
        raise RulesetError(_("invalid YAML: nested too deeply"), source=source) from exc
    if node is None:
        raise RulesetError(_("empty {what}").format(what=_(what)), source=source)
    converter = _Converter(source, what)
    try:
        data = converter.convert(node, ())
    except RecursionError as exc:
        raise RulesetError(_("invalid YAML: nested too deeply"), source=source) from exc
    return data, converter.lines
