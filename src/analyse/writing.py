"""Writing tables that colleagues can open, and in which no text from an input can become a live formula.

Spreadsheet programs run a cell that starts with ``=`` (and, when a CSV is
opened, also ``+``, ``-`` or ``@``) as a formula. In .xlsx output every text
cell is stored as text; in CSV output such text gets an apostrophe before it
(also after a ``;`` or ``,`` inside it, see :func:`escape_csv_text`), which the
loader removes again when it reads back a file in our canonical layout.

CSV output is laid out for Dutch Excel: ``;`` between cells, a decimal comma,
UTF-8 with a byte order mark and CRLF line ends (:func:`write_csv`). Workbooks
get a number format per column, chosen from its name and type
(:func:`number_format`), column widths from the content, a frozen header row
and an autofilter (:func:`write_xlsx`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["escape_csv_text", "number_format", "unescape_csv_text", "write_csv", "write_xlsx"]

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


def write_csv(frame: pd.DataFrame, path: Path, *, sep: str = ";", decimal: str = ",") -> Path:
    """CSV for Dutch Excel: ``;`` separated, decimal comma, UTF-8 with BOM, CRLF; every text cell and header escaped.

    Text is escaped by :func:`escape_csv_text`; numbers stay numbers (a float as ``1,5``, a whole
    number without decimals). Headers are escaped too: an extra column of ``Survey.responses`` is
    named by its export's header. Read it back with ``pd.read_csv(path, sep=";", decimal=",",
    encoding="utf-8-sig")``; :func:`analyse.load` reads it back as it was written.
    """
    out = frame.copy()
    out.columns = [escape_csv_text(c) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(escape_csv_text, na_action="ignore")
    out.to_csv(path, index=False, sep=sep, decimal=decimal, encoding="utf-8-sig", lineterminator="\r\n")
    return path


#: Number formats of :func:`number_format`.
P_VALUE, SHARE, COUNT, DECIMAL = "0.000", "0.0%", "0", "0.00"
#: Columns that hold a wave: written as whole numbers when every value is one ("1", "2"), else as text.
WAVE_COLUMNS = ("wave", "wave_from", "wave_to")
#: Bounds of a column's width, in characters.
MIN_WIDTH, MAX_WIDTH = 8, 60
_CHUNK = 2000
_WHOLE = re.compile(r"0|[1-9][0-9]{0,14}")  # as str(int) writes it, so the text comes back the same


def number_format(name, dtype=None) -> str | None:
    """The number format of a column: from its name first, then its dtype; None leaves Excel's "General".

    * p-values (``p``, ``p_holm``, ``p_chance``, ``p_*``, ``*_p``, ``*_p_holm``): ``0.000``;
    * shares (``share``, ``share_*``): ``0.0%``;
    * counts (``n``, ``n_*``, ``k``) and any integer column: ``0``;
    * any other float column (means, differences, intervals, indices): ``0.00``.

    >>> number_format("welch_p_holm"), number_format("share_agree"), number_format("n_a")
    ('0.000', '0.0%', '0')
    >>> number_format("mean", np.dtype(float)), number_format("note", np.dtype(object))
    ('0.00', None)
    """
    name = str(name)
    if name == "p" or name.startswith("p_") or name.endswith(("_p", "_p_holm")):
        return P_VALUE
    if name == "share" or name.startswith("share_"):
        return SHARE
    if name in ("n", "k") or name.startswith("n_"):
        return COUNT
    if dtype is None or pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        return COUNT
    if pd.api.types.is_float_dtype(dtype):
        return DECIMAL
    return None


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame], formats: dict[str, str] | None = None) -> Path:
    """One sheet per frame, readable as it opens; text cells are typed as text, so never evaluated.

    Every number gets its column's format (:func:`number_format`; ``formats`` maps a column name
    to a format of its own, on every sheet). A wave column (``wave``, ``wave_from``, ``wave_to``)
    whose values are all whole numbers as text ("1", "2") is written as numbers; any other
    (dates, "voorjaar") stays text. Each column is as wide as its content (8 to 60 characters),
    the header row is bold and frozen, and an autofilter covers the header and the data.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        columns, fmts = [], []
        for i, col in enumerate(frame.columns):
            values = frame.iloc[:, i]
            if str(col) in WAVE_COLUMNS:
                values = _whole_numbers(values)
            fmt = formats.get(str(col), number_format(col, values.dtype))
            columns.append(values)
            fmts.append(fmt)
            ws.column_dimensions[get_column_letter(i + 1)].width = _width(col, values, fmt)
        header = []
        for col in frame.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        ws.freeze_panes = "A2"
        if len(columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
        ws.append(header)
        styles = [_style_of(ws, fmt, WriteOnlyCell) for fmt in fmts]
        for start in range(0, len(frame), _CHUNK):  # a chunk of cells at a time: fast, in little memory
            cells = [_cells(ws, c.iloc[start:start + _CHUNK], style, WriteOnlyCell)
                     for c, style in zip(columns, styles)]
            for row in zip(*cells):
                ws.append(row)
    wb.save(path)
    return path


def _whole_numbers(values: pd.Series) -> pd.Series:
    """``values`` as integers when every one is a whole number written as text ("1", "2"), else unchanged."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values
    present = values.dropna()
    if present.empty or not all(isinstance(v, str) and _WHOLE.fullmatch(v) for v in present.unique()):
        return values
    return pd.Series(pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int64"),
                     index=values.index, name=values.name)


def _width(name, values: pd.Series, fmt: str | None) -> float:
    """Characters the column needs for its header (with the filter button) and its widest value."""
    widest = len(str(name)) + 2
    present = values.dropna()
    if len(present):
        if pd.api.types.is_numeric_dtype(present.dtype) and not pd.api.types.is_bool_dtype(present.dtype):
            extremes = [float(present.min()), float(present.max())]
            widest = max(widest, *(len(_shown(v, fmt)) for v in extremes))
        else:
            shown = present.astype(str)
            widest = max(widest, int(shown.str.len().max()))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 1)))


def _shown(value: float, fmt: str | None) -> str:
    """About how Excel shows ``value`` in format ``fmt``."""
    if not np.isfinite(value):
        return str(value)
    if fmt == SHARE:
        return f"{value * 100:.1f}%"
    decimals = {P_VALUE: 3, COUNT: 0, DECIMAL: 2}.get(fmt)
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.10g}"


def _style_of(ws, fmt, cell_type):
    """The style a number cell of a column with format ``fmt`` gets (None: none)."""
    if fmt is None:
        return None
    template = cell_type(ws)
    template.number_format = fmt
    return template._style


def _cells(ws, values: pd.Series, style, cell_type) -> list:
    """What to append for each of ``values``: None for a blank, a cell for text and formatted numbers, else the value.

    A text cell is typed as text (openpyxl would otherwise store "=..." as a formula); a number
    gets ``style``, shared by the column's cells (rows are written out as they are appended).
    """
    out = values.astype(object).where(values.notna(), None).tolist()
    for k, value in enumerate(out):
        if value is None:
            continue
        if isinstance(value, str):
            cell = cell_type(ws)
            cell._value, cell.data_type = cell.check_string(value), "s"
            out[k] = cell
        elif isinstance(value, (np.integer, np.floating)):
            value = out[k] = value.item()
        if style is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            cell = cell_type(ws)
            cell._value, cell._style = value, style
            out[k] = cell
    return out
