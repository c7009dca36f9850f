"""The detail column of excluded rows in the language of the run: Dutch by default, English on request."""

import doctest
import re

import pandas as pd
import pytest
from conftest import export_frame

import analyse as an
from analyse import dates
from analyse.cli import main
from analyse.dates import date_problem_detail
from analyse.load_report import REASON_CODES
from analyse.writing import unescape_csv_text

FIRST_ITEM = "We hebben expliciet met elkaar uitgesproken wat onze gezamenlijke ambitie is."
N = 30  # 27 rows with a problem, 3 kept: enough distinct dates for the wave column to read as dates

#: One row per reason: the row's cells that differ from a usable row (column -> value).
PROBLEMS = {
    "empty_row": None,  # every cell blank
    "no_answers": "Weet ik niet",  # in every statement
    "unknown_label": {FIRST_ITEM: "Best wel eens"},
    "out_of_range": {FIRST_ITEM: "6"},
    "fractional_score": {FIRST_ITEM: "3,5"},
    "formula": {FIRST_ITEM: "=1+2"},
    "missing_id": {"Respondentcode": ""},
    "duplicate_id": {"Respondentcode": "P27", "Meting": "27-3-2024"},  # then again in row 28, which is excluded
    "missing_leerlab": {"Leerlab": ""},
    "unknown_leerlab": {"Leerlab": "Techniek"},
    "ambiguous_leerlab": {"Leerlab": "Groen en Zorg"},
    "missing_level": {"Niveau": ""},
    "unknown_level": {"Niveau": "Stagiair"},
    "ambiguous_level": {"Niveau": "Bestuurlijk/management"},
    "unknown_sector": {"Onderwijstype": "havo"},
    "ambiguous_sector": {"Onderwijstype": "vmbo/mbo"},
    "missing_partner": {"School": ""},
    "missing_wave": {"Meting": ""},
    "ambiguous_date": {"Meting": "03/04/2024"},
    "impossible_date": {"Meting": "31-02-2024"},
    "not_a_date": {"Meting": "voormeting"},
    "not_finished": {"Finished": "0"},
    "preview": {"Status": "Survey Preview"},
}
#: Rows with more than one problem: the first is named, the others counted.
MORE = [{"Niveau": "Stagiair", FIRST_ITEM: "9"}, {"Niveau": "Stagiair", FIRST_ITEM: "9", "Leerlab": "Techniek"},
        {"Respondentcode": "", "Leerlab": "", "Niveau": "", FIRST_ITEM: "0"}]
MORE_REASONS = ["unknown_level", "unknown_leerlab", "missing_id"]

# Words of the English sentences that Dutch does not use ("is", "in", "of", "open", "april" are Dutch too).
ENGLISH = {
    "the", "not", "no", "row", "file", "blank", "empty", "answer", "answered", "answers", "scale", "point",
    "statement", "use", "add", "your", "synonym", "names", "more", "than", "one", "correct", "give", "whole",
    "holds", "cell", "saved", "save", "type", "id", "already", "wave", "first", "kept", "level", "sector",
    "partner", "date", "year", "month", "day", "days", "leap", "could", "be", "has", "with", "dash", "dot", "order",
    "year-month-day", "write", "such", "as", "number", "never", "guessed", "format", "spreadsheet", "text", "over",
    "characters", "notation", "recognised", "plausible", "outside", "neither", "nor", "marks", "this", "response",
    "unfinished", "pass", "its", "to", "a", "an", "and", "or", "problem", "problems", "reported", "january",
    "february", "march", "may", "june", "july", "august", "october", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday",
}


