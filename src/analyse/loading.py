"""Load questionnaire exports into a validated :class:`~analyse.Survey`.

Rules (also in the README):

* The header is the first of the first 10 rows that names a statement. A
  second header row (SurveyMonkey: "Response" under each question) is merged
  into it; Qualtrics' question-id and ImportId rows are skipped.
* A column is a statement when its header, normalised (case, whitespace,
  diacritics, curly quotes, trailing punctuation; a prefix such as ``3.``,
  ``Ambitie - `` or a LimeSurvey code ``G1Q1[SQ001].``; the part after the last
  " - " of ``Vraag - stelling``; the bracketed part of ``Vraag [stelling]``),
  equals an item's Dutch or English statement or its code. Failing that, a
  fuzzy match (difflib ratio >= 0.88) is used and noted in the report; a header
  nearly as close to a second item is ambiguous and not matched (noted).
* Metadata columns are recognised by the header names in the codebook's
  ``[columns]`` table; personal-data columns (names, e-mail, IP) are dropped
  and listed by name only, as are columns whose cells look like e-mail or IP
  addresses.
* Answers are codebook labels (normalised) or numbers on the scale (a decimal
  comma is read as a decimal point). "Weet ik niet", "n.v.t." and blanks mean
  no answer.
* Previews, test and spam responses (Qualtrics "Response Type") are excluded
  as ``preview``; unfinished responses (Finished = 0/False, Progress < 100, an
  empty LimeSurvey submitdate) as ``not_finished`` unless ``unfinished="keep"``.
* A formula without a saved value excludes its row (``formula``); text that
  starts with ``=``, ``+``, ``-`` or ``@`` in an open answer is kept as text.
* A row that cannot be used goes to ``Survey.excluded`` with its file, row (as
  the spreadsheet shows it), column, value and reason; the first problem in
  column order is reported. ``len(responses) + len(excluded)`` equals the data
  rows read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook, normalise
from .errors import SurveyError
from .reading import DEFAULT_MAX_XLSX_BYTES, SUPPORTED_SUFFIXES, FormulaCell, RawTable, read_table
from .survey import EXCLUDED_COLUMNS, META, FileReport, LoadReport, Survey, natural_key

__all__ = ["load"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_WAVE_IN_NAME = re.compile(r"(?:meting|wave|ronde|peiling|golf)[ _-]*([0-9]+[a-z]?)", re.I)
_FORMULA_START = ("=", "+", "-", "@")
_ROLE_ORDER = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]
# Platform bookkeeping that decides whether a row is a real, finished response.
_COMPLETION_ROLES = ["status", "finished", "progress", "submitted"]
# Layouts told apart by header names (normalised); the first whose names are all present wins.
_LAYOUTS = [
    ("Microsoft Forms (nl)", {"id", "begintijd", "tijd van voltooien"}),
    ("Microsoft Forms (en)", {"id", "start time", "completion time"}),
    ("Google Forms (nl)", {"tijdstempel"}),
    ("Google Forms (en)", {"timestamp"}),
    ("LimeSurvey (question codes)", {"id", "submitdate", "lastpage"}),
    ("LimeSurvey (question text)", {"response id", "date submitted", "last page"}),
    ("canonical (analyse)", {"respondent_id", "wave", "leerlab", "partner", "level"}),
]
# A LimeSurvey question code heading, e.g. G1Q1[SQ001], alone or before ". question text".
_LIME_CODE = re.compile(r"^[a-z][a-z0-9_]*(?:\[[a-z0-9_]+\])?(?=\.\s|$)")
# Qualtrics' third header row: {"ImportId":"QID1_1"} in every question column.
_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
_FUZZY_MIN, _FUZZY_MARGIN, _FUZZY_MIN_LENGTH = 0.88, 0.03, 15


def load(source, *, codebook: Codebook | str | Path | None = None, wave=None, sheet: str | int | None = None,
         columns: dict[str, str] | None = None, unfinished: str = "exclude",
         max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES, engine: str | None = None) -> Survey:
    """Load one or more exported result files into a validated Survey.

    Parameters
    ----------
    source : path, list of paths, or folder
        ``.xlsx``, ``.csv`` or SPSS ``.sav`` exports (a folder: every such file
        in it, sorted by name, not recursing). Recognised without a column
        map: Microsoft Forms (nl/en), Google Forms, Qualtrics (CSV/XLSX, three
        header rows, numeric or choice text), LimeSurvey (question text or
        code & text headings), SurveyMonkey (two header rows), SPSS (variable
        and value labels), and plain tables with statements as headers.
    codebook : path or Codebook, optional
        The questionnaire; the built-in Common Eye codebook by default.
    wave : str, int or list, optional
        The wave (meting) of files whose rows and name do not say it: one value
        for all files or one per file. Without it, such files are numbered
        1, 2, ... in the order given. The report says which rule applied.
    sheet : str or int, optional
        Worksheet of an .xlsx; by default the first sheet with statements.
    columns : dict, optional
        Explicit header -> meaning map that overrides recognition. A meaning is
        an item code, a metadata role (``respondent_id``, ``wave``,
        ``leerlab``, ``partner``, ``sector``, ``level``), ``comment_<condition>``,
        ``personal`` or ``ignore``.
    unfinished : {"exclude", "keep"}
        Rows the platform marks as unfinished (Qualtrics Finished = 0 or
        Progress < 100, LimeSurvey without submitdate) are excluded with reason
        ``not_finished`` by default; ``"keep"`` keeps their answers (noted in
        the report). Previews, tests and spam (reason ``preview``) are always
        excluded: they are not respondents.
    max_xlsx_bytes : int
        Refuse an .xlsx that unpacks to more than this many bytes (default
        200 MB) before it is opened, so a damaged or malicious file cannot
        exhaust memory.
    engine : {None, "calamine", "openpyxl"}
        Reader of plain .xlsx workbooks: None (default) uses python-calamine
        when installed (``pip install 'analyse[fast]'``), else openpyxl.
        Workbooks with formulas or merged cells are always read by openpyxl.
        Both give the same result; the switch exists to compare them.

    Returns
    -------
    Survey

    Raises
    ------
    SurveyError
        When a file cannot be used as a whole; the message names the file and,
        where it applies, the row, column and value.

    Examples
    --------
    >>> import analyse as an
    >>> survey = an.load("data/sample")                 # doctest: +SKIP
    >>> print(survey.report())                          # doctest: +SKIP
    """
    if unfinished not in ("exclude", "keep"):
        raise SurveyError(f"unfinished= must be 'exclude' or 'keep', not {unfinished!r}")
    cb = load_codebook(codebook)
    files = _resolve(source)
    waves = _wave_arguments(wave, len(files))
    options = {"sheet": sheet, "explicit": columns or {}, "unfinished": unfinished, "max_xlsx_bytes": max_xlsx_bytes,
               "engine": engine}
    parts = [_load_file(path, cb, waves[i], i + 1, **options) for i, path in enumerate(files)]

    responses = pd.concat([p[0] for p in parts], ignore_index=True)
    comments = pd.concat([p[1] for p in parts], ignore_index=True)
    excluded = [p[2] for p in parts]
    reports = [p[3] for p in parts]

    # The same person twice in one wave: keep the first row, exclude the later ones.
    dup = responses.duplicated(["respondent_id", "wave"], keep="first")
    if dup.any():
        # Only the first rows of the repeated keys are indexed, not the whole wave.
        firsts = responses.duplicated(["respondent_id", "wave"], keep=False) & ~dup
        first = responses.loc[firsts].set_index(["respondent_id", "wave"])
        d = responses.loc[dup]
        seen = first.loc[list(zip(d["respondent_id"], d["wave"]))]
        excluded.append(pd.DataFrame({
            "file": d["_file"].to_numpy(), "row": d["_row"].to_numpy(), "column": d["_id_column"].to_numpy(),
            "value": d["respondent_id"].to_numpy(), "reason": "duplicate_id",
            "detail": [f"respondent {r!r} already answered in wave {w!r} ({f}, row {n}); the first answer is kept"
                       for r, w, f, n in zip(d["respondent_id"], d["wave"], seen["_file"], seen["_row"])],
        }))
        keep_ids = set(d.index)
        drop_comments = pd.MultiIndex.from_frame(d[["_file", "_row"]])
        comments = comments[~pd.MultiIndex.from_frame(comments[["_file", "_row"]]).isin(drop_comments)]
        responses = responses.drop(index=list(keep_ids))
        for rep in reports:
            rep.kept -= int((d["_file"] == rep.file).sum())

    excluded_df = (pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame(columns=EXCLUDED_COLUMNS))
    excluded_df = excluded_df[EXCLUDED_COLUMNS].astype({"row": "int64"})
    # A respondent may type an address into any field; the excluded list must not carry it on.
    for col in ("value", "detail"):
        excluded_df[col] = _redact(excluded_df[col].astype(str))
    comments = comments.drop(columns=["_file", "_row"]).reset_index(drop=True)
    responses = responses.drop(columns=["_file", "_row", "_id_column"])
    report = LoadReport(files=reports, excluded=excluded_df, n_responses=len(responses))
    survey = Survey(responses, codebook=cb, comments=comments, excluded=excluded_df, report=report)
    if not len(survey.responses):
        raise SurveyError("no usable respondent in " + ", ".join(str(f) for f in files)
                          + ". Excluded rows by reason: "
                          + ", ".join(f"{k}: {v}" for k, v in excluded_df["reason"].value_counts().items())
                          + f". First problem: {_first_problem(excluded_df)}")
    return survey


def _first_problem(excluded: pd.DataFrame) -> str:
    if not len(excluded):
        return "none"
    r = excluded.iloc[0]
    return f"{r['file']}, row {r['row']}, column {r['column']!r}, value {r['value']!r}: {r['detail']}"


# --------------------------------------------------------------------------- files
def _resolve(source) -> list[Path]:
    if isinstance(source, (str, Path)):
        source = [source]
    files: list[Path] = []
    for s in source:
        p = Path(s)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                           and not f.name.startswith(("~$", ".")))
            if not found:
                raise SurveyError("the folder holds no .xlsx or .csv file (nor .sav)", file=p)
            files.extend(found)
        elif not p.exists():
            raise SurveyError("file not found; check the path", file=p)
        else:
            files.append(p)
    if not files:
        raise SurveyError("no input file given")
    return files


def _wave_arguments(wave, n: int) -> list:
    if wave is None:
        return [None] * n
    if isinstance(wave, (list, tuple)):
        if len(wave) != n:
            raise SurveyError(f"wave= has {len(wave)} values for {n} file(s); give one value or one per file")
        return [str(w) for w in wave]
    return [str(wave)] * n


# --------------------------------------------------------------------------- one file
def _load_file(path: Path, cb: Codebook, wave_arg, position: int, *, sheet, explicit: dict[str, str],
               unfinished: str, max_xlsx_bytes: int, engine: str | None):
    table = read_table(path, sheet=sheet, max_xlsx_bytes=max_xlsx_bytes, engine=engine)
    candidates = [table, *table.sheets]
    chosen = None
    for fuzzy in (False, True):  # an exact match anywhere beats a fuzzy one
        for t in candidates:
            found = _find_header(t, cb, explicit, fuzzy)
            if found is not None:
                chosen = (t, *found)
                break
        if chosen:
            break
    if chosen is None:
        _refuse_unmatched(path, candidates)
    t, header_row, data_start, headers, mapping, match_notes = chosen
    rep = FileReport(file=str(path), sheet=t.sheet, notes=[*table.notes, *match_notes])
    if t is not table:
        rep.notes.append(f"statements found on sheet {t.sheet!r}, not on the first sheet")
        rep.notes.extend(t.notes)
    if data_start > header_row + 1:
        rep.notes.append(f"rows {header_row + 2}-{data_start} under the header (row {header_row + 1}) are "
                         "platform header rows, not answers")
    cols = Columns(t.cells[data_start:])
    first_row_number = data_start + 1
    # Trailing empty rows are formatting, not data.
    empty = cols.empty_rows(first=sorted(j for j, (kind, _) in mapping.items() if kind == "item"))
    last = int(np.nonzero(~empty)[0].max()) + 1 if (~empty).any() else 0
    if last < len(empty):
        rep.notes.append(f"{len(empty) - last} empty row(s) after the last answer ignored")
    cols = cols.head(last)
    if not last:
        raise SurveyError(f"the file has a header (row {header_row + 1}) but no data rows", file=path)
    rep.rows_read = last
    _check_personal_content(headers, cols, mapping)
    rep.layout = _layout(headers, t, header_row, data_start, cb)
    for j, (kind, what) in mapping.items():
        h = headers[j]
        if kind == "item":
            rep.items.append((h, what))
        elif kind == "meta":
            rep.metadata.append((h, what))
        elif kind == "comment":
            rep.comments.append((h, what))
        elif kind == "personal":
            rep.personal.append(h)
    rep.ignored = [headers[j] for j in range(len(headers)) if j not in mapping and headers[j]]
    _require_metadata(mapping, headers, path, cb)

    rows = np.arange(first_row_number, first_row_number + last)
    frame, comments, excluded = _validate(cols, empty[:last], headers, mapping, cb, str(path), rows, wave_arg,
                                          position, rep, unfinished, t.formula_cells)
    rep.kept = len(frame)
    return frame, comments, excluded, rep


def _header_text(h) -> str:
    return "" if h is None else _cell_text(h).strip()


class Columns:
    """The data cells, each column factorised once.

    Every rule of the loader runs on a column's distinct values and is spread
    over its rows by index: a column of 100,000 answers holds a handful of
    labels, so the work does not grow with the respondents.
    """

    def __init__(self, cells: np.ndarray, factors: dict | None = None):
        self.cells = cells
        self._factors = factors or {}

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def width(self) -> int:
        return self.cells.shape[1]

    def factor(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """``codes`` (-1 for None/NaN) and the distinct values of column ``j``."""
        if j not in self._factors:
            codes, uniques = pd.factorize(self.cells[:, j], use_na_sentinel=True)
            self._factors[j] = (codes, np.asarray(uniques, dtype=object))
        return self._factors[j]

    def map(self, j: int, fn, na=None, dtype=object) -> np.ndarray:
        """``fn`` of every cell of column ``j``, called once per distinct value; None/NaN cells get ``na``."""
        codes, uniques = self.factor(j)
        values = np.empty(len(uniques) + 1, dtype=dtype)
        for i, u in enumerate(uniques):
            values[i] = fn(u)
        values[-1] = na  # code -1 indexes the last slot
        return values[codes]

    def distinct(self, j: int) -> np.ndarray:
        return self.factor(j)[1]

    def head(self, n: int) -> "Columns":
        return Columns(self.cells[:n], {j: (c[:n], u) for j, (c, u) in self._factors.items()})

    def empty_rows(self, first: Sequence[int] = ()) -> np.ndarray:
        """Boolean per row: every cell is None, NaN or only whitespace.

        The columns in ``first`` (the answers: few distinct values, factorised
        anyway) are looked at in full; the others only on the rows still blank, which
        after a few answer columns are the empty rows alone.
        """
        candidates = np.arange(len(self))
        for j in dict.fromkeys([*first, *range(self.width)]):
            if not len(candidates):
                break
            if j in first:
                blank = self.map(j, _is_blank, True, bool)[candidates]
            else:
                blank = np.fromiter(map(_is_blank, self.cells[candidates, j]), bool, len(candidates))
            candidates = candidates[blank]
        out = np.zeros(len(self), dtype=bool)
        out[candidates] = True
        return out


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def _layout(headers: list[str], t: RawTable, header_row: int, data_start: int, cb: Codebook) -> str:
    if t.kind == "sav":
        return "SPSS (.sav)"
    if data_start > header_row + 1:
        between = t.cells[header_row + 1:data_start]
        if _has_import_ids(between[-1]):
            return f"Qualtrics ({'XLSX' if t.kind == 'xlsx' else 'CSV'}, three header rows)"
        return f"SurveyMonkey ({'XLSX' if t.kind == 'xlsx' else 'CSV'}, two header rows)"
    if header_row > 0 and _subheader_row(t.cells[header_row], cb):
        return f"SurveyMonkey ({'XLSX' if t.kind == 'xlsx' else 'CSV'}, two header rows)"
    norm = {normalise(h) for h in headers}
    for name, signature in _LAYOUTS:
        if signature <= norm:
            return name
    return "table with statements as column headers"


def _refuse_unmatched(path: Path, candidates: list[RawTable]):
    """No statement found: say why as precisely as the headers allow."""
    first_rows = [normalise(c) for t in candidates for c in t.cells[:10].ravel() if isinstance(c, str)]
    if sum(bool(re.fullmatch(r"[a-z][a-z0-9_]*\[[a-z0-9_]+\]", c)) for c in first_rows) >= 3:
        raise SurveyError("the headers are LimeSurvey question codes only (such as 'G1Q1[SQ001]'), which cannot be "
                          "matched to the statements; export again with 'Question text' or 'Question code & "
                          "question text' headings, or pass columns={'G1Q1[SQ001]': 'ambitie_1', ...}", file=path)
    where = f" on any of its {len(candidates)} sheets" if len(candidates) > 1 else ""
    raise SurveyError(f"no column header matches a statement of the questionnaire{where} "
                      f"(looked at the first 10 rows). Check that the export has the statements as "
                      f"column headers, or pass columns={{header: item code}}", file=path)


# --------------------------------------------------------------------------- columns
def _strip_prefix(text: str, cb: Codebook) -> list[str]:
    """Variants of a normalised header to try, most literal first."""
    text = _strip_lime_code(text)
    out = [text]
    s = re.sub(r"^(?:q|vraag|question)?\s*\d+(?:\.\d+)*\s*[.):-]?\s+", "", text)
    names = "|".join(re.escape(normalise(n)) for n in
                     [*cb.conditions["code"], *cb.conditions["nl"], *cb.conditions["en"]])
    s2 = re.sub(rf"^(?:{names})\s*(?:-|–|:|\|)\s*", "", s)
    out += [s, s2]
    if " - " in text:  # Qualtrics matrix: "<question text> - <statement>"
        out.append(text.rsplit(" - ", 1)[1])
    m = re.search(r"\[([^\[\]]+)\]\s*$", text)  # Google Forms / LimeSurvey: "Question [statement]"
    if m:
        out.append(normalise(m.group(1)))
    return out


def _strip_lime_code(text: str) -> str:
    """``g1q1[sq001]. ambitie [...]`` -> ``ambitie [...]``; other headers unchanged."""
    m = _LIME_CODE.match(text)
    if m and text[m.end():].startswith(". "):
        return text[m.end() + 2:].strip()
    return text


def _item_lookup(cb: Codebook) -> dict[str, str]:
    lookup = {}
    for row in cb.items.itertuples():
        for s in (row.code, row.nl, row.en):
            lookup[normalise(s)] = row.code
    return lookup


def _comment_condition(norm: str, cb: Codebook) -> str | None | bool:
    """Condition named in a comment header, None if unnamed, False if not a comment header."""
    m = re.fullmatch(r"comment_(\w+)", norm)
    if m and m.group(1) in cb.condition_codes:
        return m.group(1)
    base = re.sub(r"[ ._]?\d+$", "", norm)
    names = {normalise(n): c for c, nl, en in zip(cb.conditions["code"], cb.conditions["nl"], cb.conditions["en"])
             for n in (c, nl, en)}
    for h in cb.comment_headers:
        if base == h:
            return None
        for name, code in names.items():
            if base in (f"{name} - {h}", f"{name}: {h}", f"{name} {h}", f"{h} {name}", f"{h} - {name}"):
                return code
    return False


def _find_header(t: RawTable, cb: Codebook, explicit: dict[str, str], fuzzy: bool):
    """The first of the first 10 rows whose cells name statements.

    Returns ``(header_row, data_start, headers, mapping, notes)`` or None.
    """
    for r in range(min(10, len(t.cells))):
        headers, data_start = _header_rows(t.cells, r, cb)
        mapping = _map_columns(headers, cb, explicit, t.file, r + 1, [] if fuzzy else None)
        if any(kind == "item" for kind, _ in mapping.values()):
            notes: list[str] = []  # the chosen row: headers left unmatched get a fuzzy chance
            return r, data_start, headers, _map_columns(headers, cb, explicit, t.file, r + 1, notes), notes
    return None


def _has_import_ids(row: np.ndarray) -> bool:
    return any(isinstance(c, str) and _IMPORT_ID.match(c) for c in row)


def _subheader_row(row: np.ndarray, cb: Codebook) -> bool:
    """SurveyMonkey's second header row: "Response" / "Open-Ended Response" under questions."""
    markers = set(cb.column_names.get("subheader", []))
    return any(isinstance(c, str) and normalise(c) in markers for c in row)


