"""Workbooks and CSV files colleagues can open as they are: formats, widths, frozen header, filter, Dutch CSV."""

import csv
import doctest
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import analyse as an
from analyse import writing
from analyse.writing import MAX_WIDTH, MIN_WIDTH, number_format, write_csv, write_xlsx

BOM = b"\xef\xbb\xbf"


def _table():
    """A frame shaped like the report's tables: every kind of column once."""
    return pd.DataFrame({
        "wave": pd.Categorical(["1", "2", "2"], categories=["1", "2"], ordered=True),
        "leerlab": ["Groen", "Zorg", "Een leerlab met een heel lange naam die zeker meer dan zestig tekens telt"],
        "n": [12, 7, 30],
        "n_missing": [0, 1, 2],
        "k": [4, 4, 5],
        "mean": [3.256, 4.0, np.nan],
        "ci_low": [2.9, 3.5, np.nan],
        "share_agree": [0.5, 0.25, 1.0],
        "welch_p": [0.0312, 0.5, 0.9],
        "welch_p_holm": [0.0624, 1.0, 1.0],
        "p_holm": [0.01, 0.02, 0.03],
        "p_chance": [0.2, 0.3, 0.4],
        "p": [0.001, 0.04, 0.5],
        "weakest": [True, False, True],
        "note": [None, "=1+1", "groep te klein"],
    })


def _sheet(path, name=None):
    wb = openpyxl.load_workbook(path)
    return wb[name] if name else wb.worksheets[0]


def _column(ws, header):
    """The data cells (row 2 on) of the column headed ``header``."""
    heads = [c.value for c in ws[1]]
    k = heads.index(header) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=k, max_col=k)]


@pytest.fixture
def table_sheet(tmp_path):
    return _sheet(write_xlsx(tmp_path / "t.xlsx", {"gemiddelden": _table()}))


# ---------------------------------------------------------------- number formats
@pytest.mark.parametrize(("column", "fmt"), [
    ("welch_p", "0.000"), ("welch_p_holm", "0.000"), ("p_holm", "0.000"), ("p_chance", "0.000"), ("p", "0.000"),
    ("share_agree", "0.0%"), ("n", "0"), ("n_missing", "0"), ("k", "0"), ("mean", "0.00"), ("ci_low", "0.00"),
    ("wave", "0"),
])
def test_number_cells_get_their_columns_format(table_sheet, column, fmt):
    cells = [c for c in _column(table_sheet, column) if c.value is not None]
    assert cells and all(c.data_type == "n" for c in cells)
    assert [c.number_format for c in cells] == [fmt] * len(cells)


def test_text_and_booleans_keep_general_and_values_are_exact(table_sheet):
    assert {c.number_format for c in _column(table_sheet, "note")} == {"General"}
    assert [c.value for c in _column(table_sheet, "weakest")] == [True, False, True]
    assert [c.value for c in _column(table_sheet, "mean")] == [3.256, 4.0, None]  # a format changes no value
    assert [c.value for c in _column(table_sheet, "share_agree")] == [0.5, 0.25, 1.0]


def test_formula_like_text_stays_text(table_sheet):
    cell = _column(table_sheet, "note")[1]
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert all(c.data_type != "f" for row in table_sheet.iter_rows() for c in row)


def test_number_format_rules():
    assert number_format("kw_p") == number_format("np_p") == number_format("mwu_p_holm") == "0.000"
    assert number_format("share_disagree", np.dtype(int)) == "0.0%"  # the name wins over the dtype
    assert number_format("n_paired", np.dtype(float)) == "0"
    assert number_format("pitfall_number", np.dtype("int64")) == "0"
    assert number_format("Cohort", pd.Int64Dtype()) == "0"
    assert number_format("alpha", np.dtype(float)) == "0.00"
    assert number_format("np_stat", np.dtype(float)) == "0.00"  # np_ is no count
    assert number_format("weakest", np.dtype(bool)) is None
    assert number_format("partner", np.dtype(object)) is None


def test_number_format_examples_run():
    results = doctest.testmod(writing, optionflags=doctest.ELLIPSIS)
    assert results.attempted >= 2 and results.failed == 0


