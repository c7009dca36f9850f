"""Agreement against chance: what rwg(j) and AD_M reach when a group answers at random.

A group of three that answers five-point statements at random reaches
rwg(j) >= .70 far more often than one in twenty, so the fixed rules of thumb
call chance "agreement" in small groups (Dunlap, Burke & Smith-Crowe 2003;
Cohen, Doveh & Eick 2001). :func:`agreement_null` simulates the null
distribution of both indices for each group size, as ``multilevel::rwg.j.sim``
and ``ad.m.sim`` do, and :func:`chance` reads critical values and p-values for
observed groups off it. Group sizes are simulated together and cached, so a
table of 10,000 groups costs one simulation per distinct size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import AnalyseError
from ._common import note, quiet

__all__ = ["CHANCE_LEVEL", "NULLS", "agreement_null", "chance", "null_variance", "rwg_j_formula"]

#: Level of the chance test in :func:`analyse.agreement`'s verdict: agreement must exceed what random
#: answering reaches in 5% of groups of the same size (Dunlap, Burke & Smith-Crowe 2003).
CHANCE_LEVEL = 0.05

#: The null distributions of random answering that rwg(j) can be measured against.
NULLS = ("uniform", "slight", "moderate")

# Expected variances of the slightly and moderately skewed nulls by number of options A: LeBreton &
# Senter (2008), Table 2, as coded in LeBreton's R package WGA (RWGJ.R). The uniform null is exact.
_SKEWED_VARIANCE = {
    "slight": {5: 1.34, 6: 1.85, 7: 2.90, 8: 3.47, 9: 5.66, 10: 6.30, 11: 7.31},
    "moderate": {5: 0.90, 6: 1.26, 7: 2.14, 8: 2.79, 9: 4.73, 10: 5.09, 11: 6.32},
}
# Answer shares that have exactly these variances on a 5-point scale, for simulating a skewed null.
_SKEWED_SHARES = {"slight": (0.05, 0.15, 0.20, 0.35, 0.25), "moderate": (0.0, 0.10, 0.15, 0.40, 0.35)}

# Simulated values closer than this are one value: the observed rwg(j) and AD_M are computed from
# deviations, the simulated ones from integer sums, and the two roundings must not split a tie.
# The distinct values of either index lie at least 1/(J n^2 A^2) apart, far more for any real group.
_TIE = 1e-9
# Largest count array simulated at once (elements), so that many group sizes do not exhaust memory.
_BATCH = 4_000_000
_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_CACHE_SIZE = 256


def null_variance(n_options: int, null: str = "uniform") -> float:
    """Expected variance :math:`\\sigma^2_E` of one item under the null: uniform :math:`(A^2-1)/12`, or skewed.

    The skewed values are those of LeBreton & Senter (2008, Table 2) for 5 to
    11 options (1.34 and 0.90 for A = 5).
    """
    if null not in NULLS:
        raise AnalyseError(f"null must be one of {', '.join(map(repr, NULLS))}, not {null!r}")
    A = int(n_options)
    if null == "uniform":
        return (A ** 2 - 1) / 12
    table = _SKEWED_VARIANCE[null]
    if A not in table:
        raise AnalyseError(f"the {null}ly skewed null is tabled for 5 to 11 answer options, not {A}: "
                           "use null='uniform'")
    return table[A]


def rwg_j_formula(mean_var, n_items, null_var):
    """rwg(j) of James, Demaree & Wolf (1984) from the mean item variance, truncated to 0..1 as multilevel does."""
    with quiet():
        ratio = np.minimum(np.asarray(mean_var, dtype=float) / null_var, 1.0)
        return n_items * (1 - ratio) / (n_items * (1 - ratio) + ratio)


def _shares(n_options: int, null: str) -> np.ndarray:
    null_variance(n_options, null)  # checks the name and the table
    if null == "uniform":
        return np.full(int(n_options), 1 / int(n_options))
    if int(n_options) != 5:
        raise AnalyseError(f"random answering under the {null}ly skewed null is simulated on 5-point scales "
                           f"only, not {n_options} options: use null='uniform'")
    return np.asarray(_SKEWED_SHARES[null])


def _simulate(sizes: np.ndarray, n_items: int, n_options: int, null: str, reps: int,
              streams: list[np.random.SeedSequence]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted null samples of rwg(j) and AD_M, shape ``(len(sizes), reps)``, for groups of ``sizes``.

    A group's answers to one item are drawn as the counts of each option
    (multinomial: the same distribution as ``sample(1:A, n, replace = TRUE)``
    in ``rwg.j.sim``, at a cost independent of n). Item variances and
    absolute deviations follow from the counts as whole numbers (exact in
    floating point), all sizes at once. The samples are read-only: the cache
    hands them out.
    """
    A, J = int(n_options), int(n_items)
    p = _shares(A, null)
    # float counts: integer sums below 2**53 stay exact, and matrix products use BLAS
    counts = np.stack([np.random.default_rng(s).multinomial(int(n), p, size=(reps, J))
                       for n, s in zip(sizes, streams)]).astype(float)   # (S, reps, J, A)
    v = np.arange(1.0, A + 1)
    n = sizes.astype(float)[:, None]
    s1 = counts @ v
    n_ss = n[..., None] * (counts @ v ** 2) - s1 ** 2      # n times the sum of squares, exactly
    n_abs = np.einsum("srja,srja->sr", counts, np.abs(n[..., None, None] * v - s1[..., None]))
    with quiet():
        mean_var = n_ss.sum(axis=-1) / (J * n * (n - 1))
        ad = n_abs / (J * n ** 2)
    rwg = rwg_j_formula(mean_var, J, null_variance(A, null))
    rwg[sizes < 2] = np.nan
    ad[sizes < 2] = np.nan
    rwg, ad = np.sort(rwg, axis=1), np.sort(ad, axis=1)
    rwg.setflags(write=False)
    ad.setflags(write=False)
    return rwg, ad


