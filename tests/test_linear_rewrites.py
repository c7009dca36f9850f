"""Statistics rewritten to cost linear time give the values they gave before, to 1e-12.

- ``condition_means`` (and every statistic built on its summary: ``level_nodes``,
  ``factor_scores``) counts each distinct score per group (``tallies``) and
  reads n, mean, sd, shares and the median from those counts; before, it
  summed over a long frame and took pandas' groupby median. Reference here:
  pandas' groupby (count, mean, std, median) and ``scipy.stats.t.interval`` on
  the long scores.
- ``group_cov`` (behind ``reliability`` and ``item_statistics``) sums item by
  item and pair by pair instead of multiplying a (groups x rows) indicator
  with all k x k products at once. Reference: pandas' ``DataFrame.cov`` per
  group (pairwise complete observations; listwise after ``dropna``).
- ``icc`` and ``gap`` code strata once per respondent and sum one condition's
  column of scores at a time instead of grouping a long frame of
  (respondent x condition) rows. Reference: scipy's one-way ANOVA
  (``f_oneway``), Welch test and Mann-Whitney U per stratum and condition.

- ``condition_scores`` (and every statistic on scale scores) adds a
  scale's items column by column instead of ``numpy.nanmean`` of a
  respondents x items block, and repeats each kept column instead of taking
  rows of a copy. Reference: that code, bit for bit.

- ``mixed_gap`` fits from cluster sums made per condition column (before:
  from a long frame and a sort of its (fit, cluster) pairs). Reference: a
  dense-matrix REML per fit (V = I + gamma Z Z', sigma^2 profiled out,
  gamma by Brent), to 1e-7; its R references stay in ``tests/test_mixed.py``.

Data: the bundled sample (``data/sample``), the hidden-effect sample of
``an.sample.generate()`` and random frames with missing answers, missing
strata, tiny and constant groups.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import analyse as an
from analyse.stats._common import distinct_values, gsum, tallies, tally_median
from analyse.stats.reliability import group_cov

TOL = 1e-12
NUMBERS = ["n", "n_missing", "mean", "sd", "se", "ci_low", "ci_high", "median", "share_agree", "share_disagree"]


@pytest.fixture(scope="module")
def sample():
    return an.load("data/sample")


@pytest.fixture(scope="module")
def hidden():
    return an.sample.generate()


def random_frame(seed: int, n: int = 600) -> pd.DataFrame:
    """Answers 1-5 and a continuous column, 15% missing; a stratum with missing values, tiny and constant groups."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"grp": rng.choice(list("abcdefghij"), n, p=[.3, .2, .2, .1, .1, .05, .02, .01, .01, .01]),
                       **{f"q{i}": rng.integers(1, 6, n).astype(float) for i in range(1, 5)},
                       "z": rng.normal(size=n)})
    for c in ["q1", "q2", "q3", "q4", "z"]:
        df.loc[rng.random(n) < 0.15, c] = np.nan
    df.loc[df["grp"] == "f", "q2"] = 3.2  # constant, and not exact in binary
    df.loc[rng.random(n) < 0.05, "grp"] = None
    return df


SCALES = {"a": ["q1", "q2"], "b": ["q3"], "c": ["q1", "q2", "q4"], "d": ["z", "q1"]}


# ------------------------------------------------------------------ tallies and the median
@pytest.mark.parametrize("kind", ["answers", "scores", "continuous"])
def test_tallies_and_median_against_pandas(kind):
    rng = np.random.default_rng(7)
    for _ in range(40):
        n, g = int(rng.integers(0, 400)), int(rng.integers(1, 40))
        x = {"answers": rng.integers(1, 6, n).astype(float),
             "scores": rng.integers(4, 21, n) / rng.integers(3, 5, n),
             "continuous": rng.normal(size=n)}[kind]
        x[rng.random(n) < 0.2] = np.nan
        codes = rng.integers(-1, g, n)
        group, value, count = tallies(x, codes, g)
        ok = (codes >= 0) & ~np.isnan(x)
        expected = pd.Series(x[ok]).groupby([codes[ok], x[ok]]).size()
        assert group.tolist() == expected.index.get_level_values(0).tolist()
        assert value.tolist() == expected.index.get_level_values(1).tolist()
        assert count.tolist() == expected.tolist()
        median = pd.Series(x[ok]).groupby(codes[ok]).median().reindex(range(g)).to_numpy()
        np.testing.assert_array_equal(tally_median(group, value, count, g), median)


