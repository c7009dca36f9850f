"""Writing tables so that no text from an input can become a live formula.

Spreadsheet programs run a cell that starts with ``=`` (and, when a CSV is
opened, also ``+``, ``-`` or ``@``) as a formula. In .xlsx output every text
cell is stored as text; in CSV output such text gets an apostrophe before it
(also after a ``;`` or ``,`` inside it, see :func:`escape_csv_text`), which the
loader removes again when it reads back a file in our canonical layout.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["escape_csv_text", "unescape_csv_text", "write_csv", "write_xlsx"]

#: What makes a spreadsheet program read a text cell as a formula (escaped in CSV output).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Where a spreadsheet program may start a new cell inside one of our fields: Dutch Excel
#: splits a CSV on ``;``, others on ``,`` or tab, and a line break may start a new row.
CELL_BREAKS = ",;\t\r\n"

_SEGMENTS = re.compile(f"([{re.escape(CELL_BREAKS)}])")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def escape_csv_text(value):
    """Text made safe to open in any spreadsheet program; numbers and other values unchanged.

    The rule: split the text at every cell break (``,`` ``;`` tab, CR, LF: where some
    program may start a new cell); the text and each part after a break is a *segment*.
    A segment gets an apostrophe put before it when it starts, after any spaces, with a
    formula character (``= + - @``), or when it starts with an apostrophe itself; a text
    that starts with a tab or CR gets one too. ``=1+1`` -> ``'=1+1``, ``Groen;=1+1`` ->
    ``Groen;'=1+1``, `` =x`` -> ``' =x``, ``'quoted`` -> ``''quoted``, ``-inf`` -> ``'-inf``.
    Whatever program splits the line wherever, no cell starts with a formula character:
    every candidate cell start is a segment start. A text that is a plain decimal number
    (``-1.5``, ``-1,5``) is left as it is: it is read as a number, never as a formula.

    :func:`unescape_csv_text` undoes it exactly: it removes one apostrophe from the start
    of every segment that starts with one. After escaping, a segment starts with an
    apostrophe exactly when one was put before it (an original leading apostrophe is
    always doubled), and an apostrophe is no cell break, so the segments stay the same.
    """
    if not isinstance(value, str) or _NUMBER.fullmatch(value):
        return value
    parts = _SEGMENTS.split(value)  # text, break, text, break, ...: the texts at even places
    for k in range(0, len(parts), 2):
        part = parts[k]
        if part[:1] == "'" or part.lstrip(" ")[:1] in FORMULA_START[:4] and part.strip(" ") \
                or (k == 0 and value[:1] in ("\t", "\r")):
            parts[k] = "'" + part
    return "".join(parts)


def unescape_csv_text(text: str) -> str:
    """Undo :func:`escape_csv_text`: one apostrophe removed from the start of every segment."""
    if "'" not in text:
        return text
    parts = _SEGMENTS.split(text)
    return "".join(p[1:] if k % 2 == 0 and p[:1] == "'" else p for k, p in enumerate(parts))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 CSV, comma separated, every text cell and header escaped (:func:`escape_csv_text`); numbers stay numbers.

    Headers are escaped too: an extra column of ``Survey.responses`` is named by its export's header.
    """
    out = frame.copy()
    out.columns = [escape_csv_text(c) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(escape_csv_text, na_action="ignore")
    out.to_csv(path, index=False, encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """One sheet per frame; text cells are typed as text, so never evaluated."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        bold = Font(bold=True)
        header = []
        for col in frame.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        ws.append(header)
        ws.freeze_panes = "A2"
        values = frame.astype(object).where(frame.notna(), None).to_numpy()
        for row in values:
            ws.append([_cell(ws, v, WriteOnlyCell) for v in row])
    wb.save(path)
    return path


def _cell(ws, value, cell_type):
    if isinstance(value, str):
        cell = cell_type(ws, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        return cell
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value