def _header_rows(cells: np.ndarray, r: int, cb: Codebook) -> tuple[list[str], int]:
    """Header texts for candidate header row ``r`` and the index of the first data row.

    Qualtrics: a question-id row, a question-text row and an ImportId row; the
    data starts after the ImportId row. SurveyMonkey: the question in one row
    and the sub-item (or "Response") in the next; the two are merged.
    """
    own = [_header_text(h) for h in cells[r]]
    for below in (1, 2):
        if r + below < len(cells) and _has_import_ids(cells[r + below]):
            return own, r + below + 1
    if r + 1 < len(cells) and _subheader_row(cells[r + 1], cb):
        top, bottom, start = own, [_header_text(h) for h in cells[r + 1]], r + 2
    elif r > 0 and _subheader_row(cells[r], cb):
        top, bottom, start = [_header_text(h) for h in cells[r - 1]], own, r + 1
    else:
        return own, r + 1
    markers = set(cb.column_names.get("subheader", []))
    merged = [b if b and normalise(b) not in markers else t for t, b in zip(top, bottom)]
    return merged, start


def _map_columns(headers: list[str], cb: Codebook, explicit: dict[str, str], file: str, header_row: int,
                 fuzzy_notes: list[str] | None = None):
    """Column index -> (kind, what) with kind in item/meta/comment/personal.

    With ``fuzzy_notes`` (a list), headers not matched exactly are matched
    fuzzily and every fuzzy decision is appended to it.
    """
    items = _item_lookup(cb)
    names = cb.column_names
    explicit_norm = {normalise(k): v for k, v in explicit.items()}
    mapping: dict[int, tuple[str, str]] = {}
    last_condition = None
    unmatched: list[int] = []
    for j, h in enumerate(headers):
        if not h:
            continue
        n = normalise(h)
        if n in explicit_norm:
            meaning = explicit_norm[n]
            if meaning in cb.item_codes:
                mapping[j] = ("item", meaning)
                last_condition = cb.item_condition[meaning]
            elif meaning in _ROLE_ORDER or meaning in _COMPLETION_ROLES:
                mapping[j] = ("meta", meaning)
            elif meaning.startswith("comment_") and meaning[8:] in cb.condition_codes:
                mapping[j] = ("comment", meaning[8:])
            elif meaning == "personal":
                mapping[j] = ("personal", "")
            elif meaning != "ignore":
                raise SurveyError(f"columns= maps {h!r} to {meaning!r}, which is not an item code, a metadata role "
                                  f"({', '.join(_ROLE_ORDER + _COMPLETION_ROLES)}), comment_<condition>, "
                                  "'personal' or 'ignore'",
                                  file=file)
            continue
        code = next((items[v] for v in _strip_prefix(n, cb) if v in items), None)
        if code:
            mapping[j] = ("item", code)
            last_condition = cb.item_condition[code]
            continue
        n = _strip_lime_code(n)
        if n in names["personal"]:
            mapping[j] = ("personal", "")
            continue
        role = next((r for r in ["respondent_id", "id_generic", *_ROLE_ORDER[1:], *_COMPLETION_ROLES]
                     if n in names.get(r, [])), None)
        if role:
            mapping[j] = ("meta", role)
            continue
        cond = _comment_condition(n, cb)
        if cond is not False:
            cond = cond or last_condition
            if cond:
                mapping[j] = ("comment", cond)
                continue
        unmatched.append(j)
    if fuzzy_notes is not None:
        _fuzzy_items(headers, unmatched, mapping, cb, fuzzy_notes)
    _resolve_roles(mapping, headers, file, header_row)
    return mapping


