"""Within-group agreement and between-group differences: rwg(j), AD, ICC, Krippendorff's alpha, gaps.

All building blocks are computed for every group at once (group sums via
sparse products, see :mod:`analyse.stats._common`). The composite
:func:`agreement` calls them and adds a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from ..codebook import Codebook
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, as_by, as_survey, group_codes, gsum, holm, join_notes, note_small, quiet, stack_conditions
from .reliability import condition_items
from .scores import condition_scores

__all__ = ["rwg", "ad", "icc", "krippendorff", "gap", "agreement", "RWG_CUTOFF", "ad_cutoff"]

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


def _listwise_blocks(survey: Survey, by, conditions):
    """Group keys, the conditions, and per condition ``(condition, items, x, c, n)``.

    ``x`` holds the condition's answers; ``c`` the group code of each respondent,
    -1 where an item is missing (listwise within the condition); ``n`` the
    complete respondents per group.
    """
    codes, keys = group_codes(survey.responses, as_by(by))
    conds = _conditions(survey, conditions)

    def per_condition():
        for cond in conds:
            items = condition_items(survey, cond)
            x = survey.responses[items].to_numpy(dtype=float)
            c = np.where(np.isnan(x).any(axis=1), -1, codes)
            yield cond, items, x, c, gsum(c, np.ones(len(x)), len(keys))

    return keys, conds, per_condition()


def _group_mean(codes, x, n_groups):
    n = gsum(codes, np.ones(len(x)), n_groups)
    with quiet():
        return gsum(codes, np.where(codes[:, None] >= 0, x, 0.0), n_groups) / n.reshape(-1, *([1] * (x.ndim - 1)))


def _conditions(survey, conditions):
    return list(survey.codebook.condition_codes if conditions is None else conditions)


def _frame(keys, cond, cols, n, min_n, extra_notes=()):
    out = keys.reset_index(drop=True).copy()
    out["condition"] = cond
    out["n"] = np.asarray(n).astype(np.int64)
    small = np.asarray(n) < min_n
    for name, val in cols.items():
        out[name] = np.where(small, np.nan, val) if np.asarray(val).dtype.kind == "f" else val
    out["note"] = join_notes(note_small(n, min_n), *[np.where(small, "", e) for e in extra_notes])
    return out


# ---------------------------------------------------------------------- rwg(j)
def rwg(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
        conditions: Sequence[str] | None = None, n_options: int | None = None,
        min_n: int = MIN_GROUP_SIZE, codebook: Codebook | None = None) -> pd.DataFrame:
    """Multi-item within-group agreement rwg(j) against the uniform null, per group and condition.

    Parameters
    ----------
    survey : Survey or DataFrame
    by : list of str, optional
        The groups whose members should agree (e.g. ``["wave", "leerlab"]``).
    conditions : list of str, optional
        Subset of conditions (``"all"``: the 21 items).
    n_options : int, optional
        A, the number of answer options; default the codebook's (5).
    min_n : int
        Groups with fewer complete cases get NaN and a ``note``.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, n, k, mean_var, rwg_j, note``;
        ``n`` counts respondents who answered all items of the condition
        (listwise, as ``multilevel::rwg.j``), ``mean_var`` is
        :math:`\\bar s^2`.

    Notes
    -----
    James, Demaree & Wolf (1984):

    .. math:: r_{wg(J)} = \\frac{J(1-\\bar s^2/\\sigma^2_{EU})}{J(1-\\bar s^2/\\sigma^2_{EU}) + \\bar s^2/\\sigma^2_{EU}},
              \\qquad \\sigma^2_{EU} = \\frac{A^2-1}{12}

    with :math:`\\bar s^2` the mean of the item variances (ddof = 1) and J the
    number of items. When :math:`\\bar s^2 > \\sigma^2_{EU}` the formula leaves
    0..1; following LeBreton & Senter (2008) such values are set to 0 (as
    ``multilevel::rwg.j`` does by truncating :math:`\\bar s^2` at
    :math:`\\sigma^2_{EU}`). Zero variance gives 1; one respondent gives NaN.
    Validated against ``multilevel::rwg.j`` 2.7 (R) and a hand-computed example.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology*, 69, 85-98.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability
    and interrater agreement. *Organizational Research Methods*, 11, 815-852.
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In Klein &
    Kozlowski (Eds.), *Multilevel theory, research, and methods in organizations* (pp. 349-381).

    Examples
    --------
    >>> import analyse as an
    >>> an.rwg(an.sample.generate(), by=["leerlab"])  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    A = survey.codebook.n_options if n_options is None else int(n_options)
    s2_eu = (A ** 2 - 1) / 12
    keys, conds, blocks = _listwise_blocks(survey, by, conditions)
    G = len(keys)
    frames = []
    for cond, items, x, c, n in blocks:
        with quiet():
            m = _group_mean(c, x, G)
            dev = np.where(c[:, None] >= 0, x - m[np.clip(c, 0, None)], 0.0)
            var = gsum(c, dev ** 2, G) / (n[:, None] - 1)
            s2 = var.mean(axis=1)
            ratio = np.minimum(s2 / s2_eu, 1.0)
            J = len(items)
            r = J * (1 - ratio) / (J * (1 - ratio) + ratio)
        r = np.where(n < 2, np.nan, r)
        frames.append(_frame(keys, cond, {"k": np.full(G, J), "mean_var": s2, "rwg_j": r}, n, min_n))
    return stack_conditions(frames, survey, conds)


