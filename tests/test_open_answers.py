"""The open answers per stratum and condition: counts, order, small groups left out, redaction."""

import numpy as np
import pandas as pd
import pytest
from conftest import export_frame

import analyse as an
from analyse.errors import AnalyseError

PHONE = "[telefoonnummer verwijderd]"
COLUMNS = ["condition", "n_respondents", "n_answers", "text", "note"]


@pytest.fixture(scope="module")
def survey():
    """Two waves; one answer of only spaces and one empty answer added (not answers)."""
    s = an.sample.generate(respondents_per_group=3, waves=2, seed=5)
    r = s.responses
    blank = pd.DataFrame({"respondent_id": r["respondent_id"].iloc[:2].to_numpy(),
                          "wave": r["wave"].astype(str).iloc[:2].to_numpy(),
                          "condition": ["proces", "ambitie"], "text": ["   ", ""]})
    return an.Survey(r, comments=pd.concat([s.comments, blank], ignore_index=True))


def _expected(survey, by):
    """Answers per group and condition, counted apart from open_answers: comments joined to responses."""
    r = survey.responses.assign(wave=survey.responses["wave"].astype(str))
    c = survey.comments.assign(wave=survey.comments["wave"].astype(str))
    c = c[c["text"].str.strip() != ""]
    joined = c.merge(r[["respondent_id", "wave", *by]], on=["respondent_id", "wave"], how="inner")
    joined[by] = joined[by].astype(str)
    return joined


def test_counts_and_texts_equal_an_independent_count(survey):
    out = an.open_answers(survey, by="leerlab")
    assert out.columns.tolist() == ["wave", "leerlab", *COLUMNS]
    joined = _expected(survey, ["leerlab"])
    answers = joined.groupby(["wave", "leerlab", "condition"]).size()
    sizes = survey.responses.assign(wave=survey.responses["wave"].astype(str)).groupby(
        ["wave", "leerlab"], observed=True).size()
    keyed = out.assign(wave=out["wave"].astype(str), leerlab=out["leerlab"].astype(str),
                       condition=out["condition"].astype(str))
    first = keyed.groupby(["wave", "leerlab", "condition"]).first()
    assert len(first) == len(sizes) * 5
    got = first["n_answers"]
    pd.testing.assert_series_equal(got[answers.index].astype(int), answers, check_names=False)
    assert (got.drop(answers.index) == 0).all()
    for (wave, leerlab), n in sizes.items():
        assert (first.loc[(wave, str(leerlab)), "n_respondents"] == n).all()
    # the texts themselves, as a multiset per group and condition, and one row per answer
    shown = keyed.dropna(subset=["text"])
    assert len(shown) == len(joined) == answers.sum()
    got_texts = shown.groupby(["wave", "leerlab", "condition"])["text"].apply(sorted)
    want_texts = joined.groupby(["wave", "leerlab", "condition"])["text"].apply(sorted)
    pd.testing.assert_series_equal(got_texts.sort_index(), want_texts.sort_index(), check_names=False)
    assert (shown["note"] == "").all()


def test_blank_answers_are_not_answers(survey):
    out = an.open_answers(survey, by=None)
    assert not out["text"].dropna().str.strip().eq("").any()
    joined = _expected(survey, [])
    assert out["text"].notna().sum() == len(joined) == len(survey.comments) - 2


def test_rows_are_sorted_by_strata_condition_in_questionnaire_order_then_text(survey):
    out = an.open_answers(survey, by="level", conditions=["proces", "ambitie"])
    assert out["condition"].cat.categories.tolist()[:5] == survey.codebook.condition_codes
    assert out["condition"].astype(str).unique().tolist() == ["ambitie", "proces"]
    order = out.assign(c=out["condition"].cat.codes, w=out["wave"].cat.codes, lv=out["level"].cat.codes)
    expected = order.sort_values(["w", "lv", "c", "text"], kind="mergesort", na_position="first")
    pd.testing.assert_frame_equal(order, expected)
    assert out["level"].astype(str).unique().tolist() == ["bestuurlijk", "management", "professioneel"]


