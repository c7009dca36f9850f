"""Within-group agreement and between-group differences: rwg(j), AD, ICC, Krippendorff's alpha, gaps.

All building blocks are computed for every group at once (group sums via
sparse products, see :mod:`analyse.stats._common`). The composite
:func:`agreement` calls them and adds a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as st

from .._docstrings import doc
from ..codebook import Codebook
from ..errors import AnalyseError
from ..survey import Survey
from ._common import (
    MIN_GROUP_SIZE,
    add_note,
    condition_frame,
    group_codes,
    gsum,
    holm,
    join_notes,
    note,
    note_one_respondent,
    note_small,
    quiet,
    stack_conditions,
    tallies,
    tally_median,
    zero_if_rounding,
)
from ._input import Data, as_data
from .chance import chance, null_variance, rwg_j_formula
from .krippendorff import krippendorff

__all__ = ["RWG_CUTOFF", "ad", "ad_cutoff", "agreement", "awg", "gap", "icc", "krippendorff", "label_sides", "rwg"]

#: Rule of thumb for rwg(j): agreement when rwg(j) >= .70 (LeBreton & Senter 2008).
RWG_CUTOFF = 0.70


def ad_cutoff(n_options: int) -> float:
    """Rule of thumb for AD_M: practically significant agreement when AD_M < A/6.

    A is the number of response options (0.83 on a 5-point scale), as in
    Burke & Dunlap (2002) and the R multilevel documentation of ``ad.m``
    (Dunlap, Burke & Smith-Crowe, 2003). The issue that asked for this index
    wrote (A - 1)/6 = 0.67, which is stricter and not the published rule;
    pass ``ad_max=`` to :func:`agreement` to use it (or any other value).
    """
    return n_options / 6


def _listwise_blocks(d: Data, by: list[str], conditions):
    """Group keys, the conditions, and per condition ``(condition, items, x, c, n)``.

    ``x`` holds the condition's answers; ``c`` the group code of each respondent,
    -1 where an item is missing (listwise within the condition); ``n`` the
    complete respondents per group.
    """
    codes, keys = group_codes(d.frame, by)
    conds = d.pick(conditions)

    def per_condition():
        for cond in conds:
            items = d.items_of(cond)
            x = d.frame[items].to_numpy(dtype=float)
            c = np.where(np.isnan(x).any(axis=1), -1, codes)
            yield cond, items, x, c, gsum(c, np.ones(len(x)), len(keys))

    return keys, conds, per_condition()


def _group_mean(codes, x, n_groups):
    n = gsum(codes, np.ones(len(x)), n_groups)
    with quiet():
        kept = (codes >= 0).reshape(-1, *([1] * (x.ndim - 1)))
        return gsum(codes, np.where(kept, x, 0.0), n_groups) / n.reshape(-1, *([1] * (x.ndim - 1)))


# ---------------------------------------------------------------------- rwg(j)
@doc
def rwg(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
        scales: dict[str, Sequence[str]] | None = None, conditions: Sequence[str] | None = None,
        n_options: int | None = None, null: str = "uniform", min_n: int = MIN_GROUP_SIZE,
        pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """Multi-item within-group agreement rwg(j) and r*wg(j) against a null of random answering, per group and condition.

    Parameters
    ----------
    {data}
    {by}
        The strata are the groups whose members should agree.
    {scales}
    {conditions}
    {n_options}
    {null}
    {min_n}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, n, k, null, mean_var, rwg_j, rwg_j_lindell,
        note``; ``n`` counts respondents who answered all items of the
        condition (listwise, as ``multilevel::rwg.j``), ``mean_var`` is
        :math:`\\bar s^2`.

    Notes
    -----
    James, Demaree & Wolf (1984):

    .. math:: r_{wg(J)} = \\frac{J(1-\\bar s^2/\\sigma^2_E)}{J(1-\\bar s^2/\\sigma^2_E) + \\bar s^2/\\sigma^2_E}

    with :math:`\\bar s^2` the mean of the item variances (ddof = 1), J the
    number of items and :math:`\\sigma^2_E` the variance expected under the
    null: uniform :math:`(A^2-1)/12` (2 for A = 5), slightly skewed 1.34 or
    moderately skewed 0.90 for A = 5 (LeBreton & Senter 2008, Table 2, which
    also gives the values for 6 to 11 options, used here). When
    :math:`\\bar s^2 > \\sigma^2_E` the formula leaves 0..1; following
    LeBreton & Senter (2008) such values are set to 0 (as
    ``multilevel::rwg.j`` does by truncating :math:`\\bar s^2` at
    :math:`\\sigma^2_E`). Zero variance gives 1; one respondent gives NaN.

    Lindell, Brandt & Whitney (1999) drop the Spearman-Brown step, so the
    index does not rise with the number of items, and keep values below 0
    (disagreement beyond random answering; -1 at the largest possible
    variance of a uniform 5-point null):

    .. math:: r^*_{wg(J)} = 1 - \\bar s^2/\\sigma^2_E

    Validated against ``multilevel::rwg.j`` (with ``ranvar`` 2, 1.34, 0.90)
    and ``multilevel::rwg.j.lindell`` 2.7 (R), and a hand-computed example.
    Whether a value exceeds what random answering gives in a group this
    small: :func:`analyse.agreement_null`.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology*, 69, 85-98.
    Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of interrater agreement
    for multi-item ratings of a single target. *Applied Psychological Measurement*, 23, 127-135.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability
    and interrater agreement. *Organizational Research Methods*, 11, 815-852.
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In Klein &
    Kozlowski (Eds.), *Multilevel theory, research, and methods in organizations* (pp. 349-381).

    Examples
    --------
    >>> import analyse as an
    >>> r = an.rwg(an.sample.generate(), by="leerlab")
    >>> r[["wave", "leerlab", "condition", "k"]].head(2)
      wave leerlab condition  k
    0    1   Sport   ambitie  4
    1    1   Groen   ambitie  4
    """
    d = as_data(data, scales=scales, codebook=codebook, n_options=n_options)
    A = d.n_options(n_options)
    s2_e = null_variance(A, null)
    by = d.strata(by, pool_waves=pool_waves)
    keys, conds, blocks = _listwise_blocks(d, by, conditions)
    G = len(keys)
    frames = []
    for cond, items, x, c, n in blocks:
        var = _group_var(c, x, n, G)
        with quiet():
            s2 = var.mean(axis=1)
        one = n < 2
        cols = {"k": np.full(G, len(items)), "null": null, "mean_var": s2,
                "rwg_j": np.where(one, np.nan, rwg_j_formula(s2, len(items), s2_e)),
                "rwg_j_lindell": np.where(one, np.nan, 1 - s2 / s2_e)}
        frames.append(condition_frame(keys, cond, cols, n, min_n, [note_one_respondent(n)]))
    return add_note(stack_conditions(frames, conds, d.condition_dtype(conds)), d.pooled_note(by, pool_waves))


def _group_var(codes, x, n, n_groups):
    """Item variances (ddof = 1) per group, from deviations around the group means (NaN below 2)."""
    with quiet():
        m = _group_mean(codes, x, n_groups)
        dev = np.where(codes[:, None] >= 0, x - m[np.clip(codes, 0, None)], 0.0)
        return gsum(codes, dev ** 2, n_groups) / (n[:, None] - 1)


# ---------------------------------------------------------------------- AD
@doc
def ad(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
       scales: dict[str, Sequence[str]] | None = None, center: str = "mean",
       conditions: Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE, pool_waves: bool = False,
       codebook: Codebook | None = None) -> pd.DataFrame:
    """Average deviation index AD_M(J) around the mean or the median, per group and condition.

    Parameters
    ----------
    {data}
    {by}
    {scales}
    center : {"mean", "median"}
        Deviations around the group's item mean (AD_M) or median (AD_Md).
    {conditions}
    {min_n}
        Counted as complete cases (listwise within the condition's items).
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, n, k, center, ad, note``.

    Notes
    -----
    Burke, Finkelstein & Dusig (1999); Burke & Dunlap (2002):

    .. math:: AD_{M(J)} = \\frac{1}{J}\\sum_{j=1}^J \\frac{1}{n}\\sum_{r=1}^n |x_{rj} - \\bar x_j|

    (:math:`\\bar x_j` replaced by the median for ``center="median"``); the
    deviations are divided by n, not n - 1. Lower is more agreement; the rule
    of thumb used by :func:`agreement` is :func:`ad_cutoff`. Zero variance
    gives 0; one respondent gives NaN (as ``multilevel::ad.m``).
    Validated against ``multilevel::ad.m`` 2.7 (R) and a hand-computed example.

    References
    ----------
    Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation indices for
    estimating interrater agreement. *Organizational Research Methods*, 2, 49-68.
    Burke, M. J., & Dunlap, W. P. (2002). Estimating interrater agreement with the average
    deviation index: A user's guide. *Organizational Research Methods*, 5, 159-172.

    Examples
    --------
    >>> import analyse as an
    >>> a = an.ad(an.sample.generate(), by="leerlab", center="median")
    >>> a[["leerlab", "condition", "center"]].head(2)
      leerlab condition  center
    0   Sport   ambitie  median
    1   Groen   ambitie  median
    """
    if center not in ("mean", "median"):
        raise ValueError("center must be 'mean' or 'median'")
    d = as_data(data, scales=scales, codebook=codebook)
    by = d.strata(by, pool_waves=pool_waves)
    keys, conds, blocks = _listwise_blocks(d, by, conditions)
    G = len(keys)
    frames = []
    for cond, items, x, c, n in blocks:
        at = np.clip(c, 0, None)
        sums = np.empty((G, len(items)))
        # Item by item: every temporary is one column long (the rows of a condition's items at once would be
        # several times that, which at a million respondents costs more per value).
        for j in range(len(items)):
            col = x[:, j]
            with quiet():
                ctr = (_group_mean(c, col, G) if center == "mean" else tally_median(*tallies(col, c, G), G))
                sums[:, j] = gsum(c, np.abs(col - ctr[at]), G)  # rows of code -1 (incomplete) are not summed
        with quiet():
            val = np.where(n < 2, np.nan, (sums / n[:, None]).mean(axis=1))
        frames.append(condition_frame(keys, cond, {"k": np.full(G, len(items)), "center": center, "ad": val}, n, min_n,
                                      [note_one_respondent(n)]))
    return add_note(stack_conditions(frames, conds, d.condition_dtype(conds)), d.pooled_note(by, pool_waves))


# ---------------------------------------------------------------------- a_wg
@doc
def awg(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
        scales: dict[str, Sequence[str]] | None = None, conditions: Sequence[str] | None = None,
        n_options: int | None = None, min_n: int = MIN_GROUP_SIZE, pool_waves: bool = False,
        codebook: Codebook | None = None) -> pd.DataFrame:
    """Within-group agreement a_wg(j) against the largest disagreement the group's mean allows, per group and condition.

    Parameters
    ----------
    {data}
    {by}
        The strata are the groups whose members should agree.
    {scales}
    {conditions}
    {n_options}
        The scale runs from its lowest to its highest answer option (L, H).
    {min_n}
        Counted as complete cases (listwise within the condition's items).
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, n, k, k_used, awg, note``; ``k_used``
        counts the items whose a_wg is defined and enters a_wg(j) (NaN with
        a_wg(j)).

    Notes
    -----
    Brown & Hauenstein (2005), per item, with M and :math:`s^2` the item's
    group mean and variance (ddof = 1), n the group size and L, H the ends
    of the scale:

    .. math:: a_{wg} = 1 - \\frac{2 s^2}{\\left[(H+L)M - M^2 - HL\\right]\\frac{n}{n-1}}

    The denominator is the largest variance n answers with mean M can have,
    so unlike rwg(j) the index does not depend on a null distribution and
    does not confound agreement with the mean's position; it runs from -1
    (the group split between the two ends) to 1. Where M lies so near an end
    that not even one answer could sit at the other (:math:`M < (L(n-1)+H)/n`
    or :math:`M > (H(n-1)+L)/n`) the item's a_wg is undefined, except that
    M = L or M = H gives 1; a_wg(j) is the mean over the defined items
    (as ``multilevel::awg``, which this matches), with a note naming how many
    were left out. One respondent gives NaN. Validated against
    ``multilevel::awg`` 2.7 (R).

    References
    ----------
    Brown, R. D., & Hauenstein, N. M. A. (2005). Interrater agreement reconsidered: An alternative to
    the rwg indices. *Organizational Research Methods*, 8, 165-184.

    Examples
    --------
    >>> import analyse as an
    >>> w = an.awg(an.sample.generate(), by="leerlab")
    >>> w[["wave", "leerlab", "condition", "k"]].head(2)
      wave leerlab condition  k
    0    1   Sport   ambitie  4
    1    1   Groen   ambitie  4
    """
    d = as_data(data, scales=scales, codebook=codebook, n_options=n_options)
    points = d.points if d.points is not None else np.arange(1.0, d.n_options(n_options) + 1)
    low, high = float(np.min(points)), float(np.max(points))
    by = d.strata(by, pool_waves=pool_waves)
    keys, conds, blocks = _listwise_blocks(d, by, conditions)
    G = len(keys)
    frames = []
    for cond, items, x, c, n in blocks:
        var = _group_var(c, x, n, G)
        total = gsum(c, np.where(c[:, None] >= 0, x, 0.0), G)
        k = n[:, None]
        with quiet():
            m = total / k
            item = 1 - (2 * var) / (((high + low) * m - m ** 2 - high * low) * (k / (k - 1)))
        # sums, not means, decide the ends: they are exact on the answer options, where multilevel's
        # comparisons of floating-point means would hinge on the last bit
        tol = 1e-9 * k
        item = np.where((total < low * (k - 1) + high - tol) | (total > high * (k - 1) + low + tol), np.nan, item)
        item = np.where((np.abs(total - high * k) <= tol) | (np.abs(total - low * k) <= tol), 1.0, item)
        two = n >= 2
        used = np.where(two, (~np.isnan(item)).sum(axis=1), len(items))
        with quiet():
            value = np.where(two, np.nanmean(item, axis=1), np.nan)
        cols = {"k": np.full(G, len(items)), "k_used": np.where(two, used, np.nan), "awg": value}
        frames.append(condition_frame(keys, cond, cols, n, min_n, [_awg_note(used, len(items)), note_one_respondent(n)]))
    return add_note(stack_conditions(frames, conds, d.condition_dtype(conds)), d.pooled_note(by, pool_waves))


def _awg_note(used, k) -> np.ndarray:
    """The note of a_wg(j) where items were left out (mean too near an end of the scale)."""
    used, k = np.broadcast_arrays(np.asarray(used, dtype=np.int64), np.asarray(k, dtype=np.int64))
    pairs, inverse = np.unique(np.stack([k - used, k]), axis=1, return_inverse=True)
    texts = np.array([note("awg_left_out", left_out=int(o), k=int(j)) if o > 0 else "" for o, j in pairs.T],
                     dtype=object)
    return texts[inverse.reshape(-1)]


# ---------------------------------------------------------------------- ICC
@doc
def icc(data: Survey | pd.DataFrame, between: str | Sequence[str] = "partner", by: str | Sequence[str] | None = None,
        *, scales: dict[str, Sequence[str]] | None = None, k0: bool = False, min_items: int | None = None,
        conditions: Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE, confidence: float = 0.95,
        pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """ICC(1) and ICC(2) of group membership from a one-way ANOVA of scale scores, with F-based intervals.

    Parameters
    ----------
    {data}
    between : str or list of str
        The membership whose effect is estimated (default ``"partner"``;
        several columns: their combinations).
    {by}
        One analysis per stratum (e.g. ``"leerlab"``).
    {scales}
    k0 : bool
        Use the unbalanced-design group size
        :math:`k_0 = (N - \\sum n_j^2/N)/(J-1)` instead of :math:`k = N/J`.
    {min_items}
    {conditions}
    {min_n}
        Here: analyses with fewer scores (N) in all.
    {confidence}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, n, n_groups, k, msb, msw, f, p, icc1,
        icc1_ci_low, icc1_ci_high, icc2, icc2_ci_low, icc2_ci_high, note``;
        ``f`` and ``p`` are the ANOVA's F = MSB/MSW and its p-value.

    Notes
    -----
    Bliese (2000), as ``multilevel::ICC1`` / ``ICC2``:

    .. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (k-1)MSW}, \\qquad ICC(2) = \\frac{MSB - MSW}{MSB} = 1 - \\frac{1}{F}

    with :math:`k = N/J` (N scores in J groups). The intervals are those of
    ``psych::statsBy`` and ``psych::ICC`` (Shrout & Fleiss 1979, ICC1 and
    ICC1k), with :math:`F_L = F / F_{1-\\alpha/2}(J-1, N-J)` and
    :math:`F_U = F \\cdot F_{1-\\alpha/2}(N-J, J-1)`:

    .. math:: ICC(1): \\left[\\frac{F_L-1}{F_L+k-1}, \\frac{F_U-1}{F_U+k-1}\\right],
              \\qquad ICC(2): \\left[1-\\frac{1}{F_L}, 1-\\frac{1}{F_U}\\right]

    (``k0=True`` puts :math:`k_0` in place of k in both.) When the group
    means differ less than chance alone would make them (F < 1), both
    estimates fall below 0, ICC(2) without bound (1 - 1/F: -465 at F =
    0.002): the values are kept, as R gives them, with a note that they read
    as no group effect (:func:`agreement` shows such an ICC(2) as NaN). With
    two groups (the partners of one leerlab) the ICCs rest on one
    between-group degree of freedom, which a note says; their intervals are
    wide. Fewer than two groups, or no within-group degrees of freedom, give
    NaN; MSB = 0 gives NaN ICC(2). Validated against ``multilevel::ICC1/ICC2``
    (R, ``aov``), ``psych::statsBy`` 2.2.9 (ICC1, ICC2 and their intervals)
    and, for balanced groups, ``pingouin.intraclass_corr`` (ICC1 and ICC1k).

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability: Implications
    for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel
    theory, research, and methods in organizations* (pp. 349-381). Jossey-Bass.
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. *Psychological Bulletin*, 86, 420-428.

    Examples
    --------
    >>> import analyse as an
    >>> i = an.icc(an.sample.generate(), between="partner", by="leerlab")
    >>> i[["wave", "leerlab", "condition", "n_groups"]].head(2)
      wave leerlab condition  n_groups
    0    1   Sport   ambitie         2
    1    1   Sport  belangen         2
    """
    d = as_data(data, scales=scales, codebook=codebook)
    groups = [d.column(g) for g in ([between] if isinstance(between, str) else list(between))]
    by = [c for c in d.strata(by, pool_waves=pool_waves, compare=groups) if c not in groups]
    scores, _, conds = d.score_matrix(min_items, d.pick(conditions))
    # Strata and cells (stratum x group) are coded once per respondent; each condition's sums are then
    # passes over one column of scores, adding in respondent order as over a long frame.
    scodes, skeys = group_codes(d.frame, by)
    ccodes, ckeys = group_codes(d.frame, by + groups)
    S, C, K = (len(skeys) if len(scores) else 0), len(ckeys), len(conds)
    cell_by = np.full(C, -1)
    cell_by[ccodes[ccodes >= 0]] = scodes[ccodes >= 0]
    N, J, ssb, ssw, sum_n2 = (np.zeros((S, K)) for _ in range(5))
    with quiet():
        for j in range(K):
            cc = np.where(np.isnan(scores[:, j]), -1, ccodes)
            bc = np.where(cc >= 0, scodes, -1)
            x = np.where(cc >= 0, scores[:, j], 0.0)
            n_cell = gsum(cc, np.ones(len(x)), C)
            m_cell = gsum(cc, x, C) / n_cell
            N[:, j] = gsum(bc, np.ones(len(x)), S)
            m = gsum(bc, x, S) / N[:, j]
            has = np.where(n_cell > 0, cell_by, -1)
            J[:, j] = gsum(has, np.ones(C), S)
            ssb[:, j] = gsum(has, np.where(has >= 0, n_cell * (m_cell - m[cell_by]) ** 2, 0.0), S)
            ssw[:, j] = gsum(bc, (x - np.append(m_cell, 0.0)[cc]) ** 2, S)  # code -1 reads the 0
            sum_n2[:, j] = gsum(has, n_cell ** 2, S)
    N, J, ssb, ssw, sum_n2 = (a.ravel() for a in (N, J, ssb, ssw, sum_n2))
    keys = skeys.iloc[np.repeat(np.arange(S), K)].reset_index(drop=True)
    keys["condition"] = pd.Categorical.from_codes(np.tile(np.arange(K), S), dtype=d.condition_dtype(conds))
    with quiet():
        # Equal group means leave rounding noise (~1e-30) in SSB, which ICC(2) = 1 - MSW/MSB would blow up
        # to a huge number whose size and sign depend on the row order: noise is zero.
        ssb = np.where(ssb <= 1e-12 * (ssb + ssw), 0.0, ssb)
        msb = ssb / (J - 1)
        msw = ssw / (N - J)
        k = (N - sum_n2 / N) / (J - 1) if k0 else N / J
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
        f = msb / msw
        df1, df2 = J - 1, N - J
        p = st.f.sf(f, df1, df2)
        q = 1 - (1 - confidence) / 2
        f_low = f / st.f.ppf(q, df1, df2)
        f_high = f * st.f.ppf(q, df2, df1)
        bounds = {"icc1_ci_low": (f_low - 1) / (f_low + k - 1), "icc1_ci_high": (f_high - 1) / (f_high + k - 1),
                  "icc2_ci_low": 1 - 1 / f_low, "icc2_ci_high": 1 - 1 / f_high}
    bad = (J < 2) | (N - J < 1)
    undefined = bad | (msb + msw == 0)
    icc1 = np.where(bad, np.nan, icc1)
    icc2 = np.where(bad | (msb == 0), np.nan, icc2)
    out = keys.reset_index(drop=True).copy()
    out["n"] = N.astype(np.int64)
    out["n_groups"] = J.astype(np.int64)
    small = N < min_n
    for name, val in [("k", k), ("msb", msb), ("msw", msw), ("f", np.where(undefined, np.nan, f)),
                      ("p", np.where(undefined, np.nan, p)), ("icc1", icc1),
                      ("icc1_ci_low", np.where(undefined, np.nan, bounds["icc1_ci_low"])),
                      ("icc1_ci_high", np.where(undefined, np.nan, bounds["icc1_ci_high"])), ("icc2", icc2),
                      ("icc2_ci_low", np.where(undefined | (msb == 0), np.nan, bounds["icc2_ci_low"])),
                      ("icc2_ci_high", np.where(undefined | (msb == 0), np.nan, bounds["icc2_ci_high"]))]:
        out[name] = np.where(small, np.nan, val)
    shown = ~small & ~undefined
    out["note"] = join_notes(note_small(N, min_n),
                             np.where(~small & (J < 2), note("few_groups"), ""),
                             np.where(~small & (J >= 2) & (N - J < 1), note("no_within_df"), ""),
                             np.where(~small & ~bad & (msb + msw == 0), note("zero_variance"), ""),
                             np.where(~small & ~bad & (msb == 0) & (msw > 0), note("equal_means"), ""),
                             icc_caveats(np.where(shown, J, 0), np.where(shown, icc1, np.nan)))
    cols = by + ["condition", "n", "n_groups", "k", "msb", "msw", "f", "p", "icc1", "icc1_ci_low", "icc1_ci_high",
                 "icc2", "icc2_ci_low", "icc2_ci_high", "note"]
    out = out[cols]
    out["condition"] = pd.Categorical(out["condition"].astype(str), dtype=d.condition_dtype(conds))
    return add_note(out, d.pooled_note(by, pool_waves))


def icc_caveats(n_groups, icc1) -> np.ndarray:
    """Notes on ICCs that are estimated but easily misread: two groups only, or below 0 (F < 1)."""
    n_groups, icc1 = np.asarray(n_groups), np.asarray(icc1, dtype=float)
    return join_notes(np.where(n_groups == 2, note("two_groups"), ""),
                      np.where(icc1 < 0, note("icc_negative"), ""))


# ---------------------------------------------------------------------- gap
def _mwu(x: np.ndarray, side: np.ndarray, codes: np.ndarray, G: int, na: np.ndarray, nb: np.ndarray):
    """Mann-Whitney U of side a (two-sided p) for all groups; asymptotic with ties and continuity.

    Ranks come from counts (:func:`~analyse.stats._common.tallies`): the
    average rank of a value in a group is the number of smaller values plus
    (its count + 1) / 2, so no sort of the rows is needed. Groups where scipy's
    ``method="auto"`` would use the exact distribution (a sample of at most 8
    and no ties) are computed with :func:`scipy.stats.mannwhitneyu` one by one;
    in practice Likert scores always tie, so this loop is short or empty.
    """
    group, value, count = tallies(x, codes, G)
    group_a, value_a, count_a = tallies(x, np.where(side == 0, codes, -1), G)
    distinct = np.unique(value)
    cell = group * len(distinct) + np.searchsorted(distinct, value)  # increasing: tallies sort by group, value
    at = np.searchsorted(cell, group_a * len(distinct) + np.searchsorted(distinct, value_a))
    n = np.bincount(group, weights=count, minlength=G)
    below = np.cumsum(count) - count - (np.cumsum(n) - n)[group]
    ua = np.bincount(group_a, weights=count_a * (below[at] + (count[at] + 1) / 2), minlength=G) - na * (na + 1) / 2
    tv = count.astype(float)
    tie = np.bincount(group, weights=tv ** 3 - tv, minlength=G)
    has_tie = np.bincount(group, weights=(tv > 1).astype(float), minlength=G) > 0
    N = na + nb
    with quiet():
        s = np.sqrt(na * nb / 12 * ((N + 1) - tie / (N * (N - 1))))
        u = np.maximum(ua, na * nb - ua)
        z = (u - na * nb / 2 - 0.5) / s
        p = np.minimum(1.0, 2 * st.norm.sf(z))
    exact = (na > 0) & (nb > 0) & ((na <= 8) | (nb <= 8)) & ~has_tie
    for g in np.flatnonzero(exact):
        sel = (codes == g) & ~np.isnan(x)
        p[g] = st.mannwhitneyu(x[sel & (side == 0)], x[sel & (side == 1)], alternative="two-sided").pvalue
    return ua, p


def two_sample(x: np.ndarray, side: np.ndarray, codes: np.ndarray, n_groups: int, *, min_n: int = MIN_GROUP_SIZE,
               confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Two-sample comparison of ``x`` between side 0 (a) and side 1 (b) per group code: the columns of :func:`gap_table`.

    Rows with another side, code -1 or a missing ``x`` are left out. Every
    array is as long as ``x`` and every pass over them linear: the caller
    codes its groups once and hands over one column of values at a time.
    """
    ok = ~np.isnan(x) & (codes >= 0) & ((side == 0) | (side == 1))
    ca = np.where(ok & (side == 0), codes, -1)
    cb_ = np.where(ok & (side == 1), codes, -1)
    G = n_groups
    with quiet():
        na, nb = gsum(ca, np.ones(len(x)), G), gsum(cb_, np.ones(len(x)), G)
        ma = gsum(ca, np.where(ok, x, 0.0), G) / na
        mb = gsum(cb_, np.where(ok, x, 0.0), G) / nb
        # code -1 reads the appended 0 and its bin is dropped: any number of groups, none included
        va = zero_if_rounding(gsum(ca, (x - np.append(ma, 0.0)[ca]) ** 2, G) / (na - 1), ma)
        vb = zero_if_rounding(gsum(cb_, (x - np.append(mb, 0.0)[cb_]) ** 2, G) / (nb - 1), mb)
        diff = ma - mb
        sea, seb = va / na, vb / nb
        se = np.sqrt(sea + seb)
        dof = (sea + seb) ** 2 / (sea ** 2 / (na - 1) + seb ** 2 / (nb - 1))
        t = diff / se
        p = 2 * st.t.sf(np.abs(t), dof)
        tq = st.t.ppf(0.5 + confidence / 2, dof)
        sp = np.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
        g = diff / sp * (1 - 3 / (4 * (na + nb) - 9))
    u, pu = _mwu(np.where(ok, x, np.nan), side, np.where(ok, codes, -1), G, na, nb)
    small = (na < min_n) | (nb < min_n)
    zero = (sp == 0)
    cols = {"mean_a": ma, "mean_b": mb, "diff": diff, "ci_low": diff - tq * se, "ci_high": diff + tq * se,
            "hedges_g": np.where(zero, np.nan, g), "welch_t": np.where(se == 0, np.nan, t),
            "welch_df": np.where(se == 0, np.nan, dof), "welch_p": np.where(se == 0, np.nan, p),
            "mwu_u": u, "mwu_p": pu}
    return {"n_a": na.astype(np.int64), "n_b": nb.astype(np.int64),
            **{name: np.where(small, np.nan, val) for name, val in cols.items()},
            "note": join_notes(np.where(na < min_n, note("small_a", min_n=min_n), ""),
                               np.where(nb < min_n, note("small_b", min_n=min_n), ""),
                               np.where(~small & zero, note("zero_variance_both"), ""))}


def gap_table(df: pd.DataFrame, between: str, a, b, by: Sequence[str], *, value: str = "score",
              min_n: int = MIN_GROUP_SIZE, confidence: float = 0.95) -> pd.DataFrame:
    """Two-sample comparison of ``value`` between ``between == a`` and ``== b`` per ``by`` group.

    :func:`two_sample` (see :func:`gap` for the formulas) on any long frame,
    e.g. scale scores with extra derived columns; the groups are those with
    rows on either side.
    """
    col = df[between]
    side = np.where((col == a).to_numpy(dtype=bool), 0, np.where((col == b).to_numpy(dtype=bool), 1, -1))
    codes, keys = group_codes(df, list(by))
    codes, keys = _with_rows(codes, keys, side >= 0)
    out = keys.reset_index(drop=True)
    return out.assign(**two_sample(df[value].to_numpy(dtype=float), side, codes, len(keys), min_n=min_n,
                                   confidence=confidence))


def compare_sides(scores: np.ndarray, side: np.ndarray, strata: np.ndarray, keys: pd.DataFrame,
                  conditions: pd.CategoricalDtype, *, min_n: int, confidence: float) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`two_sample` of every column of ``scores`` (a condition) per stratum that has rows on either side.

    ``strata`` codes each respondent's stratum (``keys`` its rows); ``side``
    is 0 or 1 for the respondents compared. Returns the table (strata x
    conditions, in that order) and the strata codes renumbered to its strata.
    """
    codes, kept = _with_rows(strata, keys, (side == 0) | (side == 1))
    S, K = len(kept), scores.shape[1]
    per = [two_sample(scores[:, j], side, codes, S, min_n=min_n, confidence=confidence) for j in range(K)]
    out = kept.iloc[np.repeat(np.arange(S), K)].reset_index(drop=True)
    out["condition"] = pd.Categorical.from_codes(np.tile(np.arange(K), S), dtype=conditions)
    return out.assign(**{name: np.stack([p[name] for p in per], axis=1).ravel() for name in per[0]}), codes


def _with_rows(codes: np.ndarray, keys: pd.DataFrame, rows: np.ndarray):
    """The groups that hold any of ``rows``, coded again 0, 1, ... in the same order."""
    present = np.bincount(codes[rows & (codes >= 0)], minlength=len(keys)) > 0
    renumber = np.append(np.where(present, np.cumsum(present) - 1, -1), -1)  # the last: code -1 stays -1
    return renumber[codes], keys[present]


@doc
def gap(data: Survey | pd.DataFrame, between: str, a=None, b=None, by: str | Sequence[str] | None = None, *,
        scales: dict[str, Sequence[str]] | None = None, min_items: int | None = None, min_n: int = MIN_GROUP_SIZE,
        confidence: float = 0.95, pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """Difference in scale scores between values of one column, per stratum and condition.

    Parameters
    ----------
    {data}
    between : str
        The column whose values are compared, e.g. ``"partner"``, ``"level"``, ``"sector"``.
    {a_b}
    {by}
    {scales}
    {min_items}
    {min_n}
        Here: the minimum size of *each* side.
    {confidence}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, a, b`` (the two values compared), ``n_a, n_b,
        mean_a, mean_b, diff, ci_low, ci_high, hedges_g, welch_t, welch_df,
        welch_p, welch_p_holm, mwu_u, mwu_p, mwu_p_holm, note``. The Holm
        adjustment runs over the pairs compared within each stratum and
        condition (one pair: the p itself).

    Notes
    -----
    Welch's t with the Welch-Satterthwaite df, and its interval:

    .. math:: t = \\frac{\\bar x_a - \\bar x_b}{\\sqrt{s_a^2/n_a + s_b^2/n_b}},\\quad
              \\nu = \\frac{(s_a^2/n_a + s_b^2/n_b)^2}{\\frac{(s_a^2/n_a)^2}{n_a-1}+\\frac{(s_b^2/n_b)^2}{n_b-1}}

    Hedges' g with the pooled SD and the approximate small-sample correction
    (as pingouin):
    :math:`g = \\frac{\\bar x_a-\\bar x_b}{s_p}\\big(1-\\frac{3}{4(n_a+n_b)-9}\\big)`.
    Mann-Whitney U of side a with tie correction and continuity correction
    (two-sided), vectorised over groups; exact p for tie-free groups with a
    side of at most 8 (scipy's rule). Both sides with zero variance give NaN
    t and g. Validated against ``pingouin.ttest(correction=True)``,
    ``pingouin.compute_effsize(eftype="hedges")``, ``pingouin.mwu`` and
    ``scipy.stats.mannwhitneyu``.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika*, 34, 28-35.
    Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for Meta-Analysis*. Academic Press.
    Mann, H. B., & Whitney, D. R. (1947). *Annals of Mathematical Statistics*, 18, 50-60.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics*, 6, 65-70.

    Examples
    --------
    >>> import analyse as an
    >>> s = an.sample.generate()
    >>> g = an.gap(s, between="sector", a="VMBO", b="mbo", by="leerlab")
    >>> g[["leerlab", "condition", "a", "b"]].head(2)
      leerlab condition     a    b
    0   Sport   ambitie  vmbo  mbo
    1   Sport  belangen  vmbo  mbo
    """
    d = as_data(data, scales=scales, codebook=codebook)
    between = d.column(between)
    by = [c for c in d.strata(by, pool_waves=pool_waves, compare=[between]) if c != between]
    out = _pairwise(d, by, between, a, b, min_items=min_items, min_n=min_n, confidence=confidence)
    family = _family(out, by + ["condition"])
    out.insert(out.columns.get_loc("welch_p") + 1, "welch_p_holm", holm(out["welch_p"], family))
    out.insert(out.columns.get_loc("mwu_p") + 1, "mwu_p_holm", holm(out["mwu_p"], family))
    out = add_note(out, d.pooled_note(by, pool_waves))
    out.attrs["between"] = between
    return out


# ---------------------------------------------------------------------- sides and pairs
#: Most values of ``between`` compared pairwise within one stratum (66 pairs):
#: every pair is a pass over the data, so the cost grows with its square.
MAX_PAIRED_VALUES = 12


def check_pair_count(n_sides: int, between: str, by: list[str]) -> None:
    """Refuse a pairwise comparison whose number of pairs would grow without bound."""
    if n_sides > MAX_PAIRED_VALUES:
        raise AnalyseError(
            f"between={between!r} has {n_sides} values within one stratum{f' (by={by})' if by else ''}: every pair would be "
            f"{n_sides * (n_sides - 1) // 2} comparisons (at most {MAX_PAIRED_VALUES} values). Add the "
            f"column that holds a few values at a time to by=, or pick two with a= and b=.")


def label_sides(frame: pd.DataFrame, strata: list[str], between: str, values: Sequence | None = None):
    """Which side of the comparison every row is on, within its stratum: 0, 1, 2, ... (-1: none).

    Sides follow ``values`` when given (the first is side 0); otherwise, for
    ``partner``, the sector order of the codebook (vmbo before mbo), then the
    name; for any other column its own order (categories, or sorted values).
    Returns the side of each row and the table ``strata, between, side``.
    """
    strata = [c for c in strata if c != between]
    codes, keys = group_codes(frame, strata + [between])
    keys = keys.reset_index(drop=True)
    if values is not None:
        rank = {v: i for i, v in enumerate(values)}
        side = keys[between].map(lambda v: rank.get(v, -1)).to_numpy(dtype=np.int64)
    else:
        stratum = group_codes(keys, strata)[0] if strata else np.zeros(len(keys), dtype=np.int64)
        sector = np.zeros(len(keys), dtype=np.int64)
        if between == "partner" and "sector" in frame and isinstance(frame["sector"].dtype, pd.CategoricalDtype):
            top = len(frame["sector"].cat.categories)  # a partner without a sector sorts last
            row_sector = frame["sector"].cat.codes.to_numpy().astype(np.int64)
            row_sector = np.where(row_sector < 0, top, row_sector)
            sector = np.full(len(keys), top, dtype=np.int64)
            grouped = codes >= 0
            np.minimum.at(sector, codes[grouped], row_sector[grouped])
        # Stratum first, then sector; the key order (categories or sorted names) breaks ties.
        pos = np.lexsort((np.arange(len(keys)), sector, stratum))
        ranked = np.empty(len(keys), dtype=np.int64)
        ranked[pos] = np.arange(len(keys))
        first = np.full(int(stratum.max()) + 1 if len(keys) else 0, len(keys), dtype=np.int64)
        np.minimum.at(first, stratum, ranked)
        side = ranked - first[stratum]
    table = keys.assign(side=side)
    row_side = np.where(codes >= 0, side[np.clip(codes, 0, None)] if len(side) else -1, -1)
    return row_side, table[table["side"] >= 0].reset_index(drop=True)


def _pairwise(d: Data, by: list[str], between: str, a=None, b=None, *, min_items, min_n, confidence) -> pd.DataFrame:
    """Two-sample comparisons of scale scores between the sides of ``between`` in every stratum and condition.

    With ``a`` and ``b``: those two values. Otherwise every pair of sides a
    stratum has. Columns: the strata, ``condition, a, b`` and those of :func:`gap_table`.
    """
    if (a is None) != (b is None):
        raise AnalyseError("give both a= and b= (two values to compare), or neither to compare every pair")
    values = None if a is None else [d.value(between, a), d.value(between, b)]
    side, table = label_sides(d.frame, by, between, values)
    scores, _, conds = d.score_matrix(min_items)
    strata, keys = group_codes(d.frame, by)
    dtype = d.condition_dtype(conds)
    frames = []
    n_sides = int(table["side"].max()) + 1 if len(table) else 0
    check_pair_count(n_sides, between, by)
    for i, j in combinations(range(max(n_sides, 2)), 2):
        pair = np.where(side == i, 0, np.where(side == j, 1, -1))
        part = compare_sides(scores, pair, strata, keys, dtype, min_n=min_n, confidence=confidence)[0]
        for col, k in (("a", i), ("b", j)):
            named = table.loc[table["side"] == k, by + [between]].rename(columns={between: col})
            part = part.merge(named, on=by, how="left") if by else part.assign(**{col: named[col].iloc[0]
                                                                                  if len(named) else None})
        if values is None and j > 1:  # a stratum without a third value has no such pair
            part = part[part["b"].notna()]
        elif values is None:  # a stratum with one value only keeps its row, and says why it is empty
            alone = part["b"].isna().to_numpy()
            part["note"] = join_notes(part["note"].to_numpy(dtype=object),
                                      np.where(alone, note("one_value", between=between), ""))
        part["_pair"] = i * n_sides + j
        frames.append(part)
    out = pd.concat(frames, ignore_index=True).sort_values(by + ["condition", "_pair"], kind="mergesort")
    for col in ("a", "b"):
        out[col] = out[col].astype(object).map(_text)
    cols = by + ["condition", "a", "b"] + [c for c in out.columns if c not in (*by, "condition", "a", "b", "_pair")]
    return out[cols].reset_index(drop=True)


def _text(v):
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _family(out: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One Holm family per combination of ``cols``."""
    return group_codes(out, cols)[0] if cols else np.zeros(len(out), dtype=np.int64)


# ---------------------------------------------------------------------- composite
@doc
def agreement(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, between: str = "partner", *,
              a=None, b=None, scales: dict[str, Sequence[str]] | None = None, min_items: int | None = None,
              min_n: int = MIN_GROUP_SIZE, rwg_min: float = RWG_CUTOFF, ad_max: float | None = None,
              n_options: int | None = None, null: str = "uniform", confidence: float = 0.95,
              pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """Agreement between the sides of ``between`` (partners) per stratum and condition: differences, indices, verdict.

    For each stratum (a leerlab) and condition: each side's mean and their
    difference (as :func:`gap`), Holm-adjusted p-values over the conditions
    (and pairs) of the stratum, rwg(j) and r*wg(j) (:func:`rwg`), what
    random answering reaches in a group of the same size
    (:func:`agreement_null`), AD_M around mean and median (:func:`ad`),
    a_wg(j) (:func:`awg`), ICC(1)/ICC(2) of ``between`` membership with
    their intervals (:func:`icc`) and Krippendorff's alpha, ordinal and
    interval (:func:`krippendorff`). The agreement indices use all
    respondents of the stratum on a compared side.

    Parameters
    ----------
    {data}
    {by}
        E.g. ``"leerlab"``: the partners of each leerlab are compared.
    between : str
        The column whose values are compared (default ``"partner"``).
        Partners are ordered by sector (vmbo before mbo), then name; other
        columns by their own order. A stratum with more than two values has
        every pair compared.
    {a_b}
    {scales}
    {min_items}
    {min_n}
    rwg_min : float
        Rule of thumb for rwg(j) (default .70, LeBreton & Senter 2008).
    ad_max : float, optional
        Rule of thumb for AD_M; default :func:`ad_cutoff` = A/6.
    {n_options}
    {null}
    {confidence}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, a, b, n_a, n_b, mean_a, mean_b, diff,
        ci_low, ci_high, hedges_g, welch_t, welch_df, welch_p, welch_p_holm,
        mwu_u, mwu_p, mwu_p_holm, n, rwg_j, rwg_j_lindell, rwg_j_q95,
        rwg_j_cutoff, ad_mean, ad_median, ad_q05, ad_cutoff, p_chance, awg,
        icc1, icc1_ci_low, icc1_ci_high, icc2, icc2_ci_low, icc2_ci_high,
        kripp_ordinal, kripp_interval, verdict, note``.

    Notes
    -----
    ``rwg_j_q95`` and ``ad_q05`` are the critical values of rwg(j) and AD_M
    for a group of ``n`` answering the condition's items at random
    (:func:`agreement_null`, 10,000 replications, seed 2003, so a table is
    the same every run): random answering reaches them in at most 5% of such
    groups. ``p_chance`` is the larger of the two Monte-Carlo p-values (the
    share of random groups with rwg(j) at least, and with AD_M at most, the
    observed value, :math:`(1 + \\#)/(R + 1)`): small when both indices
    exceed chance. ``rwg_j_cutoff`` and ``ad_cutoff`` are the conventional
    rules of thumb ``rwg_min`` and ``ad_max``, reported beside them.

    ``verdict``: "insufficient data" when rwg(j) or AD_M is NaN. Otherwise
    the rules of thumb, rwg(j) >= ``rwg_min`` and AD_M < ``ad_max``: "no
    agreement" when both fail, "mixed" when one fails; when both pass,
    "agreement" if both indices also reach their critical values (rwg(j) >=
    ``rwg_j_q95`` and AD_M <= ``ad_q05``) and "chance level" if not: in
    small groups random answering passes the fixed rules often (at n = 3
    and four statements it reaches rwg(j) >= .87 one time in twenty). Holm
    (1979) adjusts welch_p and mwu_p over the conditions (and pairs) within
    each stratum.

    ICC(2) below 0 (F < 1: the sides' means differ less than chance alone
    would make them) is shown as NaN with its interval, and noted: as
    1 - 1/F it has no lower bound and would read as a reliability (the
    building block :func:`icc` keeps the value, as R does). Formulas: see
    the building blocks; each is validated there.

    Examples
    --------
    >>> import analyse as an
    >>> ag = an.agreement(an.sample.generate(), by="leerlab")
    >>> ag[["wave", "leerlab", "condition", "verdict"]].head(2)
      wave leerlab condition      verdict
    0    1   Sport   ambitie  ...
    1    1   Sport  belangen  ...
    """
    d = as_data(data, scales=scales, codebook=codebook, n_options=n_options)
    between = d.column(between)
    by = [c for c in d.strata(by, pool_waves=pool_waves, compare=[between]) if c != between]
    A = d.n_options(n_options)
    ad_max = ad_cutoff(A) if ad_max is None else ad_max
    out = _pairwise(d, by, between, a, b, min_items=min_items, min_n=min_n, confidence=confidence)
    family = _family(out, by)
    out["welch_p_holm"] = holm(out["welch_p"], family)
    out["mwu_p_holm"] = holm(out["mwu_p"], family)
    if a is not None:  # the indices describe the two sides compared
        keep = d.frame[between].isin([d.value(between, a), d.value(between, b)]).to_numpy()
        d = Data(frame=d.frame[keep], scales=d.scales, points=d.points, codebook=d.codebook)
    on = by + ["condition"]
    kw = {"min_n": min_n, "pool_waves": True}
    r = rwg(d, by, n_options=A, null=null, **kw)[on + ["n", "k", "rwg_j", "rwg_j_lindell", "note"]]
    r = r.rename(columns={"note": "note_rwg"})
    am = ad(d, by, center="mean", **kw)[on + ["ad"]].rename(columns={"ad": "ad_mean"})
    amd = ad(d, by, center="median", **kw)[on + ["ad"]].rename(columns={"ad": "ad_median"})
    aw = awg(d, by, n_options=A, **kw)[on + ["awg", "k_used"]]
    ic = icc(d, between, by, min_items=min_items, confidence=confidence, **kw)
    ic = ic[on + ["n_groups", "icc1", "icc1_ci_low", "icc1_ci_high", "icc2", "icc2_ci_low", "icc2_ci_high"]]
    ko = krippendorff(d, by, metric="ordinal", **kw)[on + ["alpha"]].rename(columns={"alpha": "kripp_ordinal"})
    ki = krippendorff(d, by, metric="interval", **kw)[on + ["alpha"]].rename(columns={"alpha": "kripp_interval"})
    for part in (r, am, amd, aw, ic, ko, ki):
        for c in on:
            part[c] = part[c].astype(out[c].dtype)
        out = out.merge(part, on=on, how="left")
    crit = chance(out["rwg_j"], out["ad_mean"], out["n"], out["k"], A, null=null)
    out["rwg_j_q95"], out["ad_q05"] = crit["rwg_j_crit"], crit["ad_crit"]
    out["p_chance"] = np.fmax(crit["p_rwg"], crit["p_ad"])
    out["rwg_j_cutoff"], out["ad_cutoff"] = float(rwg_min), float(ad_max)
    below = (out["icc2"] < 0).to_numpy()
    for c in ("icc2", "icc2_ci_low", "icc2_ci_high"):
        out[c] = out[c].mask(below)
    ok_r = out["rwg_j"] >= rwg_min
    ok_a = out["ad_mean"] < ad_max
    # the critical values are simulated values themselves: an observed tie counts as reaching them
    beyond = (out["rwg_j"] >= out["rwg_j_q95"] - 1e-9) & (out["ad_mean"] <= out["ad_q05"] + 1e-9)
    na_ = out["rwg_j"].isna() | out["ad_mean"].isna()
    out["verdict"] = np.where(na_, "insufficient data",
                              np.where(ok_r & ok_a, np.where(beyond, "agreement", "chance level"),
                                       np.where(~ok_r & ~ok_a, "no agreement", "mixed")))
    k = out["k"].fillna(0).to_numpy(dtype=np.int64)
    shown = (out["n"] >= max(min_n, 2)).to_numpy()
    out["note"] = join_notes(out["note"].to_numpy(dtype=object), out["note_rwg"].fillna("").to_numpy(dtype=object),
                             np.where(shown, _awg_note(out["k_used"].fillna(0).to_numpy(dtype=np.int64), k), ""),
                             icc_caveats(out["n_groups"].fillna(0).to_numpy(), out["icc1"].to_numpy()))
    cols = by + ["condition", "a", "b", "n_a", "n_b", "mean_a", "mean_b", "diff", "ci_low", "ci_high", "hedges_g",
                 "welch_t", "welch_df", "welch_p", "welch_p_holm", "mwu_u", "mwu_p", "mwu_p_holm", "n", "rwg_j",
                 "rwg_j_lindell", "rwg_j_q95", "rwg_j_cutoff", "ad_mean", "ad_median", "ad_q05", "ad_cutoff",
                 "p_chance", "awg", "icc1", "icc1_ci_low", "icc1_ci_high", "icc2", "icc2_ci_low", "icc2_ci_high",
                 "kripp_ordinal", "kripp_interval", "verdict", "note"]
    out = out[cols]
    out.attrs["between"] = between
    return out
