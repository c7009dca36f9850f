"""Columns the loader does not map are kept in ``Survey.responses`` as extra columns, to group by.

The files are platform exports from ``tests/forms.py`` (Microsoft Forms .xlsx,
Google Forms .csv) with questions of the school's own inserted among the
background questions, as a form author adds them: a cohort asked as a number
and as text, a free-text field, a field the researcher maps away, a name.
"""

import csv
import io

import forms as F
import numpy as np
import pandas as pd
import pytest
from forms import VARIANTS

import analyse as an
from analyse.colmap import write_map

SEED = 11
PHONE, MAIL = "06-12345678", "j.jansen@school-voorbeeld.nl"


def truth_of(seed=SEED):
    return an.sample.generate(respondents_per_group=1, waves=1, seed=seed)


def insert_columns(path, columns: dict[str, list]):
    """Insert ``columns`` (header -> one value per answer row) before the first statement, as a form asks them."""
    first = set(F.STATEMENT["nl"].values()) | set(F.STATEMENT["en"].values())
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        ws = wb.active
        headers = [c.value for c in ws[1]]
        at = 1 + next(k for k, h in enumerate(headers) if h in first or (h and "[" in str(h)))
        ws.insert_cols(at, len(columns))
        for k, (header, values) in enumerate(columns.items()):
            ws.cell(1, at + k, header).data_type = "s"
            for i, v in enumerate(values, start=2):
                if v is not None:
                    cell = ws.cell(i, at + k, v)
                    if isinstance(v, str):
                        cell.data_type = "s"
        wb.save(path)
        return path
    raw = path.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw)))
    at = next(k for k, h in enumerate(rows[0]) if h in first or "[" in h)
    for k, (header, values) in enumerate(columns.items()):
        rows[0].insert(at + k, header)
        for i, v in enumerate(values, start=1):
            rows[i].insert(at + k, "" if v is None else str(v))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def cohort(n):
    return [2023 + i % 2 if i % 5 else None for i in range(n)]  # a number, sometimes not answered


def school_year(n):
    return [f"{2023 + i % 2}-{2024 + i % 2}" if i % 3 else "weet ik niet" for i in range(n)]


def remarks(n):
    return [f"Bel me op {PHONE}" if i == 0 else ("Goede dag" if i % 2 else None) for i in range(n)]


