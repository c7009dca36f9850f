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
* Metadata columns (respondent code, wave, leerlab, partner, sector, level)
  are recognised by a known header name, by the words of their question
  ("In welk leerlab werk je?") and by their answers (leerlab, level and
  sector names, wave labels, dates, school names); see
  :mod:`analyse.recognise`. A column map (``columns=``) overrides
  recognition; ``metadata=`` gives a value for every row. Answers of
  metadata questions may carry explanations ("Professioneel (docent)"): the
  codebook's names are matched as whole words, and an answer naming two
  levels or leerlabs is excluded (``ambiguous_level``), never guessed.
  Personal-data columns (names, e-mail, IP) are dropped and listed by name
  only, as are columns whose cells look like e-mail or IP addresses.
* Every other column with a header (a cohort question, a free-text field)
  is kept in ``Survey.responses`` after the items, under its header text
  (stripped), to group by: numbers (number cells, or texts such as ``2023``
  or ``3,5``; not ``0612``) as float, anything else as text with e-mail
  addresses, phone numbers and IP addresses replaced. A column blank in every
  row is dropped, and listed. A header already taken (a metadata column, an
  item code, ``comment_<condition>``, ``condition``, ``item``, ``score``,
  ``n``, ``note``, or an earlier extra column) gets ``_2``, ``_3``, ...,
  noted in the report. Columns mapped to ``ignore``, platform bookkeeping
  (times, status, progress) and personal data are never kept. A column of
  one file only is blank (NaN) in the rows of the others.
* A file without a leerlab, partner or level column loads; the report says
  which analyses need the missing column.
* A wave column of dates (Excel dates, ISO, Dutch day-first, "12 maart
  2024") gives one wave per day, as ``YYYY-MM-DD``; an ambiguous or
  impossible date excludes its row.
* Answers are codebook labels (normalised) or numbers on the scale (a decimal
  comma is read as a decimal point); a statement with a scale of its own in
  the codebook is read on that scale. "Weet ik niet", "n.v.t." and blanks mean
  no answer.
* A statement marked ``reverse = true`` in the codebook is scored max + min -
  answer on its scale, here and only here, so every statistic, figure and
  export sees keyed scores; the report names the statements reversed. A file
  in the canonical layout (``Survey.to_csv``, ``Survey.to_excel``) holds keyed
  scores already and is not reversed again (the report says so).
* Previews, test and spam responses (Qualtrics "Response Type") are excluded
  as ``preview``; unfinished responses (Finished = 0/False, Progress < 100, an
  empty LimeSurvey submitdate) as ``not_finished`` unless ``unfinished="keep"``.
* A formula without a saved value excludes its row (``formula``); text that
  starts with ``=``, ``+``, ``-`` or ``@`` in an open answer is kept as text.
  A CSV in the canonical layout (written by ``Survey.to_csv``) has the
  escape of :func:`analyse.writing.escape_csv_text` undone in every text
  cell; no other file is unescaped.
* E-mail addresses, IP addresses and phone numbers typed into open answers,
  the partner column, leerlab/level/sector answers and excluded values are
  replaced by a placeholder (:func:`analyse.cells.redact_text`); the report
  names the column and how many, never the value.
* A row that cannot be used goes to ``Survey.excluded`` with its file, row (as
  the spreadsheet shows it), column, value and reason; the first problem in
  column order is reported. ``len(responses) + len(excluded)`` equals the data
  rows read.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import (
    Columns,
    Vocabulary,
    as_text,
    cell_text,
    coded,
    comment_text,
    has_address,
    is_blank,
    one_of,
    redact,
    redact_text,
    scores_from_cells,
    text_cells,
    unescaped,
)
from .codebook import Codebook, load_codebook, normalise
from .colmap import ColumnMap, FileMap
from .dates import DATE_PROBLEMS, date_problem_detail, looks_like_dates, wave_dates
from .errors import SurveyError
from .headers import layout
from .load_report import (
    EXCLUDED_COLUMNS,
    REASON_CODES,
    ROLE_NEEDS,
    FileReport,
    LoadReport,
    Note,
    Recognised,
)
from .reading import (
    DEFAULT_MAX_XLSX_BYTES,
    SUPPORTED_SUFFIXES,
    FormulaCell,
    Limits,
    NeedsOpenpyxl,
    RawTable,
    read_table,
)
from .recognise import Recognition, recognise
from .survey import META, RESERVED, Survey, extra_name
from .texts import check_lang, text
from .writing import unescape_csv_text

R = REASON_CODES
#: The layout Survey.to_csv and Survey.to_excel write (:func:`analyse.headers.layout`).
CANONICAL = "canonical (analyse)"

__all__ = ["load"]

#: The loader's own columns of a file's rows, dropped before the Survey is made.
_OWN_COLUMNS = ["_file", "_row", "_id_column"]
#: A text that is a number (a decimal comma read as a point); a leading zero makes it a code, not a number.
_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:[.,][0-9]+)?")
_WAVE_IN_NAME = re.compile(r"(?:meting|wave|ronde|peiling|golf)[ _-]*([0-9]+[a-z]?)", re.IGNORECASE)


