"""Safe YAML reading that remembers the line of every value.

PyYAML composes the document into nodes (no Python objects are ever constructed from
tags); :mod:`assess.rubric.yamlparse` converts the nodes, accepting only the standard
scalar, sequence and mapping tags, refusing anchors and aliases (so no alias bombs),
duplicate keys, and documents larger or deeper than a ruleset can sensibly be. A bundled
ruleset is read back from :mod:`assess.rubric.doccache` while its bytes are unchanged.
"""

from __future__ import annotations

from typing import Any

import msgspec

from assess import inputs
from assess.errors import RulesetError
from assess.i18n import _
from assess.paths import Path
from assess.rubric import doccache


class Document(msgspec.Struct, frozen=True):
    data: Any
    lines: dict[Path, int]
    origins: dict[Path, str | None] = msgspec.field(default_factory=dict)
    """For a resolved overlay: the file each value was written in, where not the overlay's
    own (None); see :mod:`assess.rubric.overlay`."""

    def line(self, path: Path) -> int | None:
        """Line of the value at ``path``, or of its nearest enclosing value."""
        probe = tuple(path)
        while True:
            if probe in self.lines:
                return self.lines[probe]
            if not probe:
                return None
            probe = probe[:-1]

    def origin(self, path: Path) -> str | None:
        """The file the value at ``path`` was written in, when not this document's own."""
        probe = tuple(path)
        while probe not in self.origins:
            if not probe:
                return None
            probe = probe[:-1]
        return self.origins[probe]


def load(text: str | bytes, source: str, what: str = "ruleset file", *, bundled: str | None = None) -> Document:
    """Parse one YAML document safely; errors name the source, the kind of document
    (``what``: a key of :data:`assess.inputs.CAPS`) and the line.

    ``bundled``: the name of the bundled ruleset whose file ``text`` holds; its parsed form
    is then kept in, and read back from, the cache.
    """
    raw = text if isinstance(text, bytes) else None
    if isinstance(text, bytes):
        limit = inputs.cap(what)
        if len(text) > limit:
            raise RulesetError(inputs.too_large(what, limit), source=source)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RulesetError(_("not UTF-8 (invalid byte at offset {at})").format(at=exc.start),
                               source=source) from exc
    key = doccache.key(raw) if bundled is not None and raw is not None else None
    if bundled is None or key is None:
        return Document(*_parsed(text, source, what))
    cached = doccache.read(bundled, key)
    if cached is not None:
        return Document(*cached)
    data, lines = _parsed(text, source, what)
    doccache.write(bundled, key, data, lines)
    return Document(data, lines)


def _parsed(text: str, source: str, what: str) -> tuple[Any, dict[Path, int]]:
    from assess.rubric import yamlparse  # PyYAML is imported only when a document is parsed

    return yamlparse.parse(text, source, what)