def _fuzzy_items(headers: list[str], columns: list[int], mapping: dict, cb: Codebook, notes: list[str]) -> None:
    """Match the remaining headers to statements by similarity; note every decision.

    Only for statement-length headers; a header about as close to two items
    (within ``_FUZZY_MARGIN``) or to an item another column already holds is
    left unmatched, with a note. Answer labels are never matched fuzzily:
    "Mee eens" and "Mee oneens" are close as strings and opposite in meaning.
    """
    from difflib import SequenceMatcher

    statements = [(normalise(text), row.code) for row in cb.items.itertuples() for text in (row.nl, row.en)]
    taken = {what for kind, what in mapping.values() if kind == "item"}
    for j in columns:
        variants = [v for v in _strip_prefix(normalise(headers[j]), cb) if len(v) >= _FUZZY_MIN_LENGTH]
        best: dict[str, float] = {}
        for v in dict.fromkeys(variants):
            for text, code in statements:
                m = SequenceMatcher(None, v, text, autojunk=False)
                if m.real_quick_ratio() >= _FUZZY_MIN and m.quick_ratio() >= _FUZZY_MIN:
                    best[code] = max(best.get(code, 0.0), m.ratio())
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < _FUZZY_MIN:
            continue
        (code, score), runner_up = ranked[0], ranked[1] if len(ranked) > 1 else None
        if runner_up and runner_up[1] >= score - _FUZZY_MARGIN:
            notes.append(f"column {headers[j]!r} is about as close to {code} ({score:.2f}) as to {runner_up[0]} "
                         f"({runner_up[1]:.2f}): not matched; pass columns={{header: item code}}")
        elif code in taken:
            notes.append(f"column {headers[j]!r} resembles {code} ({score:.2f}), which another column holds: "
                         "not matched")
        else:
            mapping[j] = ("item", code)
            taken.add(code)
            notes.append(f"column {headers[j]!r} matched to {code} by similarity (score {score:.2f}); "
                         "check it, or pass columns={header: item code}")