def load(source, *, codebook: Codebook | str | Path | None = None, wave=None, sheet: str | int | None = None,
         columns: ColumnMap | dict[str, str] | str | Path | None = None, metadata: dict[str, str] | None = None,
         unfinished: str = "exclude", max_xlsx_bytes: int = DEFAULT_MAX_XLSX_BYTES,
         limits: Limits | None = None, engine: str | None = None, lang: str = "nl") -> Survey:
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
    columns : path, dict or ColumnMap, optional
        A column map that overrides recognition: the path of a TOML map (as
        ``analyse check --write-map`` writes it; sections per file-name
        pattern serve a folder of exports, see :mod:`analyse.colmap`) or a
        dict of header -> meaning. A meaning is an item code, a metadata role
        (``respondent_id``, ``wave``, ``leerlab``, ``partner``, ``sector``,
        ``level``), ``comment_<condition>``, ``personal`` or ``ignore``.
    metadata : dict, optional
        A value for every row of every file, for what the form does not ask:
        ``{"leerlab": "Groen", "partner": "Vmbo De Akker"}`` (roles ``wave``,
        ``leerlab``, ``partner``, ``sector``, ``level``). Leerlab, level and
        sector must name a code of the codebook.
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
    limits : analyse.reading.Limits, optional
        Largest sheet (rows, columns, cell area) and CSV (file size, line
        length) read; beyond them a file is refused with a message before it
        is read. The defaults are far above a national wave.
    engine : {None, "fastexcel", "openpyxl"}
        Reader of plain .xlsx workbooks: None (default) uses fastexcel when
        installed, else openpyxl. Workbooks with formulas or merged cells, and
        sheets with a column mixing text and numbers, are always read by
        openpyxl. Both give the same result; the switch exists to compare them.
    lang : {"nl", "en"}
        Language of the ``detail`` column of ``Survey.excluded`` (why each
        row is not used, naming its value and what to do): Dutch by default,
        English with ``"en"``. The reason codes are the same in both.

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
    check_lang(lang)
    cb = load_codebook(codebook)
    column_map = ColumnMap.from_arguments(columns, metadata)
    files = input_files(source)
    waves = _wave_arguments(wave, len(files))
    options = {"sheet": sheet, "unfinished": unfinished, "max_xlsx_bytes": max_xlsx_bytes, "limits": limits,
               "engine": engine}
    parts = [_load_file(path, cb, column_map.for_file(path), waves[i], i + 1, **options)
             for i, path in enumerate(files)]

    # An extra column of one file only is blank (NaN) in the rows of the others: concat aligns them by name.
    responses = parts[0][0] if len(parts) == 1 else pd.concat([p[0] for p in parts], ignore_index=True)
    comments = parts[0][1] if len(parts) == 1 else pd.concat([p[1] for p in parts], ignore_index=True)
    excluded = [p[2] for p in parts]
    reports = [p[3] for p in parts]

    # The same person twice in one wave: keep the first row, exclude the later ones.
    repeated = responses.duplicated(["respondent_id", "wave"], keep=False).to_numpy()
    if repeated.any():
        # Only the rows of the repeated keys are looked at again, not the whole wave.
        rep_rows = responses.loc[repeated]
        dup = rep_rows.duplicated(["respondent_id", "wave"], keep="first")
        first = rep_rows.loc[~dup].set_index(["respondent_id", "wave"])
        d = rep_rows.loc[dup]
        seen = first.loc[list(zip(d["respondent_id"], d["wave"]))]
        excluded.append(pd.DataFrame({
            "file": d["_file"].to_numpy(), "row": d["_row"].to_numpy(), "column": d["_id_column"].to_numpy(),
            "value": d["respondent_id"].to_numpy(), "reason": "duplicate_id",
            "detail": [partial(text, "detail.duplicate_id", respondent=repr(r), wave=repr(w), file=f, row=n)
                       for r, w, f, n in zip(d["respondent_id"], d["wave"], seen["_file"], seen["_row"])],
        }))
        dropped = np.zeros(len(comments), dtype=bool)
        for f, rows in d.groupby("_file", sort=False)["_row"]:
            dropped |= (comments["_file"] == f).to_numpy() & comments["_row"].isin(rows).to_numpy()
        comments = comments[~dropped]
        responses = responses.drop(index=d.index)
        for rep in reports:
            rep.kept -= int((d["_file"] == rep.file).sum())

    excluded_df = (pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame(columns=EXCLUDED_COLUMNS))
    excluded_df = excluded_df[EXCLUDED_COLUMNS].astype({"row": "int64"})
    # Each detail is said once the language is known: in lang for the table, in English for an error.
    say = excluded_df["detail"].tolist()
    excluded_df["detail"] = [s(lang) for s in say]
    # A respondent may type an address into any field; the excluded list must not carry it on.
    for col in ("value", "detail"):
        excluded_df[col] = redact(excluded_df[col].astype(str))
    comments = comments.drop(columns=["_file", "_row"]).reset_index(drop=True)
    report = LoadReport(files=reports, excluded=excluded_df, n_responses=len(responses))
    # drop() makes new arrays, the Survey's own: not copied again.
    responses = responses.drop(columns=_OWN_COLUMNS)
    survey = Survey(responses, codebook=cb, comments=comments, excluded=excluded_df, report=report, copy=False)
    if not len(survey.responses):
        raise SurveyError("no usable respondent in " + ", ".join(str(f) for f in files)
                          + ". Excluded rows by reason: "
                          + ", ".join(f"{k}: {v}" for k, v in excluded_df["reason"].value_counts().items())
                          + f". First problem: {_first_problem(excluded_df, say)}")
    return survey


