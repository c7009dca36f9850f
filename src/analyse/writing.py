"""Writing tables so that no text from an input can become a live formula.

Spreadsheet programs run a cell that starts with ``=`` (and, when a CSV is
opened, also ``+``, ``-`` or ``@``) as a formula. In .xlsx output every text
cell is stored as text; in CSV output such text gets a leading apostrophe,
which the loader removes again when it reads the file back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_csv", "write_xlsx", "escape_csv_text"]

#: What makes a spreadsheet program read a text cell as a formula (escaped in CSV output).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_csv_text(value):
    """``'=SUM(A1)`` for ``=SUM(A1)``; numbers and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 CSV, comma separated, formula-like text escaped."""
    out = frame.copy()
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
