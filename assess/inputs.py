"""One bounded reader for every input: files, standard input, pipes, devices and zip containers.

Nothing is read past its cap: a regular file larger than its cap is refused before it is
read, and standard input, a FIFO or a device (``/dev/zero``) is read in chunks until the
cap is passed. A FIFO with no writer is waited for a few seconds, never for ever. Every
cap names itself and the environment variable that raises it (the README lists them).

Office files (.docx, .xlsx) are zip archives: :func:`check_office_zip` looks at the
archive's directory before anything is inflated, so that a small file cannot unpack into
gigabytes or hundreds of thousands of parts.
"""

from __future__ import annotations

import io
import os
import select
import stat
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec

from assess.errors import AssessError
from assess.i18n import N_, _, semicolon

if TYPE_CHECKING:
    import zipfile

MB = 1024 * 1024
CHUNK = 64 * 1024


class InputError(AssessError):
    """An input cannot be read within its caps (callers re-raise it as their own error kind)."""


class Cap(msgspec.Struct, frozen=True):
    """A limit on one kind of input, raised by an environment variable."""

    env: str
    default: int
    unit: str  # "MB", "entries", "paragraphs", "seconds" ... as the variable is given

    def value(self) -> int:
        """The limit in force (in bytes for an ``MB`` cap); a bad variable falls back to the default."""
        raw = os.environ.get(self.env, "")
        try:
            number = int(raw) if raw.strip() else self.default
        except ValueError:
            number = self.default
        number = max(number, 0)
        return number * MB if self.unit == "MB" else number

    def hint(self) -> str:
        return _("raise it with the environment variable {env} (in {unit}, default {default})").format(
            env=self.env, unit=_(self.unit), default=self.default)


# The kinds of file are named in messages ("larger than 20 MB, the cap on a facts file"):
# their names are marked for the catalog and translated where a message is made.
CAPS: dict[str, Cap] = {
    N_("facts file"): Cap("ASSESS_MAX_FACTS_MB", 20, "MB"),
    N_("JSONL line"): Cap("ASSESS_MAX_FACTS_MB", 20, "MB"),
    N_("ruleset file"): Cap("ASSESS_MAX_RULESET_MB", 5, "MB"),
    N_("golden cases file"): Cap("ASSESS_MAX_RULESET_MB", 5, "MB"),
    N_("summary"): Cap("ASSESS_MAX_SUMMARY_MB", 20, "MB"),
    N_("workbook"): Cap("ASSESS_MAX_WORKBOOK_MB", 20, "MB"),
    N_("records file"): Cap("ASSESS_MAX_RECORDS_MB", 20, "MB"),
    N_("review file"): Cap("ASSESS_MAX_RULESET_MB", 5, "MB"),
    N_("unpacked office file"): Cap("ASSESS_MAX_UNPACKED_MB", 100, "MB"),
    "office file entries": Cap("ASSESS_MAX_ZIP_ENTRIES", 2000, N_("entries")),
    "office file compression ratio": Cap("ASSESS_MAX_ZIP_RATIO", 200, N_("times")),
    "document paragraphs": Cap("ASSESS_MAX_PARAGRAPHS", 50_000, N_("paragraphs")),
    "pipe wait": Cap("ASSESS_PIPE_WAIT", 10, N_("seconds")),
    "summary characters": Cap("ASSESS_MAX_SUMMARY_CHARS", 1_000_000, N_("characters")),
    "extraction seconds": Cap("ASSESS_EXTRACT_SECONDS", 60, N_("seconds")),
}


def cap(what: str) -> int:
    """The limit in force for that kind of input (bytes for a size cap)."""
    return CAPS[what].value()



def too_large(what: str, limit: int) -> str:
    size = f"{limit / MB:g} MB" if limit >= MB else _("{count} bytes").format(count=limit)
    known = CAPS.get(what)
    hint = f"{semicolon()}{known.hint()}" if known is not None else ""
    template = (_("larger than {size}, the cap on an {what}") if what[:1] in "aeiou"
                else _("larger than {size}, the cap on a {what}"))
    return template.format(size=size, what=_(what)) + hint



def read_input(source: str | os.PathLike[str] | BinaryIO, *, what: str, limit: int) -> bytes:
    """The whole of one input, at most ``limit`` bytes: a path, ``"-"`` (standard input) or a
    binary stream. Raises :class:`InputError` naming the source and the cap."""
    if isinstance(source, (str, os.PathLike)):
        if str(source) == "-":
            import sys

            return _read_stream(sys.stdin.buffer, "<stdin>", what, limit)
        with open_input(source, what=what, size_limit=limit) as handle:
            return _read_stream(handle, str(source), what, limit)
    return _read_stream(source, "<stdin>", what, limit)


