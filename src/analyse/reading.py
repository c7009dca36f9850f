"""Reading raw tables from export files: CSV (any Dutch/English dialect), .xlsx and SPSS .sav.

A reader returns the first rows of the chosen sheet as a 2-D object array
(``RawTable.head``, row 1 of the array being row 1 of the file as a spreadsheet
program shows it) and the cells from any row on, by column
(``RawTable.body(start)``). Deciding which row is the header and what each
column means is left to ``loading``.

Workbooks are checked before any reader opens them: an .xlsx is a zip
archive, and one that unpacks to more than ``max_xlsx_bytes`` (counted while
inflating, not as declared) is refused, as is a sheet whose values reach
beyond :class:`Limits`; empty cells beyond the last value are not read. A
reader that still runs out of memory or panics ends in a SurveyError. Formula
cells keep the value Excel cached; a formula without a cached value becomes a
:class:`FormulaCell`, never a silent blank. Merged cells take the value of
their top-left cell, as they show.

The body of a plain workbook is read by fastexcel (Rust, Arrow columns with
one exact type each: text, number, date, boolean), its first rows straight from
the sheet XML (:mod:`analyse.sheetxml`); openpyxl reads everything fastexcel
cannot tell: a workbook with formulas (a formula without a saved value reads
as blank there) or merged cells, both found by the scan before reading, and a
sheet with a column that mixes text and numbers (fastexcel would have to turn
the numbers into text, rounded to nine decimals). ``engine=`` of
:func:`read_table` forces one reader for plain workbooks; the size guard runs
before either. CSV text (UTF-8, UTF-16 with its BOM, or cp1252 when it holds
no UTF-8 at all; a file or line beyond :class:`Limits` is refused) is parsed
by Arrow's reader, or by pandas where Arrow refuses the file
(ragged rows, blank lines); both keep every field as text.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import Columns
from .errors import SurveyError
from .load_report import Note
from .sheetxml import (
    ArchiveScan,
    ArchiveTooBig,
    column_name,
    head_cells,
    scan_archive,
    sheet_parts,
)

__all__ = ["DEFAULT_MAX_XLSX_BYTES", "ENGINES", "SUPPORTED_SUFFIXES", "FormulaCell", "Limits", "RawTable",
           "read_table"]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".sav")
_DELIMITERS = (";", ",", "\t")
#: Default limit on the unpacked size of an .xlsx; survey exports are a few MB at most.
DEFAULT_MAX_XLSX_BYTES = 200 * 2**20
#: Readers of .xlsx workbooks; None picks fastexcel when installed, else openpyxl.
ENGINES = (None, "fastexcel", "openpyxl")
#: Rows kept as objects for header recognition: it looks at the first 10 rows and the 3 below a header.
HEAD_ROWS = 16
_ARROW_BLOCK = 2**20  # pyarrow.csv.ReadOptions' default block_size
_THREADED_BYTES = 64 * _ARROW_BLOCK


@dataclass(frozen=True)
class Limits:
    """How large a sheet or text file may be before it is refused, not read.

    Far beyond any survey export, yet small enough that a damaged or malicious
    file is refused in seconds instead of exhausting memory: one stray value in
    cell XFD1048576 would make a reader build a table of 17 billion cells.
    """

    rows: int = 2_000_000
    columns: int = 1_000
    cells: int = 20_000_000  # rows x columns of the area a sheet's values span
    csv_bytes: int = 2**30
    line_bytes: int = 64 * 2**20  # one line of a CSV file (a 50 MB comment still fits)


class FormulaCell(str):
    """The text of a formula (``=...``) for which the workbook holds no computed value."""


@dataclass
class RawTable:
    """One sheet: ``head[i]`` is spreadsheet row ``i + 1``; ``body(start)`` the columns from row ``start + 1`` on."""

    file: str
    head: np.ndarray
    body: Callable[[int], Columns] = field(repr=False)
    kind: str                    # "csv", "xlsx" or "sav"
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    sheets: list[RawTable] = field(default_factory=list, repr=False)  # the other sheets of a workbook
    formula_cells: bool = False  # holds a FormulaCell (a formula without a saved value)
    names: list[str] | None = None  # SPSS variable names beside the labels in the header row
    #: True when the workbook holds formulas or merged cells that only openpyxl resolves (fastexcel tables).
    needs_openpyxl: Callable[[], bool] = field(default=lambda: False, repr=False)

    @classmethod
    def from_cells(cls, file: str, cells: np.ndarray, kind: str, **kw) -> RawTable:
        """A table whose cells are all in memory as objects."""
        return cls(file, cells[:HEAD_ROWS], lambda start: Columns.from_matrix(cells[start:]), kind, **kw)

    @classmethod
    def from_arrow(cls, file: str, arrays: list, kind: str, **kw) -> RawTable:
        """A table of Arrow columns (the head converted to objects)."""
        head = np.empty((min(HEAD_ROWS, len(arrays[0]) if arrays else 0), len(arrays)), dtype=object)
        for j, a in enumerate(arrays):
            head[:, j] = a.slice(0, len(head)).to_pylist()
        return cls(file, head, lambda start: Columns([a.slice(start) for a in arrays]), kind, **kw)


def read_table(path: Path, *, sheet: str | int | None = None, max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
               engine: str | None = None, limits: Limits | None = None) -> RawTable:
    """Read ``path`` by its content (a CSV named .xlsx is read as CSV, with a note).

    ``engine`` ("fastexcel", "openpyxl" or None for the fastest installed)
    chooses the reader of plain workbooks; both give the same cells.
    ``limits`` (:class:`Limits`) bounds what is read; beyond them the file is refused.
    """
    with _reader_failures(path):
        return _read_by_content(path, sheet, max_xlsx_bytes, engine, limits or Limits())


def _read_by_content(path: Path, sheet: str | int | None, max_xlsx_bytes: int, engine: str | None,
                     limits: Limits) -> RawTable:
    if engine not in ENGINES:
        raise SurveyError(f"engine= must be 'fastexcel', 'openpyxl' or None, not {engine!r}")
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
        table = _read_xlsx(path, sheet, max_xlsx_bytes, engine, limits)
        if suffix not in (".xlsx", ".xlsm"):
            table.notes.append(Note.of("load_note.excel_named", suffix=suffix))
        return table
    if suffix in (".xlsx", ".xlsm"):
        table = _read_csv(path, limits)
        table.notes.append(Note.of("load_note.csv_named"))
        return table
    return _read_csv(path, limits)


# The lead bytes of a multi-byte UTF-8 sequence, by the number of continuation bytes (0x80-0xBF) they take.
_UTF8_TAIL = np.zeros(256, np.int8)
_UTF8_TAIL[0xC2:0xE0], _UTF8_TAIL[0xE0:0xF0], _UTF8_TAIL[0xF0:0xF5] = 1, 2, 3


def _read_bytes(path: Path, limits: Limits) -> bytes:
    size = path.stat().st_size
    if size > limits.csv_bytes:
        raise SurveyError(f"the file is {size / 2**20:,.0f} MB, more than the limit of "
                          f"{limits.csv_bytes / 2**20:,.0f} MB for a text file; if it is a genuine export, pass "
                          "load(..., limits=Limits(csv_bytes=...)) with a higher limit", file=path)
    return path.read_bytes()


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The file's text and its encoding: UTF-16 by its BOM, else UTF-8, else (no UTF-8 at all in it) cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _bad_bytes(path, data, exc, "UTF-16") from None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        if data.startswith(b"\xef\xbb\xbf") or _holds_utf8(data):
            raise _bad_bytes(path, data, exc, "UTF-8") from None
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _holds_utf8(data: bytes, block: int = 2**24) -> bool:
    """Whether ``data`` holds a multi-byte UTF-8 sequence: text holding one is UTF-8, never cp1252 (where it would
    read as "Ã¶"). Only the bytes from 0xC2 up are looked at, by block: a few in a Dutch text, and no regex pass."""
    for start in range(0, len(data), block):
        view = np.frombuffer(data, np.uint8, min(block + 3, len(data) - start), start)  # 3 more: a sequence's tail
        lead = np.flatnonzero(view[:block] >= 0xC2)
        tail = _UTF8_TAIL[view[lead]]
        sequence = tail > 0
        for k in (1, 2, 3):
            inside = lead + k < len(view)
            follows = inside & (view[np.where(inside, lead + k, 0)] & 0xC0 == 0x80)
            sequence &= (tail < k) | follows
        if sequence.any():
            return True
    return False


def _bad_bytes(path: Path, data: bytes, exc: UnicodeDecodeError, encoding: str) -> SurveyError:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
    return SurveyError(f"the file is {encoding} text but for the bytes {data[exc.start:exc.end]!r} on line {line} "
                       f"(byte {exc.start:,} of the file, {column:,} of the line), which are not {encoding}: text in "
                       "two encodings. Open it in a text editor or Excel and save it again as UTF-8 "
                       "(Excel: 'CSV UTF-8')", file=path)


def _longest_line(path: Path, data: bytes, limit: int, block: int = 2**24) -> int:
    """The length of the longest line, refused beyond ``limit`` bytes; breaks found by block, the file not copied."""
    previous, longest = -1, 0  # the last line break seen
    for start in range(0, len(data), block):
        view = np.frombuffer(data, np.uint8, min(block, len(data) - start), start)
        breaks = np.flatnonzero(view == 10) + start
        if len(breaks):
            lengths = np.diff(breaks, prepend=previous) - 1
            if (over := np.flatnonzero(lengths > limit)).size:
                _too_long(path, data, int(breaks[over[0]] - lengths[over[0]]), limit)
            previous, longest = int(breaks[-1]), max(longest, int(lengths.max()))
        elif start + len(view) - previous - 1 > limit:
            _too_long(path, data, previous + 1, limit)
    if len(data) - previous - 1 > limit:
        _too_long(path, data, previous + 1, limit)
    return max(longest, len(data) - previous - 1)


def _too_long(path: Path, data: bytes, start: int, limit: int):
    line = data.count(b"\n", 0, start) + 1
    raise SurveyError(f"line {line:,} is longer than the limit of "
                      f"{limit / 2**20:,.0f} MB (a damaged file, or not a CSV export?); if it is a genuine export, "
                      "pass load(..., limits=Limits(line_bytes=...)) with a higher limit", file=path)


def _sniff_delimiter(text: str) -> tuple[str, int]:
    """The delimiter that splits the first lines into the most, equally long, rows, and the first row's width."""
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
    return best, best_score[1]