def _null(sizes, n_items: int, n_options: int, null: str, reps: int, seed) -> tuple[np.ndarray, np.ndarray]:
    """Null samples for every size in ``sizes`` (rows in that order); cached per size when ``seed`` is given.

    Each size draws from its own stream, derived from ``seed`` and the size,
    items, options and null: a size's values do not depend on which other
    sizes are asked for, or in what order.
    """
    null_variance(n_options, null)  # a null it knows, tabled for this scale
    sizes = np.asarray(sizes, dtype=np.int64)
    entropy = np.random.SeedSequence().entropy if seed is None else int(seed)
    key = (int(n_items), int(n_options), null, int(reps), entropy)
    missing = [int(n) for n in dict.fromkeys(sizes.tolist()) if (n, *key) not in _CACHE]
    per_batch = max(1, _BATCH // (reps * n_items * n_options))
    found = {}
    for start in range(0, len(missing), per_batch):
        batch = np.asarray(missing[start:start + per_batch], dtype=np.int64)
        streams = [np.random.SeedSequence(entropy, spawn_key=(int(n), *key[:2], NULLS.index(null))) for n in batch]
        rwg, ad = _simulate(batch, n_items, n_options, null, reps, streams)
        for i, n in enumerate(batch.tolist()):
            found[n] = (rwg[i], ad[i])
    if seed is not None:
        for n, value in found.items():
            _CACHE[(n, *key)] = value
        while len(_CACHE) > _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
    rows = [found[n] if n in found else _CACHE[(n, *key)] for n in sizes.tolist()]
    if not rows:
        return np.empty((0, reps)), np.empty((0, reps))
    return np.stack([r for r, _ in rows]), np.stack([a for _, a in rows])


def _upper_critical(x: np.ndarray, level: float) -> np.ndarray:
    """Per row of sorted ``x``: the smallest value reached or exceeded by at most ``level`` of the row (rwg.95)."""
    reps = x.shape[1]
    allowed = int(np.floor(level * reps + 1e-9))
    if allowed >= reps:
        return x[:, 0].copy()
    cut = x[:, reps - allowed - 1]                           # exceeded or reached by more than allowed
    idx = (x <= cut[:, None] + _TIE).sum(axis=1)
    out = np.full(len(x), np.nan)
    ok = (idx < reps) & ~np.isnan(cut)
    out[ok] = x[np.flatnonzero(ok), idx[ok]]
    return out


def _lower_critical(x: np.ndarray, level: float) -> np.ndarray:
    """Per row of sorted ``x``: the largest value reached or undercut by at most ``level`` of the row (ad.m.05)."""
    reps = x.shape[1]
    allowed = int(np.floor(level * reps + 1e-9))
    if allowed >= reps:
        return x[:, -1].copy()
    cut = x[:, allowed]
    idx = (x < cut[:, None] - _TIE).sum(axis=1) - 1
    out = np.full(len(x), np.nan)
    ok = (idx >= 0) & ~np.isnan(cut)
    out[ok] = x[np.flatnonzero(ok), idx[ok]]
    return out


def _share_at_least(x: np.ndarray, row: np.ndarray, value: np.ndarray, span: float) -> np.ndarray:
    """For each ``value``: how many of sorted row ``row`` of ``x`` reach it (ties within 1e-9 count).

    All rows are searched at once: row i is shifted by ``i * span`` (more than
    the range of its values) so the flattened matrix stays sorted.
    """
    reps = x.shape[1]
    shift = np.arange(len(x))[:, None] * span
    flat = (x + shift).ravel()
    below = np.searchsorted(flat, value - _TIE + row * span, side="left") - row * reps
    return reps - below


def chance(rwg_j, ad_m, n, n_items, n_options: int, *, null: str = "uniform", reps: int = 10_000,
           seed: int | None = 2003, level: float = CHANCE_LEVEL) -> dict[str, np.ndarray]:
    """Critical values and Monte-Carlo p-values of observed rwg(j) and AD_M, for each group's size and items.

    ``n`` and ``n_items`` hold each group's size and number of items (or one
    number for all). Returns ``rwg_j_crit`` (the 1 - ``level`` critical value
    of rwg(j), :func:`agreement_null`'s ``rwg_j_q95`` at 5%), ``ad_crit``
    (``ad_q05``), ``p_rwg`` and ``p_ad``:
    :math:`(1 + \\#\\{\\text{null} \\ge r\\})/(R + 1)` and
    :math:`(1 + \\#\\{\\text{null} \\le AD\\})/(R + 1)` over the R
    replications for the group's size (Davison & Hinkley 1997, eq. 4.11).
    NaN where the observed value or the size is missing or below 2.
    """
    rwg_j, ad_m = np.asarray(rwg_j, dtype=float), np.asarray(ad_m, dtype=float)
    n, n_items = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(n_items, dtype=float))
    ok = np.isfinite(n) & (n >= 2) & np.isfinite(n_items) & (n_items >= 1)
    out = {k: np.full(len(n), np.nan) for k in ("rwg_j_crit", "ad_crit", "p_rwg", "p_ad")}
    for j in np.unique(n_items[ok]).astype(np.int64):  # a few scale lengths: the groups of each at once
        at = np.flatnonzero(ok & (n_items == j))
        sizes, row = np.unique(n[at].astype(np.int64), return_inverse=True)
        rwg, ad = _null(sizes, j, n_options, null, reps, seed)
        out["rwg_j_crit"][at] = _upper_critical(rwg, level)[row]
        out["ad_crit"][at] = _lower_critical(ad, level)[row]
        r, a = rwg_j[at], ad_m[at]
        reach = _share_at_least(rwg, row, np.where(np.isnan(r), np.inf, r), 4.0)
        # AD_M at most the observed one is -AD_M at least its negative; -AD_M ascends when reversed
        under = _share_at_least(-ad[:, ::-1], row, np.where(np.isnan(a), np.inf, -a), 2.0 * n_options + 2)
        out["p_rwg"][at] = np.where(np.isnan(r), np.nan, (1 + reach) / (reps + 1))
        out["p_ad"][at] = np.where(np.isnan(a), np.nan, (1 + under) / (reps + 1))
    return out