def _first_problem(excluded: pd.DataFrame, say: list) -> str:
    """The first excluded row for an error message: in English, as every error of the package is."""
    if not len(excluded):
        return "none"
    r = excluded.iloc[0]
    return f"{r['file']}, row {r['row']}, column {r['column']!r}, value {r['value']!r}: {redact_text(say[0]('en'))}"


# --------------------------------------------------------------------------- files


def input_files(source) -> list[Path]:
    """The files ``source`` names: a path, a list of paths, or folders (their exports, sorted by name)."""
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


def _load_file(path: Path, cb: Codebook, file_map: FileMap, wave_arg, position: int, *, sheet, engine: str | None,
               max_xlsx_bytes: int, limits: Limits | None, unfinished: str):
    table = read_table(path, sheet=sheet, max_xlsx_bytes=max_xlsx_bytes, limits=limits, engine=engine)
    try:
        return _load_recognised(recognise(table, cb, file_map), table, path, cb, file_map, wave_arg, position,
                                unfinished)
    except (NeedsOpenpyxl, SurveyError):
        # Formulas or merged cells, found while fastexcel read: openpyxl reads it again, head included.
        if not table.needs_openpyxl():
            raise
    table = read_table(path, sheet=sheet, max_xlsx_bytes=max_xlsx_bytes, limits=limits, engine="openpyxl")
    return _load_recognised(recognise(table, cb, file_map), table, path, cb, file_map, wave_arg, position,
                            unfinished)