def _read_csv(path: Path, limits: Limits = Limits()) -> RawTable:
    data = _read_bytes(path, limits)
    longest = _longest_line(path, data, limits.line_bytes)
    found, tried = _read_utf8(data, longest)
    if found is not None:
        arrays, delim = found
        return RawTable.from_arrow(str(path), arrays, "csv", notes=[_csv_note(delim, "utf-8")])
    text, encoding = _decode(path, data)
    del data
    if not text or text.isspace():  # not strip(): that would copy a file of a hundred megabytes to look at it
        raise SurveyError("the file holds no text (only blanks); export the results again", file=path)
    text = _without_trailing_blank_lines(text)
    delim, width = _sniff_delimiter(text)
    # UTF-8 that Arrow refused above would be refused again: those are the same bytes.
    arrays = None if tried else _arrow_csv(text.encode("utf-8"), delim, width, longest)
    if arrays is not None:
        return RawTable.from_arrow(str(path), arrays, "csv", notes=[_csv_note(delim, encoding)])
    options = dict(sep=delim, header=None, dtype=str, keep_default_na=False, skip_blank_lines=False, quotechar='"')
    try:
        # The C parser is ~10x faster; a file it rejects (ragged rows) gets the python parser's verdict.
        frame = pd.read_csv(io.StringIO(text), engine="c", **options)
    except (pd.errors.ParserError, csv.Error, ValueError):
        try:
            frame = pd.read_csv(io.StringIO(text), engine="python", **options)
        except (pd.errors.ParserError, csv.Error) as exc:
            raise SurveyError(f"cannot be read as CSV ({exc})", file=path) from None
    return RawTable.from_cells(str(path), frame.to_numpy(dtype=object), "csv", notes=[_csv_note(delim, encoding)])


