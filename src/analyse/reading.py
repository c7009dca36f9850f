"""Reading raw tables from export files: CSV (any Dutch/English dialect), .xlsx and SPSS .sav.

A reader returns every cell of the chosen sheet as a 2-D object array, row 1 of
the array being row 1 of the file as a spreadsheet program shows it. Deciding
which row is the header and what each column means is left to ``loading``.

Workbooks are checked before they are opened: an .xlsx is a zip archive, and
one that unpacks to more than ``max_xlsx_bytes`` is refused (a "zip bomb" would
otherwise exhaust memory inside openpyxl). Formula cells keep the value Excel
cached; a formula without a cached value becomes a :class:`FormulaCell`, never a
silent blank. Merged cells take the value of their top-left cell, as they show.

Plain workbooks are read by python-calamine (Rust, ~40x faster than openpyxl)
when it is installed (``pip install 'analyse[fast]'``); openpyxl reads the rest,
and everything calamine cannot tell: a workbook with formulas (a formula
without a saved value reads as blank there) or merged cells. ``engine=`` of
:func:`read_table` forces one reader for plain workbooks; the size guard runs
before either.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import SurveyError
from .survey import Note

__all__ = ["RawTable", "read_table", "FormulaCell", "SUPPORTED_SUFFIXES", "DEFAULT_MAX_XLSX_BYTES", "ENGINES"]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".sav")
_DELIMITERS = (";", ",", "\t")
#: Default limit on the unpacked size of an .xlsx; survey exports are a few MB at most.
DEFAULT_MAX_XLSX_BYTES = 200 * 2**20
# A formula element and a merged range in sheet XML (any namespace prefix).
_FORMULA_XML = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_XML = re.compile(rb"<(?:\w+:)?mergeCell\s")
#: Readers of .xlsx workbooks; None picks calamine when installed, else openpyxl.
ENGINES = (None, "calamine", "openpyxl")


class FormulaCell(str):
    """The text of a formula (``=...``) for which the workbook holds no computed value."""


@dataclass
class RawTable:
    """All cells of one sheet; ``cells[i]`` is spreadsheet row ``i + 1``."""

    file: str
    cells: np.ndarray
    kind: str                    # "csv" or "xlsx"
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    sheets: list["RawTable"] = field(default_factory=list, repr=False)  # the other sheets of a workbook
    formula_cells: bool = False  # holds a FormulaCell (a formula without a saved value)


def read_table(path: Path, *, sheet: str | int | None = None,
               max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES, engine: str | None = None) -> RawTable:
    """Read ``path`` by its content (a CSV named .xlsx is read as CSV, with a note).

    ``engine`` ("calamine", "openpyxl" or None for the fastest installed)
    chooses the reader of plain workbooks; both give the same cells.
    """
    if engine not in ENGINES:
        raise SurveyError(f"engine= must be 'calamine', 'openpyxl' or None, not {engine!r}")
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
    if head.startswith((b"$FL2", b"$FL3")):
        return _read_sav(path)
    if suffix == ".sav":
        raise SurveyError("the file is named .sav but is not an SPSS data file; export it again from SPSS",
                          file=path)
    if head.startswith(b"PK\x03\x04"):
        table = _read_xlsx(path, sheet, max_xlsx_bytes, engine)
        if suffix not in (".xlsx", ".xlsm"):
            table.notes.append(Note(f"the file is named {suffix} but is an Excel workbook; read as .xlsx",
                                    f"het bestand heet {suffix} maar is een Excel-werkmap; gelezen als .xlsx"))
        return table
    if suffix in (".xlsx", ".xlsm"):
        table = _read_csv(path)
        table.notes.append(Note("the file is named .xlsx but holds CSV text; read as CSV",
                                "het bestand heet .xlsx maar bevat CSV-tekst; gelezen als CSV"))
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
    sample = "\n".join(text[:65536].splitlines()[:20])  # the head only: splitting all of a big file costs
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
    options = dict(sep=delim, header=None, dtype=str, keep_default_na=False, skip_blank_lines=False, quotechar='"')
    try:
        # The C parser is ~10x faster; a file it rejects (ragged rows) gets the python parser's verdict.
        frame = pd.read_csv(io.StringIO(text), engine="c", **options)
    except (pd.errors.ParserError, csv.Error, ValueError):
        try:
            frame = pd.read_csv(io.StringIO(text), engine="python", **options)
        except (pd.errors.ParserError, csv.Error) as exc:
            raise SurveyError(f"cannot be read as CSV ({exc})", file=path) from None
    name = {";": "semicolon", ",": "comma", "\t": "tab"}[delim]
    cells = frame.to_numpy(dtype=object)
    table = RawTable(file=str(path), cells=cells, kind="csv")
    dutch = {"semicolon": "puntkomma", "comma": "komma", "tab": "tab"}[name]
    table.notes.append(Note(f"CSV, {name}-separated, encoding {encoding.replace('-sig', '')}",
                            f"CSV, gescheiden door {dutch}, codering {encoding.replace('-sig', '')}"))
    return table


def _xlsx_parts(path: Path, max_bytes: int) -> dict[str, bytes]:
    """The worksheet XML of a workbook, after checking its unpacked size against ``max_bytes``."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > max_bytes:
                raise SurveyError(
                    f"the workbook unpacks to {unpacked / 2**20:.1f} MB, more than the limit of "
                    f"{max_bytes / 2**20:.1f} MB (a damaged or malicious file?); if it is a genuine export, "
                    f"pass load(..., max_xlsx_bytes=...) with a higher limit or save it as CSV", file=path)
            return {i.filename: zf.read(i) for i in infos if i.filename.startswith("xl/worksheets/")
                    and i.filename.endswith(".xml")}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SurveyError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); "
                          "open it in Excel and save it again as .xlsx", file=path) from None


