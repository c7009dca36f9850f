"""Cell values of an export: answers to scores, text, blanks, addresses — per column, never per row.

Every rule runs on a column's distinct values (:class:`Columns`), so the work
grows with the number of different answers, not with the respondents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .codebook import Codebook, normalise
from .writing import FORMULA_START

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


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


def _cell_text(v) -> str:
    """A cell as shown; a whole float without '.0', as Excel shows it (calamine reads every number as float)."""
    if _is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


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
    """Undo the apostrophe :func:`analyse.writing.escape_csv_text` puts before text that would start a formula."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def _redact_text(text: str) -> str:
    """E-mail and IP addresses replaced by a placeholder: the one redaction rule of the loader."""
    return _IPV4.sub("[ip verwijderd]", _EMAIL.sub("[e-mail verwijderd]", text))


def _redact(text: pd.Series) -> pd.Series:
    """:func:`_redact_text` on every cell of a text column."""
    return text.map(_redact_text)


def _has_address(v) -> bool:
    text = _as_text(v)
    return text is not pd.NA and bool(_EMAIL.search(text) or _IPV4.search(text))


def _comment_text(v):
    """An open answer as kept: text, our CSV escape undone, addresses replaced; NA when blank."""
    text = _as_text(v)
    if text is pd.NA:
        return text
    return _redact_text(_unescape_text(text))
