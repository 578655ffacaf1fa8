"""A disk cache of the parsed bundled rulesets, so that a start need not parse their YAML.

Every ``assess score`` parses the bundled ruleset it scores with, and importing PyYAML
and composing the document take some 10 ms of a start of about 200 ms. The parsed form
(the data and the line of each value) is kept as msgpack in the user's cache folder,
one file per bundled ruleset, under a key made of the file's bytes, the version of
assess, the reader's own source (yamldoc and yamlparse) and PyYAML's version: a changed
ruleset, an upgrade or an edited reader each miss, and the file is parsed and written again.

The cache is never needed: a folder that cannot be made or written, a file that cannot
be read, decoded or is for other bytes are all a miss, silently. ``ASSESS_CACHE_DIR``
names another folder; set empty, it turns the cache off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
import sys
import threading
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
_LARGEST = 64 * 1024 * 1024
"""An entry larger than this is not read (a bundled ruleset's is some 40 KB)."""
_BINARY = getattr(os, "O_BINARY", 0)
"""Windows opens a descriptor in text mode without it."""


def folder() -> Path | None:
    """Where the cache is kept, or None when it is turned off (or there is no home folder)."""
    chosen = os.environ.get("ASSESS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        # the XDG specification has a relative XDG_CACHE_HOME ignored
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.join(home, ".cache")
    # "~" left as it was: no home to keep a cache in, and not the current folder either
    return Path(base) / "assess" if os.path.isabs(base) else None


def _parser() -> Path | None:
    """PyYAML's ``__init__.py``, found without importing PyYAML (that is what the cache saves):
    it holds PyYAML's version, so an upgrade of the parser misses too."""
    found = importlib.util.find_spec("yaml")
    return Path(found.origin) if found is not None and found.origin is not None else None


def key(text: bytes) -> str | None:
    """The key of a document's bytes as this installation reads them (None: do not cache)."""
    here = Path(__file__).parent
    parser = _parser()
    try:
        if parser is None:
            raise FileNotFoundError("yaml")
        reader = [(here / name).read_bytes() for name in ("yamldoc.py", "yamlparse.py")] + [parser.read_bytes()]
    except OSError:
        # an installation without the reader's or the parser's source cannot tell an edited one
        return None
    digest = hashlib.sha256(_FORMAT)
    for part in (__version__.encode(), *reader, text):
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
        # not a link, and never waiting on a FIFO put in its place
        handle = os.open(path, os.O_RDONLY | _BINARY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb") as source:
            found = os.fstat(source.fileno())
            if not stat.S_ISREG(found.st_mode) or found.st_size > _LARGEST:
                return None
            entry = _DECODER.decode(source.read())
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
        temporary = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
        # one name per process and thread (the service loads rulesets on several): no other
        # writer shares it, and a crashed one's is reused
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY | getattr(os, "O_NOFOLLOW", 0),
                         0o600)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(blob)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except (OSError, ValueError, TypeError, msgspec.MsgspecError):
        return
