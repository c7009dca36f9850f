"""The signed-rank test's exact null, counted once per tie pattern, against scipy.stats.wilcoxon.

scipy's ``method="auto"`` is exact (no ties, no zeros, at most 50
differences) or enumerates all sign flips (ties or zeros, at most 13
differences): both are exact, so the p-values agree to 1e-12. Larger
groups use the normal approximation on both sides. scipy's flips cost
about a second for a group of 13, so most groups are checked against the
same enumeration written out in numpy (:func:`_all_flips`), a few against
scipy itself.
"""

import itertools
import warnings

import numpy as np
import pytest
from scipy import stats as st

import analyse as an
from analyse.stats.waves import _subset_sum_counts, _wilcoxon


def _scipy(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns about ties and zeros with the exact method
        return st.wilcoxon(x)


def _all_flips(x):
    """Two-sided p of the signed-rank test by enumerating every sign of every difference (zeros included)."""
    n = len(x)
    rank = st.rankdata(np.where(x == 0, np.inf, np.abs(x)))  # zeros last: they never count in R+
    signs = (np.arange(2 ** n)[:, None] >> np.arange(n)) & 1  # every pattern of signs
    r_plus = (signs * (x != 0) * rank).sum(axis=1)
    observed = rank[x > 0].sum()
    return min(1.0, 2 * min(np.mean(r_plus <= observed), np.mean(r_plus >= observed)))


def _groups(rng):
    """Differences of groups at every boundary of scipy's choice of method (sizes include zeros)."""
    def likert(n):  # differences of scale scores: ties and zeros
        return rng.integers(-4, 5, n) / 4.0

    def tie_free(n):
        return rng.permutation(np.arange(1, n + 1)) * rng.choice([-1.0, 1.0], n)

    return [
        *[likert(n) for n in (1, 3, 8, 13)],                         # flips
        np.array([0.0, 0.0, 0.5, -0.5, 0.5, 1.0]),                   # zeros and ties
        np.array([0.0, 1.0, 2.0, -3.0, 4.0, 5.0, 6.0]),              # a zero, no ties: flips
        np.array([0.25, -0.25, 0.25]),                              # one tie block
        np.array([1.0, 2.0, 3.0]),                                   # all positive: the smallest p
        *[likert(n) for n in (14, 20, 51)],                          # ties, too many to flip: normal
        *[tie_free(n) for n in (1, 4, 13, 14, 30, 50)],              # exact null
        tie_free(51),                                                # normal
        np.array([0.0, 0.0]),                                        # no non-zero difference: NaN
    ]


def test_signed_rank_against_scipy_at_every_boundary():
    rng = np.random.default_rng(7)
    groups = _groups(rng)
    codes = np.concatenate([np.full(len(x), g) for g, x in enumerate(groups)])
    d = np.concatenate(groups)
    # rows outside any group and missing differences are ignored
    codes = np.concatenate([codes, [-1, -1, 0]])
    d = np.concatenate([d, [3.0, -2.0, np.nan]])
    stat, p = _wilcoxon(d, codes, len(groups), np.ones(len(groups), bool))
    for g, x in enumerate(groups):
        if not np.any(x != 0):
            assert np.isnan(stat[g]) and np.isnan(p[g])
            continue
        ref = _scipy(x)
        assert stat[g] == ref.statistic, g
        assert p[g] == pytest.approx(ref.pvalue, rel=0, abs=1e-12), (g, len(x))


def test_all_flips_is_scipys_permutation_test():
    x = np.array([0.0, 0.5, -0.5, 0.5, 1.0, -0.25, 0.75, 0.5, 0.0, 1.0])
    assert _all_flips(x) == pytest.approx(_scipy(x).pvalue, rel=0, abs=1e-12)


def test_signed_rank_on_random_groups_in_any_order():
    """Many small tied groups, in shuffled rows, share a few patterns; a group's p does not depend on the others."""
    rng = np.random.default_rng(11)
    G = 300
    codes = rng.permutation(np.repeat(np.arange(G), rng.integers(1, 14, G)))
    d = rng.integers(-2, 3, len(codes)) / 3.0
    flags = rng.random(G) < 0.8
    _, p = _wilcoxon(d, codes, G, flags)
    for g in range(G):
        x = d[codes == g]
        if not flags[g] or not np.any(x != 0):
            assert np.isnan(p[g])
            continue
        assert p[g] == pytest.approx(_all_flips(x), rel=0, abs=1e-12), g
    g = int(np.flatnonzero(flags & ~np.isnan(p))[0])
    alone = codes == g
    _, p_alone = _wilcoxon(d[alone], np.zeros(alone.sum(), int), 1, np.ones(1, bool))
    assert p_alone[0] == p[g]


@pytest.mark.parametrize("weights", [[2, 4, 6, 8, 10], [3, 3, 3, 8, 10, 13, 13, 13], [1], [7, 7]])
def test_subset_sum_counts_by_enumeration(weights):
    got = _subset_sum_counts(np.array([weights]))[0]
    expected = np.zeros(sum(weights) + 1, dtype=np.int64)
    for mask in itertools.product([0, 1], repeat=len(weights)):
        expected[np.dot(mask, weights)] += 1
    np.testing.assert_array_equal(got, expected)
    assert got.sum() == 2 ** len(weights)


def test_wave_change_on_the_sample_against_scipy():
    """The hidden-effect sample by partner: every group is small and tied, so every p is counted.

    Every group against the enumeration, the first also against scipy.
    """
    survey = an.load("data/sample")
    out = an.wave_change(survey, by=["partner"])
    assert (out["np_test"] == "wilcoxon").all()
    sc = an.condition_scores(survey)
    checked = 0
    for i, row in out.iterrows():
        s = sc[(sc["partner"] == row["partner"]) & (sc["condition"] == row["condition"])]
        a = s[s["wave"] == row["wave_from"]].set_index("respondent_id")["score"]
        b = s[s["wave"] == row["wave_to"]].set_index("respondent_id")["score"]
        both = a.to_frame("a").join(b.to_frame("b"), how="inner").dropna()
        x = (both["b"] - both["a"]).to_numpy()
        assert row["n_paired"] == len(x) <= 13
        assert row["np_p"] == pytest.approx(_all_flips(x), rel=0, abs=1e-12)
        if i == 0:
            ref = _scipy(x)
            assert row["np_stat"] == ref.statistic
            assert row["np_p"] == pytest.approx(ref.pvalue, rel=0, abs=1e-12)
        checked += 1
    assert checked == len(out) == 50
