"""Krippendorff's alpha kernel for all four metrics, against the published example and the krippendorff package.

The worked example is Krippendorff (2011), "Computing Krippendorff's
Alpha-Reliability", section C (ordinal/interval/ratio data, any number of
observers, missing values), https://repository.upenn.edu/asc_papers/43 :
4 observers x 12 units, values 1-5. The same matrix is the ``nmm`` example of
R ``irr::kripp.alpha`` / ``DescTools::KrippAlpha`` and a doctest of the
``krippendorff`` package. Every comparison with the package is to 1e-9.
"""


import krippendorff as kr
import numpy as np
import pytest

from analyse.stats.krippendorff import METRICS, alpha_from_counts

TOL = 1e-9
N = np.nan

#: Observers A..D (rows) x units 1..12 (columns), NaN = missing.
WORKED = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
])
#: Published alphas, Krippendorff (2011) section C.
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def counts_of(matrices, values):
    """Counts (groups, units, values) from coders x units matrices; fewer units are padded with empty units."""
    values = np.asarray(values)
    n_units = max(m.shape[1] for m in matrices)
    out = np.zeros((len(matrices), n_units, len(values)))
    for g, m in enumerate(matrices):
        out[g, :m.shape[1]] = (m.T[..., None] == values[None, None, :]).sum(axis=1)
    return out


def package(matrix, values, metric):
    return kr.alpha(reliability_data=matrix, level_of_measurement=metric, value_domain=values)


@pytest.mark.parametrize("metric", METRICS)
def test_worked_example_published_and_package(metric):
    values = np.arange(1, 6)
    alpha, n = alpha_from_counts(counts_of([WORKED], values), values, metric)
    assert n[0] == pytest.approx(40, abs=TOL)  # pairable values in the example (unit 12 has only one)
    assert round(float(alpha[0]), 3) == PUBLISHED[metric]
    assert abs(alpha[0] - package(WORKED, values, metric)) < TOL


def test_worked_example_metrics_differ():
    values = np.arange(1, 6)
    counts = counts_of([WORKED], values)
    got = {m: float(alpha_from_counts(counts, values, m)[0][0]) for m in METRICS}
    assert len({round(a, 6) for a in got.values()}) == 4


def _random_groups(seed, n_groups, values, missing=0.1):
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(n_groups):
        coders, units = rng.integers(2, 16), rng.integers(4, 7)
        # A shared tendency per unit, so that alpha is not just noise around 0.
        centre = rng.integers(0, len(values), size=units)
        idx = np.clip(centre[None, :] + rng.integers(-1, 2, size=(coders, units)), 0, len(values) - 1)
        m = np.asarray(values, dtype=float)[idx]
        m[rng.random(m.shape) < missing] = np.nan
        groups.append(m)
    return groups


@pytest.mark.parametrize("metric", METRICS)
def test_random_groups_equal_package(metric):
    values = np.arange(1, 6)
    groups = _random_groups(seed=11, n_groups=40, values=values)
    alpha, n = alpha_from_counts(counts_of(groups, values), values, metric)
    assert alpha.shape == n.shape == (40,)
    checked = 0
    for g, m in enumerate(groups):
        m_u = (~np.isnan(m)).sum(axis=0)
        assert n[g] == pytest.approx(m_u[m_u >= 2].sum(), abs=TOL)
        if n[g] <= 1 or len(np.unique(m[:, m_u >= 2][~np.isnan(m[:, m_u >= 2])])) < 2:
            assert np.isnan(alpha[g])
            continue
        assert abs(alpha[g] - package(m, values, metric)) < TOL, g
        checked += 1
    assert checked >= 35
    assert np.nanstd(alpha) > 0.05  # groups really differ


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
def test_non_consecutive_value_domain(metric):
    values = np.array([1, 2, 4, 7])
    groups = _random_groups(seed=5, n_groups=25, values=values)
    alpha, _ = alpha_from_counts(counts_of(groups, values), values, metric)
    expected = np.array([package(m, values, metric) for m in groups])
    np.testing.assert_allclose(alpha, expected, rtol=0, atol=TOL)


def test_non_consecutive_values_change_interval_and_ratio():
    """Relabelling 1,2,3,4 as 1,2,4,7 changes interval and ratio alpha but not nominal or ordinal."""
    groups = _random_groups(seed=5, n_groups=25, values=np.arange(4))
    counts = counts_of(groups, np.arange(4))
    for metric, changes in [("nominal", False), ("ordinal", False), ("interval", True), ("ratio", True)]:
        a = alpha_from_counts(counts, np.array([1, 2, 3, 4]), metric)[0]
        b = alpha_from_counts(counts, np.array([1, 2, 4, 7]), metric)[0]
        assert (np.max(np.abs(a - b)) > 1e-3) == changes, metric


def test_empty_padding_units_change_nothing():
    """Units nobody answered (padding to a common number of units) have no pairable values: alpha is unchanged."""
    values = np.arange(1, 6)
    counts = counts_of([WORKED], values)
    wider = np.concatenate([counts, np.zeros((1, 3, 5))], axis=1)  # three empty units
    for metric in METRICS:
        np.testing.assert_array_equal(alpha_from_counts(wider, values, metric)[0],
                                      alpha_from_counts(counts, values, metric)[0])


@pytest.mark.parametrize("metric", METRICS)
def test_degenerate_groups_are_nan(metric):
    values = np.arange(1, 6)
    same = np.full((4, 5), 3.0)                       # everyone gives 3: no expected disagreement
    one_coder = np.array([[1.0, 2, 3, 4, 5]])         # no unit with two answers: n = 0
    one_pair_unit = np.array([[1.0, N], [N, 2.0]])    # two coders, never the same unit
    fine = WORKED
    alpha, n = alpha_from_counts(counts_of([same, one_coder, one_pair_unit, fine], values), values, metric)
    assert np.isnan(alpha[:3]).all()
    np.testing.assert_allclose(n, [20, 0, 0, 40], rtol=0, atol=TOL)
    assert abs(alpha[3] - package(WORKED, values, metric)) < TOL


def test_empty_batch():
    alpha, n = alpha_from_counts(np.zeros((0, 3, 5)), np.arange(1, 6), "ratio")
    assert alpha.shape == n.shape == (0,)


def test_ratio_with_zero_value():
    """(0 - 0)/(0 + 0) is taken as no difference, as in the krippendorff package."""
    values = np.array([0, 1, 2, 3])
    m = np.array([[0, 0, 1, 2, 3, N], [0, 1, 1, 2, 2, 3], [0, 0, 1, 3, 3, 3]], dtype=float)
    alpha, _ = alpha_from_counts(counts_of([m], values), values, "ratio")
    assert np.isfinite(alpha[0])
    assert abs(alpha[0] - package(m, values, "ratio")) < TOL


def test_unknown_metric_lists_the_four():
    with pytest.raises(ValueError, match="nominal.*ordinal.*interval.*ratio"):
        alpha_from_counts(counts_of([WORKED], np.arange(1, 6)), np.arange(1, 6), "circular")


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shape"):
        alpha_from_counts(np.zeros((2, 3, 4)), np.arange(1, 6), "interval")
