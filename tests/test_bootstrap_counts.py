"""The percentile bootstrap resampling counts over distinct values (groups above SLOTS_UP_TO) and slots (the rest).

Checked three ways: the same draws written out plainly (to 1e-12), a plain
resampling bootstrap and ``scipy.stats.bootstrap(method="percentile")``
(within Monte-Carlo error: five standard errors of the difference of two
percentile estimates), on random scale scores and on the hidden-effect
sample.
"""

import doctest

import numpy as np
from scipy import stats as st

import analyse as an
from analyse.stats import bootstrap
from analyse.stats.bootstrap import SLOTS_UP_TO, bootstrap_mean_ci

TOL = 1e-12
LEVEL = 0.95
Q = [(1 - LEVEL) / 2, (1 + LEVEL) / 2]


def _scores(rng, n):
    """Scale scores as the questionnaire makes them: means of 3 to 5 answers 1..5."""
    k = rng.integers(3, 6, n)
    answers = np.clip(np.rint(rng.normal(3.4, 1.0, (n, 5))), 1, 5)
    return np.where(np.arange(5) < k[:, None], answers, 0).sum(axis=1) / k


def _slots(x, B, seed):
    """Today's draws for a group of up to SLOTS_UP_TO: slot floor(U n) of default_rng([seed, n]).random((B, n))."""
    n = len(x)
    u = np.random.default_rng([seed, n]).random((B, n))
    return np.quantile(x[np.floor(u * n).astype(int)].mean(axis=1), Q)


def _counts(x, B, seed):
    """Multinomial counts over the sorted distinct values, from default_rng([seed, n])."""
    v, m = np.unique(x, return_counts=True)
    means = np.random.default_rng([seed, len(x)]).multinomial(len(x), m / len(x), size=B) @ v / len(x)
    return np.quantile(means, Q)


def _plain(x, B, seed):
    """A plain resampling bootstrap: B resamples of n observations with replacement."""
    rng = np.random.default_rng(seed)
    return np.quantile(x[rng.integers(0, len(x), (B, len(x)))].mean(axis=1), Q)


def _mc_tol(x, b1, b2):
    """Five standard errors of the difference of two independent percentile endpoints (B = b1, b2).

    The asymptotic standard error of a sample quantile, sqrt(p(1-p)/B) / f(q), with f the normal
    density of the resampled mean (sd = sd(x) / sqrt(n)).
    """
    p = Q[0]
    sd_mean = x.std() / np.sqrt(len(x))
    return 5 * np.sqrt(p * (1 - p) * (1 / b1 + 1 / b2)) / st.norm.pdf(st.norm.ppf(p)) * sd_mean


def _one(x, B, seed):
    lo, hi = bootstrap_mean_ci(x, np.zeros(len(x), int), 1, n_boot=B, seed=seed, level=LEVEL)
    return np.array([lo[0], hi[0]])


def test_the_draws_on_either_side_of_the_boundary():
    rng = np.random.default_rng(1)
    small, large = _scores(rng, SLOTS_UP_TO), _scores(rng, SLOTS_UP_TO + 1)
    np.testing.assert_allclose(_one(small, 400, 3), _slots(small, 400, 3), rtol=0, atol=TOL)
    np.testing.assert_allclose(_one(large, 400, 3), _counts(large, 400, 3), rtol=0, atol=TOL)


def test_counts_against_a_plain_bootstrap_on_random_scores():
    """Groups of 300 to 5,000 scale scores, all groups at once, in shuffled rows."""
    rng = np.random.default_rng(2)
    sizes = [300, 700, 1500, 5000]
    groups = [_scores(rng, n) for n in sizes]
    codes = np.repeat(np.arange(len(sizes)), sizes)
    perm = rng.permutation(len(codes))
    lo, hi = bootstrap_mean_ci(np.concatenate(groups)[perm], codes[perm], len(sizes), n_boot=2000, seed=4)
    for g, x in enumerate(groups):
        np.testing.assert_allclose([lo[g], hi[g]], _counts(x, 2000, 4), rtol=0, atol=TOL)
        np.testing.assert_allclose([lo[g], hi[g]], _plain(x, 2000, 5), rtol=0, atol=_mc_tol(x, 2000, 2000))