def test_distinct_values_in_order_and_nan_left_out():
    values, index = distinct_values(np.array([3.5, np.nan, 1.0, 3.5, -2.0]))
    assert values.tolist() == [-2.0, 1.0, 3.5]
    assert index.tolist() == [2, -1, 1, 2, 0]
    values, index = distinct_values(np.full(3, np.nan))
    assert len(values) == 0 and index.tolist() == [-1, -1, -1]


# ------------------------------------------------------------------ condition_means
def reference_means(long: pd.DataFrame, group: list[str], agree: bool, confidence: float = 0.95) -> pd.DataFrame:
    """The summary per group of a long frame by pandas and scipy (groups below 5 are NaN in ours)."""
    g = long.groupby(group, observed=True)["score"]
    out = pd.DataFrame({"n": g.count(), "n_missing": g.size() - g.count(), "mean": g.mean(), "sd": g.std(),
                        "median": g.median()})
    out["se"] = out["sd"] / np.sqrt(out["n"])
    with np.errstate(invalid="ignore"):  # groups of one: no interval, in scipy as in ours
        lo, hi = st.t.interval(confidence, out["n"] - 1, loc=out["mean"], scale=out["se"])
    flat = out["se"] == 0  # scipy has no interval of zero width; ours is the mean (noted)
    out["ci_low"], out["ci_high"] = np.where(flat, out["mean"], lo), np.where(flat, out["mean"], hi)
    answered = long["score"].notna()
    for name, hit in [("share_agree", long["score"] >= 4), ("share_disagree", long["score"] <= 2)]:
        out[name] = (hit & answered).groupby([long[c] for c in group], observed=True).sum() / out["n"] \
            if agree else np.nan
    return out.reset_index()


def check_means(ours: pd.DataFrame, ref: pd.DataFrame, group: list[str], min_n: int = 5):
    assert ours[group].astype(str).values.tolist() == ref[group].astype(str).values.tolist()
    big = (ref["n"] >= min_n).to_numpy()
    for c in NUMBERS:
        np.testing.assert_allclose(ours[c].to_numpy(float)[big], ref[c].to_numpy(float)[big], rtol=0, atol=TOL,
                                   err_msg=c)
        if c not in ("n", "n_missing"):
            assert ours[c][~big].isna().all(), c


def long_scores_before(frame: pd.DataFrame, scales: dict, keep: list[str], min_items: int | None) -> pd.DataFrame:
    """``condition_scores`` as it was: a respondents x items block per scale, numpy's nanmean, a long frame by iloc."""
    scores, answered = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of a row without answers
        for items in scales.values():
            x = frame[items].to_numpy(dtype=float)
            n = (~np.isnan(x)).sum(axis=1)
            need = len(items) // 2 + 1 if min_items is None else min(min_items, len(items))
            scores.append(np.where(n >= need, np.nanmean(x, axis=1), np.nan))
            answered.append(n)
    k = len(scales)
    out = frame.loc[:, keep].iloc[np.repeat(np.arange(len(frame)), k)].reset_index(drop=True)
    out["condition"] = pd.Categorical(np.tile(list(scales), len(frame)), categories=list(scales), ordered=True)
    out["score"], out["n_items"] = np.column_stack(scores).ravel(), np.column_stack(answered).ravel()
    return out


@pytest.mark.parametrize("min_items", [None, 1, 3])
@pytest.mark.parametrize("which", ["sample", "hidden", "random"])
def test_condition_scores_as_before_bit_for_bit(which, min_items, request):
    if which == "random":
        frame, scales = random_frame(5), {"a": ["q1", "q2"], "b": ["q3", "z", "q4"], "c": ["q4", "q1", "q2", "q3"]}
        ours = an.condition_scores(frame, min_items, scales=scales)
    else:
        survey = request.getfixturevalue(which)
        frame, cb = survey.responses, survey.codebook
        scales = {c: cb.items_of(c) for c in cb.condition_codes}
        ours = an.condition_scores(survey, min_items)
    keep = [c for c in frame.columns if c not in {i for items in scales.values() for i in items}]
    before = long_scores_before(frame, scales, keep, min_items)
    pd.testing.assert_frame_equal(ours, before, check_exact=True, check_categorical=False)
    assert list(ours["condition"].cat.categories) == list(scales)


