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
would otherwise make a reader build a table of millions of empty rows.
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
            buf = carry + block
            if scan.doctype is None and b"<!DOCTYPE" in buf:
                scan.doctype = name
            if extent is not None:
                _scan_sheet(buf, extent, scan)
            # A tag cut by the block's end, and the one before it (a cell is known by the tag after it), come again.
            cut = buf.rfind(b"<", 0, max(buf.rfind(b"<"), 0))
            carry = buf[cut:] if cut >= 0 else buf
        if extent is not None and extent.rows == -1:
            scan.extents[name] = _exact_extent(zf, name, extent)
        scan.unpacked += size
    return scan


def _scan_sheet(xml: bytes, extent: Extent, scan: ArchiveScan) -> None:
    # The substring tests (memchr-fast) spare the regex scan of every plain block.
    if not scan.formulas and (b"<f" in xml or b":f" in xml) and _FORMULA.search(xml):
        scan.formulas = True
    if b"mergeCell" in xml:
        for letters, row in _MERGE.findall(xml):
            scan.merges = True
            extent.merged_rows = max(extent.merged_rows, int(row))
            extent.merged_columns = max(extent.merged_columns, _column_number(letters))
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
