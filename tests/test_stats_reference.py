"""Statistics checked against independent implementations (pingouin, scipy, krippendorff).

Data: the seeded synthetic survey of ``tests/synthetic.py`` (5 leerlabs x 2
partners x 3 levels x 6 respondents x 2 waves, 5% missing answers). Every
comparison is to 1e-9 unless a comment says why not.
"""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import krippendorff as kr
from scipy import stats as st

import analyse as an
from analyse.stats._common import holm
from synthetic import synthetic_responses
from analyse.stats.levels import kruskal_levels

TOL = 1e-9


@pytest.fixture(scope="module")
def survey():
    return an.Survey(synthetic_responses(per_node=6, seed=3))


def _scores(survey):
    return an.condition_scores(survey)


def test_condition_scores_rule(survey):
    sc = _scores(survey)
    r = survey.responses
    for cond in survey.codebook.condition_codes:
        x = r[survey.codebook.items_of(cond)]
        n = x.notna().sum(axis=1)
        expected = x.mean(axis=1).where(n >= len(x.columns) // 2 + 1)
        got = sc.loc[sc["condition"] == cond, "score"].to_numpy()
        np.testing.assert_allclose(got, expected.to_numpy(), rtol=0, atol=TOL)
        assert (sc.loc[sc["condition"] == cond, "n_items"].to_numpy() == n.to_numpy()).all()
    sc1 = an.condition_scores(survey, min_items=1)
    x = r[survey.codebook.items_of("proces")]
    np.testing.assert_allclose(sc1.loc[sc1["condition"] == "proces", "score"], x.mean(axis=1), atol=TOL)


def test_condition_means_against_pandas_scipy(survey):
    m = an.condition_means(survey, by=["leerlab", "wave"])
    sc = _scores(survey)
    for (lab, wave, cond), grp in sc.groupby(["leerlab", "wave", "condition"], observed=True):
        row = m[(m.leerlab == lab) & (m.wave == wave) & (m.condition == cond)].iloc[0]
        x = grp["score"].dropna().to_numpy()
        assert row["n"] == len(x) and row["n_missing"] == grp["score"].isna().sum()
        assert row["mean"] == pytest.approx(x.mean(), abs=TOL)
        assert row["sd"] == pytest.approx(x.std(ddof=1), abs=TOL)
        assert row["se"] == pytest.approx(st.sem(x), abs=TOL)
        lo, hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), abs=TOL)
        assert row["median"] == pytest.approx(np.median(x), abs=TOL)
        assert row["share_agree"] == pytest.approx(np.mean(x >= 4), abs=TOL)
        assert row["share_disagree"] == pytest.approx(np.mean(x <= 2), abs=TOL)


def test_condition_means_items(survey):
    m = an.condition_means(survey, items=True, pool_waves=True)
    x = survey.responses["relatie_3"].dropna()
    row = m[m["item"] == "relatie_3"].iloc[0]
    assert row["mean"] == pytest.approx(x.mean(), abs=TOL)
    assert row["share_agree"] == pytest.approx(x.isin([4, 5]).mean(), abs=TOL)
    assert row["share_disagree"] == pytest.approx(x.isin([1, 2]).mean(), abs=TOL)


def test_bootstrap_seeded_and_close_to_t(survey):
    a = an.condition_means(survey, by=["leerlab"], ci_method="bootstrap", n_boot=4000, seed=7)
    b = an.condition_means(survey, by=["leerlab"], ci_method="bootstrap", n_boot=4000, seed=7)
    t = an.condition_means(survey, by=["leerlab"])
    pd.testing.assert_frame_equal(a, b)
    # the percentile interval of a mean of ~70 scores is close to the t interval
    np.testing.assert_allclose(a["ci_low"], t["ci_low"], atol=0.03)
    np.testing.assert_allclose(a["ci_high"], t["ci_high"], atol=0.03)
    # and equals a plain loop bootstrap with the same draws for one group (the stream of seed 5, size n)
    sc = _scores(survey)
    x = sc[(sc.leerlab == "Sport") & (sc.condition == "ambitie")]["score"].dropna().to_numpy()
    from analyse.stats.bootstrap import bootstrap_mean_ci
    lo, hi = bootstrap_mean_ci(x, np.zeros(len(x), int), 1, n_boot=500, seed=5)
    rng = np.random.default_rng([5, len(x)])
    u = rng.random((500, len(x)))
    means = x[np.floor(u * len(x)).astype(int)].mean(axis=1)
    assert lo[0] == pytest.approx(np.quantile(means, 0.025), abs=TOL)
    assert hi[0] == pytest.approx(np.quantile(means, 0.975), abs=TOL)