# ---------------------------------------------------------------------- AD
def ad(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *, center: str = "mean",
       conditions: Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE,
       codebook: Codebook | None = None) -> pd.DataFrame:
    """Average deviation index AD_M(J) around the mean or the median, per group and condition.

    Parameters
    ----------
    survey, by, conditions, min_n
        As in :func:`rwg` (listwise within the condition's items).
    center : {"mean", "median"}
        Deviations around the group's item mean (AD_M) or median (AD_Md).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, n, k, center, ad, note``.

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
    >>> an.ad(an.sample.generate(), by=["leerlab"], center="median")  # doctest: +SKIP
    """
    if center not in ("mean", "median"):
        raise ValueError("center must be 'mean' or 'median'")
    survey = as_survey(survey, codebook)
    keys, conds, blocks = _listwise_blocks(survey, by, conditions)
    G = len(keys)
    frames = []
    for cond, items, x, c, n in blocks:
        if center == "mean":
            ctr = _group_mean(c, x, G)
        else:
            keep = c >= 0
            med = pd.DataFrame(x[keep]).groupby(c[keep]).median()
            ctr = np.full((G, len(items)), np.nan)
            ctr[med.index.to_numpy()] = med.to_numpy()
        with quiet():
            dev = np.where(c[:, None] >= 0, np.abs(x - ctr[np.clip(c, 0, None)]), 0.0)
            val = (gsum(c, dev, G) / n[:, None]).mean(axis=1)
        val = np.where(n < 2, np.nan, val)
        frames.append(_frame(keys, cond, {"k": np.full(G, len(items)), "center": center, "ad": val}, n, min_n))
    return stack_conditions(frames, survey, conds)


