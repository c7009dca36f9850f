"""Wave dates: a date in a wave column ("Datum van de bijeenkomst") as one ISO string.

A wave given as a date is the same wave however it is written, so every
notation of a day becomes the same ``YYYY-MM-DD``. The loader calls
:func:`wave_dates` on a column's distinct values, never per row.

Rules
-----
- A ``datetime``, ``pandas.Timestamp`` or ``numpy.datetime64`` is its date;
  the time of day is dropped. A ``date`` is itself.
- Year first is ISO: ``2024-03-12``, ``2024/03/12``, ``2024.03.12``, also
  followed by a time (``2024-03-12 10:15``, ``2024-03-12T10:15:00``).
- With a dash or a dot, and the year last, the order is always Dutch
  day-month-year: ``12-3-2024``, ``12.03.2024``, ``12-3-2024 10:15:32``
  (Google Forms' Dutch timestamp). ``12-13-2024`` is therefore impossible.
- With slashes, ``d/m/yyyy`` (Dutch) and ``m/d/yyyy`` (US) both occur: the
  date is taken only when one reading is a date or both give the same day;
  ``03/04/2024`` is ambiguous. A time may follow, also with AM/PM; AM/PM
  does not settle the order, as British and Australian forms use it with
  day first.
- A written month, Dutch or English, full or abbreviated, any case:
  ``12 maart 2024``, ``12 mrt. 2024``, ``12-mrt-2024``, ``dinsdag 12 maart
  2024``, ``March 12, 2024``, ``Tuesday, March 12, 2024``. A weekday must
  be the weekday of that date; if not, the date is impossible.
- A two-digit year is ambiguous (the century is a guess); a year outside
  1990-2100 is impossible; so are 31 February and month 13.
- A number, or text that is only a number (``45363``, ``45363.0``), is not a
  date: an Excel date serial is never guessed, as a count or a code looks
  the same. Any other text is not a date either.
- Text longer than 64 characters is not a date and is not parsed. The
  patterns have bounded quantifiers only, so a match costs constant time.

Problem codes: ``ambiguous_date``, ``impossible_date``, ``not_a_date``
(:data:`DATE_PROBLEMS`). Blank values (``None``, NaN, ``NaT``, empty text)
have neither a date nor a problem.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from numbers import Number
from typing import NamedTuple

import numpy as np
import pandas as pd

from .texts import check_lang, text

__all__ = ["DATE_PROBLEMS", "date_problem_detail", "looks_like_dates", "wave_dates"]

#: Problem codes of a wave date: code -> (Dutch, English) description for reports (``[reason]`` of texts.toml).
DATE_PROBLEMS = {code: (text(f"reason.{code}", "nl"), text(f"reason.{code}", "en"))
                 for code in ("ambiguous_date", "impossible_date", "not_a_date")}

#: Plausible years of a wave: a year outside is a typing error, not a meeting.
FIRST_YEAR, LAST_YEAR = 1990, 2100

_MAX_LENGTH = 64

_MONTH_NAMES = {
    1: ("januari", "january", "jan"),
    2: ("februari", "february", "feb"),
    3: ("maart", "march", "mrt", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("augustus", "august", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nov"),
    12: ("december", "dec"),
}
_WEEKDAY_NAMES = {  # date.weekday(): Monday is 0
    0: ("maandag", "monday", "ma", "mon"),
    1: ("dinsdag", "tuesday", "di", "tues", "tue"),
    2: ("woensdag", "wednesday", "wo", "wed"),
    3: ("donderdag", "thursday", "do", "thurs", "thur", "thu"),
    4: ("vrijdag", "friday", "vr", "fri"),
    5: ("zaterdag", "saturday", "za", "sat"),
    6: ("zondag", "sunday", "zo", "sun"),
}
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_WEEKDAYS = {name: number for number, names in _WEEKDAY_NAMES.items() for name in names}


def _alternatives(names) -> str:
    # longest first, so that "maart" is tried before "mar" and "sept" before "sep"
    return "|".join(sorted(names, key=len, reverse=True))


# Every quantifier of the date patterns is bounded ({m,n} or ?), text is matched after its
# whitespace is collapsed to single spaces, and a match is anchored: it never backtracks far.
_TIME = (r"(?:(?:,? |t)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?"
         r"(?: ?[ap]\.?m\.?)?(?: ?(?:z|[+-]\d{2}:?\d{2}))?)?")
_YEAR = r"(?P<y>\d{4}|\d{2})"
_WEEKDAY = rf"(?:(?P<wd>{_alternatives(_WEEKDAYS)})\.?,? )?"
_MONTH = rf"(?P<mon>{_alternatives(_MONTHS)})"
_ISO = re.compile(rf"(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TIME}")
_DAY_FIRST = re.compile(rf"(?P<d>\d{{1,2}})(?P<sep>[-.])(?P<m>\d{{1,2}})(?P=sep){_YEAR}{_TIME}")
_SLASHED = re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/{_YEAR}{_TIME}")
_DAY_MONTH = re.compile(rf"{_WEEKDAY}(?P<d>\d{{1,2}})[ -]{_MONTH}(?:\. ?|,? |-){_YEAR}{_TIME}")
_MONTH_DAY = re.compile(rf"{_WEEKDAY}{_MONTH}\.? (?P<d>\d{{1,2}}),? {_YEAR}{_TIME}")
_NUMBER = re.compile(r"[-+]?\d{1,20}(?:[.,]\d{1,20})?")
_SPACE = re.compile(r"\s+")



class _Said(NamedTuple):
    """A sentence of the translation table before its language is chosen: its key and the values it names.

    A value that is itself a ``_Said`` (a month name, a clause) or a date (said as "3 april")
    is put in the same language when the sentence is.
    """

    key: str
    fields: dict

    def said(self, lang: str) -> str:
        return text(self.key, lang, **{name: value.said(lang) if isinstance(value, _Said)
                                       else _spoken(value, lang) if isinstance(value, date) else value
                                       for name, value in self.fields.items()})


def _say(key: str, **fields) -> _Said:
    return _Said(f"detail.{key}", fields)


_A_NUMBER = _say("date_number")
_FIX = _say("date_fix")


class _Reading(NamedTuple):
    """What a value says: its ISO date or a problem code, why, and a date to suggest."""

    iso: str | None = None
    code: str | None = None
    why: _Said | None = None
    example: str | None = None  # for an ambiguous date: the Dutch, 21st-century reading


def wave_dates(values) -> tuple[list[str | None], list[str | None]]:
    """The ISO date of each value, or the problem that keeps it from being one.

    Parameters
    ----------
    values : iterable
        The distinct values of a wave column, as a spreadsheet reader gives
        them: ``datetime``, ``date``, ``pandas.Timestamp``, text, numbers,
        ``None`` or NaN.

    Returns
    -------
    dates : list of str or None
        ``'YYYY-MM-DD'`` per value; None for a blank or a problem.
    problems : list of str or None
        A code of :data:`DATE_PROBLEMS` per value; None for a date or a blank.

    Examples
    --------
    >>> wave_dates(["12-3-2024", "March 12, 2024", "03/04/2024", None])
    (['2024-03-12', '2024-03-12', None, None], [None, None, 'ambiguous_date', None])
    """
    readings = [_read(v) for v in values]
    return [r.iso for r in readings], [r.code for r in readings]


def looks_like_dates(values) -> bool:
    """Whether a column holds dates: at least 90 % of its distinct non-blank values, and at least one.

    An ambiguous or impossible date still looks like a date (it is a bad
    one); a number does not, as an Excel serial is never guessed.

    Parameters
    ----------
    values : iterable
        The values of a column; blanks are ignored, repeats count once.

    Returns
    -------
    bool
    """
    readings = [_read(v) for v in dict.fromkeys(v for v in values if not _is_blank(v))]
    shaped = sum(r.code != "not_a_date" for r in readings)
    return shaped >= 1 and shaped >= 0.9 * len(readings)


def date_problem_detail(code: str, value, lang: str = "nl") -> str:
    """A sentence on why a row's wave date is not used, naming the value and what to do.

    Parameters
    ----------
    code : str
        A code of :data:`DATE_PROBLEMS`, as :func:`wave_dates` gave it for ``value``.
    value
        The cell's value.
    lang : {"nl", "en"}
        Language of the sentence (``[detail]`` of texts.toml), dates said
        with the month and weekday names of that language.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``code`` is not a date problem, or ``lang`` not a language.

    Examples
    --------
    >>> date_problem_detail("ambiguous_date", "03/04/2024")
    "'03/04/2024' kan 3 april of 4 maart zijn; schrijf de datum als 2024-04-03 (jaar-maand-dag) in het bestand, \
of geef de meting op met --wave"
    >>> date_problem_detail("impossible_date", "31-02-2024", "en")
    "'31-02-2024' is not a date: February has no day 31 (with a dash or a dot, the order is day-month-year); \
correct the date in the file, or give the wave with --wave"
    """
    if code not in DATE_PROBLEMS:
        raise ValueError(f"{code!r} is not a date problem; expected one of {', '.join(DATE_PROBLEMS)}")
    check_lang(lang)
    reading = _read(value)
    # a code from elsewhere than this value's reading still gets a sentence, if a vaguer one
    why = reading.why if reading.code == code else _say("date_reported_as", problem=_Said(f"reason.{code}", {}))
    if code == "ambiguous_date" and reading.example:
        advice = _say("date_write_example", example=reading.example, fix=_FIX)
    elif code == "impossible_date":
        advice = _say("date_correct", fix=_FIX)
    else:
        advice = _say("date_write_iso", fix=_FIX)
    return _say("date_sentence", value=_shown(value), why=why, advice=advice).said(lang)


def _read(value) -> _Reading:
    if _is_blank(value):
        return _Reading()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            return _Reading(code="impossible_date", why=_year_outside(value.year))
        return _Reading(iso=value.isoformat())
    if isinstance(value, Number):
        return _Reading(code="not_a_date", why=_A_NUMBER)
    if not isinstance(value, str):
        return _Reading(code="not_a_date", why=_say("date_other"))
    if len(value) > _MAX_LENGTH:
        return _Reading(code="not_a_date", why=_say("date_too_long", n=_MAX_LENGTH))
    return _read_text(_SPACE.sub(" ", value).strip().lower())


def _read_text(text: str) -> _Reading:
    if m := _ISO.fullmatch(text):
        return _judge(m["y"], int(m["m"]), int(m["d"]), order=_say("date_order_year_first"))
    if m := _DAY_FIRST.fullmatch(text):
        return _judge(m["y"], int(m["m"]), int(m["d"]), order=_say("date_order_day_first"))
    if m := _SLASHED.fullmatch(text):
        return _judge_slashed(m["y"], int(m["a"]), int(m["b"]))
    if m := _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text):
        return _judge(m["y"], _MONTHS[m["mon"]], int(m["d"]), weekday=m["wd"])
    if _NUMBER.fullmatch(text):
        return _Reading(code="not_a_date", why=_A_NUMBER)
    return _Reading(code="not_a_date", why=_say("date_unrecognised"))


def _judge(year: str, month: int, day: int, order: _Said | None = None, weekday: str | None = None) -> _Reading:
    """One reading of a day, month and year written out."""
    y = int(year)
    two_digits = len(year) == 2
    if not two_digits and not FIRST_YEAR <= y <= LAST_YEAR:
        return _Reading(code="impossible_date", why=_year_outside(y))
    # a two-digit year is checked in the 21st century, which has every leap year the 20th has
    found = _date(2000 + y if two_digits else y, month, day)
    if found is None:
        problem = _no_such_day(y, month, day, two_digits)
        why = _say("date_impossible_order", problem=problem, order=order) if order is not None else \
            _say("date_impossible", problem=problem)
        return _Reading(code="impossible_date", why=why)
    if two_digits:
        return _Reading(code="ambiguous_date", why=_say("date_two_digit_year", yy=year), example=found.isoformat())
    if weekday is not None and _WEEKDAYS[weekday] != found.weekday():
        why = _say("date_wrong_weekday", day=found, year=found.year, actual=_weekday(found.weekday()),
                   written=_weekday(_WEEKDAYS[weekday]))
        return _Reading(code="impossible_date", why=why)
    return _Reading(iso=found.isoformat())


def _judge_slashed(year: str, a: int, b: int) -> _Reading:
    """``a/b/year``: Dutch day-first and US month-first; taken only when they agree or one is impossible."""
    y = int(year)
    two_digits = len(year) == 2
    if not two_digits and not FIRST_YEAR <= y <= LAST_YEAR:
        return _Reading(code="impossible_date", why=_year_outside(y))
    full = 2000 + y if two_digits else y
    day_first, month_first = _date(full, b, a), _date(full, a, b)
    if day_first is None and month_first is None:
        return _Reading(code="impossible_date", why=_say("date_neither_order"))
    if day_first and month_first and day_first != month_first:
        return _Reading(code="ambiguous_date", example=day_first.isoformat(),
                        why=_say("date_could_be_two_digits" if two_digits else "date_could_be",
                                 first=day_first, second=month_first))
    found = day_first or month_first
    if two_digits:
        return _Reading(code="ambiguous_date", why=_say("date_two_digit_year", yy=year), example=found.isoformat())
    return _Reading(iso=found.isoformat())


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_outside(year: int) -> _Said:
    return _say("date_year_outside", year=year, first=FIRST_YEAR, last=LAST_YEAR)


def _no_such_day(year: int, month: int, day: int, two_digits: bool) -> _Said:
    if not 1 <= month <= 12:
        return _say("date_no_month", month=month)
    if month == 2 and day == 29 and not two_digits:
        return _say("date_no_leap_year", year=year)
    return _say("date_no_day", month=_Said(f"month.{month}", {}), day=day)


def _weekday(number: int) -> _Said:
    return _Said(f"weekday.{number}", {})


def _spoken(day: date, lang: str) -> str:
    """'3 april', '3 April': how a date reads in the sentences of the load report."""
    return f"{day.day} {text(f'month.{day.month}', lang)}"


def _shown(value) -> str:
    # the sentence goes into excluded.csv once per row: a long cell is cut, not copied whole
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _is_blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
