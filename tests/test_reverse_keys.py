"""Reverse-keyed statements and statements with a scale of their own.

A statement marked ``reverse = true`` is scored max + min - answer once, at
load; the reference values come from ``tests/r/reverse_keys.R`` (psych's
``reverse.code``, ``alpha`` with ``check.keys=FALSE``: its warning, ``r.drop``,
alpha) on ``tests/reference/fixture.csv`` with ambitie_2 made negatively keyed
(6 - answer). The CSVs are committed so the tests need no R; a test re-runs the
script when R is there.
"""

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import export_frame

import analyse as an
from analyse.errors import AnalyseError, CodebookError
from analyse.texts import translate_notes

ROOT = Path(__file__).parents[1]
REF = ROOT / "tests" / "reference"
DEFAULT = Path(an.__file__).parent / "data" / "common_eye.toml"
AMBITIE = ["ambitie_1", "ambitie_2", "ambitie_3", "ambitie_4"]
TOL = 1e-9


def _codebook(tmp_path, edit=lambda t: t, name="mine.toml"):
    path = tmp_path / name
    path.write_text(edit(DEFAULT.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _reverse(text, code="ambitie_2", line="reverse = true"):
    return text.replace(f'code = "{code}"\n', f'code = "{code}"\n{line}\n', 1)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """The fixture as a school would export it, ambitie_2 worded negatively: answered 6 - x."""
    d = pd.read_csv(REF / "fixture.csv")
    d["ambitie_2"] = 6 - d["ambitie_2"]
    d = d.rename(columns={"respondent_id": "Respondentcode", "wave": "Meting", "leerlab": "Leerlab",
                          "partner": "School", "level": "Niveau", "sector": "Sector"})
    folder = tmp_path_factory.mktemp("export")
    path = folder / "export.csv"
    d.to_csv(path, sep=";", index=False)
    return path


@pytest.fixture(scope="module")
def reversing(tmp_path_factory):
    return _codebook(tmp_path_factory.mktemp("codebook"), _reverse)


@pytest.fixture(scope="module")
def keyed(export, reversing):
    return an.load(export, codebook=reversing)


@pytest.fixture(scope="module")
def raw(export):
    return an.load(export)


# ---------------------------------------------------------------- the codebook
def test_codebook_reads_reverse(reversing):
    cb = an.load_codebook(reversing)
    assert cb.reversed_items == ["ambitie_2"]
    assert cb.items.set_index("code")["reverse"].sum() == 1 and cb.one_scale
    assert an.load_codebook().reversed_items == []


# ---------------------------------------------------------------- scored once, at load
def test_loaded_scores_are_max_plus_min_minus_answer(keyed, raw):
    ref = pd.read_csv(REF / "r_reverse_keyed.csv")
    key = ["respondent_id", "wave"]
    assert keyed.responses[key].astype(str).values.tolist() == ref[key].values.tolist()
    np.testing.assert_array_equal(keyed.responses[AMBITIE], ref[AMBITIE])  # psych::reverse.code
    np.testing.assert_array_equal(keyed.responses["ambitie_2"], 5 + 1 - raw.responses["ambitie_2"])
    untouched = [c for c in keyed.codebook.item_codes if c != "ambitie_2"]
    pd.testing.assert_frame_equal(keyed.responses[untouched], raw.responses[untouched])


def test_load_report_names_the_reversed_statements(keyed, raw):
    assert keyed.report().files[0].reversed == ["ambitie_2"]
    assert "scored in reverse (max + min − answer, reverse = true in the codebook): ambitie_2" \
        in keyed.report().to_text("en")
    assert "omgekeerd gescoord (max + min − antwoord, reverse = true in het codeboek): ambitie_2" \
        in keyed.report().to_text("nl")
    assert raw.report().files[0].reversed == [] and "reverse" not in raw.report().to_text("en")


def test_condition_means_are_the_means_of_keyed_scores(keyed):
    x = pd.read_csv(REF / "fixture.csv")  # the keyed scores are the fixture's own
    answered = x[AMBITIE].notna().sum(axis=1)
    x["score"] = x[AMBITIE].mean(axis=1).where(answered >= 3)  # more than half of 4 items
    expected = x.groupby("leerlab")["score"].agg(["mean", "count"])
    got = an.condition_means(keyed, by="leerlab", pool_waves=True)
    got = got[got["condition"] == "ambitie"].set_index("leerlab")
    np.testing.assert_allclose(got.loc[expected.index, "mean"], expected["mean"], atol=TOL, rtol=0)
    assert (got.loc[expected.index, "n"] == expected["count"]).all()


# ---------------------------------------------------------------- reliability against psych
def _by_leerlab(frame, ref, on):
    frame = frame.assign(leerlab=frame["leerlab"].astype(str)) if "leerlab" in frame else frame.assign(leerlab="all")
    m = ref.merge(frame.assign(**{c: frame[c].astype(str) for c in on}), on=on, suffixes=("_r", ""))
    assert len(m) == len(ref)
    return m


@pytest.mark.parametrize("stage", ["raw", "keyed"])
@pytest.mark.parametrize("by", [None, "leerlab"])
def test_alpha_and_item_statistics_against_psych(stage, by, raw, keyed):
    survey = {"raw": raw, "keyed": keyed}[stage]
    alphas = pd.read_csv(REF / "r_reverse_alpha.csv")
    alphas = alphas[(alphas["stage"] == stage) & ((alphas["leerlab"] == "all") == (by is None))]
    rel = an.reliability(survey, by=by, conditions=["ambitie"], pool_waves=True)
    m = _by_leerlab(rel, alphas, ["leerlab"])
    assert (m["n_r"] == m["n"]).all()
    np.testing.assert_allclose(m["alpha"], m["alpha_r"], atol=TOL, rtol=0)
    # psych warned exactly where the note names a statement, and names the same one
    named = m["note"].str.extract(r"item\(s\) (.+?) negatively correlated", expand=False).fillna("")
    assert (named == m["named"].fillna("")).all() and (named != "").tolist() == m["warned"].tolist()

    items = pd.read_csv(REF / "r_reverse_items.csv")
    items = items[(items["stage"] == stage) & ((items["leerlab"] == "all") == (by is None))]
    stats = an.item_statistics(survey, by=by, conditions=["ambitie"], pool_waves=True)
    m = _by_leerlab(stats, items, ["leerlab", "item"])
    np.testing.assert_allclose(m["r_drop"], m["r_drop_r"], atol=TOL, rtol=0)
    np.testing.assert_allclose(m["alpha_if_deleted"], m["alpha_if_deleted_r"], atol=TOL, rtol=0)
    flagged = m["note"].str.contains("probably should be reversed", regex=False)
    assert flagged.tolist() == (m["r_drop"] < 0).tolist() == m["pc_negative"].tolist()
    assert flagged.any() == (stage == "raw")


def test_the_note_in_dutch(raw):
    rel = translate_notes(an.reliability(raw, conditions=["ambitie"], pool_waves=True), "nl", strict=True)
    assert rel["note"].str.contains("stelling(en) ambitie_2 hangen negatief samen", regex=False).all()


def test_note_names_every_negative_item_per_group():
    """Two mirrored items of six in one group, none in the other: the names are per group, in item order."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 1)) + rng.normal(scale=0.5, size=(40, 6))
    x[:20, [1, 4]] *= -1
    scales = {"s": [f"q{i}" for i in range(1, 7)]}
    df = pd.DataFrame(x, columns=scales["s"]).assign(team=["a"] * 20 + ["b"] * 20)
    rel = an.reliability(df, by="team", scales=scales).set_index("team")
    stats = an.item_statistics(df, by="team", scales=scales)
    negative = stats.loc[stats["r_drop"] < 0]
    assert negative[["team", "item"]].values.tolist() == [["a", "q2"], ["a", "q5"]]
    assert (stats["note"] != "").tolist() == (stats["r_drop"] < 0).tolist()
    assert rel.loc["a", "note"] == ("item(s) q2, q5 negatively correlated with the rest of the condition (r_drop < 0) "
                                    "and probably should be reversed (reverse = true in the codebook)")
    assert rel.loc["b", "note"] == ""


# ---------------------------------------------------------------- round trip
@pytest.mark.parametrize("writer, suffix", [("to_csv", ".csv"), ("to_excel", ".xlsx")])
def test_canonical_layout_round_trips_without_reversing_twice(keyed, reversing, tmp_path, writer, suffix):
    path = getattr(keyed, writer)(tmp_path / f"canonical{suffix}")
    back = an.load(path, codebook=reversing)
    pd.testing.assert_frame_equal(back.responses, keyed.responses)
    assert back.report().files[0].reversed == []
    assert ("the file is in analyse's own layout (Survey.to_csv/to_excel), which holds the scores keyed already: "
            "ambitie_2 not reversed again") in back.report().to_text("en")


# ---------------------------------------------------------------- a statement with a 7-point scale
SEVEN_NL = ["Helemaal oneens", "Oneens", "Een beetje oneens", "Neutraal", "Een beetje eens", "Eens", "Helemaal eens"]
SEVEN_EN = ["Strongly disagree", "Disagree", "Slightly disagree", "Neutral", "Slightly agree", "Agree",
            "Strongly agree"]


def _seven(text, reverse="reverse = true\n"):
    return text + f'''
[[conditions]]
code = "sfeer"
nl = "Sfeer"
en = "Atmosphere"

[[items]]
code = "sfeer_1"
condition = "sfeer"
nl = "Er heerst onderling wantrouwen."
en = "There is mutual distrust."
{reverse}scale = {{ points = [1, 2, 3, 4, 5, 6, 7], point_labels = {{ nl = {SEVEN_NL}, en = {SEVEN_EN} }} }}
'''.replace("'", '"')


@pytest.fixture(scope="module")
def seven(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seven")
    cb_path = _codebook(folder, _seven)
    cb = an.load_codebook(cb_path)
    frame = export_frame(cb, n=7)
    frame[cb.label("item", "sfeer_1")] = ["Een beetje eens", "7", "Helemaal eens", "Weet ik niet", "2",
                                          "Mee eens", "8"]
    path = folder / "zeven.csv"
    frame.to_csv(path, sep=";", index=False)
    return an.load(path, codebook=cb_path, lang="en"), cb


def test_seven_point_statement_is_read_and_reversed_on_its_own_scale(seven):
    survey, cb = seven
    assert cb.points_of("sfeer_1").tolist() == [1, 2, 3, 4, 5, 6, 7] and not cb.one_scale
    assert cb.point_labels_of("sfeer_1", "en") == SEVEN_EN and cb.point_labels_of("ambitie_1") == cb.point_labels()
    # answered 5, 7, 7, no answer, 2: keyed 7 + 1 - answer
    np.testing.assert_array_equal(survey.responses["sfeer_1"], [3.0, 1.0, 1.0, np.nan, 6.0])
    # the codebook's labels are not this scale's ("Mee eens" is 4 of 5); 8 is off its scale
    ex = survey.excluded
    assert ex[["row", "reason"]].values.tolist() == [[7, "unknown_label"], [8, "out_of_range"]]
    assert ex["detail"].iloc[1].startswith("'8' is outside the scale (1, 2, 3, 4, 5, 6, 7)")
    assert survey.report().files[0].reversed == ["sfeer_1"]


def test_likert_counts_use_each_statements_own_points(seven):
    survey, _ = seven
    counts = an.likert_counts(survey, min_n=1).set_index("item")
    assert [c for c in counts.columns if c.startswith("count_")] == [f"count_{p}" for p in range(1, 8)]
    s = counts.loc["sfeer_1"]
    assert [s[f"count_{p}"] for p in range(1, 8)] == [2, 0, 1, 0, 0, 1, 0] and s["n"] == 4 and s["n_missing"] == 1
    assert s["share_1"] == 0.5 and s["note"] == ""
    a = counts.loc["ambitie_1"]
    assert np.isnan(a[["count_6", "count_7", "share_6", "share_7"]].astype(float)).all()
    assert a[[f"count_{p}" for p in range(1, 6)]].sum() == a["n"] == 5
    assert a["note"] == "the other count_ and share_ columns are blank: this item's scale has the points 1, 2, 3, 4, 5"
    nl = translate_notes(counts.reset_index(), "nl", strict=True)
    assert "de schaal van deze stelling heeft de punten 1, 2, 3, 4, 5" in nl.loc[0, "note"]


def test_likert_bars_draw_a_statement_on_its_own_scale_and_never_mix_scales(seven):
    import matplotlib.pyplot as plt

    from analyse.plot import likert_bars

    survey, _ = seven
    ax = likert_bars(survey, conditions=["sfeer"], min_n=1, lang="en")
    points = [a.get_gid().rsplit("|", 1)[1] for a in ax.patches if (a.get_gid() or "").startswith("likert|")]
    assert points == [str(p) for p in range(1, 8)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == SEVEN_EN
    with pytest.raises(AnalyseError, match="one answer scale at a time"):
        likert_bars(survey, conditions=["ambitie", "sfeer"], min_n=1)
    plt.close("all")


def test_statistics_that_read_one_scale_refuse_or_leave_shares_blank(seven):
    survey, _ = seven
    with pytest.raises(AnalyseError, match="more than one answer scale"):
        an.rwg(survey)
    only = an.rwg(survey, conditions=["sfeer"], n_options=7, min_n=1)
    x = survey.responses["sfeer_1"].dropna()
    np.testing.assert_allclose(only["rwg_j"], max(0.0, 1 - x.var(ddof=1) / ((7 ** 2 - 1) / 12)), atol=TOL)
    means = an.condition_means(survey, min_n=1).set_index("condition")
    np.testing.assert_allclose(means.loc["sfeer", "mean"], x.mean(), atol=TOL, rtol=0)
    assert means["share_agree"].isna().all()  # agree points are the 5-point scale's


# ---------------------------------------------------------------- refused codebooks
@pytest.mark.parametrize("edit, message", [
    (lambda t: _reverse(t, line="revers = true"),
     "[[items]] entry 2 (ambitie_2): unknown key 'revers'; a statement takes code, condition, nl, en, reverse, scale"),
    (lambda t: _reverse(t, line='reverse = "ja"'),
     "[[items]] entry 2 (ambitie_2): reverse must be true or false, not the string 'ja'"),
    (lambda t: _reverse(t, line="scale = { points = [1, 2, 4] }\nreverse = true"),
     ("[[items]] entry 2 (ambitie_2): reverse = true needs a scale whose points lie symmetrically around its "
      "midpoint (max + min - answer is then a point again), not [1, 2, 4]")),
    (lambda t: _reverse(t, line="scale = 7"),
     "[[items]] entry 2 (ambitie_2): scale must be a table with points = [...], not the integer 7"),
    (lambda t: _reverse(t, line="scale = { labels = { Ja = 1 } }"),
     "[[items]] entry 2 (ambitie_2): scale needs points = [...]"),
    (lambda t: _reverse(t, line="scale = { points = [1, 2, 3, 4, 5], agree = [4, 5] }"),
     ("[[items]] entry 2 (ambitie_2): scale has unknown key 'agree'; a statement's scale takes points, labels, "
      "point_labels")),
    (lambda t: _reverse(t, line='scale = { points = [1, 2, 3, 4, 5], labels = { "Ja" = 7 } }'),
     "[[items]] entry 2 (ambitie_2): scale.labels maps 'Ja' to 7, which is not a scale point [1, 2, 3, 4, 5]"),
    (lambda t: _reverse(t, line="scale = { points = [1, 2, 3], point_labels = { nl = [\"a\", \"b\"] } }"),
     "[[items]] entry 2 (ambitie_2): scale.point_labels nl needs 3 labels, one per point"),
    (lambda t: _reverse(t, line="scale = { points = [3, 2, 1] }"),
     "[[items]] entry 2 (ambitie_2): scale points must be at least two ascending distinct numbers"),
    (lambda t: _reverse(t, line="scale = { points = [1, 2, 3, 4, 5, 6, 7] }"),
     ("condition 'ambitie' mixes answer scales (ambitie_1, ambitie_3, ambitie_4 on [1, 2, 3, 4, 5]; ambitie_2 on "
      "[1, 2, 3, 4, 5, 6, 7]); a condition's score is the mean of its statements, so give them one scale")),
])
def test_bad_codebooks_are_refused_naming_file_statement_and_key(tmp_path, edit, message):
    path = _codebook(tmp_path, edit)
    with pytest.raises(CodebookError, match=re.escape(message)) as err:
        an.load_codebook(path)
    assert str(err.value).startswith(f"{path}: ")


def test_a_statement_may_repeat_the_codebook_scale(tmp_path):
    path = _codebook(tmp_path, lambda t: _reverse(t, line="scale = { points = [1, 2, 3, 4, 5] }\nreverse = true"))
    cb = an.load_codebook(path)
    assert cb.one_scale and cb.reversed_items == ["ambitie_2"] and cb.point_labels_of("ambitie_2") == list("12345")


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (CI installs r-cran-psych)")
def test_committed_reference_values_are_what_r_computes(tmp_path):
    """Re-run tests/r/reverse_keys.R and compare with the committed CSVs, so they cannot drift."""
    run = subprocess.run(["Rscript", "tests/r/reverse_keys.R", str(tmp_path)], check=False, cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for name in ("r_reverse_keyed.csv", "r_reverse_alpha.csv", "r_reverse_items.csv"):
        fresh, committed = pd.read_csv(tmp_path / name), pd.read_csv(REF / name)
        pd.testing.assert_frame_equal(fresh, committed, check_exact=False, rtol=1e-12, atol=1e-12)