def _csv_note(delim: str, encoding: str) -> Note:
    separator = Note.of("separator." + {";": "semicolon", ",": "comma", "\t": "tab"}[delim])
    return Note.of("evidence.csv", separator=separator, encoding=encoding.replace("-sig", ""))


def _read_utf8(data: bytes, longest: int, block: int = 2**22) -> tuple[tuple[list, str] | None, bool]:
    """The file's fields read by Arrow straight from its bytes when they are UTF-8, and whether Arrow was tried.

    Most exports are UTF-8: checked block by block, they go to Arrow as they
    are, a slice of the bytes read, without the text of the whole file and its
    copy encoded again (on a file of a hundred megabytes, each a pass over new
    memory). Anything else (no UTF-8, nothing but blanks) is left to the text path.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, False
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    stop = _content_end(data)
    if stop <= start or data[start:start + 65536].isspace():  # the text path says what a blank file lacks
        return None, False
    decoder, view = codecs.getincrementaldecoder("utf-8")(), memoryview(data)
    try:
        for at in range(start, len(data), block):
            decoder.decode(view[at:at + block])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None, False
    delim, width = _sniff_delimiter(data[start:start + 65536].decode("utf-8", "ignore"))
    arrays = _arrow_csv(view[start:stop], delim, width, longest)
    return (None if arrays is None else (arrays, delim)), True


def _content_end(text: str | bytes, block: int = 65536) -> int:
    """Where ``text`` ends without the lines at its end that hold only separators and blanks (each an empty row).

    The end is found block by block from the back. The line break that ends
    the last record stays when nothing else follows it (most files end so):
    the same rows, and no copy of the text to leave it out.
    """
    blank, cr, nl = ("\r\n;,\t ", "\r", "\n") if isinstance(text, str) else (b"\r\n;,\t ", b"\r", b"\n")
    end = len(text)
    while end and not text[max(0, end - block):end].rstrip(blank):
        end = max(0, end - block)
    end = max(0, end - block) + len(text[max(0, end - block):end].rstrip(blank))
    cut = text.find(nl, end)
    if cut < 0:
        return len(text)
    stop = end + len(text[end:cut].rstrip(cr))
    return len(text) if cut == len(text) - 1 and cut - stop <= 1 else stop


def _without_trailing_blank_lines(text: str, block: int = 65536) -> str:
    """``text`` up to :func:`_content_end` (the same object when nothing is cut)."""
    return text[:_content_end(text, block)]


def _arrow_csv(data, delim: str, width: int, longest: int = 0) -> list | None:
    """Every field of ``data`` (UTF-8 bytes) as text by Arrow's CSV reader; None where it refuses the file (pandas
    then decides).

    Arrow wants every record ``width`` fields long and no blank line; pandas
    reads those files too (short rows padded, blank lines as empty rows), so it
    gets the last word on them.
    """
    if longest >= _ARROW_BLOCK:
        return None  # a record must fit in one of Arrow's blocks; larger blocks cost each thread as much memory
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    names = [f"c{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            # One thread for an export of a few of Arrow's blocks: beside a busy core its threads cost more than
            # they save. From _THREADED_BYTES on they pay even then (a million rows, 137 MB: 0.93 s in one thread,
            # 0.81-0.87 s in Arrow's with a core busy, 0.56-0.73 s on a quiet machine).
            read_options=pacsv.ReadOptions(column_names=names, use_threads=len(data) >= _THREADED_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=True, ignore_empty_lines=False),
            # Dictionary columns: the parser encodes each column as it reads it.
            convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return [table.column(j) for j in range(width)]


def _scan_workbook(path: Path, max_bytes: int, limits: Limits
                   ) -> tuple[ArchiveScan, dict[str, tuple[int, int]], dict[str, set[int] | None]]:
    """The workbook scanned (:func:`~analyse.sheetxml.scan_archive`) and checked; each sheet's rows and columns to read,
    and its columns holding only text (None when not known).

    The sizes the archive declares are checked first (a cheap answer for an
    honest archive), the bytes it really inflates while scanning.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > max_bytes:
                raise _too_big(path, f"{unpacked / 2**20:.1f} MB", max_bytes)
            scan = scan_archive(zf, max_bytes)
            try:
                names = {part: name for name, part in sheet_parts(zf).items()}
            except Exception:  # noqa: BLE001 - damaged workbook XML: the readers report it
                names = {}
    except ArchiveTooBig as exc:
        if exc.declared is None:
            raise _too_big(path, f"more than {max_bytes / 2**20:.1f} MB", max_bytes) from None
        raise SurveyError(f"part {exc.part} of the workbook declares {exc.declared:,} bytes but unpacks to more "
                          "(a damaged or malicious file); open it in Excel and save it again as .xlsx",
                          file=path) from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise _unreadable(path, exc) from None
    if scan.doctype:
        raise SurveyError(f"part {scan.doctype} of the workbook declares a document type (<!DOCTYPE>), which Excel "
                          "never writes: a damaged or malicious file; open it in Excel and save it again as .xlsx",
                          file=path)
    bounds, texts = {}, {}
    for part, extent in scan.extents.items():
        name = names.get(part, part)
        texts[name] = extent.text_only()
        _check_extent(path, name, extent.rows, extent.columns, limits)
        rows, columns = max(extent.rows, extent.merged_rows), max(extent.columns, extent.merged_columns)
        if rows > limits.rows or columns > limits.columns or rows * columns > limits.cells:
            rows, columns = extent.rows, extent.columns  # a huge merged range: its top-left cell still shows
        bounds[name] = rows, columns
    return scan, bounds, texts


