"""CSV output safe in any spreadsheet program (also Dutch Excel, which splits on ';'), read back exactly."""

import csv
import io

import numpy as np
import pandas as pd
import pytest

import analyse as an
from analyse.cells import as_text
from analyse.writing import FORMULA_START, escape_csv_text, unescape_csv_text, write_csv

NASTY = ["=1+1", " =x", "Groen;=1+1", "'quoted", "''double", "-inf", "+31", "@home", "a,=b", "\t=x", "Coöperatie",
         '"', "x\ny", "-1+1", "a; -1", "x\r\n@y", "a,'b", "'", "-", "=", "it's", "; =HYPERLINK(\"x\")",
         "=cmd|' /C calc'!A0", "1,5", "-1.5"]


@pytest.mark.parametrize("text", NASTY)
def test_escape_is_undone_exactly(text):
    assert unescape_csv_text(escape_csv_text(text)) == text


@pytest.mark.parametrize("text", NASTY)
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_cell_starts_a_formula_whatever_the_separator(text, separator):
    """Split the written line as a spreadsheet program might (quotes ignored): no cell is a formula."""
    buffer = io.StringIO()
    write_csv_frame = pd.DataFrame({"a": ["x"], "b": [text], "c": [1.5]})
    write_csv_frame.assign(b=write_csv_frame["b"].map(escape_csv_text)).to_csv(buffer, index=False)
    body = buffer.getvalue().split("\n", 1)[1]
    for line in body.replace("\r", "\n").split("\n"):
        for cell in line.split(separator):
            cell = cell.strip(' "')
            if cell and cell[0] in FORMULA_START[:4]:
                assert cell in ("1.5",) or _plain_number(cell), (text, separator, cell)


def _plain_number(cell):
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return cell.lower().lstrip("+-")[:1].isdigit()


def test_numbers_stay_numbers_and_text_numbers_are_escaped(tmp_path):
    frame = pd.DataFrame({"score": [-1.5, 2.0], "n": pd.array([-1, 3], dtype="Int64"),
                          "text": ["-inf", "-1+1"], "number_text": ["-1,5", "-2"]})
    text = write_csv(frame, tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert rows[1:] == [["-1,5", "-1", "'-inf", "-1,5"], ["2,0", "3", "'-1+1", "-2"]]


def test_leading_apostrophe_of_a_value_is_kept_not_taken_for_our_escape():
    assert escape_csv_text("'quoted") == "''quoted"
    assert unescape_csv_text("''quoted") == "'quoted"
    assert escape_csv_text("Groen;=1+1") == "Groen;'=1+1"
    assert escape_csv_text("\t=x") == "'\t'=x"


def _nasty_survey(truth):
    responses = truth.responses.copy()
    n = len(responses)
    pool = NASTY * (n // len(NASTY) + 1)
    responses["partner"] = pool[:n]
    responses["respondent_id"] = [f"{v}#{i}" for i, v in enumerate(pool[:n])]
    comments = pd.DataFrame({"respondent_id": responses["respondent_id"], "wave": responses["wave"],
                             "condition": truth.codebook.condition_codes[0], "text": pool[1:n + 1]})
    return an.Survey(responses, comments=comments)


def test_to_csv_then_load_gives_every_text_column_back(tmp_path):
    """load(to_csv(s)) gives the values as the loader keeps any text (stripped, single-spaced), unescaped."""
    survey = _nasty_survey(an.sample.generate(respondents_per_group=1, waves=1, seed=3))
    back = an.load(survey.to_csv(tmp_path / "s.csv"))
    assert back.report().files[0].layout == "canonical (analyse)"
    assert back.excluded.empty

    def kept(values):
        return [as_text(v) for v in values]

    for col in ("respondent_id", "partner", "wave", "leerlab", "level", "sector"):
        expected = kept(survey.responses[col].astype(object).where(survey.responses[col].notna(), None))
        got = kept(back.responses[col].astype(object).where(back.responses[col].notna(), None))
        assert [None if v is pd.NA else v for v in got] == [None if v is pd.NA else v for v in expected], col
    key = ["respondent_id", "condition"]
    mine = survey.comments.assign(text=kept(survey.comments["text"]), respondent_id=kept(
        survey.comments["respondent_id"])).sort_values(key).reset_index(drop=True)
    theirs = back.comments.sort_values(key).reset_index(drop=True)
    assert theirs["text"].tolist() == mine["text"].tolist()
    np.testing.assert_array_equal(back.responses[survey.codebook.item_codes].to_numpy(),
                                  survey.responses[survey.codebook.item_codes].to_numpy())


def test_a_loaded_survey_round_trips_identically(tmp_path):
    once = an.load(_nasty_survey(an.sample.generate(respondents_per_group=1, waves=1, seed=4))
                   .to_csv(tmp_path / "a.csv"))
    twice = an.load(once.to_csv(tmp_path / "b.csv"))
    pd.testing.assert_frame_equal(twice.responses, once.responses)
    pd.testing.assert_frame_equal(twice.comments, once.comments)


def test_apostrophes_in_other_exports_are_kept(tmp_path, codebook):
    from conftest import export_frame

    frame = export_frame(codebook)
    frame["School"] = ["'t Kofschip", "'=x", "School A", "School B"]
    frame["Ambitie - Onderbouw en licht toe"] = ["'=1+1", "'s morgens", "", "ok"]
    frame.to_csv(tmp_path / "x.csv", sep=";", index=False)
    s = an.load(tmp_path / "x.csv")
    assert sorted(s.responses["partner"].astype(str)) == ["'=x", "'t Kofschip", "School A", "School B"]
    assert sorted(s.comments["text"]) == ["'=1+1", "'s morgens", "ok"]
