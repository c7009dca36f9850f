"""Header rows and header texts: where a table's header is, and the variants of a header to match.

Which column holds what is decided in :mod:`analyse.recognise`; this module
only reads the header rows the platforms write (Qualtrics' export tags and
ImportId rows, SurveyMonkey's second row, LimeSurvey's codes) and takes
header texts apart (a question number, a condition name, ``Question -
statement``, ``Question [statement]``, a dual-scale suffix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .cells import cell_text
from .codebook import Codebook, normalise
from .load_report import Note
from .reading import RawTable

__all__ = ["HeaderRows", "header_rows", "header_text", "header_variants", "strip_lime_code", "is_lime_code",
           "comment_condition", "layout", "col_letter", "dual_scale"]

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
# Qualtrics' third header row: {"ImportId":"QID1_1"} or, in some exports, {'ImportId': 'QID1-1'}.
_IMPORT_ID = re.compile(r"""^\{\s*["']ImportId["']\s*:""")
# Qualtrics' legacy export: a first row V1, V2, ... over the bookkeeping columns, whose meaning is fixed.
_LEGACY_TAGS = {"v1": "ResponseID", "v2": "ResponseSet", "v3": "Name", "v4": "ExternalDataReference",
                "v5": "EmailAddress", "v6": "IPAddress", "v7": "Status", "v8": "StartDate", "v9": "EndDate",
                "v10": "Finished"}
# LimeSurvey dual-scale arrays: "question [statement][Scale 1]".
_DUAL_SCALE = re.compile(r"\s*\[(?:scale|schaal)\s*(\d+)\]$")


@dataclass
class HeaderRows:
    """A candidate header: its row, the first data row, the header texts, and per column an alias.

    The alias is another name of the column that the platform gives outside
    the header text: Qualtrics' export tag in the first row (``Status`` above
    a German ``Antworttyp``), a legacy ``V7``'s meaning, an SPSS variable name
    beside its label. Recognition looks at both.
    """

    row: int
    data_start: int
    headers: list[str]
    aliases: list[str]


def header_text(h) -> str:
    return "" if h is None else cell_text(h).strip()


def layout(headers: list[str], t: RawTable, rows: HeaderRows, cb: Codebook) -> str:
    """The platform layout a header looks like, for the load report."""
    if t.kind == "sav":
        return "SPSS (.sav)"
    suffix = "XLSX" if t.kind == "xlsx" else "CSV"
    if rows.row > 0 and _legacy_tags(t.head[rows.row - 1]):
        return f"Qualtrics ({suffix}, legacy two header rows)"
    if rows.data_start > rows.row + 1:
        if _has_import_ids(t.head[rows.data_start - 1]):
            return f"Qualtrics ({suffix}, three header rows)"
        return f"SurveyMonkey ({suffix}, two header rows)"
    if rows.row > 0 and _subheader_row(t.head[rows.row], cb):
        return f"SurveyMonkey ({suffix}, two header rows)"
    norm = {normalise(h) for h in headers}
    for name, signature in _LAYOUTS:
        if signature <= norm:
            return name
    return Note.of("evidence.statement_table")


def dual_scale(text: str) -> tuple[str, int | None]:
    """``'q [stelling][scale 2]'`` -> ``('q [stelling]', 2)``; other headers unchanged with None."""
    m = _DUAL_SCALE.search(text)
    return (text[:m.start()], int(m.group(1))) if m else (text, None)


def header_variants(text: str, cb: Codebook) -> list[str]:
    """Variants of a normalised header to try as a statement, most literal first."""
    text = strip_lime_code(dual_scale(text)[0])
    out = [text]
    s = re.sub(r"^(?:q|vraag|question)?\s*\d+(?:\.\d+)*\s*[.):-]?\s+", "", text)
    names = "|".join(map(re.escape, cb.condition_names))
    s2 = re.sub(rf"^(?:{names})\s*(?:-|–|:|\|)\s*", "", s)
    out += [s, s2]
    # Qualtrics matrix: "<question text> - <statement>", with or without spaces around the dash.
    out += [text[m.end():] for m in re.finditer(r"\s*[-–]\s*", text)][::-1]
    m = re.search(r"\[([^\[\]]+)\]\s*$", text)  # Google Forms / LimeSurvey: "Question [statement]"
    if m:
        out.append(normalise(m.group(1)))
    return out


def strip_lime_code(text: str) -> str:
    """``g1q1[sq001]. ambitie [...]`` -> ``ambitie [...]``; other headers unchanged."""
    m = _LIME_CODE.match(text)
    if m and text[m.end():].startswith(". "):
        return text[m.end() + 2:].strip()
    return text


def is_lime_code(text: str) -> bool:
    """A bare LimeSurvey question code heading such as ``g1q1[sq001]`` (normalised)."""
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*\[[a-z0-9_]+\]", text))


def comment_condition(norm: str, cb: Codebook) -> str | None | bool:
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


def _has_import_ids(row: np.ndarray) -> bool:
    return any(isinstance(c, str) and _IMPORT_ID.match(c) for c in row)


def _legacy_tags(row: np.ndarray) -> bool:
    """Qualtrics' legacy first row: V1, V2, ... over the first columns."""
    return len(row) >= 2 and normalise(header_text(row[0])) == "v1" and normalise(header_text(row[1])) == "v2"


def _subheader_row(row: np.ndarray, cb: Codebook) -> bool:
    """SurveyMonkey's second header row: "Response" / "Open-Ended Response" under questions."""
    markers = set(cb.column_names.get("subheader", []))
    longest = max(map(len, markers), default=0)
    # Only cells as short as a marker can be one: a long answer is not normalised for nothing.
    return any(isinstance(c, str) and len(c) <= 4 * longest and normalise(c) in markers for c in row)


def header_rows(cells: np.ndarray, r: int, cb: Codebook, names: list[str] | None = None) -> HeaderRows:
    """Header texts for candidate header row ``r``, the first data row, and the columns' aliases.

    Qualtrics: an export-tag row, a question-text row and an ImportId row;
    the data starts after the ImportId row, the tags are the aliases.
    Legacy Qualtrics: a ``V1, V2, ...`` row above the question texts.
    SurveyMonkey: the question in one row and the sub-item (or "Response") in
    the next; the two are merged. ``names`` (SPSS variable names) are the
    aliases of a table that has them.
    """
    own = [header_text(h) for h in cells[r]]
    above = [header_text(h) for h in cells[r - 1]] if r > 0 else [""] * len(own)
    aliases = list(names) if names is not None else [""] * len(own)
    below = [header_text(h) for h in cells[r + 1]] if r + 1 < len(cells) else []
    if r + 2 < len(cells) and _has_import_ids(cells[r + 2]):  # r holds the export tags, r + 1 the texts
        return HeaderRows(r + 1, r + 3, below, own)
    if r + 1 < len(cells) and _has_import_ids(cells[r + 1]):  # r holds the texts
        return HeaderRows(r, r + 2, own, above)
    if _legacy_tags(cells[r]):  # r holds V1, V2, ..., r + 1 the texts
        return HeaderRows(r + 1, r + 2, below, [_LEGACY_TAGS.get(normalise(t), t) for t in own])
    if r > 0 and _legacy_tags(cells[r - 1]):
        return HeaderRows(r, r + 1, own, [_LEGACY_TAGS.get(normalise(a), a) for a in above])
    if r + 1 < len(cells) and _subheader_row(cells[r + 1], cb):
        top, bottom, start = own, [header_text(h) for h in cells[r + 1]], r + 2
    elif r > 0 and _subheader_row(cells[r], cb):
        top, bottom, start = above, own, r + 1
    else:
        return HeaderRows(r, r + 1, own, aliases)
    markers = set(cb.column_names.get("subheader", []))
    merged = [b if b and normalise(b) not in markers else t for t, b in zip(top, bottom)]
    return HeaderRows(r, start, merged, aliases)


def col_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)