def _too_big(path: Path, unpacked: str, max_bytes: int) -> SurveyError:
    return SurveyError(
        f"the workbook unpacks to {unpacked}, more than the limit of "
        f"{max_bytes / 2**20:.1f} MB (a damaged or malicious file?); if it is a genuine export, "
        f"pass load(..., max_xlsx_bytes=...) with a higher limit or save it as CSV", file=path)


def _check_extent(path: Path, sheet: str, rows: int, columns: int, limits: Limits) -> None:
    if rows <= limits.rows and columns <= limits.columns and rows * columns <= limits.cells:
        return
    raise SurveyError(
        f"sheet {sheet!r} has values as far as row {rows:,} and column {column_name(columns)} (up to cell "
        f"{column_name(columns)}{rows}): {rows:,} rows x {columns:,} columns, more than the limit of "
        f"{limits.rows:,} rows, {limits.columns:,} columns and {limits.cells:,} cells. Delete the stray cells below "
        "or right of the answers in Excel (Ctrl+End goes to the last one) and save again; if the export is "
        "genuinely that large, pass load(..., limits=Limits(...)) with higher limits", file=path)


class NeedsOpenpyxl(Exception):
    """Raised by a lazily read body when the workbook turns out to need openpyxl (formulas, merged cells)."""