# ---------------------------------------------------------------------- ICC
def icc(survey: Survey | pd.DataFrame, groups: str | Sequence[str] = ("partner",),
        by: str | Sequence[str] | None = None, *, k0: bool = False, min_items: int | None = None,
        conditions: Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE,
        codebook: Codebook | None = None) -> pd.DataFrame:
    """ICC(1) and ICC(2) of group membership from a one-way ANOVA of scale scores.

    Parameters
    ----------
    survey : Survey or DataFrame
    groups : list of str
        The membership whose effect is estimated (default ``["partner"]``).
    by : list of str, optional
        Separate analyses per ``by`` group (e.g. ``["leerlab"]``).
    k0 : bool
        Use the unbalanced-design group size
        :math:`k_0 = (N - \\sum n_j^2/N)/(J-1)` instead of :math:`k = N/J`.
    min_items : int, optional
        Scale-score rule, see :func:`~analyse.condition_scores`.
    min_n : int
        Analyses with fewer scores (N) get NaN and a ``note``.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, n, n_groups, k, msb, msw, icc1, icc2, note``.

    Notes
    -----
    Bliese (2000), as ``multilevel::ICC1`` / ``ICC2``:

    .. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (k-1)MSW}, \\qquad ICC(2) = \\frac{MSB - MSW}{MSB}

    with :math:`k = N/J` (N scores in J groups). ICC(1) can be negative.
    Fewer than two groups, or no within-group degrees of freedom, give NaN;
    MSB = 0 gives NaN ICC(2). Validated against ``multilevel::ICC1/ICC2``
    (R, ``aov``) and, for balanced groups, ``pingouin.intraclass_corr``
    (ICC1 and ICC1k).

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability: Implications
    for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel
    theory, research, and methods in organizations* (pp. 349-381). Jossey-Bass.

    Examples
    --------
    >>> import analyse as an
    >>> an.icc(an.sample.generate(), groups=["partner"], by=["leerlab"])  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    by, groups = as_by(by), as_by(groups)
    sc = condition_scores(survey, min_items)
    conds = _conditions(survey, conditions)
    sc = sc[sc["condition"].isin(conds)]
    bcodes, keys = group_codes(sc, by + ["condition"])
    ccodes, ckeys = group_codes(sc, by + ["condition"] + groups)
    x = sc["score"].to_numpy(dtype=float)
    ok = ~np.isnan(x) & (bcodes >= 0) & (ccodes >= 0)
    bc, cc = np.where(ok, bcodes, -1), np.where(ok, ccodes, -1)
    G, C = len(keys), len(ckeys)
    cell_by = np.full(C, -1)
    cell_by[ccodes[ccodes >= 0]] = bcodes[ccodes >= 0]
    with quiet():
        n_cell = gsum(cc, np.ones(len(x)), C)
        m_cell = gsum(cc, np.where(ok, x, 0.0), C) / n_cell
        N = gsum(bc, np.ones(len(x)), G)
        m = gsum(bc, np.where(ok, x, 0.0), G) / N
        has = n_cell > 0
        J = gsum(np.where(has, cell_by, -1), np.ones(C), G)
        ssb = gsum(np.where(has, cell_by, -1), np.where(has, n_cell * (m_cell - m[cell_by]) ** 2, 0.0), G)
        ssw = gsum(bc, np.where(ok, (x - m_cell[np.clip(cc, 0, None)]) ** 2, 0.0), G)
        # Equal group means leave rounding noise (~1e-30) in SSB, which ICC(2) = 1 - MSW/MSB would blow up
        # to a huge number whose size and sign depend on the row order: noise is zero.
        ssb = np.where(ssb <= 1e-12 * (ssb + ssw), 0.0, ssb)
        msb = ssb / (J - 1)
        msw = ssw / (N - J)
        if k0:
            sum_n2 = gsum(np.where(has, cell_by, -1), n_cell ** 2, G)
            k = (N - sum_n2 / N) / (J - 1)
        else:
            k = N / J
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
    bad = (J < 2) | (N - J < 1)
    icc1 = np.where(bad, np.nan, icc1)
    icc2 = np.where(bad | (msb == 0), np.nan, icc2)
    out = keys.reset_index(drop=True).copy()
    out["n"] = N.astype(np.int64)
    out["n_groups"] = J.astype(np.int64)
    small = N < min_n
    for name, val in [("k", k), ("msb", msb), ("msw", msw), ("icc1", icc1), ("icc2", icc2)]:
        out[name] = np.where(small, np.nan, val)
    out["note"] = join_notes(note_small(N, min_n),
                             np.where(~small & (J < 2), "fewer than 2 groups", ""),
                             np.where(~small & (J >= 2) & (N - J < 1), "no within-group variance df", ""),
                             np.where(~small & ~bad & (msb + msw == 0), "zero variance", ""),
                             np.where(~small & ~bad & (msb == 0) & (msw > 0),
                                      "equal group means: ICC(2) undefined", ""))
    cols = by + ["condition", "n", "n_groups", "k", "msb", "msw", "icc1", "icc2", "note"]
    out = out[cols]
    out["condition"] = pd.Categorical(out["condition"].astype(str), categories=survey.codebook.condition_codes, ordered=True)
    return out


# ---------------------------------------------------------------------- Krippendorff
def _kripp_alpha(counts: np.ndarray, values: np.ndarray, level: str) -> tuple[np.ndarray, np.ndarray]:
    """Krippendorff's alpha from value counts per (group, unit, value), shape (G, U, V).

    Returns alpha and the number of pairable values n per group.
    """
    m_u = counts.sum(axis=2)
    with quiet():
        w = np.where(m_u >= 2, 1.0 / (m_u - 1), 0.0)
        weighted = counts * w[:, :, None]
        o = np.matmul(weighted.transpose(0, 2, 1), counts)  # batched matmul: much faster than einsum here
        o -= weighted.sum(axis=1)[:, :, None] * np.eye(counts.shape[2])[None]
        nc = o.sum(axis=2)
        n = nc.sum(axis=1)
        V = len(values)
        if level == "interval":
            d2 = np.broadcast_to((values[:, None] - values[None, :]) ** 2, (len(n), V, V))
        elif level == "ordinal":
            S = np.cumsum(nc, axis=1)
            i = np.arange(V)
            lo, hi = np.minimum(i[:, None], i[None, :]), np.maximum(i[:, None], i[None, :])
            between = S[:, hi] - S[:, lo] + nc[:, lo]
            d2 = (between - (nc[:, :, None] + nc[:, None, :]) / 2) ** 2
        else:
            raise ValueError("level must be 'ordinal' or 'interval'")
        do = (o * d2).sum(axis=(1, 2))
        de = (nc[:, :, None] * nc[:, None, :] * d2).sum(axis=(1, 2))
        alpha = 1 - (n - 1) * do / de
    alpha = np.where((n > 1) & (de > 0), alpha, np.nan)
    return alpha, n


def krippendorff(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                 level: str = "ordinal", conditions: Sequence[str] | None = None,
                 min_n: int = MIN_GROUP_SIZE, codebook: Codebook | None = None) -> pd.DataFrame:
    """Krippendorff's alpha per group and condition, respondents as coders and items as units.

    Parameters
    ----------
    survey, by, min_n
        As in :func:`rwg`; ``n`` counts respondents with at least one answer.
    level : {"ordinal", "interval"}
        Metric of the differences. For ``ordinal`` all scale points of the
        codebook form the value domain, so unobserved categories count.
    conditions : list of str, optional
        Subset of conditions; ``"all"`` uses all 21 items as units.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, n, n_pairable, level, alpha, note``.

    Notes
    -----
    With :math:`n_{uc}` the number of respondents giving value c to item u and
    :math:`m_u = \\sum_c n_{uc}`, the coincidence matrix is
    :math:`o_{ck} = \\sum_u (n_{uc} n_{uk} - [c=k]\\,n_{uc})/(m_u - 1)`
    (units with :math:`m_u \\ge 2`), :math:`n_c = \\sum_k o_{ck}`, :math:`n = \\sum_c n_c`, and

    .. math:: \\alpha = 1 - (n-1)\\frac{\\sum_{c,k} o_{ck}\\,\\delta^2_{ck}}{\\sum_{c,k} n_c n_k\\,\\delta^2_{ck}}

    with :math:`\\delta^2_{ck} = (c-k)^2` (interval) or
    :math:`(\\sum_{g=c}^{k} n_g - (n_c+n_k)/2)^2` (ordinal). All groups are
    computed at once from a (group x item x value) count array. No expected
    disagreement (every answer identical) gives NaN ("no variation").
    Validated against the ``krippendorff`` package 0.9 (``alpha`` with a
    coders x units matrix and ``value_domain``).

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure
    for coding data. *Communication Methods and Measures*, 1, 77-89.

    Examples
    --------
    >>> import analyse as an
    >>> an.krippendorff(an.sample.generate(), by=["leerlab"], level="interval")  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    values = survey.codebook.scale_points
    V = len(values)
    consecutive = bool(np.array_equal(values, values[0] + np.arange(V)))
    codes, keys = group_codes(survey.responses, as_by(by))
    G = len(keys)
    conds = _conditions(survey, conditions)
    frames = []
    for cond in conds:
        items = condition_items(survey, cond)
        U = len(items)
        x = survey.responses[items].to_numpy(dtype=float)
        blank = np.isnan(x)
        x[blank] = values[0]  # blanks are masked out below
        # The index of each answer among the scale points; whole consecutive points by subtraction.
        vi = (np.clip(x - values[0], -1, V).astype(np.int64) if consecutive
              else np.minimum(np.searchsorted(values, x), V - 1))
        ok = ~blank & (codes[:, None] >= 0) & (vi >= 0) & (vi < V)
        ok &= values[np.clip(vi, 0, V - 1)] == x
        flat = (codes[:, None] * U + np.arange(U)[None, :]) * V + vi
        counts = np.bincount(flat[ok], minlength=G * U * V).reshape(G, U, V).astype(float)
        alpha, npair = _kripp_alpha(counts, values, level)
        n = gsum(codes, ok.any(axis=1).astype(float), G)
        no_var = (npair > 1) & np.isnan(alpha)
        frames.append(_frame(keys, cond, {"n_pairable": npair, "level": level, "alpha": alpha}, n, min_n,
                             [np.where(no_var, "no variation", ""), np.where(npair <= 1, "no pairable values", "")]))
    out = stack_conditions(frames, survey, conds)
    out["n_pairable"] = out["n_pairable"].astype(float)
    return out