@pytest.fixture(scope="module")
def export(tmp_path_factory, codebook):
    """An .xlsx export (a formula needs a workbook) with one row per reason code, then rows with several."""
    frame = export_frame(codebook, n=N)
    frame["Meting"] = [f"{d}-3-2024" for d in range(1, N + 1)]
    frame["Onderwijstype"], frame["Status"], frame["Finished"] = "vmbo", "Anonymous", "1"
    items = [codebook.label("item", c) for c in codebook.item_codes]
    for row, cells in enumerate([*PROBLEMS.values(), *MORE]):
        if cells is None:
            frame.loc[row, :] = ""
        elif isinstance(cells, str):
            frame.loc[row, items] = cells
        else:
            for column, value in cells.items():
                frame.loc[row, column] = value
    path = tmp_path_factory.mktemp("detail") / "meting.xlsx"
    frame.to_excel(path, index=False)  # openpyxl writes "=1+2" as a formula without a saved value
    return path


@pytest.fixture(scope="module")
def dutch(export):
    return an.load(export).excluded


@pytest.fixture(scope="module")
def english(export):
    return an.load(export, lang="en").excluded


def words(detail: str, row: pd.Series) -> set[str]:
    """The words of a detail, without the row's value and column, codes and command-line options."""
    for literal in (repr(row["value"]), row["column"]):
        if literal and literal != "''":
            detail = detail.replace(literal, "")
    detail = re.sub(r"--\w+(?: \w+=\.\.\.)?|unfinished='keep'|\([^()]*(?:Sport|vmbo|bestuurlijk)[^()]*\)", "", detail)
    return set(re.findall(r"[a-zé]+(?:-[a-z]+)*", detail.lower()))


def test_every_reason_is_produced_with_the_same_codes_in_both_languages(dutch, english):
    # a repeated respondent is found after every file is read: listed last
    assert dutch["reason"].tolist() == [*(r for r in PROBLEMS if r != "duplicate_id"), *MORE_REASONS, "duplicate_id"]
    assert sorted(PROBLEMS) == sorted(REASON_CODES)
    pd.testing.assert_frame_equal(dutch.drop(columns="detail"), english.drop(columns="detail"))
    assert (dutch["detail"] != english["detail"]).all()


def test_dutch_details_have_no_english_words_and_name_the_value(dutch):
    for _, row in dutch.iterrows():
        assert not words(row["detail"], row) & ENGLISH, (row["reason"], row["detail"])
        if row["value"]:
            assert repr(row["value"]) in row["detail"], (row["reason"], row["detail"])


def test_dutch_details_read_as_a_researcher_reads_them(dutch):
    detail = dict(zip(dutch["reason"], dutch["detail"]))
    assert detail["empty_row"] == "de rij is leeg"
    assert detail["missing_wave"] == "de meting is leeg"
    assert detail["missing_partner"] == "de partnerschool is leeg"
    assert detail["missing_level"] == "het niveau is leeg"
    assert detail["out_of_range"] == "'6' valt buiten de schaal (1, 2, 3, 4, 5)"
    assert detail["ambiguous_leerlab"] == (
        "'Groen en Zorg' noemt meer dan één leerlab (Groen en Zorg); verbeter het antwoord in het bestand, of geef "
        "het leerlab op voor het hele bestand (--metadata leerlab=...)")
    assert detail["ambiguous_level"].startswith("'Bestuurlijk/management' noemt meer dan één niveau "
                                                "(bestuurlijk en management)")
    assert detail["unknown_sector"] == "'havo' is geen onderwijstype uit het codeboek (vmbo, mbo)"
    assert detail["impossible_date"] == (
        "'31-02-2024' is geen datum: 31 februari bestaat niet (met een streepje of een punt is de volgorde "
        "dag-maand-jaar); verbeter de datum in het bestand, of geef de meting op met --wave")
    assert detail["duplicate_id"].startswith("respondent 'P27' heeft in meting '2024-03-27' al geantwoord (")
    assert detail["duplicate_id"].endswith("meting.xlsx, rij 9); het eerste antwoord telt")


def test_an_ambiguous_date_is_said_with_dutch_month_names(dutch):
    detail = dict(zip(dutch["reason"], dutch["detail"]))
    assert detail["ambiguous_date"] == (
        "'03/04/2024' kan 3 april of 4 maart zijn; schrijf de datum als 2024-04-03 (jaar-maand-dag) in het "
        "bestand, of geef de meting op met --wave")