def _resolve_roles(mapping: dict, headers: list[str], file: str, header_row: int) -> None:
    """One column per item and role; a person code beats a response number."""
    seen: dict[tuple, int] = {}
    for j in sorted(mapping):
        kind, what = mapping[j]
        if kind not in ("item", "meta"):
            continue
        key = (kind, what)
        if key in seen:
            raise SurveyError(
                f"columns {_col_letter(seen[key])} ({headers[seen[key]]!r}) and {_col_letter(j)} ({headers[j]!r}) "
                f"both hold {what!r}; remove one or pass columns={{header: 'ignore'}}", file=file, row=header_row)
        seen[key] = j
    if ("meta", "respondent_id") in seen and ("meta", "id_generic") in seen:
        del mapping[seen[("meta", "id_generic")]]


def _col_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def _check_personal_content(headers: list[str], cols: Columns, mapping: dict) -> None:
    """Unmapped columns whose cells hold e-mail or IP addresses are personal data."""
    for j in range(cols.width):
        if j in mapping or j >= len(headers):
            continue
        values = [v for v in cols.distinct(j) if isinstance(v, str)]
        if any(_EMAIL.search(v) or _IPV4.search(v) for v in values):
            mapping[j] = ("personal", "")


def _require_metadata(mapping: dict, headers: list[str], path: Path, cb: Codebook) -> None:
    roles = {what for kind, what in mapping.values() if kind == "meta"}
    missing = [r for r in ("leerlab", "partner", "level") if r not in roles]
    if missing:
        names = cb.raw["columns"]
        hint = "; ".join(f"{r}: one of {', '.join(repr(n) for n in names[r][:4])}" for r in missing)
        raise SurveyError(f"no column for {', '.join(missing)} ({hint}); rename the column or pass "
                          f"columns={{header: role}}", file=path)