def _load_recognised(rec: Recognition, first: RawTable, path: Path, cb: Codebook, file_map: FileMap, wave_arg,
                     position: int, unfinished: str):
    t, rows = rec.table, rec.rows
    rep = FileReport(file=str(path), sheet=t.sheet, notes=[*first.notes])
    if t is not first:
        rep.notes.append(Note.of("load_note.other_sheet", sheet=t.sheet))
        rep.notes.extend(t.notes)
    rep.notes.extend(rec.notes)
    if rows.data_start > rows.row + 1:
        rep.notes.append(Note.of("load_note.platform_rows", first=rows.row + 2, last=rows.data_start,
                                 header=rows.row + 1))
    cols = rec.body
    # Trailing empty rows are formatting, not data.
    empty = cols.empty_rows(first=sorted(rec.of("item")))
    last = int(np.nonzero(~empty)[0].max()) + 1 if (~empty).any() else 0
    if last < len(empty):
        rep.notes.append(Note.of("load_note.trailing_empty", n=len(empty) - last))
    if not last:
        raise SurveyError(f"the file has a header (row {rows.row + 1}) but no data rows", file=path)
    cols = cols.head(last)
    rep.rows_read = last
    rep.layout = layout(rec.headers, t, rows, cb)
    ours = rep.layout == CANONICAL and t.kind == "csv"
    if ours:
        cols = unescaped(cols)  # a CSV we wrote (Survey.to_csv): undo its escape in every text cell
    _name_extras(rec, cols, cb, rep, unescape=ours)
    rep.recognised = [rec.columns[j] for j in sorted(rec.columns)]
    rep.constants = dict(file_map.metadata)
    _note_missing_roles(rec, file_map, rep)

    numbers = np.arange(rows.data_start + 1, rows.data_start + 1 + last)
    frame, comments, excluded = _validate(rec, cols, empty[:last], cb, file_map, str(path), numbers, wave_arg,
                                          position, rep, unfinished)
    rep.kept = len(frame)
    return frame, comments, excluded, rep


def _name_extras(rec: Recognition, cols: Columns, cb: Codebook, rep: FileReport, unescape: bool) -> None:
    """Name the columns kept as extra columns; a column blank in every row is dropped instead.

    The name is the header text, stripped; a name already taken (a metadata
    column, an item code, ``comment_<condition>``, a name analyse gives
    columns of its own such as ``score``, or an extra column before it) gets
    ``_2``, ``_3``, ... (:func:`analyse.survey.extra_name`), noted in the report.
    """
    taken = [*META, *cb.item_codes, *RESERVED, *(f"comment_{c}" for c in cb.condition_codes), *_OWN_COLUMNS]
    for j in sorted(rec.of("extra")):
        r = rec.columns[j]
        if cols.blank(j).all():
            rec.columns[j] = Recognised(r.header, "ignore", "", "empty",
                                        Note.of("evidence.empty"))
            continue
        header = unescape_csv_text(r.header) if unescape else r.header  # our CSV escapes its headers too
        name = extra_name(header, taken)
        taken.append(name)
        if name != header.strip():
            rep.notes.append(Note.of("load_note.extra_renamed", header=r.header, name=name))
        rec.columns[j] = Recognised(r.header, "extra", name, r.how, r.evidence)


def _note_missing_roles(rec: Recognition, file_map: FileMap, rep: FileReport) -> None:
    """Say which analyses a missing leerlab, partner, level or sector column rules out, and the fix."""
    present = set(rec.role_columns()) | set(file_map.metadata)
    for role in ROLE_NEEDS:
        if role not in present:
            rep.notes.append(Note.of("load_note.missing_role", role=role, needs=Note.of(f"needs.{role}")))