def test_more_problems_in_a_row_are_counted_in_either_language(dutch, english):
    more = slice(len(PROBLEMS) - 1, len(PROBLEMS) - 1 + len(MORE))
    assert dutch["reason"].iloc[more].tolist() == MORE_REASONS
    assert dutch["detail"].iloc[more].tolist() == [
        ("'Stagiair' is geen niveau uit het codeboek (bestuurlijk, management, professioneel); voeg het als "
         "synoniem toe aan je codeboek (en nog 1 probleem in deze rij)"),
        ("'Techniek' is geen leerlab uit het codeboek (Sport, Groen, Verkoop, Zorg, Horeca); voeg het als synoniem "
         "toe aan je codeboek (en nog 2 problemen in deze rij)"),
        "de respondentcode is leeg (en nog 3 problemen in deze rij)"]
    assert english["detail"].iloc[more].tolist() == [
        ("'Stagiair' is not a level of the codebook (bestuurlijk, management, professioneel); add it as a synonym "
         "in your codebook (and 1 more problem(s) in this row)"),
        ("'Techniek' is not a leerlab of the codebook (Sport, Groen, Verkoop, Zorg, Horeca); add it as a synonym in "
         "your codebook (and 2 more problem(s) in this row)"),
        "the respondent id is blank (and 3 more problem(s) in this row)"]


def test_english_details_are_the_sentences_of_before(english, export):
    # as the loader wrote them before the translation table held them
    detail = dict(zip(english["reason"], english["detail"]))
    assert detail["no_answers"] == "no statement was answered (all blank or 'weet ik niet'/'n.v.t.')"
    assert detail["unknown_label"] == ("'Best wel eens' is not an answer of the scale; use one of the codebook "
                                       "labels or a score 1, 2, 3, 4, 5")
    assert detail["formula"] == ("the cell holds a formula '=1+2', not an answer (no value saved: open and save the "
                                 "file in Excel, or type the answer)")
    assert detail["ambiguous_level"] == (
        "'Bestuurlijk/management' names more than one level (bestuurlijk and management); correct the answer in the "
        "file, or give the level for the whole file (--metadata level=...)")
    assert detail["duplicate_id"] == (f"respondent 'P27' already answered in wave '2024-03-27' ({export}, row 9); "
                                      "the first answer is kept")
    assert detail["not_a_date"] == ("'voormeting' is not a date in a notation that is recognised; write the date as "
                                    "year-month-day (such as 2024-03-12) in the file, or give the wave with --wave")
    assert detail["not_finished"] == ("the platform marks this response as unfinished (Finished = '0'); pass "
                                      "unfinished='keep' to use its answers")
    assert detail["preview"] == ("the platform marks this response as 'Survey Preview' (a preview, test or spam), "
                                 "not a respondent")


