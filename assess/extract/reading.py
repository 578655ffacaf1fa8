"""Summaries as text: plain-text and ``.docx`` bytes to text, and splitting a file at 第N篇 headings."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from assess import inputs
from assess.errors import FactsError
from assess.facts import decode
from assess.i18n import N_, _

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_TEXT = ((b"%PDF", N_("a PDF file")), (_OLE, N_("a .doc file or an encrypted document")),
             (b"{\\rtf", N_("an RTF file")))


def _refuse_oversized(data: bytes, source: str) -> None:
    limit = inputs.cap("summary")
    if len(data) > limit:
        raise FactsError(inputs.too_large("summary", limit), source=source)


def read_text(data: bytes, source: str) -> str:
    """A plain-text summary: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    _refuse_oversized(data, source)
    if data.startswith(b"PK\x03\x04"):
        raise FactsError(_("this is a zip archive (a .docx?), not a text file"), source=source)
    for signature, kind in _NOT_TEXT:
        if data.startswith(signature):
            raise FactsError(_("{kind}, which cannot be read: save it as .docx or copy its text into a .txt file")
                             .format(kind=_(kind)), source=source)
    text = decode(data, source)
    if "\x00" in text:
        raise FactsError(_("binary data, not text"), source=source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_docx(data: bytes, source: str) -> str:
    """The text of a Word document: paragraphs and table rows in document order, read only after
    its zip directory and paragraph count are within the caps (see :mod:`assess.inputs`)."""
    _refuse_oversized(data, source)
    try:
        with inputs.check_office_zip(data, what=".docx", source=source) as archive:
            inputs.count_paragraphs(archive, source)
    except inputs.InputError as exc:
        raise FactsError(exc.message, source=source) from exc
    try:
        import docx  # imported here: only .docx input needs python-docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise FactsError(_("reading .docx needs python-docx (pip install python-docx)"), source=source) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        value = cell.text.strip()
                        if value and (not cells or cells[-1] != value):  # merged cells repeat
                            cells.append(value)
                    if cells:
                        lines.append("  ".join(cells))
            else:
                lines.append(block.text)
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, NotImplementedError, KeyError, ValueError,
            SyntaxError, OSError) as exc:
        raise FactsError(_("not a readable .docx file ({reason})").format(reason=f"{type(exc).__name__}: {exc}"),
                         source=source) from exc
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


_CONVERT = "请另存为 .docx 或 .txt 后再抽取"


def refuse_unreadable(data: bytes, source: str) -> None:
    """Refuse formats whose text this reader cannot get at, rather than drafting from bytes.

    A PDF read as text gives an empty draft and a .doc a decoding error; either would
    pass for a summary that states nothing.
    """
    name = source.lower()
    if data.startswith(b"%PDF") or name.endswith(".pdf"):
        raise FactsError(f"这是PDF文件，无法可靠读取其中的文字：{_CONVERT}", source=source)
    if data.startswith(_OLE) and name.endswith(".docx"):
        # A .docx saved with a password is an OLE container around the encrypted package.
        raise FactsError(f"这是加密的 .docx 文件，无法读取：请去掉密码，或{_CONVERT}", source=source)
    if data.startswith(_OLE) or name.endswith((".doc", ".wps")):
        raise FactsError(f"这是旧版Word（.doc）或WPS文件，无法读取：{_CONVERT}", source=source)
    if data.startswith(b"{\\rtf") or name.endswith(".rtf"):
        raise FactsError(f"这是RTF文件，无法读取：{_CONVERT}", source=source)


def read_summary(data: bytes, source: str) -> str:
    """A summary as text, from ``.docx`` (by name or zip signature) or plain text; PDF, .doc,
    RTF and encrypted documents are refused with a message that says how to convert them."""
    refuse_unreadable(data, source)
    if source.lower().endswith(".docx") or data.startswith(b"PK\x03\x04"):
        return read_docx(data, source)
    return read_text(data, source)


_PART_HEADING = re.compile(r"^[ \t\u3000]*第[ \t]*([0-9０-９]+|[一二三四五六七八九十百]+)[ \t]*篇[^\n]*$", re.M)

# a summary's title on a line of its own: 青石镇2025年应急管理工作总结, 关于…工作情况的报告
_TITLE_LINE = re.compile(r"^[ \t\u3000]*(?![一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、])"
                         r"[^\n。，,；;：:]{2,50}(?:工作总结|年度总结|年终总结|工作情况(?:的)?报告|工作情况汇报)"
                         r"[ \t\u3000]*$", re.M)


def split_summaries(text: str) -> list[tuple[str, str]]:
    """Split a file of several summaries at headings ``第N篇 …`` into (heading, body) parts.

    A heading may stand alone on its line, the title following. A text without such
    headings is split before each title line (…工作总结 alone on its line) when it has
    more than one; otherwise it is one part with an empty heading. Text before the first
    heading is kept as a part of its own when it is more than blank space.
    """
    matches = list(_PART_HEADING.finditer(text))
    if not matches:
        return _split_at_titles(text)
    parts: list[tuple[str, str]] = []
    preamble = text[:matches[0].start()]
    if preamble.strip():
        parts.append(("", preamble.strip("\n")))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts.append((match.group(0).strip(), text[match.end():end].strip("\n")))
    return parts


def _split_at_titles(text: str) -> list[tuple[str, str]]:
    """Summaries without 第N篇 headings, one per title line; a part starts at the blank line
    or attachment line (附件2) just before its title."""
    titles = list(_TITLE_LINE.finditer(text))
    if len(titles) < 2:
        return [("", text)]
    starts = [_part_start(text, match.start()) for match in titles]
    starts[0] = 0
    return [("", text[start:end].strip("\n")) for start, end in zip(starts, [*starts[1:], len(text)], strict=True)
            if text[start:end].strip()]


_LEAD_LINE = re.compile(r"[ \t\u3000]*(?:附件\s*[0-9０-９一二三四五六七八九十]*[:：]?)?[ \t\u3000]*")


def _part_start(text: str, at: int) -> int:
    """Where a part whose title line starts at ``at`` begins: blank and 附件N lines above it go with it."""
    while at > 0:
        previous = text.rfind("\n", 0, at - 1) + 1
        if _LEAD_LINE.fullmatch(text[previous:at - 1]) is None:
            break
        at = previous
    return at
