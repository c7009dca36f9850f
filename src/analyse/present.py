"""Numbers and tables as a reader sees them: fixed decimals, a decimal comma in Dutch, p as 0,03 or < 0,001.

One place for how a number is written in the report, the leerlab pages and
the figures: two decimals for means, differences and indices, an interval
as one cell, verdicts as words in the page's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from .codebook import Codebook
from .texts import text

__all__ = ["Cell", "Column", "Table", "interval", "number", "p_phrase", "p_value", "share", "table"]

MISSING = "—"  # an estimate that is not shown: too small a group, or undefined


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def number(x, lang: str, decimals: int = 2, *, signed: bool = False) -> str:
    """``x`` with ``decimals`` decimals; a decimal comma in Dutch; a true minus sign; — when missing."""
    if _missing(x):
        return MISSING
    x = float(x)
    s = f"{x:+.{decimals}f}" if signed else f"{x:.{decimals}f}"
    if s.lstrip("+-").strip("0.") == "":  # -0.00 is 0.00
        s = f"{0:.{decimals}f}"
    s = s.replace("-", "\u2212")
    return s.replace(".", ",") if lang == "nl" else s


def p_value(p, lang: str) -> str:
    """A p-value as a reader expects it: < 0,001 below a thousandth, three decimals below .01, else two."""
    if _missing(p):
        return MISSING
    if p < 0.001:
        return "< " + number(0.001, lang, 3)
    return number(p, lang, 3 if p < 0.01 else 2)


def p_phrase(p, lang: str) -> str:
    """A p-value in a sentence: p = 0,03 or p < 0,001."""
    written = p_value(p, lang)
    return f"p {written}" if written.startswith("<") else f"p = {written}"


def interval(low, high, lang: str, decimals: int = 2) -> str:
    """An interval as one cell: [3,12; 3,56] in Dutch (the comma is taken), [3.12, 3.56] in English."""
    if _missing(low) or _missing(high):
        return MISSING
    sep = "; " if lang == "nl" else ", "
    return f"[{number(low, lang, decimals)}{sep}{number(high, lang, decimals)}]"


def share(x, lang: str) -> str:
    return MISSING if _missing(x) else f"{number(100 * float(x), lang, 0)}%"


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = ""  # a class for a cue (e.g. the verdict), which the page also marks with a symbol


@dataclass(frozen=True)
class Column:
    """One column of a curated table: its header key, and how a row becomes its cell."""

    header: str
    cell: Callable[[pd.Series, str, Codebook], Cell]
    numeric: bool = True


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    numeric: list[bool]
    more: int = 0  # rows left out of the page (they are in tables.xlsx)
    caption: str = ""
    notes: list[str] = field(default_factory=list)


def table(frame: pd.DataFrame, columns: Sequence[Column], lang: str, codebook: Codebook, *,
          limit: int | None = None) -> Table:
    """The rows of ``frame`` as cells of ``columns``, with localised headers; at most ``limit`` rows."""
    shown = frame if limit is None else frame.head(limit)
    rows = [[c.cell(row, lang, codebook) for c in columns] for _, row in shown.iterrows()]
    return Table(headers=[text(f"header.{c.header}", lang) for c in columns], rows=rows,
                 numeric=[c.numeric for c in columns], more=len(frame) - len(shown))


# ---------------------------------------------------------------- column kinds
def label(col: str, kind: str | None = None, header: str | None = None) -> Column:
    """A code shown as its codebook label (condition, level, leerlab), or as written."""

    def cell(row, lang, cb):
        v = row[col]
        if _missing(v):
            return Cell(MISSING)
        if kind is not None:
            try:
                return Cell(cb.label(kind, str(v), lang))
            except KeyError:  # a value of the user's own, not in the codebook
                pass
        return Cell(str(v))

    return Column(header or col, cell, numeric=False)


def fixed(col: str, decimals: int = 2, header: str | None = None, *, signed: bool = False) -> Column:
    return Column(header or col, lambda row, lang, cb: Cell(number(row[col], lang, decimals, signed=signed)))


def count(col: str, header: str | None = None) -> Column:
    return Column(header or col, lambda row, lang, cb: Cell(number(row[col], lang, 0)))


def ci(low: str = "ci_low", high: str = "ci_high", header: str = "ci") -> Column:
    return Column(header, lambda row, lang, cb: Cell(interval(row[low], row[high], lang)))


def pval(col: str, header: str = "p_holm") -> Column:
    return Column(header, lambda row, lang, cb: Cell(p_value(row[col], lang)))


def percent(col: str, header: str | None = None) -> Column:
    return Column(header or col, lambda row, lang, cb: Cell(share(row[col], lang)))


def word(col: str, section: str, header: str | None = None) -> Column:
    """A value shown as a word of the translation table (a verdict, a flag); its css class is the value."""

    def cell(row, lang, cb):
        v = row[col]
        if _missing(v) or v == "":
            return Cell("")
        return Cell(text(f"{section}.{v}", lang), css=f"{section}-{str(v).replace(' ', '-')}")

    return Column(header or col, cell, numeric=False)