def contact(n):
    return [f"mail {MAIL} of bel {PHONE}" if i == 1 else "geen" for i in range(n)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Microsoft Forms (en) export with the school's own questions; its truth and what was inserted."""
    folder = tmp_path_factory.mktemp("extra")
    truth = truth_of()
    variant = VARIANTS["msforms_en"]
    path = variant.write(truth, folder, seed=SEED)
    n = int((truth.responses["wave"] == "1").sum())
    inserted = {"Cohort": cohort(n), "Cohort (schooljaar)": school_year(n), "Opmerking": remarks(n),
                "Contactgegevens": contact(n), "Interne notitie": [f"notitie {i}" for i in range(n)],
                "Naam": [f"Jan Jansen {i}" for i in range(n)], "Leeg veld": [None] * n,
                "  score ": [str(i % 4) for i in range(n)]}
    insert_columns(path, inserted)
    survey = an.load(path, columns={"Interne notitie": "ignore"})
    return survey, truth, variant, inserted, path


def test_extra_columns_kept_after_the_items(exported):
    survey, truth, variant, _, _ = exported
    items = survey.codebook.item_codes
    assert survey.extra_columns == ["Cohort", "Cohort (schooljaar)", "Opmerking", "score_2"]
    assert list(survey.responses.columns) == [*an.survey.META, *items, *survey.extra_columns]
    # The mapped columns are exactly the truth: the extra columns change nothing else.
    expected = F.expected_responses(truth, variant.questions)
    pd.testing.assert_frame_equal(survey.responses[list(expected.columns)], expected)
    assert survey.excluded.empty


def test_extra_values_typed_and_redacted(exported):
    survey, _, _, inserted, _ = exported
    r = survey.responses
    assert r["Cohort"].dtype == float
    np.testing.assert_array_equal(r["Cohort"].to_numpy(),
                                  np.array([np.nan if v is None else float(v) for v in inserted["Cohort"]]))
    assert isinstance(r["Cohort (schooljaar)"].dtype, pd.StringDtype)
    assert r["Cohort (schooljaar)"].tolist() == inserted["Cohort (schooljaar)"]
    assert r["score_2"].tolist() == [float(v) for v in inserted["  score "]]  # numbers typed as text
    remarks_kept = r["Opmerking"]
    assert remarks_kept.iloc[0] == "Bel me op [telefoonnummer verwijderd]"
    assert remarks_kept.iloc[1] == "Goede dag" and remarks_kept.isna().iloc[2]


def test_personal_data_and_ignored_columns_dropped(exported):
    survey, _, _, _, _ = exported
    for col in ("Contactgegevens", "Naam", "Interne notitie", "Leeg veld", "Name", "Email"):
        assert col not in survey.responses.columns
    f = survey.report().files[0]
    assert "Contactgegevens" in f.personal  # cells hold an e-mail address: the whole column is personal data
    assert "Naam" in f.personal
    assert "Interne notitie" in f.ignored  # mapped away: dropped, as platform bookkeeping ("Start time") is
    assert "Start time" in f.ignored and not {h for h, _ in f.extra} & set(f.ignored)
    assert f.empty == ["Leeg veld"]
    texts = [survey.responses.to_string(), survey.report().to_text("nl"), survey.report().to_text("en"),
             survey.canonical().to_string()]
    for text in texts:
        for secret in (PHONE, MAIL, "Jan Jansen", "notitie 1", *F.SECRETS):
            assert secret not in text, (secret, text[:300])


def test_report_names_the_extra_columns_in_both_languages(exported):
    survey, _, _, _, _ = exported
    f = survey.report().files[0]
    assert f.extra == [("Cohort", "Cohort"), ("Cohort (schooljaar)", "Cohort (schooljaar)"),
                       ("Opmerking", "Opmerking"), ("score", "score_2")]
    nl, en = survey.report().to_text("nl"), survey.report().to_text("en")
    line_nl = next(line for line in nl.splitlines() if "extra kolommen bewaard (te gebruiken in by=)" in line)
    line_en = next(line for line in en.splitlines() if "extra columns kept (usable in by=)" in line)
    for line in (line_nl, line_en):
        assert "'Cohort'" in line and "'Cohort (schooljaar)'" in line and "'Opmerking'" in line
        assert "'score' -> 'score_2'" in line
    assert "'Interne notitie'" in next(line for line in nl.splitlines() if "kolommen genegeerd" in line)
    assert "'Interne notitie'" in next(line for line in en.splitlines() if "columns ignored" in line)
    assert "lege kolommen weggelaten: 'Leeg veld'" in nl and "empty columns dropped: 'Leeg veld'" in en
    assert "is bewaard als extra kolom 'score_2'" in nl and "is kept as extra column 'score_2'" in en
    assert "1 waarde(n) in kolom 'Opmerking' bevatte(n)" in nl


def test_round_trip_through_csv_and_excel(exported, tmp_path):
    survey, _, _, _, _ = exported
    canonical = survey.canonical()
    assert canonical["Cohort"].dtype == "Int64"  # whole numbers written without decimals
    back = an.load(survey.to_csv(tmp_path / "s.csv"))
    pd.testing.assert_frame_equal(back.responses, survey.responses)
    assert [c for _, c in back.report().files[0].extra] == survey.extra_columns
    sheet = pd.read_excel(survey.to_excel(tmp_path / "s.xlsx"), dtype=str)
    assert set(survey.extra_columns) <= set(sheet.columns)


def test_formula_like_extra_text_and_header_escaped_in_csv(tmp_path):
    truth = truth_of()
    path = VARIANTS["google_nl_csv"].write(truth, tmp_path, seed=SEED)
    n = int((truth.responses["wave"] == "1").sum())
    insert_columns(path, {"=HYPERLINK(\"x\")": ["a"] * n, "Team": ["=1+1"] + ["Blauw"] * (n - 1)})
    survey = an.load(path)
    assert survey.extra_columns == ['=HYPERLINK("x")', "Team"]
    assert survey.responses["Team"].iloc[0] == "=1+1"
    out = survey.to_csv(tmp_path / "out.csv")
    for line in out.read_text(encoding="utf-8").splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "@")), cell
    back = an.load(out)
    pd.testing.assert_frame_equal(back.responses, survey.responses)


def test_files_with_different_extra_columns(tmp_path):
    truth = truth_of()
    variant = VARIANTS["msforms_en"]
    n = int((truth.responses["wave"] == "1").sum())
    one = insert_columns(variant.write(truth, tmp_path, seed=SEED, filename="Reflectie_meting1.xlsx"),
                         {"Cohort": cohort(n)})
    two = insert_columns(variant.write(truth, tmp_path, seed=SEED, filename="Reflectie_meting2.xlsx"),
                         {"Team": ["Blauw" if i % 2 else "Rood" for i in range(n)]})
    survey = an.load([one, two])
    r = survey.responses
    assert survey.extra_columns == ["Cohort", "Team"]
    first, second = (r["wave"] == "1").to_numpy(), (r["wave"] == "2").to_numpy()
    assert first.sum() == second.sum() == n
    assert r.loc[second, "Cohort"].isna().all() and r.loc[first, "Team"].isna().all()
    assert r["Cohort"].dtype == float and isinstance(r["Team"].dtype, pd.StringDtype)
    assert r.loc[second, "Team"].tolist() == ["Blauw" if i % 2 else "Rood" for i in range(n)]
    # A column numbers in one file and text in another is text: the numbers as a spreadsheet shows them.
    three = insert_columns(variant.write(truth, tmp_path, seed=SEED, filename="Reflectie_meting3.xlsx"),
                           {"Cohort": ["oud" if i % 2 else "nieuw" for i in range(n)]})
    mixed = an.load([one, three]).responses["Cohort"]
    assert isinstance(mixed.dtype, pd.StringDtype)
    assert set(mixed.dropna()) == {"2023", "2024", "oud", "nieuw"}