# ---------------------------------------------------------------------- gap
def _mwu(x: np.ndarray, side: np.ndarray, codes: np.ndarray, G: int, na: np.ndarray, nb: np.ndarray):
    """Mann-Whitney U of side a (two-sided p) for all groups; asymptotic with ties and continuity.

    Groups where scipy's ``method="auto"`` would use the exact distribution
    (a sample of at most 8 and no ties) are computed with
    :func:`scipy.stats.mannwhitneyu` one by one; in practice Likert scores
    always tie, so this loop is short or empty.
    """
    df = pd.DataFrame({"g": codes, "x": x, "s": side})[codes >= 0]
    rank = df.groupby("g")["x"].rank(method="average").to_numpy()
    ra = np.bincount(df["g"].to_numpy(), weights=rank * (df["s"].to_numpy() == 0), minlength=G)
    ua = ra - na * (na + 1) / 2
    t = df.groupby(["g", "x"]).size()
    gi = t.index.get_level_values(0).to_numpy()
    tv = t.to_numpy().astype(float)
    tie = np.bincount(gi, weights=tv ** 3 - tv, minlength=G)
    has_tie = np.bincount(gi, weights=(tv > 1).astype(float), minlength=G) > 0
    N = na + nb
    with quiet():
        s = np.sqrt(na * nb / 12 * ((N + 1) - tie / (N * (N - 1))))
        u = np.maximum(ua, na * nb - ua)
        z = (u - na * nb / 2 - 0.5) / s
        p = np.minimum(1.0, 2 * st.norm.sf(z))
    exact = (na > 0) & (nb > 0) & ((na <= 8) | (nb <= 8)) & ~has_tie
    for g in np.flatnonzero(exact):
        sel = df["g"].to_numpy() == g
        xa = df["x"].to_numpy()[sel & (df["s"].to_numpy() == 0)]
        xb = df["x"].to_numpy()[sel & (df["s"].to_numpy() == 1)]
        p[g] = st.mannwhitneyu(xa, xb, alternative="two-sided").pvalue
    return ua, p