@pytest.mark.parametrize("value, detail", [
    ("03/04/24", ("'03/04/24' kan 3 april of 4 maart zijn, en het jaartal heeft maar twee cijfers; schrijf de datum "
                  "als 2024-04-03 (jaar-maand-dag) in het bestand, of geef de meting op met --wave")),
    ("12-3-24", ("'12-3-24' heeft een jaartal van twee cijfers (1924 of 2024?); schrijf de datum als 2024-03-12 "
                 "(jaar-maand-dag) in het bestand, of geef de meting op met --wave")),
    ("12-13-2024", ("'12-13-2024' is geen datum: maand 13 bestaat niet (met een streepje of een punt is de volgorde "
                    "dag-maand-jaar); verbeter de datum in het bestand, of geef de meting op met --wave")),
    ("29-2-2023", ("'29-2-2023' is geen datum: 2023 is geen schrikkeljaar (met een streepje of een punt is de "
                   "volgorde dag-maand-jaar); verbeter de datum in het bestand, of geef de meting op met --wave")),
    ("2024-02-30", ("'2024-02-30' is geen datum: 30 februari bestaat niet (met het jaar voorop is de volgorde "
                    "jaar-maand-dag); verbeter de datum in het bestand, of geef de meting op met --wave")),
    ("31 april 2024", ("'31 april 2024' is geen datum: 31 april bestaat niet; verbeter de datum in het bestand, "
                       "of geef de meting op met --wave")),
    ("13/13/2024", ("'13/13/2024' is geen datum, niet als dag/maand en niet als maand/dag; verbeter de datum in "
                    "het bestand, of geef de meting op met --wave")),
    ("Wednesday, March 12, 2024", ("'Wednesday, March 12, 2024' is geen datum: 12 maart 2024 is een dinsdag, geen "
                                   "woensdag; verbeter de datum in het bestand, of geef de meting op met --wave")),
    ("12-3-1850", ("'12-3-1850' is geen aannemelijke datum: het jaar 1850 ligt buiten 1990-2100; verbeter de datum "
                   "in het bestand, of geef de meting op met --wave")),
    (45363, ("'45363' is een getal, geen datum (een Excel-datumgetal wordt nooit geraden: is het er een, geef de "
             "kolom in het rekenblad dan de opmaak datum); schrijf de datum als jaar-maand-dag (zoals 2024-03-12) in "
             "het bestand, of geef de meting op met --wave")),
    ("x" * 100, "'" + "x" * 40 + "…' is tekst van meer dan 64 tekens, geen datum; schrijf de datum als "
                "jaar-maand-dag (zoals 2024-03-12) in het bestand, of geef de meting op met --wave"),
])
def test_dutch_date_details(value, detail):
    code = dates.wave_dates([value])[1][0]
    assert date_problem_detail(code, value) == date_problem_detail(code, value, "nl") == detail


def test_a_date_reported_with_another_code_names_the_dutch_reason():
    assert date_problem_detail("ambiguous_date", "12-3-2024") == (
        "'12-3-2024' is gemeld als: datum dubbelzinnig (dag/maand of maand/dag? jaar in twee cijfers?); schrijf de "
        "datum als jaar-maand-dag (zoals 2024-03-12) in het bestand, of geef de meting op met --wave")


def test_the_examples_of_the_date_module_run():
    assert doctest.testmod(dates).failed == 0


def test_an_unknown_language_is_refused(export):
    with pytest.raises(ValueError, match="lang must be 'nl' or 'en'"):
        an.load(export, lang="de")
    with pytest.raises(ValueError, match="lang must be 'nl' or 'en'"):
        date_problem_detail("not_a_date", "x", "de")


def test_the_error_of_a_file_without_usable_rows_stays_english(tmp_path, codebook):
    frame = export_frame(codebook)
    frame["Leerlab"] = "Techniek"
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(an.SurveyError, match=r"First problem: .*value 'Techniek': 'Techniek' is not a leerlab of "
                                             r"the codebook \(Sport, Groen, Verkoop, Zorg, Horeca\); add it"):
        an.load(path)
    # its sentence, said apart from the table's, keeps an address out as the table does
    frame["Leerlab"] = "mail piet@school.nl"
    frame.to_csv(path, index=False)
    with pytest.raises(an.SurveyError) as refused:
        an.load(path)
    assert "@" not in str(refused.value) and str(refused.value).count("[e-mail verwijderd]") == 2


@pytest.mark.parametrize("lang, sentence", [(None, "valt buiten de schaal"), ("en", "is outside the scale")])
def test_check_writes_the_excluded_rows_in_its_language(tmp_path, codebook, capsys, lang, sentence):
    source = tmp_path / "x.csv"
    export_frame(codebook, answers={(1, FIRST_ITEM): "6"}).to_csv(source, index=False)
    target = tmp_path / "excluded.csv"
    assert main(["check", str(source), "--excluded", str(target), *(["--lang", lang] if lang else [])]) == 0
    capsys.readouterr()
    excluded = pd.read_csv(target, sep=";", encoding="utf-8-sig", dtype=str)
    assert excluded[["row", "value", "reason"]].values.tolist() == [["3", "6", "out_of_range"]]
    # the file escapes a leading quote, as every text cell that could be read as a formula or its escape
    assert excluded["detail"].map(unescape_csv_text).tolist() == [f"'6' {sentence} (1, 2, 3, 4, 5)"]