def _has_formulas_or_merges(xml: bytes) -> bool:
    # The substring test (memchr-fast) spares the regex scan of every plain sheet.
    if b"<f" in xml or b":f" in xml:
        if _FORMULA_XML.search(xml):
            return True
    return b"mergeCell" in xml and _MERGE_XML.search(xml) is not None


def calamine_installed() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def _read_xlsx(path: Path, sheet: str | int | None, max_bytes: int = DEFAULT_MAX_XLSX_BYTES,
               engine: str | None = None) -> RawTable:
    sheet_xml = _xlsx_parts(path, max_bytes)
    special = any(_has_formulas_or_merges(x) for x in sheet_xml.values())
    if engine is None:
        engine = "calamine" if calamine_installed() else "openpyxl"
    if engine == "calamine" and not special:
        tables = _read_calamine(path, sheet)
    else:
        tables = _read_openpyxl(path, sheet, special)
    first = tables[0]
    first.sheets = tables[1:]
    return first


def _chosen_sheets(names: list[str], sheet: str | int | None, path: Path) -> list[str]:
    if sheet is None:
        return names
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SurveyError(f"sheet index {sheet} does not exist; the workbook has {len(names)} sheet(s): "
                              f"{', '.join(names)}", file=path)
        return [names[sheet]]
    if sheet not in names:
        raise SurveyError(f"no sheet named {sheet!r}; the workbook has: {', '.join(names)}", file=path)
    return [sheet]


def _unreadable(path: Path, exc: Exception) -> SurveyError:
    return SurveyError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); "
                       "open it in Excel and save it again as .xlsx", file=path)