def gap_table(df: pd.DataFrame, between: str, a, b, by: Sequence[str], *, value: str = "score",
              min_n: int = MIN_GROUP_SIZE, level: float = 0.95) -> pd.DataFrame:
    """Two-sample comparison of ``value`` between ``between == a`` and ``== b`` per ``by`` group.

    The computational core of :func:`gap` (see there for the formulas); works
    on any long frame, e.g. scale scores with extra derived columns.
    """
    by = list(by)
    sel = df[between].isin([a, b]).to_numpy() & df[between].notna().to_numpy()
    sub = df.loc[sel]
    codes, keys = group_codes(sub, by)
    G = len(keys)
    x = sub[value].to_numpy(dtype=float)
    side = np.where((sub[between] == a).to_numpy(), 0, 1)
    ok = ~np.isnan(x) & (codes >= 0)
    ca = np.where(ok & (side == 0), codes, -1)
    cb_ = np.where(ok & (side == 1), codes, -1)
    with quiet():
        na, nb = gsum(ca, np.ones(len(x)), G), gsum(cb_, np.ones(len(x)), G)
        ma = gsum(ca, np.where(ok, x, 0.0), G) / na
        mb = gsum(cb_, np.where(ok, x, 0.0), G) / nb
        va = gsum(ca, np.where(ca >= 0, (x - ma[np.clip(codes, 0, None)]) ** 2, 0.0), G) / (na - 1)
        vb = gsum(cb_, np.where(cb_ >= 0, (x - mb[np.clip(codes, 0, None)]) ** 2, 0.0), G) / (nb - 1)
        diff = ma - mb
        sea, seb = va / na, vb / nb
        se = np.sqrt(sea + seb)
        dof = (sea + seb) ** 2 / (sea ** 2 / (na - 1) + seb ** 2 / (nb - 1))
        t = diff / se
        p = 2 * st.t.sf(np.abs(t), dof)
        tq = st.t.ppf(0.5 + level / 2, dof)
        sp = np.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
        g = diff / sp * (1 - 3 / (4 * (na + nb) - 9))
    mc = np.where(ok, codes, -1)
    u, pu = _mwu(np.where(ok, x, np.nan), side, mc, G, na, nb)
    small = (na < min_n) | (nb < min_n)
    out = keys.reset_index(drop=True).copy()
    out["n_a"], out["n_b"] = na.astype(np.int64), nb.astype(np.int64)
    zero = (sp == 0)
    cols = {"mean_a": ma, "mean_b": mb, "diff": diff, "ci_low": diff - tq * se, "ci_high": diff + tq * se,
            "hedges_g": np.where(zero, np.nan, g), "welch_t": np.where(se == 0, np.nan, t),
            "welch_df": np.where(se == 0, np.nan, dof), "welch_p": np.where(se == 0, np.nan, p),
            "mwu_u": u, "mwu_p": pu}
    for name, val in cols.items():
        out[name] = np.where(small, np.nan, val)
    out["note"] = join_notes(np.where(na < min_n, f"n_a < {min_n}", ""), np.where(nb < min_n, f"n_b < {min_n}", ""),
                             np.where(~small & zero, "zero variance in both groups", ""))
    return out