# --------------------------------------------------------------------------- cells
def scores_from_cells(cols: Columns, j: int, cb: Codebook) -> tuple[np.ndarray, np.ndarray]:
    """Scores and problem codes for column ``j`` of answers.

    Labels are matched after :func:`~analyse.codebook.normalise`; numbers must
    be scale points (a decimal comma is read as a point). Returns float scores
    (NaN = no answer) and an object array of reason codes (None = fine).
    """
    codes, uniques = cols.factor(j)
    labels, points = cb.answer_labels, cb.scale_points  # properties: computed once per column, not per value
    pairs = [_answer(u, labels, points) for u in uniques] + [(np.nan, None)]  # last: None/NaN cells (code -1)
    scores = np.array([p[0] for p in pairs], dtype=float)
    reasons = np.empty(len(pairs), dtype=object)
    reasons[:] = [p[1] for p in pairs]
    return scores[codes], reasons[codes]


def _answer(u, labels: dict[str, float], points: np.ndarray) -> tuple[float, str | None]:
    """Score and problem code (None = fine) of one distinct answer."""
    if _is_blank(u):
        return np.nan, None
    if isinstance(u, str):
        key = normalise(u)
        if key in labels:
            return labels[key], None
        if key.startswith("="):
            return np.nan, "formula"
        try:
            number = float(key.replace(",", "."))
        except ValueError:
            return np.nan, "unknown_label"
    elif isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool):
        number = float(u)
    else:
        return np.nan, "unknown_label"
    if np.isin(number, points):
        return number, None
    if points.min() < number < points.max():
        return np.nan, "fractional_score"
    return np.nan, "out_of_range"


