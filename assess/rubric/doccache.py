"""A disk cache of the parsed bundled rulesets, so that a start need not parse their YAML.

Every ``assess score`` parses the bundled ruleset it scores with, and importing PyYAML
and composing the document take some 10 ms of a start of about 200 ms. The parsed form
(the data and the line of each value) is kept as msgpack in the user's cache folder,
one file per bundled ruleset, under a key made of the file's bytes, the version of
assess and the parser's own source: a changed ruleset, an upgrade or an edited parser
each miss, and the file is parsed and written again.

The cache is never needed: a folder that cannot be made or written, a file that cannot
be read, decoded or is for other bytes are all a miss, silently. ``ASSESS_CACHE_DIR``
names another folder; set empty, it turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import msgspec

from assess.paths import Path as JsonPath
from assess.version import __version__

_FORMAT = b"assess ruleset cache 1"
"""Bumped when what is stored changes shape."""


class _Entry(msgspec.Struct, array_like=True):
    key: str
    data: Any
    lines: list[tuple[JsonPath, int]]


_DECODER = msgspec.msgpack.Decoder(_Entry)


def folder() -> Path | None:
    """Where the cache is kept, or None when it is turned off."""
    chosen = os.environ.get("ASSESS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assess"


def key(text: bytes) -> str | None:
    """The key of a document's bytes as this installation parses them (None: do not cache)."""
    try:
        parser = Path(__file__).with_name("yamlparse.py").read_bytes()
    except OSError:
        # an installation without the parser's source cannot tell an edited parser
        return None
    digest = hashlib.sha256(_FORMAT)
    for part in (__version__.encode(), parser, text):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _file(name: str) -> Path | None:
    where = folder()
    return None if where is None else where / f"{name}.msgpack"


def read(name: str, wanted: str) -> tuple[Any, dict[JsonPath, int]] | None:
    """The cached data and lines of bundled ruleset ``name`` if cached under ``wanted``."""
    path = _file(name)
    if path is None:
        return None
    try:
        entry = _DECODER.decode(path.read_bytes())
    except (OSError, ValueError, msgspec.MsgspecError):
        return None
    if entry.key != wanted:
        return None
    return entry.data, dict(entry.lines)


def write(name: str, wanted: str, data: Any, lines: dict[JsonPath, int]) -> None:
    """Keep the parsed document; any failure leaves the cache as it was."""
    path = _file(name)
    if path is None:
        return
    try:
        blob = msgspec.msgpack.encode(_Entry(wanted, data, list(lines.items())))
        path.parent.mkdir(parents=True, exist_ok=True)
        # written beside and renamed over: a reader sees the old file or the whole new one
        temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
        # one name per process: no other writer shares it, and a crashed one's is reused
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(blob)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except (OSError, ValueError, TypeError, msgspec.MsgspecError):
        return
