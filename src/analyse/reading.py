"""Reading raw tables from export files: CSV (any Dutch/English dialect) and .xlsx.

A reader returns every cell of the chosen sheet as a 2-D object array, row 1 of
the array being row 1 of the file as a spreadsheet program shows it. Deciding
which row is the header and what each column means is left to ``loading``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import SurveyError

__all__ = ["RawTable", "read_table", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")
_DELIMITERS = (";", ",", "\t")


@dataclass
class RawTable:
    """All cells of one sheet; ``cells[i]`` is spreadsheet row ``i + 1``."""

    file: str
    cells: np.ndarray
    kind: str                    # "csv" or "xlsx"
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    sheets: list["RawTable"] = field(default_factory=list, repr=False)  # the other sheets of a workbook


def read_table(path: Path, *, sheet: str | int | None = None) -> RawTable:
    """Read ``path`` by its content (a CSV named .xlsx is read as CSV, with a note)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise SurveyError("file not found", file=path) from None
    except OSError as exc:
        raise SurveyError(f"cannot open the file ({exc.strerror})", file=path) from None
    if path.stat().st_size == 0:
        raise SurveyError("the file is empty (0 bytes); export the results again", file=path)
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyError("this is an old Excel 97-2003 (.xls) workbook; open it in Excel and save it as .xlsx",
                          file=path)
    if head.startswith(b"PK\x03\x04"):
        table = _read_xlsx(path, sheet)
        if suffix not in (".xlsx", ".xlsm"):
            table.notes.append(f"the file is named {suffix} but is an Excel workbook; read as .xlsx")
        return table
    if suffix in (".xlsx", ".xlsm"):
        table = _read_csv(path)
        table.notes.append("the file is named .xlsx but holds CSV text; read as CSV")
        return table
    return _read_csv(path)


def _decode(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, equally long, rows."""
    sample = "\n".join(text.splitlines()[:20])
    best, best_score = ",", (-1, -1)
    for delim in _DELIMITERS:
        widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        if not widths:
            continue
        consistent = sum(w == widths[0] for w in widths)
        score = (consistent if widths[0] > 1 else 0, widths[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(path: Path) -> RawTable:
    text, encoding = _decode(path)
    if not text.strip():
        raise SurveyError("the file holds no text (only blanks); export the results again", file=path)
    delim = _sniff_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delim, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, engine="python", quotechar='"')
    except (pd.errors.ParserError, csv.Error) as exc:
        raise SurveyError(f"cannot be read as CSV ({exc})", file=path) from None
    name = {";": "semicolon", ",": "comma", "\t": "tab"}[delim]
    cells = frame.to_numpy(dtype=object)
    table = RawTable(file=str(path), cells=cells, kind="csv")
    table.notes.append(f"CSV, {name}-separated, encoding {encoding.replace('-sig', '')}")
    return table


def _read_xlsx(path: Path, sheet: str | int | None) -> RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SurveyError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); "
                          "open it in Excel and save it again as .xlsx", file=path) from None
    try:
        names = wb.sheetnames
        if sheet is not None:
            if isinstance(sheet, int):
                if not 0 <= sheet < len(names):
                    raise SurveyError(f"sheet index {sheet} does not exist; the workbook has {len(names)} sheet(s): "
                                      f"{', '.join(names)}", file=path)
                names = [names[sheet]]
            elif sheet not in names:
                raise SurveyError(f"no sheet named {sheet!r}; the workbook has: {', '.join(names)}", file=path)
            else:
                names = [sheet]
        tables = [RawTable(file=str(path), cells=_sheet_cells(wb[n]), kind="xlsx", sheet=n) for n in names]
    finally:
        wb.close()
    first = tables[0]
    first.sheets = tables[1:]
    return first


def _sheet_cells(ws) -> np.ndarray:
    ws.reset_dimensions()  # some writers store wrong dimensions; read every row that is there
    rows = [row for row in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    return cells