@contextmanager
def _reader_failures(path: Path):
    """A reader that runs out of memory, or panics (a Rust panic is a BaseException), fails with a SurveyError."""
    try:
        yield
    except MemoryError:
        raise SurveyError("reading the file needs more memory than there is (a damaged or malicious file, or far "
                          "too large for this computer); save only the answers again as .xlsx or .csv",
                          file=path) from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise SurveyError(f"the spreadsheet reader failed on this file ({str(exc)[:200]}); open it in Excel and "
                          "save it again as .xlsx", file=path) from None


def fastexcel_installed() -> bool:
    try:
        import fastexcel  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _read_xlsx(path: Path, sheet: str | int | None, max_bytes: int = DEFAULT_MAX_XLSX_BYTES,
               engine: str | None = None, limits: Limits = Limits()) -> RawTable:
    scan, bounds, texts = _scan_workbook(path, max_bytes, limits)
    special = scan.formulas or scan.merges
    if engine is None:
        engine = "fastexcel" if fastexcel_installed() else "openpyxl"
    tables = None
    if engine == "fastexcel" and not special:
        tables = _read_fast(path, sheet, bounds, texts)
    if tables is None:
        tables = _read_openpyxl(path, sheet, special, bounds)
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


def _read_fast(path: Path, sheet: str | int | None, bounds: dict[str, tuple[int, int]],
               texts: dict[str, set[int] | None]) -> list[RawTable] | None:
    """The chosen sheets' first rows from their XML (:mod:`analyse.sheetxml`), their bodies left to fastexcel.

    None when the workbook's XML cannot be followed: openpyxl then reads it, and says what is wrong.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
            names = _chosen_sheets(list(parts), sheet, path)
            heads = {n: head_cells(zf, parts[n], HEAD_ROWS) for n in names}
    except SurveyError:
        raise
    except Exception:  # noqa: BLE001 - any damage: the openpyxl path reports it
        return None
    return [RawTable(str(path), heads[n], _FastBody(path, n, bounds.get(n), texts.get(n)), "xlsx", sheet=n)
            for n in names]


def _read_openpyxl(path: Path, sheet: str | int | None, special: bool,
                   bounds: dict[str, tuple[int, int]] | None = None) -> list[RawTable]:
    """The chosen sheets by openpyxl, every cell within ``bounds`` (rows, columns by sheet name)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    bounds = bounds or {}
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    try:
        names = _chosen_sheets(wb.sheetnames, sheet, path)
        sheets = {n: _sheet_cells(wb[n], bounds.get(n)) for n in names}
    finally:
        wb.close()
    tables = []
    # Only a workbook with formulas or merged cells is read a second time, in full mode.
    full = openpyxl.load_workbook(path, data_only=False) if special else None
    for n, cells in sheets.items():
        t = RawTable.from_cells(str(path), cells, "xlsx", sheet=n)
        if full is not None:
            _resolve_formulas(t, cells, _sheet_cells(full[n], bounds.get(n)))
            _fill_merged(t, cells, full[n])
        tables.append(t)
    if full is not None:
        full.close()
    return tables