def test_all_lists_the_answers_of_every_condition_together(survey):
    every = an.open_answers(survey, by="leerlab", conditions="all", pool_waves=True)
    assert set(every["condition"].astype(str)) == {"all"}
    per = an.open_answers(survey, by="leerlab", pool_waves=True)
    assert every["text"].notna().sum() == per["text"].notna().sum()
    total = per.groupby(["leerlab", "condition"], observed=True)["n_answers"].first().groupby("leerlab",
                                                                                              observed=True).sum()
    got = every.groupby("leerlab", observed=True)["n_answers"].first()
    pd.testing.assert_series_equal(got, total)


def test_waves_are_kept_apart_and_pooled_only_when_asked(survey):
    apart = an.open_answers(survey, by="leerlab")
    assert set(apart["wave"].astype(str)) == {"1", "2"}
    assert not apart["note"].str.contains("pooled").any()
    pooled = an.open_answers(survey, by="leerlab", pool_waves=True)
    assert "wave" not in pooled.columns
    assert pooled.columns.tolist() == ["leerlab", *COLUMNS]
    sizes = survey.responses.groupby("leerlab", observed=True).size()
    first = pooled.groupby("leerlab", observed=True)["n_respondents"].first()
    pd.testing.assert_series_equal(first, sizes, check_names=False)
    assert pooled["note"].str.contains("waves pooled").all()
    assert pooled["text"].notna().sum() == apart["text"].notna().sum()
    one = an.Survey(survey.responses[survey.responses["wave"] == "1"], comments=survey.comments)
    assert "wave" not in an.open_answers(one).columns


def _small_partner():
    """Partner 'Kempenhof' keeps 2 respondents in wave 1, whose answers say SECRET."""
    s = an.sample.generate(respondents_per_group=3, waves=1, seed=3)
    r = s.responses
    school = r["partner"].astype(str).str.startswith("Kempenhof")
    assert school.sum() == 9
    drop = r.loc[school, "respondent_id"].iloc[2:]
    r = r[~r["respondent_id"].isin(drop)]
    kept = r.loc[r["partner"].astype(str).str.startswith("Kempenhof"), "respondent_id"].tolist()
    secret = pd.DataFrame({"respondent_id": kept, "wave": "1", "condition": "relatie",
                           "text": ["SECRET one", "SECRET two"]})
    comments = pd.concat([s.comments[~s.comments["respondent_id"].isin(drop)], secret], ignore_index=True)
    return an.Survey(r, comments=comments)


def test_a_partner_below_min_n_shows_none_of_its_text():
    s = _small_partner()
    out = an.open_answers(s, by="partner")
    assert "wave" not in out.columns  # one wave
    small = out[out["partner"].astype(str).str.startswith("Kempenhof")]
    assert len(small) == 5  # one row per condition
    assert small["text"].isna().all() and small["n_answers"].isna().all()
    assert (small["n_respondents"] == 2).all()
    assert (small["note"] == "fewer than 5 respondents: not shown").all()
    assert not out["text"].astype(str).str.contains("SECRET").any()
    assert "SECRET" not in out.to_string()
    others = out[~out["partner"].astype(str).str.startswith("Kempenhof")]
    assert others["text"].notna().sum() > 0 and (others["n_respondents"] >= 9).all()
    # with a lower threshold the two answers are shown, counted in their condition
    low = an.open_answers(s, by="partner", min_n=2, conditions="relatie")
    mine = low[low["partner"].astype(str).str.startswith("Kempenhof")]
    assert {"SECRET one", "SECRET two"} <= set(mine["text"])
    assert (mine["n_answers"] == len(mine)).all()
    # by leerlab the school is part of a group large enough
    lab = an.open_answers(s, by="leerlab", conditions="relatie")
    assert lab["text"].astype(str).str.contains("SECRET").sum() == 2