def test_disclosure_control_and_grouping_with_extra_columns(exported):
    survey, _, _, _, _ = exported
    protected = an.protect(survey)
    assert protected.extra_columns == survey.extra_columns
    assert protected.disclosure is not None
    sizes = survey.group_sizes(by=["wave", "Cohort"])
    assert sizes["n"].sum() == survey.responses["Cohort"].notna().sum()
    long = survey.long()
    assert list(long.columns) == [*an.survey.META, "condition", "item", "score", *survey.extra_columns]
    assert len(long) == len(survey.responses) * len(survey.codebook.item_codes)
    means = long.groupby("Cohort (schooljaar)", observed=True)["score"].mean()
    assert set(means.index) == set(survey.responses["Cohort (schooljaar)"].dropna())


def test_column_map_suggests_ignore_for_extra_columns(exported, tmp_path):
    survey, _, _, _, _ = exported
    text = write_map(tmp_path / "kolommen.toml", survey.report().files).read_text(encoding="utf-8")
    assert '# "Cohort" = "ignore"' in text  # commented out: uncommented, it drops the column
    assert '\n"Interne notitie" = "ignore"' in text


# ---------------------------------------------------------------- Survey(frame)
def test_survey_from_frame_keeps_its_extra_columns():
    truth = truth_of()
    frame = truth.responses.copy()
    n = len(frame)
    frame["cohort"] = [2023 + i % 2 for i in range(n)]
    frame["team"] = pd.Series(["a", 1.0, None] * (n // 3) + ["b"] * (n % 3), dtype=object)
    frame["groep"] = pd.Categorical(["x", "y"] * (n // 2) + ["x"] * (n % 2))
    frame["score"] = 1.0
    frame["comment_ambitie"] = "een opmerking"
    s = an.Survey(frame)
    assert s.extra_columns == ["cohort", "team", "groep", "score_2"]
    assert s.responses["cohort"].dtype == float
    assert isinstance(s.responses["team"].dtype, pd.StringDtype)
    assert s.responses["team"].iloc[:3].tolist()[:2] == ["a", "1"] and s.responses["team"].isna().iloc[2]
    assert isinstance(s.responses["groep"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(s.responses.iloc[:, :27], truth.responses)
    assert an.Survey(truth.responses).extra_columns == []
    assert list(an.Survey(truth.responses).long().columns) == [*an.survey.META, "condition", "item", "score"]


def test_survey_from_frame_shares_no_memory_with_it():
    """The Survey's columns are copies: changing one changes nothing in the frame it was made from."""
    frame = truth_of().responses.copy()
    frame["cohort"] = 2023.0
    frame["flag"] = np.arange(len(frame)) % 2 == 0
    before = frame.copy()
    s = an.Survey(frame)
    for col in s.responses.columns:
        if isinstance(s.responses[col].dtype, np.dtype):
            assert not np.shares_memory(s.responses[col].to_numpy(), frame[col].to_numpy()), col
    s.responses.loc[:, s.codebook.item_codes] = 1.0
    s.responses["cohort"] = 0.0
    s.responses.iloc[0, s.responses.columns.get_loc("flag")] = False
    pd.testing.assert_frame_equal(frame, before)


def test_statistics_and_figures_group_by_an_extra_column(exported):
    """A question the loader did not map is a stratum like any other, in any capitalisation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    survey, _, _, _, _ = exported
    r = survey.responses
    means = an.condition_means(survey, by="cohort", min_n=1)
    assert "Cohort" in means.columns and set(means["Cohort"]) == {2023.0, 2024.0}
    items = survey.codebook.items_of("ambitie")
    for year in (2023.0, 2024.0):
        rows = r[r["Cohort"] == year]
        expected = rows[items].mean(axis=1).mean()
        got = means.loc[(means["Cohort"] == year) & (means["condition"] == "ambitie"), "mean"]
        assert got.item() == pytest.approx(expected, abs=1e-12)
        assert means.loc[means["Cohort"] == year, "n"].max() == len(rows)
    gaps = an.gap(survey, between="Cohort (schooljaar)", min_n=1)
    assert set(gaps["a"]) | set(gaps["b"]) == set(r["Cohort (schooljaar)"].dropna())
    fig, ax = plt.subplots()
    assert an.plot.condition_profile(survey, hue="COHORT", ax=ax, min_n=1) is ax
    assert set(ax.analyse_data["Cohort"]) == {2023.0, 2024.0}
    plt.close(fig)
