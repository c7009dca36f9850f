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
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree.ElementTree import iterparse

import numpy as np

__all__ = ["sheet_parts", "head_cells"]

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