def test_formats_override_a_columns_format(tmp_path):
    ws = _sheet(write_xlsx(tmp_path / "t.xlsx", {"s": _table()}, formats={"mean": "0.0", "n": "#,##0"}))
    assert {c.number_format for c in _column(ws, "mean") if c.value is not None} == {"0.0"}
    assert {c.number_format for c in _column(ws, "n")} == {"#,##0"}
    assert {c.number_format for c in _column(ws, "welch_p")} == {"0.000"}  # the others as before


def test_older_callers_positional_signature_still_works(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"a": pd.DataFrame({"x": [1.5]})})
    assert path == tmp_path / "t.xlsx" and _sheet(path)["A2"].value == 1.5


# ---------------------------------------------------------------- waves
def test_whole_number_waves_are_written_as_numbers(table_sheet):
    cells = _column(table_sheet, "wave")
    assert [c.value for c in cells] == [1, 2, 2]
    assert all(isinstance(c.value, int) and c.data_type == "n" for c in cells)


@pytest.mark.parametrize("waves", [["2024-03-12", "2024-09-01"], ["01", "02"], ["1", "voorjaar"], ["1.5", "2"]])
def test_other_waves_stay_text(tmp_path, waves):
    ws = _sheet(write_xlsx(tmp_path / "t.xlsx", {"s": pd.DataFrame({"wave": waves, "n": [1, 2]})}))
    assert [(c.value, c.data_type) for c in _column(ws, "wave")] == [(w, "s") for w in waves]


def test_wave_columns_of_a_comparison_and_blank_waves(tmp_path):
    frame = pd.DataFrame({"wave_from": ["1", "2"], "wave_to": ["2", "3"], "wave": ["1", None]})
    ws = _sheet(write_xlsx(tmp_path / "t.xlsx", {"s": frame}))
    assert [c.value for c in _column(ws, "wave_from")] == [1, 2]
    assert [c.value for c in _column(ws, "wave_to")] == [2, 3]
    assert [c.value for c in _column(ws, "wave")] == [1, None]


def test_survey_to_excel_writes_waves_as_numbers_and_loads_back(tmp_path):
    survey = an.sample.generate(respondents_per_group=1, waves=2, seed=5)
    path = survey.to_excel(tmp_path / "s.xlsx")
    waves = _column(_sheet(path), "wave")
    assert {c.value for c in waves} == {1, 2} and {c.number_format for c in waves} == {"0"}
    assert {c.number_format for c in _column(_sheet(path), "ambitie_1") if c.value is not None} == {"0"}
    back = an.load(path)
    pd.testing.assert_frame_equal(back.responses, survey.responses)


# ---------------------------------------------------------------- layout
def test_header_frozen_filtered_and_bold(table_sheet):
    assert table_sheet.freeze_panes == "A2"
    assert table_sheet.auto_filter.ref == "A1:O4"  # 15 columns, header and 3 rows
    assert all(c.font.b for c in table_sheet[1])


def test_autofilter_of_an_empty_frame_covers_the_header(tmp_path):
    ws = _sheet(write_xlsx(tmp_path / "t.xlsx", {"s": _table().iloc[:0]}))
    assert ws.auto_filter.ref == "A1:O1" and ws.freeze_panes == "A2"


def test_column_widths_follow_the_content_within_bounds(table_sheet):
    widths = {k: d.width for k, d in table_sheet.column_dimensions.items()}
    assert set(widths) == {openpyxl.utils.get_column_letter(k) for k in range(1, 16)}
    assert all(MIN_WIDTH <= w <= MAX_WIDTH for w in widths.values())
    assert widths["B"] == MAX_WIDTH  # the long leerlab name, capped
    assert widths["C"] == MIN_WIDTH  # "n" and two digits
    assert widths["J"] > widths["I"] > MIN_WIDTH  # the header "welch_p_holm" is longer than "welch_p"


def test_many_sheets_and_rows(tmp_path):
    big = pd.DataFrame({"n": np.arange(5000), "mean": np.linspace(1, 5, 5000), "note": ["x"] * 5000})
    path = write_xlsx(tmp_path / "t.xlsx", {"a": big, "b": _table()})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["a", "b"]
    ws = wb["a"]
    assert ws.max_row == 5001 and ws.auto_filter.ref == "A1:C5001"
    assert ws["A5001"].value == 4999 and ws["A5001"].number_format == "0"
    assert ws["B5001"].value == 5.0 and ws["B5001"].number_format == "0.00"