def test_bootstrap_interval_depends_only_on_its_own_group():
    """Groups of one size share the draws, so adding or removing other groups changes nothing."""
    from analyse.stats.bootstrap import bootstrap_mean_ci

    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, 60).astype(float)
    codes = np.repeat([0, 1, 2], 20)
    lo3, hi3 = bootstrap_mean_ci(x, codes, 3, n_boot=300, seed=9)
    lo1, hi1 = bootstrap_mean_ci(x[20:40], np.zeros(20, int), 1, n_boot=300, seed=9)
    assert (lo3[1], hi3[1]) == (lo1[0], hi1[0])
    assert lo3[0] != lo3[1] or hi3[0] != hi3[1]  # different values, different intervals


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_alpha_against_pingouin(survey, missing):
    rel = an.reliability(survey, by=["leerlab"], missing=missing, pool_waves=True)
    r = survey.responses
    for _, row in rel.iterrows():
        x = r.loc[r.leerlab == row["leerlab"], survey.codebook.items_of(row["condition"])]
        x = x.dropna(how="all")
        if missing == "listwise":
            x = x.dropna()  # pingouin takes n before listwise deletion; we pass complete cases
        a, ci = pg.cronbach_alpha(x, nan_policy=missing)
        assert row["alpha"] == pytest.approx(a, abs=TOL)
        assert row["n"] == len(x)
        # pingouin rounds its CI to 3 decimals: compare to that, and to the unrounded Feldt formula
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(ci), abs=5e-4 + 1e-12)
        df1, df2 = len(x) - 1, (len(x) - 1) * (row["k"] - 1)
        assert row["ci_low"] == pytest.approx(1 - (1 - a) * st.f.isf(0.025, df1, df2), abs=TOL)
        assert row["ci_high"] == pytest.approx(1 - (1 - a) * st.f.isf(0.975, df1, df2), abs=TOL)


def test_alpha_total_scale_and_item_deleted(survey):
    rel = an.reliability(survey, conditions=["all"], pool_waves=True)
    x = survey.responses[survey.codebook.item_codes].dropna()
    assert rel["alpha"].iloc[0] == pytest.approx(pg.cronbach_alpha(x)[0], abs=TOL)
    it = an.item_statistics(survey, by=["leerlab"], pool_waves=True)
    r = survey.responses
    for _, row in it.sample(20, random_state=1).iterrows():
        items = survey.codebook.items_of(row["condition"])
        x = r.loc[r.leerlab == row["leerlab"], items].dropna()
        rest = [i for i in items if i != row["item"]]
        assert row["alpha_if_deleted"] == pytest.approx(pg.cronbach_alpha(x[rest])[0], abs=TOL)
        assert row["r_drop"] == pytest.approx(np.corrcoef(x[row["item"]], x[rest].sum(axis=1))[0, 1], abs=TOL)


def test_gap_against_pingouin_scipy(survey):
    g = an.gap(survey, between="sector", a="vmbo", b="mbo", by=["leerlab", "wave"])
    sc = _scores(survey)
    for _, row in g.iterrows():
        s = sc[(sc.leerlab == row["leerlab"]) & (sc.wave == row["wave"]) & (sc.condition == row["condition"])]
        xa = s.loc[s.sector == "vmbo", "score"].dropna().to_numpy()
        xb = s.loc[s.sector == "mbo", "score"].dropna().to_numpy()
        tt = pg.ttest(xa, xb, correction=True).iloc[0]
        assert row["welch_t"] == pytest.approx(tt["T"], abs=TOL)
        assert row["welch_df"] == pytest.approx(tt["dof"], abs=TOL)
        assert row["welch_p"] == pytest.approx(tt["p_val"], abs=TOL)
        ci = st.ttest_ind(xa, xb, equal_var=False).confidence_interval(0.95)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), abs=TOL)
        assert row["hedges_g"] == pytest.approx(pg.compute_effsize(xa, xb, eftype="hedges"), abs=TOL)
        mw = pg.mwu(xa, xb).iloc[0]
        assert row["mwu_u"] == pytest.approx(mw["U_val"], abs=TOL)
        assert row["mwu_p"] == pytest.approx(mw["p_val"], abs=TOL)
        assert row["diff"] == pytest.approx(xa.mean() - xb.mean(), abs=TOL)