@pytest.mark.parametrize("which", ["sample", "hidden"])
@pytest.mark.parametrize("by", [["wave"], ["wave", "leerlab"], ["wave", "leerlab", "level"], ["wave", "sector"]])
def test_condition_means_against_pandas_scipy(which, by, request):
    survey = request.getfixturevalue(which)
    ours = an.condition_means(survey, by=by)
    check_means(ours, reference_means(an.condition_scores(survey), by + ["condition"], agree=True),
                by + ["condition"])


def test_condition_means_of_items_and_other_confidence(hidden):
    ours = an.condition_means(hidden, by=["wave", "partner"], items=True, confidence=0.9)
    long = hidden.long()
    long["item"] = pd.Categorical(long["item"], categories=hidden.codebook.item_codes, ordered=True)
    group = ["wave", "partner", "condition", "item"]
    check_means(ours, reference_means(long, group, agree=True, confidence=0.9), group)


@pytest.mark.parametrize("seed", range(4))
def test_condition_means_on_random_frames(seed):
    df = random_frame(seed)
    ours = an.condition_means(df, by="grp", scales=SCALES, min_n=2)
    long = an.condition_scores(df, scales=SCALES)
    check_means(ours, reference_means(long, ["grp", "condition"], agree=False), ["grp", "condition"], min_n=2)
    scales = {"a": ["q1", "q2"], "b": ["q3", "z", "q4"]}  # an item in two scales is refused with items=True
    ours = an.condition_means(df, scales=scales, items=True, min_n=1)
    items = df.melt(value_vars=["q1", "q2", "q3", "z", "q4"], var_name="item", value_name="score")
    items["condition"] = pd.Categorical(np.where(items["item"].isin(["q1", "q2"]), "a", "b"), ordered=True)
    items["item"] = pd.Categorical(items["item"], categories=["q1", "q2", "q3", "z", "q4"], ordered=True)
    check_means(ours, reference_means(items, ["condition", "item"], agree=False), ["condition", "item"], min_n=1)


def test_the_bootstrap_reads_the_same_scores_in_the_same_order(hidden):
    """The interval of a slotted group depends on the order of its rows: scores reach it respondent by respondent."""
    from analyse.stats._common import group_codes
    from analyse.stats.bootstrap import bootstrap_mean_ci

    ours = an.condition_means(hidden, by=["wave", "leerlab"], ci_method="bootstrap", n_boot=300, seed=3)
    long = an.condition_scores(hidden)
    codes, _ = group_codes(long, ["wave", "leerlab", "condition"])
    lo, hi = bootstrap_mean_ci(long["score"].to_numpy(), codes, len(ours), n_boot=300, seed=3)
    np.testing.assert_array_equal(ours["ci_low"], lo)
    np.testing.assert_array_equal(ours["ci_high"], hi)


@pytest.mark.parametrize("which", ["sample", "hidden"])
def test_level_nodes_and_success_factors_against_pandas(which, request):
    """Both summarise long frames of their own (a side and partner as text; factor scores)."""
    from analyse.stats._input import as_data
    from analyse.stats.levels import _sided_scores
    from analyse.stats.success import _factor_long

    survey = request.getfixturevalue(which)
    by = ["wave", "leerlab"]
    group = by + ["side", "partner", "level", "condition"]
    check_means(an.level_nodes(survey, by=by), reference_means(_sided_scores(as_data(survey), by, None), group,
                                                                agree=True), group)
    factors = an.success_factors(survey, by=by)
    group = by + ["condition", "success_factor"]
    ref = reference_means(_factor_long(as_data(survey), by, None), group, agree=True)
    assert len(factors) == len(ref)
    big = (ref["n"] >= 5).to_numpy()
    for c in ["n", "mean", "sd", "ci_low", "ci_high"]:
        np.testing.assert_allclose(factors[c].to_numpy(float)[big], ref[c].to_numpy(float)[big], rtol=0, atol=TOL)


def test_empty_frame_gives_no_groups():
    df = random_frame(0).iloc[:0]
    assert len(an.condition_means(df, scales=SCALES)) == 0
    assert len(an.condition_means(df, by="grp", scales=SCALES)) == 0


