"""Writing output files whole or not at all, where colleagues can read them, and only
onto regular files.

* The data goes to a temporary file beside the target, which then replaces it, so an
  error or interrupt never leaves a half-written file.
* A new file gets the mode the umask gives (0644 under the usual umask 022), not
  ``mkstemp``'s private 0600; an overwritten file keeps its mode.
* A symlink is written through: its target is replaced and the link stays.
* A target that exists and is not a regular file (a folder, FIFO or device) is refused
  and left as it was; so is a target whose folder does not exist.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from assess.errors import AssessError, UsageError
from assess.i18n import _

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _umask() -> int:
    # The umask can only be read by setting it; it is put back at once.
    current = os.umask(0o022)
    os.umask(current)
    return current


def output_target(path: str | os.PathLike[str]) -> Path:
    """The regular file that writing ``path`` replaces (through symlinks), or an
    :class:`AssessError` naming why nothing can be written there."""
    given = Path(path)
    target = given.resolve() if given.is_symlink() else given
    try:
        info = target.stat()
    except FileNotFoundError:
        folder = target.parent
        if not folder.is_dir():
            raise AssessError(_("{given}: the folder {folder} does not exist; nothing was written").format(
                given=given, folder=folder)) from None
        return target
    if not stat.S_ISREG(info.st_mode):
        kind = _("a folder") if stat.S_ISDIR(info.st_mode) else _("not a regular file (a FIFO, device or socket)")
        raise AssessError(_("{given} is {kind}; give a file name to write to; nothing was written").format(
            given=given, kind=kind))
    return target


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a file so that an error or interrupt never leaves it half-written:
    the data goes to a temporary file beside it, which then replaces the target."""
    target = output_target(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def neutralise(value: str) -> str:
    """A cell's text made inert for spreadsheets (the OWASP rule against formula
    injection): text starting with = + - @ tab or CR gets a leading apostrophe."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


SUFFIX_FORMATS: dict[str, tuple[str, ...]] = {
    ".txt": ("plain", "grid", "github"),
    ".md": ("markdown", "github"),
    ".html": ("html",),
    ".htm": ("html",),
    ".csv": ("csv",),
    ".json": ("json",),
    ".xlsx": ("xlsx",),
    ".docx": ("docx",),
}
"""The formats each output suffix may hold; the first is the one inferred."""


def infer_format(requested: str | None, output: str | None, default: str = "plain") -> str:
    """The format to write: ``requested`` if given, else the one the ``-o`` suffix names.
    A suffix that names another format than the one requested is an error."""
    suffix = Path(output).suffix.lower() if output else ""
    allowed = SUFFIX_FORMATS.get(suffix)
    if requested is None:
        return allowed[0] if allowed else default
    if allowed is not None and requested not in allowed:
        raise UsageError(_("--format {requested} does not match the file name {output} "
                           "(a {suffix} file holds {formats}); change one of them").format(
            requested=requested, output=output, suffix=suffix, formats=_(" or ").join(allowed)))
    return requested
