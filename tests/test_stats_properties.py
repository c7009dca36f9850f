"""Property tests of the statistics: ranges, invariance under row order, symmetry under reverse coding."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import analyse as an

BY = ["wave", "leerlab"]
SETTINGS = settings(max_examples=12, deadline=None)
seeds = st.integers(0, 100_000)


def _survey(seed, per_group=2):
    return an.sample.generate(respondents_per_group=per_group, waves=2, seed=seed)


def _reversed(survey):
    """Every answer reverse-coded on the 1-5 scale: x -> 6 - x."""
    r = survey.responses.copy()
    items = survey.codebook.item_codes
    r[items] = 6 - r[items]
    return an.Survey(r)


def _shuffled(survey, seed):
    return an.Survey(survey.responses.sample(frac=1, random_state=seed).reset_index(drop=True))


@SETTINGS
@given(seed=seeds)
def test_ranges(seed):
    s = _survey(seed)
    rwg = an.rwg(s, by=BY, min_n=2)["rwg_j"].dropna()
    assert ((rwg >= 0) & (rwg <= 1)).all()
    assert (an.ad(s, by=BY, min_n=2)["ad"].dropna() >= 0).all()
    m = an.condition_means(s, by=BY, min_n=2)
    assert ((m["mean"] >= 1) & (m["mean"] <= 5)).all()
    assert ((m["ci_low"] <= m["mean"]) & (m["mean"] <= m["ci_high"])).all()
    assert ((m["share_agree"] + m["share_disagree"]).between(0, 1)).all()
    rel = an.reliability(s, by=["wave"], min_n=2)
    assert (rel["alpha"] <= 1).all() and (rel["ci_low"] <= rel["alpha"]).all()


@settings(max_examples=5, deadline=None)  # seven statistics, the signed-rank test slow among them, per example
@given(seed=seeds)
def test_row_order_does_not_matter(seed):
    s = _survey(seed)
    t = _shuffled(s, seed)
    for fn in (lambda x: an.condition_means(x, by=BY, min_n=2),
               lambda x: an.rwg(x, by=BY, min_n=2),
               lambda x: an.ad(x, by=BY, center="median", min_n=2),
               lambda x: an.reliability(x, by=["wave"], min_n=2),
               lambda x: an.icc(x, between="partner", by=BY, min_n=2),
               lambda x: an.krippendorff(x, by=BY, min_n=2),
               lambda x: an.wave_change(x, by=["leerlab"], min_n=2)):
        pd.testing.assert_frame_equal(fn(s), fn(t), check_exact=False, rtol=1e-10, atol=1e-12)


@SETTINGS
@given(seed=seeds)
def test_reverse_coding_reflects_means_and_keeps_spread_and_agreement(seed):
    s = _survey(seed)
    r = _reversed(s)
    a, b = an.condition_means(s, by=BY, min_n=2), an.condition_means(r, by=BY, min_n=2)
    np.testing.assert_allclose(b["mean"], 6 - a["mean"], atol=1e-12)
    np.testing.assert_allclose(b["sd"], a["sd"], atol=1e-12)
    np.testing.assert_allclose(b["share_agree"], a["share_disagree"], atol=1e-12)
    for fn, col in ((an.rwg, "rwg_j"), (an.ad, "ad"), (an.krippendorff, "alpha")):
        np.testing.assert_allclose(fn(r, by=BY, min_n=2)[col], fn(s, by=BY, min_n=2)[col], atol=1e-10)
    np.testing.assert_allclose(an.reliability(r, by=["wave"], min_n=2)["alpha"],
                               an.reliability(s, by=["wave"], min_n=2)["alpha"], atol=1e-10)
    g1 = an.gap(s, between="sector", a="vmbo", b="mbo", by=["leerlab"], min_n=2)
    g2 = an.gap(r, between="sector", a="vmbo", b="mbo", by=["leerlab"], min_n=2)
    np.testing.assert_allclose(g2["diff"], -g1["diff"], atol=1e-12)
    np.testing.assert_allclose(g2["welch_p"], g1["welch_p"], atol=1e-10)
    np.testing.assert_allclose(g2["mwu_p"], g1["mwu_p"], atol=1e-10)