def test_mwu_exact_branch():
    # tie-free small samples: scipy uses the exact distribution, and so do we
    from analyse.stats.agreement import _mwu
    xa, xb = np.array([1.1, 2.3, 3.7]), np.array([2.0, 4.2, 5.9, 6.1])
    x = np.concatenate([xa, xb])
    side = np.r_[np.zeros(3), np.ones(4)].astype(int)
    u, p = _mwu(x, side, np.zeros(7, int), 1, np.array([3.0]), np.array([4.0]))
    ref = st.mannwhitneyu(xa, xb)
    assert u[0] == ref.statistic and p[0] == pytest.approx(ref.pvalue, abs=TOL)


@pytest.mark.parametrize("kind", ["scale scores", "continuous"])
def test_mann_whitney_of_many_groups_equals_scipy(kind):
    """Ranks counted per group and value give scipy's U and p in every group: ties, few values, tie-free, missing."""
    from analyse.stats.agreement import _mwu

    rng = np.random.default_rng(7)
    n, G = 3000, 120
    x = rng.integers(1, 6, n) / rng.choice([1, 2, 4], n) if kind == "scale scores" else rng.normal(size=n)
    x[rng.random(n) < 0.05] = np.nan
    codes, side = rng.integers(-1, G, n), rng.integers(0, 2, n)
    ok = ~np.isnan(x) & (codes >= 0)
    codes = np.where(ok, codes, -1)
    na, nb = (np.bincount(codes[ok & (side == s)], minlength=G).astype(float) for s in (0, 1))
    u, p = _mwu(x, side, codes, G, na, nb)
    for g in range(G):
        xa, xb = x[(codes == g) & (side == 0)], x[(codes == g) & (side == 1)]
        ref = st.mannwhitneyu(xa, xb, alternative="two-sided")
        assert u[g] == pytest.approx(ref.statistic, abs=1e-9) and p[g] == pytest.approx(ref.pvalue, abs=1e-12)


@pytest.mark.parametrize("center", ["mean", "median"])
def test_ad_against_pandas_per_group(survey, center):
    """AD_M(J) / AD_Md(J): per group, listwise within the condition, the mean over items of the mean absolute
    deviation from the item's mean or median, taken with pandas group by group."""
    got = an.ad(survey, by=["wave", "partner"], center=center, min_n=2)
    r = survey.responses
    checked = 0
    for cond in survey.codebook.condition_codes:
        items = survey.codebook.items_of(cond)
        for (wave, partner), g in r.dropna(subset=items).groupby(["wave", "partner"], observed=True):
            x = g[items]
            ctr = x.mean() if center == "mean" else x.median()
            want = (x - ctr).abs().mean().mean() if len(x) >= 2 else np.nan
            row = got[(got["wave"] == wave) & (got["partner"] == partner) & (got["condition"] == cond)]
            assert row["n"].item() == len(x)
            np.testing.assert_allclose(row["ad"].item(), want, rtol=0, atol=1e-12)
            checked += 1
    assert checked == len(got) and checked >= 40


@pytest.mark.parametrize("level", ["ordinal", "interval"])
def test_krippendorff_against_package(survey, level):
    k = an.krippendorff(survey, by=["leerlab", "partner"], metric=level, pool_waves=True,
                        conditions=survey.codebook.condition_codes + ["all"])
    r = survey.responses
    for _, row in k.iterrows():
        items = survey.codebook.item_codes if row["condition"] == "all" else survey.codebook.items_of(row["condition"])
        x = r.loc[(r.leerlab == row["leerlab"]) & (r.partner == row["partner"]), items].to_numpy()
        ref = kr.alpha(reliability_data=x, level_of_measurement=level, value_domain=[1, 2, 3, 4, 5])
        assert row["alpha"] == pytest.approx(ref, abs=TOL)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pingouin CI of ICC(A) on 2-rater cells
