"""Wave dates: every notation of a day to one ISO string, and the problems named exactly."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from analyse.dates import DATE_PROBLEMS, date_problem_detail, looks_like_dates, wave_dates


def one(value):
    dates, problems = wave_dates([value])
    return dates[0], problems[0]


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize("value, iso", [
    # objects from spreadsheet readers: the time of day is dropped
    (datetime(2024, 3, 12, 14, 5), "2024-03-12"),
    (datetime(2024, 3, 12), "2024-03-12"),
    (date(2024, 3, 12), "2024-03-12"),
    (pd.Timestamp("2024-03-12 23:59:59"), "2024-03-12"),
    (pd.Timestamp("2024-03-12 10:00", tz="Europe/Amsterdam"), "2024-03-12"),
    (np.datetime64("2024-03-12T10:15"), "2024-03-12"),
    # ISO, year first
    ("2024-03-12", "2024-03-12"),
    ("2024-3-2", "2024-03-02"),
    ("2024-03-12 10:15", "2024-03-12"),
    ("2024-03-12T10:15:00", "2024-03-12"),
    ("2024-03-12T10:15:00.123456", "2024-03-12"),
    ("2024-03-12T10:15:00Z", "2024-03-12"),
    ("2024-03-12 10:15:00+01:00", "2024-03-12"),
    ("2024/03/12", "2024-03-12"),
    ("2024.03.12", "2024-03-12"),
    ("  2024-03-12\n", "2024-03-12"),
    # Dutch day-first with a dash or a dot
    ("12-3-2024", "2024-03-12"),
    ("12-03-2024", "2024-03-12"),
    ("12.03.2024", "2024-03-12"),
    ("1-2-2024", "2024-02-01"),
    ("12-3-2024 10:15:32", "2024-03-12"),
    ("12-3-2024 9:05", "2024-03-12"),
    ("12-3-2024, 10:15", "2024-03-12"),
    ("29-02-2024", "2024-02-29"),
    # slashes: one reading is a date, or both give the same day
    ("03/03/2024", "2024-03-03"),
    ("13/04/2024", "2024-04-13"),
    ("04/13/2024", "2024-04-13"),
    ("31/12/2024", "2024-12-31"),
    ("12/31/2024", "2024-12-31"),
    ("13/04/2024 10:15", "2024-04-13"),
    ("4/13/2024 2:05:32 PM", "2024-04-13"),
    ("4/13/2024 2:05 am", "2024-04-13"),
    ("4/13/2024 2:05 p.m.", "2024-04-13"),
    # written months, Dutch and English
    ("12 maart 2024", "2024-03-12"),
    ("12 Maart 2024", "2024-03-12"),
    ("12 MAART 2024", "2024-03-12"),
    ("12 mrt 2024", "2024-03-12"),
    ("12 mrt. 2024", "2024-03-12"),
    ("12 mar 2024", "2024-03-12"),
    ("12-mrt-2024", "2024-03-12"),
    ("12 maart, 2024", "2024-03-12"),
    ("dinsdag 12 maart 2024", "2024-03-12"),
    ("Dinsdag, 12 maart 2024", "2024-03-12"),
    ("di 12 mrt 2024", "2024-03-12"),
    ("di. 12 mrt. 2024", "2024-03-12"),
    ("12 maart 2024 10:15", "2024-03-12"),
    ("12 March 2024", "2024-03-12"),
    ("March 12, 2024", "2024-03-12"),
    ("March 12 2024", "2024-03-12"),
    ("Mar. 12, 2024", "2024-03-12"),
    ("Tuesday, March 12, 2024", "2024-03-12"),
    ("Tue, Mar 12, 2024", "2024-03-12"),
    ("Tuesday, March 12, 2024 10:15 AM", "2024-03-12"),
    ("12  maart\u00a02024", "2024-03-12"),
    ("1 januari 2025", "2025-01-01"),
    ("3 feb 2025", "2025-02-03"),
    ("3 februari 2025", "2025-02-03"),
    ("1 april 2025", "2025-04-01"),
    ("1 apr 2025", "2025-04-01"),
    ("1 mei 2025", "2025-05-01"),
    ("May 1, 2025", "2025-05-01"),
    ("1 juni 2025", "2025-06-01"),
    ("1 jun 2025", "2025-06-01"),
    ("June 1, 2025", "2025-06-01"),
    ("1 juli 2025", "2025-07-01"),
    ("1 jul 2025", "2025-07-01"),
    ("July 1, 2025", "2025-07-01"),
    ("1 augustus 2025", "2025-08-01"),
    ("1 aug 2025", "2025-08-01"),
    ("August 1, 2025", "2025-08-01"),
    ("1 september 2025", "2025-09-01"),
    ("1 sep 2025", "2025-09-01"),
    ("1 sept. 2025", "2025-09-01"),
    ("1 oktober 2025", "2025-10-01"),
    ("1 okt 2025", "2025-10-01"),
    ("1 oct 2025", "2025-10-01"),
    ("October 1, 2025", "2025-10-01"),
    ("1 november 2025", "2025-11-01"),
    ("1 nov 2025", "2025-11-01"),
    ("1 december 2025", "2025-12-01"),
    ("1 dec 2025", "2025-12-01"),
    ("1 January 2025", "2025-01-01"),
    ("February 3, 2025", "2025-02-03"),
    ("zondag 5 oktober 2025", "2025-10-05"),
    ("Sunday, October 5, 2025", "2025-10-05"),
    # the plausible years, inclusive
    ("1-1-1990", "1990-01-01"),
    ("31-12-2100", "2100-12-31"),
])
def test_a_date_becomes_its_iso_string(value, iso):
    assert one(value) == (iso, None)


def test_two_notations_of_a_day_are_one_wave():
    notations = [datetime(2024, 3, 12, 14, 5), date(2024, 3, 12), pd.Timestamp("2024-03-12"), "2024-03-12",
                 "12-3-2024", "12.03.2024", "2024/03/12 10:15", "12 mrt. 2024", "dinsdag 12 maart 2024",
                 "Tuesday, March 12, 2024", "12-3-2024 10:15:32"]
    dates, problems = wave_dates(notations)
    assert dates == ["2024-03-12"] * len(notations)
    assert problems == [None] * len(notations)


# ---------------------------------------------------------------- problems
@pytest.mark.parametrize("value, code", [
    # slashes: both readings are dates of different days
    ("03/04/2024", "ambiguous_date"),
    ("3/4/2024", "ambiguous_date"),
    ("12/11/2024", "ambiguous_date"),
    ("03/04/2024 10:15 AM", "ambiguous_date"),
    ("03/04/2024 10:15", "ambiguous_date"),
    # two-digit years: the century is a guess
    ("12-3-24", "ambiguous_date"),
    ("12.03.24", "ambiguous_date"),
    ("13/04/24", "ambiguous_date"),
    ("03/03/24", "ambiguous_date"),
    ("03/04/24", "ambiguous_date"),
    ("12 mrt 24", "ambiguous_date"),
    ("March 12, 24", "ambiguous_date"),
    ("29-02-24", "ambiguous_date"),
    # with a dash or dot the order is always day-month-year
    ("12-13-2024", "impossible_date"),
    ("12.13.2024", "impossible_date"),
    ("31-02-2024", "impossible_date"),
    ("30-2-2024", "impossible_date"),
    ("29-02-2023", "impossible_date"),
    ("31-04-2024", "impossible_date"),
    ("0-3-2024", "impossible_date"),
    ("12-0-2024", "impossible_date"),
    ("2024-13-01", "impossible_date"),
    ("2024-02-30", "impossible_date"),
    ("31-02-24", "impossible_date"),
    ("12-13-24", "impossible_date"),
    # slashes: neither reading is a date
    ("13/13/2024", "impossible_date"),
    ("31/04/2024", "impossible_date"),
    ("30/02/2024", "impossible_date"),
    ("00/00/2024", "impossible_date"),
    ("13/13/24", "impossible_date"),
    # written months
    ("31 februari 2024", "impossible_date"),
    ("February 30, 2024", "impossible_date"),
    ("woensdag 12 maart 2024", "impossible_date"),
    ("Monday, March 12, 2024", "impossible_date"),
    # years outside 1990-2100
    ("12-3-1989", "impossible_date"),
    ("1-1-2101", "impossible_date"),
    ("1850-03-12", "impossible_date"),
    ("03/04/1850", "impossible_date"),
    ("12 maart 2124", "impossible_date"),
    (datetime(1899, 12, 30), "impossible_date"),
    (date(2200, 1, 1), "impossible_date"),
    # numbers are never guessed as Excel serials
    (45363, "not_a_date"),
    (45363.0, "not_a_date"),
    (np.int64(45363), "not_a_date"),
    (np.float64(45363.5), "not_a_date"),
    (True, "not_a_date"),
    ("45363", "not_a_date"),
    ("45363.0", "not_a_date"),
    ("45363,0", "not_a_date"),
    ("2024", "not_a_date"),
    ("20240312", "not_a_date"),
    ("-3", "not_a_date"),
    # other text and objects
    ("meting 1", "not_a_date"),
    ("voormeting", "not_a_date"),
    ("maart 2024", "not_a_date"),
    ("12 maart", "not_a_date"),
    ("12 brumaire 2024", "not_a_date"),
    ("12-3", "not_a_date"),
    ("12-3-2024-1", "not_a_date"),
    ("12-03.2024", "not_a_date"),
    ("12/3-2024", "not_a_date"),
    ("12-3-202", "not_a_date"),
    ("12-3-2024 25:00", "not_a_date"),
    ("12-3-2024 10:60", "not_a_date"),
    ("2024-03-12 blabla", "not_a_date"),
    ("12 maart 2024 " + "x" * 50, "not_a_date"),
    ("1" * 65, "not_a_date"),
    (datetime(2024, 3, 12).time(), "not_a_date"),
    (["2024-03-12"], "not_a_date"),
])
def test_a_problem_has_its_code(value, code):
    assert one(value) == (None, code)


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT, np.datetime64("NaT"), "", "   ", "\t\n"])
def test_a_blank_has_neither_date_nor_problem(value):
    assert one(value) == (None, None)


def test_values_keep_their_order_and_length():
    assert wave_dates(["12-3-2024", None, "03/04/2024", "x", "31-02-2024"]) == (
        ["2024-03-12", None, None, None, None],
        [None, None, "ambiguous_date", "not_a_date", "impossible_date"])
    assert wave_dates([]) == ([], [])
    assert wave_dates(iter(["12-3-2024"])) == (["2024-03-12"], [None])


def test_the_text_length_bound_is_64_characters():
    at_bound = "12-3-2024" + " " * 55
    assert len(at_bound) == 64
    assert one(at_bound) == ("2024-03-12", None)
    assert one(at_bound + " ") == (None, "not_a_date")


@pytest.mark.parametrize("value", [
    "1" * 10_000,
    "12-3-2024 " * 1_000,
    "-".join(["12"] * 3334)[:10_000],
    ("1-" * 500_000)[:1_000_000],
    ("12-3-" * 200_000)[:1_000_000],
    ("1" * 500_000 + "-" * 500_000),
])
def test_long_text_is_not_a_date(value):
    # Long text is refused before any pattern runs (a backtracking pattern would hang here).
    assert one(value) == (None, "not_a_date")
    assert looks_like_dates([value]) is False


# ---------------------------------------------------------------- looks_like_dates
@pytest.mark.parametrize("values, expected", [
    ([datetime(2024, 3, 12), datetime(2024, 10, 1)], True),
    ([pd.Timestamp("2024-03-12"), pd.Timestamp("2024-10-01 10:15")], True),
    ([date(2024, 3, 12)], True),
    (["12-3-2024", "1-10-2024"], True),
    (["12-3-2024", None, float("nan"), "", "1-10-2024"], True),
    # bad dates still look like dates
    (["03/04/2024", "31-02-2024", "12-3-24"], True),
    # at least 90 %: 9 dates and one label pass, 8 and one do not
    ([f"{d}-3-2024" for d in range(1, 10)] + ["meting 1"], True),
    ([f"{d}-3-2024" for d in range(1, 9)] + ["meting 1"], False),
    # repeats count once
    (["12-3-2024"] * 20 + ["meting 1", "meting 2"], False),
    (["meting 1", "meting 2"], False),
    ([45363, 45364], False),
    (["45363", "45364"], False),
    ([45363.0], False),
    ([], False),
    ([None, float("nan"), ""], False),
])
def test_looks_like_dates(values, expected):
    assert looks_like_dates(values) is expected


# ---------------------------------------------------------------- descriptions
def test_date_problems_are_the_three_codes_in_dutch_and_english():
    assert list(DATE_PROBLEMS) == ["ambiguous_date", "impossible_date", "not_a_date"]
    for dutch, english in DATE_PROBLEMS.values():
        assert dutch and english and dutch != english


@pytest.mark.parametrize("value, detail", [
    ("03/04/2024", "'03/04/2024' could be 3 April or 4 March; write the date as 2024-04-03 (year-month-day) "
                   "in the file, or give the wave with --wave"),
    ("03/04/24", "'03/04/24' could be 3 April or 4 March, and its year has two digits; write the date as "
                 "2024-04-03 (year-month-day) in the file, or give the wave with --wave"),
    ("12-3-24", "'12-3-24' has a two-digit year (1924 or 2024?); write the date as 2024-03-12 (year-month-day) "
                "in the file, or give the wave with --wave"),
    ("12-13-2024", "'12-13-2024' is not a date: there is no month 13 (with a dash or a dot, the order is "
                   "day-month-year); correct the date in the file, or give the wave with --wave"),
    ("31-02-2024", "'31-02-2024' is not a date: February has no day 31 (with a dash or a dot, the order is "
                   "day-month-year); correct the date in the file, or give the wave with --wave"),
    ("29-2-2023", "'29-2-2023' is not a date: 2023 is not a leap year (with a dash or a dot, the order is "
                  "day-month-year); correct the date in the file, or give the wave with --wave"),
    ("2024-02-30", "'2024-02-30' is not a date: February has no day 30 (year first, the order is "
                   "year-month-day); correct the date in the file, or give the wave with --wave"),
    ("31 april 2024", "'31 april 2024' is not a date: April has no day 31; correct the date in the file, "
                      "or give the wave with --wave"),
    ("13/13/2024", "'13/13/2024' is a date neither as day/month nor as month/day; correct the date in the file, "
                   "or give the wave with --wave"),
    ("woensdag 12 maart 2024", "'woensdag 12 maart 2024' is not a date: 12 March 2024 is a Tuesday, not a "
                               "Wednesday; correct the date in the file, or give the wave with --wave"),
    ("12-3-1850", "'12-3-1850' is not a plausible date: the year 1850 is outside 1990-2100; correct the date in "
                  "the file, or give the wave with --wave"),
    (datetime(1899, 12, 30), "'1899-12-30 00:00:00' is not a plausible date: the year 1899 is outside 1990-2100; "
                             "correct the date in the file, or give the wave with --wave"),
    ("45363", "'45363' is a number, not a date (an Excel date serial is never guessed: if it is one, format the "
              "column as a date in the spreadsheet); write the date as year-month-day (such as 2024-03-12) in the "
              "file, or give the wave with --wave"),
    (45363.0, "'45363.0' is a number, not a date (an Excel date serial is never guessed: if it is one, format the "
              "column as a date in the spreadsheet); write the date as year-month-day (such as 2024-03-12) in "
              "the file, or give the wave with --wave"),
    ("voormeting", "'voormeting' is not a date in a notation that is recognised; write the date as year-month-day "
                   "(such as 2024-03-12) in the file, or give the wave with --wave"),
    ("x" * 100, "'" + "x" * 40 + "…' is text of over 64 characters, not a date; write the date as year-month-day "
                "(such as 2024-03-12) in the file, or give the wave with --wave"),
])
def test_date_problem_detail_names_the_value_and_what_to_do(value, detail):
    code = one(value)[1]
    assert date_problem_detail(code, value, "en") == detail


def test_date_problem_detail_of_a_code_the_value_does_not_have():
    assert date_problem_detail("not_a_date", "12-3-2024", "en") == (
        "'12-3-2024' is reported as: not a date; write the date as year-month-day (such as 2024-03-12) in the "
        "file, or give the wave with --wave")


def test_date_problem_detail_refuses_an_unknown_code():
    with pytest.raises(ValueError, match="'empty_row' is not a date problem"):
        date_problem_detail("empty_row", "12-3-2024")