def agreement_null(n: int | Sequence[int], n_items: int, n_options: int, *, null: str = "uniform",
                   reps: int = 10_000, seed: int | None = None) -> pd.DataFrame:
    """Null distribution of rwg(j) and AD_M for groups answering at random: critical values per group size.

    Parameters
    ----------
    n : int or list of int
        Group sizes (respondents); all are simulated at once.
    n_items : int
        J, the number of items of the scale.
    n_options : int
        A, the number of answer options.
    null : {"uniform", "slight", "moderate"}
        How a random respondent answers: every option alike (as
        ``multilevel::rwg.j.sim`` and ``ad.m.sim``), or slightly or
        moderately skewed (5-point scales only; rwg(j) then uses that null's
        variance, see :func:`analyse.rwg`).
    reps : int
        Replications per group size (default 10,000, as Dunlap et al. 2003).
    seed : int, optional
        Seed of the simulation; each group size has its own stream derived
        from it, and seeded results are cached. None draws fresh randomness.

    Returns
    -------
    DataFrame
        One row per size: ``n, n_items, n_options, null, reps, rwg_j_q90,
        rwg_j_q95, rwg_j_q99, ad_q10, ad_q05, ad_q01, note``.
        ``rwg_j_qP`` is the critical value of rwg(j) at level 1 - P/100: the
        smallest simulated value reached or exceeded in at most (100 - P)% of
        the random groups, as ``rwg.95`` of ``multilevel::rwg.j.sim`` (an
        observed rwg(j) at or above ``rwg_j_q95`` is beyond chance at p < .05).
        ``ad_qP`` is the largest simulated AD_M reached or undercut in at most
        P% of the random groups, as ``ad.m.05`` of ``multilevel::ad.m.sim``.
        Sizes below 2 give NaN and a note.

    Notes
    -----
    Each replication draws a group of n respondents answering J items
    independently from the null (uniform: each of the A options with
    probability 1/A; slightly skewed: shares .05, .15, .20, .35, .25;
    moderately skewed: 0, .10, .15, .40, .35, whose variances are the 1.34
    and 0.90 of LeBreton & Senter 2008), and computes

    .. math:: r_{wg(J)} = \\frac{J(1-\\bar s^2/\\sigma^2_E)}{J(1-\\bar s^2/\\sigma^2_E) + \\bar s^2/\\sigma^2_E},
              \\qquad AD_{M(J)} = \\frac{1}{J}\\sum_j \\frac{1}{n}\\sum_r |x_{rj} - \\bar x_j|

    (:math:`\\bar s^2` truncated at :math:`\\sigma^2_E`, as :func:`analyse.rwg`
    and :func:`analyse.ad`). A group's answers to an item are drawn as
    multinomial counts of the options, the same distribution as drawing each
    answer, so the cost does not grow with n. The Monte-Carlo error of a tail
    share p is :math:`\\sqrt{p(1-p)/R}` (0.0022 at p = .05, R = 10,000).
    Validated against ``multilevel::rwg.j.sim`` and ``ad.m.sim`` (A = 5;
    J = 4, 5; n = 3..20; five seeds) and against the exact null distribution
    (enumerated answer counts, convolved over items).

    References
    ----------
    Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of statistical significance
    for rwg and average deviation interrater agreement indexes. *Journal of Applied Psychology*, 88,
    356-362.
    Cohen, A., Doveh, E., & Eick, U. (2001). Statistical properties of the rwg(j) index of agreement.
    *Psychological Methods*, 6, 297-310.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability and
    interrater agreement. *Organizational Research Methods*, 11, 815-852.

    Examples
    --------
    >>> import analyse as an
    >>> q = an.agreement_null([3, 4, 5, 20], n_items=4, n_options=5, seed=1)
    >>> q[["n", "rwg_j_q95", "ad_q05"]].round(2)
        n  rwg_j_q95  ad_q05
    0   3       0.87    0.56
    1   4       0.79    0.69
    2   5       0.73    0.78
    3  20       0.44    1.06
    """
    sizes = np.atleast_1d(np.asarray(n))
    if sizes.ndim != 1 or not np.issubdtype(sizes.dtype, np.integer) or (sizes < 1).any():
        raise AnalyseError(f"n must be a group size or a list of them (whole numbers of at least 1), not {n!r}")
    if int(n_items) < 1:
        raise AnalyseError(f"n_items must be at least 1, not {n_items!r}")
    if int(n_options) < 2:
        raise AnalyseError(f"n_options must be at least 2, not {n_options!r}")
    if int(reps) < 100:
        raise AnalyseError(f"reps must be at least 100 (10,000 is usual), not {reps!r}")
    rwg, ad = _null(sizes, int(n_items), int(n_options), null, int(reps), seed)
    out = pd.DataFrame({"n": sizes.astype(np.int64), "n_items": int(n_items), "n_options": int(n_options),
                        "null": null, "reps": int(reps)})
    for q in (90, 95, 99):
        out[f"rwg_j_q{q}"] = _upper_critical(rwg, 1 - q / 100)
    for q in (10, 5, 1):
        out[f"ad_q{q:02d}"] = _lower_critical(ad, q / 100)
    out["note"] = np.where(sizes < 2, note("small", min_n=2), "")
    return out