def test_icc_against_pingouin_balanced():
    # balanced groups: Bliese's ICC(1) = pingouin ICC1, ICC(2) = ICC1k (one-way random)
    df = synthetic_responses(per_node=4, seed=9, missing=0.0)
    s = an.Survey(df)
    ic = an.icc(s, between="level", by=["leerlab", "partner", "wave"], min_n=2)
    sc = an.condition_scores(s)
    for _, row in ic.sample(15, random_state=2).iterrows():
        d = sc[(sc.leerlab == row["leerlab"]) & (sc.partner == row["partner"]) & (sc.wave == row["wave"])
               & (sc.condition == row["condition"])].copy()
        d["rater"] = d.groupby("level", observed=True).cumcount()
        d["level"] = d["level"].astype(str)
        res = pg.intraclass_corr(d, targets="level", raters="rater", ratings="score").set_index("Type")
        assert row["icc1"] == pytest.approx(res.loc["ICC(1,1)", "ICC"], abs=TOL)
        assert row["icc2"] == pytest.approx(res.loc["ICC(1,k)", "ICC"], abs=TOL)


def test_icc_k0_unbalanced():
    # k0 = (N - sum n_j^2 / N) / (J - 1): hand check on a 3-group layout
    sc_frame = synthetic_responses(per_node=3, seed=5, missing=0.0)
    sc_frame = sc_frame.iloc[:-2]  # unbalance the last node
    s = an.Survey(sc_frame)
    a = an.icc(s, between="level", by=["wave", "leerlab", "partner"], k0=True, min_n=2)
    sc = an.condition_scores(s)
    row = a.iloc[-1]
    d = sc[(sc.wave == row["wave"]) & (sc.leerlab == row["leerlab"]) & (sc.partner == row["partner"])
           & (sc.condition == row["condition"])].dropna(subset=["score"])
    nj = d.groupby("level", observed=True).size().to_numpy()
    N, J = nj.sum(), len(nj)
    assert row["k"] == pytest.approx((N - (nj ** 2).sum() / N) / (J - 1), abs=TOL)
    f = st.f_oneway(*[g["score"].to_numpy() for _, g in d.groupby("level", observed=True)])
    assert row["msb"] / row["msw"] == pytest.approx(f.statistic, abs=1e-8)


def test_holm_against_pingouin():
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.2, 0.001])
    fam = np.array([0, 0, 0, 0, 1, 1])
    got = holm(p, fam)
    for f in (0, 1):
        sel = (fam == f) & ~np.isnan(p)
        ref = pg.multicomp(p[sel], method="holm")[1]
        np.testing.assert_allclose(got[sel], ref, atol=TOL)
    assert np.isnan(got[3])


def test_kruskal_against_scipy(survey):
    sc = _scores(survey)
    kw = kruskal_levels(sc, ["leerlab", "partner", "condition"])
    for _, row in kw.iterrows():
        d = sc[(sc.leerlab == row["leerlab"]) & (sc.partner == row["partner"]) & (sc.condition == row["condition"])]
        groups = [g["score"].dropna().to_numpy() for _, g in d.groupby("level", observed=True)]
        ref = st.kruskal(*groups)
        assert row["kw_h"] == pytest.approx(ref.statistic, abs=TOL)
        assert row["kw_p"] == pytest.approx(ref.pvalue, abs=TOL)


