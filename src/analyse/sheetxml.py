"""The sheets of an .xlsx and the first rows of one, read straight from the workbook's XML.

Header recognition needs only the first rows of a sheet. openpyxl, even in
read-only mode, first reads the whole shared-strings table: in an export of
100,000 respondents with names, e-mail addresses and open answers that is
hundreds of thousands of strings and several seconds. Here the sheet XML is
parsed as a stream until the rows are in, and the shared strings only up to
the last one those rows use.

Cells come out as openpyxl gives them in read-only mode, but for numbers
formatted as dates, which stay numbers: the first rows are only searched for
header text.

:func:`scan_archive` reads every part of the workbook once, before any reader
sees it, counting the bytes it really inflates (a zip may declare any size)
and finding in each sheet how far its values reach: a single cell far away
would otherwise make a reader build a table of millions of empty rows. It
also tells which columns hold nothing but text, which fastexcel then reads as
text without looking at every cell's type first. A sheet as Excel and the
libraries write it is read by array operations over its bytes (a few passes
at C speed, whatever the number of cells); any other by regular expressions,
and one whose cells need not say where they are by a full parse.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from xml.etree.ElementTree import iterparse

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["ArchiveScan", "ArchiveTooBig", "Extent", "column_name", "head_cells", "scan_archive", "sheet_parts"]

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_COLUMN = re.compile(r"([A-Z]+)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive, in workbook order."""
    rels = {}
    for _, el in iterparse(zf.open("xl/_rels/workbook.xml.rels")):
        if _local(el.tag) == "Relationship":
            target = el.get("Target", "")
            rels[el.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    parts = {}
    for _, el in iterparse(zf.open("xl/workbook.xml")):
        if _local(el.tag) == "sheet":
            parts[el.get("name")] = rels.get(el.get(_REL), "")
    return parts


def _column(ref: str) -> int:
    n = 0
    for ch in _COLUMN.match(ref).group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text(el) -> str:
    """The text of a string item: its ``t`` elements, phonetic runs left out (as openpyxl)."""
    out = []
    for node in el.iter():
        name = _local(node.tag)
        if name == "rPh":
            break  # phonetic guides come after the text runs
        if name == "t" and node.text:
            out.append(node.text)
    return "".join(out)


def _number(v: str):
    return float(v) if any(ch in v for ch in ".eE") else int(v)


def head_cells(zf: zipfile.ZipFile, part: str, rows: int) -> np.ndarray:
    """The first ``rows`` rows of the sheet in ``part``: row ``i`` of the array is spreadsheet row ``i + 1``."""
    cells: dict[tuple[int, int], object] = {}
    shared: dict[tuple[int, int], int] = {}
    r = c = -1
    for event, el in iterparse(zf.open(part), events=("start", "end")):
        name = _local(el.tag)
        if event == "start":
            if name == "row":
                r, c = int(el.get("r", r + 2)) - 1, -1  # rows and cells without a reference follow the last one
                if r >= rows:
                    break
            continue
        if name == "row":
            el.clear()
            continue
        if name != "c":
            continue
        ref = el.get("r")
        c = _column(ref) if ref else c + 1
        kind = el.get("t", "n")
        v = next((x.text for x in el if _local(x.tag) == "v"), None)
        if kind == "inlineStr":
            inline = next((x for x in el if _local(x.tag) == "is"), None)
            cells[(r, c)] = _text(inline) if inline is not None else None
        elif v is None:
            pass
        elif kind == "s":
            shared[(r, c)] = int(v)
        elif kind in ("str", "e"):
            cells[(r, c)] = v
        elif kind == "b":
            cells[(r, c)] = v == "1"
        else:
            cells[(r, c)] = _number(v)
        el.clear()
    if shared:
        strings = _shared_strings(zf, max(shared.values()))
        cells.update({rc: strings[i] for rc, i in shared.items()})
    if not cells:
        return np.empty((0, 0), dtype=object)
    height = max(rc[0] for rc in cells) + 1
    width = max(rc[1] for rc in cells) + 1
    out = np.full((height, width), None, dtype=object)
    for (i, j), value in cells.items():
        out[i, j] = value
    return out


def _shared_strings(zf: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings up to index ``last``."""
    out: list[str] = []
    for _, el in iterparse(zf.open("xl/sharedStrings.xml")):
        if _local(el.tag) == "si":
            out.append(_text(el))
            el.clear()
            if len(out) > last:
                break
    return out


# --------------------------------------------------------------------------- scanning the archive

# The regular expressions read any sheet; the plain sheet, as Excel and the libraries write it, is read faster by
# array operations over its bytes (``_scan_plain``).
# A cell with content: a non-empty <c> whose first child is a value, formula or inline string. An empty
# <c .../> or <c ...></c> only carries a style, and costs nothing where it lies.
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*(?<!/)>\s*<(?:\w+:)?(?:v|f|is)[\s>/]')
# A <c> without an r attribute (its place follows the one before): the slow exact scan finds where it is.
_CELL_WITHOUT_REF = re.compile(rb"<(?:\w+:)?c(?=[\s>/])(?![^>]*\br=)[^>]*>")  # whole tags only: a cut one comes again
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="[A-Z]+[0-9]+:([A-Z]+)([0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CHUNK = 2**20  # zipfile joins what it inflates into each read: small reads keep that linear


class ArchiveTooBig(Exception):
    """The parts inflate to more than allowed, or to more than the archive declares."""

    def __init__(self, part: str, unpacked: int, declared: int | None):
        super().__init__(part)
        self.part, self.unpacked, self.declared = part, unpacked, declared


@dataclass
class Extent:
    """How far the values of one sheet reach (1-based: the last row and column holding one)."""

    rows: int = 0
    columns: int = 0
    merged_rows: int = 0  # how far merged ranges reach (their cells show the top-left value)
    merged_columns: int = 0
    # The columns (1-based) holding values other than text (numbers, dates, booleans, errors); known when every
    # block of the sheet was scanned as plain (``typed``).
    other_columns: set[int] = field(default_factory=set, compare=False)
    typed: bool = field(default=True, compare=False)

    def text_only(self) -> set[int] | None:
        """The columns (0-based) up to the last holding a value that hold nothing but text; None when not known."""
        return {j - 1 for j in range(1, self.columns + 1) if j not in self.other_columns} if self.typed else None


@dataclass
class ArchiveScan:
    unpacked: int = 0
    formulas: bool = False
    merges: bool = False
    doctype: str | None = None  # the first part declaring a DTD (entities): none of Excel's does
    extents: dict[str, Extent] = field(default_factory=dict)  # by worksheet part


def column_name(n: int) -> str:
    """Column number ``n`` (1-based) as letters: 1 -> A, 16384 -> XFD."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int):
    """The part's bytes in blocks, read past the size it declares (zipfile stops there; other readers may not)."""
    probe = copy.copy(info)
    probe.file_size = budget + 1
    # Without a CRC to compare with, zipfile does not compute one (a tenth of the scan): fastexcel and openpyxl
    # check it as they read the part.
    del probe.CRC
    with zf.open(probe) as fh:
        while block := fh.read(_CHUNK):
            yield block


def scan_archive(zf: zipfile.ZipFile, max_bytes: int) -> ArchiveScan:
    """Every part inflated once, at most ``max_bytes`` in all; worksheets searched for extents and formulas."""
    scan = ArchiveScan()
    for info in zf.infolist():
        name = info.filename
        sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        xml = name.endswith((".xml", ".rels", ".vml"))
        extent = scan.extents.setdefault(name, Extent()) if sheet else None
        size, carry = 0, b""
        for block in _inflate(zf, info, max_bytes - scan.unpacked):
            size += len(block)
            if scan.unpacked + size > max_bytes:
                raise ArchiveTooBig(name, scan.unpacked + size, None)
            if size > info.file_size:
                raise ArchiveTooBig(name, size, info.file_size)
            if not xml:
                continue
            buf = b"".join((carry, block, _PAD))  # one copy, with room to read past the block's end
            cut, carry = _carry(buf, len(buf) - len(_PAD))
            if extent is None:
                if scan.doctype is None and b"<!DOCTYPE" in buf:
                    scan.doctype = name
            else:
                _scan_sheet(buf, cut, name, extent, scan)
        if extent is not None and carry:  # the sheet's last tags: nothing comes after them
            _scan_sheet(carry + _PAD, len(carry), name, extent, scan)
        if extent is not None and extent.rows == -1:
            scan.extents[name] = _exact_extent(zf, name, extent)
        scan.unpacked += size
    return scan


def _carry(buf: bytes, size: int) -> tuple[int, bytes]:
    """Where the tags that come again with the next block start, and what of ``buf[:size]`` goes with them.

    A cell is known by the tag after it: a tag cut off by the block's end comes again with the one before it;
    a whole last tag comes again alone, with one byte of the text after it (whether any text follows it is
    all that counts), so that a text of many blocks is not carried, and scanned, again and again.
    """
    last = buf.rfind(b"<", 0, size)
    if last < 0:
        return size, b""
    closed = _tag_end(buf, last, size)
    if closed >= 0:
        return last, buf[last:min(closed + 2, size)]
    before = buf.rfind(b"<", 0, last)
    return (before, buf[before:size]) if before >= 0 else (last, buf[last:size])


def _tag_end(buf: bytes, start: int, size: int) -> int:
    """The ">" ending the tag that opens at ``start`` (not one inside a quoted value); -1 while it is cut off."""
    at = start
    while (end := buf.find(b">", at, size)) >= 0:
        quotes = [q for q in (buf.find(b'"', at, end), buf.find(b"'", at, end)) if q >= 0]
        if not quotes:
            return end
        opened = min(quotes)
        closed = buf.find(buf[opened:opened + 1], opened + 1, size)
        if closed < 0:
            return -1
        at = closed + 1
    return -1


def _scan_sheet(xml: bytes, end: int, part: str, extent: Extent, scan: ArchiveScan) -> None:
    """One block of a sheet followed by ``_PAD``; its cells from byte ``end`` on come again with the next block."""
    if extent.rows == -1 or not _scan_plain(xml, end, part, extent, scan):
        _scan_tags(xml[:-len(_PAD)], part, extent, scan)


def _scan_tags(xml: bytes, part: str, extent: Extent, scan: ArchiveScan) -> None:
    """Any block, by the regular expressions (which do not tell text from numbers)."""
    extent.typed = False
    if scan.doctype is None and b"<!DOCTYPE" in xml:
        scan.doctype = part
    # The substring tests (memchr-fast) spare the regex scan of every plain block.
    if not scan.formulas and (b"<f" in xml or b":f" in xml) and _FORMULA.search(xml):
        scan.formulas = True
    if b"mergeCell" in xml:
        _merges(xml, extent, scan)
    if extent.rows == -1:
        return
    # Counting (C speed) answers for the usual sheet, where every cell opens with <c r="; the regex for the others.
    plain = b":c" not in xml and xml.count(b"<c ") + xml.count(b"<c>") == xml.count(b'<c r="')
    if not plain and _CELL_WITHOUT_REF.search(xml):
        extent.rows = -1
        return
    cells = _VALUE_CELL.findall(xml)
    if cells:
        # Distinct letters and row numbers first: a block holds few columns, and C-speed sets spare per-cell Python.
        extent.columns = max(extent.columns, max(map(_column_number, set(map(itemgetter(0), cells)))))
        extent.rows = max(extent.rows, max(map(int, set(map(itemgetter(1), cells)))))


def _merges(xml: bytes, extent: Extent, scan: ArchiveScan) -> None:
    for letters, row in _MERGE.findall(xml):
        scan.merges = True
        extent.merged_rows = max(extent.merged_rows, int(row))
        extent.merged_columns = max(extent.merged_columns, _column_number(letters))


# ---- the plain sheet by array operations
_PAD = bytes(16)  # room to look past a block's end: a cell's reference with its quote, "<!DOCTYPE", "mergeCell"
_NAME_END = np.zeros(256, bool)  # what follows a tag's name: white space, ">" or "/>"
_NAME_END[list(b" \t\r\n>/")] = True
_R = int.from_bytes(b' r="', "little")  # what a plain cell tag opens with, after "<c"
_T_S = int.from_bytes(b' t="s">', "little")  # the end of a shared-string cell's tag as Excel writes it
_V, _IS = int.from_bytes(b"<v>", "little"), int.from_bytes(b"<is>", "little")  # a cell's content as usually written
_BYTES = np.array([(1 << 8 * k) - 1 for k in range(9)], dtype=np.uint64)  # the lowest k bytes of a word
_U8, _U24, _U32 = _BYTES[1], _BYTES[3], _BYTES[4]
_SHIFT = np.arange(0, 64, 8, dtype=np.uint64)  # by bytes
_ONES = 0x0101010101010101


def _words(buf: bytes) -> np.ndarray:
    """The 8 bytes from every position of ``buf`` on, each as one little-endian integer (a view: nothing copied)."""
    return np.ndarray((len(buf) - 7,), "<u8", buf, 0, (1,))


def _byte(words: np.ndarray, k: int) -> np.ndarray:
    return (words >> np.uint64(8 * k)) & np.uint64(0xFF)


def _in_range(words: np.ndarray, low: int, high: int) -> np.ndarray:
    """Per byte of each word, its high bit set where the byte is ASCII and within ``low``..``high``.

    The sums carry into the next byte only from a non-ASCII byte: the bytes below it are right.
    """
    above = words + np.uint64((0x7F - high) * _ONES)
    np.invert(above, out=above)
    above &= words + np.uint64((0x80 - low) * _ONES)
    above &= ~words
    above &= np.uint64(0x80 * _ONES)
    return above


def _first_clear(high_bits: np.ndarray) -> np.ndarray:
    """The index of the first byte (from the lowest) whose high bit is clear; 8 when none is."""
    clear = ~high_bits
    clear &= np.uint64(0x80 * _ONES)
    lowest = ~clear
    lowest += np.uint64(1)
    lowest &= clear
    lowest -= np.uint64(1)  # the bits below the lowest set one: all 64 when none is set
    return np.bitwise_count(lowest) >> 3


def _starts(a: np.ndarray, at: np.ndarray, word: bytes) -> np.ndarray:
    """Which of the positions ``at`` in ``a`` begin ``word``."""
    if not len(at):
        return np.zeros(0, dtype=bool)
    return (sliding_window_view(a, len(word))[at] == np.frombuffer(word, np.uint8)).all(axis=1)


def _is_value_tag(kind: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Which tags (of names starting with ``kind``, ``words`` from their first letter on) are v, f or is."""
    one, two = _NAME_END[_byte(words, 1)], _NAME_END[_byte(words, 2)]
    return ((kind == ord("v")) | (kind == ord("f"))) & one | (kind == ord("i")) & (_byte(words, 1) == ord("s")) & two


def _scan_plain(xml: bytes, end: int, part: str, extent: Extent, scan: ArchiveScan) -> bool:
    """A plain block (followed by ``_PAD``) scanned; False, nothing recorded, for any other (a cell tag not
    opening with its reference, a prefixed name, a reference beyond column ZZZ or row 9,999,999, text between a
    cell tag and its content)."""
    a, words = np.frombuffer(xml, np.uint8), _words(xml)
    if b":" in xml:  # memchr-fast; then where a prefixed name goes on (or a time, a web address)
        names = np.flatnonzero(a == ord(":")) + 1
        if (_is_value_tag(a[names], words[names]) | (a[names] == ord("c")) & _NAME_END[a[names + 1]]).any() \
                or _starts(a, names, b"mergeCell").any():
            return False
    lt = np.flatnonzero(a == ord("<"))
    kind = a[lt + 1]
    # The cells from ``end`` on (cut off, or the tag after them) come again with the next block.
    cells = np.flatnonzero(kind[: min(np.searchsorted(lt, end), len(lt) - 1)] == ord("c"))  # as indices into lt
    at = lt[cells]
    opening = words[at + 2]  # ' r="' and the reference's first 4 bytes
    plain = opening & _U32 == _R
    if not plain.all():
        if _NAME_END[opening[~plain] & _U8].any():  # a cell, not <col> or <cols>
            return False
        cells, at, opening = cells[plain], at[plain], opening[plain]
    # A cell holds a value when the tag after it is a value, right after its own ">" (not "/>").
    first = lt[cells + 1]
    after = words[first]
    inline = after & _U32 == _IS
    value = inline | (after & _U24 == _V)
    other = np.flatnonzero(~value)
    if other.size:  # <f>, <v> or <is> with attributes; or empty: </c>, the next cell, </row>
        value[other] = _is_value_tag(kind[cells[other] + 1], words[first[other] + 1])
    before = words[first - 8]  # the cell tag's last 8 bytes: ... t="s">
    if (value & (before >> _SHIFT[7] != ord(">"))).any():
        return False
    value &= _byte(before, 6) != ord("/")
    text, lead = inline | (before >> _SHIFT[1] == _T_S), opening >> _SHIFT[4]
    if not value.all():
        text, lead, at = text[value], lead[value], at[value]
    # The reference: 1 to 3 letters, 1 to 7 digits not starting with 0, its quote.
    n_letters = _first_clear(_in_range(lead, ord("A"), ord("Z")))
    digits = words[at + 6 + np.minimum(n_letters, 3)]
    n_digits = _first_clear(_in_range(digits, ord("0"), ord("9")))
    quote = digits >> _SHIFT[np.minimum(n_digits, 7)] & _U8
    # (n - 1 wraps 0 round to 255: one comparison tests 1 <= n <= 3)
    if not ((n_letters - np.uint8(1) < 3) & (n_digits - np.uint8(1) < 7) & (quote == ord('"'))
            & (digits & _U8 != ord("0"))).all():
        return False
    if len(at):
        # Right-aligned, most significant byte first, behind their length: the keys compare as the numbers do.
        row = int(((n_digits.astype(np.uint64) << _SHIFT[7]) | ((digits & _BYTES[n_digits]).byteswap() >> _SHIFT[1])
                   ).max())
        extent.rows = max(extent.rows, int((row << 8 & (1 << 64) - 1).to_bytes(8, "big")[: row >> 56]))
        # The largest column: among the longest letters, the largest (as for rows).
        width = int(n_letters.max())
        letters = lead[n_letters == width] & _BYTES[width]
        extent.columns = max(extent.columns, _column_number(int(letters.byteswap().max() >> np.uint64(64 - 8 * width))
                                                            .to_bytes(width, "big")))
        other = ~text
        if other.any():
            extent.other_columns.update(np.flatnonzero(np.bincount(_columns(lead[other], n_letters[other]))).tolist())
    rare = lt[(kind == ord("f")) | (kind == ord("!")) | (kind == ord("m"))]  # formulas, a DTD, merged cells
    rare_kind = a[rare + 1]
    scan.formulas = scan.formulas or bool(_NAME_END[a[rare[rare_kind == ord("f")] + 2]].any())
    if scan.doctype is None and _starts(a, rare[rare_kind == ord("!")], b"<!DOCTYPE").any():
        scan.doctype = part
    if _starts(a, rare[rare_kind == ord("m")], b"<mergeCell").any():
        _merges(xml, extent, scan)
    return True


def _columns(lead: np.ndarray, n_letters: np.ndarray) -> np.ndarray:
    """The column numbers (1-based) of references starting with ``n_letters`` letters (1 to 3) in ``lead``."""
    letter = [(lead >> _SHIFT[k] & _U8).astype(np.int64) - 64 for k in range(3)]
    column = np.where(n_letters == 1, letter[0], letter[0] * 26 + letter[1])
    return np.where(n_letters == 3, column * 26 + letter[2], column)


def _exact_extent(zf: zipfile.ZipFile, part: str, extent: Extent) -> Extent:
    """The extent of a sheet whose cells need not say where they are: each one placed after the one before."""
    rows = columns = 0
    r = c = -1
    for event, el in iterparse(zf.open(part), events=("start", "end")):
        name = _local(el.tag)
        if event == "start":
            if name == "row":
                r, c = int(el.get("r", r + 2)) - 1, -1
            continue
        if name == "c":
            ref = el.get("r")
            c = _column(ref) if ref else c + 1
            if any(_local(x.tag) in ("v", "f", "is") for x in el):
                rows, columns = max(rows, r + 1), max(columns, c + 1)
            el.clear()
        elif name == "row":
            el.clear()
    extent.rows, extent.columns = rows, columns
    return extent