def test_a_protected_survey_hides_the_text_of_its_hidden_groups():
    s = an.protect(an.sample.generate(respondents_per_group=2, waves=1, seed=4), min_n=5)
    out = an.open_answers(s, by=["partner", "level"], min_n=1)  # groups of 2: hidden by the plan
    assert out["text"].isna().all() and out["n_respondents"].isna().all()
    assert out["note"].str.startswith("hidden: disclosure control").all()
    lab = an.open_answers(s, by="leerlab")
    assert lab["text"].notna().any()


@pytest.mark.parametrize("alias, column", [("niveau", "level"), ("Leerlab", "leerlab"), ("school", "partner"),
                                           ("ONDERWIJSTYPE", "sector")])
def test_aliases_and_capitalisation_name_the_same_column(survey, alias, column):
    pd.testing.assert_frame_equal(an.open_answers(survey, by=alias), an.open_answers(survey, by=column))


def test_no_column_identifies_a_respondent(survey):
    out = an.open_answers(survey, by=["leerlab", "partner", "level"], min_n=1)
    assert "respondent_id" not in out.columns
    ids = set(survey.responses["respondent_id"])
    assert not ids & set(out.astype(str).to_numpy().ravel())


def test_a_phone_number_in_an_answer_comes_out_redacted(tmp_path, codebook):
    frame = export_frame(codebook, n=6)
    frame["Ambitie - Onderbouw en licht toe"] = ["bel 06-12345678", "prima", "", "ok", "   ", "mail jan@school.nl"]
    path = tmp_path / "x.csv"
    frame.to_csv(path, sep=";", index=False)
    s = an.load(path)
    out = an.open_answers(s, by=None, min_n=1, conditions="ambitie")
    assert out["text"].tolist() == [f"bel {PHONE}", "mail [e-mail verwijderd]", "ok", "prima"]
    assert (out["n_answers"] == 4).all()
    assert "12345678" not in out.to_string() and "jan@" not in out.to_string()


def test_a_survey_built_from_frames_is_redacted_too():
    s = an.sample.generate(respondents_per_group=2, waves=1, seed=6)
    rid = s.responses["respondent_id"].iloc[0]
    raw = pd.DataFrame({"respondent_id": [rid], "wave": ["1"], "condition": ["Ambitie"],
                        "text": ["  bel me op +31 6 12345678  "]})
    out = an.open_answers(an.Survey(s.responses, comments=raw), by=None, min_n=1, conditions="ambitie")
    assert out["text"].tolist() == [f"bel me op {PHONE}"]


def test_a_canonical_frame_with_comment_columns_gives_the_same(survey):
    frame = survey.canonical()
    pd.testing.assert_frame_equal(an.open_answers(frame, by="level"), an.open_answers(survey, by="level"))


def test_a_frame_without_open_answers_is_refused(survey):
    with pytest.raises(AnalyseError, match="open answers need an analyse.Survey"):
        an.open_answers(survey.responses, by="leerlab")
    with pytest.raises(AnalyseError, match="open answers need an analyse.Survey"):
        an.open_answers([1, 2, 3])


def test_unknown_columns_and_clashing_names_are_refused(survey):
    with pytest.raises(AnalyseError, match=r"no column 'cohort'.*'leerlab'"):
        an.open_answers(survey, by="cohort")
    with pytest.raises(AnalyseError, match=r"no scale 'ambition'"):
        an.open_answers(survey, conditions="ambition")
    clash = an.Survey(survey.responses.assign(text=np.where(np.arange(len(survey)) % 2, "x", "y")),
                      comments=survey.comments)
    with pytest.raises(AnalyseError, match="'text' has the name of a column open_answers writes"):
        an.open_answers(clash, by="text")
