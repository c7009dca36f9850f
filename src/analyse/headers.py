"""Header rows and column recognition: which column holds which statement, metadata or comment.

See :mod:`analyse.loading` for the rules; the names matched are in the codebook's ``[columns]``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .cells import _EMAIL, _IPV4, Columns, _cell_text
from .codebook import Codebook, normalise
from .errors import SurveyError
from .reading import RawTable
from .survey import Note

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


def _header_text(h) -> str:
    return "" if h is None else _cell_text(h).strip()


def _layout(headers: list[str], t: RawTable, header_row: int, data_start: int, cb: Codebook) -> str:
    if t.kind == "sav":
        return "SPSS (.sav)"
    if data_start > header_row + 1:
        between = t.head[header_row + 1:data_start]
        if _has_import_ids(between[-1]):
            return f"Qualtrics ({'XLSX' if t.kind == 'xlsx' else 'CSV'}, three header rows)"
        return f"SurveyMonkey ({'XLSX' if t.kind == 'xlsx' else 'CSV'}, two header rows)"
    if header_row > 0 and _subheader_row(t.head[header_row], cb):
        return f"SurveyMonkey ({'XLSX' if t.kind == 'xlsx' else 'CSV'}, two header rows)"
    norm = {normalise(h) for h in headers}
    for name, signature in _LAYOUTS:
        if signature <= norm:
            return name
    return Note("table with statements as column headers", "tabel met de stellingen als kolomkoppen")


def _strip_prefix(text: str, cb: Codebook) -> list[str]:
    """Variants of a normalised header to try, most literal first."""
    text = _strip_lime_code(text)
    out = [text]
    s = re.sub(r"^(?:q|vraag|question)?\s*\d+(?:\.\d+)*\s*[.):-]?\s+", "", text)
    names = "|".join(map(re.escape, cb.condition_names))
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


def _comment_condition(norm: str, cb: Codebook) -> str | None | bool:
    """Condition named in a comment header, None if unnamed, False if not a comment header."""
    m = re.fullmatch(r"comment_(\w+)", norm)
    if m and m.group(1) in cb.condition_codes:
        return m.group(1)
    base = re.sub(r"[ ._]?\d+$", "", norm)
    for h in cb.comment_headers:
        if base == h:
            return None
        for name, code in cb.condition_names.items():
            if base in (f"{name} - {h}", f"{name}: {h}", f"{name} {h}", f"{h} {name}", f"{h} - {name}"):
                return code
    return False


def _find_header(t: RawTable, cb: Codebook, explicit: dict[str, str], fuzzy: bool):
    """The first of the first 10 rows whose cells name statements.

    Returns ``(header_row, data_start, headers, mapping, notes)`` or None.
    """
    for r in range(min(10, len(t.head))):
        headers, data_start = _header_rows(t.head, r, cb)
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
    items = cb.header_items
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
            notes.append(Note(f"column {headers[j]!r} is about as close to {code} ({score:.2f}) as to {runner_up[0]} "
                              f"({runner_up[1]:.2f}): not matched; pass columns={{header: item code}}",
                              f"kolom {headers[j]!r} lijkt even veel op {code} ({score:.2f}) als op {runner_up[0]} "
                              f"({runner_up[1]:.2f}): niet gekoppeld; geef columns={{kop: stellingcode}} mee"))
        elif code in taken:
            notes.append(Note(f"column {headers[j]!r} resembles {code} ({score:.2f}), which another column holds: "
                              "not matched",
                              f"kolom {headers[j]!r} lijkt op {code} ({score:.2f}), maar die stelling staat al in "
                              "een andere kolom: niet gekoppeld"))
        else:
            mapping[j] = ("item", code)
            taken.add(code)
            notes.append(Note(f"column {headers[j]!r} matched to {code} by similarity (score {score:.2f}); "
                              "check it, or pass columns={header: item code}",
                              f"kolom {headers[j]!r} op gelijkenis gekoppeld aan {code} (score {score:.2f}); "
                              "controleer dit, of geef columns={kop: stellingcode} mee"))


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
        # Both patterns need an "@" or a "."; only cells with one are searched.
        if any(_EMAIL.search(v) or _IPV4.search(v) for v in cols.distinct_text(j, ("@", "."))):
            mapping[j] = ("personal", "")


def _require_metadata(mapping: dict, headers: list[str], path: Path, cb: Codebook) -> None:
    roles = {what for kind, what in mapping.values() if kind == "meta"}
    missing = [r for r in ("leerlab", "partner", "level") if r not in roles]
    if missing:
        names = cb.raw["columns"]
        hint = "; ".join(f"{r}: one of {', '.join(repr(n) for n in names[r][:4])}" for r in missing)
        raise SurveyError(f"no column for {', '.join(missing)} ({hint}); rename the column or pass "
                          f"columns={{header: role}}", file=path)