class _FastBody:
    """The body of a plain sheet from fastexcel: one Arrow column per spreadsheet column, each of one type.

    A column mixing types (text and numbers) cannot be typed without turning
    numbers into rounded text, so such a sheet is read by openpyxl instead.
    Rows and columns beyond ``bound`` hold no value (the scan saw to that) and
    are not read. The columns the scan found holding only text (``text``,
    0-based) are read as text without fastexcel looking at every cell's type
    first: most of an export, and most of fastexcel's work.
    """

    def __init__(self, path: Path, sheet: str, bound: tuple[int, int] | None, text: set[int] | None = None):
        self.path, self.sheet, self.bound, self.text = path, sheet, bound, text

    def __call__(self, start: int) -> Columns:
        with _reader_failures(self.path):
            return self._read(start)

    def _read(self, start: int) -> Columns:
        import fastexcel
        import pyarrow as pa

        # fastexcel logs a warning for every column without values; those are read as blank, which is right.
        logging.getLogger("fastexcel").addHandler(logging.NullHandler())

        try:
            reader = fastexcel.read_excel(str(self.path))
            n_rows = None if self.bound is None else max(self.bound[0] - start, 0)
            loaded = reader.load_sheet(self.sheet, header_row=None, skip_rows=start, n_rows=n_rows,
                                       schema_sample_rows=None, dtype_coercion="strict",
                                       dtypes=dict.fromkeys(self.text, "string") if self.text else None)
            batch = loaded.to_arrow()
        except fastexcel.UnsupportedColumnTypeCombinationError:
            return self._openpyxl(start)
        except fastexcel.FastExcelError as exc:
            raise _unreadable(self.path, exc) from None
        # fastexcel starts at the first used column; put every column where the sheet has it.
        where = {c.absolute_index: c.index for c in loaded.selected_columns}
        width = max(where, default=-1) + 1
        if self.bound is not None:
            width = min(width, self.bound[1])
        return Columns([batch.column(where[j]) if j in where else pa.nulls(batch.num_rows) for j in range(width)])

    def _openpyxl(self, start: int) -> Columns:
        return _read_openpyxl(self.path, self.sheet, False, {self.sheet: self.bound} if self.bound else None)[0].body(start)


def _formula_text(v) -> str | None:
    if isinstance(v, str) and v.startswith("="):
        return v
    text = getattr(v, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    return text if isinstance(text, str) and text.startswith("=") else None


def _resolve_formulas(table: RawTable, cells: np.ndarray, formulas: np.ndarray) -> None:
    """Keep cached formula results; a formula without one becomes a FormulaCell (``cells`` changed in place)."""
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
        table.notes.append(Note.of("load_note.formulas_cached", n=cached))
    if used:
        table.notes.append(Note.of("load_note.formulas_unsaved", n=used))


def _fill_merged(table: RawTable, cells: np.ndarray, ws) -> None:
    """A merged range shows its top-left value in every cell it covers; read it that way (in place)."""
    ranges = list(ws.merged_cells.ranges)
    for rng in ranges:
        r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row, rng.max_col
        if r0 < cells.shape[0] and c0 < cells.shape[1]:
            cells[r0:r1, c0:c1] = cells[r0, c0]
    if ranges:
        table.notes.append(Note.of("load_note.merged", n=len(ranges), sheet=table.sheet))


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
    table = RawTable.from_cells(str(path), cells, "sav", names=[str(c) for c in frame.columns])
    table.notes.append(Note.of("load_note.spss"))
    return table


def _sheet_cells(ws, bound: tuple[int, int] | None = None) -> np.ndarray:
    if hasattr(ws, "reset_dimensions"):  # read-only sheets: some writers store wrong dimensions
        ws.reset_dimensions()
    if bound is not None and 0 in bound:
        return np.empty((0, 0), dtype=object)
    # Bounded: stray empty cells far below or right of the answers would each cost a row or column.
    rows = list(ws.iter_rows(max_row=bound[0], max_col=bound[1], values_only=True) if bound else
                ws.iter_rows(values_only=True))
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    return cells