# ------------------------------------------------------------------ group_cov
def reference_cov(x: np.ndarray, codes: np.ndarray, n_groups: int, missing: str):
    """Per group: pandas' covariance (pairwise complete, or of the complete rows), pair counts, n and means."""
    k = x.shape[1]
    cov, npair = np.full((n_groups, k, k), np.nan), np.zeros((n_groups, k, k))
    n, mean = np.zeros(n_groups), np.full((n_groups, k), np.nan)
    for g in range(n_groups):
        sub = pd.DataFrame(x[codes == g])
        if missing == "listwise":
            sub = sub.dropna()
        seen = sub.notna().to_numpy(float)
        npair[g] = seen.T @ seen
        n[g] = len(sub) if missing == "listwise" else seen.any(axis=1).sum()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # pandas on groups of one
            cov[g] = sub.cov().to_numpy()
        mean[g] = sub.mean().to_numpy()
    return cov, npair, n, mean


def check_cov(x, codes, n_groups):
    for missing in ("listwise", "pairwise"):
        ours = group_cov(x, codes, n_groups, missing)
        ref = reference_cov(x, codes, n_groups, missing)
        for name, a, b in zip(["cov", "npair", "n", "mean"], ours, ref):
            np.testing.assert_allclose(a, b, rtol=0, atol=TOL, err_msg=f"{missing} {name}")


@pytest.mark.parametrize("which", ["sample", "hidden"])
def test_group_cov_against_pandas_on_the_samples(which, request):
    from analyse.stats._common import group_codes

    survey = request.getfixturevalue(which)
    codes, keys = group_codes(survey.responses, ["wave", "leerlab", "level"])
    for cond in survey.codebook.condition_codes:
        check_cov(survey.responses[survey.codebook.items_of(cond)].to_numpy(float), codes, len(keys))


@pytest.mark.parametrize("seed", range(4))
def test_group_cov_against_pandas_on_random_data(seed):
    df = random_frame(seed)
    codes = pd.factorize(df["grp"], sort=True)[0]
    check_cov(df[["q1", "q2", "q3", "q4", "z"]].to_numpy(), codes, codes.max() + 1)


def test_group_cov_leaves_the_codes_alone():
    codes = np.array([0, 0, 1, 1, 1, -1])
    x = np.array([[1, 2], [2, np.nan], [3, 1], [4, 4], [5, 2], [1, 1]], dtype=float)
    group_cov(x, codes, 2)
    assert codes.tolist() == [0, 0, 1, 1, 1, -1]


@pytest.mark.parametrize("which", ["sample", "hidden"])
def test_item_statistics_and_reliability_from_the_covariances(which, request):
    """r_drop and alpha-if-deleted against pandas: the total of the other items correlated per group."""
    survey = request.getfixturevalue(which)
    by = ["wave", "leerlab"]
    items = an.item_statistics(survey, by=by)
    rel = an.reliability(survey, by=by, omega=False)
    r = survey.responses
    for (wave, lab, cond), got in items.groupby(["wave", "leerlab", "condition"], observed=True):
        names = survey.codebook.items_of(cond)
        x = r.loc[(r["wave"] == wave) & (r["leerlab"] == lab), names].dropna()
        total = x.sum(axis=1)
        np.testing.assert_allclose(got["r_drop"], [x[i].corr(total - x[i]) for i in names], rtol=0, atol=TOL)
        np.testing.assert_allclose(got["mean"], x.mean(), rtol=0, atol=TOL)
        c = x.cov().to_numpy()
        k = len(names)
        alpha = k / (k - 1) * (1 - np.trace(c) / c.sum())
        one = rel[(rel["wave"] == wave) & (rel["leerlab"] == lab) & (rel["condition"] == cond)]
        np.testing.assert_allclose(one["alpha"], [alpha], rtol=0, atol=TOL)


# ------------------------------------------------------------------ shared helpers made leaner
def test_categorical_group_codes_against_pandas_groupby():
    """Codes and keys from the category codes (missing as a digit of its own) equal groupby's ngroup and keys."""
    from analyse.stats._common import _categorical_group_codes

    rng = np.random.default_rng(3)
    for _ in range(60):
        n, k = int(rng.integers(0, 300)), int(rng.integers(1, 4))
        df = pd.DataFrame({f"c{j}": pd.Categorical(rng.choice(list("abcdef")[:int(rng.integers(1, 6))], n),
                                                   categories=list("fedcbaz"), ordered=bool(j % 2))
                           for j in range(k)})
        for c in df:
            df.loc[rng.random(n) < 0.1, c] = np.nan
        codes, keys = _categorical_group_codes(df, list(df.columns))
        g = df.groupby(list(df.columns), observed=True, sort=True, dropna=True)
        expected = g.ngroup().to_numpy()
        np.testing.assert_array_equal(codes, np.where(np.isnan(expected.astype(float)), -1, expected))
        pd.testing.assert_frame_equal(keys, g.size().reset_index()[list(df.columns)])