# --------------------------------------------------------------------------- rows
def _validate(rec: Recognition, cols: Columns, empty, cb: Codebook, file_map: FileMap, file: str, rows, wave_arg,
              position: int, rep: FileReport, unfinished: str):
    """Every row kept or excluded with its first problem, in column order."""
    n = len(cols)
    headers = rec.headers
    reasons = np.zeros((n, len(headers)), dtype=np.int8)  # REASON_CODES; 0 = no problem
    scores = _scores(rec, cols, cb, reasons, rep)
    roles = rec.role_columns()
    meta = {"respondent_id": _respondent_ids(cols, roles, headers, file, rows, reasons, rep),
            "wave": _waves(cols, roles, headers, file_map, file, wave_arg, position, reasons, rep)}
    meta.update(_categories(cols, roles, headers, cb, file_map, file, reasons, rep))
    meta["partner"] = _partners(cols, roles, headers, file_map, reasons, rep)
    _completion_reasons(cols, roles, cb, reasons, unfinished, rep)
    # A formula Excel never computed is not an answer, whatever column it is in. A FormulaCell equals
    # the text of its formula, so it is told by type, cell by cell, in the rare workbook that has one.
    if rec.table.formula_cells:
        for j, r in rec.columns.items():
            if r.kind not in ("ignore", "extra"):  # an extra column's formula is blank, not a problem
                reasons[[type(v) is FormulaCell for v in cols.columns[j]], j] = R["formula"]
    answered = np.zeros(n, dtype=bool)
    for column in scores.values():
        answered |= ~np.isnan(column)
    bad, excluded = _exclusions(cols, reasons, empty, answered, headers, cb, file, rows, rec.of("item"))

    keep = ~bad
    extra = {r.what: _extra_values(cols, j, keep, rep, headers[j])
             for j, r in sorted(rec.columns.items()) if r.kind == "extra"}
    # One frame of the kept part of every column, each its own array: no matrix of a million rows in between, and
    # no copy at all where every row is kept (the arrays are this function's own).
    kept = slice(None) if not bad.any() else keep
    out = pd.DataFrame({**{m: np.asarray(meta[m], dtype=object)[kept] for m in META},
                        **{code: scores[code][kept] for code in cb.item_codes}, **extra}, copy=False)
    out["_file"] = file
    out["_row"] = rows[keep]
    out["_id_column"] = headers[roles["respondent_id"]] if "respondent_id" in roles else \
        headers[roles["id_generic"]] if "id_generic" in roles else ""
    comments = _comments(cols, keep, list(rec.of("comment").items()), out, file, rep)
    return out, comments, excluded


def _extra_values(cols: Columns, j: int, keep: np.ndarray, rep: FileReport, header: str) -> np.ndarray:
    """An extra column's values in the kept rows: float when every answer is a number, else redacted text.

    Per distinct answer: a number cell, or a text that is a plain number
    (``2023``, ``-1,5``; not ``0612``: a leading zero makes a code), is a
    number; text goes through :func:`analyse.cells.redact_text` (e-mail
    addresses, phone numbers and IP addresses replaced; counted in the
    report, never shown). A formula without a saved value is blank.
    """
    codes, uniques = cols.factor(j)
    # An Arrow column's distinct values may include cells of the header rows: only those in data rows count.
    used = np.zeros(len(uniques), dtype=bool)
    used[codes[codes >= 0]] = True
    blank = [not k or is_blank(u) or type(u) is FormulaCell for u, k in zip(uniques, used)]
    numbers = [np.nan if b else _number(u) for u, b in zip(uniques, blank)]
    if all(x is not None for x in numbers):
        return np.array([*numbers, np.nan], dtype=float)[codes][keep]
    texts = np.full(len(uniques) + 1, pd.NA, dtype=object)  # the last slot: blank cells (code -1)
    changed = np.zeros(len(uniques) + 1, dtype=bool)
    for k, (u, b) in enumerate(zip(uniques, blank)):
        text = pd.NA if b else as_text(u)
        if text is not pd.NA:
            texts[k] = redact_text(text)
            changed[k] = texts[k] != text
    _note_redacted(rep, header, int(changed[codes][keep].sum()))
    return texts[codes][keep]


def _number(u) -> float | None:
    """A cell as a number, or None when it is not one (booleans and dates are not)."""
    if isinstance(u, (bool, np.bool_)):
        return None
    if isinstance(u, (int, float, np.integer, np.floating)):
        return float(u)
    if isinstance(u, str):
        text = u.strip()
        if _NUMBER.fullmatch(text):
            return float(text.replace(",", "."))
    return None


