"""Comparisons that respect the nesting of respondents in schools: a linear mixed model per stratum and condition.

Respondents of one school answer alike; a test that treats them as
independent overstates its precision. :func:`mixed_gap` fits a random
intercept per cluster (by default the school: the pair leerlab, partner)
by REML, beside the respondent-level Welch test of :func:`~analyse.gap`.

The REML fit of a model with one random intercept needs only five sums per
cluster (see :func:`_reml`), so every stratum and condition is fitted at
once with numpy: a grid over the variance ratio, then bisection on the
derivative of the profiled REML criterion, vectorised over the fits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy import stats as st

from .._docstrings import doc
from ..codebook import Codebook
from ..errors import AnalyseError
from ..survey import Survey
from ._common import (
    MIN_GROUP_SIZE,
    add_note,
    group_codes,
    gsum,
    join_notes,
    note,
    per_distinct,
    quiet,
)
from ._input import as_data
from .agreement import compare_sides, label_sides

__all__ = ["SINGULAR_TOL", "mixed_gap"]

#: A fit is singular when the cluster SD relative to the residual SD, sqrt(var_cluster / var_residual),
#: is below this: lme4's ``isSingular`` tolerance.
SINGULAR_TOL = 1e-4

# The variance ratio var_cluster / var_residual is searched on this grid first (0 and 1e-8 .. 1e8).
_GRID = np.concatenate([[0.0], np.logspace(-8, 8, 49)])


@doc
def mixed_gap(data: Survey | pd.DataFrame, between: str = "sector", a=None, b=None,
              by: str | Sequence[str] | None = None, *, cluster: str | Sequence[str] = ("leerlab", "partner"),
              scales: dict[str, Sequence[str]] | None = None, min_items: int | None = None,
              min_n: int = MIN_GROUP_SIZE, confidence: float = 0.95, pool_waves: bool = False,
              codebook: Codebook | None = None) -> pd.DataFrame:
    """Difference in scale scores between two values of ``between`` from a linear mixed model with a random intercept per school.

    Parameters
    ----------
    {data}
    between : str
        The column whose two values are compared (default ``"sector"``: vmbo
        against mbo over all leerlabs; ``"wave"`` compares waves). It may be
        constant within each cluster (sector: a between-cluster effect) or
        vary within clusters (wave).
    a, b : value, optional
        Two values of ``between`` to compare (``estimate`` is a - b), written
        as in the data, in any capitalisation or as a codebook synonym.
        Without them ``between`` must have two values within each stratum,
        taken in its order (vmbo before mbo, the earlier wave first).
    {by}
    cluster : str or list of str
        The columns whose combination is a cluster with its own random
        intercept (default ``("leerlab", "partner")``: the school).
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
        The strata, ``condition, a, b, n_a, n_b, mean_a, mean_b``; the model's
        ``n_clusters, n_clusters_a, n_clusters_b, cluster_size`` (average
        respondents per cluster), ``estimate`` (a - b), ``se, df, t, p,
        ci_low, ci_high, var_cluster, var_residual, icc, deff, n_effective``;
        and the respondent-level test that ignores the nesting, as
        :func:`~analyse.gap`: ``diff, welch_t, welch_df, welch_p``; ``note``.

    Notes
    -----
    Per stratum and condition, with :math:`s_i = 1` on side a and 0 on side b,
    respondent :math:`i` in cluster :math:`j`:

    .. math:: y_{ij} = \\beta_0 + \\beta_1 s_{ij} + u_j + e_{ij},\\quad u_j\\sim N(0,\\tau^2),\\ e_{ij}\\sim N(0,\\sigma^2)

    fitted by REML (as ``lme4::lmer(score ~ side + (1 | school), REML = TRUE)``
    and ``nlme::lme(score ~ side, random = ~1 | school)``). ``estimate`` is
    :math:`\\hat\\beta_1`, ``se`` its standard error from
    :math:`\\hat\\sigma^2 (X^\\top \\hat V^{-1} X)^{-1}`; ``var_cluster`` and
    ``var_residual`` are :math:`\\hat\\tau^2, \\hat\\sigma^2`.

    ``df`` is nlme's "between-within" denominator df (Pinheiro & Bates 2000,
    sec. 2.4.2), the ``DF`` column of ``summary(lme)``: when :math:`s` is
    constant within every cluster (a between-cluster comparison such as
    vmbo against mbo) :math:`J - 2` for :math:`J` clusters; when it varies
    within some cluster (waves) :math:`N - J - 1` for :math:`N` respondents.
    Satterthwaite or Kenward-Roger df are not computed. ``t`` =
    estimate / se, ``p`` two-sided from :math:`t_{df}`, and the interval
    estimate :math:`\\pm t_{df,(1+c)/2}` se, as ``nlme::intervals``.

    ``icc`` = :math:`\\hat\\tau^2/(\\hat\\tau^2+\\hat\\sigma^2)` of this model
    (after the effect of ``between``); the design effect (Kish 1965) with the
    average cluster size :math:`\\bar m = N/J`:

    .. math:: \\mathrm{deff} = 1 + (\\bar m - 1)\\,\\mathrm{ICC},\\qquad n_{\\mathrm{eff}} = N/\\mathrm{deff}.

    The fit maximises the REML criterion profiled over :math:`\\sigma^2`, as a
    function of :math:`\\gamma = \\tau^2/\\sigma^2 \\ge 0`; it needs per
    cluster only :math:`n_j, \\sum s, \\sum y, \\sum s y, \\sum y^2`, so all
    strata and conditions are fitted at once: a grid over :math:`\\gamma`, then
    bisection on the criterion's derivative to machine precision; when the
    derivative at :math:`\\gamma = 0` is not negative the estimate is the
    boundary :math:`\\hat\\tau^2 = 0`.

    Undefined results are NaN with a note: a side below ``min_n``
    respondents or in fewer than 2 clusters (with one cluster per side the
    cluster variance and the effect cannot be told apart); no variance at
    all (noted by the respondent-level test: "zero variance in both
    groups"); no variance within clusters. A fit with
    :math:`\\hat\\tau/\\hat\\sigma < 10^{-4}` is singular, as lme4 reports it
    (its estimate is kept: the cluster variance is estimated at, or next to,
    0, and the model is the respondent-level test with a pooled variance).
    With waves compared, a respondent who answered in both waves counts
    twice as independent (the note says how many did); :func:`~analyse.wave_change`
    pairs them.

    Validated against ``lme4::lmer`` and ``nlme::lme`` (estimate, se, the
    variance components; df, t, p and interval of nlme) to 1e-6 on the
    sample and on an unbalanced hand-built case with a singular fit
    (``tests/r/mixed_models.R``).

    References
    ----------
    Pinheiro, J. C., & Bates, D. M. (2000). *Mixed-Effects Models in S and S-PLUS*. Springer.
    Bates, D., Maechler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models
    using lme4. *Journal of Statistical Software*, 67(1), 1-48.
    Kish, L. (1965). *Survey Sampling*. Wiley.

    Examples
    --------
    >>> import analyse as an
    >>> survey = an.sample.generate()  # the data of data/sample
    >>> m = an.mixed_gap(survey, between="sector")
    >>> m[["wave", "condition", "a", "b", "n_clusters", "df"]].head(2)
      wave condition     a    b  n_clusters   df
    0    1   ambitie  vmbo  mbo          10  8.0
    1    1  belangen  vmbo  mbo          10  8.0
    >>> m.loc[1, ["estimate", "p", "icc", "deff", "welch_p"]].astype(float).round(3).tolist()
    [0.262, 0.384, 0.321, 5.492, 0.028]
    """
    d = as_data(data, scales=scales, codebook=codebook)
    between = d.column(between)
    cluster = [d.column(c) for c in ([cluster] if isinstance(cluster, str) else list(cluster))]
    by = [c for c in d.strata(by, pool_waves=pool_waves, compare=[between]) if c != between]
    if (a is None) != (b is None):
        raise AnalyseError("give both a= and b= (two values to compare), or neither")
    values = None if a is None else [d.value(between, a), d.value(between, b)]
    side, table = label_sides(d.frame, by, between, values)
    if values is None and len(table) and table["side"].max() > 1:
        raise AnalyseError(f"between={between!r} has more than two values within a stratum: pick two with a= and b=")
    scores, _, conds = d.score_matrix(min_items)
    strata, keys = group_codes(d.frame, by)
    naive, strata = compare_sides(scores, side, strata, keys, d.condition_dtype(conds), min_n=min_n,
                                  confidence=confidence)
    cells = group_codes(d.frame, list(dict.fromkeys(by + cluster)))[0]
    fit = _fit_all(scores, side, strata, len(naive) // len(conds), cells)
    out = _frame(naive, fit, by, between, table, min_n, confidence)
    out = add_note(out, d.pooled_note(by, pool_waves or between == "wave"))
    out.attrs["between"] = between
    return out


def _fit_all(scores: np.ndarray, side: np.ndarray, strata: np.ndarray, n_strata: int, cells: np.ndarray) -> dict:
    """Cluster sums of every fit (strata x conditions, in that order), then :func:`_reml` of those that can be fitted.

    Respondents are coded once, by stratum and by cell (stratum x cluster);
    each condition's sums are then passes over its column of ``scores``.
    """
    K = scores.shape[1]
    F, C = n_strata * K, int(cells.max()) + 1 if len(cells) else 0
    cell_stratum = np.full(C, -1)
    both = (cells >= 0) & (strata >= 0)
    cell_stratum[cells[both]] = strata[both]
    a, ones = (side == 0).astype(float), np.ones(len(side))
    compared = both & ((side == 0) | (side == 1))
    per_fit, per_cell = [], []
    for j in range(K):
        y = scores[:, j]
        ok = ~np.isnan(y) & compared
        f, c = np.where(ok, strata, -1), np.where(ok, cells, -1)
        y = np.where(ok, y, 0.0)
        n_f = gsum(f, ones, n_strata)
        with quiet():
            ybar = gsum(f, y, n_strata) / n_f
        # Centred on each fit's mean: the sums of squares below then lose no digits to cancellation.
        yc = np.where(ok, y - np.append(ybar, 0.0)[f], 0.0)
        sums = [gsum(c, v, C) for v in (ones, a, yc, a * yc, yc ** 2)]
        used = sums[0] > 0
        per_fit.append((n_f, gsum(f, y ** 2, n_strata)))
        per_cell.append((cell_stratum[used] * K + j, *(v[used] for v in sums)))
    n_f, raw = (np.stack([p[i] for p in per_fit], axis=1).ravel() for i in range(2))
    cols = [np.concatenate([p[i] for p in per_cell]) for i in range(6)]
    order = np.argsort(cols[0], kind="stable")  # cells fit by fit, each fit's clusters in their order
    fit_of, n, S, Y, SY, YY = (v[order] for v in cols)
    clusters_a = gsum(fit_of, (S > 0).astype(float), F)
    clusters_b = gsum(fit_of, (S < n).astype(float), F)
    varies = gsum(fit_of, ((S > 0) & (S < n)).astype(float), F) > 0
    J = gsum(fit_of, np.ones(len(fit_of)), F)
    total = gsum(fit_of, YY, F)
    zero = total <= 1e-20 * raw
    few = (clusters_a < 2) | (clusters_b < 2)
    fitted = ~few & ~zero
    res = _reml(fit_of, n, S, Y, SY, YY, F, fitted)
    return dict(N=n_f, J=J, clusters_a=clusters_a, clusters_b=clusters_b, varies=varies, few=few, **res)


def _sums(gamma, fit_of, n, S, Y, SY, YY, F):
    """Profiled REML criterion of each fit at ``gamma`` (F, K): its parts and first derivative in gamma.

    With :math:`w_j = \\gamma/(1+n_j\\gamma)`, :math:`t_j = (n_j, S_j)^\\top`,
    :math:`A = \\sum_j (X_j^\\top X_j - w_j t_j t_j^\\top)` (:math:`\\sigma^2 X^\\top V^{-1}X`),
    :math:`b = \\sum_j (X_j^\\top y_j - w_j t_j Y_j)`, :math:`c = \\sum_j (y_j^\\top y_j - w_j Y_j^2)`:
    :math:`\\hat\\beta = A^{-1}b`, :math:`RSS = c - b^\\top A^{-1}b` and
    :math:`-2\\ell_R = (N-2)\\log RSS + \\sum_j\\log(1+n_j\\gamma) + \\log|A|` + const.
    """
    K = gamma.shape[1]
    ind = sparse.csr_matrix((np.ones(len(fit_of)), (fit_of, np.arange(len(fit_of)))), shape=(F, len(fit_of)))
    g = gamma[fit_of]
    w = g / (1 + n[:, None] * g)
    dw = 1 / (1 + n[:, None] * g) ** 2

    def tot(v):
        return np.asarray(ind @ v)

    one = np.ones((len(n), K))
    N, St, Yt, SYt, YYt = (tot(v[:, None] * one) for v in (n, S, Y, SY, YY))
    a00, a01, a11 = N - tot(w * (n * n)[:, None]), St - tot(w * (n * S)[:, None]), St - tot(w * (S * S)[:, None])
    b0, b1, c = Yt - tot(w * (n * Y)[:, None]), SYt - tot(w * (S * Y)[:, None]), YYt - tot(w * (Y * Y)[:, None])
    da00, da01, da11 = -tot(dw * (n * n)[:, None]), -tot(dw * (n * S)[:, None]), -tot(dw * (S * S)[:, None])
    db0, db1, dc = -tot(dw * (n * Y)[:, None]), -tot(dw * (S * Y)[:, None]), -tot(dw * (Y * Y)[:, None])
    with quiet():
        det = a00 * a11 - a01 ** 2
        beta0, beta1 = (a11 * b0 - a01 * b1) / det, (a00 * b1 - a01 * b0) / det
        rss = c - (beta0 * b0 + beta1 * b1)
        drss = dc - 2 * (beta0 * db0 + beta1 * db1) + (beta0 ** 2 * da00 + 2 * beta0 * beta1 * da01 + beta1 ** 2 * da11)
        trace = (a11 * da00 - 2 * a01 * da01 + a00 * da11) / det
        crit = (N - 2) * np.log(rss) + tot(np.log1p(n[:, None] * g)) + np.log(det)
        deriv = (N - 2) * drss / rss + tot(n[:, None] / (1 + n[:, None] * g)) + trace
        var_beta1 = a00 / det
    return {"crit": crit, "deriv": deriv, "rss": rss, "beta1": beta1, "var_beta1": var_beta1, "N": N}


def _reml(fit_of, n, S, Y, SY, YY, F, fitted, steps: int = 64) -> dict:
    """REML estimates of every fit flagged in ``fitted`` (NaN for the others): grid, then bisection on the derivative."""
    args = (fit_of, n, S, Y, SY, YY, F)
    grid = np.broadcast_to(_GRID, (F, len(_GRID)))
    crit = _sums(grid, *args)["crit"]
    crit = np.where(np.isfinite(crit), crit, np.inf)
    best = np.argmin(crit, axis=1)
    lo = _GRID[np.clip(best - 1, 0, None)]
    hi = _GRID[np.clip(best + 1, None, len(_GRID) - 1)]
    at_zero = _sums(np.zeros((F, 1)), *args)["deriv"][:, 0]
    boundary = (best == 0) & (at_zero >= 0)
    top = best == len(_GRID) - 1
    for _ in range(steps):
        mid = (lo + hi) / 2
        rising = _sums(mid[:, None], *args)["deriv"][:, 0] > 0
        lo, hi = np.where(rising, lo, mid), np.where(rising, mid, hi)
    gamma = np.where(boundary, 0.0, (lo + hi) / 2)
    at = _sums(gamma[:, None], *args)
    N = at["N"][:, 0]
    with quiet():
        sigma2 = at["rss"][:, 0] / (N - 2)
        se = np.sqrt(sigma2 * at["var_beta1"][:, 0])
    keep = fitted & ~top
    nan = np.full(F, np.nan)
    return {"estimate": np.where(keep, at["beta1"][:, 0], nan), "se": np.where(keep, se, nan),
            "var_cluster": np.where(keep, gamma * sigma2, nan), "var_residual": np.where(keep, sigma2, nan),
            "gamma": np.where(keep, gamma, nan), "no_within": fitted & top}


def _frame(naive: pd.DataFrame, fit: dict, by: list[str], between: str, table: pd.DataFrame, min_n: int,
           confidence: float) -> pd.DataFrame:
    """The result table: keys, sides, the model's columns, the naive test's, and the notes."""
    small = ((naive["n_a"] < min_n) | (naive["n_b"] < min_n)).to_numpy()
    N, J = fit["N"], fit["J"]
    with quiet():
        df = np.where(fit["varies"], N - J - 1, J - 2).astype(float)
        t = fit["estimate"] / fit["se"]
        p = 2 * st.t.sf(np.abs(t), df)
        tq = per_distinct(lambda v: st.t.ppf(0.5 + confidence / 2, v), df)
        icc = fit["gamma"] / (1 + fit["gamma"])
        size = N / J
        deff = 1 + (size - 1) * icc
    defined = np.isfinite(fit["estimate"]) & ~small
    cols = {"n_clusters": J, "n_clusters_a": fit["clusters_a"], "n_clusters_b": fit["clusters_b"]}
    out = naive[by + ["condition", "n_a", "n_b", "mean_a", "mean_b"]].copy()
    for name, val in cols.items():
        out[name] = val.astype(np.int64)
    model = {"cluster_size": size, "estimate": fit["estimate"], "se": fit["se"], "df": df, "t": t, "p": p,
             "ci_low": fit["estimate"] - tq * fit["se"], "ci_high": fit["estimate"] + tq * fit["se"],
             "var_cluster": fit["var_cluster"], "var_residual": fit["var_residual"], "icc": icc, "deff": deff,
             "n_effective": N / deff}
    for name, val in model.items():
        out[name] = np.where(defined, val, np.nan)
    for name in ("diff", "welch_t", "welch_df", "welch_p"):
        out[name] = naive[name].to_numpy()
    singular = defined & (np.sqrt(fit["gamma"]) < SINGULAR_TOL)
    out["note"] = join_notes(naive["note"].to_numpy(dtype=object),
                             np.where(~small & fit["few"], note("few_clusters"), ""),
                             np.where(~small & fit["no_within"], note("no_within_variance"), ""),
                             np.where(singular, note("singular_fit"), ""))
    for col, k in (("a", 0), ("b", 1)):
        named = table.loc[table["side"] == k, by + [between]].rename(columns={between: col})
        named[col] = named[col].astype(object).map(str)
        if by:
            out = out.merge(named, on=by, how="left")
        else:
            out[col] = named[col].iloc[0] if len(named) else None
    front = by + ["condition", "a", "b"]
    return out[front + [c for c in out.columns if c not in front]]