def _read_calamine(path: Path, sheet: str | int | None) -> list[RawTable]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except (pc.CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    try:
        tables = []
        for n in _chosen_sheets(wb.sheet_names, sheet, path):
            # skip_empty_area=False: row 1 of the array stays row 1 of the sheet.
            rows = wb.get_sheet_by_name(n).to_python(skip_empty_area=False)
            tables.append(RawTable(file=str(path), cells=_calamine_cells(rows), kind="xlsx", sheet=n))
    except (pc.CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    finally:
        wb.close()
    return tables


def _calamine_cells(rows: list[list]) -> np.ndarray:
    """Calamine's rows as openpyxl gives them: an empty cell is None, not ""."""
    width = max((len(r) for r in rows), default=0)
    cells = np.empty((len(rows), width), dtype=object)
    if rows:
        cells[:] = rows  # calamine's ranges are rectangular
    cells[cells == ""] = None
    return cells


def _read_openpyxl(path: Path, sheet: str | int | None, special: bool) -> list[RawTable]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    try:
        tables = [RawTable(file=str(path), cells=_sheet_cells(wb[n]), kind="xlsx", sheet=n)
                  for n in _chosen_sheets(wb.sheetnames, sheet, path)]
    finally:
        wb.close()
    # Only a workbook with formulas or merged cells is read a second time, in full mode.
    if special:
        full = openpyxl.load_workbook(path, data_only=False)
        for t in tables:
            ws = full[t.sheet]
            _resolve_formulas(t, _sheet_cells(ws))
            _fill_merged(t, ws)
        full.close()
    return tables


def _formula_text(v) -> str | None:
    if isinstance(v, str) and v.startswith("="):
        return v
    text = getattr(v, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return text if isinstance(text, str) and text.startswith("=") else None


def _resolve_formulas(table: RawTable, formulas: np.ndarray) -> None:
    """Keep cached formula results; a formula without one becomes a FormulaCell."""
    cells = table.cells
    h, w = min(cells.shape[0], formulas.shape[0]), min(cells.shape[1], formulas.shape[1])
    cached = used = 0
    for j in range(w):  # per column
        text = pd.Series(formulas[:h, j], dtype=object).map(_formula_text)
        values = pd.Series(cells[:h, j], dtype=object)
        # A text cell "=..." reads the same in both modes: it is text, not a formula.
        is_formula = text.notna() & (values.isna() | (values.astype(str) != text.fillna("")))
        missing = (is_formula & values.isna()).to_numpy()
        cells[:h, j][missing] = [FormulaCell(t) for t in text[missing]]
        cached += int(is_formula.sum() - missing.sum())
        used += int(missing.sum())
    table.formula_cells = used > 0
    if cached:
        table.notes.append(Note(f"{cached} formula cell(s): the value Excel computed and saved is used",
                                f"{cached} cel(len) met een formule: de door Excel berekende en bewaarde waarde is gebruikt"))
    if used:
        table.notes.append(Note(f"{used} formula cell(s) without a saved value (the file was not recalculated in "
                                "Excel): their rows are excluded with reason 'formula'; open and save the file in "
                                "Excel to store the values",
                                f"{used} cel(len) met een formule zonder bewaarde waarde (het bestand is niet in Excel "
                                "herberekend): die rijen zijn uitgesloten met reden 'formula'; open en bewaar het "
                                "bestand in Excel om de waarden op te slaan"))


def _fill_merged(table: RawTable, ws) -> None:
    """A merged range shows its top-left value in every cell it covers; read it that way."""
    ranges = list(ws.merged_cells.ranges)
    cells = table.cells
    for rng in ranges:
        r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row, rng.max_col
        if r0 < cells.shape[0] and c0 < cells.shape[1]:
            cells[r0:r1, c0:c1] = cells[r0, c0]
    if ranges:
        table.notes.append(Note(f"{len(ranges)} merged cell range(s) on sheet {table.sheet!r}: each cell of a range "
                                "is read as the range's value",
                                f"{len(ranges)} samengevoegd(e) celbereik(en) op blad {table.sheet!r}: elke cel van een "
                                "bereik krijgt de waarde van het bereik"))


def _read_sav(path: Path) -> RawTable:
    """An SPSS file: variable labels as headers, value labels as cells, user-missing values blank."""
    try:
        import pyreadstat
    except ImportError:
        raise SurveyError("reading SPSS .sav files needs the optional package pyreadstat; "
                          "install it with: pip install 'analyse[spss]' (or export the data as .csv)",
                          file=path) from None
    try:
        # user_missing=False: values SPSS declares missing ("weet niet" = 9) are read as no answer.
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=True, formats_as_category=False,
                                          user_missing=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise SurveyError(f"not a readable SPSS .sav file ({type(exc).__name__}: {exc}); "
                          "save it again in SPSS or export it as .csv", file=path) from None
    labels = meta.column_names_to_labels or {}
    headers = [labels.get(c) or c for c in frame.columns]
    body = frame.astype(object).where(frame.notna(), None).to_numpy(dtype=object)
    cells = np.vstack([np.asarray(headers, dtype=object)[None, :], body]) if len(headers) else body
    table = RawTable(file=str(path), cells=cells, kind="sav")
    table.notes.append(Note("SPSS .sav: variable labels read as column headers, value labels as answers; "
                            "user-defined missing values are no answer",
                            "SPSS .sav: variabelelabels gelezen als kolomkoppen, waardelabels als antwoorden; "
                            "door de gebruiker gedefinieerde ontbrekende waarden zijn geen antwoord"))
    return table


def _sheet_cells(ws) -> np.ndarray:
    if hasattr(ws, "reset_dimensions"):  # read-only sheets: some writers store wrong dimensions
        ws.reset_dimensions()
    rows = [row for row in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    return cells