def _as_text(v):
    """A cell as stripped text, runs of whitespace as one space; NA for blanks; whole numbers without '.0'."""
    if type(v) is str:  # the common case first; str.split() splits on what re's \s matches
        return " ".join(v.split()) or pd.NA
    if _is_blank(v):
        return pd.NA
    if hasattr(v, "date") and hasattr(v, "isoformat"):
        return v.date().isoformat() if hasattr(v, "hour") and not (v.hour or v.minute or v.second) else v.isoformat()
    return re.sub(r"\s+", " ", _cell_text(v)).strip()


def _text_cells(cols: Columns, j: int) -> pd.Series:
    """Column ``j`` as stripped text (see :func:`_as_text`)."""
    return pd.Series(cols.map(j, _as_text, pd.NA), dtype="string")


def _coded(cols: Columns, j: int, synonyms: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Column ``j`` as text and as the code its normalised text is a synonym of (NaN: none)."""
    def code(v):
        text = _as_text(v)
        return np.nan if text is pd.NA else synonyms.get(normalise(text), np.nan)
    return _text_cells(cols, j), pd.Series(cols.map(j, code, np.nan), dtype=object)


def _unescape_text(text: str) -> str:
    """Undo the apostrophe our CSV writer puts before text that would start a formula."""
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        return text[1:]
    return text


def _validate(cols: Columns, empty, headers, mapping, cb, file, rows, wave_arg, position, rep,
              unfinished="exclude", formula_cells=False):
    n = len(cols)
    ncol = len(headers)
    reasons = np.full((n, ncol), None, dtype=object)
    items_by_col = {j: what for j, (kind, what) in mapping.items() if kind == "item"}
    score_cols = {code: np.full(n, np.nan) for code in cb.item_codes}
    for j, code in items_by_col.items():
        score_cols[code], reasons[:, j] = scores_from_cells(cols, j, cb)
    scores = pd.DataFrame(score_cols)
    meta_cols = {what: j for j, (kind, what) in mapping.items() if kind == "meta"}
    frame = pd.DataFrame(index=range(n))

    # respondent id
    stem = Path(file).stem
    if "respondent_id" in meta_cols:
        j = meta_cols["respondent_id"]
        ids = _text_cells(cols, j)
        reasons[ids.isna().to_numpy() & (reasons[:, j] == None), j] = "missing_id"  # noqa: E711
        id_column = headers[j]
    elif "id_generic" in meta_cols:
        j = meta_cols["id_generic"]
        ids = stem + "#" + _text_cells(cols, j)
        reasons[ids.isna().to_numpy(), j] = "missing_id"
        id_column = headers[j]
        rep.notes.append(f"column {headers[j]!r} numbers responses, it does not identify people: respondent ids "
                         f"are made file-specific ('{stem}#<number>') and are not paired across waves")
    else:
        ids = pd.Series([f"{stem}#{r}" for r in rows], dtype="string")
        id_column = ""
        rep.notes.append(f"no respondent id column: ids are the row numbers ('{stem}#<row>'), not paired across waves")
    frame["respondent_id"] = ids

    # wave
    if "wave" in meta_cols:
        j = meta_cols["wave"]
        waves = _text_cells(cols, j)
        reasons[waves.isna().to_numpy(), j] = "missing_wave"
        rep.wave_rule = f"from column {headers[j]!r}"
    else:
        m = _WAVE_IN_NAME.search(Path(file).stem)
        if m:
            value, rep.wave_rule = m.group(1), f"{m.group(1)!r} from the file name"
        elif wave_arg is not None:
            value, rep.wave_rule = wave_arg, f"{wave_arg!r} from the wave= argument"
        else:
            value, rep.wave_rule = str(position), f"{position!r} from the order of the files (file {position})"
        waves = pd.Series([value] * n, dtype="string")
    frame["wave"] = waves

    for role, missing, unknown, required in [("leerlab", "missing_leerlab", "unknown_leerlab", True),
                                             ("level", "missing_level", "unknown_level", True),
                                             ("sector", None, "unknown_sector", False)]:
        if role not in meta_cols:
            frame[role] = pd.NA
            continue
        j = meta_cols[role]
        text, code = _coded(cols, j, cb.synonyms(role))
        blank = text.isna().to_numpy()
        if required:
            reasons[blank, j] = missing
        reasons[~blank & code.isna().to_numpy(), j] = unknown
        frame[role] = code
    j = meta_cols["partner"]
    partner = _text_cells(cols, j)
    reasons[partner.isna().to_numpy(), j] = "missing_partner"
    frame["partner"] = partner

    _completion_reasons(cols, meta_cols, cb, reasons, unfinished, rep)
    # A formula Excel never computed is not an answer, whatever column it is in. A FormulaCell equals
    # the text of its formula, so it is told by type, cell by cell, in the rare workbook that has one.
    if formula_cells:
        for j in mapping:
            reasons[[type(v) is FormulaCell for v in cols.cells[:, j]], j] = "formula"

    reasons[empty, :] = None
    answered = scores.notna().any(axis=1).to_numpy()
    has_problem = (reasons != None)  # noqa: E711
    row_bad = has_problem.any(axis=1)
    first_col = has_problem.argmax(axis=1)
    idx = np.arange(n)
    reason = reasons[idx, first_col]
    no_answers = ~empty & ~row_bad & ~answered
    reason[empty] = "empty_row"
    reason[no_answers] = "no_answers"
    bad = row_bad | empty | no_answers

    bad_idx = np.nonzero(bad)[0]
    columns = [headers[first_col[i]] if row_bad[i] else "" for i in bad_idx]
    values = [_cell_text(cols.cells[i, first_col[i]]) if row_bad[i] else "" for i in bad_idx]
    n_problems = has_problem.sum(axis=1)
    excluded = pd.DataFrame({
        "file": file, "row": rows[bad_idx], "column": columns, "value": values,
        "reason": reason[bad_idx],
        "detail": [_detail(reason[i], columns[k], values[k], n_problems[i], cb) for k, i in enumerate(bad_idx)],
    }, columns=EXCLUDED_COLUMNS)

    keep = ~bad
    out = pd.concat([frame.loc[keep].reset_index(drop=True), scores.loc[keep].reset_index(drop=True)], axis=1)
    out["_file"] = file
    out["_row"] = rows[keep]
    out["_id_column"] = id_column

    comment_cols = [(j, what) for j, (kind, what) in mapping.items() if kind == "comment"]
    comments = _comments(cols, keep, comment_cols, out, rep)
    return out[META + cb.item_codes + ["_file", "_row", "_id_column"]], comments, excluded


def _completion_reasons(cols: Columns, meta_cols: dict, cb: Codebook, reasons: np.ndarray, unfinished: str,
                        rep: FileReport) -> None:
    """Mark previews/tests/spam and unfinished responses from the platform's bookkeeping columns."""
    values = cb.raw["columns"]
    flags = {}  # column -> (reason, boolean mask)
    if "status" in meta_cols:
        j = meta_cols["status"]
        status = _coded(cols, j, {normalise(v): "x" for v in values.get("preview_status", [])})[1]
        flags[j] = ("preview", status.notna().to_numpy())
    if "finished" in meta_cols:
        j = meta_cols["finished"]
        finished = _coded(cols, j, {normalise(v): "x" for v in values.get("not_finished", [])})[1]
        flags[j] = ("not_finished", finished.notna().to_numpy())
    if "progress" in meta_cols:
        j = meta_cols["progress"]
        progress = pd.to_numeric(_text_cells(cols, j).str.replace(",", ".").str.rstrip("%"), errors="coerce")
        flags[j] = ("not_finished", (progress < 100).fillna(False).to_numpy(dtype=bool))
    if "submitted" in meta_cols:
        j = meta_cols["submitted"]
        flags[j] = ("not_finished", _text_cells(cols, j).isna().to_numpy())
    unfinished_rows = np.zeros(len(cols), dtype=bool)
    for j, (reason, mask) in flags.items():
        if reason == "not_finished" and unfinished == "keep":
            unfinished_rows |= mask
            continue
        reasons[mask, j] = reason
    if unfinished_rows.any():
        rep.notes.append(f"{int(unfinished_rows.sum())} unfinished response(s) kept (unfinished='keep')")


def _redact(text: pd.Series) -> pd.Series:
    """E-mail and IP addresses replaced by a placeholder (as :func:`_comment_text` does)."""
    return (text.str.replace(_EMAIL, "[e-mail verwijderd]", regex=True)
            .str.replace(_IPV4, "[ip verwijderd]", regex=True))


def _cell_text(v) -> str:
    """A cell as shown; a whole float without '.0', as Excel shows it (calamine reads every number as float)."""
    if _is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _detail(reason: str, column: str, value: str, n_problems: int, cb: Codebook) -> str:
    points = ", ".join(f"{p:g}" for p in cb.scale_points)
    text = {
        "empty_row": "the row is empty",
        "no_answers": "no statement was answered (all blank or 'weet ik niet'/'n.v.t.')",
        "unknown_label": f"{value!r} is not an answer of the scale; use one of the codebook labels or a score {points}",
        "out_of_range": f"{value!r} is outside the scale ({points})",
        "fractional_score": f"{value!r} is not a scale point ({points})",
        "formula": f"the cell holds a formula {value!r}, not an answer (no value saved: open and save the "
                   "file in Excel, or type the answer)",
        "missing_id": "the respondent id is blank",
        "missing_wave": "the wave (meting) is blank",
        "missing_leerlab": "the leerlab is blank",
        "unknown_leerlab": f"{value!r} is not a leerlab of the codebook ({', '.join(cb.leerlab_codes)}); "
                           "add it as a synonym in your codebook",
        "missing_level": "the level (niveau) is blank",
        "unknown_level": f"{value!r} is not a level of the codebook ({', '.join(cb.level_codes)}); "
                         "add it as a synonym in your codebook",
        "unknown_sector": f"{value!r} is not a sector of the codebook ({', '.join(cb.sector_codes)})",
        "missing_partner": "the partner school is blank",
        "preview": f"the platform marks this response as {value!r} (a preview, test or spam), not a respondent",
        "not_finished": f"the platform marks this response as unfinished ({column} = {value!r}); "
                        "pass unfinished='keep' to use its answers",
    }[reason]
    if n_problems > 1:
        text += f" (and {n_problems - 1} more problem(s) in this row)"
    return text


def _comments(cols: Columns, keep, comment_cols, kept: pd.DataFrame, rep: FileReport) -> pd.DataFrame:
    parts = []
    redacted = 0
    for j, condition in comment_cols:
        text = cols.map(j, _comment_text, pd.NA)[keep]
        has = ~pd.isna(text)
        hits = cols.map(j, _has_address, False, bool)[keep]
        redacted += int(hits.sum())
        parts.append(pd.DataFrame({
            "respondent_id": kept.loc[has, "respondent_id"].astype(str).to_numpy(),
            "wave": kept.loc[has, "wave"].astype(str).to_numpy(),
            "condition": condition, "text": text[has],
            "_file": kept.loc[has, "_file"].to_numpy(), "_row": kept.loc[has, "_row"].to_numpy(),
        }))
    if redacted:
        rep.notes.append(f"{redacted} open answer(s) contained an e-mail or IP address; replaced by a placeholder")
    if not parts:
        return pd.DataFrame(columns=["respondent_id", "wave", "condition", "text", "_file", "_row"])
    return pd.concat(parts, ignore_index=True)


def _comment_text(v):
    """An open answer as kept: text, our CSV escape undone, addresses replaced; NA when blank."""
    text = _as_text(v)
    if text is pd.NA:
        return text
    return _IPV4.sub("[ip verwijderd]", _EMAIL.sub("[e-mail verwijderd]", _unescape_text(text)))


def _has_address(v) -> bool:
    text = _as_text(v)
    return text is not pd.NA and bool(_EMAIL.search(text) or _IPV4.search(text))