def _read_stream(stream: BinaryIO, name: str, what: str, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        parts.append(chunk)
        total += len(chunk)
    if total > limit:
        raise InputError(too_large(what, limit), source=name)
    return b"".join(parts)


def open_input(path: str | os.PathLike[str], *, what: str, size_limit: int | None = None) -> BinaryIO:
    """A file opened for reading: a regular file (refused at once when larger than
    ``size_limit``), a device, or a FIFO whose writer has started writing (waited for at
    most ``ASSESS_PIPE_WAIT`` seconds). Errors are :class:`InputError` naming the file."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise InputError(_("no such file"), source=name) from exc
    except IsADirectoryError as exc:
        raise InputError(_("is a directory, not a {what}").format(what=_(what)), source=name) from exc
    except OSError as exc:
        raise InputError(_("cannot read: {reason}").format(reason=exc.strerror), source=name) from exc
    try:
        mode = os.fstat(fd)
        if stat.S_ISDIR(mode.st_mode):
            raise InputError(_("is a directory, not a {what}").format(what=_(what)), source=name)
        if stat.S_ISREG(mode.st_mode) and size_limit is not None and mode.st_size > size_limit:
            raise InputError(too_large(what, size_limit), source=name)
        if stat.S_ISFIFO(mode.st_mode) or stat.S_ISSOCK(mode.st_mode):
            _wait_for_writer(fd, name)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _wait_for_writer(fd: int, name: str) -> None:
    seconds = cap("pipe wait")
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    if not poller.poll(seconds * 1000):
        raise InputError(_("nothing was written to this pipe within {seconds} s").format(seconds=seconds)
                         + semicolon() + CAPS["pipe wait"].hint(), source=name)


def read_lines(source: str | os.PathLike[str], *, what: str, limit: int) -> Iterator[tuple[int, bytes | InputError]]:
    """The non-blank lines of a file with their numbers, each at most ``limit`` bytes. A longer
    line comes out as an :class:`InputError` in its place, and is skipped without being kept."""
    name = str(source)
    with open_input(source, what=N_("file of JSONL lines") if what == "JSONL line" else f"file of {what}s") as handle:
        number = 0
        while line := handle.readline(limit + 2):
            number += 1
            if len(line.rstrip(b"\r\n")) > limit:
                while not line.endswith(b"\n") and (line := handle.readline(CHUNK)):
                    pass
                yield number, InputError(_("line {line}: {reason}").format(line=number, reason=too_large(what, limit)),
                                         source=name)
            elif line.strip():
                yield number, line


# ------------------------------------------------------------------ office files

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFUSED = (
    (b"%PDF", N_("a PDF file: save the document as .docx or copy its text into a .txt file, not a {what}")),
    (b"{\\rtf", N_("an RTF file: save the document as .docx or .txt, not a {what}")),
)


def check_office_zip(data: bytes, *, what: str, source: str) -> zipfile.ZipFile:
    """Open an Office Open XML file (``what``: ``.docx`` or ``.xlsx``) for reading, after
    checking from the zip directory alone that it unpacks within the caps on total size,
    entries and compression ratio. Encrypted, old binary (.doc/.xls), PDF and corrupt
    files are refused with a message that says what to do."""
    if data.startswith(_OLE):
        raise InputError(_("an encrypted {what} (password-protected) or an old binary .doc/.xls file, "
                           "which cannot be read: remove the password or save it as {what}").format(what=what),
                         source=source)
    for signature, message in _REFUSED:
        if data.startswith(signature):
            raise InputError(_(message).format(what=what), source=source)
    import zipfile  # with shutil, lzma and bz2: only office files pay for it, not a JSON unit

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise InputError(_("not a readable {what} file (a damaged or incomplete zip archive)").format(what=what),
                         source=source) from exc
    most_entries = cap("office file entries")
    if len(entries) > most_entries:
        raise InputError(_("{count} parts inside, more than {most}, the cap on the parts of an office file").format(
            count=len(entries), most=most_entries) + semicolon() + CAPS["office file entries"].hint(), source=source)
    unpacked = sum(e.file_size for e in entries)
    most_bytes = cap("unpacked office file")
    if unpacked > most_bytes:
        raise InputError(_("unpacks to {size} MB: {reason}").format(
            size=f"{unpacked / MB:.0f}", reason=too_large("unpacked office file", most_bytes)), source=source)
    ratio = cap("office file compression ratio")
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise InputError(_("an encrypted {what}: remove the password and save it again").format(what=what),
                             source=source)
        # small parts compress well without being bombs; only a large part's ratio counts
        if entry.file_size > MB and entry.file_size > ratio * max(entry.compress_size, 1):
            times = entry.file_size // max(entry.compress_size, 1)
            raise InputError(_("part {part!r} unpacks {times} times its packed size, more than {ratio}").format(
                part=entry.filename, times=times, ratio=ratio)
                + semicolon() + CAPS["office file compression ratio"].hint(), source=source)
    try:  # inflate every part once, within the caps just checked, so that parsers meet no damage
        damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise InputError(_("not a readable {what} file (a damaged zip archive: {reason})").format(
            what=what, reason=exc), source=source) from exc
    if damaged is not None:
        raise InputError(_("not a readable {what} file (part {part!r} is damaged)").format(what=what, part=damaged),
                         source=source)
    return archive


def count_paragraphs(archive: zipfile.ZipFile, source: str) -> int:
    """Paragraphs of a .docx counted in its XML before it is parsed; refused over the cap."""
    import zipfile

    try:
        xml = archive.read("word/document.xml")
    except KeyError as exc:
        raise InputError(_("not a .docx file (no word/document.xml inside)"), source=source) from exc
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(_("not a readable .docx file (a damaged zip archive)"), source=source) from exc
    count = xml.count(b"<w:p>") + xml.count(b"<w:p ")
    most = cap("document paragraphs")
    if count > most:
        raise InputError(_("{count} paragraphs, more than {most}, the cap on document paragraphs").format(
            count=count, most=most) + semicolon() + CAPS["document paragraphs"].hint(), source=source)
    return count


def read_workbook(source: str | os.PathLike[str] | BinaryIO) -> Any:
    """An .xlsx workbook (openpyxl, read-only, values not formulas), opened only after its
    size and zip directory are within the caps; errors are :class:`InputError` naming it."""
    name = "<stdin>" if not isinstance(source, (str, os.PathLike)) or str(source) == "-" else str(source)
    data = read_input(source, what="workbook", limit=cap("workbook"))
    check_office_zip(data, what=".xlsx", source=name).close()
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, SyntaxError, OSError,
            EOFError) as exc:
        raise InputError(_("not a readable .xlsx file ({reason})").format(reason=type(exc).__name__),
                         source=name) from exc