def test_wave_change_paired_and_independent(survey):
    w = an.wave_change(survey, by=["leerlab"], min_n=5)
    sc = _scores(survey)
    for _, row in w.iterrows():
        s = sc[(sc.leerlab == row["leerlab"]) & (sc.condition == row["condition"])]
        a = s[s.wave == row["wave_from"]].set_index("respondent_id")["score"]
        b = s[s.wave == row["wave_to"]].set_index("respondent_id")["score"]
        if row["design"] == "paired":
            both = pd.concat([a, b], axis=1, join="inner").dropna()
            assert row["n_paired"] == len(both)
            tt = pg.ttest(both.iloc[:, 1], both.iloc[:, 0], paired=True).iloc[0]
            assert row["t"] == pytest.approx(tt["T"], abs=TOL)
            assert row["p"] == pytest.approx(tt["p_val"], abs=TOL)
            d = (both.iloc[:, 1] - both.iloc[:, 0]).to_numpy()
            assert row["effect"] == pytest.approx(d.mean() / d.std(ddof=1), abs=TOL)
            ci = st.ttest_rel(both.iloc[:, 1], both.iloc[:, 0]).confidence_interval()
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), abs=TOL)
            assert row["np_p"] == pytest.approx(st.wilcoxon(d).pvalue, abs=TOL)
        else:
            tt = pg.ttest(b.dropna(), a.dropna(), correction=True).iloc[0]
            assert row["t"] == pytest.approx(tt["T"], abs=TOL)
            assert row["np_p"] == pytest.approx(st.mannwhitneyu(b.dropna(), a.dropna()).pvalue, abs=TOL)
    assert set(w["design"]) == {"paired"}  # ~60% return: at least 5 pairs per leerlab
    ind = an.wave_change(survey, by=["leerlab"], min_n=1000)
    assert set(ind["design"]) == {"independent"}
    assert ind["effect_type"].eq("hedges_g").all()


def test_success_factor_scores(survey):
    sf = an.success_factors(survey, by=["leerlab"], pool_waves=True)
    r = survey.responses
    row = sf[(sf.leerlab == "Zorg") & (sf.success_factor == "proces_c")].iloc[0]
    x = r.loc[r.leerlab == "Zorg", ["proces_4", "proces_5"]]
    f = x.mean(axis=1).where(x.notna().sum(axis=1) >= 2)
    assert row["mean"] == pytest.approx(f.mean(), abs=TOL) and row["n"] == f.notna().sum()
    cm = an.condition_means(survey, by=["leerlab"], pool_waves=True)
    for lab, grp in cm.groupby("leerlab", observed=True):
        weakest = grp.loc[grp["mean"].idxmin(), "condition"]
        got = sf[(sf.leerlab == lab) & sf.weakest]["condition"].astype(str).unique().tolist()
        assert got == [weakest]
        pit = survey.codebook.pitfalls.set_index("condition").loc[weakest, "nl"]
        assert (sf[(sf.leerlab == lab) & sf.weakest]["pitfall_nl"] == pit).all()


def test_wave_change_holm_per_group_against_pingouin():
    import pingouin as pg

    out = an.wave_change(an.sample.generate(), by=["leerlab"])
    for _, g in out.groupby("leerlab", observed=True):
        _, expected = pg.multicomp(g["p"].to_numpy(), method="holm")
        np.testing.assert_allclose(g["p_holm"], expected, rtol=0, atol=1e-12)


def test_wilcoxon_of_all_groups_against_scipy():
    """The vectorised signed-rank test equals scipy.stats.wilcoxon group by group: ties, zeros, tie-free
    groups (exact), small groups (permutations), missing differences and rows outside any group."""
    from analyse.stats.waves import _wilcoxon

    rng = np.random.default_rng(0)
    G = 45  # every case below occurs; each group costs scipy a permutation test, so few keep the suite quick
    codes = np.repeat(np.arange(G), rng.integers(1, 30, G))
    d = rng.integers(-4, 5, len(codes)) / 4.0
    d[rng.random(len(d)) < 0.05] = np.nan
    for g in range(0, G, 37):  # no ties, no zeros
        d[codes == g] = rng.normal(size=(codes == g).sum())
    codes[rng.random(len(codes)) < 0.02] = -1
    stat, p = _wilcoxon(d, codes, G, np.ones(G, bool))
    checked = 0
    for g in range(G):
        x = d[(codes == g) & ~np.isnan(d)]
        if not np.any(x != 0):
            assert np.isnan(stat[g]) and np.isnan(p[g])
            continue
        ref = st.wilcoxon(x)
        assert stat[g] == pytest.approx(ref.statistic, abs=TOL)
        assert p[g] == pytest.approx(ref.pvalue, rel=1e-10, abs=1e-14)
        checked += 1
    assert checked > 33