def _scores(rec: Recognition, cols: Columns, cb: Codebook, reasons: np.ndarray, rep: FileReport) -> dict:
    """Every row's score on each item (item code -> column); a reverse-keyed statement scored max + min - answer
    on its own scale.

    A file in the canonical layout holds the keyed scores ``Survey.to_csv``
    wrote: reversing them again would undo the keying, so they are read as
    they are and the report says so.
    """
    n = len(cols)
    columns = rec.of("item")
    score_cols = {}
    for j, code in columns.items():
        score_cols[code], reasons[:, j] = scores_from_cells(cols, j, cb, code)
    score_cols = {code: score_cols[code] if code in score_cols else np.full(n, np.nan) for code in cb.item_codes}
    flip = [c for c in cb.reversed_items if c in columns.values()]
    if flip and rep.layout == CANONICAL:
        rep.notes.append(Note.of("load_note.keyed_already", items=", ".join(flip)))
    elif flip:
        for code in flip:
            points = cb.points_of(code)
            score_cols[code] = points[0] + points[-1] - score_cols[code]
        rep.reversed = flip
    return score_cols


def _respondent_ids(cols: Columns, roles: dict, headers: list[str], file: str, rows, reasons, rep) -> np.ndarray:
    stem = Path(file).stem
    if "respondent_id" in roles:
        j = roles["respondent_id"]
        reasons[cols.blank(j) & (reasons[:, j] == 0), j] = R["missing_id"]
        return np.asarray(text_cells(cols, j), dtype=object)
    if "id_generic" in roles:
        j = roles["id_generic"]
        reasons[cols.blank(j), j] = R["missing_id"]
        rep.notes.append(Note.of("load_note.response_numbers", header=headers[j], stem=stem))
        return np.asarray(stem + "#" + text_cells(cols, j), dtype=object)
    rep.notes.append(Note.of("load_note.row_numbers", stem=stem))
    return np.array([f"{stem}#{r}" for r in rows], dtype=object)


def _waves(cols: Columns, roles: dict, headers: list[str], file_map: FileMap, file: str, wave_arg, position: int,
           reasons, rep) -> np.ndarray:
    """The wave of every row: its column (labels, or dates as ISO days), else one value for the file."""
    n = len(cols)
    if "wave" in roles:
        j = roles["wave"]
        reasons[cols.blank(j), j] = R["missing_wave"]
        if looks_like_dates(cols.tally(j)[0]):
            days, problems = wave_dates(cols.distinct(j))
            codes = cols.factor(j)[0]
            day = np.array([*days, None], dtype=object)[codes]
            problem = np.array([R[p] if p else 0 for p in problems] + [0], dtype=np.int8)[codes]
            reasons[problem != 0, j] = problem[problem != 0]
            rep.wave_rule = Note.of("evidence.wave_dates", header=headers[j])
            return day
        rep.wave_rule = Note.of("evidence.wave_column", header=headers[j])
        return np.asarray(text_cells(cols, j), dtype=object)
    m = _WAVE_IN_NAME.search(Path(file).stem)
    if "wave" in file_map.metadata:
        value = file_map.metadata["wave"]
        rep.wave_rule = Note.of("evidence.wave_given", value=value)
    elif m:
        value, rep.wave_rule = m.group(1), Note.of("evidence.wave_file_name", value=m.group(1))
    elif wave_arg is not None:
        value, rep.wave_rule = wave_arg, Note.of("evidence.wave_argument", value=wave_arg)
    else:
        value, rep.wave_rule = str(position), Note.of("evidence.wave_order", position=position)
    return np.full(n, value, dtype=object)