def test_report_tables_workbook(tmp_path):
    from analyse.report import compute_tables, write_tables

    survey = an.sample.generate(respondents_per_group=6, waves=2, seed=2)
    tables = compute_tables(survey)
    wb = openpyxl.load_workbook(write_tables(tables, tmp_path / "tables.xlsx"))
    checked = set()
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
        for k, head in enumerate(c.value for c in ws[1]):
            letter = openpyxl.utils.get_column_letter(k + 1)
            assert MIN_WIDTH <= ws.column_dimensions[letter].width <= MAX_WIDTH
            numbers = [c for c in _column(ws, head) if isinstance(c.value, (int, float)) and c.data_type == "n"
                       and not isinstance(c.value, bool)]
            if not numbers:
                continue
            fmt = {c.number_format for c in numbers}
            if head == "p" or head.startswith("p_") or head.endswith(("_p", "_p_holm")):
                assert fmt == {"0.000"}, (ws.title, head)
            elif head.startswith("share_"):
                assert fmt == {"0.0%"}, (ws.title, head)
            elif head in ("n", "k", "wave") or head.startswith("n_"):
                assert fmt == {"0"}, (ws.title, head)
            else:
                assert fmt <= {"0", "0.00"}, (ws.title, head)
            checked.add(head)
    assert {"welch_p_holm", "p_chance", "share_agree", "n", "wave", "mean"} <= checked


# ---------------------------------------------------------------- CSV for Dutch Excel
def _csv_frame():
    return pd.DataFrame({"file": ["a.csv", "b.csv"], "row": [2, 14], "value": ["=1+1", "Groen; Zorg"],
                         "score": [1.5, -0.25], "reason": ["out_of_range", "duplicate_id"]})


def test_csv_is_semicolon_separated_utf8_with_bom_and_crlf(tmp_path):
    raw = write_csv(_csv_frame(), tmp_path / "x.csv").read_bytes()
    assert raw.startswith(BOM)
    assert raw[len(BOM):].split(b"\r\n")[0] == b"file;row;value;score;reason"
    assert raw.count(b"\r\n") == 3 and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw[len(BOM):].decode("utf-8").split("\r\n")
    assert lines[1] == "a.csv;2;'=1+1;1,5;out_of_range"  # formula escaped, decimal comma
    assert lines[2] == 'b.csv;14;"Groen; Zorg";-0,25;duplicate_id'  # a ; inside text is quoted


def test_csv_reads_back_with_pandas(tmp_path):
    frame = _csv_frame().assign(value=["x", "Groen; Zorg"])  # nothing to escape: read back as written
    path = write_csv(frame, tmp_path / "x.csv")
    back = pd.read_csv(path, sep=";", encoding="utf-8-sig", decimal=",")
    pd.testing.assert_frame_equal(back, frame)
    assert list(pd.read_csv(path, sep=";", encoding="utf-8-sig").columns) == list(frame.columns)


def test_csv_cells_split_on_semicolon(tmp_path):
    text = write_csv(_csv_frame(), tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [len(r) for r in rows] == [5, 5, 5]
    assert [r[3] for r in rows[1:]] == ["1,5", "-0,25"]


def test_excluded_rows_written_as_dutch_csv_read_back(tmp_path):
    survey = an.load(Path(__file__).parents[1] / "data" / "sample")
    assert len(survey.excluded)
    path = write_csv(survey.excluded, tmp_path / "excluded.csv")
    assert path.read_bytes().startswith(BOM)
    back = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(survey.excluded.columns)
    assert len(back) == len(survey.excluded)
    assert back["reason"].tolist() == survey.excluded["reason"].astype(str).tolist()


def test_canonical_csv_with_decimal_comma_loads_back_identically(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=2, seed=3)
    responses = truth.responses.copy()
    responses["Uren"] = ([1.5, 2.25, 123456.789, -0.5, 0.001, np.nan, 3.0, 1 / 3] * len(responses))[:len(responses)]
    responses["Tekst"] = (["1,5", "abc", "2.5", None] * len(responses))[:len(responses)]
    survey = an.Survey(responses, comments=truth.comments)
    path = survey.to_csv(tmp_path / "s.csv")
    raw = path.read_bytes()
    assert raw.startswith(BOM) and b"\r\n" in raw and b";1,5;" in raw
    back = an.load(path)
    assert back.report().files[0].layout == "canonical (analyse)"
    pd.testing.assert_frame_equal(back.responses, survey.responses)
