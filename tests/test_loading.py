"""The loader: layouts, recognition, validation, wave rules, privacy, round trips."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from conftest import export_frame

import analyse as an
from analyse.errors import SurveyError

FIRST_ITEM = "We hebben expliciet met elkaar uitgesproken wat onze gezamenlijke ambitie is."


def write_csv(frame, path, sep=";", encoding="utf-8-sig", decimal_comma=False):
    frame.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator="\r\n")
    return path


def write_xlsx(frame, path):
    frame.to_excel(path, index=False)
    return path


# ---------------------------------------------------------------- sample data
def test_sample_files_load_to_ground_truth():
    survey = an.load("data/sample")
    truth = an.load("data/sample/waarheid/synthetisch_grondwaarheid.csv")
    pd.testing.assert_frame_equal(survey.responses, truth.responses)
    pd.testing.assert_frame_equal(survey.comments.sort_values(["wave", "respondent_id", "condition"])
                                  .reset_index(drop=True),
                                  truth.comments.sort_values(["wave", "respondent_id", "condition"])
                                  .reset_index(drop=True))
    report = survey.report()
    assert report.rows_read == len(survey.responses) + len(survey.excluded) == 305
    assert [f.layout for f in report.files] == ["Microsoft Forms (nl)", "table with statements as column headers"]
    assert sorted(survey.excluded["reason"]) == sorted(
        ["unknown_leerlab", "no_answers", "out_of_range", "fractional_score", "duplicate_id"])


def test_sample_ground_truth_is_the_generator(tmp_path):
    """The committed truth is what the seeded generator makes today (regenerate with write_sample_folder)."""
    generated = an.sample.generate()
    truth = an.load("data/sample/waarheid/synthetisch_grondwaarheid.csv")
    pd.testing.assert_frame_equal(generated.responses, truth.responses)


def test_generator_is_seeded_and_sized():
    a = an.sample.generate(respondents_per_group=3, waves=3, seed=5)
    b = an.sample.generate(respondents_per_group=3, waves=3, seed=5)
    c = an.sample.generate(respondents_per_group=3, waves=3, seed=6)
    pd.testing.assert_frame_equal(a.responses, b.responses)
    assert not a.responses.equals(c.responses)
    assert len(a.responses) == 3 * 30 * 3
    assert list(a.responses["wave"].cat.categories) == ["1", "2", "3"]
    # some people answer in consecutive waves under the same id
    w = a.responses.groupby("respondent_id", observed=True)["wave"].nunique()
    assert (w > 1).sum() > 0.3 * 90


def test_sample_exports_have_personal_data_but_survey_does_not():
    raw = pd.read_excel("data/sample/synthetisch_meting1_msforms.xlsx")
    assert raw["E-mail"].str.contains("@").all()
    survey = an.load("data/sample")
    everything = pd.concat([survey.responses.astype(str), survey.comments.astype(str),
                            survey.excluded.astype(str)]).to_string()
    assert "@voorbeeld.nl" not in everything and "Fictieve Deelnemer" not in everything
    assert survey.report().files[0].personal == ["E-mail", "Naam"]
    assert "E-mail" not in survey.responses.columns


# ---------------------------------------------------------------- CSV dialects
@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_dialects(tmp_path, codebook, sep, encoding):
    frame = export_frame(codebook)
    path = write_csv(frame, tmp_path / "meting1.csv", sep=sep, encoding=encoding)
    survey = an.load(path)
    assert len(survey.responses) == 4
    assert survey.responses["level"].tolist() == ["professioneel", "management", "bestuurlijk", "professioneel"]
    expected = frame[codebook.label("item", "belangen_4")].map(
        dict(zip(codebook.point_labels("nl"), [1.0, 2, 3, 4, 5])))
    np.testing.assert_array_equal(survey.responses["belangen_4"], expected)


def test_numeric_codes_and_decimal_comma(tmp_path, codebook):
    frame = export_frame(codebook)
    frame[FIRST_ITEM] = ["1", "5,0", "3", " 4 "]
    survey = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert survey.responses["ambitie_1"].tolist() == [1.0, 5.0, 3.0, 4.0]


def test_header_normalisation(tmp_path, codebook):
    frame = export_frame(codebook)
    frame = frame.rename(columns={
        FIRST_ITEM: "3.  WE HEBBEN  expliciet met elkaar uitgesproken wat onze gezamenlijke ambitie is",
        codebook.label("item", "ambitie_2"): "Ambitie - Deze ambitie is zowel prikkelend en uitdagend als realistisch.",
        codebook.label("item", "belangen_2"): "We tonen oprechte interesse in elkaar’s belangen.".replace("elkaar’s", "elkaars"),
        codebook.label("item", "belangen_4"): "Het samenwerkingsverband creeert meerwaarde voor onze doelgroep!",
        codebook.label("item", "relatie_1"): "relatie_1",
        codebook.label("item", "relatie_2"): "Stellingen [Het gedrag dat we tonen draagt bij aan het onderling vertrouwen.]",
    })
    survey = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert len(survey.report().files[0].items) == 21


def test_answer_labels_normalised_and_no_answer(tmp_path, codebook):
    frame = export_frame(codebook)
    frame[FIRST_ITEM] = ["  mee EENS ", "Weet ik niet", "n.v.t.", ""]
    survey = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert survey.responses["ambitie_1"].tolist()[0] == 4.0
    assert survey.responses["ambitie_1"].isna().tolist() == [False, True, True, True]


# ---------------------------------------------------------------- bad rows
@pytest.mark.parametrize("value, reason, detail", [
    ("6", "out_of_range", "'6' is outside the scale"),
    ("0", "out_of_range", "'0' is outside the scale"),
    ("-1", "out_of_range", "'-1' is outside the scale"),
    ("3,5", "fractional_score", "'3,5' is not a scale point"),
    ("3.5", "fractional_score", "'3.5' is not a scale point"),
    ("Best wel eens", "unknown_label", "'Best wel eens' is not an answer of the scale"),
])
def test_bad_answer_excludes_row(tmp_path, codebook, value, reason, detail):
    frame = export_frame(codebook, answers={(2, FIRST_ITEM): value})
    path = write_csv(frame, tmp_path / "bad.csv")
    survey = an.load(path, lang="en")
    assert len(survey.responses) == 3 and len(survey.excluded) == 1
    row = survey.excluded.iloc[0]
    assert (row["file"], row["row"], row["column"], row["value"], row["reason"]) == (
        str(path), 4, FIRST_ITEM, value, reason)
    assert row["detail"].startswith(detail)
    assert "P3" not in survey.responses["respondent_id"].tolist()


@pytest.mark.parametrize("column, value, reason", [
    ("Leerlab", "Techniek", "unknown_leerlab"),
    ("Leerlab", "", "missing_leerlab"),
    ("Niveau", "Stagiair", "unknown_level"),
    ("Niveau", "", "missing_level"),
    ("School", "", "missing_partner"),
    ("Respondentcode", "", "missing_id"),
])
def test_bad_metadata_excludes_row(tmp_path, codebook, column, value, reason):
    frame = export_frame(codebook, answers={(1, column): value})
    survey = an.load(write_xlsx(frame, tmp_path / "bad.xlsx"))
    assert survey.excluded[["row", "column", "reason"]].values.tolist() == [[3, column, reason]]
    assert len(survey.responses) == 3


def test_leerlab_and_level_synonyms(tmp_path, codebook):
    frame = export_frame(codebook)
    frame["Leerlab"] = ["Zorg & Welzijn", "zorg en welzijn", "Leerlab Midden-Limburg", "ZORG"]
    survey = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert survey.responses["leerlab"].tolist() == ["Zorg"] * 4


def test_duplicate_respondent_in_wave_keeps_first(tmp_path, codebook):
    frame = export_frame(codebook)
    frame.loc[3, "Respondentcode"] = "P1"
    path = write_csv(frame, tmp_path / "meting1.csv")
    survey = an.load(path)
    assert survey.excluded[["row", "reason", "value"]].values.tolist() == [[5, "duplicate_id", "P1"]]
    assert "rij 2" in survey.excluded["detail"].iloc[0]
    assert survey.responses["respondent_id"].tolist() == ["P1", "P2", "P3"]


def test_same_respondent_in_two_waves_is_kept(tmp_path, codebook):
    a = write_csv(export_frame(codebook), tmp_path / "meting1.csv")
    b = write_csv(export_frame(codebook), tmp_path / "meting2.csv")
    survey = an.load([a, b])
    assert len(survey.responses) == 8 and survey.excluded.empty


def test_empty_and_answerless_rows(tmp_path, codebook):
    frame = export_frame(codebook, n=5)
    items = [codebook.label("item", c) for c in codebook.item_codes]
    frame.loc[1, :] = ""
    frame.loc[3, items] = "Weet ik niet"
    survey = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert survey.excluded[["row", "reason"]].values.tolist() == [[3, "empty_row"], [5, "no_answers"]]
    assert len(survey.responses) + len(survey.excluded) == 5


def test_first_problem_named_and_others_counted(tmp_path, codebook):
    frame = export_frame(codebook, answers={(0, FIRST_ITEM): "9", (0, "Niveau"): "Stagiair"})
    survey = an.load(write_csv(frame, tmp_path / "x.csv"), lang="en")
    row = survey.excluded.iloc[0]
    assert row["column"] == "Niveau" and row["reason"] == "unknown_level"
    assert "and 1 more problem" in row["detail"]


# ---------------------------------------------------------------- unusable files
def test_empty_file(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    with pytest.raises(SurveyError, match=r"leeg\.csv: the file is empty"):
        an.load(path)


def test_header_only(tmp_path, codebook):
    path = write_csv(export_frame(codebook).iloc[:0], tmp_path / "kop.csv")
    with pytest.raises(SurveyError, match=r"kop\.csv: the file has a header \(row 1\) but no data rows"):
        an.load(path)


def test_no_item_columns(tmp_path):
    path = tmp_path / "other.csv"
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_csv(path, index=False)
    with pytest.raises(SurveyError, match=r"other\.csv: no column header matches a statement"):
        an.load(path)


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(SurveyError, match=r"kapot\.xlsx: not a readable \.xlsx workbook"):
        an.load(path)


def test_csv_named_xlsx_is_read_with_a_note(tmp_path, codebook):
    path = write_csv(export_frame(codebook), tmp_path / "eigenlijk_csv.xlsx")
    survey = an.load(path)
    assert len(survey.responses) == 4
    assert any("holds CSV text" in n for n in survey.report().files[0].notes)


def test_missing_metadata_column_loads_and_says_what_needs_it(tmp_path, codebook):
    path = write_csv(export_frame(codebook).drop(columns="Niveau"), tmp_path / "x.csv")
    s = an.load(path)
    assert len(s.responses) == 4 and s.responses["level"].isna().all()
    assert any(n.startswith("no column for level; needed for gaps between levels") for n in s.report().files[0].notes)


def test_two_columns_for_one_statement(tmp_path, codebook):
    frame = export_frame(codebook)
    frame.insert(5, "ambitie_1", frame[FIRST_ITEM])
    path = write_xlsx(frame, tmp_path / "x.xlsx")
    with pytest.raises(SurveyError, match=r"row 1: columns E .* and F .* both hold 'ambitie_1'"):
        an.load(path)


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(SurveyError, match="file not found"):
        an.load(tmp_path / "nope.xlsx")
    with pytest.raises(SurveyError, match="holds no .xlsx or .csv file"):
        an.load(tmp_path)


def test_data_on_second_sheet(tmp_path, codebook):
    path = tmp_path / "twee.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"uitleg": ["Dit is een voorblad"]}).to_excel(xl, sheet_name="Voorblad", index=False)
        export_frame(codebook).to_excel(xl, sheet_name="Antwoorden", index=False)
    survey = an.load(path)
    assert len(survey.responses) == 4
    assert survey.report().files[0].sheet == "Antwoorden"
    assert an.load(path, sheet="Antwoorden").responses.equals(survey.responses)
    with pytest.raises(SurveyError, match="no sheet named 'X'"):
        an.load(path, sheet="X")


def test_input_file_is_never_modified(tmp_path, codebook):
    path = write_xlsx(export_frame(codebook, answers={(1, FIRST_ITEM): "7"}), tmp_path / "x.xlsx")
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    an.load(path)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before


# ---------------------------------------------------------------- waves
def test_wave_rules(tmp_path, codebook):
    a = write_csv(export_frame(codebook), tmp_path / "voorjaar.csv")
    b = write_csv(export_frame(codebook), tmp_path / "najaar.csv")
    s = an.load([a, b])
    assert s.responses["wave"].astype(str).tolist() == ["1"] * 4 + ["2"] * 4
    assert "order of the files" in s.report().files[1].wave_rule
    s = an.load([a, b], wave=["2025", "2026"])
    assert list(s.responses["wave"].cat.categories) == ["2025", "2026"]
    assert "wave= argument" in s.report().files[0].wave_rule
    c = write_csv(export_frame(codebook), tmp_path / "export_meting_3.csv")
    s = an.load(c, wave="9")
    assert s.responses["wave"].astype(str).unique().tolist() == ["3"]
    assert "file name" in s.report().files[0].wave_rule
    with pytest.raises(SurveyError, match="wave= has 3 values for 2 file"):
        an.load([a, b], wave=["1", "2", "3"])


def test_waves_sort_naturally(tmp_path, codebook):
    frame = export_frame(codebook)
    frame.insert(1, "Meting", ["10", "2", "2", "10"])
    s = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert list(s.responses["wave"].cat.categories) == ["2", "10"]


# ---------------------------------------------------------------- ids, privacy
def test_generic_response_numbers_are_not_person_ids(tmp_path, codebook):
    frame = export_frame(codebook).drop(columns="Respondentcode")
    frame.insert(0, "ID", [1, 2, 3, 4])
    s = an.load([write_xlsx(frame, tmp_path / "a.xlsx"), write_xlsx(frame, tmp_path / "b.xlsx")])
    assert s.responses["respondent_id"].tolist()[:2] == ["a#1", "a#2"]
    assert s.responses["respondent_id"].nunique() == 8
    assert any("does not identify people" in n for n in s.report().files[0].notes)


def test_personal_columns_dropped_by_name_and_content(tmp_path, codebook):
    frame = export_frame(codebook)
    frame.insert(0, "Naam", ["Jan Jansen", "Piet Pietersen", "Anna de Vries", "Els Bos"])
    frame.insert(1, "E-mailadres", [f"p{i}@school.nl" for i in range(4)])
    frame.insert(2, "Contact", ["", "x@y.nl", "", ""])
    frame.insert(3, "Verbinding", ["10.0.0.1", "", "", ""])
    frame["Ambitie - Onderbouw en licht toe"] = ["Mail me op jan@school.nl", "=HYPERLINK(\"x\")", "", "prima"]
    s = an.load(write_csv(frame, tmp_path / "x.csv"))
    assert s.report().files[0].personal == ["Naam", "E-mailadres", "Contact", "Verbinding"]
    text = pd.concat([s.responses.astype(str), s.comments.astype(str)]).to_string()
    for secret in ("Jan Jansen", "@school.nl", "x@y.nl", "10.0.0.1"):
        assert secret not in text
    assert s.comments["text"].tolist() == ["Mail me op [e-mail verwijderd]", '=HYPERLINK("x")', "prima"]


# ---------------------------------------------------------------- round trips
def test_canonical_round_trips(tmp_path, small_survey):
    for writer, name in [(small_survey.to_csv, "c.csv"), (small_survey.to_excel, "c.xlsx")]:
        path = writer(tmp_path / name)
        back = an.load(path)
        pd.testing.assert_frame_equal(back.responses, small_survey.responses)
        key = ["wave", "respondent_id", "condition"]
        pd.testing.assert_frame_equal(back.comments.sort_values(key).reset_index(drop=True),
                                      small_survey.comments.sort_values(key).reset_index(drop=True))
        assert back.report().files[0].layout == "canonical (analyse)"
        assert back.excluded.empty


def test_a_survey_copies_the_items_of_a_frame_unless_told_not_to(small_survey):
    frame = small_survey.responses.copy()
    copied, shared = an.Survey(frame), an.Survey(frame, copy=False)
    column = frame["ambitie_1"].to_numpy()
    assert not np.shares_memory(copied.responses["ambitie_1"].to_numpy(), column)
    assert np.shares_memory(shared.responses["ambitie_1"].to_numpy(), column)
    pd.testing.assert_frame_equal(copied.responses, shared.responses)


def test_formula_text_never_becomes_a_formula(tmp_path, small_survey):
    import openpyxl

    comments = small_survey.comments.copy()
    comments.loc[0, "text"] = "=1+1"
    comments.loc[1, "text"] = "@SUM(A1)"
    s = an.Survey(small_survey.responses, comments=comments)
    xlsx = s.to_excel(tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(xlsx).active
    kinds = {c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
    assert "f" not in kinds
    csv_text = s.to_csv(tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert ";'=1+1" in csv_text and ";'@SUM(A1)" in csv_text
    for path in (xlsx, tmp_path / "c.csv"):
        back = an.load(path).comments
        assert {"=1+1", "@SUM(A1)"} <= set(back["text"])


def test_long_format(small_survey):
    long = small_survey.long()
    assert len(long) == len(small_survey.responses) * 21
    assert list(long.columns) == ["respondent_id", "wave", "leerlab", "partner", "sector", "level",
                                  "condition", "item", "score"]
    first = small_survey.responses.iloc[0]
    mine = long[long["respondent_id"] == first["respondent_id"]]
    mine = mine[mine["wave"] == first["wave"]]
    np.testing.assert_array_equal(mine["score"].to_numpy(), first[small_survey.codebook.item_codes].to_numpy(float))
    assert mine.loc[mine["item"] == "proces_5", "condition"].item() == "proces"


def test_explicit_column_map(tmp_path, codebook):
    frame = export_frame(codebook).rename(columns={"Leerlab": "Regio", FIRST_ITEM: "Q1"})
    path = write_csv(frame, tmp_path / "x.csv")
    s = an.load(path, columns={"Regio": "leerlab", "Q1": "ambitie_1"})
    assert len(s.responses) == 4 and s.responses["ambitie_1"].notna().all()
    with pytest.raises(SurveyError, match="the column map says 'Regio' is 'regio', which is not an item code"):
        an.load(path, columns={"Regio": "regio"})


def test_group_sizes(small_survey):
    sizes = small_survey.group_sizes(["wave", "leerlab"])
    assert len(sizes) == 10 and (sizes["n"] == 12).all()
    assert sizes["n"].sum() == len(small_survey.responses)


def test_load_report_speaks_the_chosen_language():
    report = an.load("data/sample").report()
    nl, en = report.to_text("nl"), report.to_text("en")
    assert "meting: uit kolom 'Meting'" in nl and "let op: CSV, gescheiden door puntkomma, codering cp1252" in nl
    assert "indeling: tabel met de stellingen als kolomkoppen" in nl and "'1' uit de bestandsnaam" in nl
    assert "wave: from column 'Meting'" in en and "note: CSV, semicolon-separated, encoding cp1252" in en
    assert "layout: table with statements as column headers" in en
    assert "semicolon" not in nl and "puntkomma" not in en


def test_committed_sample_folder_is_what_the_generator_writes(tmp_path):
    """Reproducible: rebuilding data/sample with the seeded generator gives the committed files."""
    from pathlib import Path

    an.sample.write_sample_folder(tmp_path)
    sample = Path("data/sample")
    for name in ("synthetisch_meting2_export.csv", "waarheid/synthetisch_grondwaarheid.csv"):
        assert (tmp_path / name).read_bytes() == (sample / name).read_bytes(), name
    xlsx = "synthetisch_meting1_msforms.xlsx"  # zip timestamps differ; the cells must not
    pd.testing.assert_frame_equal(pd.read_excel(tmp_path / xlsx), pd.read_excel(sample / xlsx))