def _categories(cols: Columns, roles: dict, headers: list[str], cb: Codebook, file_map: FileMap, file: str,
                reasons, rep) -> dict[str, np.ndarray]:
    """Leerlab, level and sector as codebook codes: from their column, or one value given for the file."""
    n = len(cols)
    out = {}
    for role, required in (("leerlab", True), ("level", True), ("sector", False)):
        vocabulary = Vocabulary(cb.synonyms(role))
        if role in file_map.metadata:
            out[role] = np.full(n, _constant_code(role, file_map.metadata[role], vocabulary, cb, file), dtype=object)
            continue
        if role not in roles:
            out[role] = np.full(n, np.nan, dtype=object)
            continue
        j = roles[role]
        code, count, mapping = coded(cols, j, vocabulary)
        if required:
            reasons[count == -1, j] = R[f"missing_{role}"]
        reasons[count == 0, j] = R[f"unknown_{role}"]
        reasons[count > 1, j] = R[f"ambiguous_{role}"]
        labels = {normalise(s) for c in vocabulary.spellings.values() for s in (c, cb.label(role, c, "nl"),
                                                                                cb.label(role, c, "en"))}
        _note_redacted(rep, headers[j], int(cols.map(j, has_address, False, bool).sum()))
        rep.values += [(headers[j], redact_text(raw), c, k) for raw, c, k in mapping
                       if c and normalise(raw) not in labels]
        out[role] = np.where(code == None, np.nan, code)
    return out


def _constant_code(role: str, value: str, vocabulary: Vocabulary, cb: Codebook, file: str) -> str:
    found = vocabulary.codes(value)
    if len(found) != 1:
        codes = _role_codes(cb, role)
        raise SurveyError(f"metadata {role}={value!r} {'names ' + ' and '.join(found) if found else 'is not'} "
                          f"{'' if found else 'a ' + role + ' of the codebook'}; give one of {', '.join(codes)}",
                          file=file)
    return found[0]


def _role_codes(cb: Codebook, role: str) -> list[str]:
    return {"leerlab": cb.leerlab_codes, "level": cb.level_codes, "sector": cb.sector_codes}[role]


def _partners(cols: Columns, roles: dict, headers: list[str], file_map: FileMap, reasons, rep) -> np.ndarray:
    """The partner school of every row as text; an address or phone number typed into it is replaced."""
    if "partner" in file_map.metadata:
        return np.full(len(cols), redact_text(file_map.metadata["partner"]), dtype=object)
    if "partner" not in roles:
        return np.full(len(cols), np.nan, dtype=object)
    j = roles["partner"]
    reasons[cols.blank(j), j] = R["missing_partner"]
    _note_redacted(rep, headers[j], int(cols.map(j, has_address, False, bool).sum()))
    return cols.map(j, comment_text, pd.NA)  # as text_cells gives it, redacted, per distinct value


def _note_redacted(rep: FileReport, header: str, n: int) -> None:
    """Say how many values of a metadata column held an address or phone number (never the values)."""
    if n:
        rep.notes.append(Note.of("load_note.redacted_values", n=n, header=header))


def _exclusions(cols: Columns, reasons: np.ndarray, empty, answered, headers, cb, file: str, rows,
                items: dict[int, str]):
    """Which rows are excluded, and the excluded-rows table: each row's first problem in column order.

    ``answered``: the rows with a score on some item. ``items``: column -> item code, so that an answer off
    the scale is told the points of its statement's scale.
    """
    n = len(cols)
    reasons[empty, :] = 0
    has_problem = reasons != 0
    row_bad = has_problem.any(axis=1)
    first_col = has_problem.argmax(axis=1)
    idx = np.arange(n)
    reason = np.array([None, *R], dtype=object)[reasons[idx, first_col]]
    no_answers = ~empty & ~row_bad & ~answered
    reason[empty] = "empty_row"
    reason[no_answers] = "no_answers"
    bad = row_bad | empty | no_answers

    bad_idx = np.nonzero(bad)[0]
    columns = [headers[first_col[i]] if row_bad[i] else "" for i in bad_idx]
    values = np.full(len(bad_idx), "", dtype=object)
    for j in np.unique(first_col[bad_idx][row_bad[bad_idx]]):
        at = row_bad[bad_idx] & (first_col[bad_idx] == j)
        values[at] = [cell_text(v) for v in cols.values(bad_idx[at], j)]
    values = list(values)
    n_problems = has_problem.sum(axis=1)
    excluded = pd.DataFrame({
        "file": file, "row": rows[bad_idx], "column": columns, "value": values,
        "reason": reason[bad_idx],
        "detail": [partial(_detail, reason[i], columns[k], values[k], n_problems[i], cb,
                           items.get(first_col[i]) if row_bad[i] else None)
                   for k, i in enumerate(bad_idx)],
    }, columns=EXCLUDED_COLUMNS)
    return bad, excluded