@pytest.mark.parametrize("shape", [(), (3,), (12,), (4, 4), (0,)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_gsum_adds_each_groups_rows_in_order_and_skips_code_minus_one(shape, order):
    """Column by column or by a sparse product: the same sums as adding the kept rows one by one."""
    rng = np.random.default_rng(4)
    for _ in range(30):
        n, g = int(rng.integers(0, 400)), int(rng.integers(0, 20))
        codes = rng.integers(-1, max(g, 1), n) if g else np.full(n, -1)
        values = np.asarray(rng.normal(size=(n, *shape)), order=order)
        values[rng.random(values.shape) < 0.1] = np.nan  # NaN in skipped rows must not reach any group
        kept = codes >= 0
        expected = np.zeros((g, *shape))
        np.add.at(expected, codes[kept], values[kept])
        np.testing.assert_array_equal(gsum(codes, values, g), expected)


# ------------------------------------------------------------------ icc
def reference_icc(long: pd.DataFrame, strata: list[str], between: str) -> pd.DataFrame:
    """Per stratum and condition: N, J and scipy's one-way ANOVA F and p over the groups of ``between``."""
    rows = []
    scored = long.dropna(subset=["score", between])
    for key, g in scored.groupby(strata + ["condition"], observed=True):
        parts = [p["score"].to_numpy() for _, p in g.groupby(between, observed=True)]
        if len(parts) < 2 or len(g) - len(parts) < 1 or g["score"].nunique() < 2:
            continue
        f, p = st.f_oneway(*parts)
        sizes = np.array([len(x) for x in parts])
        rows.append((*key, len(g), len(parts), f, p, len(g) / len(parts),
                     (len(g) - (sizes ** 2).sum() / len(g)) / (len(parts) - 1)))
    return pd.DataFrame(rows, columns=[*strata, "condition", "n", "n_groups", "f", "p", "k", "k0"])


def check_icc(ours: pd.DataFrame, ref: pd.DataFrame, strata: list[str], k0: bool = False):
    """F and p as scipy's; ICC(1) = (F - 1)/(F + k - 1) and ICC(2) = 1 - 1/F, Bliese's identities."""
    key = [*strata, "condition"]
    got = ref.astype({c: str for c in key}).merge(ours.astype({c: str for c in key}), on=key, suffixes=("", "_ours"))
    assert len(got) == len(ref) > 0
    np.testing.assert_array_equal(got["n"], got["n_ours"])
    np.testing.assert_array_equal(got["n_groups"], got["n_groups_ours"])
    k = got["k0" if k0 else "k"]
    np.testing.assert_allclose(got["k_ours"], k, rtol=1e-13)
    np.testing.assert_allclose(got["f_ours"], got["f"], rtol=1e-9)
    np.testing.assert_allclose(got["p_ours"], got["p"], rtol=1e-7, atol=1e-13)
    with np.errstate(invalid="ignore"):  # no variance within groups (F = inf): ICC(1) = 1
        np.testing.assert_allclose(got["icc1"], np.where(np.isinf(got["f"]), 1.0, (got["f"] - 1) / (got["f"] + k - 1)),
                                   rtol=1e-9, atol=1e-12)
    with np.errstate(divide="ignore"):  # equal group means (F = 0): ICC(2) is undefined, NaN with a note
        np.testing.assert_allclose(got["icc2"], np.where(got["f"] == 0, np.nan, 1 - 1 / got["f"]), rtol=1e-9,
                                   atol=1e-12)


@pytest.mark.parametrize("which", ["sample", "hidden"])
@pytest.mark.parametrize("between,by", [("partner", ["wave", "leerlab"]), ("level", ["wave", "leerlab", "partner"]),
                                        ("level", ["wave"])])
def test_icc_against_scipy_anova(which, between, by, request):
    survey = request.getfixturevalue(which)
    long = an.condition_scores(survey)
    check_icc(an.icc(survey, between=between, by=by, min_n=1), reference_icc(long, by, between), by)
    check_icc(an.icc(survey, between=between, by=by, min_n=1, k0=True), reference_icc(long, by, between), by, k0=True)


@pytest.mark.parametrize("seed", range(4))
def test_icc_on_random_frames(seed):
    """Missing strata, missing group membership, tiny and constant groups; strata whose scores are all missing."""
    df = random_frame(seed)
    rng = np.random.default_rng(seed + 100)  # not the frame's own stream: teams independent of strata
    df["team"] = rng.choice(["x", "y", "z", None], len(df), p=[.4, .3, .2, .1])
    ours = an.icc(df, between="team", by="grp", scales=SCALES, min_n=1)
    check_icc(ours, reference_icc(an.condition_scores(df, scales=SCALES), ["grp"], "team"), ["grp"])
    assert len(ours) == df["grp"].nunique() * len(SCALES)  # every stratum and condition, scored or not


# ------------------------------------------------------------------ gap
@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy's t-test on a near-constant side
@pytest.mark.parametrize("seed", range(3))
def test_gap_of_every_pair_on_random_frames(seed):
    """Every pair of team values within a stratum, against scipy's Welch test and Mann-Whitney U, with missing
    strata, missing teams, strata with one team only and sides below min_n."""
    df = random_frame(seed)
    rng = np.random.default_rng(seed + 100)  # not the frame's own stream: teams independent of strata
    df["team"] = rng.choice(["x", "y", "z", None], len(df), p=[.4, .3, .2, .1])
    df.loc[df["grp"] == "h", "team"] = "x"
    ours = an.gap(df, between="team", by="grp", scales=SCALES, min_n=2)
    long = an.condition_scores(df, scales=SCALES).dropna(subset=["grp", "team"])
    expected = []
    for (grp, cond), g in long.groupby(["grp", "condition"], observed=True):
        teams = sorted(g["team"].unique())
        pairs = [(grp, cond, a, b) for i, a in enumerate(teams) for b in teams[i + 1:]]
        expected += pairs or [(grp, cond, teams[0], None)]
    assert list(ours[["grp", "condition", "a", "b"]].astype(object).itertuples(index=False, name=None)) == \
        [tuple(e) for e in expected]
    assert check_gap(ours, long, ["grp"], "team") > 20


def check_gap(ours: pd.DataFrame, long: pd.DataFrame, by: list[str], between: str) -> int:
    """Every row of ``ours`` with two sides against scipy's Welch test and Mann-Whitney U; returns how many."""
    checked = 0
    for row in ours.dropna(subset=["b"]).itertuples():
        s = long[long["condition"] == row.condition]
        for c in by:
            s = s[s[c] == getattr(row, c)]
        xa, xb = (s.loc[s[between] == t, "score"].dropna().to_numpy() for t in (row.a, row.b))
        assert (row.n_a, row.n_b) == (len(xa), len(xb))
        if min(len(xa), len(xb)) < 2 or np.var(xa) + np.var(xb) == 0:
            continue
        tt = st.ttest_ind(xa, xb, equal_var=False)
        mw = st.mannwhitneyu(xa, xb, alternative="two-sided")
        np.testing.assert_allclose([row.diff, row.welch_t, row.welch_p, row.mwu_u, row.mwu_p],
                                   [xa.mean() - xb.mean(), tt.statistic, tt.pvalue, mw.statistic, mw.pvalue],
                                   rtol=1e-9, atol=1e-12)
        checked += 1
    return checked


@pytest.mark.parametrize("which", ["sample", "hidden"])
@pytest.mark.parametrize("between,by", [("sector", ["wave", "leerlab"]), ("level", ["wave"]),
                                        ("partner", ["wave", "leerlab"])])
def test_gap_against_scipy_on_the_samples(which, between, by, request):
    survey = request.getfixturevalue(which)
    ours = an.gap(survey, between=between, by=by, min_n=2)
    long = an.condition_scores(survey)
    assert check_gap(ours, long, by, between) >= len(ours.dropna(subset=["b"])) // 2 > 0


def reference_reml(y: np.ndarray, a: np.ndarray, cluster: np.ndarray) -> dict:
    """REML of ``y ~ a + (1 | cluster)`` with dense matrices: V = I + gamma Z Z', sigma^2 profiled out, gamma by
    bounded Brent (and the boundary gamma = 0). The textbook route, nothing shared with mixed_gap's cluster sums."""
    from scipy.optimize import minimize_scalar

    X = np.column_stack([np.ones(len(y)), a])
    Z = (cluster[:, None] == np.unique(cluster)[None, :]).astype(float)
    n, p = X.shape

    def parts(gamma):
        Vi = np.linalg.inv(np.eye(n) + gamma * Z @ Z.T)
        A = X.T @ Vi @ X
        beta = np.linalg.solve(A, X.T @ Vi @ y)
        r = y - X @ beta
        s2 = r @ Vi @ r / (n - p)
        crit = (n - p) * np.log(s2) - np.linalg.slogdet(Vi)[1] + np.linalg.slogdet(A)[1]
        return crit, beta, s2, A

    best = minimize_scalar(lambda g: parts(g)[0], bounds=(0, 1e3), method="bounded",
                           options={"xatol": 1e-12, "maxiter": 2000}).x
    gamma = 0.0 if parts(0.0)[0] <= parts(best)[0] else best
    _, beta, s2, A = parts(gamma)
    return {"estimate": beta[1], "se": np.sqrt(s2 * np.linalg.inv(A)[1, 1]), "var_cluster": gamma * s2,
            "var_residual": s2}


def check_mixed(ours: pd.DataFrame, long: pd.DataFrame, by: list[str], a, b) -> int:
    """Every fitted row of ``ours`` against :func:`reference_reml` on the same respondents; returns how many."""
    checked = 0
    for row in ours.itertuples(index=False):
        if not np.isfinite(row.estimate) or not np.isfinite(row.se):
            continue
        s = long[(long["condition"] == row.condition) & long["side"].isin([a, b])].dropna(subset=["score"])
        for c in by:
            s = s[s[c] == getattr(row, c)]
        ref = reference_reml(s["score"].to_numpy(), (s["side"] == a).to_numpy(float), s["cluster"].to_numpy())
        assert (row.n_a, row.n_b) == ((s["side"] == a).sum(), (s["side"] == b).sum())
        # With one respondent per cluster only their sum is identified (the criterion is flat along it): not the split.
        split = s["cluster"].value_counts().max() > 1
        for col in ("estimate", "se", *(("var_cluster", "var_residual") if split else ())):
            assert getattr(row, col) == pytest.approx(ref[col], abs=1e-7), (col, row)
        if not split:
            assert row.var_cluster + row.var_residual == pytest.approx(ref["var_cluster"] + ref["var_residual"],
                                                                       abs=1e-7)
        checked += 1
    return checked


def test_mixed_gap_against_dense_reml_on_the_hidden_sample(hidden):
    ours = an.mixed_gap(hidden, between="sector", a="vmbo", b="mbo")
    long = an.condition_scores(hidden)
    long["side"] = long["sector"].astype(object)
    long["cluster"] = long["leerlab"].astype(str) + "/" + long["partner"].astype(str)
    assert check_mixed(ours, long, ["wave"], "vmbo", "mbo") == len(ours) > 0


@pytest.mark.parametrize("seed", range(3))
def test_mixed_gap_against_dense_reml_on_random_frames(seed):
    """Strata with few clusters, clusters on one side only, missing sides and scores, unequal cluster sizes."""
    df = random_frame(seed, n=400)
    rng = np.random.default_rng(seed + 200)
    df["school"] = rng.choice(list("STUVWXYZ"), len(df), p=[.25, .2, .15, .1, .1, .1, .05, .05])
    df["kind"] = np.where(df["school"].isin(list("STUV")), "p", "q")
    df.loc[rng.random(len(df)) < 0.1, "kind"] = None  # a respondent's side unknown
    shift = df["school"].map(dict(zip("STUVWXYZ", rng.normal(0, 0.6, 8))))
    for q in ("q1", "q2", "q3", "q4"):
        df[q] = np.clip(np.round(df[q] + shift), 1, 5)
    ours = an.mixed_gap(df, between="kind", a="p", b="q", by="grp", cluster="school", scales=SCALES, min_n=2)
    long = an.condition_scores(df, scales=SCALES).dropna(subset=["grp"])
    long["side"], long["cluster"] = long["kind"], long["school"]
    assert check_mixed(ours, long, ["grp"], "p", "q") > 10