def test_counts_against_scipy_bootstrap_on_small_groups(monkeypatch):
    """Below SLOTS_UP_TO slots are drawn; with the boundary at 0 small groups are counted too."""
    monkeypatch.setattr(bootstrap, "SLOTS_UP_TO", 0)
    rng = np.random.default_rng(6)
    B = 20_000
    for n in (30, 60, 120):
        x = _scores(rng, n)
        ours = _one(x, B, 7)
        np.testing.assert_allclose(ours, _counts(x, B, 7), rtol=0, atol=TOL)
        ref = st.bootstrap((x,), np.mean, n_resamples=B, method="percentile", confidence_level=LEVEL,
                           rng=np.random.default_rng(8)).confidence_interval
        np.testing.assert_allclose(ours, [ref.low, ref.high], rtol=0, atol=_mc_tol(x, B, B))


def test_a_large_groups_interval_depends_only_on_its_own_values():
    rng = np.random.default_rng(9)
    x = np.concatenate([_scores(rng, 400), _scores(rng, 400), _scores(rng, 30)])
    codes = np.repeat([0, 1, 2], [400, 400, 30])
    lo, hi = bootstrap_mean_ci(x, codes, 3, n_boot=500, seed=9)
    alone = _one(x[400:800], 500, 9)
    assert (lo[1], hi[1]) == tuple(alone)
    assert (lo[1], hi[1]) != (lo[0], hi[0])
    again = bootstrap_mean_ci(x[::-1], codes[::-1], 3, n_boot=500, seed=9)  # the order of rows within a group
    np.testing.assert_array_equal(again[0][:2], lo[:2])
    other = bootstrap_mean_ci(x, codes, 3, n_boot=500, seed=10)
    assert not np.array_equal(other[0][:2], lo[:2])


def test_generator_seed_and_empty_groups():
    rng = np.random.default_rng(11)
    x = np.concatenate([_scores(rng, 300), [np.nan], _scores(rng, 20)])
    codes = np.concatenate([np.zeros(300, int), [1], np.full(20, 3)])
    a = bootstrap_mean_ci(x, codes, 4, n_boot=300, seed=np.random.default_rng(1))
    b = bootstrap_mean_ci(x, codes, 4, n_boot=300, seed=np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    assert np.isnan(a[0][[1, 2]]).all() and np.isfinite(a[0][[0, 3]]).all()
    # sizes draw from the Generator in increasing order: the group of 20 first, then the group of 300
    g = np.random.default_rng(1)
    first = np.quantile(x[-20:][np.floor(g.random((300, 20)) * 20).astype(int)].mean(axis=1), Q)
    v, m = np.unique(x[:300], return_counts=True)
    second = np.quantile(g.multinomial(300, m / 300, size=300) @ v / 300, Q)
    np.testing.assert_allclose([a[0][3], a[1][3]], first, rtol=0, atol=TOL)
    np.testing.assert_allclose([a[0][0], a[1][0]], second, rtol=0, atol=TOL)


def test_condition_means_on_the_sample():
    """By leerlab (~30 a group) and per wave (~150) the intervals are those of the slot draws, as before;
    pooled (~300 a condition) they are counted, within Monte-Carlo error of the slot draws."""
    survey = an.load("data/sample")
    sc = an.condition_scores(survey)
    for by, pool, path in [(["leerlab"], False, _slots), (None, False, _slots), (None, True, _counts)]:
        m = an.condition_means(survey, by=by, pool_waves=pool, ci_method="bootstrap", n_boot=1000, seed=3)
        for _, row in m.iterrows():
            sel = sc["condition"] == row["condition"]
            for col in (by or []) + ([] if pool else ["wave"]):
                sel &= sc[col] == row[col]
            x = sc.loc[sel, "score"].dropna().to_numpy()
            assert row["n"] == len(x) and (len(x) > SLOTS_UP_TO) == pool
            np.testing.assert_allclose([row["ci_low"], row["ci_high"]], path(x, 1000, 3), rtol=0, atol=TOL)
            if pool:
                np.testing.assert_allclose([row["ci_low"], row["ci_high"]], _slots(x, 1000, 3), rtol=0,
                                           atol=_mc_tol(x, 1000, 1000))


def test_the_example_runs():
    assert doctest.testmod(bootstrap).failed == 0