def _completion_reasons(cols: Columns, meta_cols: dict, cb: Codebook, reasons: np.ndarray, unfinished: str,
                        rep: FileReport) -> None:
    """Mark previews/tests/spam and unfinished responses from the platform's bookkeeping columns."""
    values = cb.raw["columns"]
    flags = {}  # column -> (reason, boolean mask)
    if "status" in meta_cols:
        j = meta_cols["status"]
        flags[j] = ("preview", one_of(cols, j, {normalise(v) for v in values.get("preview_status", [])}))
    if "finished" in meta_cols:
        j = meta_cols["finished"]
        flags[j] = ("not_finished", one_of(cols, j, {normalise(v) for v in values.get("not_finished", [])}))
    if "progress" in meta_cols:
        j = meta_cols["progress"]
        progress = pd.to_numeric(text_cells(cols, j).str.replace(",", ".").str.rstrip("%"), errors="coerce")
        flags[j] = ("not_finished", (progress < 100).fillna(False).to_numpy(dtype=bool))
    if "submitted" in meta_cols:
        j = meta_cols["submitted"]
        flags[j] = ("not_finished", cols.blank(j))
    unfinished_rows = np.zeros(len(cols), dtype=bool)
    for j, (reason, mask) in flags.items():
        if reason == "not_finished" and unfinished == "keep":
            unfinished_rows |= mask
            continue
        reasons[mask, j] = R[reason]
    if unfinished_rows.any():
        rep.notes.append(Note.of("load_note.unfinished_kept", n=int(unfinished_rows.sum())))


def _detail(reason: str, column: str, value: str, n_problems: int, cb: Codebook, item: str | None,
            lang: str) -> str:
    """Why a row is not used, naming its value and what to do: ``[detail]`` of texts.toml in ``lang``.

    ``item``: the statement of the column, whose own scale names the points.
    """
    if reason in DATE_PROBLEMS:
        said = date_problem_detail(reason, value, lang)
    else:
        kind = reason.partition("_")[2]
        points = cb.scale_points if item is None else cb.points_of(item)
        fields = {"value": repr(value), "column": column, "points": ", ".join(f"{p:g}" for p in points)}
        if reason.startswith("unknown_") and kind != "label":
            fields["codes"] = ", ".join(_role_codes(cb, kind))
        elif reason.startswith("ambiguous_"):
            fields["named"] = f" {text('detail.and', lang)} ".join(Vocabulary(cb.synonyms(kind)).codes(value))
        said = text(f"detail.{reason}", lang, **fields)
    if n_problems > 1:
        said = text("detail.more_problem" if n_problems == 2 else "detail.more_problems", lang, detail=said,
                    n=n_problems - 1)
    return said


def _comments(cols: Columns, keep, comment_cols, kept: pd.DataFrame, file: str, rep: FileReport) -> pd.DataFrame:
    parts = []
    redacted = 0
    ids, waves, rows = (kept[c].to_numpy() for c in ("respondent_id", "wave", "_row"))
    for j, condition in comment_cols:
        codes, uniques = cols.factor(j)
        codes = codes[keep]
        # Per distinct answer (the last slot: blank cells), then spread over the kept rows by code.
        texts = np.array([*map(comment_text, uniques), pd.NA], dtype=object)
        has = np.array([t is not pd.NA for t in texts])[codes]
        redacted += int(np.array([*map(has_address, uniques), False])[codes].sum())
        parts.append(pd.DataFrame({  # kept rows have a text id and wave
            "respondent_id": ids[has], "wave": waves[has], "condition": condition, "text": texts[codes[has]],
            "_file": file, "_row": rows[has],
        }))
    if redacted:
        rep.notes.append(Note.of("load_note.redacted_answers", n=redacted))
    if not parts:
        return pd.DataFrame(columns=["respondent_id", "wave", "condition", "text", "_file", "_row"])
    return pd.concat(parts, ignore_index=True)
