"""mixed_gap against R's lme4 and nlme, its design effect against its formula, and its undefined cases.

Reference values come from ``tests/r/mixed_models.R`` (R 4.2, lme4 1.1-31, nlme 3.1-162) run on
``tests/reference/mixed_sample.csv`` (the package's condition scores of data/sample) and
``mixed_unbalanced.csv`` (hand-built: 11 schools of 2..14 respondents, one column with a singular
fit), both written by ``tests/r/make_mixed_scores.py``; the CSVs are committed so the tests need no R.
R's optimisers stop short of the REML optimum (lme4 within 1e-8 here, nlme up to 2e-7 in a standard
error), so the tolerance is 1e-6; t, p and the interval are checked both as R computes them from
lme4's estimate and se with nlme's df, and as nlme reports them.
"""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import analyse as an
from analyse.errors import AnalyseError
from analyse.stats._common import note

ROOT = Path(__file__).parents[1]
REF = Path(__file__).parent / "reference"
TOL = 1e-6


def _script():
    spec = importlib.util.spec_from_file_location("make_mixed_scores", Path(__file__).parent / "r" / "make_mixed_scores.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample():
    return an.load(ROOT / "data" / "sample")


@pytest.fixture(scope="module")
def unbalanced():
    return pd.read_csv(REF / "mixed_unbalanced.csv")


def _ours_sample(survey):
    return pd.concat([an.mixed_gap(survey, between="sector", a="vmbo", b="mbo"),
                      an.mixed_gap(survey, between="wave", a=1, b=2)], ignore_index=True)


def _ours_unbalanced(frame):
    kw = {"scales": {"x": ["x"], "y": ["y"]}, "pool_waves": True}
    return pd.concat([an.mixed_gap(frame, between="sector", a="vmbo", b="mbo", **kw),
                      an.mixed_gap(frame, between="wave", a=1, b=2, **kw)], ignore_index=True)


def _check_against_r(ours: pd.DataFrame, ref: pd.DataFrame):
    assert len(ours) == len(ref)
    assert (ours["condition"].astype(str).to_numpy() == ref["condition"].to_numpy()).all()
    assert ((ours["n_a"] + ours["n_b"]).to_numpy() == ref["n"].to_numpy()).all()
    assert (ours["n_clusters"].to_numpy() == ref["n_clusters"].to_numpy()).all()
    assert (ours["df"].to_numpy() == ref["df"].to_numpy()).all()  # nlme's denDF
    for col in ("estimate", "se", "t", "p", "ci_low", "ci_high"):  # lme4, with nlme's df for t, p, interval
        np.testing.assert_allclose(ours[col], ref[col], atol=TOL, rtol=0, err_msg=col)
    for col in ("estimate", "se"):
        np.testing.assert_allclose(ours[col], ref[f"{col}_nlme"], atol=TOL, rtol=0, err_msg=f"{col} nlme")
    for col in ("t", "p", "ci_low", "ci_high"):  # nlme's own: its se can be 2e-7 off, t twice that relatively
        np.testing.assert_allclose(ours[col], ref[f"{col}_nlme"], atol=TOL, rtol=TOL, err_msg=f"{col} nlme")
    for ours_col, r_cols in (("var_cluster", ["tau2", "tau2_nlme"]), ("var_residual", ["sigma2", "sigma2_nlme"])):
        for r_col in r_cols:
            np.testing.assert_allclose(ours[ours_col], ref[r_col], atol=TOL, rtol=0, err_msg=r_col)
    np.testing.assert_allclose(ours["icc"], ref["icc"], atol=TOL, rtol=0)
    # deff = 1 + (n/J - 1) icc multiplies the icc's last digits by n/J - 1 (up to 29 here)
    np.testing.assert_allclose(ours["deff"], ref["deff"], atol=0, rtol=TOL)
    np.testing.assert_allclose(ours["n_effective"], ref["n_effective"], atol=0, rtol=TOL)
    singular = ours["note"].str.contains(note("singular_fit"), regex=False).to_numpy()
    assert (singular == ref["singular"].to_numpy()).all()


def test_sample_against_lme4_and_nlme(sample):
    ref = pd.read_csv(REF / "r_mixed_sample.csv")
    ours = _ours_sample(sample)
    _check_against_r(ours, ref)
    sector = ours.iloc[:10]
    assert (sector["wave"].astype(int).to_numpy() == ref["wave"].iloc[:10].to_numpy()).all()
    assert (sector["df"] == 8).all()  # J - 2 between schools
    within = ours.iloc[10:]
    assert (within["df"] == within["n_a"] + within["n_b"] - 10 - 1).all()  # N - J - 1 within


def test_unbalanced_case_against_lme4_and_nlme(unbalanced):
    ref = pd.read_csv(REF / "r_mixed_unbalanced.csv")
    ours = _ours_unbalanced(unbalanced)
    _check_against_r(ours, ref)
    assert ref["singular"].any() and not ref["singular"].all()  # the case holds both kinds of fit
    singular = ours[ref["singular"].to_numpy()]
    assert (singular["var_cluster"] == 0).all() and (singular["deff"] == 1).all()
    assert (singular["n_effective"] == singular["n_a"] + singular["n_b"]).all()


def test_design_effect_is_its_formula(sample, unbalanced):
    for out in (_ours_sample(sample), _ours_unbalanced(unbalanced)):
        n = (out["n_a"] + out["n_b"]).to_numpy(float)
        icc = out["var_cluster"] / (out["var_cluster"] + out["var_residual"])
        np.testing.assert_allclose(out["icc"], icc, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(out["cluster_size"], n / out["n_clusters"], rtol=1e-15)
        np.testing.assert_allclose(out["deff"], 1 + (n / out["n_clusters"] - 1) * out["icc"], rtol=1e-12)
        np.testing.assert_allclose(out["n_effective"], n / out["deff"], rtol=1e-12)
        assert (out["deff"] >= 1).all() and (out["n_effective"] <= n).all()


def test_the_naive_test_beside_it_is_welch_on_the_respondents(sample):
    """The respondent-level columns are gap's, i.e. scipy's Welch test on the same scores."""
    out = an.mixed_gap(sample, between="sector", a="vmbo", b="mbo")
    g = an.gap(sample, between="sector", a="vmbo", b="mbo")
    for col in ("n_a", "n_b", "mean_a", "mean_b", "diff", "welch_t", "welch_df", "welch_p"):
        np.testing.assert_array_equal(out[col].to_numpy(), g[col].to_numpy(), err_msg=col)
    scores = pd.read_csv(REF / "mixed_sample.csv").dropna(subset=["score"])
    one = scores[(scores["wave"] == 2) & (scores["condition"] == "belangen")]
    ref = st.ttest_ind(one.loc[one["sector"] == "vmbo", "score"], one.loc[one["sector"] == "mbo", "score"],
                       equal_var=False)
    row = out[(out["wave"].astype(str) == "2") & (out["condition"] == "belangen")].iloc[0]
    assert row["welch_t"] == pytest.approx(ref.statistic, abs=1e-12)
    assert row["welch_p"] == pytest.approx(ref.pvalue, abs=1e-12)
    assert row["welch_p"] < 0.05 < row["p"]  # the planted Groen gap: significant only when schools are ignored


def test_the_fixtures_are_what_the_package_computes(unbalanced):
    script = _script()
    pd.testing.assert_frame_equal(script.unbalanced(), unbalanced, check_dtype=False)
    committed = pd.read_csv(REF / "mixed_sample.csv", float_precision="round_trip")
    fresh = script.sample_scores().reset_index(drop=True)
    np.testing.assert_array_equal(fresh["score"].to_numpy(float), committed["score"].to_numpy(float))
    assert (fresh["partner"].astype(str).to_numpy() == committed["partner"].to_numpy()).all()


# ---------------------------------------------------------------- undefined cases
def _frame(x, cluster, side):
    return pd.DataFrame({"school": cluster, "group": side, "x": x})


def _one(frame, **kw):
    return an.mixed_gap(frame, between="group", a="a", b="b", cluster="school", scales={"s": ["x"]}, **kw).iloc[0]


MODEL = ["estimate", "se", "df", "t", "p", "ci_low", "ci_high", "var_cluster", "var_residual", "icc", "deff",
         "n_effective"]


def test_one_cluster_per_side_is_not_estimable():
    rng = np.random.default_rng(3)
    frame = _frame(rng.integers(1, 6, 20).astype(float), np.repeat(["s1", "s2"], 10), np.repeat(["a", "b"], 10))
    row = _one(frame)
    assert row[MODEL].isna().all() and row["note"] == note("few_clusters")
    assert np.isfinite(row["welch_p"])  # the naive test is still there


def test_by_leerlab_leaves_two_schools_and_says_so(sample):
    out = an.mixed_gap(sample, between="sector", by="leerlab")
    assert (out["n_clusters"] == 2).all() and out["estimate"].isna().all()
    assert out["note"].str.contains(note("few_clusters"), regex=False).all()


def test_no_variance_at_all_and_none_within_schools():
    cluster, side = np.repeat(["s1", "s2", "s3", "s4"], 5), np.repeat(["a", "b", "a", "b"], 5)
    row = _one(_frame(np.full(20, 3.0), cluster, side))
    assert row[MODEL].isna().all() and row["note"] == note("zero_variance_both")
    row = _one(_frame(np.repeat([1.0, 2.0, 4.0, 5.0], 5), cluster, side))  # each school answers alike
    assert row[MODEL].isna().all() and row["note"] == note("no_within_variance")


def test_small_sides_and_more_than_two_values(sample):
    cluster, side = np.repeat(["s1", "s2", "s3", "s4"], 3), np.repeat(["a", "b", "a", "b"], 3)
    row = _one(_frame(np.arange(12, dtype=float), cluster, side), min_n=7)
    assert row[MODEL].isna().all() and row["note"] == "; ".join([note("small_a", min_n=7), note("small_b", min_n=7)])
    with pytest.raises(AnalyseError, match="a= and b="):
        an.mixed_gap(sample, between="level")
    with pytest.raises(AnalyseError, match="both"):
        an.mixed_gap(sample, between="level", a="bestuurlijk")


def test_waves_note_the_respondents_counted_twice(sample):
    out = an.mixed_gap(sample, between="wave")
    assert out["note"].str.startswith("waves pooled: 89 respondent(s)").all()
    assert "wave" not in out.columns


# ---------------------------------------------------------------- R
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (CI installs r-cran-lme4, r-cran-nlme)")
def test_committed_reference_values_are_what_r_computes(tmp_path):
    """Re-run tests/r/mixed_models.R and compare with the committed CSVs, so they cannot drift."""
    run = subprocess.run(["Rscript", "tests/r/mixed_models.R", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode == 77:  # the script's own check: it could not load lme4 or nlme
        pytest.skip("R has no lme4 or nlme (CI installs r-cran-lme4, r-cran-nlme)")
    assert run.returncode == 0, run.stderr
    for name in ("r_mixed_sample.csv", "r_mixed_unbalanced.csv"):
        fresh, committed = pd.read_csv(tmp_path / name), pd.read_csv(REF / name)
        pd.testing.assert_frame_equal(fresh, committed, check_exact=False, rtol=1e-12, atol=1e-12)