def gap(survey: Survey | pd.DataFrame, between: str, a, b, by: str | Sequence[str] | None = None, *,
        min_items: int | None = None, min_n: int = MIN_GROUP_SIZE, level: float = 0.95,
        codebook: Codebook | None = None) -> pd.DataFrame:
    """Difference in scale scores between two values of one column, per group and condition.

    Parameters
    ----------
    survey : Survey or DataFrame
    between : str
        Column that defines the two sides, e.g. ``"partner"``, ``"level"``, ``"sector"``.
    a, b : value
        The two values compared; ``diff = mean_a - mean_b``.
    by : list of str, optional
        Grouping columns (one comparison per group and condition).
    min_items, min_n, level
        Scale-score rule; minimum size of *each* side; confidence level.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, n_a, n_b, mean_a, mean_b, diff,
        ci_low, ci_high, hedges_g, welch_t, welch_df, welch_p, mwu_u, mwu_p, note``.

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

    Examples
    --------
    >>> import analyse as an
    >>> s = an.sample.generate()                                            # doctest: +SKIP
    >>> an.gap(s, between="sector", a="vmbo", b="mbo", by=["leerlab"])      # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    sc = condition_scores(survey, min_items)
    return gap_table(sc, between, a, b, as_by(by) + ["condition"], min_n=min_n, level=level)


# ---------------------------------------------------------------------- composite
def partner_sides(responses: pd.DataFrame, within: list[str], between: str = "partner") -> pd.DataFrame:
    """Label the partners of each ``within`` group "A" and "B": in sector order (vmbo before mbo), then name.

    Returns a frame with the ``within`` columns, ``between`` and ``side``; a
    third or later partner is left out (``side`` None). Sector order comes
    from the codebook (the ``sector`` categories); a partner without a sector
    sorts last.
    """
    cols = within + [between]
    sector = responses["sector"].cat.codes.where(responses["sector"].notna(), np.iinfo(np.int8).max)
    p = (responses.assign(_sector=sector).groupby(cols, observed=True)["_sector"].min().reset_index())
    p[between] = p[between].astype(str)
    p = p.sort_values(within + ["_sector", between])
    p["_rank"] = p.groupby(within, observed=True).cumcount() if within else np.arange(len(p))
    p["side"] = np.where(p["_rank"] == 0, "A", np.where(p["_rank"] == 1, "B", None))
    return p.drop(columns=["_rank", "_sector"])


def agreement(survey: Survey | pd.DataFrame, within: str | Sequence[str] = "leerlab", between: str = "partner", *,
              min_items: int | None = None, min_n: int = MIN_GROUP_SIZE, rwg_min: float = RWG_CUTOFF,
              ad_max: float | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """Inter-partner agreement per group and condition: differences, agreement indices, verdict.

    For each ``within`` group (a leerlab) and condition: each partner's mean
    and their difference (via :func:`gap`), Holm-adjusted p-values across the
    conditions of the group, rwg(j) (:func:`rwg`), AD_M around mean and median
    (:func:`ad`), ICC(1)/ICC(2) of partner membership (:func:`icc`) and
    Krippendorff's alpha, ordinal and interval (:func:`krippendorff`). The
    agreement indices use all respondents of the group (both partners).

    Parameters
    ----------
    survey : Survey or DataFrame
    within : str or list of str
        The groups (default ``"leerlab"``; use ``["wave", "leerlab"]`` per wave).
    between : str
        The column whose two values are compared (default ``"partner"``;
        partners are labelled A and B in sorted order of their names).
    min_items, min_n
        As elsewhere.
    rwg_min : float
        Rule of thumb for rwg(j) (default .70, LeBreton & Senter 2008).
    ad_max : float, optional
        Rule of thumb for AD_M; default :func:`ad_cutoff` = A/6.

    Returns
    -------
    DataFrame
        The ``within`` columns, ``condition, partner_a, partner_b, n_a, n_b,
        mean_a, mean_b, diff, ci_low, ci_high, hedges_g, welch_t, welch_df,
        welch_p, welch_p_holm, mwu_u, mwu_p, mwu_p_holm, n, rwg_j, ad_mean,
        ad_median, icc1, icc2, kripp_ordinal, kripp_interval, verdict, note``.

    Notes
    -----
    ``verdict``: "agreement" when rwg(j) >= ``rwg_min`` and AD_M <= ``ad_max``,
    "no agreement" when both fail, "mixed" when one fails, and
    "insufficient data" when either is NaN. Holm (1979) adjusts welch_p and
    mwu_p over the conditions within each group. Formulas: see the building
    blocks; each is validated there. This composite loops over nothing but
    the five conditions.

    Examples
    --------
    >>> import analyse as an
    >>> an.agreement(an.sample.generate(), within=["wave", "leerlab"])  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    within = as_by(within)
    cb = survey.codebook
    ad_max = ad_cutoff(cb.n_options) if ad_max is None else ad_max
    sides = partner_sides(survey.responses, within, between)
    sc = condition_scores(survey, min_items)
    key = within + [between]
    sc = sc.assign(**{between: sc[between].astype(str)}).merge(sides, on=key, how="left")
    g = gap_table(sc, "side", "A", "B", within + ["condition"], min_n=min_n)
    names = sides.pivot_table(index=within, columns="side", values=between, aggfunc="first", observed=True) \
        if within else None
    if within:
        names = names.rename(columns={"A": "partner_a", "B": "partner_b"}).reset_index()
        for c in ("partner_a", "partner_b"):
            if c not in names:
                names[c] = None
        names = names[within + ["partner_a", "partner_b"]]
        g = g.merge(names, on=within, how="left")
    else:
        s = sides.set_index("side")[between]
        g["partner_a"], g["partner_b"] = s.get("A"), s.get("B")
    fam = g[within].astype(str).agg("|".join, axis=1) if within else None
    g["welch_p_holm"] = holm(g["welch_p"], fam)
    g["mwu_p_holm"] = holm(g["mwu_p"], fam)
    on = within + ["condition"]
    r = rwg(survey, within, min_n=min_n)[on + ["n", "rwg_j", "note"]].rename(columns={"note": "note_rwg"})
    am = ad(survey, within, center="mean", min_n=min_n)[on + ["ad"]].rename(columns={"ad": "ad_mean"})
    amd = ad(survey, within, center="median", min_n=min_n)[on + ["ad"]].rename(columns={"ad": "ad_median"})
    ic = icc(survey, [between], within, min_items=min_items, min_n=min_n)[on + ["icc1", "icc2"]]
    ko = krippendorff(survey, within, level="ordinal", min_n=min_n)[on + ["alpha"]].rename(columns={"alpha": "kripp_ordinal"})
    ki = krippendorff(survey, within, level="interval", min_n=min_n)[on + ["alpha"]].rename(columns={"alpha": "kripp_interval"})
    out = g
    for part in (r, am, amd, ic, ko, ki):
        for c in within:
            part[c] = part[c].astype(out[c].dtype) if c in out else part[c]
        part["condition"] = part["condition"].astype(out["condition"].dtype)
        out = out.merge(part, on=on, how="left")
    ok_r = out["rwg_j"] >= rwg_min
    ok_a = out["ad_mean"] < ad_max
    na_ = out["rwg_j"].isna() | out["ad_mean"].isna()
    out["verdict"] = np.where(na_, "insufficient data", np.where(ok_r & ok_a, "agreement",
                              np.where(~ok_r & ~ok_a, "no agreement", "mixed")))
    out["note"] = join_notes(out["note"].to_numpy(dtype=object), out["note_rwg"].fillna("").to_numpy(dtype=object))
    cols = within + ["condition", "partner_a", "partner_b", "n_a", "n_b", "mean_a", "mean_b", "diff", "ci_low",
                     "ci_high", "hedges_g", "welch_t", "welch_df", "welch_p", "welch_p_holm", "mwu_u", "mwu_p",
                     "mwu_p_holm", "n", "rwg_j", "ad_mean", "ad_median", "icc1", "icc2", "kripp_ordinal",
                     "kripp_interval", "verdict", "note"]
    return out[cols]
